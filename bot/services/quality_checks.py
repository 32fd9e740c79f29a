"""The HM's quality-of-hire follow-ups (being built: see issue 12)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import SessionFactory
from bot.models import Hire, QualityCheck, Role


def schedule_for_hires(session: Session, role: Role, hires: list[Hire], *, now: datetime) -> None:
    """Plan the HM's 30/60/90-day polls for each new hire, in the caller's transaction."""


def cancel_for_hires(session: Session, hires: list[Hire], *, now: datetime) -> None:
    """Cancel the unasked polls of hires undone by a reopen, in the caller's transaction."""


def ask_due(sessions: SessionFactory, *, now: datetime) -> int:
    """Queue each due quality-of-hire DM once (inside the HM's working hours); returns how
    many were queued."""
    with sessions() as session:
        session.scalars(select(QualityCheck.id).where(QualityCheck.asked_at.is_(None))).all()
    return 0
