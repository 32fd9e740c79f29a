"""Whatever a request to ``/slack/events`` contains, Tandem answers 4xx or 200 — never 500, never
a traceback — and logs one line; signed but malformed requests get a clear answer where a
person can see one."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests import slack_requests as sr
from tests.harness import Tandem

USER = "U0RECRUIT"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"type": "event_callback", "event": ' + DEEP_JSON + "}"


def post_bytes(tandem: Tandem, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST raw bytes (the harness only sends text) straight to 127.0.0.1."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(tandem.url + "/slack/events", data=body, headers=headers)
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def signed_bytes(body: bytes, content_type: str, timestamp: str | None = None) -> dict[str, str]:
    ts = timestamp or str(int(time.time()))
    digest = hmac.new(
        sr.SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
    }


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO)
    yield caplog


def assert_quiet(
    logs: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str], *, lines: int = 1
) -> None:
    """No traceback anywhere (logs, or the server's stderr), and ``lines`` log lines."""
    records = [r for r in logs.records if r.levelno >= logging.WARNING]
    assert all(r.exc_info is None for r in logs.records), [r.getMessage() for r in records]
    assert "Traceback" not in logs.text
    assert "Traceback" not in capfd.readouterr().err
    assert len(records) == lines, [r.getMessage() for r in records]
    assert all("\n" not in r.getMessage() for r in records)


UNSIGNED_GARBAGE = {
    "not JSON, not a form": (b"\x00\x01 hello <xml/>", "text/plain"),
    "JSON that is not an object": (b"[1, 2, 3]", JSON),
    "payload that is not a JSON object": (b"payload=%5B1%2C2%5D", FORM),
    "payload that is not JSON": (b"payload=%7Bnope", FORM),
    "invalid UTF-8": (b"payload=\xff\xfe{\x80}", FORM),
    "JSON nested 100,000 levels deep": (DEEP_OBJECT.encode(), JSON),
    "empty": (b"", FORM),
}


@pytest.mark.parametrize("name", list(UNSIGNED_GARBAGE))
def test_unsigned_garbage_is_refused_before_it_is_parsed(
    tandem: Tandem, logs: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str], name: str
) -> None:
    body, content_type = UNSIGNED_GARBAGE[name]
    status, _ = post_bytes(tandem, body, {"Content-Type": content_type})
    assert status == 401
    assert tandem.standin.calls == []
    assert_quiet(logs, capfd)


# Header values travel as latin-1: "²³" arrives as is, Arabic-Indic digits as their UTF-8 bytes.
@pytest.mark.parametrize(
    "timestamp", ["abc", "1e9", "²³", "-5", " 1700000000", "١٧٠٠".encode().decode("latin-1")]
)
def test_non_numeric_timestamp_is_401(
    tandem: Tandem,
    logs: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    timestamp: str,
) -> None:
    body = sr.slash_command_body("/tandem", "help", user_id=USER).encode()
    headers = signed_bytes(body, FORM)
    headers["X-Slack-Request-Timestamp"] = timestamp
    status, _ = post_bytes(tandem, body, headers)
    assert status == 401
    assert_quiet(logs, capfd)


def test_signature_that_is_not_ascii_is_401(
    tandem: Tandem, logs: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    body = sr.slash_command_body("/tandem", "help", user_id=USER).encode()
    headers = signed_bytes(body, FORM)
    headers["X-Slack-Signature"] = "v0=" + "é" * 64
    # http.client sends header values as latin-1; the WSGI layer sees non-ASCII text.
    status, _ = post_bytes(tandem, body, headers)
    assert status == 401
    assert_quiet(logs, capfd)


SIGNED_GARBAGE = {
    "not JSON, not a form": (b"hello world, no equals sign", "text/plain"),
    "a form that is no Slack body": (b"foo=bar&baz=1", FORM),
    "JSON that is not an object": (b"[1, 2, 3]", JSON),
    "JSON object without a type": (b'{"event": {}}', JSON),
    "payload that is not a JSON object": (b"payload=%5B1%2C2%5D", FORM),
    "payload that is a JSON string": (b"payload=%22view_submission%22", FORM),
    "payload that is not JSON": (b"payload=%7Bnope", FORM),
    "invalid UTF-8": (b"payload=\xff\xfe{\x80}", FORM),
    "JSON nested 100,000 levels deep": (DEEP_OBJECT.encode(), JSON),
    "payload nested 100,000 levels deep": (
        b"payload=" + quote('{"type": "block_actions", "x": ' + DEEP_JSON + "}").encode(),
        FORM,
    ),
    "empty": (b"", FORM),
}


@pytest.mark.parametrize("name", list(SIGNED_GARBAGE))
def test_signed_garbage_is_a_400_without_a_traceback(
    tandem: Tandem, logs: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str], name: str
) -> None:
    body, content_type = SIGNED_GARBAGE[name]
    status, _ = post_bytes(tandem, body, signed_bytes(body, content_type))
    assert status == 400
    assert tandem.standin.calls == []
    assert_quiet(logs, capfd)


ODD_SHAPES = {
    "team is a number": {"type": "block_actions", "team": 5, "user": {"id": USER}},
    "user is a list": {"type": "view_submission", "user": [1], "team": {"id": sr.TEAM_ID}},
    "authorizations is text": {"type": "event_callback", "authorizations": "x", "event": {}},
    "no view in a view submission": {
        "type": "view_submission",
        "user": {"id": USER, "team_id": sr.TEAM_ID},
        "team": {"id": sr.TEAM_ID},
    },
    "no actions in a block action": {
        "type": "block_actions",
        "user": {"id": USER, "team_id": sr.TEAM_ID},
        "team": {"id": sr.TEAM_ID},
        "response_url": "",
    },
    "an event without an event": {"type": "event_callback", "team_id": sr.TEAM_ID},
    "a type nobody sends": {"type": "dialog_submission", "team": {"id": sr.TEAM_ID}},
}


@pytest.mark.parametrize("name", list(ODD_SHAPES))
def test_signed_payload_of_an_odd_shape_gets_200_and_one_log_line(
    tandem: Tandem, logs: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str], name: str
) -> None:
    payload = ODD_SHAPES[name]
    if payload["type"] == "event_callback":
        reply = tandem.post_signed(json.dumps(payload), JSON)
    else:
        reply = tandem.post_signed(sr.interactive_body(payload), FORM)
    assert reply.status == 200
    assert_quiet(logs, capfd)


def test_command_whose_text_says_payload_is_understood(tandem: Tandem) -> None:
    """Bolt mistakes any form body containing "payload" for an interaction."""
    reply = tandem.command("/tandem", "what is a payload", user=USER)
    assert reply.status == 200
    assert "what is a payload" in reply.json["blocks"][0]["text"]["text"]


def test_ssl_check_is_answered_and_changes_nothing(tandem: Tandem) -> None:
    reply = tandem.request("/slack/events", "ssl_check=1&token=x", {"Content-Type": FORM})
    assert reply.status == 200
    assert tandem.standin.calls == []


def test_oauth_routes_are_not_found_in_single_workspace_mode(tandem: Tandem) -> None:
    assert tandem.request("/slack/install").status == 404
    assert tandem.request("/elsewhere", "x", {"Content-Type": FORM}).status == 404
