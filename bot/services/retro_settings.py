"""The workspace's retro settings as the services read them (changed with ``/tandem retro``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Workspace

# Fewer than 3 anonymous answers could be told apart by the people who know who answered.
MIN_ANONYMITY_THRESHOLD = 3
DEFAULT_QUALITY_CHECK_DAYS = (30, 60, 90)


def _workspace(session: Session, team_id: str) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.team_id == team_id))


def anonymity_threshold(session: Session, team_id: str) -> int:
    """How many anonymous answers a summary needs before it shows them (never below 3)."""
    workspace = _workspace(session, team_id)
    configured = workspace.anonymity_threshold if workspace is not None else None
    return max(MIN_ANONYMITY_THRESHOLD, configured or MIN_ANONYMITY_THRESHOLD)


def quality_check_days(session: Session, team_id: str) -> tuple[int, ...]:
    """Days after a hire's start date when the HM is asked how the hire is doing."""
    workspace = _workspace(session, team_id)
    raw = workspace.quality_check_days if workspace is not None else None
    if not raw:
        return DEFAULT_QUALITY_CHECK_DAYS
    days = sorted({int(part) for part in raw.split(",") if part.strip().isdigit()})
    return tuple(days) or DEFAULT_QUALITY_CHECK_DAYS
