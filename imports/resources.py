"""A network's rows as projects, through django-import-export: a Resource whose fields are the
columns staff matched (``columns``), whose widgets read the cells the way networks write them
(country names in three languages, decimal commas, stage labels), and whose dry run is the
preview.

Each row comes out as a ``RowReport``: new, probable duplicate (``duplicates``), update of a
project this network's earlier import made (found by the row's key), unchanged, or error,
named by row and column. The real run (``tasks.run_import``) writes the new and updated
projects, each with its network, a revision in its history and an ``ImportedRow``.

A blank cell never erases what a project says: a network's list often knows less than the
directory. Imported points are shown rounded to about 1 km unless a column says "exact": a
network's list may hold the sites of groups that never chose to be shown exactly.
"""

import functools
from collections import Counter
from dataclasses import dataclass, field

import reversion
import tablib
from django.contrib.gis.geos import Point
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django_countries import countries
from import_export import fields, resources, widgets
from reversion.models import Version

from habitat.models import Language
from habitat.places import normalise
from imports import columns, duplicates
from imports.models import BatchStatus, ImportedRow, ImportRevision
from projects.models import HousingModel, LocationPrecision, Project, ProjectActor, Stage, Tenure

ROW = "_row"


class Outcome(models.TextChoices):
    NEW = "new", pgettext_lazy("import outcome", "new")
    DUPLICATE = "duplicate", pgettext_lazy("import outcome", "probable duplicate")
    UPDATE = "update", pgettext_lazy("import outcome", "update")
    UNCHANGED = "unchanged", pgettext_lazy("import outcome", "unchanged")
    ERROR = "error", pgettext_lazy("import outcome", "error")


# --- Widgets: the cells as networks write them -------------------------------------------------


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return str(value).strip()


class NumberBetweenWidget(widgets.Widget):
    """A number from ``low`` to ``high``, with a decimal point or a decimal comma."""

    def __init__(self, low, high):
        super().__init__()
        self.low, self.high = low, high

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is None or not self.low <= number <= self.high:
            message = gettext("enter a number between %(low)s and %(high)s")
            raise ValueError(message % {"low": self.low, "high": self.high})
        return number


class WholeNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value).strip().replace(" ", "")
        if text.endswith(".0"):
            text = text[:-2]
        if not (text.isascii() and text.isdigit()):
            raise ValueError(gettext("enter a whole number, such as 12"))
        return int(text)


@functools.cache
def _country_names():
    """Every country's name, normalised, in each of our languages: its code."""
    names = {}
    for code, _label in Language.choices:
        with translation.override(code):
            for country_code, name in countries:
                names.setdefault(normalise(str(name)), country_code)
    return names


def country_code(text):
    """The two-letter code of a country given by its code (two or three letters) or its name in
    English, French or Spanish; "" if it is none of them."""
    text = str(text).strip()
    if len(text) in (2, 3) and text.isalpha() and (code := countries.alpha2(text)):
        return code
    return _country_names().get(normalise(text), "")


class CountryWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        code = country_code(value)
        if not code:
            raise ValueError(
                gettext("“%(value)s” is not a country we know: give its name or its two-letter code") % {"value": value}
            )
        return code


class ChoiceWidget(widgets.Widget):
    """One of ``choices`` (TextChoices), by its code or its label in any of our languages."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    @functools.cached_property
    def lookup(self):
        found = {}
        for value, label in self.choices.choices:
            found[normalise(value)] = value
            for code, _label in Language.choices:
                with translation.override(code):
                    found.setdefault(normalise(str(label)), value)
        return found

    def one(self, text):
        value = self.lookup.get(normalise(str(text)))
        if value is None:
            labels = ", ".join(str(label) for _value, label in self.choices.choices)
            raise ValueError(gettext("“%(value)s” is not one of: %(choices)s") % {"value": text, "choices": labels})
        return value

    def clean(self, value, row=None, **kwargs):
        return self.one(value)


class ChoicesWidget(ChoiceWidget):
    """Several of ``choices``, separated by semicolons, commas or slashes."""

    def clean(self, value, row=None, **kwargs):
        values = []
        for part in str(value).replace(",", ";").replace("/", ";").replace("|", ";").split(";"):
            if part.strip() and (value := self.one(part)) not in values:
                values.append(value)
        return values


class YesNoWidget(widgets.Widget):
    YES = {"yes", "y", "true", "1", "x", "oui", "vrai", "si", "verdadero"}
    NO = {"no", "n", "false", "0", "non", "faux", "falso"}

    def clean(self, value, row=None, **kwargs):
        text = normalise(str(value))
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(gettext("answer yes or no"))


class WebAddressWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value).strip()
        return text if "://" in text else f"https://{text}"


def _fields(language):
    """``{target key: (attribute, widget)}``: what each of our fields is on a Project. The
    coordinates and the external id are read by the resource itself."""
    return {
        "name": (f"name_{language}", TextWidget()),
        "summary": (f"summary_{language}", TextWidget()),
        "description": (f"description_{language}", TextWidget()),
        "country": ("country", CountryWidget()),
        "city": ("city", TextWidget()),
        "address": ("address", TextWidget()),
        "latitude": (None, NumberBetweenWidget(-90, 90)),
        "longitude": (None, NumberBetweenWidget(-180, 180)),
        "location_precision": ("location_precision", ChoiceWidget(LocationPrecision)),
        "housing_models": ("housing_models", ChoicesWidget(HousingModel)),
        "stage": ("stage", ChoiceWidget(Stage)),
        "tenure": ("tenure", ChoiceWidget(Tenure)),
        "dwellings": ("dwellings", WholeNumberWidget()),
        "inhabitants": ("inhabitants", WholeNumberWidget()),
        "start_year": ("start_year", WholeNumberWidget()),
        "completion_year": ("completion_year", WholeNumberWidget()),
        "priority_neighbourhood": ("priority_neighbourhood", YesNoWidget()),
        "website": ("website", WebAddressWidget()),
        "source_url": ("source_url", WebAddressWidget()),
        "contact_email": ("contact_email", TextWidget()),
        "external_id": (None, TextWidget()),
    }


# --- What became of each row ------------------------------------------------------------------


@dataclass
class RowReport:
    number: int
    outcome: str = Outcome.NEW
    name: str = ""
    key: str = ""
    messages: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    # The project it updates (or would), or the project it created.
    project: Project | None = None
    # The labels of the fields an update changes.
    changes: list = field(default_factory=list)
    # A probable duplicate that staff chose to import.
    included: bool = False

    @property
    def outcome_label(self):
        return Outcome(self.outcome).label


@dataclass
class _RowState:
    number: int
    key: str = ""
    before: dict = field(default_factory=dict)
    # The attributes an update changes.
    changed: list = field(default_factory=list)
    report: RowReport = None
    validated: bool = False


class ProjectResource(resources.ModelResource):
    """The rows of ``batch`` as projects. ``by``: who imports (the real run only)."""

    class Meta:
        model = Project
        fields = ("id",)
        skip_diff = True
        skip_html_diff = True
        report_skipped = True

    def __init__(self, *, batch, by=None):
        super().__init__()
        self.batch = batch
        self.by = by
        self.columns = {target: column for column, target in batch.mapping.items()}
        every_field = _fields(batch.language)
        # {attribute of a Project: our field}, for every field and for those the file fills.
        self.targets = {attribute: target for target, (attribute, _widget) in every_field.items() if attribute}
        self.targets.update({"location": "latitude", "location_precision": "location_precision"})
        self.attributes = {}
        self.fields = {}
        for target, (attribute, widget) in every_field.items():
            if target in self.columns:
                self.fields[target] = fields.Field(attribute=attribute, column_name=target, widget=widget)
                if attribute:
                    self.attributes[attribute] = target
        self.seen_keys = {}
        self.earlier = {}
        self.duplicates = {}
        self.state = None

    # --- Reading the file ---------------------------------------------------------------

    def dataset(self, numbers=None):
        """The file's rows (those numbered ``numbers``, from 1), in the columns of our fields."""
        positions = {target: self.batch.headers.index(column) for target, column in self.columns.items()}
        targets = list(positions)
        dataset = tablib.Dataset(headers=[ROW, *targets])
        for number in numbers or range(1, len(self.batch.rows) + 1):
            cells = self.batch.rows[number - 1]
            dataset.append([number, *(cells[positions[target]] for target in targets)])
        return dataset

    def column(self, target):
        """The file's column for one of our fields (its header as staff see it)."""
        return self.columns.get(target, columns.label_of(target) if target in columns.TARGETS_BY_KEY else target)

    def _quietly(self, target, row):
        """The value of ``target`` in ``row``, or None if it is missing or cannot be read."""
        value = row.get(target)
        if target not in self.fields or value in (None, ""):
            return None
        try:
            return self.fields[target].widget.clean(value)
        except ValueError:
            return None

    def key_of(self, row):
        """The row's stable key: its external id, else its name and country, normalised."""
        external = self._quietly("external_id", row)
        if external:
            return f"id:{external}"[:255]
        name = self._quietly("name", row) or ""
        country = self._quietly("country", row) or ""
        return f"name:{normalise(name)}|{country}"[:255] if normalise(name) else ""

    def before_import(self, dataset, **kwargs):
        """Find, for all the rows at once, the projects the network's earlier imports made with
        the same keys, and the probable duplicates of the others."""
        rows = [dict(zip(dataset.headers, values, strict=True)) for values in dataset]
        keys = {int(row[ROW]): self.key_of(row) for row in rows}
        earlier = (
            ImportedRow.objects.filter(
                batch__network=self.batch.network,
                key__in=[key for key in keys.values() if key],
                project__isnull=False,
                project__merged_into__isnull=True,
            )
            .exclude(batch__status=BatchStatus.UNDONE)
            .select_related("project")
            .order_by("pk")
        )
        self.earlier = {imported.key: imported.project for imported in earlier}
        candidates = []
        for row in rows:
            number = int(row[ROW])
            if keys[number] in self.earlier:
                continue
            point = (self._quietly("longitude", row), self._quietly("latitude", row))
            candidates.append(
                duplicates.Candidate(
                    number=number,
                    name=self._quietly("name", row) or "",
                    country=self._quietly("country", row) or "",
                    longitude=point[0] if None not in point else None,
                    latitude=point[1] if None not in point else None,
                )
            )
        # Not the projects this import has made so far: the preview, made before any of them
        # existed, did not count them as duplicates of its other rows either.
        made_here = ImportedRow.objects.filter(batch=self.batch, project__isnull=False).values_list(
            "project", flat=True
        )
        self.duplicates = duplicates.probable_duplicates(candidates, excluding=list(made_here))

    def after_import(self, dataset, result, **kwargs):
        # ModelResource would reset the table's id sequence here, for files that give ids.
        pass

    # --- One row --------------------------------------------------------------------------

    def import_row(self, row, instance_loader, **kwargs):
        number = int(row[ROW])
        self.state = _RowState(number=number, report=RowReport(number=number))
        savepoint = None if kwargs.get("dry_run") else transaction.savepoint_create()
        row_result = super().import_row(row, instance_loader, **kwargs)
        if savepoint is not None:
            # A row that failed leaves nothing behind; the rows before it stay.
            if row_result.is_error():
                transaction.savepoint_rollback(savepoint)
            else:
                transaction.savepoint_commit(savepoint)
        row_result.report = self._report(row, row_result)
        return row_result

    def get_instance(self, instance_loader, row):
        self.state.key = self.key_of(row)
        project = self.earlier.get(self.state.key)
        if project is not None:
            project = Project.objects.get(pk=project.pk)
            self.state.before = {attribute: getattr(project, attribute) for attribute in self._written_attributes()}
        return project

    def init_instance(self, row=None):
        return Project(original_language=self.batch.language, location_precision=LocationPrecision.APPROXIMATE)

    def _written_attributes(self):
        written = list(self.attributes)
        if "latitude" in self.fields:
            written += ["location", "location_precision"]
        return list(dict.fromkeys(written))

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # A blank cell leaves the project's value as it is (a new project's default).
        if row.get(field.column_name) in (None, ""):
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        problem = self.batch.row_problems.get(str(self.state.number))
        if problem:
            errors[NON_FIELD_ERRORS] = [problem]
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors.update(self._read_point(instance, row))
        key = self.state.key
        if key and key in self.seen_keys:
            target = "external_id" if key.startswith("id:") else "name"
            message = gettext("the same project as row %(row)d (same external id, or same name and country)") % {
                "row": self.seen_keys[key]
            }
            errors.setdefault(target, []).append(message)
        elif key:
            self.seen_keys[key] = self.state.number
        if errors:
            raise ValidationError(errors)

    def _read_point(self, instance, row):
        """Set the project's location from the row's coordinates; errors by column."""
        cells = {target: row.get(target) for target in ("latitude", "longitude") if target in self.fields}
        given = {target: value for target, value in cells.items() if value not in (None, "")}
        if not given:
            return {}
        if len(given) < 2:
            missing = "longitude" if "latitude" in given else "latitude"
            return {missing: [gettext("give both latitude and longitude, or neither")]}
        errors, values = {}, {}
        for target, value in given.items():
            try:
                values[target] = self.fields[target].widget.clean(value)
            except ValueError as error:
                errors[target] = [str(error)]
        if not errors:
            instance.location = Point(values["longitude"], values["latitude"], srid=4326)
        return errors

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Validate the row first (so that an error shows whatever else it is), then skip the
        unchanged rows and the probable duplicates that staff did not choose to import."""
        self.validate_instance(instance, import_validation_errors)
        report = self.state.report
        if instance.pk:
            report.project = instance
            self.state.changed = [
                attribute for attribute, value in self.state.before.items() if getattr(instance, attribute) != value
            ]
            report.outcome = Outcome.UPDATE if self.state.changed else Outcome.UNCHANGED
            return not self.state.changed
        report.duplicates = self.duplicates.get(self.state.number, [])
        if report.duplicates:
            report.included = self.state.number in self.batch.included_duplicates
            if not report.included:
                report.outcome = Outcome.DUPLICATE
                return True
        return False

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if self.state.validated:
            return
        self.state.validated = True
        errors = dict(import_validation_errors or {})
        try:
            # The slug is made on saving; the other projects' slugs cannot clash with it. The
            # table's constraints are Project.clean()'s own rules, there checked without a
            # query per row and per constraint.
            instance.full_clean(exclude=[*errors, "slug"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.batch.publish and not instance.pk:
            # What a moderator needs to publish a project (``missing_for_review``), by column.
            if not getattr(instance, f"summary_{self.batch.language}") and "summary" not in errors:
                errors.setdefault(f"summary_{self.batch.language}", []).append(
                    gettext("a published project needs a short summary; import the list as drafts to add it later")
                )
            if instance.location is None and not {"latitude", "longitude"} & set(errors):
                errors.setdefault("location", []).append(
                    gettext("a published project needs a place on the map; give its latitude and longitude")
                )
        if errors:
            raise ValidationError(errors)

    # --- Writing (the real run only) ------------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return
        state = self.state
        previous_version = None
        if not is_create:
            # The project as it stands, kept in its history, so that undoing the import can
            # put back what it changes (django-reversion keeps no duplicate of the last version).
            with reversion.create_revision():
                reversion.set_user(self.by)
                reversion.set_comment(gettext("Before the import of %(batch)s") % {"batch": self.batch})
                reversion.add_meta(ImportRevision, batch=self.batch)
                reversion.add_to_revision(Project.objects.get(pk=instance.pk))
            previous_version = Version.objects.get_for_object(instance).first()
        instance.save()
        added_network = self._name_network(instance)
        if is_create and self.batch.publish:
            message = gettext("Imported from %(network)s.") % {"network": self.batch.network}
            # Through the moderation steps, so that the project's history says who published
            # it and when; the moderators are not asked to review what staff publish at once.
            instance.submit(by=self.by, message=message, notify_moderators=False)
            instance.publish(by=self.by, message=message)
        # One version of the project as imported, written once its saves are done (inside the
        # revision, each save would be serialised again).
        with reversion.create_revision():
            reversion.set_user(self.by)
            reversion.set_comment(gettext("Imported from %(batch)s") % {"batch": self.batch})
            reversion.add_meta(ImportRevision, batch=self.batch)
            reversion.add_to_revision(instance)
        state.report.project = instance
        ImportedRow.objects.create(
            batch=self.batch,
            row_number=state.number,
            key=state.key,
            project=instance,
            project_name=str(instance)[:200],
            action=ImportedRow.Action.CREATED if is_create else ImportedRow.Action.UPDATED,
            changed_fields=state.changed,
            previous_version=previous_version,
            revision=Version.objects.get_for_object(instance).first().revision,
            added_network=added_network,
        )

    def _name_network(self, project):
        """Name the batch's network among the project's organisations; whether it was added."""
        network = self.batch.network
        if project.actors.filter(organisation=network, role=ProjectActor.Role.NETWORK).exists():
            return False
        order = project.actors.count()
        ProjectActor.objects.create(project=project, organisation=network, role=ProjectActor.Role.NETWORK, order=order)
        return True

    # --- The report -----------------------------------------------------------------------

    def _report(self, row, row_result):
        report = self.state.report
        report.key = self.state.key
        report.name = str(row.get("name") or "")
        if row_result.is_invalid():
            report.outcome = Outcome.ERROR
            report.messages = self._messages(row_result.validation_error)
        elif row_result.is_error():
            report.outcome = Outcome.ERROR
            report.messages = [
                gettext("Row %(row)d: it could not be saved (%(error)s).")
                % {"row": report.number, "error": row_result.errors[0].error}
            ]
        report.changes = list(dict.fromkeys(self._label(attribute) for attribute in self.state.changed))
        return report

    def _label(self, attribute):
        target = self.targets.get(attribute, attribute)
        return str(columns.label_of(target)) if target in columns.TARGETS_BY_KEY else attribute

    def _messages(self, error):
        number = self.state.number
        found = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        messages = []
        for attribute, texts in found.items():
            target = self.targets.get(attribute, attribute)
            for text in texts:
                if target not in columns.TARGETS_BY_KEY:
                    messages.append(gettext("Row %(row)d: %(message)s") % {"row": number, "message": text})
                else:
                    messages.append(
                        gettext("Row %(row)d, column “%(column)s”: %(message)s")
                        % {"row": number, "column": self.column(target), "message": text}
                    )
        return messages

    # --- Running ---------------------------------------------------------------------------

    def reports(self, numbers=None, *, dry_run):
        """A RowReport per row (those numbered ``numbers``), importing them unless ``dry_run``."""
        result = self.import_data(self.dataset(numbers), dry_run=dry_run, use_transactions=dry_run, raise_errors=False)
        if result.base_errors:
            raise result.base_errors[0].error
        return [row_result.report for row_result in result.rows]


def preview(batch):
    """What importing ``batch`` would do, row by row, saving nothing: ``(reports, counts)``."""
    reports = ProjectResource(batch=batch).reports(dry_run=True)
    return reports, Counter(report.outcome for report in reports)
