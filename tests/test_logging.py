"""Structured logs: every line one JSON object tagged with its request or job; no token,
secret or free-text feedback in any line at any level."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from bot import logs
from bot.failures import one_line
from bot.models import Feedback
from bot.runtime import Database
from bot.sandbox.requests import FORM
from bot.services.feedback import NOTES_FIELD
from bot.slack.ids import Action
from tests import slack_requests as sr
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, feedback_obligation, log_interview, press
from tests.hiring_flow import start_role as begin_role
from tests.kickoff_flow import HM, RECRUITER
from tests.modals import opened_view, submit
from tests.outbox_flow import queue
from tests.test_nudge_ladder import INTERVIEWER, MONDAY

FEEDBACK_NOTES = "Quokka-lantern-4417 says the candidate hums during whiteboards"
THIRD_PARTY = ("slack_bolt", "slack_sdk", "apscheduler", "cheroot", "alembic")


class Captured:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip()]

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines()]


@pytest.fixture
def capture_logs() -> Iterator[Any]:
    """Install Tandem's handler (as ``tandem run`` does) on a string stream; restore after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, {n: logging.getLogger(n).level for n in THIRD_PARTY})

    def install(
        tandem: Tandem, *, log_format: logs.LogFormat = "json", third_party_debug: bool = False
    ) -> Captured:
        stream = io.StringIO()
        root.setLevel(logging.DEBUG)
        logs.set_third_party_levels("DEBUG")
        root.addHandler(
            logs.make_handler(
                log_format=log_format,
                secret_values=logs.configured_secrets(tandem.settings),
                stream=stream,
                third_party_debug=third_party_debug,
            )
        )
        return Captured(stream)

    yield install
    handlers, level, levels = saved
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("slack_bolt", "slack_sdk")):
            logging.getLogger(name).setLevel(logging.NOTSET)


def _interview_with_feedback(tandem: Tandem) -> None:
    """A role, a candidate, an interview, the interviewer's feedback with notes, the reveal."""
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    role_id = begin_role(tandem)
    candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
    reply = log_interview(
        tandem,
        role_id,
        candidate,
        user=HM,
        day=MONDAY,
        start="09:00",
        end="10:00",
        interviewers=[INTERVIEWER],
    )
    assert reply.body == "", reply.body
    obligation = feedback_obligation(tandem, INTERVIEWER)
    press(tandem, INTERVIEWER, Action.SUBMIT_FEEDBACK, str(obligation.id), channel_id="D0NIA")
    reply = submit(
        tandem,
        opened_view(tandem),
        user=INTERVIEWER,
        changes={"recommendation": "yes", "rating:0": "3", NOTES_FIELD: FEEDBACK_NOTES},
    )
    assert reply.json["response_action"] == "update", reply.body


def test_json_lines_carry_the_request_id_and_the_job_id(tandem: Tandem, capture_logs: Any) -> None:
    # Bolt's DEBUG lines let through, so the help command (which logs nothing itself) shows.
    captured = capture_logs(tandem, third_party_debug=True)
    reply = tandem.command("/tandem", "help", user="U0LOGGER")
    assert reply.status == 200
    # A signed but broken request and an unsigned one: lines logged while refusing them.
    tandem.post_signed(sr.slash_command_body("/tandem", "", user_id="u-bad-id"), FORM)
    assert tandem.request("/slack/events", "x=1", {"Content-Type": FORM}).status == 401
    request_lines = captured.records()
    assert request_lines, "the requests logged nothing at DEBUG"

    sent = queue(tandem.database, channel="U0LOGGER", payload={"text": "hello"})
    parked = queue(tandem.database, channel="C0NOWHERE", payload={"text": "lost"})
    tandem.run_jobs()
    job_lines = captured.records()[len(request_lines) :]
    assert any(e["message"] == "job deliver-outbox did 1 thing(s)" for e in job_lines)
    [parked_line] = [e for e in job_lines if "parked" in e["message"]]
    assert parked_line["outbox_id"] == parked != sent and parked_line["job"] == "deliverer"

    for entry in request_lines:
        assert {"time", "level", "logger", "message"} <= entry.keys(), entry
        assert entry.get("request_id"), entry
    # Three requests, three ids; the refusals are among the lines.
    assert len({e["request_id"] for e in request_lines}) == 3, [
        (e["request_id"], e["message"][:60]) for e in request_lines
    ]
    assert any("refused a request" in e["message"] for e in request_lines)
    assert any("ignored" in e["message"] for e in request_lines)
    for entry in job_lines:
        assert entry.get("job"), entry
        if entry["job"] != "deliverer":  # the deliverer's own threads serve every run
            assert entry["job_id"].startswith(entry["job"] + "-"), entry


def test_the_text_format_appends_the_ids(tandem: Tandem, capture_logs: Any) -> None:
    captured = capture_logs(tandem, log_format="text")
    tandem.request("/slack/events", "x=1", {"Content-Type": FORM})
    queue(tandem.database, channel="U0LOGGER", payload={"text": "hello"})
    tandem.run_jobs()
    lines = captured.lines()
    assert any("refused a request" in line and " [req=" in line for line in lines)
    assert any(" [job=" in line and " run=" in line for line in lines)


def test_a_hire_at_debug_logs_no_secret_no_feedback_and_keeps_every_id(
    tandem: Tandem, capture_logs: Any
) -> None:
    """A role, a candidate, an interview and feedback with notes, logged at DEBUG twice over:
    as ``tandem run`` logs (``TANDEM_LOG_LEVEL=DEBUG``), and with slack_sdk's and Bolt's own
    DEBUG bodies let through to test the redaction against them."""
    production = capture_logs(tandem)
    everything = capture_logs(tandem, third_party_debug=True)
    _interview_with_feedback(tandem)
    logging.getLogger("tests").debug(
        "a careless line: %s %s xapp-1-A0-123-abc",
        tandem.settings.slack_bot_token.get_secret_value(),  # type: ignore[union-attr]
        tandem.signing_secret,
    )
    with tandem.database.sessions() as session:
        assert session.scalars(select(Feedback.notes)).all() == [FEEDBACK_NOTES]

    # slack_sdk's own DEBUG lines (whole request and response bodies) were let through here.
    full = everything.text
    assert "Sending a request" in full and "Received the following response" in full
    for logged in (production.text, full):
        assert "xoxb-test-token" not in logged
        assert tandem.signing_secret not in logged
        assert "xapp-1" not in logged and "xapp-***" in logged
        assert "Quokka-lantern" not in logged

    # Tandem's own DEBUG lines (none in a hire that goes well) and every third-party line at
    # INFO or above: each names its request or job.
    for entry in production.records() + everything.records():
        assert entry.get("request_id") or entry.get("job") or entry["logger"] == "tests", entry
    # Work after ack() (Bolt's executor) keeps the request's id; so do the deliverer's lines.
    after_ack = [
        e
        for e in everything.records()
        if e["logger"].startswith("slack_sdk") and e.get("request_id")
    ]
    assert after_ack, "no Web API call made after ack() kept its request id"


def test_redaction_covers_arguments_tracebacks_and_every_level() -> None:
    stream = io.StringIO()
    handler = logs.make_handler(
        log_format="json", secret_values=["s3cr3t-signing-value", "short"], stream=stream
    )
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("token %s", "xoxp-1234-5678-abcdef")
        logger.warning("body %r", {"token": "xoxe.xoxp-1-ABC", "secret": "s3cr3t-signing-value"})
        try:
            raise RuntimeError("failed with xoxb-999-888-zzz")
        except RuntimeError:
            logger.exception("call failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    text = stream.getvalue()
    for leaked in ("1234-5678", "1-ABC", "s3cr3t", "999-888"):
        assert leaked not in text
    entries = [json.loads(line) for line in text.splitlines()]
    assert [e["level"] for e in entries] == ["DEBUG", "WARNING", "ERROR"]
    assert "xoxb-***" in entries[2]["exception"]
    assert "short" not in logs.RedactSecrets(["short"]).secrets  # too short to redact literally


def test_a_failed_statement_does_not_quote_its_parameters(db: Database) -> None:
    """An error reported in one line (``one_line``) names the statement, not the values: a
    failed write of feedback must not put the feedback in the log."""
    with pytest.raises(DBAPIError) as failure, db.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO no_such_table VALUES (:notes)"), {"notes": FEEDBACK_NOTES}
        )
    assert "no_such_table" in one_line(failure.value)
    assert "Quokka" not in str(failure.value) and "Quokka" not in one_line(failure.value)
