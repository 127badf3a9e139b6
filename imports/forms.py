from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from habitat.models import Language, Organisation
from imports import columns, files
from imports.models import ImportBatch
from projects.models import can_moderate


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file in UTF-8, its columns separated by commas or semicolons, with a header line; "
            "or a GeoJSON FeatureCollection of points, whose properties are the columns."
        ),
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=Organisation.objects.public().order_by("name_en"),
        help_text=_("The organisation the list comes from: it is named as the network of every project imported."),
    )
    language = forms.ChoiceField(
        label=_("Language of the texts"),
        choices=Language.choices,
        initial=Language.ENGLISH,
        help_text=_("The language the names and descriptions of the file are written in."),
    )
    publish = forms.TypedChoiceField(
        label=_("Import the projects as"),
        choices=[("", _("drafts, to review one by one")), ("yes", _("published projects"))],
        coerce=bool,
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.table = None

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.table = files.read(uploaded, name=uploaded.name)
        except files.UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None
        return uploaded

    def clean_publish(self):
        publish = self.cleaned_data["publish"]
        if publish and not can_moderate(self.user):
            raise forms.ValidationError(_("Only moderators may publish projects: import them as drafts."))
        return publish

    def save(self):
        uploaded = self.cleaned_data["file"]
        return ImportBatch.objects.create(
            network=self.cleaned_data["network"],
            created_by=self.user,
            file_name=uploaded.name[:255],
            file_format=self.table.format,
            language=self.cleaned_data["language"],
            publish=self.cleaned_data["publish"],
            headers=self.table.headers,
            rows=self.table.rows,
            row_problems={str(number): problem for number, problem in self.table.problems.items()},
            mapping=columns.guess(self.table.headers),
            total_rows=len(self.table.rows),
        )


IGNORE = ""


class MappingForm(forms.Form):
    """One choice per column of the file: which of our fields it fills, or none."""

    def __init__(self, *args, batch, **kwargs):
        # The labels are the file's headers as they are written, with nothing added.
        super().__init__(*args, label_suffix="", **kwargs)
        self.batch = batch
        choices = [(IGNORE, _("— ignore this column —"))] + [(target.key, target.label) for target in columns.TARGETS]
        samples = _samples(batch)
        for index, header in enumerate(batch.headers):
            shown = ", ".join(samples[index]) or gettext("(empty in the first rows)")
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=batch.mapping.get(header, IGNORE),
                help_text=gettext("For example: %(values)s") % {"values": shown},
            )

    def column_fields(self):
        return [self[f"column_{index}"] for index in range(len(self.batch.headers))]

    def clean(self):
        cleaned = super().clean()
        chosen = {}
        for index, header in enumerate(self.batch.headers):
            target = cleaned.get(f"column_{index}")
            if not target:
                continue
            if target in chosen:
                self.add_error(
                    f"column_{index}",
                    gettext("“%(other)s” already fills “%(field)s”: choose one column for it.")
                    % {"other": chosen[target], "field": columns.label_of(target)},
                )
            else:
                chosen[target] = header
        for target in columns.REQUIRED:
            if target not in chosen:
                self.add_error(
                    None,
                    gettext("Choose the column that holds the projects’ %(field)s: every project needs one.")
                    % {"field": columns.label_of(target)},
                )
        if ("latitude" in chosen) != ("longitude" in chosen):
            self.add_error(None, gettext("Choose a column for the latitude and one for the longitude, or neither."))
        self.mapping = {header: target for target, header in chosen.items()}
        return cleaned


def _samples(batch, count=3):
    """The first few values of each column, to show what it holds."""
    samples = [[] for _header in batch.headers]
    for row in batch.rows[:50]:
        for index, cell in enumerate(row):
            if cell and len(samples[index]) < count and cell[:40] not in samples[index]:
                samples[index].append(cell[:40])
    return samples


class ConfirmForm(forms.Form):
    """The import, with the probable duplicates that staff tick to import anyway."""

    include = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, duplicate_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["include"].choices = [(number, number) for number in duplicate_rows]
