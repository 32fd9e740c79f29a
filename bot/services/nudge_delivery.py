"""Queueing nudges: the DM (or digest) to a person, and escalations in the role's channel.

Exactly once: each nudge is claimed, its message written to the outbox and the nudge marked
sent in one transaction, so a crash anywhere leaves either all of it or none; the outbox
then delivers the message effectively once (``bot.delivery``) and records Slack's ts on the
nudges it carried (the ``on_sent`` hooks below).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
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
    OutboxMessage,
    Role,
    Workspace,
)
from bot.services import attention, outbox, timeline
from bot.services import nudges as nudge_service
from bot.services import roles as role_service
from bot.services.brief import turnaround_text, working_days
from bot.services.candidates import candidate_count, label
from bot.services.interviews import KINDS
from bot.services.obligations import calendar_for
from bot.services.people import UserFetcher, get_person, refresh_people
from bot.services.timeline import Event

STATUS_MAX_AGE = timedelta(hours=1)
DM_KIND = "nudge-dm"
ESCALATION_KIND = "escalation"


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
    """What a nudge's message says about its obligation."""
    obligation = session.get(Obligation, nudge.obligation_id)
    assert obligation is not None
    return obligation_item(
        session, obligation, nudge_id=nudge.id, kind=NudgeKind(nudge.kind), in_channel=in_channel
    )


def obligation_item(
    session: Session, obligation: Obligation, *, nudge_id: int, kind: NudgeKind, in_channel: bool
) -> NudgeItem:
    """An obligation as a message item: the candidate, role and interview (kind and day) it
    is about, so two items never read the same."""
    role = session.get(Role, obligation.role_id)
    assert role is not None
    full_names = bool(
        session.scalar(
            select(Workspace.full_names_in_channels).where(Workspace.team_id == role.team_id)
        )
    )
    candidate = session.get(Candidate, obligation.candidate_id) if obligation.candidate_id else None
    interview = session.get(Interview, obligation.interview_id) if obligation.interview_id else None
    return NudgeItem(
        nudge_id=nudge_id,
        obligation_id=obligation.id,
        nudge_kind=kind,
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


def _record_queued(session: Session, nudges: list[Nudge], *, outbox_id: int, now: datetime) -> None:
    nudge_service.mark_sent(session, [n.id for n in nudges], outbox_id=outbox_id, now=now)
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


@outbox.on_sent(DM_KIND)
@outbox.on_sent(ESCALATION_KIND)
def _store_message(session: Session, row: OutboxMessage) -> None:
    """Slack accepted the message: keep its channel and ts on the nudges it carried."""
    session.execute(
        update(Nudge)
        .where(Nudge.outbox_id == row.id)
        .values(message_channel=row.result_channel, message_ts=row.result_ts)
        .execution_options(synchronize_session=False)
    )


def queue_dm(
    sessions: SessionFactory,
    *,
    team_id: str,
    recipient_id: str,
    fetch: UserFetcher,
    now: datetime,
) -> int:
    """Queue the recipient's due DMs as one message; returns how many nudges it carries."""
    with sessions.begin() as session:
        refresh_people(
            session,
            team_id=team_id,
            user_ids=[recipient_id],
            fetch=fetch,
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
        text, blocks = nudge_dm(items, more=prepared.more)
        roles = {n.role_id for n in prepared.nudges}
        row = outbox.enqueue(
            session,
            team_id=team_id,
            kind=DM_KIND,
            method=outbox.POST,
            channel=recipient_id,
            payload={"text": text, "blocks": blocks},
            role_id=roles.pop() if len(roles) == 1 else None,
            now=now,
        )
        _record_queued(session, prepared.nudges, outbox_id=row.id, now=now)
        return len(prepared.nudges)


def queue_escalations(
    sessions: SessionFactory, *, team_id: str, role_id: int, now: datetime
) -> int:
    """Queue the role's due escalations as one post in its channel (at most one a working
    day, at the start of the HM's); returns how many items it lists."""
    with sessions.begin() as session:
        role = session.get(Role, role_id)
        if role is None:
            return 0
        calendar = calendar_for(session, team_id, role.hiring_manager_id)
        morning = attention.escalation_morning(now, calendar)
        posted_today = morning is not None and _posted_since(session, role, morning)
        claimed = nudge_service.prepare_escalations(
            session,
            team_id=team_id,
            role_id=role_id,
            hm_calendar=calendar,
            posted_since=morning if posted_today else None,
            now=now,
        )
        if not claimed:
            return 0
        if role.channel_id is None:
            # No channel yet (the brief was never posted): try again on a later tick.
            nudge_service.release(session, nudge_service.Prepared(claimed))
            return 0
        items = [build_item(session, n, in_channel=True) for n in claimed]
        text, blocks = escalation_message(items)
        row = outbox.enqueue(
            session,
            team_id=team_id,
            kind=ESCALATION_KIND,
            method=outbox.POST,
            channel=role.channel_id,
            payload={"text": text, "blocks": blocks},
            role_id=role_id,
            now=now,
            unique_within=outbox.A_DAY,
        )
        _record_queued(session, claimed, outbox_id=row.id, now=now)
        return len(claimed)


def _posted_since(session: Session, role: Role, since: datetime) -> bool:
    """Whether the role's escalation post of the day is already queued."""
    found = session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.team_id == role.team_id,
            OutboxMessage.role_id == role.id,
            OutboxMessage.kind == ESCALATION_KIND,
            OutboxMessage.created_at >= since,
        )
        .limit(1)
    )
    return found is not None
