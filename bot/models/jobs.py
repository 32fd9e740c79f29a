"""Claims that make scheduled work happen once per slot, whatever the number of schedulers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class JobRun(Base):
    """A ``(job_name, slot)`` pair claimed by exactly one scheduler.

    ``slot`` names the unit of work, e.g. ``"2026-11-30"`` for a daily job or
    ``"checkin:42:2026-W49"`` for one role's weekly check-in.
    """

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job_name", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(100))
    slot: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
