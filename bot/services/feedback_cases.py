"""The feedback use cases: the feedback modal (from a nudge's *Submit feedback*) and its
submission, and the nudge's other buttons (*Snooze 1 day*, *Mute reminders for this role*,
*Mark done*).

Submitting the last feedback of a round reveals it: the reveal is claimed and its post
queued in the transaction that saves the feedback, as is a late recommendation added after
the round was revealed without it (``bot.services.reveals``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.feedback import FeedbackContext, feedback_modal, thanks_view
from bot.blocks.kickoff import message_view
from bot.dates import slack_datetime
from bot.db import SessionFactory
from bot.models import (
    BriefRevision,
    Candidate,
    Commitment,
    CommitmentState,
    Interview,
    Obligation,
    ObligationKind,
    Role,
)
from bot.services import access, focus_areas, home_refresh, reveals
from bot.services import feedback as feedback_service
from bot.services import obligations as obligation_service
from bot.services import roles as role_service
from bot.services.actors import Actor, SubmittedView
from bot.services.brief import BriefContent
from bot.services.candidates import label
from bot.services.errors import NotAllowed
from bot.services.hiring_forms import FormErrors
from bot.services.interviews import KINDS

TITLE = "Interview feedback"
GONE = "That request no longer exists in this workspace."
NOT_YOURS = "This request is for someone else; only they can act on it."
NOT_NEEDED = "This interview was cancelled, so no feedback is needed."


class RequestGone(Exception):
    """The request does not exist in this workspace (or is not one this button acts on)."""


def _own_obligation(session: Session, actor: Actor, obligation_id: int | None) -> Obligation:
    obligation = (
        obligation_service.get_obligation(
            session, team_id=actor.team_id, obligation_id=obligation_id
        )
        if obligation_id is not None
        else None
    )
    if obligation is None:
        raise RequestGone(str(obligation_id))
    if obligation.owner_id != actor.user_id:
        raise NotAllowed(NOT_YOURS)
    return obligation


def _context(session: Session, obligation: Obligation) -> FeedbackContext:
    interview = session.get(Interview, obligation.interview_id)
    candidate = session.get(Candidate, obligation.candidate_id)
    role = session.get(Role, obligation.role_id)
    assert interview is not None and candidate is not None and role is not None
    # Ratings are for the must-haves of the brief current when the interview was logged.
    revision = session.get(BriefRevision, interview.revision_id)
    assert revision is not None
    brief = BriefContent.model_validate(revision.content)
    return FeedbackContext(
        obligation_id=obligation.id,
        candidate_name=label(candidate, full_names=True),
        role_title=role.title,
        interview=KINDS.get(interview.kind, interview.kind),
        ended_at=interview.ends_at,
        due_at=obligation.due_at,
        must_haves=brief.must_haves,
        nice_to_haves=brief.nice_to_haves,
        focus=focus_areas.focus_of(session, interview.id, obligation.owner_id),
    )


def _prefill(
    session: Session, obligation: Obligation, ctx: FeedbackContext
) -> tuple[dict[str, Any], bool]:
    row = feedback_service.feedback_row(session, obligation)
    if row.submitted_at is None:
        return dict(row.draft or {}), False
    prefill: dict[str, Any] = {
        feedback_service.RECOMMENDATION_FIELD: row.recommendation,
        feedback_service.NICE_NOTES_FIELD: row.nice_to_have_notes,
        feedback_service.NOTES_FIELD: row.notes,
    }
    for index, must_have in enumerate(ctx.must_haves):
        if must_have in (row.ratings or {}):
            prefill[feedback_service.rating_field(index)] = str(row.ratings[must_have])
    return prefill, True


def open_feedback(
    sessions: SessionFactory, actor: Actor, obligation_id: int
) -> dict[str, Any] | str:
    """The feedback modal (a draft restored, or the submitted feedback to edit), or why not."""
    with sessions.begin() as session:
        obligation = _own_obligation(session, actor, obligation_id)
        if obligation.kind != ObligationKind.FEEDBACK:
            raise RequestGone("not a feedback request")
        if obligation.cancelled_at is not None:
            return NOT_NEEDED
        ctx = _context(session, obligation)
        prefill, editing = _prefill(session, obligation, ctx)
        return feedback_modal(ctx, prefill, editing=editing)


def submit_feedback(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    obligation_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """Store the feedback (a second submit is an edit), reveal the round if this completes
    it or add a late recommendation to the channel; returns the view to show (the panel's
    feedback, now that theirs is in)."""
    with sessions.begin() as session:
        obligation = _own_obligation(session, actor, obligation_id)
        if obligation.cancelled_at is not None:
            return message_view(TITLE, "This interview was cancelled.")
        ctx = _context(session, obligation)
        checked = feedback_service.validate(values, ctx.must_haves)
        if checked.answers is None:
            raise FormErrors(checked.errors)
        access.claim_submission(session, actor, view, now=now)
        first = feedback_service.submit(
            session, obligation=obligation, answers=checked.answers, now=now
        )
        others = feedback_service.panel_feedback(
            session, candidate_id=obligation.candidate_id or 0, viewer_id=obligation.owner_id
        )
        interview = session.get(Interview, obligation.interview_id)
        revealed = interview is not None and reveals.reveal_if_ready(session, interview, now=now)
        if interview is not None and first and not revealed:
            reveals.add_late_recommendation(
                session, interview, feedback_service.feedback_row(session, obligation), now=now
            )
        home_refresh.queue_refresh(session, team_id=actor.team_id, user_id=actor.user_id, now=now)
        return thanks_view(ctx.candidate_name, others, first)


def keep_draft(
    sessions: SessionFactory, actor: Actor, obligation_id: int | None, values: dict[str, Any]
) -> None:
    """Keep what was typed in a feedback modal closed without submitting."""
    with sessions.begin() as session:
        obligation = _own_obligation(session, actor, obligation_id)
        feedback_service.save_draft(session, obligation, values)


def snooze(sessions: SessionFactory, actor: Actor, obligation_id: int, *, now: datetime) -> str:
    """Quiet the owner's reminders about a request for a working day; returns what to say."""
    with sessions.begin() as session:
        obligation = _own_obligation(session, actor, obligation_id)
        if not obligation.is_open:
            return "This is already done — nothing to snooze."
        until = obligation_service.snooze(session, obligation, now=now)
        return (
            f":zzz: Snoozed: no more reminders about this before {slack_datetime(until)}. "
            f"It is still due {slack_datetime(obligation.due_at)}, and a late item is still "
            "raised in the role's channel."
        )


def mute(sessions: SessionFactory, actor: Actor, role_id: int, *, now: datetime) -> str:
    """Mute the person's reminders for a role they are on; returns what to say."""
    with sessions.begin() as session:
        role = session.get(Role, role_id)
        # Someone not on the role learns nothing about it, not even that it exists.
        if (
            role is None
            or role.team_id != actor.team_id
            or not role_service.is_on_role(session, role, actor.user_id)
        ):
            raise RequestGone(f"role {role_id}")
        obligation_service.mute(
            session, team_id=actor.team_id, role_id=role_id, user_id=actor.user_id, now=now
        )
        return (
            f":mute: Reminders for *{role.title}* are muted for you. Requests, overdue notices "
            "and the channel escalation still come — they are the contract."
        )


def mark_done(sessions: SessionFactory, actor: Actor, obligation_id: int, *, now: datetime) -> str:
    """Settle a request that is not feedback (feedback is done by submitting it)."""
    with sessions.begin() as session:
        obligation = _own_obligation(session, actor, obligation_id)
        if obligation.kind == ObligationKind.FEEDBACK:
            raise RequestGone("feedback is done by submitting it")
        done = obligation_service.resolve(session, obligation, now=now, actor_id=actor.user_id)
        if done and obligation.commitment_id:
            commitment = session.get(Commitment, obligation.commitment_id)
            if commitment is not None:
                commitment.state = (
                    CommitmentState.MET if now <= obligation.due_at else CommitmentState.MISSED
                )
        if done:
            home_refresh.queue_refresh(
                session, team_id=actor.team_id, user_id=actor.user_id, now=now
            )
        return ":white_check_mark: Marked done." if done else "This was already done."
