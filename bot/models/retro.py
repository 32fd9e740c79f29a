"""How a role ends and what the pair learns from it: the close (filled, cancelled, on hold)
and its hires, the retro poll and its answers, the action items that return at the pair's
next kickoff, interview focus areas, and the quality-of-hire follow-ups.

Anonymity is structural: an anonymous retro answer lives in its own table with no user id,
a random id (so its row order says nothing about when it arrived), only the day it was
given, and a keyed hash (HMAC with a server secret) that stops the same person answering
twice without telling anyone who they are.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class Outcome(StrEnum):
    FILLED = "filled"
    CANCELLED = "cancelled"
    ON_HOLD = "on_hold"


class Capacity(StrEnum):
    """Whose view a (named) retro answer gives."""

    RECRUITER = "recruiter"
    HIRING_MANAGER = "hm"
    PANEL = "panel"


class RoleClosure(Base):
    """One close (or hold) of a role; *Reopen* stamps ``reopened_at`` and keeps the row."""

    __tablename__ = "role_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    offer_accepted_on: Mapped[date | None] = mapped_column(Date())
    start_on: Mapped[date | None] = mapped_column(Date())
    closed_by: Mapped[str] = mapped_column(String(32))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reopened_by: Mapped[str | None] = mapped_column(String(32))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Hire(Base):
    """A candidate hired by a close as filled (up to the headcount)."""

    __tablename__ = "hires"
    __table_args__ = (UniqueConstraint("closure_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    closure_id: Mapped[int] = mapped_column(ForeignKey("role_closures.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    offer_accepted_on: Mapped[date] = mapped_column(Date())
    start_on: Mapped[date] = mapped_column(Date())


class QualityCheck(Base):
    """The HM's quality-of-hire poll ``days_after`` the start date; ``asked_at`` is the claim
    (set by whoever enqueues the DM), so it is asked once whatever the number of schedulers."""

    __tablename__ = "quality_checks"
    __table_args__ = (
        UniqueConstraint("hire_id", "days_after"),
        Index("ix_quality_checks_due", "asked_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    hire_id: Mapped[int] = mapped_column(ForeignKey("hires.id", ondelete="CASCADE"))
    hiring_manager_id: Mapped[str] = mapped_column(String(32))
    days_after: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rating: Mapped[int | None] = mapped_column(Integer)
    # Did the must-haves predict how the hire is doing: "yes", "partly" or "no".
    must_haves_predicted: Mapped[str | None] = mapped_column(String(8))
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RetroPoll(Base):
    """The retro of one close (filled or cancelled), posted in the role's channel."""

    __tablename__ = "retro_polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    closure_id: Mapped[int] = mapped_column(
        ForeignKey("role_closures.id", ondelete="CASCADE"), unique=True
    )
    # Everyone asked (recruiter, HM, panel), fixed when the poll opens.
    invited: Mapped[list[str]] = mapped_column(JSON)
    # The workspace's threshold when the poll opened: a later change does not re-open it.
    anonymity_threshold: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # 3 working days on the HM's clock; the summary replaces the poll then (or earlier,
    # when everyone has answered). Answers after the summary are refused.
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    summarized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RetroAnswer(Base):
    """A named retro answer (one per person per poll; a second submit edits it)."""

    __tablename__ = "retro_answers"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    poll_id: Mapped[int] = mapped_column(ForeignKey("retro_polls.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    capacity: Mapped[str] = mapped_column(String(16))
    # 1–5: the partnership (the HM rates the recruiting partnership, the recruiter the HM's
    # responsiveness and clarity), the speed of the process, the quality of candidates.
    partnership: Mapped[int] = mapped_column(Integer)
    speed: Mapped[int] = mapped_column(Integer)
    candidate_quality: Mapped[int] = mapped_column(Integer)
    what_worked: Mapped[str] = mapped_column(Text, default="")
    what_to_change: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RetroAnonymousAnswer(Base):
    """An anonymous retro answer: no user id, no capacity, a random id, the day only."""

    __tablename__ = "retro_anonymous_answers"
    __table_args__ = (UniqueConstraint("poll_id", "answerer_hash"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    poll_id: Mapped[int] = mapped_column(ForeignKey("retro_polls.id", ondelete="CASCADE"))
    # HMAC-SHA256(server secret, poll id + user id), hex: stops double answers, names nobody.
    answerer_hash: Mapped[str] = mapped_column(String(64))
    partnership: Mapped[int] = mapped_column(Integer)
    speed: Mapped[int] = mapped_column(Integer)
    candidate_quality: Mapped[int] = mapped_column(Integer)
    what_worked: Mapped[str] = mapped_column(Text, default="")
    what_to_change: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date] = mapped_column(Date())


class ActionItem(Base):
    """Something the pair will do differently, from a retro's *what to change*; shown at the
    same recruiter and HM's next kickoff until one of them marks it done."""

    __tablename__ = "action_items"
    __table_args__ = (
        Index("ix_action_items_pair", "team_id", "recruiter_id", "hiring_manager_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("retro_polls.id", ondelete="SET NULL"))
    recruiter_id: Mapped[str] = mapped_column(String(32))
    hiring_manager_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date | None] = mapped_column(Date())
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[str | None] = mapped_column(String(32))


class FocusArea(Base):
    """The must-haves one interviewer is to cover in one interview (their feedback modal
    asks these first)."""

    __tablename__ = "focus_areas"
    __table_args__ = (UniqueConstraint("interview_id", "interviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    interviewer_id: Mapped[str] = mapped_column(String(32))
    must_haves: Mapped[list[str]] = mapped_column(JSON)


class PanelFocus(Base):
    """A panel member's standing focus areas for a role (from the brief's panel), copied
    into each interview they are logged for unless the interview sets its own."""

    __tablename__ = "panel_focus"
    __table_args__ = (UniqueConstraint("role_id", "interviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    interviewer_id: Mapped[str] = mapped_column(String(32))
    must_haves: Mapped[list[str]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


__all__ = [
    "ActionItem",
    "Capacity",
    "FocusArea",
    "Hire",
    "Outcome",
    "PanelFocus",
    "QualityCheck",
    "RetroAnonymousAnswer",
    "RetroAnswer",
    "RetroPoll",
    "RoleClosure",
]
