"""Seed what the follow-ups start from: a role filled with a hire (the *Close role* UI is
another part's; these tests write the RoleClosure and Hire rows as the close would)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.models import Hire, Role, RoleClosure, RoleStatus
from bot.services import quality_checks
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, start_role
from tests.kickoff_flow import RECRUITER


def role_with_candidate(tandem: Tandem, name: str = "Dana Scully") -> tuple[int, int]:
    role_id = start_role(tandem)
    return role_id, add_candidate(tandem, role_id, name, RECRUITER)


def seed_hire(
    tandem: Tandem, role_id: int, candidate_id: int, *, start_on: date, schedule: bool = True
) -> int:
    """Close the role as filled with one hire starting ``start_on``; returns the hire id."""
    now = datetime.now(UTC)
    with tandem.database.sessions.begin() as session:
        role = session.get(Role, role_id)
        assert role is not None
        role.status = RoleStatus.FILLED
        closure = RoleClosure(
            team_id=role.team_id,
            role_id=role.id,
            outcome="filled",
            offer_accepted_on=start_on - timedelta(days=14),
            start_on=start_on,
            closed_by=RECRUITER,
            closed_at=now,
        )
        session.add(closure)
        session.flush()
        hire = Hire(
            team_id=role.team_id,
            role_id=role.id,
            closure_id=closure.id,
            candidate_id=candidate_id,
            offer_accepted_on=closure.offer_accepted_on,
            start_on=start_on,
        )
        session.add(hire)
        session.flush()
        if schedule:
            quality_checks.schedule_for_hires(session, role, [hire], now=now)
        return hire.id
