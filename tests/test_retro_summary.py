"""The retro summary: triggered once everyone answered or when the poll closes, exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import select

from bot.models import OutboxMessage, RetroPoll, Role, TimelineEntry
from bot.services import retro_summary
from tests.harness import Tandem
from tests.hiring_flow import start_role
from tests.kickoff_flow import HM, PANEL, RECRUITER, brief_step
from tests.summary_flow import answer, answer_anonymously, seed_poll

OPENED = datetime(2027, 4, 9, 15, 0, tzinfo=UTC)  # a Friday
CLOSES = datetime(2027, 4, 14, 15, 0, tzinfo=UTC)  # 3 working days later, over the weekend


def _role(tandem: Tandem) -> int:
    with freeze_time(OPENED - timedelta(days=30), tick=True):
        return start_role(tandem, brief=brief_step(target_fill_date="2027-04-30"))


def _summarized(tandem: Tandem, poll_id: int) -> tuple[datetime | None, int]:
    with tandem.database.sessions() as session:
        poll = session.get(RetroPoll, poll_id)
        entries = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "retro_summarized")
        ).all()
        return (poll.summarized_at if poll else None), len(entries)


def test_all_answered_summarizes_once(tandem: Tandem) -> None:
    role_id = _role(tandem)
    poll_id = seed_poll(
        tandem, role_id, invited=[RECRUITER, HM, PANEL[0]], opened_at=OPENED, closes_at=CLOSES
    )
    answer(tandem, poll_id, RECRUITER, "recruiter", OPENED)
    answer(tandem, poll_id, HM, "hm", OPENED)
    with tandem.database.sessions.begin() as session:
        poll = session.get(RetroPoll, poll_id)
        assert poll is not None
        assert not retro_summary.summarize_if_complete(session, poll, now=OPENED)
    answer_anonymously(tandem, poll_id, "a" * 32, OPENED)
    at = OPENED + timedelta(hours=1)
    with tandem.database.sessions.begin() as session:
        poll = session.get(RetroPoll, poll_id)
        assert poll is not None
        assert retro_summary.summarize_if_complete(session, poll, now=at)
    with tandem.database.sessions.begin() as session:
        poll = session.get(RetroPoll, poll_id)
        assert poll is not None
        assert not retro_summary.summarize_if_complete(session, poll, now=at)
    assert _summarized(tandem, poll_id) == (at, 1)
    assert retro_summary.summarize_due(tandem.database.sessions, now=CLOSES) == 0


def test_the_job_summarizes_when_the_poll_closes(tandem: Tandem) -> None:
    role_id = _role(tandem)
    poll_id = seed_poll(
        tandem, role_id, invited=[RECRUITER, HM], opened_at=OPENED, closes_at=CLOSES
    )
    sessions = tandem.database.sessions
    assert retro_summary.summarize_due(sessions, now=CLOSES - timedelta(minutes=1)) == 0
    assert retro_summary.summarize_due(sessions, now=CLOSES) == 1
    assert retro_summary.summarize_due(sessions, now=CLOSES + timedelta(minutes=1)) == 0
    assert _summarized(tandem, poll_id) == (CLOSES, 1)


def test_racing_schedulers_and_a_last_answer_summarize_once(tandem: Tandem) -> None:
    role_id = _role(tandem)
    poll_id = seed_poll(
        tandem, role_id, invited=[RECRUITER, HM], opened_at=OPENED, closes_at=CLOSES
    )
    answer(tandem, poll_id, RECRUITER, "recruiter", OPENED)
    answer(tandem, poll_id, HM, "hm", OPENED)
    barrier = threading.Barrier(4)
    results: list[int | bool] = []

    def scheduler() -> None:
        barrier.wait()
        results.append(retro_summary.summarize_due(tandem.database.sessions, now=CLOSES))

    def last_answer() -> None:
        barrier.wait()
        with tandem.database.sessions.begin() as session:
            poll = session.get(RetroPoll, poll_id)
            assert poll is not None
            results.append(retro_summary.summarize_if_complete(session, poll, now=CLOSES))

    threads = [threading.Thread(target=scheduler) for _ in range(3)]
    threads.append(threading.Thread(target=last_answer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(int(r) for r in results) == 1
    assert _summarized(tandem, poll_id) == (CLOSES, 1)


def _summary_payloads(tandem: Tandem) -> list[dict]:
    with tandem.database.sessions() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "retro-summary")
            .order_by(OutboxMessage.id)
        ).all()
        return [r.payload for r in rows]


def test_anonymous_answers_below_the_threshold_are_withheld(tandem: Tandem) -> None:
    role_id = _role(tandem)
    poll_id = seed_poll(
        tandem, role_id, invited=[RECRUITER, HM], opened_at=OPENED, closes_at=CLOSES
    )
    answer(tandem, poll_id, RECRUITER, "recruiter", OPENED)
    answer_anonymously(tandem, poll_id, "a" * 32, OPENED)
    answer_anonymously(tandem, poll_id, "b" * 32, OPENED)
    assert retro_summary.summarize_due(tandem.database.sessions, now=CLOSES) == 1
    [payload] = _summary_payloads(tandem)
    shown = str(payload["blocks"])
    assert "2 anonymous answers are withheld: fewer than 3" in shown
    assert "Anonymous answers (" not in shown
    assert f"<@{RECRUITER}> (recruiter)" in shown


def test_anonymous_answers_at_the_threshold_are_shown_apart_and_stable(tandem: Tandem) -> None:
    role_id = _role(tandem)
    poll_id = seed_poll(
        tandem, role_id, invited=[RECRUITER, HM], opened_at=OPENED, closes_at=CLOSES
    )
    answer(tandem, poll_id, HM, "hm", OPENED, ratings=(5, 5, 5))
    for key in "abc":
        answer_anonymously(tandem, poll_id, key * 32, OPENED)
    assert retro_summary.summarize_due(tandem.database.sessions, now=CLOSES) == 1
    with tandem.database.sessions.begin() as session:
        poll = session.get(RetroPoll, poll_id)
        role = session.get(Role, role_id)
        assert poll is not None and role is not None
        retro_summary.queue_summary(session, role, poll, now=CLOSES + timedelta(hours=1))
    first, again = _summary_payloads(tandem)
    assert first == again
    shown = str(first["blocks"])
    assert "Anonymous answers (3): partnership 3.0, speed 3.0, candidates 3.0" in shown
    # Named means never include the anonymous ones.
    assert "Named answers (1): partnership 5.0, speed 5.0, candidates 5.0" in shown
    assert "withheld" not in shown
