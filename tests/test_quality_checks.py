"""The HM's quality-of-hire follow-ups: 30/60/90 days after the start date, at the start of
the HM's working day (America/New_York), once each — also with schedulers racing — then the
answer flow and its refusals; on both databases."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.models import OutboxMessage, QualityCheck, RoleClosure, TimelineEntry
from bot.services import message_keys, outbox, quality_checks
from bot.slack.ids import Action
from tests.followups_flow import role_with_candidate, seed_hire
from tests.harness import Tandem
from tests.hiring_flow import dms_to, next_weekday, press, run_jobs
from tests.kickoff_flow import ADMIN, HM, RECRUITER, STRANGER
from tests.modals import opened_view, submit

NEW_YORK = ZoneInfo("America/New_York")


def ny(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK).astimezone(UTC)


def working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def quality_dms(tandem: Tandem) -> list[dict[str, Any]]:
    return [m for m in dms_to(tandem, HM) if str(m.get("text", "")).startswith("How is")]


def checks(tandem: Tandem) -> list[QualityCheck]:
    with tandem.database.sessions() as session:
        return list(session.scalars(select(QualityCheck).order_by(QualityCheck.days_after)))


def friday_start() -> date:
    # Day 30 after a Friday is a Sunday: that check waits for Monday.
    return next_weekday(4)


def test_each_check_is_sent_once_at_the_start_of_the_hms_working_day(tandem: Tandem) -> None:
    role_id, candidate_id = role_with_candidate(tandem)
    start = friday_start()
    seed_hire(tandem, role_id, candidate_id, start_on=start)
    planned = checks(tandem)
    assert [c.days_after for c in planned] == [30, 60, 90]
    assert start + timedelta(days=30) != working_day(start + timedelta(days=30))  # a Sunday
    for number, check in enumerate(planned, start=1):
        expected = ny(working_day(start + timedelta(days=check.days_after)), 9)
        assert check.due_at == expected
        run_jobs(tandem, ny(start + timedelta(days=check.days_after), 0, 5))  # local midnight
        run_jobs(tandem, expected - timedelta(minutes=1))
        assert len(quality_dms(tandem)) == number - 1
        run_jobs(tandem, expected + timedelta(minutes=1))
        run_jobs(tandem, expected + timedelta(hours=2))
        sent = quality_dms(tandem)
        assert len(sent) == number
        assert f"{check.days_after} days in" in sent[-1]["text"]
        assert "Dana Scully" in sent[-1]["text"]
    with tandem.database.sessions() as session:
        keys = session.scalars(
            select(OutboxMessage.key).where(OutboxMessage.kind == quality_checks.DM_KIND)
        ).all()
    assert sorted(keys) == sorted(message_keys.quality_check(c.id) for c in planned)
    assert all(c.asked_at is not None for c in checks(tandem))


def test_a_check_due_outside_working_hours_waits_for_the_next_working_morning(
    tandem: Tandem,
) -> None:
    role_id, candidate_id = role_with_candidate(tandem)
    start = friday_start()
    seed_hire(tandem, role_id, candidate_id, start_on=start)
    day_60 = start + timedelta(days=60)  # a Tuesday
    assert day_60.weekday() == 1
    run_jobs(tandem, checks(tandem)[0].due_at + timedelta(minutes=1))
    assert len(quality_dms(tandem)) == 1
    # The scheduler was down all Tuesday; it comes back at 19:00 New York time.
    run_jobs(tandem, ny(day_60, 19))
    assert len(quality_dms(tandem)) == 1
    assert checks(tandem)[1].asked_at is None
    assert checks(tandem)[1].due_at == ny(day_60 + timedelta(days=1), 9)
    run_jobs(tandem, ny(day_60 + timedelta(days=1), 8, 59))
    assert len(quality_dms(tandem)) == 1
    run_jobs(tandem, ny(day_60 + timedelta(days=1), 9, 1))
    assert [m["text"].split(", ")[-1] for m in quality_dms(tandem)] == [
        "30 days in?",
        "60 days in?",
    ]


def test_a_spent_attention_budget_holds_the_check_for_the_next_morning(tandem: Tandem) -> None:
    role_id, candidate_id = role_with_candidate(tandem)
    start = friday_start()
    seed_hire(tandem, role_id, candidate_id, start_on=start)
    due = checks(tandem)[0].due_at
    with tandem.database.sessions.begin() as session:
        for n in range(3):  # three DMs already went to the HM that day
            outbox.enqueue(
                session,
                team_id=checks(tandem)[0].team_id,
                kind="test-dm",
                method=outbox.POST,
                channel=HM,
                payload={"text": f"earlier DM {n}"},
                now=due + timedelta(minutes=n),
            )
    run_jobs(tandem, due + timedelta(minutes=10))
    assert quality_dms(tandem) == []
    next_morning = ny(working_day(due.astimezone(NEW_YORK).date() + timedelta(days=1)), 9)
    assert checks(tandem)[0].due_at == next_morning
    run_jobs(tandem, next_morning + timedelta(minutes=1))
    assert len(quality_dms(tandem)) == 1


def test_racing_schedulers_ask_each_check_once(tandem: Tandem) -> None:
    role_id, candidate_id = role_with_candidate(tandem)
    start = friday_start()
    seed_hire(tandem, role_id, candidate_id, start_on=start)
    for check in checks(tandem):
        moment = check.due_at + timedelta(minutes=3)
        barrier = threading.Barrier(3)
        asked: list[int] = []
        errors: list[BaseException] = []

        def scheduler(
            when: datetime,
            start: threading.Barrier,
            counts: list[int],
            failures: list[BaseException],
        ) -> None:
            start.wait()
            try:
                counts.append(quality_checks.ask_due(tandem.database.sessions, now=when))
            except BaseException as exc:
                failures.append(exc)

        threads = [
            threading.Thread(target=scheduler, args=(moment, barrier, asked, errors))
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert sum(asked) == 1, asked
        # And the whole scheduler, three at once, asks nothing again.
        barrier2 = threading.Barrier(3)

        def tick(when: datetime, start: threading.Barrier) -> None:
            start.wait()
            run_jobs(tandem, when)

        ticks = [
            threading.Thread(target=tick, args=(moment + timedelta(minutes=1), barrier2))
            for _ in range(3)
        ]
        for thread in ticks:
            thread.start()
        for thread in ticks:
            thread.join(timeout=60)
    with tandem.database.sessions() as session:
        rows = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == quality_checks.DM_KIND)
        )
    assert rows == 3
    assert len(quality_dms(tandem)) == 3


def test_a_hire_stays_followed_up_when_the_filled_role_is_reopened(tandem: Tandem) -> None:
    """Reopening a filled role (another headcount) keeps its hires; their checks go on."""
    role_id, candidate_id = role_with_candidate(tandem)
    start = friday_start()
    seed_hire(tandem, role_id, candidate_id, start_on=start)
    first = checks(tandem)[0]
    with tandem.database.sessions.begin() as session:
        closure = session.scalars(select(RoleClosure)).one()
        closure.reopened_at, closure.reopened_by = datetime.now(UTC), RECRUITER
    run_jobs(tandem, first.due_at + timedelta(minutes=1))
    assert len(quality_dms(tandem)) == 1
    assert checks(tandem)[0].cancelled_at is None


def test_cancelled_checks_are_never_asked(tandem: Tandem) -> None:
    role_id, candidate_id = role_with_candidate(tandem)
    hire_id = seed_hire(tandem, role_id, candidate_id, start_on=friday_start())
    with tandem.database.sessions.begin() as session:
        from bot.models import Hire

        quality_checks.cancel_for_hires(
            session, [session.get(Hire, hire_id)], now=datetime.now(UTC)
        )
    assert all(c.cancelled_at is not None for c in checks(tandem))
    run_jobs(tandem, checks(tandem)[2].due_at + timedelta(minutes=1))
    assert quality_dms(tandem) == []


def test_the_workspace_setting_chooses_the_days(tandem: Tandem) -> None:
    role_id, candidate_id = role_with_candidate(tandem)
    assert tandem.command("/tandem", "retro quality-checks 7, 14", user=ADMIN).body == ""
    seed_hire(tandem, role_id, candidate_id, start_on=friday_start())
    assert [c.days_after for c in checks(tandem)] == [7, 14]


def _asked(tandem: Tandem) -> QualityCheck:
    role_id, candidate_id = role_with_candidate(tandem)
    seed_hire(tandem, role_id, candidate_id, start_on=friday_start())
    first = checks(tandem)[0]
    run_jobs(tandem, first.due_at + timedelta(minutes=1))
    assert len(quality_dms(tandem)) == 1
    return first


def test_the_hm_answers_and_the_dm_says_thanks(tandem: Tandem) -> None:
    check = _asked(tandem)
    [dm] = quality_dms(tandem)
    button = dm["blocks"][1]["elements"][0]
    assert button["action_id"] == Action.QUALITY_CHECK
    assert press(tandem, HM, Action.QUALITY_CHECK, button["value"]) is None
    view = opened_view(tandem)
    # Outside 1–5 (a forged option) is refused next to the field, nothing saved.
    reply = submit(
        tandem, view, user=HM, changes={"quality_rating": "9", "must_haves_predicted": "maybe"}
    )
    assert set(reply.json["errors"]) == {"quality_rating", "must_haves_predicted"}
    assert checks(tandem)[0].answered_at is None
    reply = submit(
        tandem,
        view,
        user=HM,
        changes={"quality_rating": "4", "must_haves_predicted": "partly"},
        view_id="V-second",
    )
    assert reply.body == ""
    saved = checks(tandem)[0]
    assert (saved.rating, saved.must_haves_predicted, saved.answered_by) == (4, "partly", HM)
    with tandem.database.sessions() as session:
        entry = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "quality_check_answered")
        ).one()
    assert entry.actor_id == HM and entry.detail["rating"] == 4
    assert entry.detail["days_after"] == check.days_after
    run_jobs(tandem, datetime.now(UTC) + timedelta(minutes=1))
    update = tandem.standin.calls_to("chat.update")[-1].params
    assert update["text"].startswith("Thanks") and "4/5" in update["text"]
    assert all(b.get("type") != "actions" for b in update["blocks"])
    # A second answer (the button pressed again from an old client) is refused.
    answer = press(tandem, HM, Action.QUALITY_CHECK, button["value"])
    assert answer is not None and "already answered" in answer
    assert tandem.block_kit_problems() == []


def test_only_the_hm_may_answer_and_forged_ids_reveal_nothing(tandem: Tandem) -> None:
    check = _asked(tandem)
    opened = len(tandem.standin.calls_to("views.open"))
    for user in (STRANGER, RECRUITER, ADMIN):
        answer = press(tandem, user, Action.QUALITY_CHECK, str(check.id))
        assert answer is not None and "not yours to answer" in answer
    for forged in ("999999", "abc", "-1"):
        answer = press(tandem, HM, Action.QUALITY_CHECK, forged)
        assert answer is not None and "not yours to answer" in answer
    answer = press(tandem, HM, Action.QUALITY_CHECK, str(check.id), team_id="T0OTHER")
    assert answer is None or "Staff Data Engineer" not in answer
    assert len(tandem.standin.calls_to("views.open")) == opened
    # A submission naming someone else's check (forged metadata) changes nothing.
    assert press(tandem, HM, Action.QUALITY_CHECK, str(check.id)) is None
    view = opened_view(tandem)
    reply = submit(
        tandem, view, user=STRANGER, changes={"quality_rating": "1", "must_haves_predicted": "no"}
    )
    assert reply.json["response_action"] == "update"
    assert "Staff Data Engineer" not in str(reply.json)
    assert checks(tandem)[0].answered_at is None
