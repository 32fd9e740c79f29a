"""``tandem run`` in Socket Mode, as a real process, against a real WebSocket: the stand-in's
``apps.connections.open`` hands out a ``ws://127.0.0.1`` URL of
:class:`bot.sandbox.socket_standin.SocketModeStandin`, which speaks Slack's protocol (hello,
envelopes, acks, ``disconnect``) and can cut the connection.

Commands, clicks, view submissions and events delivered over the socket have the effects
they have over HTTP (``tests/test_end_to_end.py``, the flow tests), each acked within Slack's
3 seconds; the app moves to a new connection when Slack asks, reconnects by itself when the
connection drops, and ``/healthz`` says whether it is connected.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from bot.handlers.common import NOT_HERE
from bot.sandbox.modals import fill
from bot.sandbox.slack_standin import SlackStandin
from bot.sandbox.socket_standin import Ack, SocketModeStandin
from bot.slack.ids import Action
from tests import slack_requests as sr
from tests.conftest import BACKENDS, PostgresDatabases
from tests.kickoff_flow import RECRUITER, add_people, role_step
from tests.processes import start_tandem, tandem_env

pytestmark = pytest.mark.e2e

# Slack shows the person an error when an envelope is not acknowledged within 3 seconds.
SLACK_ACK_LIMIT_SECONDS = 3.0
APP_TOKEN = "xapp-1-A0TANDEM-1-socket-e2e"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _until(found: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"not within {timeout:g} s: {what}")


@dataclass
class SocketApp:
    process: subprocess.Popen[str]
    socket: SocketModeStandin
    standin: SlackStandin
    health_url: str

    def deliver(self, type: str, payload: dict[str, Any], **options: Any) -> Ack:
        """Send one envelope; its ack, which must come within Slack's limit."""
        envelope_id = self.socket.send(type, payload, **options)
        ack = self.socket.wait_ack(envelope_id, timeout=15)
        assert ack.after < SLACK_ACK_LIMIT_SECONDS, f"{type} acked after {ack.after:.2f} s"
        return ack

    def health(self) -> tuple[int | None, dict[str, Any]]:
        try:
            with urllib.request.urlopen(self.health_url, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")
        except OSError:
            return None, {}

    def stop(self) -> str:
        """SIGTERM; the whole output, once the process stopped cleanly."""
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, output
        return output


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'socket.db'}"
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.create("tandem_socket")


@pytest.fixture
def socket_app(database_url: str, standin: SlackStandin, tmp_path: Path) -> Iterator[SocketApp]:
    link = standin.enable_socket_mode()
    add_people(standin)
    port = _free_port()
    env = tandem_env(database_url, standin.api_url, SLACK_APP_TOKEN=APP_TOKEN, PORT=str(port))
    del env["SLACK_SIGNING_SECRET"]  # Socket Mode needs none: nothing arrives over HTTP
    process = start_tandem(["run", "--host", "127.0.0.1"], env, tmp_path)
    app = SocketApp(process, link, standin, f"http://127.0.0.1:{port}/healthz")
    try:
        deadline = time.monotonic() + 60
        while app.health()[0] != 200:
            if process.poll() is not None:
                pytest.fail(f"tandem run exited early:\n{process.communicate()[0]}")
            if time.monotonic() > deadline:
                pytest.fail("tandem run did not answer /healthz within 60 s")
            time.sleep(0.1)
        link.wait_connected(1)
        yield app
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def _command(command: str, text: str = "", **fields: str) -> dict[str, Any]:
    """A slash command's payload: the fields Slack would have form-encoded over HTTP."""
    return dict(parse_qsl(sr.slash_command_body(command, text, **fields)))


def test_commands_clicks_submissions_and_events_work_as_over_http(socket_app: SocketApp) -> None:
    standin, link = socket_app.standin, socket_app.socket

    # A command answered in its ack: the answer rides on the ack's payload.
    ack = socket_app.deliver("slash_commands", _command("/tandem", "help", user_id=RECRUITER))
    assert ack.payload is not None and "/kickoff" in ack.payload["text"]

    # A command that opens a modal: acked at once, then views.open with its trigger.
    ack = socket_app.deliver(
        "slash_commands",
        _command("/kickoff", "Staff Data Engineer", user_id=RECRUITER, trigger_id="1.2.socket"),
    )
    assert not ack.payload
    opened = _until(lambda: standin.calls_to("views.open"), "views.open")
    assert opened[0].params["trigger_id"] == "1.2.socket"
    view = opened[0].response["view"]

    # Its submission: the ack pushes "Checking…", step 2 replaces it afterwards.
    submission = sr.view_submission_payload(
        user_id=RECRUITER,
        callback_id=view["callback_id"],
        values=fill(view, role_step()),
        private_metadata=view.get("private_metadata", ""),
        view_id=view["id"],
    )
    ack = socket_app.deliver("interactive", submission)
    assert ack.payload is not None and ack.payload["response_action"] == "push"
    checking = ack.payload["view"]["external_id"]
    update = _until(
        lambda: [
            c for c in standin.calls_to("views.update") if c.params["external_id"] == checking
        ],
        "step 2 in place of 'Checking…'",
    )
    assert update[0].response["ok"]

    # A button: acked empty, the answer goes to the click's response_url.
    click = sr.block_action_payload(
        user_id=RECRUITER,
        action_id=Action.AGREE,
        value="424242",
        response_url=standin.response_url("agree"),
    )
    ack = socket_app.deliver("interactive", click)
    assert not ack.payload
    answer = _until(
        lambda: [c for c in standin.calls_to("response_url") if c.params["_name"] == "agree"],
        "the click's answer",
    )
    assert answer[0].params["text"] == NOT_HERE

    # An event, then Slack's retry of it: handled once, each delivery acked.
    event = {"type": "app_home_opened", "user": RECRUITER, "channel": "D1", "tab": "home"}
    envelope = json.loads(sr.event_envelope(event, event_id="Ev0SOCKET"))
    for attempt in (0, 1):
        ack = socket_app.deliver("events_api", envelope, retry_attempt=attempt)
        assert not ack.payload
    _until(lambda: standin.calls_to("views.publish"), "the Home tab published")
    time.sleep(0.5)  # a second publish, if the retry were handled again, would show by now
    assert len(standin.calls_to("views.publish")) == 1

    output = socket_app.stop()
    assert link.urls and len(standin.calls_to("apps.connections.open")) == 1
    assert [x for link_ in link.links for x in link_.other_messages] == []
    assert "Traceback" not in output and "ERROR" not in output
    assert "will be unused" not in output  # Bolt's warning about the bot token
    assert APP_TOKEN not in output and "xoxb-test-token" not in output


def test_it_moves_to_a_new_connection_reconnects_after_a_drop_and_healthz_tells(
    socket_app: SocketApp,
) -> None:
    standin, link = socket_app.standin, socket_app.socket
    help_command = _command("/tandem", "help", user_id=RECRUITER)
    status, body = socket_app.health()
    assert status == 200 and body["socket_mode"] == "connected"

    # Slack refreshes the connection: a new URL, a new connection, the old one closed.
    link.disconnect("refresh_requested")
    moved = link.wait_connected(2)
    assert len(standin.calls_to("apps.connections.open")) == 2
    assert socket_app.deliver("slash_commands", help_command).link == moved.number

    # The network drops the connection while Slack is unreachable: /healthz says so...
    standin.fail("apps.connections.open", error="internal_error", times=10_000)
    link.drop()
    _until(
        lambda: socket_app.health()[1].get("socket_mode") == "disconnected",
        "/healthz reporting the lost connection",
    )
    status, body = socket_app.health()
    assert status == 200  # the process is fine; Slack is away (and it keeps trying)
    _until(
        lambda: len(standin.calls_to("apps.connections.open")) >= 4,
        "a second try at reconnecting",
    )

    # ...and once Slack answers again the app is back by itself.
    standin.heal("apps.connections.open")
    back = link.wait_connected(3)
    _until(lambda: socket_app.health()[1].get("socket_mode") == "connected", "connected again")
    ack = socket_app.deliver("slash_commands", help_command)
    assert ack.link == back.number and "/kickoff" in (ack.payload or {}).get("text", "")

    output = socket_app.stop()
    assert "Traceback" not in output
    assert "Socket Mode: the connection to Slack was lost; reconnecting" in output
    assert "Socket Mode: connected to Slack again" in output
    assert APP_TOKEN not in output


def test_a_websocket_that_never_opens_is_one_line_and_exit_2(
    standin: SlackStandin, tmp_path: Path
) -> None:
    """Slack hands out a URL, but nothing answers there (a proxy that blocks WebSockets)."""
    standin.enable_socket_mode().stop()
    env = tandem_env(
        f"sqlite:///{tmp_path / 'socket.db'}",
        standin.api_url,
        SLACK_APP_TOKEN=APP_TOKEN,
        PORT=str(_free_port()),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("tandem: Slack gave a Socket Mode URL but no WebSocket opened there")
