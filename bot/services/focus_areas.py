"""Interview focus areas: the must-haves each interviewer is to cover (being built: see
issue 12)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.models import Role


def uncovered_must_haves(session: Session, role: Role) -> list[str]:
    """The role's current must-haves no interviewer was asked to cover in any interview."""
    return []
