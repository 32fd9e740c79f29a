"""Drive candidates, interviews, feedback and the scheduler through the app."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.models import Candidate, Interview, Nudge, Obligation
from bot.runtime import job_context
from bot.scheduler.runner import run_all_once
from bot.slack.ids import Action
from tests import slack_requests as sr
from tests.clock import advance_clock_to
from tests.harness import Reply, Tandem
from tests.kickoff_flow import Kickoff, add_people, only_role
from tests.modals import opened_view, submit


def start_role(tandem: Tandem, **complete: Any) -> int:
    add_people(tandem.standin)
    Kickoff(tandem).start().complete(**complete)
    return only_role(tandem).id


def press(
    tandem: Tandem,
    user: str,
    action: str,
    value: str,
    *,
    channel_id: str = "C0X",
    message: dict[str, Any] | None = None,
    message_ts: str = "1.1",
    team_id: str = sr.TEAM_ID,
) -> str | None:
    """Press a button; returns the ephemeral answer (if any) sent to the response_url."""
    before = len(tandem.standin.calls_to("response_url"))
    payload = sr.block_action_payload(
        user_id=user,
        action_id=action,
        value=value,
        channel_id=channel_id,
        message_ts=(message or {}).get("ts", message_ts),
        response_url=tandem.standin.response_url(action),
        team_id=team_id,
    )
    if message is not None:
        payload["message"] = message
    assert tandem.interact(payload).status == 200
    answers = tandem.standin.calls_to("response_url")[before:]
    return answers[-1].params.get("text") if answers else None


def add_candidate(
    tandem: Tandem,
    role_id: int,
    name: str,
    user: str,
    *,
    team_id: str = sr.TEAM_ID,
    **changes: Any,
) -> int:
    assert press(tandem, user, Action.ADD_CANDIDATE, str(role_id), team_id=team_id) is None
    reply = submit(
        tandem,
        opened_view(tandem),
        user=user,
        changes={"candidate_name": name, **changes},
        team_id=team_id,
    )
    assert reply.body == "", reply.body
    with tandem.database.sessions() as session:
        return session.scalars(select(Candidate.id).where(Candidate.name == name)).one()


def log_interview(
    tandem: Tandem,
    role_id: int,
    candidate_id: int,
    *,
    user: str,
    day: date,
    start: str,
    end: str,
    interviewers: list[str],
    kind: str = "technical",
    team_id: str = sr.TEAM_ID,
) -> Reply:
    assert press(tandem, user, Action.LOG_INTERVIEW, str(role_id), team_id=team_id) is None
    return submit(
        tandem,
        opened_view(tandem),
        user=user,
        team_id=team_id,
        changes={
            "candidate": str(candidate_id),
            "interview_kind": kind,
            "interview_day": day.isoformat(),
            "interview_start": start,
            "interview_end": end,
            "interviewers": interviewers,
        },
    )


def only_interview(tandem: Tandem) -> Interview:
    with tandem.database.sessions() as session:
        return session.scalars(select(Interview)).one()


def run_jobs(tandem: Tandem, at: datetime) -> dict[str, int]:
    """A scheduler tick at ``at``; the test's clock moves there first (never back), and a
    job that fails fails the test."""
    advance_clock_to(at)
    return run_all_once(job_context(tandem.settings, tandem.database), at, raise_on_failure=True)


def feedback_obligation(tandem: Tandem, interviewer: str) -> Obligation:
    with tandem.database.sessions() as session:
        return session.scalars(
            select(Obligation).where(
                Obligation.kind == "feedback", Obligation.owner_id == interviewer
            )
        ).one()


def nudges(tandem: Tandem) -> list[Nudge]:
    with tandem.database.sessions() as session:
        return list(session.scalars(select(Nudge).order_by(Nudge.id)))


def dms_to(tandem: Tandem, user: str) -> list[dict[str, Any]]:
    return [
        c.params
        for c in tandem.standin.calls_to("chat.postMessage")
        if c.params.get("channel") == user
    ]


def next_weekday(weekday: int, *, after: date | None = None, weeks_ahead: int = 1) -> date:
    """The given weekday (0 = Monday) at least ``weeks_ahead`` weeks from today."""
    start = (after or datetime.now(UTC).date()) + timedelta(days=7 * weeks_ahead)
    return start + timedelta(days=(weekday - start.weekday()) % 7)
