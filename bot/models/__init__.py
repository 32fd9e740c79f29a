"""Every model, imported so that ``Base.metadata`` is complete for Alembic."""

from bot.models import slack_oauth
from bot.models.base import Base, UTCDateTime
from bot.models.events import ProcessedEvent
from bot.models.jobs import JobRun
from bot.models.role import (
    Acknowledgement,
    BriefRevision,
    Commitment,
    CommitmentKind,
    CommitmentState,
    KickoffDraft,
    Role,
    RoleStatus,
    Side,
    TimelineEntry,
)
from bot.models.workspace import Person, Workspace

__all__ = [
    "Acknowledgement",
    "Base",
    "BriefRevision",
    "Commitment",
    "CommitmentKind",
    "CommitmentState",
    "JobRun",
    "KickoffDraft",
    "Person",
    "ProcessedEvent",
    "Role",
    "RoleStatus",
    "Side",
    "TimelineEntry",
    "UTCDateTime",
    "Workspace",
    "slack_oauth",
]
