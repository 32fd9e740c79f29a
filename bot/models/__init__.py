"""Every model, imported so that ``Base.metadata`` is complete for Alembic."""

from bot.models import slack_oauth
from bot.models.base import Base, UTCDateTime
from bot.models.checkins import CheckIn, CheckInParty, CheckInReply, Participation
from bot.models.events import ProcessedEvent
from bot.models.hiring import (
    Candidate,
    CandidateStage,
    Feedback,
    Interview,
    Obligation,
    ObligationKind,
    Recommendation,
    StageChange,
)
from bot.models.jobs import JobRun
from bot.models.nudges import Mute, Nudge, NudgeKind
from bot.models.outbox import OutboxGate, OutboxMessage, OutboxState
from bot.models.retro import (
    ActionItem,
    Capacity,
    FocusArea,
    Hire,
    Outcome,
    PanelFocus,
    QualityCheck,
    RetroAnonymousAnswer,
    RetroAnswer,
    RetroPoll,
    RoleClosure,
)
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
from bot.models.submissions import ViewSubmission
from bot.models.workspace import Person, Workspace

__all__ = [
    "Acknowledgement",
    "ActionItem",
    "Base",
    "BriefRevision",
    "Candidate",
    "CandidateStage",
    "Capacity",
    "CheckIn",
    "CheckInParty",
    "CheckInReply",
    "Commitment",
    "CommitmentKind",
    "CommitmentState",
    "Feedback",
    "FocusArea",
    "Hire",
    "Interview",
    "JobRun",
    "KickoffDraft",
    "Mute",
    "Nudge",
    "NudgeKind",
    "Obligation",
    "ObligationKind",
    "OutboxGate",
    "OutboxMessage",
    "OutboxState",
    "Outcome",
    "PanelFocus",
    "Participation",
    "Person",
    "ProcessedEvent",
    "QualityCheck",
    "Recommendation",
    "RetroAnonymousAnswer",
    "RetroAnswer",
    "RetroPoll",
    "Role",
    "RoleClosure",
    "RoleStatus",
    "Side",
    "StageChange",
    "TimelineEntry",
    "UTCDateTime",
    "ViewSubmission",
    "Workspace",
    "slack_oauth",
]
