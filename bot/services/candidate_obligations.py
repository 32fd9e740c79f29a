"""One open candidate update (and one open résumé review) per candidate.

A recruiter owes a candidate *one* update after their latest interview, not one per
interview: two "update the candidate" commitments for one person made two identical nudge
ladders and two identical channel escalations. So a later interview *replaces* the
candidate's still-open update: the same obligation moves to the new interview — its due time
becomes the new one's and its unsent rungs are planned again from there (a rung already sent
is not sent again) — and the timeline records the move. An interview that ends earlier than
the one the update follows (logged after the fact) is covered by it and changes nothing.
Résumé reviews are keyed by candidate, so one candidate never has two.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Interview, Obligation, ObligationKind, Role
from bot.services import obligations as obligation_service
from bot.services import timeline
from bot.services.obligations import calendar_for
from bot.services.timeline import Event
from bot.services.working_time import due_after

# Kinds of which a candidate has at most one open obligation.
ONE_PER_CANDIDATE = (ObligationKind.CANDIDATE_UPDATE, ObligationKind.RESUME_REVIEW)


def update_key(candidate_id: int, interview_id: int) -> str:
    return f"candidate:{candidate_id}:interview:{interview_id}"


def _update_due(session: Session, role: Role, interview: Interview, days: int) -> datetime:
    calendar = calendar_for(session, role.team_id, role.recruiter_id)
    return due_after(interview.ends_at, 24 * days, calendar)


def _open_update(session: Session, role: Role, candidate_id: int) -> Obligation | None:
    found = obligation_service.open_for(
        session,
        team_id=role.team_id,
        kind=ObligationKind.CANDIDATE_UPDATE,
        candidate_id=candidate_id,
    )
    # Never more than one since this rule (the migration merged older duplicates); if there
    # ever were, the one due last is the one that stands.
    return max(found, key=lambda o: (o.due_at, o.id)) if found else None


def _move(
    session: Session,
    role: Role,
    obligation: Obligation,
    interview: Interview,
    due_at: datetime,
    *,
    actor_id: str | None,
    now: datetime,
) -> None:
    """Make ``obligation`` follow ``interview``: due from its end, ladder planned again."""
    previous_interview, previous_due = obligation.interview_id, obligation.due_at
    obligation.interview_id = interview.id
    obligation.subject_key = update_key(interview.candidate_id, interview.id)
    obligation_service.reschedule(session, obligation, starts_at=interview.ends_at, due_at=due_at)
    if previous_interview != interview.id:
        timeline.record(
            session,
            role,
            Event.OBLIGATION_REPLACED,
            at=now,
            actor_id=actor_id,
            obligation_id=obligation.id,
            obligation_kind=obligation.kind,
            owner_id=obligation.owner_id,
            candidate_id=interview.candidate_id,
            from_interview_id=previous_interview,
            to_interview_id=interview.id,
            previous_due_at=previous_due.isoformat(),
            due_at=due_at.isoformat(),
        )


def open_candidate_update(
    session: Session,
    role: Role,
    interview: Interview,
    days: int,
    *,
    actor_id: str | None,
    now: datetime,
) -> Obligation:
    """The recruiter's update of the interview's candidate, due ``days`` working days after
    the interview ends: the candidate's open update moved here if this interview ends later,
    kept as it is if it ends earlier, or a new one when none is open."""
    due_at = _update_due(session, role, interview, days)
    current = _open_update(session, role, interview.candidate_id)
    if current is None:
        return obligation_service.open_obligation(
            session,
            role=role,
            kind=ObligationKind.CANDIDATE_UPDATE,
            subject_key=update_key(interview.candidate_id, interview.id),
            owner_id=role.recruiter_id,
            starts_at=interview.ends_at,
            due_at=due_at,
            now=now,
            interview_id=interview.id,
            candidate_id=interview.candidate_id,
        )
    if due_at > current.due_at:
        _move(session, role, current, interview, due_at, actor_id=actor_id, now=now)
    return current


def follow_rescheduled_interview(
    session: Session,
    role: Role,
    interview: Interview,
    days: int,
    *,
    actor_id: str | None,
    now: datetime,
) -> None:
    """An interview moved: the open update it carries is due from its new end; one carried by
    another interview of the candidate moves here if this one now ends later."""
    current = _open_update(session, role, interview.candidate_id)
    if current is None:
        return
    due_at = _update_due(session, role, interview, days)
    if current.interview_id == interview.id:
        obligation_service.reschedule(session, current, starts_at=interview.ends_at, due_at=due_at)
    elif due_at > current.due_at:
        _move(session, role, current, interview, due_at, actor_id=actor_id, now=now)


def hand_over_on_cancel(
    session: Session,
    role: Role,
    interview: Interview,
    days: int,
    *,
    actor_id: str | None,
    now: datetime,
) -> None:
    """Before ``interview`` is cancelled: an open update it carries moves to the candidate's
    latest other live interview logged while that update was open (one it stood in for), so
    cancelling one interview does not drop the update the others still need."""
    current = _open_update(session, role, interview.candidate_id)
    if current is None or current.interview_id != interview.id:
        return
    covered = session.scalars(
        select(Interview)
        .where(
            Interview.team_id == role.team_id,
            Interview.candidate_id == interview.candidate_id,
            Interview.id != interview.id,
            Interview.cancelled_at.is_(None),
            Interview.created_at >= current.created_at,
        )
        .order_by(Interview.ends_at.desc(), Interview.id.desc())
        .limit(1)
    ).first()
    if covered is not None:
        due_at = _update_due(session, role, covered, days)
        _move(session, role, current, covered, due_at, actor_id=actor_id, now=now)
