"""What changed in a project, and when: between two saved versions (the group's history, the
admin's history) and between a published project and its working copy (the review page).

Every comparison goes through ``changes(before, after)`` on two ``Snapshot``s, made the
same way from a project as it is now or from a version kept by django-reversion: the texts
and facts field by field, then the photos, documents and organisations as lists.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext
from reversion.models import Version
from translated_fields import show_language_code

from habitat.models import Organisation
from projects.models import ModerationEvent, Project, ProjectActor, ProjectDocument, ProjectPhoto

# Fields that say where a project stands rather than what it says: moderation, bookkeeping,
# and what is computed from other fields.
NOT_COMPARED = {
    "id",
    "slug",
    "status",
    "published_at",
    "created_at",
    "updated_at",
    "revision_of",
    "merged_into",
    "submitted_at",
    "confirmed_at",
    "confirmation_requested_at",
    "version",
    "search_vector",
    "public_location",
    "map_cell",
}
COMPARED_FIELDS = [f for f in Project._meta.concrete_fields if f.name not in NOT_COMPARED]


@dataclass
class Snapshot:
    """A project's fields and its parts, described as a reader sees them."""

    fields: dict
    parts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def display_value(model_field, value):
    """A field's value as a reader reads it: labels, not codes; "—" for nothing."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if model_field.name == "location":
        return f"{value.y:.5f}, {value.x:.5f}"
    if hasattr(value, "code") and hasattr(value, "name"):  # a country
        return str(value.name)
    choices = dict((model_field.base_field if isinstance(model_field, ArrayField) else model_field).flatchoices)
    if choices:
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(choices.get(item, item)) for item in values)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _parts(photos, documents, actors, organisation_names):
    def actor(a):
        name = organisation_names.get(a.organisation_id, "?")
        return f"{name} ({a.get_role_display()})" if a.role else name

    return {
        ProjectPhoto._meta.verbose_name_plural: [p.alt_text for p in sorted(photos, key=_order)],
        ProjectDocument._meta.verbose_name_plural: [d.title for d in sorted(documents, key=_order)],
        ProjectActor._meta.verbose_name_plural: [actor(a) for a in sorted(actors, key=_order)],
    }


def _order(item):
    return (item.order, item.pk or 0)


def snapshot(project, *, photos, documents, actors, organisation_names):
    fields = {f.name: display_value(f, getattr(project, f.attname)) for f in COMPARED_FIELDS}
    return Snapshot(fields=fields, parts=_parts(photos, documents, actors, organisation_names))


def snapshot_of(project):
    """The project as it is now."""
    actors = list(project.actors.select_related("organisation"))
    names = {a.organisation_id: a.organisation.display_name for a in actors}
    return snapshot(
        project,
        photos=project.photos.all(),
        documents=project.documents.all(),
        actors=actors,
        organisation_names=names,
    )


def changes(before, after):
    """What ``after`` changes in ``before``: a ``Change`` per field or list of parts."""
    result = []
    # "Name [fr]" rather than three rows called "name".
    with show_language_code(True):
        for model_field in COMPARED_FIELDS:
            old, new = before.fields.get(model_field.name, "—"), after.fields.get(model_field.name, "—")
            if old != new:
                result.append(Change(str(model_field.verbose_name), old, new))
    for label, new in after.parts.items():
        old = before.parts.get(label, [])
        if old != new:
            result.append(Change(str(label), "\n".join(old) or "—", "\n".join(new) or "—"))
    return result


# --- Versions kept by django-reversion ---------------------------------------------------


@dataclass
class SavedVersion:
    """One version of a project as saved: when, by whom, why, and what it changed."""

    when: datetime
    who: str
    comment: str
    changes: list
    version: Version
    first: bool = False


def _snapshots_of_versions(versions):
    """A Snapshot for each reversion Version of a project, reading the photos, documents and
    organisations kept in the same revision; a few queries for the whole history."""
    revision_ids = [v.revision_id for v in versions]
    types = ContentType.objects.get_for_models(ProjectPhoto, ProjectDocument, ProjectActor)
    parts = {revision_id: {model: [] for model in types} for revision_id in revision_ids}
    related = Version.objects.filter(revision_id__in=revision_ids, content_type__in=types.values())
    by_type = {content_type.pk: model for model, content_type in types.items()}
    for version in related:
        try:
            item = version._object_version.object
        except Exception:  # noqa: BLE001 -- a version of an older shape of the model: skip it
            continue
        parts[version.revision_id][by_type[version.content_type_id]].append(item)
    organisation_ids = {a.organisation_id for rev in parts.values() for a in rev[ProjectActor]}
    names = {o.pk: o.display_name for o in Organisation.objects.filter(pk__in=organisation_ids)}
    snapshots = []
    for version in versions:
        project = version._object_version.object
        own = parts[version.revision_id]
        kept = {model: [item for item in own[model] if item.project_id == project.pk] for model in own}
        snapshots.append(
            snapshot(
                project,
                photos=kept[ProjectPhoto],
                documents=kept[ProjectDocument],
                actors=kept[ProjectActor],
                organisation_names=names,
            )
        )
    return snapshots


def saved_versions(*projects):
    """The saved versions of ``projects`` (a project and its working copy), newest first,
    each with what it changed against the version saved before it."""
    versions = sorted(
        (
            version
            for project in projects
            if project is not None
            for version in Version.objects.get_for_object(project).select_related("revision__user")
        ),
        key=lambda v: (v.revision.date_created, v.pk),
    )
    snapshots = _snapshots_of_versions(versions)
    result = []
    for index, version in enumerate(versions):
        before = snapshots[index - 1] if index else None
        result.append(
            SavedVersion(
                when=version.revision.date_created,
                who=version.revision.user.public_name if version.revision.user else "",
                comment=version.revision.get_comment(),
                changes=changes(before, snapshots[index]) if before else [],
                version=version,
                first=before is None,
            )
        )
    return list(reversed(result))


# --- The group's timeline -------------------------------------------------------------------


@dataclass
class Entry:
    when: datetime
    kind: str  # "version" or "event"
    who: str
    title: str
    message: str = ""
    changes: list = field(default_factory=list)


def _version_title(saved):
    if saved.first:
        return gettext("First version recorded")
    return gettext("Saved") if saved.changes else gettext("Saved, without changes")


def timeline(project, *, limit=30):
    """What happened to ``project``, newest first: each saved version with what it changed,
    each moderation step with the moderator's message."""
    entries = [
        Entry(
            when=saved.when,
            kind="version",
            who=saved.who,
            title=_version_title(saved),
            changes=saved.changes,
        )
        for saved in saved_versions(project, project.working_copy() if not project.revision_of_id else None)
    ]
    events = ModerationEvent.objects.filter(project=project).select_related("actor")
    entries += [
        Entry(
            when=event.created_at,
            kind="event",
            who=event.actor.public_name if event.actor else "",
            title=event.get_action_display(),
            message=event.message,
        )
        for event in events
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
