"""Nudges go through the outbox: each rung is queued with its claim, delivered effectively
once whatever the fault, and an escalation Slack refuses is parked and told to the
recruiter once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models import OutboxMessage, OutboxState
from bot.sandbox.slack_standin import BOT_USER_ID
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, log_interview, nudges, run_jobs, start_role
from tests.kickoff_flow import HM, RECRUITER, only_role
from tests.outbox_flow import carried
from tests.test_nudge_ladder import INTERVIEWER, MONDAY, at


@pytest.fixture
def interview(tandem: Tandem) -> int:
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    role_id = start_role(tandem)
    candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
    log_interview(
        tandem,
        role_id,
        candidate,
        user=HM,
        day=MONDAY,
        start="09:00",
        end="10:00",
        interviewers=[INTERVIEWER],
    )
    return role_id


def _outbox(tandem: Tandem, kind: str) -> list[OutboxMessage]:
    with tandem.database.sessions() as session:
        return list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


def test_a_nudge_dm_whose_answer_was_lost_is_in_the_dm_once(tandem: Tandem, interview: int) -> None:
    tandem.standin.drop("chat.postMessage", after_processing=True, channel=INTERVIEWER)
    run_jobs(tandem, at(0, 10))  # the DM lands, its answer is lost: in doubt
    assert len(tandem.standin.posted(INTERVIEWER)) == 1
    run_jobs(tandem, at(0, 11))  # found in the DM's history: not posted again
    [dm] = tandem.standin.posted(INTERVIEWER)
    [row] = _outbox(tandem, "nudge-dm")
    assert row.state == OutboxState.SENT and carried(dm) == row.id
    [request] = [n for n in nudges(tandem) if n.recipient_id == INTERVIEWER and n.sent_at]
    assert request.outbox_id == row.id and request.message_ts == dm["ts"]


def test_an_escalation_into_a_channel_tandem_left_is_parked_and_told_once(
    tandem: Tandem, interview: int
) -> None:
    for moment in (at(0, 10), at(1, 15), at(2, 10)):
        run_jobs(tandem, moment)
    channel = only_role(tandem).channel_id
    assert channel is not None
    tandem.standin.channels[channel].members.discard(BOT_USER_ID)
    run_jobs(tandem, at(4, 9))  # the escalation goes at the start of the HM's day
    run_jobs(tandem, at(4, 10))

    [escalation] = _outbox(tandem, "escalation")
    assert escalation.state == OutboxState.FAILED and escalation.last_error == "not_in_channel"
    [told] = _outbox(tandem, "delivery-problem")
    assert told.state == OutboxState.SENT and told.channel == RECRUITER
    [dm] = [m for m in tandem.standin.posted(RECRUITER) if carried(m) == told.id]
    assert f"<#{channel}>" in dm["text"] and f"tandem outbox retry {escalation.id}" in dm["text"]
    rung = next(
        n for n in nudges(tandem) if n.kind == "escalation" and n.recipient_id == INTERVIEWER
    )
    assert rung.sent_at is not None and rung.message_ts is None  # queued, never accepted
