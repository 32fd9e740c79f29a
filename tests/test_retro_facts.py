"""The retro's facts from a role's rows, against hand-computed values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from bot.models import Role
from bot.services.retro_facts import facts_for
from tests.harness import Tandem
from tests.hiring_flow import start_role
from tests.kickoff_flow import brief_step

OPENED = datetime(2027, 4, 9, 15, 0, tzinfo=UTC)


def test_a_fresh_role_has_one_revision_and_nothing_else(tandem: Tandem) -> None:
    with freeze_time(OPENED - timedelta(days=30), tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-04-30"))
    with tandem.database.sessions() as session:
        role = session.get(Role, role_id)
        assert role is not None
        facts = facts_for(session, role, now=OPENED)
    assert facts.brief_revisions == 1
    assert facts.interviews_held == 0
    assert facts.feedback_late == {} and facts.late_by == ()
    assert facts.checkins_skipped == 0
    assert "Interviews held: 0" in facts.lines()
