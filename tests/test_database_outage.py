"""PostgreSQL going away while requests, events, jobs and the outbox run — cut at the worst
moment, right after Slack accepted a post and before Tandem could record it — and coming
back: people get a clear "try again in a moment", ``/healthz`` says 503, nothing is lost and
nothing is sent twice, and everything resumes by itself.

The database is reached through a TCP proxy (``tests/tcp_proxy.py``) that the test cuts, so
the server the other tests share keeps running. ``TANDEM_OUTAGE_SECONDS`` sets how long the
outage lasts (default 3; RELIABILITY.md reports a 30-second run)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.app import DATABASE_AWAY
from bot.db import make_engine, make_session_factory
from bot.models import Candidate, OutboxMessage, OutboxState
from bot.runtime import Database
from bot.sandbox.requests import FORM, JSON
from bot.sandbox.slack_standin import SlackStandin
from bot.scheduler.runner import run_all_once
from bot.services.outbox_claims import STALE_CLAIM
from bot.slack.ids import Action
from tests import slack_requests as sr
from tests.clock import advance_clock_to
from tests.harness import Tandem
from tests.hiring_flow import press, start_role
from tests.kickoff_flow import HM, RECRUITER
from tests.modals import opened_view, submit
from tests.outbox_flow import carried
from tests.tcp_proxy import TcpProxy

OUTAGE_SECONDS = float(os.environ.get("TANDEM_OUTAGE_SECONDS", "3"))


@pytest.fixture
def proxy(db: Database) -> Iterator[TcpProxy]:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a SQLite file does not go away; this is PostgreSQL's outage")
    url = db.engine.url
    with TcpProxy((url.host or "127.0.0.1", url.port or 5432)) as running:
        yield running


@pytest.fixture
def tandem(db: Database, proxy: TcpProxy, standin: SlackStandin) -> Iterator[Tandem]:
    url = db.engine.url.set(port=proxy.port, query={"connect_timeout": "2"})
    engine = make_engine(url.render_as_string(hide_password=False))
    app = Tandem(Database(engine, make_session_factory(engine)), standin)
    yield app
    app.close()
    engine.dispose()


def _quietly(tandem: Tandem, body: str, content_type: str) -> int:
    """A signed request, waiting for its work after the ack but not delivering (the
    harness's own delivery would need the database the test took away)."""
    reply = tandem.post_signed(body, content_type, wait=False)
    tandem.executor.wait_idle()
    return reply.status


def _said(tandem: Tandem, name: str) -> str:
    [answer] = [c for c in tandem.standin.calls_to("response_url") if c.params["_name"] == name]
    return str(answer.params.get("text"))


def test_an_outage_is_explained_survived_and_loses_or_repeats_nothing(
    tandem: Tandem, proxy: TcpProxy, db: Database
) -> None:
    role_id = start_role(tandem)
    assert tandem.request("/healthz").status == 200

    # A candidate is added; Slack accepts its thread note, and the database goes away
    # before Tandem can record that it was sent.
    tandem.standin.on_answer("chat.postMessage", lambda _call: proxy.cut())
    assert press(tandem, RECRUITER, Action.ADD_CANDIDATE, str(role_id)) is None
    with pytest.raises(OperationalError):  # the harness delivering after the request
        submit(tandem, opened_view(tandem), user=RECRUITER, changes={"candidate_name": "Ada Lo"})
    outage_began = time.monotonic()

    # Meanwhile: a command, a button, an event and a scheduler tick.
    command_url = tandem.standin.response_url("digest")
    status = _quietly(
        tandem,
        sr.slash_command_body("/tandem", "digest on", user_id=HM, response_url=command_url),
        FORM,
    )
    assert status == 200 and _said(tandem, "digest") == DATABASE_AWAY
    button_url = tandem.standin.response_url("mute")
    status = _quietly(
        tandem,
        sr.interactive_body(
            sr.block_action_payload(
                user_id=HM,
                action_id=Action.MUTE_ROLE,
                value=str(role_id),
                response_url=button_url,
            )
        ),
        FORM,
    )
    assert status == 200 and _said(tandem, "mute") == DATABASE_AWAY
    home = {"type": "app_home_opened", "user": HM, "channel": "D0HOME", "tab": "home"}
    assert _quietly(tandem, sr.event_envelope(home, event_id="Ev0OUTAGE"), JSON) == 200
    assert tandem.request("/healthz").status == 503
    run_all_once(tandem.job_context(), datetime.now(UTC))  # fails, logs, does not raise

    time.sleep(max(OUTAGE_SECONDS - (time.monotonic() - outage_began), 0))
    proxy.restore()

    # Back: health, the event retried from memory, the note delivered once.
    assert tandem.request("/healthz").status == 200
    deadline = time.monotonic() + 15
    while not tandem.standin.calls_to("views.publish") and time.monotonic() < deadline:
        time.sleep(0.2)
        tandem.deliver()
    assert [c.params["user_id"] for c in tandem.standin.calls_to("views.publish")] == [HM]
    advance_clock_to(datetime.now(UTC) + STALE_CLAIM + timedelta(seconds=5))
    tandem.deliver()
    with tandem.database.sessions() as session:
        assert session.scalars(select(Candidate.name)).all() == ["Ada Lo"]
        rows = session.scalars(select(OutboxMessage)).all()
    assert all(row.state == OutboxState.SENT for row in rows), [
        (r.kind, r.state, r.last_error) for r in rows if r.state != OutboxState.SENT
    ]
    for row in rows:
        if row.method == "chat.postMessage":
            assert len([m for m in tandem.standin.posted() if carried(m) == row.id]) == 1, row.kind
    # And a request now works as always.
    tandem.command("/tandem", "digest on", user=HM, response_url=command_url + "-again")
    assert _said(tandem, "digest-again") != DATABASE_AWAY
