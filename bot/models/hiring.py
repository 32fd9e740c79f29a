"""Candidates, their stage changes, interviews, and what people owe each other about them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class CandidateStage(StrEnum):
    SOURCED = "sourced"
    SCREENING = "screening"
    HM_INTERVIEW = "hm_interview"
    PANEL = "panel"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Candidate(Base):
    """A candidate for a role. ``name`` is personal data: erasable, never posted in channels
    unless the workspace allows it (``initials`` are used instead)."""

    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(120))
    initials: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(32))
    ats_url: Mapped[str | None] = mapped_column(String(500))
    stage: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The candidate's 1–5 candidate-experience survey score, recorded by the recruiter.
    experience_score: Mapped[int | None] = mapped_column(Integer)
    experience_recorded_by: Mapped[str | None] = mapped_column(String(32))
    experience_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StageChange(Base):
    """A candidate moving between stages (rejection, withdrawal and hire included)."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Interview(Base):
    __tablename__ = "interviews"
    # The scorecard counts the candidates interviewed in a period: for the workspace by end
    # time, for a role, a pair or a person by their roles then end time. Both covering, so
    # the index alone answers (without the second, SQLite picks ``ends_at`` for a person's
    # 50 roles and reads every interview of the period).
    __table_args__ = (
        Index("ix_interviews_team_ends", "team_id", "ends_at", "cancelled_at", "candidate_id"),
        Index(
            "ix_interviews_team_role_ends",
            "team_id",
            "role_id",
            "ends_at",
            "cancelled_at",
            "candidate_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    # The brief revision current when the interview was logged: its must-haves are rated.
    revision_id: Mapped[int] = mapped_column(ForeignKey("brief_revisions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    logged_by: Mapped[str] = mapped_column(String(32))
    logger_tz: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the round's recommendations were posted together in the role's channel.
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The "interview logged" note in the brief's thread (carries Edit / Cancel).
    note_ts: Mapped[str | None] = mapped_column(String(32))


class ObligationKind(StrEnum):
    FEEDBACK = "feedback"
    FIRST_SLATE = "first_slate"
    RESUME_REVIEW = "resume_review"
    CANDIDATE_UPDATE = "candidate_update"


class Obligation(Base):
    """One thing one person owes by a due time: interview feedback, or a contract commitment
    coming due (first slate, a résumé review, a candidate update). The nudge ladder runs on
    these; resolving one stops its ladder."""

    __tablename__ = "obligations"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "subject_key"),
        # The scorecard judges a team's obligations of a kind due in a period (feedback on
        # time per person and side, contract kept, the chart's trend): covering — the
        # verdict's and the side's columns included — so the index alone answers them, and
        # in owner order, so feedback on time is grouped by person without a sort. The due
        # time is filtered in the index's entries: cheap next to reading each row.
        Index(
            "ix_obligations_team_kind_owner",
            "team_id",
            "kind",
            "owner_id",
            "role_id",
            "due_at",
            "resolved_at",
            "cancelled_at",
            "commitment_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    # What it is about, unique per kind: "interview:12:U123", "candidate:7", "commitment:3".
    subject_key: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[str] = mapped_column(String(32), index=True)
    interview_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    commitment_id: Mapped[int | None] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The owner's *Snooze 1 day*: their DMs about this wait until then, even when the ladder
    # is planned again (a rescheduled interview).
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None and self.cancelled_at is None


class Recommendation(StrEnum):
    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


class Feedback(Base):
    """An interviewer's feedback on one interview (one row per feedback obligation).

    ``draft`` keeps what was typed in a modal closed without submitting; ``submitted_at`` is
    set once, and later submissions count as edits.
    """

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    obligation_id: Mapped[int] = mapped_column(
        ForeignKey("obligations.id", ondelete="CASCADE"), unique=True
    )
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    interviewer_id: Mapped[str] = mapped_column(String(32))
    recommendation: Mapped[str | None] = mapped_column(String(16))
    # Must-have text → 1..4; must-haves left unrated are absent.
    ratings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    nice_to_have_notes: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    edit_count: Mapped[int] = mapped_column(Integer, default=0)
