"""Check-ins, their reminders and skip notes go through the outbox: each survives a dropped
connection, a 5xx, a 429 or a timeout and lands once, the check-in's ts is recorded (so the
thread's replies still count), and a check-in's claim and its post commit together."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import event, select, update

from bot.models import CheckIn, CheckInParty, CheckInReply, OutboxMessage, OutboxState
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from bot.scheduler.runner import JobsFailed
from bot.services import message_keys
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, press, run_jobs, start_role
from tests.kickoff_flow import HM, RECRUITER, brief_step, only_role
from tests.modals import opened_view, submit
from tests.outbox_flow import carried
from tests.test_checkins import FIRST_MONDAY, OPENED, checkin_posts, ny, reply_event, thread_of

FAULTS: dict[str, Callable[[SlackStandin], None]] = {
    "connection dropped": lambda s: s.drop("chat.postMessage"),
    "connection dropped after Slack posted": lambda s: s.drop(
        "chat.postMessage", after_processing=True
    ),
    "HTTP 500": lambda s: s.fail("chat.postMessage", status=500),
    "HTTP 503": lambda s: s.fail("chat.postMessage", status=503),
    "429 Retry-After 1": lambda s: s.fail("chat.postMessage", status=429, retry_after=1),
    "timeout, then Slack posts": lambda s: s.delay("chat.postMessage", 1.6, times=1),
}

# Past the deliverer's first backoff (2–3 s), as its background loop would retry.
RETRY = timedelta(seconds=10)


@pytest.fixture
def tandem(db: Database, standin: SlackStandin) -> Iterator[Tandem]:
    """The app with a 1 s Web API timeout, so a slow Slack times out quickly."""
    app = Tandem(db, standin, tandem_delivery_timeout_seconds=1)
    yield app
    app.close()
    assert app.block_kit_problems() == [], "Block Kit limits broken"


@pytest.fixture
def role_id(tandem: Tandem) -> int:
    """A role opened on Wednesday 10 March 2027 with Monday 10:00 (New York) check-ins."""
    with freeze_time(OPENED, tick=True):
        opened = start_role(tandem, brief=brief_step(target_fill_date="2027-05-14"))
        add_candidate(tandem, opened, "Jane Doe", RECRUITER)
    return opened


def _settle(standin: SlackStandin) -> None:
    """Let a slow call the client gave up on finish inside the stand-in."""
    deadline = time.monotonic() + 5
    while standin.active and time.monotonic() < deadline:
        time.sleep(0.02)


def _rows(tandem: Tandem, kind: str) -> list[OutboxMessage]:
    with tandem.database.sessions() as session:
        return list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


def _checkin(tandem: Tandem) -> CheckIn:
    with tandem.database.sessions() as session:
        return session.scalars(select(CheckIn)).one()


def _attempts_at(tandem: Tandem, text: str) -> list[dict[str, Any]]:
    return [
        c.params
        for c in tandem.standin.calls_to("chat.postMessage")
        if text in str(c.params.get("text", ""))
    ]


def _reply(tandem: Tandem, user: str, thread_ts: str, ts: str, event_id: str) -> None:
    channel = only_role(tandem).channel_id or ""
    event = reply_event(user, "update", channel=channel, thread_ts=thread_ts, ts=ts)
    assert tandem.event(event, event_id=event_id).status == 200


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_checkin_post_that_fails_in_transit_lands_once_and_its_thread_still_counts(
    tandem: Tandem, role_id: int, fault: str
) -> None:
    FAULTS[fault](tandem.standin)
    run_jobs(tandem, FIRST_MONDAY)  # claimed and queued; the first attempt fails
    _settle(tandem.standin)
    run_jobs(tandem, FIRST_MONDAY + RETRY)  # the retry is due
    run_jobs(tandem, ny(FIRST_MONDAY, 10, 7))  # a later tick: nothing more to post

    assert _attempts_at(tandem, "Weekly check-in")  # the fault hit the check-in
    [post] = checkin_posts(tandem)
    [row] = _rows(tandem, "checkin")
    assert row.state == OutboxState.SENT and carried(post) == row.id
    checkin = _checkin(tandem)
    assert row.key == message_keys.checkin(checkin.id)
    assert (checkin.channel_id, checkin.message_ts) == (post["channel"], post["ts"])
    assert checkin.posted_at == FIRST_MONDAY  # the reply window starts at the slot

    _reply(tandem, HM, post["ts"], "1810000001.000100", "Ev0LATEPOST")
    with tandem.database.sessions() as session:
        [reply] = session.scalars(select(CheckInReply)).all()
        party = session.scalars(select(CheckInParty).where(CheckInParty.user_id == HM)).one()
    assert reply.from_party and party.replied_at is not None


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_reminder_that_fails_in_transit_lands_once_in_the_checkins_thread(
    tandem: Tandem, role_id: int, fault: str
) -> None:
    run_jobs(tandem, FIRST_MONDAY)
    [post] = checkin_posts(tandem)
    FAULTS[fault](tandem.standin)
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=1))  # both silent: queued, first attempt fails
    _settle(tandem.standin)
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=1) + RETRY)
    run_jobs(tandem, ny(FIRST_MONDAY, 15, days=1))

    assert _attempts_at(tandem, "this check-in went out")
    [reminder] = thread_of(tandem, post["ts"])
    assert f"<@{HM}>" in reminder["text"] and f"<@{RECRUITER}>" in reminder["text"]
    [row] = _rows(tandem, "checkin-reminder")
    assert row.state == OutboxState.SENT and carried(reminder) == row.id
    assert row.parent_key == message_keys.checkin(_checkin(tandem).id)
    with tandem.database.sessions() as session:
        parties = session.scalars(select(CheckInParty)).all()
    assert len(parties) == 2 and all(p.reminded_at is not None for p in parties)


@pytest.mark.parametrize("fault", ["connection dropped", "HTTP 503", "429 Retry-After 1"])
def test_a_skip_note_that_fails_in_transit_lands_once_in_the_checkins_thread(
    tandem: Tandem, role_id: int, fault: str
) -> None:
    run_jobs(tandem, FIRST_MONDAY)
    [post] = checkin_posts(tandem)
    channel = only_role(tandem).channel_id or ""
    with freeze_time(ny(FIRST_MONDAY, 12), tick=True):
        press(tandem, HM, Action.SKIP_CHECKIN, str(role_id), channel_id=channel, message=post)
        view = opened_view(tandem)
        FAULTS[fault](tandem.standin)
        # The skip is saved even though Slack failed the note: the outbox keeps it.
        assert submit(tandem, view, user=HM, changes={"skip_reason": "Offsite week"}).body == ""
        with tandem.database.sessions() as session:
            assert (
                session.scalars(
                    select(CheckIn.skip_reason).where(CheckIn.skipped_at.is_not(None))
                ).one()
                == "Offsite week"
            )
        _settle(tandem.standin)
    run_jobs(tandem, ny(FIRST_MONDAY, 12) + RETRY)
    run_jobs(tandem, ny(FIRST_MONDAY, 12, 5))

    assert _attempts_at(tandem, "skipped the check-in")
    [note] = [m for m in thread_of(tandem, post["ts"]) if "Offsite week" in m["text"]]
    [row] = _rows(tandem, "checkin-skip")
    assert row.state == OutboxState.SENT and carried(note) == row.id


def test_a_checkin_is_claimed_only_with_its_post_queued(tandem: Tandem, role_id: int) -> None:
    """A failure while the post is written to the outbox leaves no claim behind (the next
    tick posts it); a claim whose post is still failing is never claimed again."""
    engine = tandem.database.engine
    broken = {"left": 1}

    def outbox_write_fails(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if (
            broken["left"]
            and statement.lstrip().upper().startswith("INSERT INTO OUTBOX ")
            and "checkin" in str(params)
        ):
            broken["left"] -= 1
            raise RuntimeError("the process died while queueing the check-in")

    event.listen(engine, "before_cursor_execute", outbox_write_fails)
    try:
        with pytest.raises(JobsFailed):
            run_jobs(tandem, FIRST_MONDAY)
    finally:
        event.remove(engine, "before_cursor_execute", outbox_write_fails)
    assert broken["left"] == 0
    with tandem.database.sessions() as session:
        assert session.scalars(select(CheckIn)).all() == []  # no claim without its row
    assert checkin_posts(tandem) == []

    # Slack fails the post for longer than a claim's staleness: the check-in stays claimed by
    # its queued row, and the ticks meanwhile queue nothing more.
    tandem.standin.fail("chat.postMessage", status=500, times=3)
    for minutes in (1, 7, 14, 30):
        run_jobs(tandem, ny(FIRST_MONDAY, 10, minutes))
        _settle(tandem.standin)
    [post] = checkin_posts(tandem)
    [row] = _rows(tandem, "checkin")
    assert row.state == OutboxState.SENT and carried(post) == row.id
    checkin = _checkin(tandem)
    assert checkin.message_ts == post["ts"]
    # Held up half an hour by Slack: the reply window opens when it could be seen.
    assert checkin.posted_at is not None and checkin.posted_at >= ny(FIRST_MONDAY, 10, 30)


def test_a_checkin_posted_before_the_outbox_gets_its_reminder_in_its_thread(
    tandem: Tandem, role_id: int
) -> None:
    run_jobs(tandem, FIRST_MONDAY)
    [post] = checkin_posts(tandem)
    with tandem.database.sessions.begin() as session:
        # As Tandem left a check-in before the outbox: posted, with no row carrying its key.
        session.execute(update(OutboxMessage).values(key=None))
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=1))
    [reminder] = thread_of(tandem, post["ts"])
    assert f"<@{HM}>" in reminder["text"]


def test_an_abandoned_claim_from_before_the_outbox_is_posted(tandem: Tandem, role_id: int) -> None:
    run_jobs(tandem, FIRST_MONDAY)
    with tandem.database.sessions.begin() as session:
        # A pre-outbox claim whose post never happened: claimed, not posted, no row.
        session.execute(update(OutboxMessage).values(key=None))
        session.execute(
            update(CheckIn).values(
                posted_at=None,
                message_ts=None,
                channel_id=None,
                claimed_at=FIRST_MONDAY - timedelta(minutes=1),
            )
        )
        session.execute(CheckInParty.__table__.delete())
    run_jobs(tandem, ny(FIRST_MONDAY, 10, 3))  # not yet stale
    assert len(checkin_posts(tandem)) == 1
    run_jobs(tandem, ny(FIRST_MONDAY, 10, 10))
    posts = checkin_posts(tandem)
    assert len(posts) == 2
    assert _checkin(tandem).message_ts == posts[-1]["ts"]
    assert isinstance(_checkin(tandem).posted_at, datetime)
