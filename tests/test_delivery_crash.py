"""Effectively once across a crash: ``tandem run`` as a real process is killed with SIGKILL
while Slack holds its ``chat.postMessage`` open, or just after Slack acted on it and before
the commit; after a restart the message is in the channel exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import make_engine, make_session_factory
from bot.models import OutboxState
from bot.runtime import Database
from bot.sandbox.slack_standin import BOT_USER_ID, SlackStandin
from bot.services.outbox_claims import STALE_CLAIM
from tests.conftest import BACKENDS, PostgresDatabases
from tests.outbox_flow import carried, queue, row
from tests.processes import start_tandem, tandem_env

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


class Tandem:
    """``tandem run`` processes, one after another, on one database."""

    def __init__(self, database_url: str, standin: SlackStandin, cwd: Path) -> None:
        self.port = _free_port()
        self.env = tandem_env(database_url, standin.api_url, PORT=str(self.port))
        self.cwd = cwd
        self.process: subprocess.Popen[str] | None = None

    def start(self, *, ahead: float = 0.0) -> subprocess.Popen[str]:
        self.process = start_tandem(
            ["run", "--no-scheduler", "--host", "127.0.0.1"], self.env, self.cwd, ahead=ahead
        )
        process = self.process
        _wait_for(lambda: self._healthy() or process.poll() is not None, "tandem run to start")
        assert process.poll() is None, process.communicate()[0]
        return process

    def _healthy(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.port}/healthz"
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.communicate(timeout=30)

    def stop(self) -> str:
        if self.process is None or self.process.poll() is not None:
            return ""
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=60)
        return output


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.db'}"
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        url = databases.create("tandem_crash")
    engine = make_engine(url)
    yield Database(engine, make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def tandem(database: Database, standin: SlackStandin, tmp_path: Path) -> Iterator[Tandem]:
    standin.add_channel("C0CRASH", "hire-crash", members={BOT_USER_ID})
    app = Tandem(database.engine.url.render_as_string(hide_password=False), standin, tmp_path)
    app.start()  # migrates the fresh database
    yield app
    if app.process is not None and app.process.poll() is None:
        app.process.kill()
        app.process.communicate(timeout=30)


def _restart_and_wait_until_sent(tandem: Tandem, database: Database, row_id: int) -> None:
    # The dead process's claim must go stale before anyone takes it over; the new process's
    # clock starts that much later (as if it came back after the claim timed out).
    tandem.start(ahead=STALE_CLAIM.total_seconds() + 5)
    _wait_for(lambda: row(database, row_id).state == OutboxState.SENT, "the row to be sent")
    output = tandem.stop()
    assert "Traceback" not in output, output


def _claimed_by_the_dead(database: Database, row_id: int) -> None:
    with database.engine.connect() as connection:
        state, claimed_by = connection.execute(
            text("SELECT state, claimed_by FROM outbox WHERE id = :id"), {"id": row_id}
        ).one()
    assert state == "pending" and claimed_by


def test_killed_while_slack_holds_the_post_open(
    tandem: Tandem, database: Database, standin: SlackStandin
) -> None:
    standin.hold("chat.postMessage")
    row_id = queue(database, channel="C0CRASH", payload={"text": "once"})
    _wait_for(lambda: bool(standin.calls_to("chat.postMessage")), "the post to reach Slack")
    tandem.kill()
    _claimed_by_the_dead(database, row_id)
    assert standin.posted("C0CRASH") == []

    _restart_and_wait_until_sent(tandem, database, row_id)
    [message] = standin.posted("C0CRASH")
    assert carried(message) == row_id
    assert row(database, row_id).result_ts == message["ts"]
    # The new process did not know what became of the first post: it looked first.
    methods = standin.methods()
    assert "conversations.history" in methods
    assert methods.index("conversations.history") < len(methods) - 1 - methods[::-1].index(
        "chat.postMessage"
    )


def test_killed_after_slack_answered_and_before_the_commit(
    tandem: Tandem, database: Database, standin: SlackStandin
) -> None:
    assert tandem.process is not None
    pid = tandem.process.pid
    # Slack posts the message; the process dies before it can read the answer and commit.
    standin.on_answer("chat.postMessage", lambda _call: os.kill(pid, signal.SIGKILL))
    row_id = queue(database, channel="C0CRASH", payload={"text": "once"})
    _wait_for(lambda: tandem.process is not None and tandem.process.poll() is not None, "the kill")
    tandem.kill()
    _claimed_by_the_dead(database, row_id)
    assert len(standin.posted("C0CRASH")) == 1

    _restart_and_wait_until_sent(tandem, database, row_id)
    [message] = standin.posted("C0CRASH")
    assert carried(message) == row_id
    assert row(database, row_id).result_ts == message["ts"]
    assert len(standin.calls_to("chat.postMessage")) == 1  # found in history, not re-posted
