"""SIGTERM on ``tandem run`` (a real process against the Slack stand-in): it stops accepting,
lets the work in flight finish within ``TANDEM_SHUTDOWN_TIMEOUT_SECONDS``, and exits."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.models import OutboxState
from bot.runtime import Database
from bot.sandbox.requests import FORM
from bot.sandbox.slack_standin import SlackStandin
from tests import slack_requests as sr
from tests.outbox_flow import queue, row
from tests.processes import start_tandem, tandem_env

pytestmark = pytest.mark.e2e

PERSON = "U0SHUTDOWN"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(
    url: str, body: str | None = None, headers: dict[str, str] | None = None, timeout: float = 10
) -> int | None:
    request = urllib.request.Request(
        url, data=body.encode() if body else None, headers=headers or {}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None  # refused: nobody accepts connections there


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """The processes a test starts; any still running at the end is killed."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


def _start(
    db: Database, standin: SlackStandin, cwd: Path, timeout: int, started: list[Any]
) -> tuple[str, subprocess.Popen[str]]:
    port = _free_port()
    env = tandem_env(
        db.engine.url.render_as_string(hide_password=False),
        standin.api_url,
        PORT=str(port),
        TANDEM_SHUTDOWN_TIMEOUT_SECONDS=str(timeout),
        TANDEM_LOG_FORMAT="json",
        PYTHONFAULTHANDLER="1",
    )
    process = start_tandem(["run", "--host", "127.0.0.1"], env, cwd)
    started.append(process)
    base = f"http://127.0.0.1:{port}"
    _wait_for(lambda: _get(base + "/healthz") == 200 or process.poll() is not None, "the start")
    assert process.poll() is None, process.communicate()[0]
    return base, process


def _quiet_command(base: str, standin: SlackStandin) -> None:
    """``/tandem quiet`` acks at once, then looks the person up and answers through the
    response_url: work that runs after ``ack()``."""
    body = sr.slash_command_body(
        "/tandem", "quiet", user_id=PERSON, response_url=standin.response_url("quiet")
    )
    assert _get(base + "/slack/events", body, sr.signed_headers(body, FORM)) == 200


def test_sigterm_finishes_the_request_work_and_the_delivery_in_flight_then_exits_0(
    db: Database, standin: SlackStandin, tmp_path: Path, started: list[Any]
) -> None:
    standin.add_user(PERSON, "sam")
    base, process = _start(db, standin, tmp_path, 8, started)
    # Slack answers slowly: both calls are still in flight when the signal arrives.
    standin.delay("users.info", 1.5, times=1)
    standin.delay("chat.postMessage", 2.5, times=1)
    outbox_id = queue(db, channel=PERSON, payload={"text": "sent while stopping"})
    _wait_for(lambda: bool(standin.calls_to("chat.postMessage")), "the delivery to be in flight")
    _quiet_command(base, standin)
    _wait_for(lambda: bool(standin.calls_to("users.info")), "the look-up to be in flight")
    assert standin.active >= 2

    process.send_signal(signal.SIGTERM)
    # It stops accepting at once, while the work in flight goes on.
    try:
        _wait_for(lambda: _get(base + "/healthz", timeout=0.5) is None, "the listener to close")
    except BaseException:
        process.send_signal(signal.SIGABRT)
        print(process.communicate()[0])
        raise
    assert process.poll() is None and standin.active >= 1
    output, _ = process.communicate(timeout=15)

    assert process.returncode == 0, output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    messages = [entry["message"] for entry in lines]
    assert "Tandem stopped cleanly" in messages, output
    assert "Traceback" not in output
    # The listener's answer reached the person; the row was sent and settled.
    assert [c.params.get("text") for c in standin.calls_to("response_url")], output
    assert row(db, outbox_id).state == OutboxState.SENT


def test_work_that_outlives_the_shutdown_timeout_does_not_hold_the_process(
    db: Database, standin: SlackStandin, tmp_path: Path, started: list[Any]
) -> None:
    standin.add_user(PERSON, "sam")
    base, process = _start(db, standin, tmp_path, 1, started)
    standin.delay("users.info", 6, times=1)
    _quiet_command(base, standin)
    _wait_for(lambda: bool(standin.calls_to("users.info")), "the look-up to be in flight")

    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=15)

    # Gone while Slack was still answering: it did not wait for the look-up.
    assert standin.active == 1
    assert process.returncode == 1, output
    assert "gave up waiting for listener work after ack()" in output
    assert "Traceback" not in output
