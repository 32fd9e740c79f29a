"""The brief goes through the outbox: its channel, invitations, post, pin and updates each
survive a fault on the way to Slack and arrive exactly once; a taken channel name gets the
next one; the role and its rows are committed together."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.models import OutboxMessage, OutboxState, Role
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from bot.services import message_keys
from bot.slack.ids import Action
from tests.clock import advance_clock_to
from tests.harness import Tandem
from tests.hiring_flow import press
from tests.kickoff_flow import HM, PANEL, RECRUITER, Kickoff, add_people, only_role
from tests.outbox_flow import carried

FAULTS: dict[str, Callable[[SlackStandin, str], None]] = {
    "connection dropped": lambda s, m: s.drop(m),
    "connection dropped after Slack acted": lambda s, m: s.drop(m, after_processing=True),
    "HTTP 500": lambda s, m: s.fail(m, status=500),
    "429 Retry-After 1": lambda s, m: s.fail(m, status=429, retry_after=1),
    "timeout": lambda s, m: s.delay(m, 1.6, times=1),
}
METHODS = ["conversations.create", "conversations.invite", "chat.postMessage", "pins.add"]


@pytest.fixture
def app(db: Database, standin: SlackStandin) -> Iterator[Tandem]:
    """The app with a 1 s delivery timeout, so a slow Slack is a timeout."""
    add_people(standin)
    tandem = Tandem(db, standin, tandem_delivery_timeout_seconds=1)
    yield tandem
    tandem.close()


def _deliver_later(tandem: Tandem, rounds: int = 4) -> None:
    """Run delivery again after each round's backoff (a slow call the client gave up on is
    let finish in the stand-in first)."""
    for _ in range(rounds):
        deadline = time.monotonic() + 5
        while tandem.standin.active and time.monotonic() < deadline:
            time.sleep(0.02)
        advance_clock_to(datetime.now(UTC) + timedelta(seconds=30))
        tandem.deliver()


def _rows(tandem: Tandem) -> list[OutboxMessage]:
    with tandem.database.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _brief_row(tandem: Tandem, role_id: int) -> OutboxMessage:
    return next(r for r in _rows(tandem) if r.key == message_keys.brief(role_id))


def _assert_published_once(tandem: Tandem) -> Role:
    role = only_role(tandem)
    standin = tandem.standin
    assert role.channel_id is not None and role.brief_ts is not None
    assert [c.name for c in standin.channels.values()] == ["hire-staff-data-engineer"]
    assert {HM, RECRUITER, *PANEL} <= standin.channels[role.channel_id].members
    brief_row = _brief_row(tandem, role.id)
    copies = [m for m in standin.posted() if carried(m) == brief_row.id]
    assert [m["ts"] for m in copies] == [role.brief_ts]
    assert standin.pins == {(role.channel_id, role.brief_ts)}
    assert {r.state for r in _rows(tandem)} == {OutboxState.SENT}
    return role


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_step_of_publishing_survives_a_fault_once(
    app: Tandem, method: str, fault: str
) -> None:
    FAULTS[fault](app.standin, method)
    Kickoff(app).start().complete()
    _deliver_later(app)
    _assert_published_once(app)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_the_brief_update_after_agreeing_survives_a_fault_once(app: Tandem, fault: str) -> None:
    Kickoff(app).start().complete()
    role = _assert_published_once(app)
    FAULTS[fault](app.standin, "chat.update")
    press(app, RECRUITER, Action.AGREE, str(role.id), channel_id=role.channel_id or "")
    _deliver_later(app)
    brief = app.standin.messages[(role.channel_id, role.brief_ts)]
    assert f"waiting for <@{HM}> to agree" in str(brief["blocks"])
    assert brief.get("edited")
    updates = [r for r in _rows(app) if r.parent_key == message_keys.brief(role.id)]
    assert [r.state for r in updates if r.method == "chat.update"] == [OutboxState.SENT]


def test_a_taken_channel_name_gets_the_next_free_one(app: Tandem) -> None:
    app.standin.add_channel("C0TAKEN1", "hire-staff-data-engineer")
    app.standin.add_channel("C0TAKEN2", "hire-staff-data-engineer-2")
    Kickoff(app).start().complete()
    role = only_role(app)
    assert role.channel_id is not None
    assert app.standin.channels[role.channel_id].name == "hire-staff-data-engineer-3"
    assert [c.params["name"] for c in app.standin.calls_to("conversations.create")] == [
        "hire-staff-data-engineer",
        "hire-staff-data-engineer-2",
        "hire-staff-data-engineer-3",
    ]
    assert role.brief_ts is not None


def test_one_refused_invitation_does_not_keep_the_others_out(app: Tandem) -> None:
    app.standin.fail("conversations.invite", error="user_not_found", times=2)
    Kickoff(app).start().complete()
    role = only_role(app)
    assert role.brief_ts is not None and role.channel_id is not None
    [invites] = [r for r in _rows(app) if r.method == "conversations.invite"]
    assert invites.state == OutboxState.SENT
    # Slack refused the invitation of all four; each was then invited alone, the first
    # refused again (the fault), the others let in.
    calls = app.standin.calls_to("conversations.invite")
    assert [c.params["users"].count(",") for c in calls] == [3, 0, 0, 0, 0]
    members = app.standin.channels[role.channel_id].members
    assert {HM, RECRUITER, *PANEL} - members == {HM}


def test_the_role_and_its_brief_rows_commit_together(app: Tandem) -> None:
    """The rows are written by the transaction that saves the role: a second submission of
    the last step (refused, rolled back) adds neither a role nor a message."""
    flow = Kickoff(app).start()
    flow.complete()
    again = flow.step({})
    assert "already saved" in str(again.json["view"])
    role = only_role(app)
    kinds = sorted(r.kind for r in _rows(app) if r.role_id == role.id)
    assert kinds == ["brief", "brief-channel", "brief-invite", "brief-pin"]
