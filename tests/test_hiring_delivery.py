"""Candidates, interviews and feedback through the outbox: a thread note, an interview note
and its edit, a reveal and a late recommendation are each written with the change that
causes them, survive a dropped connection, a 5xx, a 429 or a timeout, and reach Slack once —
within a second of the click that caused them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Candidate, Interview, OutboxMessage, OutboxState
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from bot.services import message_keys
from bot.slack.ids import Action
from tests.clock import advance_clock_to
from tests.harness import Tandem
from tests.hiring_flow import (
    add_candidate,
    feedback_obligation,
    log_interview,
    only_interview,
    press,
    run_jobs,
)
from tests.hiring_flow import start_role as begin_role
from tests.kickoff_flow import HM, RECRUITER, only_role
from tests.modals import opened_view, submit
from tests.outbox_flow import carried
from tests.test_nudge_ladder import INTERVIEWER, MONDAY, at

Fault = Callable[[SlackStandin, str], None]
FAULTS: dict[str, Fault] = {
    "connection dropped": lambda s, m: s.drop(m),
    "connection dropped after Slack acted": lambda s, m: s.drop(m, after_processing=True),
    "HTTP 500": lambda s, m: s.fail(m, status=500),
    "429 Retry-After 1": lambda s, m: s.fail(m, status=429, retry_after=1),
    "timeout": lambda s, m: s.delay(m, 1.6, times=1),
}


@pytest.fixture
def tandem(db: Database, standin: SlackStandin) -> Iterator[Tandem]:
    """The app with a one-second Slack timeout, so a slow answer counts as a timeout."""
    app = Tandem(db, standin, tandem_delivery_timeout_seconds=1)
    yield app
    app.close()
    assert app.block_kit_problems() == [], "Block Kit limits broken"


def _deliver_later(tandem: Tandem, rounds: int = 3) -> None:
    """Delivery again, each time after the previous attempt's backoff is over."""
    for _ in range(rounds):
        deadline = time.monotonic() + 5
        while tandem.standin.active and time.monotonic() < deadline:
            time.sleep(0.02)  # a call the client gave up on is still being answered
        advance_clock_to(datetime.now(UTC) + timedelta(seconds=30))
        tandem.deliver()


def _rows(tandem: Tandem, kind: str) -> list[OutboxMessage]:
    with tandem.database.sessions() as session:
        return list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


def _carrying(tandem: Tandem, row: OutboxMessage) -> list[dict[str, Any]]:
    return [m for m in tandem.standin.posted() if carried(m) == row.id]


def _once(tandem: Tandem, kind: str) -> tuple[OutboxMessage, dict[str, Any]]:
    """The one row of ``kind``, sent, and the one message in Slack that carries it."""
    [row] = _rows(tandem, kind)
    assert row.state == OutboxState.SENT, (row.state, row.last_error)
    [message] = _carrying(tandem, row)
    return row, message


def _interview(
    tandem: Tandem, *, pause: timedelta = timedelta(0), fault: Fault | None = None
) -> int:
    """A role, a candidate and an interview logged: ``pause`` after adding the candidate,
    and ``fault`` set for the logging's own request."""
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    role_id = begin_role(tandem)
    candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
    advance_clock_to(datetime.now(UTC) + pause)
    if fault is not None:
        fault(tandem.standin, "chat.postMessage")
    reply = log_interview(
        tandem,
        role_id,
        candidate,
        user=HM,
        day=MONDAY,
        start="09:00",
        end="10:00",
        interviewers=[INTERVIEWER],
    )
    assert reply.body == "", reply.body
    return role_id


def _submit_feedback(tandem: Tandem, recommendation: str = "yes") -> None:
    obligation = feedback_obligation(tandem, INTERVIEWER)
    press(tandem, INTERVIEWER, Action.SUBMIT_FEEDBACK, str(obligation.id), channel_id="D0NIA")
    reply = submit(
        tandem,
        opened_view(tandem),
        user=INTERVIEWER,
        changes={"recommendation": recommendation, "rating:0": "3"},
    )
    assert reply.json["response_action"] == "update", reply.body


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_thread_note_that_fails_in_transit_is_posted_later_once(
    tandem: Tandem, fault: str
) -> None:
    role_id = begin_role(tandem)
    FAULTS[fault](tandem.standin, "chat.postMessage")
    add_candidate(tandem, role_id, "Jane van der Berg", RECRUITER)
    _deliver_later(tandem)
    role = only_role(tandem)
    row, note = _once(tandem, "thread-note")
    assert row.attempts >= 1 or row.in_doubt or fault.startswith("429")  # the fault was met
    assert note["thread_ts"] == role.brief_ts and "*J.v.d.B.*" in note["text"]
    assert row.parent_key == message_keys.brief(role_id)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_an_interview_note_and_its_edit_survive_faults_and_land_once(
    tandem: Tandem, fault: str
) -> None:
    role_id = _interview(tandem, fault=FAULTS[fault])
    _deliver_later(tandem)
    note_row, note = _once(tandem, "interview-note")
    assert note_row.attempts >= 1 or note_row.in_doubt or fault.startswith("429")
    interview = only_interview(tandem)
    assert note_row.key == message_keys.interview_note(interview.id)
    assert interview.note_ts == note["ts"]  # stored by the row's on_sent hook
    assert note["thread_ts"] == only_role(tandem).brief_ts

    FAULTS[fault](tandem.standin, "chat.update")
    answer = press(tandem, HM, Action.CANCEL_INTERVIEW, str(interview.id))
    assert answer is None, answer
    _deliver_later(tandem)
    [update] = _rows(tandem, "interview-note-update")
    assert update.state == OutboxState.SENT
    channel = only_role(tandem).channel_id
    assert tandem.standin.messages[(channel, note["ts"])]["text"].endswith("— cancelled")
    assert len([m for m in tandem.standin.posted(channel) if carried(m) == note_row.id]) == 1
    assert role_id == only_role(tandem).id


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_reveal_whose_post_fails_is_not_lost_and_lands_once(tandem: Tandem, fault: str) -> None:
    _interview(tandem)
    run_jobs(tandem, at(0, 10))  # the interview ended: the feedback request goes out
    FAULTS[fault](tandem.standin, "chat.postMessage")
    _submit_feedback(tandem)  # the round's only answer: revealed now
    with tandem.database.sessions() as session:
        revealed_at = session.scalar(select(Interview.revealed_at))
    [row] = _rows(tandem, "reveal")
    assert revealed_at is not None and row.created_at == revealed_at  # one transaction
    _deliver_later(tandem)
    for moment in (at(2, 10), at(3, 10)):  # later ticks reveal nothing again
        run_jobs(tandem, moment)
    row, reveal = _once(tandem, "reveal")
    assert "Panel recommendations" in reveal["text"] and "*Yes*" in str(reveal["blocks"])
    assert reveal.get("thread_ts") is None and row.channel == only_role(tandem).channel_id


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_late_recommendation_that_fails_in_transit_lands_once(tandem: Tandem, fault: str) -> None:
    _interview(tandem)
    run_jobs(tandem, at(2, 10))  # due time passed: revealed without the interviewer
    assert _once(tandem, "reveal")
    FAULTS[fault](tandem.standin, "chat.postMessage")
    _submit_feedback(tandem, "strong_no")
    _deliver_later(tandem)
    _submit_feedback(tandem, "no")  # an edit adds nothing
    _deliver_later(tandem)
    _, late = _once(tandem, "late-recommendation")
    assert "*Strong no*" in late["text"] and f"<@{INTERVIEWER}>" in late["text"]


def test_a_reveal_by_the_scheduler_survives_a_failed_post(tandem: Tandem) -> None:
    """It used to be claimed, fail to post, and (after a connection error) never be tried
    again; now the claim and the post commit together and the post is retried."""
    _interview(tandem)
    run_jobs(tandem, at(0, 10))
    tandem.standin.fail("chat.postMessage", status=503, times=5)
    run_jobs(tandem, at(2, 10))
    for minute in range(1, 6):
        run_jobs(tandem, at(2, 10, minute))
    _, reveal = _once(tandem, "reveal")
    assert "not submitted by the due time" in str(reveal["blocks"])


def test_a_repeated_submission_queues_no_second_note(tandem: Tandem) -> None:
    role_id = begin_role(tandem)
    press(tandem, RECRUITER, Action.ADD_CANDIDATE, str(role_id))
    view = opened_view(tandem)
    for _ in range(2):  # a double-click: the second is refused, and so is its note
        reply = submit(tandem, view, user=RECRUITER, changes={"candidate_name": "Jo Ma"})
        assert reply.status == 200 and reply.body == ""
    with tandem.database.sessions() as session:
        assert len(session.scalars(select(Candidate)).all()) == 1
    assert len(_rows(tandem, "thread-note")) == 1


def test_a_note_waits_for_the_brief_it_replies_to(tandem: Tandem) -> None:
    """A note queued while the brief is not posted yet leaves once the brief is out, as a
    reply in its thread."""
    # Slack is down until healed below: on a loaded machine the ticking clock may pass the
    # brief's backoff while the candidate is added, and a retry must not succeed early.
    tandem.standin.fail("chat.postMessage", status=503, times=1000)
    role_id = begin_role(tandem)
    with tandem.database.sessions() as session:
        brief_row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.key == message_keys.brief(role_id))
        ).one()
    assert brief_row.state == OutboxState.PENDING and brief_row.attempts >= 1
    add_candidate(tandem, role_id, "Ann Lee", RECRUITER)
    [row] = _rows(tandem, "thread-note")
    assert row.state == OutboxState.PENDING and row.channel is None

    tandem.standin.heal("chat.postMessage")
    advance_clock_to(datetime.now(UTC) + timedelta(minutes=10))  # past any backoff
    tandem.deliver()
    role = only_role(tandem)
    assert role.brief_ts is not None
    [note] = [m for m in tandem.standin.posted(role.channel_id) if m.get("thread_ts")]
    assert note["thread_ts"] == role.brief_ts and "A.L." in note["text"]


@pytest.mark.parametrize("click", ["log an interview", "complete a round"])
def test_a_click_reaches_its_channel_within_a_second(tandem: Tandem, click: str) -> None:
    """In the common case — the channel's last message more than a second ago, so pacing
    holds nothing back — the message leaves with the click's own request."""
    if click == "log an interview":
        _interview(tandem, pause=timedelta(seconds=2))
        row, _ = _once(tandem, "interview-note")
    else:
        _interview(tandem)
        run_jobs(tandem, at(0, 10))
        # The channel's last post (the brief's, the interview note) more than a second ago.
        advance_clock_to(datetime.now(UTC) + timedelta(seconds=2))
        _submit_feedback(tandem)
        row, _ = _once(tandem, "reveal")
    # Not a stopwatch (a loaded CI machine may take over a second per request): the row was
    # due at once, sent on its first attempt, before the test ran any delivery of its own.
    assert row.sent_at is not None and row.not_before <= row.created_at
    assert row.attempts == 0 and not row.in_doubt  # attempts counts failed tries
    assert row.sent_at <= datetime.now(UTC)
