"""Queries about a role's closes and holds (the use cases are in ``role_closure``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Role, RoleClosure, RoleStatus


def current_closure(session: Session, role: Role) -> RoleClosure | None:
    """The close or hold in force: the latest one not reopened (None while the role is open)."""
    if role.status == RoleStatus.OPEN:
        return None
    return session.scalars(
        select(RoleClosure)
        .where(
            RoleClosure.team_id == role.team_id,
            RoleClosure.role_id == role.id,
            RoleClosure.reopened_at.is_(None),
        )
        .order_by(RoleClosure.closed_at.desc(), RoleClosure.id.desc())
        .limit(1)
    ).first()
