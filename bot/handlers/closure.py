"""*Close role*, *Reopen role* and *Close role as filled*: each listener parses the request
and calls one use case of ``bot.services.role_closure``."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import (
    NOT_HERE,
    action_value,
    actor_of,
    open_from_button,
    save_role_form,
    tell,
)
from bot.services import role_closure
from bot.services.errors import NotAllowed, RoleNotFound
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload


def handle_close_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    open_from_button(body, client, context, respond, partial(role_closure.open_close, sessions))


def handle_close_as_filled(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    open_from_button(
        body, client, context, respond, partial(role_closure.open_close_as_filled, sessions)
    )


def handle_reopen(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    try:
        said = role_closure.reopen_role(
            sessions, actor_of(context, client), action_value(body), now=utcnow()
        )
    except (BadPayload, RoleNotFound):
        tell(respond, NOT_HERE)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    if said:
        tell(respond, said)


def handle_close(
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
        title="Close role",
        save=partial(role_closure.close_role, sessions),
    )


def register(app: App) -> None:
    app.action(Action.CLOSE_ROLE)(handle_close_button)
    app.action(Action.CLOSE_AS_FILLED)(handle_close_as_filled)
    app.action(Action.REOPEN_ROLE)(handle_reopen)
    app.view(Callback.CLOSE_ROLE)(handle_close)
