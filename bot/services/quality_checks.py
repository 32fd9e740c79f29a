"""The HM's quality-of-hire follow-ups (being built: see issue 12)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.models import Hire, Role


def schedule_for_hires(session: Session, role: Role, hires: list[Hire], *, now: datetime) -> None:
    """Plan the HM's 30/60/90-day polls for each new hire, in the caller's transaction."""
