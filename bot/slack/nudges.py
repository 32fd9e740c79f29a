"""Sending nudges: the DM (or digest) to a person, and escalations in the role's channel.

Exactly once in practice: each nudge is claimed in the database before the Slack call and
marked sent after it; a failed call releases the claim so the next tick retries it, and a
claim abandoned by a crash is taken over after ``STALE_CLAIM``. Only a process dying between
Slack's answer and our commit could repeat a message (at-least-once in that window).
"""

from __future__ import annotations

import logging
import time as clock_time
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.nudges import NudgeItem, escalation_message, nudge_dm
from bot.db import SessionFactory
from bot.models import (
    Candidate,
    Commitment,
    Interview,
    Nudge,
    NudgeKind,
    Obligation,
    ObligationKind,
    Role,
    Workspace,
)
from bot.services import nudges as nudge_service
from bot.services import roles as role_service
from bot.services import timeline
from bot.services.brief import turnaround_text, working_days
from bot.services.candidates import candidate_count, label
from bot.services.interviews import KINDS
from bot.services.obligations import calendar_for
from bot.services.people import get_person, refresh_people
from bot.services.timeline import Event
from bot.slack.lookups import user_fetcher

logger = logging.getLogger(__name__)

STATUS_MAX_AGE = timedelta(hours=1)
CHANNEL_PACE_SECONDS = 1.0


def _terms(session: Session, obligation: Obligation, role: Role) -> str:
    if obligation.kind == ObligationKind.FIRST_SLATE and obligation.commitment_id:
        commitment = session.get(Commitment, obligation.commitment_id)
        count = candidate_count(session, role.id)
        wanted = commitment.terms.get("candidates") if commitment else "?"
        return f"{wanted} candidates; {count} added so far"
    contract = role_service.current_brief(session, role).contract
    if obligation.kind == ObligationKind.FEEDBACK:
        return turnaround_text(contract.feedback_turnaround_hours)
    if obligation.kind == ObligationKind.RESUME_REVIEW:
        return f"résumé review within {working_days(contract.resume_review_days)}"
    return f"candidate updates within {working_days(contract.candidate_update_days)}"


def build_item(session: Session, nudge: Nudge, *, in_channel: bool) -> NudgeItem:
    obligation = session.get(Obligation, nudge.obligation_id)
    role = session.get(Role, nudge.role_id)
    assert obligation is not None and role is not None
    full_names = bool(
        session.scalar(
            select(Workspace.full_names_in_channels).where(Workspace.team_id == role.team_id)
        )
    )
    candidate = session.get(Candidate, obligation.candidate_id) if obligation.candidate_id else None
    interview = session.get(Interview, obligation.interview_id) if obligation.interview_id else None
    return NudgeItem(
        nudge_id=nudge.id,
        obligation_id=obligation.id,
        nudge_kind=NudgeKind(nudge.kind),
        obligation_kind=ObligationKind(obligation.kind),
        role_id=role.id,
        role_title=role.title,
        channel_id=role.channel_id,
        owner_id=obligation.owner_id,
        hiring_manager_id=role.hiring_manager_id,
        due_at=obligation.due_at,
        candidate=label(candidate, full_names=full_names or not in_channel) if candidate else None,
        interview=KINDS.get(interview.kind, interview.kind) if interview else None,
        interview_ended_at=interview.ends_at if interview else None,
        terms=_terms(session, obligation, role),
    )


def _record_sent(
    session: Session, nudges: list[Nudge], *, channel: str, ts: str, now: datetime
) -> None:
    nudge_service.mark_sent(session, [n.id for n in nudges], channel=channel, ts=ts, now=now)
    for nudge in nudges:
        role = session.get(Role, nudge.role_id)
        assert role is not None
        timeline.record(
            session,
            role,
            Event.NUDGE_SENT,
            at=now,
            nudge_id=nudge.id,
            nudge_kind=nudge.kind,
            recipient_id=nudge.recipient_id,
            obligation_id=nudge.obligation_id,
        )


def deliver_dm(
    client: WebClient, sessions: SessionFactory, *, team_id: str, recipient_id: str, now: datetime
) -> int:
    """Send the recipient's due DMs as one message; returns how many nudges it carried."""
    with sessions.begin() as session:
        refresh_people(
            session,
            team_id=team_id,
            user_ids=[recipient_id],
            fetch=user_fetcher(client),
            now=now,
            max_age=STATUS_MAX_AGE,
        )
    with sessions.begin() as session:
        prepared = nudge_service.prepare_dm(
            session,
            team_id=team_id,
            recipient_id=recipient_id,
            person=get_person(session, team_id, recipient_id),
            calendar=calendar_for(session, team_id, recipient_id),
            now=now,
        )
        items = [build_item(session, n, in_channel=False) for n in prepared.nudges]
    if not items:
        return 0
    text, blocks = nudge_dm(items)
    try:
        posted = client.chat_postMessage(channel=recipient_id, text=text, blocks=blocks)
    except SlackApiError as exc:
        logger.warning(
            "nudge DM to %s failed (%s); will retry", recipient_id, exc.response.get("error")
        )
        with sessions.begin() as session:
            nudge_service.release(session, prepared)
        return 0
    with sessions.begin() as session:
        _record_sent(session, prepared.nudges, channel=posted["channel"], ts=posted["ts"], now=now)
    return len(prepared.nudges)


def deliver_escalations(
    client: WebClient,
    sessions: SessionFactory,
    *,
    team_id: str,
    owner_id: str,
    now: datetime,
    last_post: dict[str, float],
) -> int:
    with sessions.begin() as session:
        claimed = nudge_service.prepare_escalations(
            session,
            team_id=team_id,
            owner_id=owner_id,
            calendar=calendar_for(session, team_id, owner_id),
            now=now,
        )
        items = [build_item(session, n, in_channel=True) for n in claimed]
    sent = 0
    for nudge, item in zip(claimed, items, strict=True):
        if item.channel_id is None:
            with sessions.begin() as session:
                nudge_service.release(session, nudge_service.Prepared([nudge]))
            continue
        # chat.postMessage allows about one message per second per channel.
        wait = last_post.get(item.channel_id, 0) + CHANNEL_PACE_SECONDS - clock_time.monotonic()
        if wait > 0:
            clock_time.sleep(wait)
        text, blocks = escalation_message(item)
        try:
            posted = client.chat_postMessage(channel=item.channel_id, text=text, blocks=blocks)
        except SlackApiError as exc:
            logger.warning(
                "escalation in %s failed (%s); will retry",
                item.channel_id,
                exc.response.get("error"),
            )
            with sessions.begin() as session:
                nudge_service.release(session, nudge_service.Prepared([nudge]))
            continue
        last_post[item.channel_id] = clock_time.monotonic()
        with sessions.begin() as session:
            _record_sent(session, [nudge], channel=posted["channel"], ts=posted["ts"], now=now)
        sent += 1
    return sent
