"""Messages that must be sent once: the rungs of each obligation's nudge ladder, and mutes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class NudgeKind(StrEnum):
    REQUEST = "request"  # at the interview's end: "Submit feedback"
    REMINDER = "reminder"  # a few working hours before due
    OVERDUE = "overdue"  # at the due time
    ESCALATION = "escalation"  # one working day later, in the role's channel


class Nudge(Base):
    """One rung of a ladder: planned for ``scheduled_for``, not before ``send_after``.

    ``send_after`` moves for quiet hours, away statuses, snoozes and the one-DM-per-hour
    pace; ``scheduled_for`` stays as planned (it is what the message says). Sending a rung
    claims the row (``claimed_at``), writes its outbox row and sets ``sent_at`` in one
    transaction; the outbox then delivers the message.
    """

    __tablename__ = "nudges"
    __table_args__ = (UniqueConstraint("obligation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[str] = mapped_column(String(32), index=True)
    essential: Mapped[bool] = mapped_column(Boolean, default=True)
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime())
    send_after: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    message_channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # The outbox row that carries this rung (a digest carries several); ``sent_at`` is when
    # it was committed there, ``message_channel``/``message_ts`` when Slack accepted it.
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), index=True
    )


class Mute(Base):
    """A person muted a role's non-essential messages (reminders)."""

    __tablename__ = "mutes"
    __table_args__ = (UniqueConstraint("team_id", "role_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
