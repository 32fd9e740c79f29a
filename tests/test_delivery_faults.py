"""Faults on the way to Slack: a dropped connection, 5xx, 429 with ``Retry-After`` or a
timeout is delivered later, exactly once; an error Slack will never accept parks the row with
its reason (the role's recruiter told once) until ``tandem outbox retry``."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from bot.delivery import make_delivery_client
from bot.models import OutboxState
from bot.runtime import Database
from bot.sandbox.slack_standin import BOT_USER_ID, SlackStandin
from bot.services import outbox
from tests.clock import advance_clock_to
from tests.outbox_flow import (
    RECRUITER,
    add_role,
    carried,
    channels,
    copies,
    deliverer,
    queue,
    row,
    rows,
)

FAULTS: dict[str, Callable[[SlackStandin, str], None]] = {
    "connection dropped": lambda s, m: s.drop(m),
    "connection dropped after Slack acted": lambda s, m: s.drop(m, after_processing=True),
    "HTTP 500": lambda s, m: s.fail(m, status=500),
    "HTTP 503": lambda s, m: s.fail(m, status=503),
    "429 Retry-After 1": lambda s, m: s.fail(m, status=429, retry_after=1),
    "fatal_error": lambda s, m: s.fail(m, error="fatal_error"),
    "timeout, then Slack posts": lambda s, m: s.delay(m, 1.6, times=1),
}


def _settle_stand_in(standin: SlackStandin) -> None:
    """Wait for a slow call the client gave up on to be finished by the stand-in."""
    deadline = time.monotonic() + 5
    while standin.active and time.monotonic() < deadline:
        time.sleep(0.02)


def _deliver_with_retries(db: Database, standin: SlackStandin, rounds: int = 2) -> None:
    """Delivery runs, each after the previous run's retries are due (a channel's rows go
    one after another, so each faulty row of one channel costs a round)."""
    for _ in range(rounds):
        deliverer(db, standin, tandem_delivery_timeout_seconds=1).run_until_idle()
        _settle_stand_in(standin)
        advance_clock_to(datetime.now(UTC) + timedelta(seconds=10))


def test_the_deliverer_never_sleeps_on_a_429_inside_slack_sdk() -> None:
    assert make_delivery_client("http://x/", "xoxb-1", 5).retry_handlers == []


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_post_that_fails_in_transit_is_delivered_later_exactly_once(
    db: Database, standin: SlackStandin, fault: str
) -> None:
    channels(standin, "C1")
    FAULTS[fault](standin, "chat.postMessage")
    row_id = queue(db, channel="C1", payload={"text": "hello"})
    _deliver_with_retries(db, standin)
    assert copies(standin, row_id) == 1
    sent = row(db, row_id)
    assert sent.state == OutboxState.SENT
    assert sent.result_ts == standin.posted("C1")[0]["ts"]
    if fault.startswith(("connection", "HTTP", "timeout")):
        # The outcome was unknown: the channel was searched before any second post.
        assert standin.calls_to("conversations.history")
    if fault == "429 Retry-After 1":
        first, second = standin.calls_to("chat.postMessage")
        assert second.at - first.at >= 1.0


@pytest.mark.parametrize("fault", ["connection dropped after Slack acted", "HTTP 503"])
def test_every_kind_of_call_survives_a_fault_once(
    db: Database, standin: SlackStandin, fault: str
) -> None:
    channels(standin, "C1")
    standin.add_user("U0DM", "dee")
    standin.add_user("U0NEW", "nev")
    brief = queue(db, channel="C1", payload={"text": "brief v1"}, key="brief:1")
    deliverer(db, standin).run_until_idle()
    for method in ("chat.postMessage", "chat.update", "pins.add", "conversations.invite"):
        FAULTS[fault](standin, method)
    dm = queue(db, channel="U0DM", payload={"text": "a DM"})
    reply = queue(db, parent_key="brief:1", payload={"text": "a thread note"})
    queue(db, method=outbox.UPDATE, parent_key="brief:1", payload={"text": "brief v2"})
    queue(db, method=outbox.PIN, parent_key="brief:1")
    queue(db, method=outbox.INVITE, channel="C1", payload={"users": "U0NEW"})
    _deliver_with_retries(db, standin, rounds=5)
    assert {r.state for r in rows(db)} == {OutboxState.SENT}
    assert copies(standin, dm) == 1 and copies(standin, reply) == 1
    assert standin.posted("U0DM")[0]["text"] == "a DM"
    brief_ts = row(db, brief).result_ts
    assert standin.messages[("C1", brief_ts)]["text"] == "brief v2"
    assert standin.pins == {("C1", brief_ts)}
    assert "U0NEW" in standin.channels["C1"].members


def test_a_channel_creation_that_failed_with_5xx_is_made_once(
    db: Database, standin: SlackStandin
) -> None:
    standin.fail("conversations.create", status=502)
    created = queue(
        db, method=outbox.CREATE_CHANNEL, payload={"name": "hire-x"}, key="channel:role:1"
    )
    _deliver_with_retries(db, standin)
    assert [c.name for c in standin.channels.values()] == ["hire-x"]
    assert row(db, created).state == OutboxState.SENT


def test_a_429_closes_that_method_for_the_workspace_in_every_deliverer(
    db: Database, standin: SlackStandin
) -> None:
    channels(standin, "C1", "C2")
    standin.fail("chat.postMessage", status=429, retry_after=3)
    queue(db, channel="C1", payload={"text": "one"})
    deliverer(db, standin).run_until_idle()
    assert len(standin.calls_to("chat.postMessage")) == 1
    queue(db, channel="C2", payload={"text": "two"})
    # Another deliverer (another process) honours the wait recorded in the database.
    other = deliverer(db, standin)
    assert other.run_until_idle() == 0
    assert len(standin.calls_to("chat.postMessage")) == 1
    advance_clock_to(datetime.now(UTC) + timedelta(seconds=4))
    assert other.run_until_idle() == 2
    assert {m["text"] for m in standin.posted()} == {"one", "two"}


def test_an_error_slack_will_never_accept_parks_the_row_and_tells_the_recruiter_once(
    db: Database,
    standin: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    standin.add_channel("C9", "hire-sde", members=set())  # Tandem was removed from it
    standin.add_user(RECRUITER, "rita")
    role_id = add_role(db, channel_id="C9")
    first = queue(db, channel="C9", payload={"text": "one"}, role_id=role_id)
    second = queue(db, channel="C9", payload={"text": "two"}, role_id=role_id)
    deliverer(db, standin).run_until_idle()

    assert [row(db, i).last_error for i in (first, second)] == ["not_in_channel"] * 2
    assert {row(db, i).state for i in (first, second)} == {OutboxState.FAILED}
    assert len(standin.calls_to("chat.postMessage")) == 3  # each tried once, and one DM
    [dm] = standin.posted(RECRUITER)
    assert "Staff Data Engineer" in dm["text"] and "not a member of <#C9>" in dm["text"]
    assert f"tandem outbox retry {first}" in dm["text"]

    monkeypatch.setenv("DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    assert main(["outbox", "list", "--failed"]) == 0
    listed = capsys.readouterr().out
    assert f"{first}  failed" in listed and "not_in_channel" in listed
    assert f"{second}  failed" in listed

    standin.channels["C9"].members.add(BOT_USER_ID)
    assert main(["outbox", "retry", str(first)]) == 0
    assert f"re-queued #{first}" in capsys.readouterr().out
    assert main(["outbox", "retry", str(first)]) == 1  # pending now, not parked
    deliverer(db, standin).run_until_idle()
    assert [m["text"] for m in standin.posted("C9")] == ["one"]
    assert row(db, first).state == OutboxState.SENT
    assert len(standin.posted(RECRUITER)) == 1


def test_a_refusal_without_a_role_or_that_no_person_can_fix_tells_nobody(
    db: Database, standin: SlackStandin
) -> None:
    channels(standin, "C1")
    standin.add_channel("C9", "elsewhere", members=set())
    role_id = add_role(db, channel_id="C1")
    standin.fail("chat.postMessage", error="invalid_blocks")
    # One after the other: the injected refusal is for the first chat.postMessage to arrive.
    broken = queue(db, channel="C1", payload={"text": "x", "blocks": []}, role_id=role_id)
    deliverer(db, standin).run_until_idle()
    orphan = queue(db, channel="C9", payload={"text": "y"})
    deliverer(db, standin).run_until_idle()
    assert row(db, broken).last_error == "invalid_blocks"
    assert row(db, orphan).last_error == "not_in_channel"
    assert len(rows(db)) == 2 and standin.posted() == []


def test_transient_failures_are_parked_after_the_last_attempt(
    db: Database, standin: SlackStandin
) -> None:
    channels(standin, "C1")
    standin.fail("chat.postMessage", status=503, times=100)
    row_id = queue(db, channel="C1", payload={"text": "x"}, key="post:1")
    waiting = queue(db, parent_key="post:1", payload={"text": "reply"})
    worker = deliverer(db, standin)
    worker.max_attempts = 3
    for _ in range(4):
        worker.run_until_idle()
        advance_clock_to(datetime.now(UTC) + timedelta(minutes=10))
    parked = row(db, row_id)
    assert parked.state == OutboxState.FAILED and parked.attempts == 2
    assert parked.last_error and parked.last_error.startswith("gave up after 3 attempts")
    assert row(db, waiting).last_error == f"waiting for outbox #{row_id}, which failed"
    assert len(standin.calls_to("chat.postMessage")) == 3


def test_retrying_a_parked_post_requeues_the_rows_that_waited_for_it(
    db: Database, standin: SlackStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    standin.add_channel("C9", "hire-sde", members=set())
    parent = queue(db, channel="C9", payload={"text": "brief"}, key="brief:5")
    reply = queue(db, parent_key="brief:5", payload={"text": "note"})
    deliverer(db, standin).run_until_idle()
    assert row(db, reply).state == OutboxState.FAILED
    standin.channels["C9"].members.add(BOT_USER_ID)
    monkeypatch.setenv("DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    assert main(["outbox", "retry", str(parent)]) == 0
    deliverer(db, standin).run_until_idle()
    brief_ts = row(db, parent).result_ts
    assert [(carried(m), m.get("thread_ts")) for m in standin.posted("C9")] == [
        (parent, None),
        (reply, brief_ts),
    ]
