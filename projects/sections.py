"""The sections in which a group lists and keeps up its project, one form each.

A group rarely has everything at once, so each section saves on its own. Every section page
carries a ``VersionedForm``: the version of the project the user started from. A save based
on an older version than the one stored is a conflict (another editor saved in between),
shown to the user instead of silently overwriting the other's work. ``VersionedForm.save``
is the one place that decides it, for the project's own fields and for its photos and
organisations alike; each section only says what its form would change
(``changes_against``).
"""

import reversion
from django import forms
from django.contrib.gis.geos import Point
from django.db import transaction
from django.forms.utils import ErrorDict
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from habitat import places
from habitat.models import Organisation
from projects.models import (
    EditorInvitation,
    LocationPrecision,
    Project,
    ProjectActor,
    ProjectDocument,
    ProjectPhoto,
)


class VersionedForm(forms.Form):
    """The version of the project that a section page was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, project):
        super().__init__(data, prefix="project", initial={"version": project.version})
        self.project = project

    def save(self, request, *, section, comment):
        """Save ``section`` (a form or formset with ``save()`` and ``changes_against()``)
        unless another editor saved the same things since this page was opened.

        Returns the conflicting rows, (label, saved, sent), and saves nothing when there are
        any; otherwise saves with a history entry and moves the project's version on. The
        project's row is locked meanwhile, so two saves cannot both pass the check.
        """
        with transaction.atomic():
            stored = Project.objects.select_for_update().get(pk=self.project.pk)
            sent = self.cleaned_data.get("version") if self.is_valid() else None
            if sent is not None and sent != stored.version:
                conflict = section.changes_against(stored)
                if conflict:
                    # The next save is made knowingly over theirs: it is based on their version.
                    self.data = {**self.data, self.add_prefix("version"): stored.version}
                    return conflict
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(comment)
                section.save()
                # From the version stored under the lock, whatever the form's copy of the row said.
                Project.objects.filter(pk=stored.pk).update(version=stored.version + 1)
                # The whole project as it now is, its photos, documents and organisations with
                # it, whichever of them the section changed: the history compares these.
                reversion.add_to_revision(Project.objects.get(pk=stored.pk))
        return []


class ProjectSectionForm(forms.ModelForm):
    """A section of the project's own fields."""

    # Fields that only help to fill in the others, saved nowhere.
    not_saved = ()

    def asks_to_save(self):
        """Whether the page was sent to save the section (not to find something for it)."""
        return self.is_bound

    def changes_against(self, stored):
        """Field by field, what the other editor saved and what this one typed."""
        rows = []
        for name, field in self.fields.items():
            if name not in self.cleaned_data or name in self.not_saved:
                continue
            saved, sent = self.stored_value(stored, name), self.cleaned_data[name]
            if saved != sent and not (saved in (None, "") and sent in (None, "")):
                rows.append((field.label, saved, sent))
        return rows

    def stored_value(self, stored, name):
        return getattr(stored, name, None)


class PartsFormSet:
    """A formset of a project's photos or organisations, compared row by row."""

    def changes_against(self, stored):
        rows = []
        for form in self.forms:
            for name in form.changed_data:
                if name in form.fields and name != "id":
                    label = f"{form.instance or _('new')} · {form.fields[name].label}"
                    rows.append((label, form.initial.get(name), form.cleaned_data.get(name)))
        return rows


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


class TextsForm(ProjectSectionForm):
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


# The facts of a project, as the group's form and the admin both show them.
FACT_FIELDS = [
    "stage",
    "housing_models",
    "tenure",
    "dwellings",
    "inhabitants",
    "start_year",
    "completion_year",
    "priority_neighbourhood",
    "needs",
    "offers",
]


class FactsForm(ProjectSectionForm):
    class Meta:
        model = Project
        fields = [*FACT_FIELDS, "website", "contact_email"]


class LocationForm(ProjectSectionForm):
    """Where the project is: found by the name of its town, clicked on the map or typed as
    coordinates. The coordinates are what is saved; everything else helps to fill them in.

    The page's script suggests towns as the group types (habitat.places, through the "places"
    address) and fills the fields in. Without it, the "Find" button sends the form with
    ``action=find``: the page comes back with everything typed and the towns of that name
    (``place``), and saving with one of them chosen places the project at that town's centre,
    approximately, and names its city. Nothing is saved by finding.
    """

    town = forms.CharField(
        label=_("Town or neighbourhood"),
        required=False,
        max_length=places.MAX_TEXT_LENGTH,
        help_text=_(
            "Type its name and choose it among the suggestions: the marker goes to its centre. "
            "Then drag the marker to where your project is."
        ),
    )
    place = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Choose one and save: the project is placed at the centre of that town, as an approximate "
            "location. You can move it closer afterwards."
        ),
        error_messages={
            "invalid_choice": _("This town is no longer among those found: find it again."),
        },
    )
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

    field_order = ["town", "place", "address", "city", "country", "latitude", "longitude", "location_precision"]
    not_saved = ("town", "place")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.location and not self.is_bound:
            self.initial["latitude"] = round(self.instance.location.y, 6)
            self.initial["longitude"] = round(self.instance.location.x, 6)
        town = str(self.data.get("town", "")).strip() if self.is_bound else ""
        # The "Find" button is the form's first: Enter in any field sends it, and with no town
        # typed that is a save, as the group meant.
        self.finding = bool(town) and self.data.get("action") == "find"
        self.places = []
        if town and (self.finding or self.data.get("place")) and len(town) <= places.MAX_TEXT_LENGTH:
            self.places = places.find(town, country=self._country_typed(), language=get_language())
        self.fields["place"].choices = [(place.id, place.label) for place in self.places]
        self.fields["place"].label = _("Towns found for “%(text)s”") % {"text": town}
        chosen = next((place for place in self.places if place.id == self.data.get("place")), None)
        if chosen and not self.finding:
            self.data = self._placed_at(chosen)

    def _country_typed(self):
        code = str(self.data.get("country", "")).upper()
        return code if countries.name(code) else None

    def _placed_at(self, place):
        """The form's data with the project at ``place``'s centre, approximately."""
        data = self.data.copy()
        data["latitude"] = str(place.latitude)
        data["longitude"] = str(place.longitude)
        data["city"] = place.city
        if not data.get("country") and countries.name(place.country):
            data["country"] = place.country
        # The centre of a town is not where the group lives: the group may say "exact" once it
        # has moved the point there.
        data["location_precision"] = LocationPrecision.APPROXIMATE
        return data

    def asks_to_save(self):
        return self.is_bound and not self.finding

    def full_clean(self):
        super().full_clean()
        if self.finding:
            # Finding checks only what was typed to find: the other fields keep what was typed,
            # with no error, until the group saves.
            self._errors = ErrorDict({name: errors for name, errors in self._errors.items() if name == "town"})
            if not self._errors and not self.places:
                self.add_error(
                    "town",
                    _(
                        "No town or neighbourhood found by that name. Check its spelling, try a larger town "
                        "nearby, or place the project on the map or by its coordinates."
                    ),
                )

    def stored_value(self, stored, name):
        if name in ("latitude", "longitude"):
            point = stored.location
            return point and round(point.y if name == "latitude" else point.x, 6)
        return super().stored_value(stored, name)

    def save(self, commit=True):
        self.instance.location = Point(self.cleaned_data["longitude"], self.cleaned_data["latitude"], srid=4326)
        return super().save(commit)


class ActorForm(forms.ModelForm):
    """One organisation and its role; the organisation is picked from those staff reviewed."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.public().order_by("name_en")
    )

    class Meta:
        model = ProjectActor
        fields = ["organisation", "role", "order"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0})}


class BaseActorFormSet(PartsFormSet, forms.BaseInlineFormSet):
    pass


ActorFormSet = forms.inlineformset_factory(
    Project,
    ProjectActor,
    form=ActorForm,
    formset=BaseActorFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


class NewPart:
    """A form that adds one part to a project (a photo, a document, an organisation): it goes
    last, and adding overwrites nothing another editor saved."""

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def next_order(self):
        return getattr(self.project, self.parts).count()

    def changes_against(self, stored):
        return []


class NewOrganisationForm(NewPart, forms.Form):
    """An organisation that is not listed yet: it is added for staff to review."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    website = forms.URLField(label=_("Its website (optional)"), required=False, max_length=300)
    role = forms.ChoiceField(
        label=_("Its role"),
        choices=[("", pgettext_lazy("role", "not specified"))] + ProjectActor.Role.choices,
        required=False,
    )

    parts = "actors"

    def save(self):
        organisation = Organisation.objects.create_for_review(
            name=self.cleaned_data["name"], website=self.cleaned_data["website"]
        )
        return ProjectActor.objects.create(
            project=self.project, organisation=organisation, role=self.cleaned_data["role"], order=self.next_order()
        )


class NewFile(NewPart):
    """A new photo or document, checked and cleaned (habitat.uploads) before anything is
    stored; a refusal names the file and says why."""

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        self.instance.project = project
        self.instance.order = self.next_order()


class PhotoForm(NewFile, forms.ModelForm):
    parts = "photos"

    class Meta:
        model = ProjectPhoto
        fields = ["image", "alt_text", "caption", "credit"]


class PhotoDetailsForm(forms.ModelForm):
    """Caption, credit, alternative text and place of a photo already added."""

    class Meta:
        model = ProjectPhoto
        fields = ["alt_text", "caption", "credit", "order"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0})}


class BasePhotoFormSet(PartsFormSet, forms.BaseModelFormSet):
    pass


# Photos are added one by one with their file (PhotoForm); this formset only changes those the
# project has, whatever number of forms a post claims (edit_only).
PhotoFormSet = forms.modelformset_factory(
    ProjectPhoto, form=PhotoDetailsForm, formset=BasePhotoFormSet, extra=0, can_delete=True, edit_only=True
)


class DocumentForm(NewFile, forms.ModelForm):
    parts = "documents"

    class Meta:
        model = ProjectDocument
        fields = ["file", "title"]


class DocumentRemoval(forms.Form):
    """Removing one document, saved like any other change of a section. The button that
    asks for it sends the document's id as ``delete``."""

    delete = forms.ModelChoiceField(
        queryset=ProjectDocument.objects.none(),
        error_messages={
            "invalid_choice": _(
                "This document is not one of the project's documents: it may have been removed already."
            ),
        },
    )

    def __init__(self, data, *, project):
        super().__init__(data)
        self.fields["delete"].queryset = project.documents.all()

    def changes_against(self, stored):
        return []

    def save(self):
        return self.cleaned_data["delete"].delete()


class InvitationForm(forms.ModelForm):
    class Meta:
        model = EditorInvitation
        fields = ["email", "language"]
        labels = {
            "email": _("E-mail address of the person to invite"),
            "language": _("Language of the invitation"),
        }
        help_texts = {
            "email": _(
                "They receive a link; once they accept, they can edit this project like you. "
                "Only you and the moderators see this address."
            ),
        }

    def __init__(self, *args, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter_language = language
        self.fields["language"].initial = language
        # Without a choice (an old page, a script), the invitation goes in the inviter's language.
        self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data.get("language") or self.inviter_language


SECTIONS = {
    "texts": (_("Texts"), TextsForm),
    "facts": (_("What it is"), FactsForm),
    "location": (_("Where it is"), LocationForm),
}
