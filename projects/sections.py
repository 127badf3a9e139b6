"""The sections in which a group lists and keeps up its project, one form each.

A group rarely has everything at once, so each section saves on its own. Every form
carries the project's ``version``: a save based on an older version than the one stored
is a conflict (another editor saved in between), shown to the user instead of silently
overwriting the other's work.
"""

from django import forms
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from habitat.documents import clean_pdf
from habitat.images import reencode
from habitat.models import Organisation
from projects.models import Project, ProjectActor, ProjectDocument, ProjectPhoto

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class VersionedForm(forms.ModelForm):
    """A section form that knows which version of the project the user started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def is_stale(self):
        submitted = self.cleaned_data.get("version")
        return submitted is not None and submitted != self.instance_version_in_database

    @property
    def instance_version_in_database(self):
        return Project.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()


class NewProjectForm(forms.ModelForm):
    """The first step: enough to start a draft."""

    class Meta:
        model = Project
        fields = ["original_language", "name_en", "name_fr", "name_es", "country", "city"]
        labels = {
            "name_en": _("Name in English"),
            "name_fr": _("Name in French"),
            "name_es": _("Name in Spanish"),
        }
        help_texts = {"name_en": _("Fill in at least the name in the language you chose above.")}

    def clean(self):
        cleaned = super().clean()
        language = cleaned.get("original_language")
        if language and not cleaned.get(f"name_{language}"):
            self.add_error(f"name_{language}", _("Give the project's name in the language you chose."))
        return cleaned


class TextsForm(VersionedForm):
    class Meta:
        model = Project
        fields = [
            "original_language",
            "name_en",
            "name_fr",
            "name_es",
            "summary_en",
            "summary_fr",
            "summary_es",
            "description_en",
            "description_fr",
            "description_es",
        ]
        labels = {
            "name_en": _("Name in English"),
            "name_fr": _("Name in French"),
            "name_es": _("Name in Spanish"),
            "summary_en": _("Summary in English"),
            "summary_fr": _("Summary in French"),
            "summary_es": _("Summary in Spanish"),
            "description_en": _("Description in English"),
            "description_fr": _("Description in French"),
            "description_es": _("Description in Spanish"),
        }
        help_texts = {
            "summary_en": _("Two or three sentences: who you are, what you build, where."),
            "description_en": _("As long as you like. Leave a blank line between paragraphs."),
        }
        widgets = {
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
            "summary_es": forms.Textarea(attrs={"rows": 3}),
        }


class FactsForm(VersionedForm):
    class Meta:
        model = Project
        fields = [
            "stage",
            "housing_models",
            "tenure",
            "dwellings",
            "inhabitants",
            "start_year",
            "completion_year",
            "priority_neighbourhood",
            "website",
            "contact_email",
        ]


class LocationForm(VersionedForm):
    """Where the project is: typed coordinates work without JavaScript; the map fills them in."""

    latitude = forms.FloatField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        help_text=_("In decimal degrees, for example -34.9011. South is negative."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        help_text=_("In decimal degrees, for example -56.1645. West is negative."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )

    class Meta:
        model = Project
        fields = ["address", "city", "country", "location_precision"]
        widgets = {"location_precision": forms.RadioSelect}
        help_texts = {
            "location_precision": _(
                "Exact: the map shows the point you chose. Approximate: visitors only ever see a point "
                "rounded to about 1 km and never your address. Choose approximate if your group could be "
                "harmed by being found, for example if you face eviction."
            ),
        }

    field_order = ["address", "city", "country", "latitude", "longitude", "location_precision", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.location and not self.is_bound:
            self.initial["latitude"] = round(self.instance.location.y, 6)
            self.initial["longitude"] = round(self.instance.location.x, 6)

    def save(self, commit=True):
        self.instance.location = Point(self.cleaned_data["longitude"], self.cleaned_data["latitude"], srid=4326)
        return super().save(commit)


class ActorForm(forms.ModelForm):
    """One organisation and its role; the organisation is picked from those already listed."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(reviewed=True).order_by("name_en")
    )

    class Meta:
        model = ProjectActor
        fields = ["organisation", "role", "order"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0})}


ActorFormSet = forms.inlineformset_factory(
    Project, ProjectActor, form=ActorForm, extra=1, can_delete=True, max_num=30, validate_max=True
)


class NewOrganisationForm(forms.Form):
    """An organisation that is not listed yet: it is added for staff to check."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    website = forms.URLField(label=_("Its website (optional)"), required=False, max_length=300)
    role = forms.ChoiceField(
        label=_("Its role"),
        choices=[("", pgettext_lazy("role", "not specified"))] + ProjectActor.Role.choices,
        required=False,
    )

    def save(self, project):
        base = slugify(self.cleaned_data["name"])[:180] or "organisation"
        slug, n = base, 2
        while Organisation.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        organisation = Organisation.objects.create(
            name_en=self.cleaned_data["name"], slug=slug, website=self.cleaned_data["website"], reviewed=False
        )
        order = project.actors.count()
        return ProjectActor.objects.create(
            project=project, organisation=organisation, role=self.cleaned_data["role"], order=order
        )


class PhotoForm(forms.ModelForm):
    """A new photo. The image is checked and re-encoded before anything is stored."""

    # A plain file field: our own check (habitat.images) reads the image once and says,
    # naming the file, exactly why it is refused.
    image = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG, PNG or WebP, 10 MB at most. Location data in the file is removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = ProjectPhoto
        fields = ["image", "alt_text", "caption", "credit"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            try:
                reencode(image)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("“%(file)s” was refused: %(reason)s"),
                    params={"file": image.name, "reason": " ".join(error.messages)},
                ) from None
        return image


class PhotoDetailsForm(forms.ModelForm):
    """Caption, credit, alternative text and place of a photo already added."""

    class Meta:
        model = ProjectPhoto
        fields = ["alt_text", "caption", "credit", "order"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0})}


PhotoFormSet = forms.modelformset_factory(ProjectPhoto, form=PhotoDetailsForm, extra=0, can_delete=True)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = ProjectDocument
        fields = ["file", "title"]
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": "application/pdf"})}
        help_texts = {"file": _("A PDF document, 20 MB at most.")}

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if not isinstance(file, UploadedFile):
            return file
        if file.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                _("“%(file)s” was refused: it is larger than 20 MB."), params={"file": file.name}
            )
        try:
            clean_pdf(file)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                _("“%(file)s” was refused: %(reason)s"), params={"file": file.name, "reason": " ".join(error.messages)}
            ) from None
        return file


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person to invite"),
        help_text=_("They receive a link; once they accept, they can edit this project like you."),
    )


SECTIONS = {
    "texts": (_("Texts"), TextsForm),
    "facts": (_("What it is"), FactsForm),
    "location": (_("Where it is"), LocationForm),
}
