"""The weekly digest over signed HTTP and the scheduler: opt-in with `/tandem digest on|off`,
one DM on Monday at 09:00 the person's time (New York here), once — also with a second
scheduler run — within the attention budget, and never after `off`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun import freeze_time
from sqlalchemy import select

from bot.models import OutboxMessage, Person
from bot.services import outbox
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, dms_to, run_jobs, start_role
from tests.kickoff_flow import HM, RECRUITER, brief_step
from tests.slack_requests import TEAM_ID

NEW_YORK = ZoneInfo("America/New_York")
# A Thursday; the next Monday is 2027-03-15, the first day of US summer time.
THURSDAY = datetime(2027, 3, 11, 15, 0, tzinfo=UTC)
MONDAY_NINE = datetime(2027, 3, 15, 9, 0, tzinfo=NEW_YORK).astimezone(UTC)


def _said(tandem: Tandem) -> str:
    return str(tandem.standin.calls_to("response_url")[-1].params.get("text"))


def _digests(tandem: Tandem, user: str) -> list[dict]:
    return [m for m in dms_to(tandem, user) if str(m.get("text", "")).startswith("Your week")]


def _role(tandem: Tandem) -> None:
    with freeze_time(THURSDAY - timedelta(days=3), tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-05-14"))
        add_candidate(tandem, role_id, "Ann Lee", RECRUITER)


def test_on_brings_one_digest_on_monday_at_nine_their_time(tandem: Tandem) -> None:
    _role(tandem)
    with freeze_time(THURSDAY, tick=True):
        tandem.command("/tandem", "digest on", user=HM)
        assert "Weekly digest on" in _said(tandem)
        tandem.command("/tandem", "digest", user=HM)
        assert "is on" in _said(tandem)
    with tandem.database.sessions() as session:
        person = session.scalars(select(Person).where(Person.user_id == HM)).one()
    assert person.weekly_digest_due_at == MONDAY_NINE
    run_jobs(tandem, MONDAY_NINE - timedelta(minutes=1))
    tandem.deliver()
    assert _digests(tandem, HM) == []
    run_jobs(tandem, MONDAY_NINE + timedelta(minutes=1))
    run_jobs(tandem, MONDAY_NINE + timedelta(minutes=2))  # a second scheduler tick
    tandem.deliver()
    [digest] = _digests(tandem, HM)
    shown = str(digest["blocks"])
    assert "Due this week" in shown and "Résumé review" in shown
    assert "Your roles" in shown and "Your scorecard" in shown
    assert _digests(tandem, RECRUITER) == []  # only who asked
    with tandem.database.sessions() as session:
        person = session.scalars(select(Person).where(Person.user_id == HM)).one()
    assert person.weekly_digest_due_at == MONDAY_NINE + timedelta(days=7)


def test_a_spent_budget_holds_the_digest_for_the_next_morning(tandem: Tandem) -> None:
    _role(tandem)
    with freeze_time(THURSDAY, tick=True):
        tandem.command("/tandem", "digest on", user=HM)
    advance = MONDAY_NINE - timedelta(minutes=30)
    with tandem.database.sessions.begin() as session:
        for n in range(3):  # three DMs already queued to the HM that Monday
            outbox.enqueue(
                session,
                team_id=TEAM_ID,
                kind="test",
                method=outbox.POST,
                channel=HM,
                payload={"text": f"dm {n}"},
                now=advance,
            )
    run_jobs(tandem, MONDAY_NINE + timedelta(minutes=1))
    with tandem.database.sessions() as session:
        person = session.scalars(select(Person).where(Person.user_id == HM)).one()
        queued = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "weekly-digest")
        ).all()
    assert queued == []
    assert person.weekly_digest_due_at is not None
    assert person.weekly_digest_due_at.astimezone(NEW_YORK).date().isoformat() == "2027-03-16"


def test_off_and_bad_words(tandem: Tandem) -> None:
    _role(tandem)
    with freeze_time(THURSDAY, tick=True):
        tandem.command("/tandem", "digest on", user=HM)
        tandem.command("/tandem", "digest off", user=HM)
        assert "Weekly digest off" in _said(tandem)
        tandem.command("/tandem", "digest sometimes <!channel>", user=HM)
        assert "/tandem digest on" in _said(tandem) and "<!channel>" not in _said(tandem)
    run_jobs(tandem, MONDAY_NINE + timedelta(minutes=1))
    tandem.deliver()
    assert _digests(tandem, HM) == []
