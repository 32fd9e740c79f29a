"""Action items: what a recruiter and HM agreed to do differently, from a retro's *what to
change*; they return at the pair's next kickoff until one of them marks one done."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import ActionItem


def open_for_pair(
    session: Session, *, team_id: str, recruiter_id: str, hiring_manager_id: str
) -> list[ActionItem]:
    """The pair's action items not done yet, oldest first."""
    return list(
        session.scalars(
            select(ActionItem)
            .where(
                ActionItem.team_id == team_id,
                ActionItem.recruiter_id == recruiter_id,
                ActionItem.hiring_manager_id == hiring_manager_id,
                ActionItem.done_at.is_(None),
            )
            .order_by(ActionItem.created_at, ActionItem.id)
        )
    )
