"""Weekly check-ins in a role's shared channel, and the thread replies they collect."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class Participation(StrEnum):
    """How both sides answered a check-in: each within one working day, or not."""

    ON_TIME = "on_time"
    LATE = "late"


class CheckIn(Base):
    """One role's check-in of one ISO week (``week`` like ``2026-W49``), posted or skipped.

    The ``(role_id, week)`` row is the claim: whoever inserts it posts the check-in, so a
    check-in goes out once per role per week whatever the number of schedulers. A skipped
    week is a row with ``skipped_at`` that is never posted.
    """

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("role_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    week: Mapped[str] = mapped_column(String(10))
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    skipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    skipped_by: Mapped[str | None] = mapped_column(String(32))
    skip_reason: Mapped[str | None] = mapped_column(String(500))
    # Both sides replied within one working day (None until that is known).
    both_replied_on_time: Mapped[bool | None] = mapped_column(Boolean)
    # A ``Participation`` once both sides replied (a late reply still counts, as late).
    participation: Mapped[str | None] = mapped_column(String(8))


class CheckInParty(Base):
    """The recruiter's or the HM's side of one check-in: reply due, replied, reminded."""

    __tablename__ = "checkin_parties"
    __table_args__ = (
        UniqueConstraint("checkin_id", "user_id"),
        # A person's replies still owed (the Home tab, the digest).
        Index("ix_checkin_parties_team_user", "team_id", "user_id", "replied_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(16))
    reply_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckInReply(Base):
    """A message in a check-in's thread. Replies by people not on the role are kept but do
    not count as the parties' answers (``from_party`` is False)."""

    __tablename__ = "checkin_replies"
    __table_args__ = (UniqueConstraint("checkin_id", "ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    from_party: Mapped[bool] = mapped_column(Boolean)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
