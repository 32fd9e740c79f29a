"""A failure after ``ack()`` reaches the person privately, with what to do next; a failed event
is answered so that Slack delivers it again; the operator gets one line, not a traceback."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import FAILED_AFTER_ACK
from bot.handlers.common import TRIGGER_EXPIRED
from bot.models import ProcessedEvent
from bot.slack.ids import Action
from tests import slack_requests as sr
from tests.clock import advance_clock_to
from tests.db_faults import refusing_inserts
from tests.harness import Tandem
from tests.hiring_flow import dms_to, press, start_role
from tests.kickoff_flow import HM, RECRUITER, add_people, only_role
from tests.modals import opened_view, submit


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def one_error_line(logs: pytest.LogCaptureFixture) -> str:
    """Tandem logged the failure as exactly one ERROR line, and nothing logged a traceback.

    (slack_sdk adds a line of its own for each connection attempt that failed.)
    """
    errors = [
        r for r in logs.records if r.levelno >= logging.ERROR and r.name.split(".")[0] == "bot"
    ]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert all(r.exc_info is None for r in logs.records if r.levelno >= logging.INFO)
    assert "Traceback" not in logs.text
    return errors[0].getMessage()


def test_button_that_fails_after_ack_tells_the_person_privately(
    tandem: Tandem, logs: pytest.LogCaptureFixture
) -> None:
    role_id = start_role(tandem)
    logs.clear()
    # *Edit brief* opens its modal after the ack; Slack refuses that views.open. (The brief's
    # own update after *Agree* is an outbox row now: a refusal there no longer fails the
    # listener, the outbox retries it.)
    tandem.standin.fail("views.open", error="internal_error")

    said = press(tandem, HM, Action.EDIT, str(role_id))

    assert said == FAILED_AFTER_ACK
    answer = tandem.standin.last("response_url").params
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    line = one_error_line(logs)
    assert "block_actions" in line and HM in line and "internal_error" in line


def test_a_modal_whose_message_cannot_be_sent_yet_is_saved_and_sent_later(
    tandem: Tandem, logs: pytest.LogCaptureFixture
) -> None:
    """The note in the brief's thread used to be posted after the ack, so a dropped
    connection failed the request after it was answered (and the person was told in a DM).
    It is an outbox row now, committed with the candidate: nothing fails after the ack, and
    the deliverer posts the note once the network is back."""
    role_id = start_role(tandem)
    press(tandem, RECRUITER, Action.ADD_CANDIDATE, str(role_id))
    view = opened_view(tandem)
    logs.clear()
    tandem.standin.drop("chat.postMessage", times=3)

    reply = submit(tandem, view, user=RECRUITER, changes={"candidate_name": "Jane Doe"})

    assert reply.status == 200 and reply.body == ""
    assert FAILED_AFTER_ACK not in [dm["text"] for dm in dms_to(tandem, RECRUITER)]
    for _ in range(4):
        advance_clock_to(datetime.now(UTC) + timedelta(minutes=2))
        tandem.deliver()
    channel = only_role(tandem).channel_id
    assert len([m for m in tandem.standin.posted(channel) if "New candidate" in m["text"]]) == 1


def test_command_that_fails_after_ack_tells_the_person(
    tandem: Tandem, logs: pytest.LogCaptureFixture
) -> None:
    add_people(tandem.standin)
    tandem.standin.fail("views.open", error="internal_error")

    reply = tandem.command("/kickoff", "Staff Data Engineer", user=RECRUITER)

    assert reply.status == 200
    assert tandem.standin.last("response_url").params["text"] == FAILED_AFTER_ACK
    assert "/kickoff" in one_error_line(logs)


def test_expired_trigger_says_to_press_again(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    tandem.standin.fail("views.open", error="expired_trigger_id")
    assert press(tandem, RECRUITER, Action.ADD_CANDIDATE, str(role_id)) == TRIGGER_EXPIRED


# -- Events: acknowledged at once, a failure kept for the retry-events job --------------------


def _home_opened() -> dict[str, object]:
    return {"type": "app_home_opened", "user": HM, "channel": "D0HOME", "tab": "home"}


def test_event_whose_handling_fails_is_answered_200_and_kept(
    tandem: Tandem, logs: pytest.LogCaptureFixture
) -> None:
    with refusing_inserts(tandem.database, "outbox"):
        first = tandem.event(_home_opened(), event_id="Ev0FAILSONCE")
    # Never a 500 to Slack: the delivery is kept and retried by Tandem itself.
    assert first.status == 200
    assert "app_home_opened" in one_error_line(logs)
    with tandem.database.sessions() as session:
        row = session.get(ProcessedEvent, "Ev0FAILSONCE")
        assert row is not None and row.retry_at is not None and row.completed_at is None


def test_slow_event_is_acknowledged_before_its_work_finishes(tandem: Tandem) -> None:
    tandem.standin.delay("views.publish", 6, times=1)
    body = sr.event_envelope(_home_opened(), event_id="Ev0SLOW")

    started = time.monotonic()
    reply = tandem.post_signed(body, "application/json", wait=False)
    answered_after = time.monotonic() - started

    assert reply.status == 200
    assert answered_after < 3.0  # Slack's deadline; publishing the tab takes 6 s
    tandem.executor.wait_idle()
    tandem.deliver()
    [publish] = tandem.standin.calls_to("views.publish")
    assert publish.params["view"]["type"] == "home"
