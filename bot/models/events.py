"""Events API deliveries already handled, keyed by Slack's globally unique ``event_id``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class ProcessedEvent(Base):
    """One row per Events API event we started or finished handling, with the delivery itself.

    ``completed_at`` is NULL while the handler runs; a row left unfinished by a crash is taken
    over once it is stale. A handling that failed sets ``retry_at`` (and ``attempts``,
    ``last_error``): the ``retry-events`` job hands ``payload`` to the listener again then —
    Slack never redelivers an event it saw acknowledged (see ``bot.services.events``).
    """

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32), index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(String(300))
