"""Interview feedback: validation, drafts, submission and edits, independence and the reveal.

Independence: an interviewer sees the panel's feedback on a candidate only once they have
submitted their own for their latest interview with that candidate; the round's recommendations are posted together in the channel when the
whole round has submitted or its due time has passed, so nobody anchors on the first answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import (
    BriefRevision,
    Feedback,
    Interview,
    Obligation,
    ObligationKind,
    Recommendation,
    Role,
)
from bot.services import obligations as obligation_service
from bot.services import timeline
from bot.services.timeline import Event

RECOMMENDATION_LABELS = {
    Recommendation.STRONG_NO: "Strong no",
    Recommendation.NO: "No",
    Recommendation.YES: "Yes",
    Recommendation.STRONG_YES: "Strong yes",
}
RATING_LABELS = {1: "1 — not shown", 2: "2 — partly", 3: "3 — meets", 4: "4 — exceeds"}
MAX_NOTES = 3000

RECOMMENDATION_FIELD = "recommendation"
NICE_NOTES_FIELD = "nice_notes"
NOTES_FIELD = "notes"


def rating_field(index: int) -> str:
    return f"rating:{index}"


@dataclass
class FeedbackAnswers:
    recommendation: Recommendation
    ratings: dict[str, int]
    nice_to_have_notes: str
    notes: str


@dataclass
class Checked:
    answers: FeedbackAnswers | None
    errors: dict[str, str] = field(default_factory=dict)


def validate(values: dict[str, Any], must_haves: list[str]) -> Checked:
    """Check the modal's values; errors are keyed by block id."""
    errors: dict[str, str] = {}
    raw = values.get(RECOMMENDATION_FIELD)
    if raw not in {r.value for r in Recommendation}:
        errors[RECOMMENDATION_FIELD] = "Pick a recommendation: strong no, no, yes or strong yes."
    ratings: dict[str, int] = {}
    for index, must_have in enumerate(must_haves):
        value = values.get(rating_field(index))
        if value in (None, ""):
            continue
        if str(value) not in {"1", "2", "3", "4"}:
            errors[rating_field(index)] = "Rate from 1 to 4, or leave it empty if not assessed."
            continue
        ratings[must_have] = int(value)
    nice = (values.get(NICE_NOTES_FIELD) or "").strip()
    notes = (values.get(NOTES_FIELD) or "").strip()
    for key, text in ((NICE_NOTES_FIELD, nice), (NOTES_FIELD, notes)):
        if len(text) > MAX_NOTES:
            errors[key] = f"{len(text)} characters; keep it under {MAX_NOTES}."
    if errors:
        return Checked(None, errors)
    return Checked(FeedbackAnswers(Recommendation(raw), ratings, nice, notes))


def feedback_row(session: Session, obligation: Obligation) -> Feedback:
    """The obligation's feedback row (created empty on first use)."""
    row = session.scalar(select(Feedback).where(Feedback.obligation_id == obligation.id))
    if row is None:
        assert obligation.interview_id is not None and obligation.candidate_id is not None
        row = Feedback(
            team_id=obligation.team_id,
            obligation_id=obligation.id,
            interview_id=obligation.interview_id,
            candidate_id=obligation.candidate_id,
            interviewer_id=obligation.owner_id,
            ratings={},
            nice_to_have_notes="",
            notes="",
            edit_count=0,
        )
        session.add(row)
        session.flush()
    return row


def save_draft(session: Session, obligation: Obligation, values: dict[str, Any]) -> None:
    """Keep what was typed in a modal closed without submitting (only before submission)."""
    row = feedback_row(session, obligation)
    if row.submitted_at is None:
        row.draft = {k: v for k, v in values.items() if v not in (None, "", [])}


def submit(
    session: Session, *, obligation: Obligation, answers: FeedbackAnswers, now: datetime
) -> bool:
    """Store the feedback; True the first time, False for an edit (recorded as one)."""
    row = feedback_row(session, obligation)
    role = session.get(Role, obligation.role_id)
    assert role is not None
    first = row.submitted_at is None
    previous = row.recommendation
    row.recommendation = answers.recommendation
    row.ratings = answers.ratings
    row.nice_to_have_notes = answers.nice_to_have_notes
    row.notes = answers.notes
    row.draft = None
    row.updated_at = now
    if first:
        row.submitted_at = now
        obligation_service.resolve(session, obligation, now=now, actor_id=obligation.owner_id)
        timeline.record(
            session,
            role,
            Event.FEEDBACK_SUBMITTED,
            at=now,
            actor_id=obligation.owner_id,
            interview_id=obligation.interview_id,
            on_time=now <= obligation.due_at,
            due_at=obligation.due_at.isoformat(),
        )
    else:
        row.edit_count += 1
        timeline.record(
            session,
            role,
            Event.FEEDBACK_EDITED,
            at=now,
            actor_id=obligation.owner_id,
            interview_id=obligation.interview_id,
            previous_recommendation=previous,
        )
    return first


def latest_interview_submitted(session: Session, *, candidate_id: int, user_id: str) -> bool:
    """Whether ``user_id`` has submitted feedback for their latest interview with the
    candidate (the one ending last among those not cancelled, even if still to come)."""
    latest = session.scalar(
        select(Obligation.id)
        .join(Interview, Interview.id == Obligation.interview_id)
        .where(
            Obligation.kind == ObligationKind.FEEDBACK,
            Obligation.owner_id == user_id,
            Obligation.candidate_id == candidate_id,
            Obligation.cancelled_at.is_(None),
            Interview.cancelled_at.is_(None),
        )
        .order_by(Interview.ends_at.desc(), Interview.id.desc())
        .limit(1)
    )
    if latest is None:
        return False
    return (
        session.scalar(
            select(Feedback.id).where(
                Feedback.obligation_id == latest, Feedback.submitted_at.is_not(None)
            )
        )
        is not None
    )


def panel_feedback(session: Session, *, candidate_id: int, viewer_id: str) -> list[Feedback] | None:
    """Others' submitted feedback on the candidate — None until the viewer submitted theirs
    for their latest interview with the candidate, so nobody anchors on the panel before
    an interview (a second round included)."""
    if not latest_interview_submitted(session, candidate_id=candidate_id, user_id=viewer_id):
        return None
    return list(
        session.scalars(
            select(Feedback)
            .where(
                Feedback.candidate_id == candidate_id,
                Feedback.submitted_at.is_not(None),
                Feedback.interviewer_id != viewer_id,
            )
            .order_by(Feedback.submitted_at)
        )
    )


@dataclass
class Round:
    interview: Interview
    submitted: list[Feedback]
    missing: list[str]
    ready: bool


def round_of(session: Session, interview: Interview, *, now: datetime) -> Round:
    obligations = list(
        session.scalars(
            select(Obligation).where(
                Obligation.interview_id == interview.id,
                Obligation.kind == ObligationKind.FEEDBACK,
                Obligation.cancelled_at.is_(None),
            )
        )
    )
    rows = {
        f.obligation_id: f
        for f in session.scalars(
            select(Feedback).where(
                Feedback.interview_id == interview.id, Feedback.submitted_at.is_not(None)
            )
        )
    }
    submitted = [rows[o.id] for o in obligations if o.id in rows]
    missing = [o.owner_id for o in obligations if o.id not in rows]
    latest_due = max((o.due_at for o in obligations), default=now)
    ready = bool(obligations) and (not missing or now >= latest_due)
    return Round(interview, submitted, missing, ready)


def claim_reveal(session: Session, *, interview_id: int, now: datetime) -> bool:
    """Claim the round's reveal; exactly one caller wins."""
    return (
        session.execute(
            update(Interview)
            .where(
                Interview.id == interview_id,
                Interview.revealed_at.is_(None),
                Interview.cancelled_at.is_(None),
            )
            .values(revealed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def unrevealed_interviews(session: Session, *, now: datetime) -> list[Interview]:
    return list(
        session.scalars(
            select(Interview).where(
                Interview.revealed_at.is_(None),
                Interview.cancelled_at.is_(None),
                Interview.ends_at <= now,
            )
        )
    )


def rated_must_haves(session: Session, interview: Interview) -> list[str]:
    """The must-haves an interview is rated on: those of the brief revision current when it
    was logged (a later revision does not change what its interviewers were asked)."""
    revision = session.get(BriefRevision, interview.revision_id)
    assert revision is not None, "an interview keeps its revision"
    return list(revision.content.get("must_haves") or [])


def unassessed_must_haves(session: Session, interview: Interview) -> list[str]:
    """Must-haves of the interview's revision that no submitted feedback on its candidate
    rated (a rating from another interview of the candidate counts)."""
    rated: set[str] = set()
    for ratings in session.scalars(
        select(Feedback.ratings).where(
            Feedback.candidate_id == interview.candidate_id, Feedback.submitted_at.is_not(None)
        )
    ):
        rated.update(ratings or {})
    return [m for m in rated_must_haves(session, interview) if m not in rated]
