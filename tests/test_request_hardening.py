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
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import update

from bot.clock import utcnow
from bot.handlers.common import NO_TRIGGER, NOT_HERE
from bot.models import Person
from bot.slack.ids import Action
from tests import slack_requests as sr
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, log_interview, next_weekday, press, start_role
from tests.kickoff_flow import (
    ADMIN,
    HM,
    PANEL,
    RECRUITER,
    Kickoff,
    add_people,
    brief_step,
    role_step,
)
from tests.modals import opened_view, submit

USER = RECRUITER
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


# -- Signed but malformed: a clear answer where a person can see one ------------------------

TOO_BIG = "99999999999999999999"


def test_button_value_beyond_the_id_column_says_the_role_is_not_here(
    tandem: Tandem, logs: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    start_role(tandem)
    logs.clear()
    for value in (TOO_BIG, str(2**31), "²", "1e3", "-1", "٣"):
        assert press(tandem, HM, Action.AGREE, value) == NOT_HERE, value
    assert_quiet(logs, capfd, lines=0)


def test_private_metadata_id_beyond_the_id_column_closes_the_modal_with_a_message(
    tandem: Tandem, logs: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    role_id = start_role(tandem)
    press(tandem, RECRUITER, Action.ADD_CANDIDATE, str(role_id))
    view = opened_view(tandem)
    logs.clear()
    for forged in ('{"role": ' + TOO_BIG + "}", '{"role": "1"}', '{"role": 1.5}', "[1]", "{"):
        reply = submit(
            tandem,
            {**view, "private_metadata": forged},
            user=RECRUITER,
            changes={"candidate_name": "Jane Doe"},
        )
        assert reply.json["response_action"] == "update", forged
        assert NOT_HERE in json.dumps(reply.json["view"]), forged
    assert_quiet(logs, capfd, lines=0)


def test_digits_that_int_refuses_are_a_field_error(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
    press(tandem, RECRUITER, Action.MOVE_CANDIDATE, str(role_id))
    view = opened_view(tandem)
    for candidate in ("²", TOO_BIG):
        reply = submit(
            tandem,
            view,
            user=RECRUITER,
            changes={"candidate": candidate, "candidate_stage": "panel"},
        )
        assert reply.json == {
            "response_action": "errors",
            "errors": {"candidate": "Pick the candidate."},
        }, candidate


@pytest.mark.parametrize("at", ["10:00+05:00", "10:00Z", "10:00:00", "1000", "²0:00", "25:00"])
def test_checkin_time_with_an_offset_is_a_field_error(tandem: Tandem, at: str) -> None:
    role_id = start_role(tandem)
    press(tandem, RECRUITER, Action.MOVE_CHECKIN, str(role_id))
    reply = submit(tandem, opened_view(tandem), user=RECRUITER, changes={"checkin_time": at})
    assert reply.json["response_action"] == "errors"
    assert "checkin_time" in reply.json["errors"]


def test_interview_time_with_an_offset_is_a_field_error(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    candidate_id = add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
    reply = log_interview(
        tandem,
        role_id,
        candidate_id,
        user=RECRUITER,
        day=next_weekday(1),
        start="10:00+05:00",
        end="11:00+05:00",
        interviewers=PANEL,
    )
    assert reply.json["response_action"] == "errors"
    assert "interview_end" in reply.json["errors"]


def test_kickoff_checkin_time_with_an_offset_is_a_field_error(tandem: Tandem) -> None:
    add_people(tandem.standin)
    kickoff = Kickoff(tandem).start()
    kickoff.step(role_step())
    kickoff.step(brief_step())
    reply = kickoff.step({"checkin_time": "10:00+05:00", "checkin_day": "²"})
    assert reply.json["response_action"] == "errors"
    assert {"checkin_time", "checkin_day"} <= set(reply.json["errors"])


def test_button_without_a_trigger_id_says_what_to_do(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    payload = sr.block_action_payload(
        user_id=RECRUITER,
        action_id=Action.ADD_CANDIDATE,
        value=str(role_id),
        response_url=tandem.standin.response_url("no-trigger"),
    )
    del payload["trigger_id"]
    before = len(tandem.standin.calls_to("views.open"))
    assert tandem.interact(payload).status == 200
    assert tandem.standin.last("response_url").params["text"] == NO_TRIGGER
    assert len(tandem.standin.calls_to("views.open")) == before


def test_command_without_a_trigger_id_says_what_to_do(tandem: Tandem) -> None:
    body = sr.slash_command_body("/kickoff", "Staff Data Engineer", user_id=RECRUITER)
    body = body.replace("&trigger_id=13345224609.738474920.8088930838d88f008e0", "")
    body = body.replace(
        "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0TANDEM%2F1%2Fx",
        "response_url=" + quote(tandem.standin.response_url("kickoff"), safe=""),
    )
    assert "trigger_id" not in body
    assert tandem.post_signed(body, FORM).status == 200
    assert tandem.standin.last("response_url").params["text"] == NO_TRIGGER


def test_payload_without_a_user_gets_200_and_one_log_line(
    tandem: Tandem, logs: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    role_id = start_role(tandem)
    logs.clear()
    payload = sr.block_action_payload(user_id=HM, action_id=Action.AGREE, value=str(role_id))
    del payload["user"]
    assert tandem.interact(payload).status == 200
    assert_quiet(logs, capfd)
    assert "no user" in logs.records[-1].getMessage()


def test_thread_message_without_a_ts_gets_200_and_one_log_line(
    tandem: Tandem, logs: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    event = {"type": "message", "user": HM, "channel": "C0X", "thread_ts": "1.1", "text": "hi"}
    assert tandem.event(event, event_id="Ev0NOTS").status == 200
    assert_quiet(logs, capfd)


# -- No Web API call before the ack; a 429 on a look-up never delays an ack ----------------


def test_settings_command_acks_before_it_asks_slack_who_the_person_is(tandem: Tandem) -> None:
    tandem.standin.add_user(ADMIN, "ada", is_admin=True)
    tandem.standin.fail("users.info", status=429, retry_after=6)

    started = time.monotonic()
    reply = tandem.post_signed(
        sr.slash_command_body(
            "/tandem",
            "holidays us",
            user_id=ADMIN,
            response_url=tandem.standin.response_url("settings"),
        ),
        FORM,
        wait=False,
    )
    acked_after = time.monotonic() - started

    assert reply.status == 200 and reply.body == ""
    assert acked_after < 3.0  # Slack's deadline; waiting out the 429 would take 6 s
    tandem.executor.wait_idle()
    assert "US" in tandem.standin.last("response_url").params["text"]


def test_rate_limited_people_lookup_does_not_delay_a_kickoff_step(tandem: Tandem) -> None:
    add_people(tandem.standin)
    kickoff = Kickoff(tandem).start()
    tandem.standin.fail("users.info", status=429, retry_after=6, times=10)

    reply = kickoff.step(role_step())

    # The ack asks Slack nothing; after it, the first 429 ends the look-ups (no waiting it
    # out while the person looks at "Checking…") and step 2 follows.
    assert reply.json["response_action"] == "push"
    assert reply.seconds < 1.0
    assert len(tandem.standin.calls_to("users.info")) == 1
    assert kickoff.view["callback_id"] == "kickoff-brief"


def test_rate_limited_lookup_does_not_expire_the_trigger_id(tandem: Tandem) -> None:
    """An admin outside the role opens a modal: the stale cached row answers for Slack."""
    role_id = start_role(tandem)
    assert press(tandem, ADMIN, Action.ADD_CANDIDATE, str(role_id)) is None
    with tandem.database.sessions.begin() as session:
        session.execute(
            update(Person)
            .where(Person.user_id == ADMIN)
            .values(refreshed_at=utcnow() - timedelta(days=1))
        )
    tandem.standin.fail("users.info", status=429, retry_after=6, times=10)
    opened = len(tandem.standin.calls_to("views.open"))

    started = time.time()
    assert press(tandem, ADMIN, Action.ADD_CANDIDATE, str(role_id)) is None

    views_open = tandem.standin.calls_to("views.open")
    assert len(views_open) == opened + 1
    assert views_open[-1].at - started < 2.0


def test_ids_longer_than_slacks_get_200_and_one_log_line(
    tandem: Tandem, logs: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    role_id = start_role(tandem)
    logs.clear()
    payload = sr.block_action_payload(user_id="U" * 40, action_id=Action.AGREE, value=str(role_id))
    assert tandem.interact(payload).status == 200
    event = {"type": "app_home_opened", "user": HM, "channel": "D0HOME", "tab": "home"}
    assert tandem.event(event, event_id="Ev" + "0" * 80).status == 200
    message = {"type": "message", "user": HM, "channel": "C0X", "text": "hi"}
    reply = {**message, "thread_ts": "1.1", "ts": "1" * 40 + ".1"}
    assert tandem.event(reply, event_id="Ev0LONGTS").status == 200
    assert_quiet(logs, capfd, lines=3)
    assert tandem.standin.calls_to("views.publish") == []


def test_picked_user_that_is_not_a_slack_id_is_a_field_error(tandem: Tandem) -> None:
    add_people(tandem.standin)
    kickoff = Kickoff(tandem).start()
    reply = kickoff.step(role_step(hiring_manager="U" * 40))
    assert reply.json["response_action"] == "errors"
    assert "hiring_manager" in reply.json["errors"]
