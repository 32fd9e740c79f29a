"""``/tandem forget-candidate``: the picker modal, its suggestions, and the confirmation.
Each listener parses the request and calls one use case of
``bot.services.forget_candidate``."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.forget_candidate import TITLE
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import actor_of, modal_update, open_or_tell, save_form
from bot.services import forget_candidate
from bot.services.errors import NotAllowed
from bot.services.hiring_forms import FormErrors
from bot.slack.forms import read_values
from bot.slack.ids import Callback, Suggestion

SUBCOMMAND = "forget-candidate"


def open_picker(
    command: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """After ``ack()``: the picker modal, or a private answer saying why not."""
    outcome = forget_candidate.open_picker(sessions, actor_of(context, client), now=utcnow())
    open_or_tell(client, command, respond, outcome)


def handle_options(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    ack(
        options=forget_candidate.candidate_options(
            sessions, actor_of(context, client), str(body.get("value") or ""), now=utcnow()
        )
    )


def handle_pick(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """The picker submitted: replace it with the confirmation (or say why not)."""
    try:
        outcome = forget_candidate.confirm_view(
            sessions, actor_of(context, client), read_values(view), now=utcnow()
        )
    except FormErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except NotAllowed as exc:
        ack(**modal_update(TITLE, str(exc)))
        return
    if isinstance(outcome, str):
        ack(**modal_update(TITLE, outcome))
        return
    ack(response_action="update", view=outcome)


def handle_confirm(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    save_form(
        ack,
        view,
        client,
        context,
        title=TITLE,
        save=partial(forget_candidate.forget, sessions),
        subject="candidate",
        not_found=forget_candidate.NOT_ALLOWED,
        missing=(),
    )


def register(app: App) -> None:
    app.options(Suggestion.FORGET_CANDIDATE)(handle_options)
    app.view(Callback.FORGET_PICK)(handle_pick)
    app.view(Callback.FORGET_CONFIRM)(handle_confirm)
