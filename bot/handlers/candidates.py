"""*Add candidate* and *Move candidate* (buttons on the brief, and their modals)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.hiring import (
    add_candidate_modal,
    candidate_note,
    candidate_options,
    move_candidate_modal,
    move_note,
)
from bot.blocks.kickoff import message_view
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import (
    EDITORS_ONLY,
    NOT_HERE,
    claim_submission,
    full_names_in_channels,
    may_edit_role,
    open_for_editors,
    role_from_view,
    thread_note,
)
from bot.models import CandidateStage, Role
from bot.services import candidates as candidate_service
from bot.services import hiring_forms, pipeline
from bot.services.candidates import CandidateNotFound, label
from bot.services.form_values import row_id
from bot.services.roles import NotAllowed, RoleNotFound
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback, Suggestion
from bot.slack.metadata import BadPayload

logger = logging.getLogger(__name__)


def handle_add_candidate_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    open_for_editors(
        body,
        client,
        context,
        respond,
        sessions,
        what="add candidates",
        build=lambda session, role: add_candidate_modal(role.id, role.title),
    )


def handle_move_candidate_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    def build(session: Session, role: Role) -> dict[str, Any] | str:
        if not candidate_service.has_candidates(session, role):
            return "This role has no candidates yet — use *Add candidate* first."
        return move_candidate_modal(role.id)

    ack()
    open_for_editors(body, client, context, respond, sessions, what="move candidates", build=build)


def handle_add_candidate(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    form = hiring_forms.check_candidate(read_values(view))
    if not form.ok:
        ack(response_action="errors", errors=form.errors)
        return
    assert form.candidate is not None and context.user_id is not None
    now = utcnow()
    try:
        with sessions.begin() as session:
            role = role_from_view(session, view, context)
            if not may_edit_role(session, role, client, context):
                raise NotAllowed(EDITORS_ONLY.format(what="add candidates"))
            claim_submission(session, view, context)
            candidate = pipeline.add_candidate(
                session, role=role, new=form.candidate, actor_id=context.user_id, now=now
            )
            note = candidate_note(
                label(candidate, full_names=full_names_in_channels(session, role.team_id)),
                candidate.source,
                candidate.stage,
                context.user_id,
            )
    except (BadPayload, RoleNotFound):
        ack(response_action="update", view=message_view("Add candidate", NOT_HERE))
        return
    except NotAllowed as exc:
        ack(response_action="update", view=message_view("Add candidate", str(exc)))
        return
    except AlreadySubmitted:
        ack()  # the first submission added the candidate and closes the modal
        return
    ack()
    thread_note(client, role, *note)


def handle_move_candidate(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    values = read_values(view)
    candidate_id = row_id(values.get(hiring_forms.CANDIDATE))
    raw_stage = values.get(hiring_forms.STAGE) or ""
    errors = {}
    if candidate_id is None:
        errors[hiring_forms.CANDIDATE] = "Pick the candidate."
    if raw_stage not in {s.value for s in CandidateStage}:
        errors[hiring_forms.STAGE] = "Pick the stage."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    assert candidate_id is not None and context.user_id is not None
    try:
        with sessions.begin() as session:
            role = role_from_view(session, view, context)
            if not may_edit_role(session, role, client, context):
                raise NotAllowed(EDITORS_ONLY.format(what="move candidates"))
            candidate = candidate_service.get_candidate(
                session, team_id=role.team_id, role_id=role.id, candidate_id=candidate_id
            )
            claim_submission(session, view, context)
            change = pipeline.move_candidate(
                session,
                role=role,
                candidate=candidate,
                to_stage=CandidateStage(raw_stage),
                actor_id=context.user_id,
                now=utcnow(),
            )
            if change is None:
                ack(
                    response_action="errors",
                    errors={hiring_forms.STAGE: "The candidate is already at this stage."},
                )
                return
            note = move_note(
                label(candidate, full_names=full_names_in_channels(session, role.team_id)),
                change.from_stage,
                change.to_stage,
                context.user_id,
            )
    except (BadPayload, RoleNotFound, CandidateNotFound):
        ack(response_action="update", view=message_view("Move candidate", NOT_HERE))
        return
    except NotAllowed as exc:
        ack(response_action="update", view=message_view("Move candidate", str(exc)))
        return
    except AlreadySubmitted:
        ack()
        return
    ack()
    thread_note(client, role, *note)


def handle_candidate_options(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """The candidate picker's options as the person types: candidates of the modal's role
    only, and only for someone who may edit that role. ``private_metadata`` comes back from
    the client, so the role is looked up in this workspace and the right is checked again."""
    view = body.get("view") or {}
    typed = str(body.get("value") or "")
    try:
        with sessions.begin() as session:
            role = role_from_view(session, view, context)
            if not may_edit_role(session, role, client, context):
                ack(options=[])
                return
            found = candidate_service.search_candidates(
                session,
                role,
                typed,
                active_only=view.get("callback_id") == Callback.LOG_INTERVIEW,
            )
            options = candidate_options(found)
    except (BadPayload, RoleNotFound):
        ack(options=[])
        return
    ack(options=options)


def register(app: App) -> None:
    app.options(Suggestion.CANDIDATE)(handle_candidate_options)
    app.action(Action.ADD_CANDIDATE)(handle_add_candidate_button)
    app.action(Action.MOVE_CANDIDATE)(handle_move_candidate_button)
    app.view(Callback.ADD_CANDIDATE)(handle_add_candidate)
    app.view(Callback.MOVE_CANDIDATE)(handle_move_candidate)
