"""The retro's summary: facts from the timeline, then ratings and items (being built: see
issue 12)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import SessionFactory
from bot.models import RetroPoll


def summarize_if_complete(session: Session, poll: RetroPoll, *, now: datetime) -> bool:
    """Replace the poll with its summary once everyone invited has answered, in the
    caller's transaction; True when it did."""
    return False


def summarize_due(sessions: SessionFactory, *, now: datetime) -> int:
    """Summarize every poll whose 3 working days are over; returns how many."""
    with sessions() as session:
        session.scalars(select(RetroPoll.id).where(RetroPoll.summarized_at.is_(None))).all()
    return 0
