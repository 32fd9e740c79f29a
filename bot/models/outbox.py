"""The outbox: every message Tandem sends, written in the transaction that causes it.

A row is one Web API call to make (``chat.postMessage``, ``chat.update``, ``pins.add``,
``conversations.create``, ``conversations.invite`` …). Only ``bot.delivery`` sends them; see
``bot.services.outbox`` for how rows are written and ``bot.services.outbox_claims`` for how a
deliverer claims and settles them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # parked: retries exhausted or an error Slack will never accept
    SUPERSEDED = "superseded"  # an update replaced by a later update of the same message


_PENDING = text("state = 'pending'")


class OutboxMessage(Base):
    """One Web API call to make, once.

    ``channel`` is the target (a channel id, or a user id for a DM); it may be NULL while the
    row waits for its parent (``parent_key``) to be sent, whose channel it then takes.
    ``key`` names the logical message a post creates (``brief:42``) so later rows can update
    it, pin it or reply in its thread through ``parent_key``. ``in_doubt`` says an earlier
    attempt may have reached Slack (timeout, or a stale claim taken over), so the deliverer
    looks for the row's id in the channel's history before posting again.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        # The due-row query: pending rows by time (partial on both databases).
        Index(
            "ix_outbox_pending_due",
            "not_before",
            "id",
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
        # Head-of-lane checks: the oldest pending row per workspace and channel.
        Index(
            "ix_outbox_pending_lane",
            "team_id",
            "channel",
            "id",
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
        Index("ix_outbox_team_key", "team_id", "key"),
        Index("ix_outbox_team_parent_key", "team_id", "parent_key"),
        Index("ix_outbox_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(48))
    channel: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    key: Mapped[str | None] = mapped_column(String(128))
    parent_key: Mapped[str | None] = mapped_column(String(128))
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    in_doubt: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    result_channel: Mapped[str | None] = mapped_column(String(32))
    result_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboxGate(Base):
    """A time before which a workspace's channel or method must not be called again.

    ``gate`` is ``channel:<id>`` (one message per second per channel) or ``method:<name>``
    (Slack's ``Retry-After`` after a 429). Deliverers in every process read and claim these
    rows with conditional updates, so the limits hold across replicas.
    """

    __tablename__ = "outbox_gates"
    __table_args__ = (UniqueConstraint("team_id", "gate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    gate: Mapped[str] = mapped_column(String(100))
    open_at: Mapped[datetime] = mapped_column(UTCDateTime())
