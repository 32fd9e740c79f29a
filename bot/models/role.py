"""A role (the requisition) and everything written down at kickoff, versioned.

Nothing about a brief is overwritten: every edit adds a :class:`BriefRevision` whose
``content`` is the whole brief — basics, must-haves, contract, responsibility matrix and the
hiring plan's stages — as validated by ``bot.services.brief.BriefContent``. Commitments of a
superseded contract are marked ``superseded``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, UTCDateTime


class RoleStatus(StrEnum):
    """Where a role stands; each close or hold is a ``RoleClosure`` row with its details."""

    OPEN = "open"
    ON_HOLD = "on_hold"
    FILLED = "filled"
    CANCELLED = "cancelled"


class Side(StrEnum):
    RECRUITER = "recruiter"
    HIRING_MANAGER = "hm"


class Role(Base):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(150))
    status: Mapped[str] = mapped_column(String(16), default=RoleStatus.OPEN)
    recruiter_id: Mapped[str] = mapped_column(String(32))
    hiring_manager_id: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The shared channel and the pinned brief message (NULL until Slack accepted them).
    channel_id: Mapped[str | None] = mapped_column(String(32))
    # Whether the channel Tandem creates for the role is private (the default: hiring is
    # confidential); a kickoff may choose public. Unused when the role uses an existing one.
    channel_private: Mapped[bool] = mapped_column(Boolean, default=True, server_default=false())
    brief_ts: Mapped[str | None] = mapped_column(String(32))
    brief_posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    brief_post_attempts: Mapped[int] = mapped_column(Integer, default=0)
    brief_post_error: Mapped[str | None] = mapped_column(String(200))
    # Claimed by whoever is posting the brief right now (request or retry job).
    brief_post_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Each side's agreement to the contract, by whoever holds that side now (a person who
    # takes over a side starts with none). Whether the contract counts as signed also depends
    # on later contract changes: ``bot.services.roles.contract_status``.
    recruiter_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hiring_manager_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    revisions: Mapped[list[BriefRevision]] = relationship(
        back_populates="role", order_by="BriefRevision.number"
    )

    def side_of(self, user_id: str) -> Side | None:
        """The side ``user_id`` is on (recruiter first when one person holds both)."""
        if user_id == self.recruiter_id:
            return Side.RECRUITER
        if user_id == self.hiring_manager_id:
            return Side.HIRING_MANAGER
        return None


class BriefRevision(Base):
    __tablename__ = "brief_revisions"
    __table_args__ = (UniqueConstraint("role_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where the "what changed" message of this revision was posted in the brief's thread.
    change_message_ts: Mapped[str | None] = mapped_column(String(32))

    role: Mapped[Role] = relationship(back_populates="revisions")


class CommitmentKind(StrEnum):
    FIRST_SLATE = "first_slate"
    CANDIDATE_UPDATES = "candidate_updates"
    RESUME_REVIEW = "resume_review"
    FEEDBACK = "feedback"


class CommitmentState(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    SUPERSEDED = "superseded"


class Commitment(Base):
    """A promise of the collaboration contract, owned by one side.

    Dated promises (the first slate) carry ``due_at``; standing promises (résumé review within
    1 working day, feedback within the turnaround, candidate updates within 3 working days)
    carry their terms and get a due time each time they apply.
    """

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("brief_revisions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    owner_side: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[str] = mapped_column(String(32))
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default=CommitmentState.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Acknowledgement(Base):
    """A change to must-haves, timeline or contract awaiting the other side's acknowledgement."""

    __tablename__ = "acknowledgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("brief_revisions.id", ondelete="CASCADE"))
    requested_from: Mapped[str] = mapped_column(String(32))
    topics: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KickoffDraft(Base):
    """The kickoff (or edit) modal's answers between steps, so nothing typed is lost.

    ``private_metadata`` is capped at 3,000 characters; a brief with ten must-haves does not
    fit, so the modal carries only this row's id.
    """

    __tablename__ = "kickoff_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    origin_channel_id: Mapped[str | None] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TimelineEntry(Base):
    """Every change to a role, with who and when; the scorecard and retro read this."""

    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(48))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


__all__ = [
    "Acknowledgement",
    "BriefRevision",
    "Commitment",
    "CommitmentKind",
    "CommitmentState",
    "KickoffDraft",
    "Role",
    "RoleStatus",
    "Side",
    "TimelineEntry",
]
