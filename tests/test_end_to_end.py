"""``tandem run`` as a real process, driven over HTTP like Slack would, then stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sandbox.slack_standin import SlackStandin
from tests import slack_requests as sr
from tests.conftest import BACKENDS, PostgresDatabases

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _http(url: str, body: str | None = None, headers: dict[str, str] | None = None):
    req = urllib.request.Request(url, data=body.encode() if body else None, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return None, ""


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.create("tandem_e2e")


@pytest.fixture
def running(
    database_url: str, standin: SlackStandin, tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TANDEM_"))},
        "SLACK_BOT_TOKEN": "xoxb-e2e",
        "SLACK_SIGNING_SECRET": sr.SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PYTHONPATH": str(Path(__file__).parents[1]),
    }
    # The child's clock starts at the test's (frozen) now, so the requests this test signs
    # are fresh to it whatever "today" the suite runs on.
    process = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).parent / "frozen_process.py"),
            datetime.now(UTC).isoformat(),
            "run",
            "--host",
            "127.0.0.1",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, _ = _http(base + "/healthz")
        if status == 200:
            break
        if process.poll() is not None:
            pytest.fail(
                f"tandem run exited early:\n{process.stdout.read() if process.stdout else ''}"
            )
        time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("tandem run did not become healthy within 60 s")
    yield base, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_tandem_run_serves_slack_and_stops_cleanly(
    running: tuple[str, subprocess.Popen[str]], standin: SlackStandin
) -> None:
    base, process = running

    body = sr.slash_command_body("/tandem", "help", user_id="U0E2E")
    status, text = _http(
        base + "/slack/events", body, sr.signed_headers(body, "application/x-www-form-urlencoded")
    )
    assert status == 200
    assert "/kickoff" in json.loads(text)["text"]

    status, _ = _http(
        base + "/slack/events", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 401

    event = {"type": "app_home_opened", "user": "U0E2E", "channel": "D1", "tab": "home"}
    envelope = sr.event_envelope(event, event_id="Ev0E2E")
    for retry in (None, "1"):
        headers = sr.signed_headers(envelope, "application/json")
        if retry:
            headers["X-Slack-Retry-Num"] = retry
        assert _http(base + "/slack/events", envelope, headers)[0] == 200
    deadline = time.monotonic() + 10
    while not standin.calls_to("views.publish") and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert len(standin.calls_to("views.publish")) == 1

    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Tandem is up" in output
    assert "stopped cleanly" in output
    assert "xoxb-e2e" not in output
    assert "Traceback" not in output
