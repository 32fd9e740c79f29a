"""The feedback modal (from a nudge's *Submit feedback*), and the other nudge buttons:
*Snooze 1 day*, *Mute reminders for this role*, *Mark done*."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.feedback import FeedbackContext, feedback_modal, thanks_view
from bot.blocks.kickoff import message_view
from bot.clock import utcnow
from bot.dates import slack_datetime
from bot.db import SessionFactory
from bot.handlers.common import ALREADY_SAVED, action_value, claim_submission, open_modal, tell
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
from bot.services import feedback as feedback_service
from bot.services import obligations as obligation_service
from bot.services import roles as role_service
from bot.services.brief import BriefContent
from bot.services.candidates import label
from bot.services.interviews import KINDS
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata
from bot.slack.reveal import announce_late_feedback, reveal_round

logger = logging.getLogger(__name__)

GONE = "That request no longer exists in this workspace."


class NotYours(Exception):
    """Someone pressed a button meant for another person."""


def _own_obligation(session: Session, context: BoltContext, obligation_id: int) -> Obligation:
    obligation = obligation_service.get_obligation(
        session, team_id=context.team_id or "", obligation_id=obligation_id
    )
    if obligation is None:
        raise BadPayload("obligation")
    if obligation.owner_id != context.user_id:
        raise NotYours("This request is for someone else; only they can act on it.")
    return obligation


def _feedback_context(session: Session, obligation: Obligation) -> FeedbackContext:
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


def handle_open_feedback(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    try:
        with sessions.begin() as session:
            obligation = _own_obligation(session, context, action_value(body))
            if obligation.kind != ObligationKind.FEEDBACK:
                raise BadPayload("not a feedback request")
            if obligation.cancelled_at is not None:
                tell(respond, "This interview was cancelled, so no feedback is needed.")
                return
            ctx = _feedback_context(session, obligation)
            prefill, editing = _prefill(session, obligation, ctx)
            view = feedback_modal(ctx, prefill, editing=editing)
    except BadPayload:
        tell(respond, GONE)
        return
    except NotYours as exc:
        tell(respond, str(exc))
        return
    open_modal(client, body, respond, view)


def _obligation_from_view(
    session: Session, view: dict[str, Any], context: BoltContext
) -> Obligation:
    obligation_id = parse_metadata(view.get("private_metadata")).obligation
    if obligation_id is None:
        raise BadPayload("obligation id")
    return _own_obligation(session, context, obligation_id)


def handle_feedback_submission(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """Validate, store (a second submit is an edit), then show the panel's feedback."""
    values = read_values(view)
    now = utcnow()
    try:
        with sessions.begin() as session:
            obligation = _obligation_from_view(session, view, context)
            if obligation.cancelled_at is not None:
                ack(
                    response_action="update",
                    view=message_view("Interview feedback", "This interview was cancelled."),
                )
                return
            ctx = _feedback_context(session, obligation)
            checked = feedback_service.validate(values, ctx.must_haves)
            if checked.answers is None:
                ack(response_action="errors", errors=checked.errors)
                return
            claim_submission(session, view, context)
            first = feedback_service.submit(
                session, obligation=obligation, answers=checked.answers, now=now
            )
            others = feedback_service.panel_feedback(
                session, candidate_id=obligation.candidate_id or 0, viewer_id=obligation.owner_id
            )
            thanks = thanks_view(ctx.candidate_name, others, first)
            team_id, interview_id = obligation.team_id, obligation.interview_id
    except BadPayload:
        ack(response_action="update", view=message_view("Interview feedback", GONE))
        return
    except NotYours as exc:
        ack(response_action="update", view=message_view("Interview feedback", str(exc)))
        return
    except AlreadySubmitted:
        ack(response_action="update", view=message_view("Interview feedback", ALREADY_SAVED))
        return
    ack(response_action="update", view=thanks)
    if interview_id is None:
        return
    revealed_now = reveal_round(
        client, sessions, team_id=team_id, interview_id=interview_id, now=now
    )
    if first and not revealed_now:
        announce_late_feedback(
            client,
            sessions,
            team_id=team_id,
            interview_id=interview_id,
            interviewer_id=context.user_id or "",
        )


def handle_feedback_closed(
    ack: Ack, view: dict[str, Any], context: BoltContext, sessions: SessionFactory
) -> None:
    """Closing the modal without submitting keeps a draft; the next open restores it."""
    ack()
    try:
        with sessions.begin() as session:
            obligation = _obligation_from_view(session, view, context)
            feedback_service.save_draft(session, obligation, read_values(view))
    except (BadPayload, NotYours):
        logger.info("ignored view_closed for a feedback modal that is not the closer's")


def handle_snooze(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, sessions: SessionFactory
) -> None:
    ack()
    try:
        with sessions.begin() as session:
            obligation = _own_obligation(session, context, action_value(body))
            if not obligation.is_open:
                tell(respond, "This is already done — nothing to snooze.")
                return
            until = obligation_service.snooze(session, obligation, now=utcnow())
            due = obligation.due_at
    except BadPayload:
        tell(respond, GONE)
        return
    except NotYours as exc:
        tell(respond, str(exc))
        return
    tell(
        respond,
        f":zzz: Snoozed: no more reminders about this before {slack_datetime(until)}. "
        f"It is still due {slack_datetime(due)}, and a late item is still raised in the role's channel.",
    )


def handle_mute(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, sessions: SessionFactory
) -> None:
    ack()
    assert context.team_id is not None and context.user_id is not None
    try:
        role_id = action_value(body)
        with sessions.begin() as session:
            role = session.get(Role, role_id)
            # Someone not on the role learns nothing about it, not even that it exists.
            if (
                role is None
                or role.team_id != context.team_id
                or not role_service.is_on_role(session, role, context.user_id)
            ):
                raise BadPayload("role")
            obligation_service.mute(
                session,
                team_id=context.team_id,
                role_id=role_id,
                user_id=context.user_id,
                now=utcnow(),
            )
            title = role.title
    except BadPayload:
        tell(respond, GONE)
        return
    tell(
        respond,
        f":mute: Reminders for *{title}* are muted for you. Requests, overdue notices and the "
        "channel escalation still come — they are the contract.",
    )


def handle_mark_done(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, sessions: SessionFactory
) -> None:
    ack()
    now = utcnow()
    try:
        with sessions.begin() as session:
            obligation = _own_obligation(session, context, action_value(body))
            if obligation.kind == ObligationKind.FEEDBACK:
                raise BadPayload("feedback is done by submitting it")
            done = obligation_service.resolve(
                session, obligation, now=now, actor_id=context.user_id
            )
            if done and obligation.commitment_id:
                commitment = session.get(Commitment, obligation.commitment_id)
                if commitment is not None:
                    commitment.state = (
                        CommitmentState.MET if now <= obligation.due_at else CommitmentState.MISSED
                    )
    except BadPayload:
        tell(respond, GONE)
        return
    except NotYours as exc:
        tell(respond, str(exc))
        return
    tell(respond, ":white_check_mark: Marked done." if done else "This was already done.")


def register(app: App) -> None:
    app.action(Action.SUBMIT_FEEDBACK)(handle_open_feedback)
    app.action(Action.SNOOZE)(handle_snooze)
    app.action(Action.MUTE_ROLE)(handle_mute)
    app.action(Action.MARK_DONE)(handle_mark_done)
    app.view(Callback.FEEDBACK)(handle_feedback_submission)
    app.view_closed(Callback.FEEDBACK)(handle_feedback_closed)
