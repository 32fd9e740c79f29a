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
    actor_of,
    open_from_button,
    save_role_form,
)
from bot.services import candidate_cases
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
    save_role_form(
        ack,
        view,
        client,
        context,
        title="Add candidate",
        save=partial(candidate_cases.add_candidate, sessions),
    )


def handle_move_candidate(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    save_role_form(
        ack,
        view,
        client,
        context,
        title="Move candidate",
        save=partial(candidate_cases.move_candidate, sessions),
    )


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
