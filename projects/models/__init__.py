"""The projects app's models, by the domain's seams: the project and its parts
(``project``), moderation (``moderation``), working copies and merges (``revisions``),
programmes of support (``programmes``) and exchanges between groups (``exchanges``)."""

from projects.models.exchanges import Exchange
from projects.models.maps import MapCell
from projects.models.moderation import (
    STEPS,
    EditorInvitation,
    InvalidTransition,
    ModerationEvent,
    ProjectReport,
    Role,
    Status,
    can_moderate,
)
from projects.models.programmes import Axis, Programme, SupportAction, SupportActionKind
from projects.models.project import (
    LISTED_ROWS,
    ChoiceArrayField,
    HousingModel,
    LocationPrecision,
    Need,
    Offer,
    Project,
    ProjectActor,
    ProjectDocument,
    ProjectPhoto,
    Stage,
    Tenure,
    figure_aggregates,
)
from projects.models.snapshots import OpenDataSnapshot

__all__ = [
    "LISTED_ROWS",
    "STEPS",
    "Axis",
    "ChoiceArrayField",
    "EditorInvitation",
    "Exchange",
    "HousingModel",
    "InvalidTransition",
    "LocationPrecision",
    "MapCell",
    "Need",
    "Offer",
    "ModerationEvent",
    "OpenDataSnapshot",
    "Programme",
    "Project",
    "ProjectActor",
    "ProjectDocument",
    "ProjectPhoto",
    "ProjectReport",
    "Role",
    "Stage",
    "Status",
    "SupportAction",
    "SupportActionKind",
    "Tenure",
    "can_moderate",
    "figure_aggregates",
]
