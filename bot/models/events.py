"""Events API deliveries already handled, keyed by Slack's globally unique ``event_id``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class ProcessedEvent(Base):
    """One row per Events API delivery we started or finished handling.

    ``completed_at`` is NULL while the handler runs; a row left unfinished by a crash is taken
    over by a retry once it is stale (see ``bot.services.events``).
    """

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32), index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
