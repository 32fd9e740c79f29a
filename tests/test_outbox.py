"""The outbox's rules: rows commit with their change, posts carry their id, updates collapse
and wait for their post, replies and pins wait for their parent, the web process's
deliverer is woken by the commit, and operators see depth and age."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from bot.delivery import poke_after_commit
from bot.models import OutboxState
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from bot.services import outbox
from tests.clock import advance_clock_to
from tests.harness import Tandem
from tests.outbox_flow import carried, channels, deliverer, queue, row, rows


def test_a_row_is_written_only_if_its_transaction_commits(db: Database) -> None:
    with pytest.raises(RuntimeError), db.sessions.begin() as session:
        outbox.enqueue(
            session,
            team_id="T1",
            kind="test",
            method=outbox.POST,
            channel="C1",
            payload={"text": "hello"},
            now=datetime.now(UTC),
        )
        raise RuntimeError("the use case failed after queueing")
    assert rows(db) == []


def test_a_post_is_sent_once_with_its_outbox_id_in_metadata(
    db: Database, standin: SlackStandin
) -> None:
    channels(standin, "C1")
    row_id = queue(db, channel="C1", payload={"text": "hello"})
    assert deliverer(db, standin).run_until_idle() == 1
    [message] = standin.posted("C1")
    assert message["text"] == "hello" and carried(message) == row_id
    sent = row(db, row_id)
    assert sent.state == OutboxState.SENT
    assert (sent.result_channel, sent.result_ts) == ("C1", message["ts"])
    assert deliverer(db, standin).run_until_idle() == 0
    assert len(standin.calls_to("chat.postMessage")) == 1


def test_pending_updates_collapse_to_the_latest_and_wait_for_their_post(
    db: Database, standin: SlackStandin
) -> None:
    channels(standin, "C1")
    standin.fail("chat.postMessage", status=503)  # the post must wait for a retry
    post = queue(db, channel="C1", payload={"text": "v1"}, key="brief:1")
    updates = [
        queue(db, method=outbox.UPDATE, parent_key="brief:1", payload={"text": f"v{n}"})
        for n in (2, 3, 4)
    ]
    assert [row(db, i).state for i in updates] == ["superseded", "superseded", "pending"]
    deliverer(db, standin).run_until_idle()
    assert standin.calls_to("chat.update") == []  # its post is not in Slack yet
    advance_clock_to(datetime.now(UTC) + timedelta(seconds=10))
    deliverer(db, standin).run_until_idle()
    [update] = standin.calls_to("chat.update")
    assert update.params["text"] == "v4"
    assert (update.params["channel"], update.params["ts"]) == ("C1", row(db, post).result_ts)
    assert standin.posted("C1")[0]["text"] == "v4"


def test_an_update_of_a_sent_message_goes_straight_to_it(
    db: Database, standin: SlackStandin
) -> None:
    channels(standin, "C1")
    post = queue(db, channel="C1", payload={"text": "v1"}, key="note:7")
    deliverer(db, standin).run_until_idle()
    queue(db, method=outbox.UPDATE, parent_key="note:7", payload={"text": "v2"})
    deliverer(db, standin).run_until_idle()
    assert standin.last("chat.update").params["ts"] == row(db, post).result_ts
    assert [m["text"] for m in standin.posted("C1")] == ["v2"]


def test_a_thread_reply_and_a_pin_wait_for_their_parent(
    db: Database, standin: SlackStandin
) -> None:
    channels(standin, "C1")
    standin.fail("chat.postMessage", error="internal_error")
    parent = queue(db, channel="C1", payload={"text": "the brief"}, key="brief:9")
    reply = queue(db, parent_key="brief:9", payload={"text": "a note"})
    pin = queue(db, method=outbox.PIN, parent_key="brief:9")
    deliverer(db, standin).run_until_idle()
    assert standin.posted("C1") == [] and standin.pins == set()
    assert row(db, reply).state == row(db, pin).state == OutboxState.PENDING

    advance_clock_to(datetime.now(UTC) + timedelta(seconds=10))
    deliverer(db, standin).run_until_idle()
    brief_ts = row(db, parent).result_ts
    thread = [m for m in standin.posted("C1") if m.get("thread_ts") == brief_ts]
    assert [m["text"] for m in thread] == ["a note"]
    assert standin.pins == {("C1", brief_ts)}
    assert row(db, reply).result_channel == "C1"


def test_a_channel_created_through_the_outbox_receives_the_rows_that_wait_for_it(
    db: Database, standin: SlackStandin
) -> None:
    standin.add_user("U0A", "a")
    created = queue(
        db, method=outbox.CREATE_CHANNEL, payload={"name": "hire-sde"}, key="channel:role:1"
    )
    invite = queue(db, method=outbox.INVITE, parent_key="channel:role:1", payload={"users": "U0A"})
    post = queue(db, parent_key="channel:role:1", payload={"text": "welcome"})
    deliverer(db, standin).run_until_idle()
    channel_id = row(db, created).result_channel
    assert channel_id and standin.channels[channel_id].name == "hire-sde"
    assert "U0A" in standin.channels[channel_id].members
    assert row(db, invite).state == OutboxState.SENT
    [message] = standin.posted(channel_id)
    assert message["text"] == "welcome" and not message.get("thread_ts")
    assert row(db, post).result_channel == channel_id


def test_messages_to_one_channel_keep_their_order_and_pace(
    db: Database, standin: SlackStandin
) -> None:
    channels(standin, "C1", "C2")
    ids = [
        queue(db, channel=c, payload={"text": f"{c}-{n}"}) for n in range(3) for c in ("C1", "C2")
    ]
    deliverer(db, standin).run_until_idle()
    for channel in ("C1", "C2"):
        posted = standin.posted(channel)
        assert [carried(m) for m in posted] == [i for i in ids if row(db, i).channel == channel]
        times = [
            c.at for c in standin.calls_to("chat.postMessage") if c.params["channel"] == channel
        ]
        assert all(b - a >= 1.0 for a, b in pairwise(times)), times


def test_the_commit_wakes_a_background_deliverer_within_a_second(
    db: Database, standin: SlackStandin
) -> None:
    channels(standin, "C1")
    background = deliverer(db, standin)
    # Only a commit wakes it: without the poke its next look would be after this long.
    background.poll_seconds = 30
    background.start()
    poke_after_commit(db.sessions, background.poke)
    try:
        time.sleep(0.3)  # it has looked once and is asleep
        committed = time.monotonic()
        queue(db, channel="C1", payload={"text": "after a click"})
        deadline = committed + 5
        while not standin.posted("C1") and time.monotonic() < deadline:
            time.sleep(0.01)
        assert standin.posted("C1"), "not delivered"
        # Its own next look is 30 s away: only the commit's poke gets it there this soon.
        assert time.monotonic() - committed < 10
    finally:
        background.stop()


def test_a_rolled_back_transaction_does_not_wake_the_deliverer(db: Database) -> None:
    pokes: list[int] = []
    poke_after_commit(db.sessions, lambda: pokes.append(1))
    with pytest.raises(RuntimeError), db.sessions.begin() as session:
        outbox.enqueue(
            session,
            team_id="T1",
            kind="test",
            method=outbox.POST,
            channel="C1",
            now=datetime.now(UTC),
        )
        raise RuntimeError
    with db.sessions.begin() as session:
        session.info["unrelated"] = True
    assert pokes == []
    queue(db, channel="C1", payload={"text": "x"})
    assert pokes == [1]


def test_healthz_reports_the_outbox_depth_and_oldest_pending_age(tandem: Tandem) -> None:
    assert tandem.request("/healthz").json["outbox_depth"] == 0
    queue(
        tandem.database,
        channel="C0NOWHERE",
        payload={"text": "x"},
        now=datetime.now(UTC) - timedelta(minutes=3),
    )
    queue(tandem.database, channel="C0NOWHERE", payload={"text": "y"})
    health = tandem.request("/healthz").json
    assert health["ok"] is True and health["outbox_depth"] == 2
    assert 170 <= health["outbox_oldest_pending_seconds"] <= 200
    assert health["outbox_failed"] == 0
