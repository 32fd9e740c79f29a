"""Queries about a role's closes and holds (the use cases are in ``role_closure``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Candidate, Hire, Role, RoleClosure, RoleStatus
from bot.services import candidates as candidate_service


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


def closure_hires(session: Session, closure: RoleClosure) -> list[Hire]:
    """The candidates hired by one close as filled."""
    return list(
        session.scalars(
            select(Hire)
            .where(Hire.team_id == closure.team_id, Hire.closure_id == closure.id)
            .order_by(Hire.id)
        )
    )


def hire_labels(session: Session, hires: list[Hire], *, full_names: bool) -> list[str]:
    """How the hires are named (initials in channels unless the workspace allows names)."""
    labels = []
    for hire in hires:
        candidate = session.get(Candidate, hire.candidate_id)
        if candidate is not None:
            labels.append(candidate_service.label(candidate, full_names=full_names))
    return labels
