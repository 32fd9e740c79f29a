"""*Add candidate* and *Move candidate* (buttons on the brief, and their modals), and the
candidate picker's suggestions. Each listener parses the request and calls one use case of
``bot.services.candidate_cases``."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import (
    NOT_HERE,
    actor_of,
    modal_update,
    open_from_button,
    submitted_view,
)
from bot.services import candidate_cases
from bot.services.candidates import CandidateNotFound
from bot.services.errors import NotAllowed, RoleNotFound
from bot.services.hiring_forms import FormErrors
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback, Suggestion
from bot.slack.metadata import BadPayload, parse_metadata


def handle_add_candidate_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    open_from_button(
        body, client, context, respond, partial(candidate_cases.open_add_candidate, sessions)
    )


def handle_move_candidate_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    open_from_button(
        body, client, context, respond, partial(candidate_cases.open_move_candidate, sessions)
    )


def handle_add_candidate(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    try:
        candidate_cases.add_candidate(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            role_id=parse_metadata(view.get("private_metadata")).role,
            values=read_values(view),
            now=utcnow(),
        )
    except FormErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except (BadPayload, RoleNotFound):
        ack(**modal_update("Add candidate", NOT_HERE))
        return
    except NotAllowed as exc:
        ack(**modal_update("Add candidate", str(exc)))
        return
    except AlreadySubmitted:
        ack()  # the first submission added the candidate and closes the modal
        return
    ack()


def handle_move_candidate(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    try:
        candidate_cases.move_candidate(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            role_id=parse_metadata(view.get("private_metadata")).role,
            values=read_values(view),
            now=utcnow(),
        )
    except FormErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except (BadPayload, RoleNotFound, CandidateNotFound):
        ack(**modal_update("Move candidate", NOT_HERE))
        return
    except NotAllowed as exc:
        ack(**modal_update("Move candidate", str(exc)))
        return
    except AlreadySubmitted:
        ack()
        return
    ack()


def handle_candidate_options(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """The candidate picker's options as the person types. ``private_metadata`` comes back
    from the client, so the use case looks the role up in this workspace and checks the
    right again."""
    view = body.get("view") or {}
    try:
        role_id = parse_metadata(view.get("private_metadata")).role
    except BadPayload:
        ack(options=[])
        return
    options = candidate_cases.candidate_suggestions(
        sessions,
        actor_of(context, client),
        role_id=role_id,
        typed=str(body.get("value") or ""),
        active_only=view.get("callback_id") == Callback.LOG_INTERVIEW,
        now=utcnow(),
    )
    ack(options=options)


def register(app: App) -> None:
    app.options(Suggestion.CANDIDATE)(handle_candidate_options)
    app.action(Action.ADD_CANDIDATE)(handle_add_candidate_button)
    app.action(Action.MOVE_CANDIDATE)(handle_move_candidate_button)
    app.view(Callback.ADD_CANDIDATE)(handle_add_candidate)
    app.view(Callback.MOVE_CANDIDATE)(handle_move_candidate)
