"""Obligations (what someone owes by when) and the nudge ladder planned for each.

The ladder of every obligation: (1) a request when it starts — the *Submit feedback* DM at
the interview's end, or "new candidate to review"; (2) a reminder ``REMINDER_LEAD`` working
hours before it is due; (3) an overdue DM at the due time; (4) one working day later an
escalation in the role's shared channel. Times are counted in the owner's calendar.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import (
    Commitment,
    CommitmentKind,
    CommitmentState,
    Mute,
    Nudge,
    NudgeKind,
    Obligation,
    ObligationKind,
    Role,
    RoleStatus,
)
from bot.services import timeline
from bot.services.candidates import candidate_count
from bot.services.timeline import Event
from bot.services.work_settings import calendar_of
from bot.services.working_time import WorkCalendar, add_working_hours, before_in_working_hours

REMINDER_LEAD_HOURS = 4
ESCALATION_AFTER_HOURS = 24
# Kinds whose ladder opens with a request message (the others' owners already know).
WITH_REQUEST = {ObligationKind.FEEDBACK, ObligationKind.RESUME_REVIEW}


def calendar_for(session: Session, team_id: str, user_id: str) -> WorkCalendar:
    """The person's working calendar: their Slack time zone, the workspace's holidays, and
    their own working hours and days (``/tandem quiet``, else the workspace default)."""
    return calendar_of(session, team_id, user_id)


def ladder(
    obligation: Obligation, calendar: WorkCalendar
) -> list[tuple[NudgeKind, datetime, bool]]:
    """``(kind, when, essential)`` of each rung; reminders are the only non-essential rung."""
    rungs: list[tuple[NudgeKind, datetime, bool]] = []
    if obligation.kind in WITH_REQUEST:
        rungs.append((NudgeKind.REQUEST, obligation.starts_at, True))
    reminder = before_in_working_hours(obligation.due_at, REMINDER_LEAD_HOURS, calendar)
    if reminder > obligation.starts_at:
        rungs.append((NudgeKind.REMINDER, reminder, False))
    rungs.append((NudgeKind.OVERDUE, obligation.due_at, True))
    escalation = add_working_hours(obligation.due_at, ESCALATION_AFTER_HOURS, calendar)
    rungs.append((NudgeKind.ESCALATION, escalation, True))
    return rungs


def _send_after(obligation: Obligation, kind: NudgeKind, when: datetime) -> datetime:
    """A snoozed owner's DMs wait for the snooze to end; the channel escalation never does."""
    if kind == NudgeKind.ESCALATION or obligation.snoozed_until is None:
        return when
    return max(when, obligation.snoozed_until)


def plan_nudges(session: Session, obligation: Obligation, calendar: WorkCalendar) -> list[Nudge]:
    """Insert the rungs not planned yet (rungs already sent are never planned again)."""
    existing = set(session.scalars(select(Nudge.kind).where(Nudge.obligation_id == obligation.id)))
    nudges = [
        Nudge(
            team_id=obligation.team_id,
            role_id=obligation.role_id,
            obligation_id=obligation.id,
            kind=kind,
            recipient_id=obligation.owner_id,
            essential=essential,
            scheduled_for=when,
            send_after=_send_after(obligation, kind, when),
        )
        for kind, when, essential in ladder(obligation, calendar)
        if kind not in existing
    ]
    session.add_all(nudges)
    return nudges


def open_obligation(
    session: Session,
    *,
    role: Role,
    kind: ObligationKind,
    subject_key: str,
    owner_id: str,
    starts_at: datetime,
    due_at: datetime,
    now: datetime,
    interview_id: int | None = None,
    candidate_id: int | None = None,
    commitment_id: int | None = None,
) -> Obligation:
    """Create an obligation and plan its ladder; an existing one with the key is returned."""
    existing = session.scalar(
        select(Obligation).where(
            Obligation.team_id == role.team_id,
            Obligation.kind == kind,
            Obligation.subject_key == subject_key,
        )
    )
    if existing is not None:
        return existing
    obligation = Obligation(
        team_id=role.team_id,
        role_id=role.id,
        kind=kind,
        subject_key=subject_key,
        owner_id=owner_id,
        interview_id=interview_id,
        candidate_id=candidate_id,
        commitment_id=commitment_id,
        starts_at=starts_at,
        due_at=due_at,
        created_at=now,
    )
    if role.status != RoleStatus.OPEN:
        # A closed or held role owes nothing (e.g. feedback given after the close starts a
        # candidate update): the obligation is kept for the record, dropped and never nudged.
        obligation.cancelled_at = now
        session.add(obligation)
        session.flush()
        return obligation
    session.add(obligation)
    session.flush()
    plan_nudges(session, obligation, calendar_for(session, role.team_id, owner_id))
    return obligation


def _cancel_pending_nudges(
    session: Session, obligation_ids: list[int], now: datetime, reason: str
) -> None:
    if not obligation_ids:
        return
    session.execute(
        update(Nudge)
        .where(
            Nudge.obligation_id.in_(obligation_ids),
            Nudge.sent_at.is_(None),
            Nudge.cancelled_at.is_(None),
        )
        .values(cancelled_at=now, cancel_reason=reason)
        .execution_options(synchronize_session=False)
    )


def resolve(
    session: Session, obligation: Obligation, *, now: datetime, actor_id: str | None
) -> bool:
    """Mark an obligation met; its unsent nudges are dropped. False if it was not open."""
    if not obligation.is_open:
        return False
    obligation.resolved_at = now
    _cancel_pending_nudges(session, [obligation.id], now, "resolved")
    role = session.get(Role, obligation.role_id)
    assert role is not None
    timeline.record(
        session,
        role,
        Event.OBLIGATION_MET,
        at=now,
        actor_id=actor_id,
        obligation_id=obligation.id,
        obligation_kind=obligation.kind,
        owner_id=obligation.owner_id,
        on_time=now <= obligation.due_at,
    )
    return True


def cancel(session: Session, obligations: list[Obligation], *, now: datetime) -> None:
    for obligation in obligations:
        if obligation.is_open:
            obligation.cancelled_at = now
    _cancel_pending_nudges(session, [o.id for o in obligations], now, "cancelled")


def reschedule(
    session: Session, obligation: Obligation, *, starts_at: datetime, due_at: datetime
) -> None:
    """Move an obligation; its unsent, unclaimed rungs are planned again from the new times."""
    obligation.starts_at = starts_at
    obligation.due_at = due_at
    session.execute(
        Nudge.__table__.delete().where(
            Nudge.obligation_id == obligation.id,
            Nudge.sent_at.is_(None),
            Nudge.claimed_at.is_(None),
        )
    )
    plan_nudges(session, obligation, calendar_for(session, obligation.team_id, obligation.owner_id))


def open_for(session: Session, *, team_id: str, **filters: object) -> list[Obligation]:
    query = select(Obligation).where(
        Obligation.team_id == team_id,
        Obligation.resolved_at.is_(None),
        Obligation.cancelled_at.is_(None),
    )
    for column, value in filters.items():
        query = query.where(getattr(Obligation, column) == value)
    return list(session.scalars(query.order_by(Obligation.id)))


def get_obligation(session: Session, *, team_id: str, obligation_id: int) -> Obligation | None:
    obligation = session.get(Obligation, obligation_id)
    return obligation if obligation is not None and obligation.team_id == team_id else None


# -- contract commitments ---------------------------------------------------------------------


def sync_commitment_obligations(session: Session, role: Role, *, now: datetime) -> None:
    """Keep the dated commitments (the first slate) backed by an open obligation.

    Called after a kickoff or revision: a superseded commitment's obligation is cancelled and
    the current one gets its own.
    """
    commitments = list(
        session.scalars(
            select(Commitment).where(
                Commitment.role_id == role.id, Commitment.kind == CommitmentKind.FIRST_SLATE
            )
        )
    )
    for commitment in commitments:
        key = f"commitment:{commitment.id}"
        if commitment.state == CommitmentState.SUPERSEDED:
            cancel(session, open_for(session, team_id=role.team_id, subject_key=key), now=now)
        elif commitment.state == CommitmentState.OPEN and commitment.due_at is not None:
            open_obligation(
                session,
                role=role,
                kind=ObligationKind.FIRST_SLATE,
                subject_key=key,
                owner_id=commitment.owner_id,
                starts_at=now,
                due_at=commitment.due_at,
                now=now,
                commitment_id=commitment.id,
            )


def check_first_slate(session: Session, role: Role, *, now: datetime, actor_id: str) -> None:
    """The first slate is met once the role has as many candidates as it promised."""
    for obligation in open_for(
        session, team_id=role.team_id, role_id=role.id, kind=ObligationKind.FIRST_SLATE
    ):
        commitment = session.get(Commitment, obligation.commitment_id)
        if commitment is None:
            continue
        if candidate_count(session, role.id) >= int(commitment.terms.get("candidates", 0)):
            resolve(session, obligation, now=now, actor_id=actor_id)
            commitment.state = (
                CommitmentState.MET if now <= obligation.due_at else CommitmentState.MISSED
            )


def has_obligation(session: Session, *, role: Role, user_id: str) -> bool:
    """Whether the role ever asked ``user_id`` for something (open or not)."""
    return (
        session.scalar(
            select(Obligation.id)
            .where(
                Obligation.team_id == role.team_id,
                Obligation.role_id == role.id,
                Obligation.owner_id == user_id,
            )
            .limit(1)
        )
        is not None
    )


def is_muted(session: Session, *, team_id: str, role_id: int, user_id: str) -> bool:
    return (
        session.scalar(
            select(Mute.id).where(
                Mute.team_id == team_id, Mute.role_id == role_id, Mute.user_id == user_id
            )
        )
        is not None
    )


def mute(session: Session, *, team_id: str, role_id: int, user_id: str, now: datetime) -> bool:
    if is_muted(session, team_id=team_id, role_id=role_id, user_id=user_id):
        return False
    session.add(Mute(team_id=team_id, role_id=role_id, user_id=user_id, created_at=now))
    return True


def snooze(session: Session, obligation: Obligation, *, now: datetime) -> datetime:
    """Hold the owner's pending DMs about ``obligation`` for one working day.

    The due time does not move, and the channel escalation is not snoozed: snoozing quiets
    the reminders, it does not hide a late item from the other side. The snooze is kept on
    the obligation, so rungs planned again later (a rescheduled interview) wait for it too.
    """
    calendar = calendar_for(session, obligation.team_id, obligation.owner_id)
    until = add_working_hours(now, 24, calendar)
    obligation.snoozed_until = max(until, obligation.snoozed_until or until)
    session.execute(
        update(Nudge)
        .where(
            Nudge.obligation_id == obligation.id,
            Nudge.kind != NudgeKind.ESCALATION,
            Nudge.sent_at.is_(None),
            Nudge.cancelled_at.is_(None),
            Nudge.send_after < until,
        )
        .values(send_after=until)
        .execution_options(synchronize_session=False)
    )
    return until
