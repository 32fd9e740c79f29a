"""Interviews: logging, editing and cancelling them, and the obligations they create.

Logging an interview gives each interviewer a feedback obligation, due ``turnaround``
working hours after the interview ends in *their own* calendar (moved into their working
hours), and gives the recruiter a candidate-update obligation (the contract's "candidate
updates within N working days") — one open per candidate (``candidate_obligations``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import Candidate, Interview, Obligation, ObligationKind, OutboxMessage, Role
from bot.services import candidate_obligations, message_keys, outbox, timeline
from bot.services import obligations as obligation_service
from bot.services import roles as role_service
from bot.services.obligations import calendar_for
from bot.services.timeline import Event
from bot.services.working_time import WorkCalendar, due_after

KINDS = {
    "screen": "Phone screen",
    "hm": "Hiring-manager interview",
    "technical": "Technical interview",
    "case": "Case study",
    "panel": "Panel interview",
    "culture": "Values interview",
    "other": "Interview",
}


# The interview's note in the brief's thread (``message_keys.interview_note``), and its edits.
NOTE_KIND = "interview-note"
NOTE_UPDATE_KIND = "interview-note-update"


@outbox.on_sent(NOTE_KIND)
def _store_note_ts(session: Session, row: OutboxMessage) -> None:
    """Slack has the interview's note: keep its ts on the interview (registered here, with
    the interviews, so every process that delivers knows it)."""
    tail = (row.key or "").rsplit(":", 1)[-1]
    if not tail.isdigit() or row.key != message_keys.interview_note(int(tail)):
        return
    session.execute(
        update(Interview)
        .where(Interview.id == int(tail), Interview.team_id == row.team_id)
        .values(note_ts=row.result_ts)
        .execution_options(synchronize_session=False)
    )


class InterviewNotFound(Exception):
    """No such interview in this workspace."""


class InterviewCancelled(Exception):
    """The interview was cancelled: it can no longer be changed."""


@dataclass(frozen=True)
class InterviewTimes:
    """What the person typed: a day and two wall-clock times in their own time zone."""

    day: date
    start: time
    end: time

    def resolve(self, calendar: WorkCalendar) -> tuple[datetime, datetime]:
        return (
            calendar.aware(datetime.combine(self.day, self.start)),
            calendar.aware(datetime.combine(self.day, self.end)),
        )


def feedback_due_at(ends_at: datetime, turnaround_hours: int, calendar: WorkCalendar) -> datetime:
    """Feedback is due ``turnaround_hours`` working hours after the interview ends."""
    return due_after(ends_at, turnaround_hours, calendar)


def _feedback_key(interview_id: int, interviewer_id: str) -> str:
    return f"interview:{interview_id}:{interviewer_id}"


def _open_feedback(
    session: Session,
    role: Role,
    interview: Interview,
    interviewer_id: str,
    turnaround: int,
    now: datetime,
) -> Obligation:
    calendar = calendar_for(session, role.team_id, interviewer_id)
    return obligation_service.open_obligation(
        session,
        role=role,
        kind=ObligationKind.FEEDBACK,
        subject_key=_feedback_key(interview.id, interviewer_id),
        owner_id=interviewer_id,
        starts_at=interview.ends_at,
        due_at=feedback_due_at(interview.ends_at, turnaround, calendar),
        now=now,
        interview_id=interview.id,
        candidate_id=interview.candidate_id,
    )


def log_interview(
    session: Session,
    *,
    role: Role,
    candidate: Candidate,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    interviewers: list[str],
    logged_by: str,
    logger_tz: str,
    now: datetime,
) -> Interview:
    revision = role_service.current_revision(session, role)
    brief = role_service.current_brief(session, role)
    interview = Interview(
        team_id=role.team_id,
        role_id=role.id,
        candidate_id=candidate.id,
        revision_id=revision.id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        logged_by=logged_by,
        logger_tz=logger_tz,
        created_at=now,
    )
    session.add(interview)
    session.flush()
    for interviewer_id in dict.fromkeys(interviewers):
        _open_feedback(
            session, role, interview, interviewer_id, brief.contract.feedback_turnaround_hours, now
        )
    candidate_obligations.open_candidate_update(
        session,
        role,
        interview,
        brief.contract.candidate_update_days,
        actor_id=logged_by,
        now=now,
    )
    timeline.record(
        session,
        role,
        Event.INTERVIEW_LOGGED,
        at=now,
        actor_id=logged_by,
        interview_id=interview.id,
        candidate_id=candidate.id,
        interviewers=list(dict.fromkeys(interviewers)),
        ends_at=ends_at.isoformat(),
    )
    return interview


def interviewers_of(session: Session, interview: Interview) -> list[str]:
    return list(
        session.scalars(
            select(Obligation.owner_id)
            .where(
                Obligation.interview_id == interview.id, Obligation.kind == ObligationKind.FEEDBACK
            )
            .order_by(Obligation.id)
        )
    )


def reschedule_interview(
    session: Session,
    *,
    role: Role,
    interview: Interview,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    interviewers: list[str],
    actor_id: str,
    now: datetime,
) -> None:
    """Move an interview (and everyone's due times); add, drop or re-add interviewers.

    A cancelled interview stays cancelled (``InterviewCancelled``): an edit modal opened
    before the cancellation must not bring its feedback requests back. An interviewer who was
    dropped and is added again gets their own request back, due from the new end time; one
    who already submitted keeps their submission.
    """
    if interview.cancelled_at is not None:
        raise InterviewCancelled(str(interview.id))
    brief = role_service.current_brief(session, role)
    turnaround = brief.contract.feedback_turnaround_hours
    interview.kind = kind
    interview.starts_at, interview.ends_at = starts_at, ends_at
    wanted = list(dict.fromkeys(interviewers))
    current = {
        o.owner_id: o
        for o in session.scalars(
            select(Obligation).where(
                Obligation.interview_id == interview.id, Obligation.kind == ObligationKind.FEEDBACK
            )
        )
    }
    dropped = [o for owner, o in current.items() if owner not in wanted]
    obligation_service.cancel(session, dropped, now=now)
    for owner in wanted:
        obligation = current.get(owner)
        if obligation is None:
            _open_feedback(session, role, interview, owner, turnaround, now)
            continue
        if obligation.resolved_at is not None:
            continue
        # Open, or dropped earlier and wanted again: due from the new end, ladder replanned.
        obligation.cancelled_at = None
        calendar = calendar_for(session, role.team_id, owner)
        obligation_service.reschedule(
            session,
            obligation,
            starts_at=ends_at,
            due_at=feedback_due_at(ends_at, turnaround, calendar),
        )
    candidate_obligations.follow_rescheduled_interview(
        session,
        role,
        interview,
        brief.contract.candidate_update_days,
        actor_id=actor_id,
        now=now,
    )
    timeline.record(
        session,
        role,
        Event.INTERVIEW_CHANGED,
        at=now,
        actor_id=actor_id,
        interview_id=interview.id,
        ends_at=ends_at.isoformat(),
        interviewers=wanted,
    )


def cancel_interview(
    session: Session, *, role: Role, interview: Interview, actor_id: str, now: datetime
) -> bool:
    if interview.cancelled_at is not None:
        return False
    interview.cancelled_at = now
    candidate_obligations.hand_over_on_cancel(
        session,
        role,
        interview,
        role_service.current_brief(session, role).contract.candidate_update_days,
        actor_id=actor_id,
        now=now,
    )
    obligation_service.cancel(
        session,
        list(session.scalars(select(Obligation).where(Obligation.interview_id == interview.id))),
        now=now,
    )
    timeline.record(
        session,
        role,
        Event.INTERVIEW_CANCELLED,
        at=now,
        actor_id=actor_id,
        interview_id=interview.id,
    )
    return True


def get_interview(session: Session, *, team_id: str, interview_id: int) -> Interview:
    interview = session.get(Interview, interview_id)
    if interview is None or interview.team_id != team_id:
        raise InterviewNotFound(str(interview_id))
    return interview
