"""Action items: the retro summary's *Add action item* and its modal, and *Mark done* on a
brief. Each listener parses its payload and calls one use case of
``bot.services.action_items``."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import (
    action_value,
    actor_of,
    open_from_button,
    save_form,
    tell,
)
from bot.services import action_items
from bot.services.errors import NotAllowed
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload

TITLE = "Add action item"


def handle_add_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """The summary's *Add action item*: the modal, for the pair (or an admin) only."""
    ack()
    open_from_button(
        body,
        client,
        context,
        respond,
        partial(action_items.add_form, sessions),
        not_found=action_items.NOT_YOURS_TO_ADD,
        missing=(),
    )


def handle_add(
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
        save=partial(action_items.save_item, sessions),
        subject="poll",
        not_found=action_items.NOT_YOURS_TO_ADD,
        missing=(),
    )


def handle_mark_done(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """*Mark done* on a brief; the answer is private to the clicker."""
    ack()
    try:
        said = action_items.mark_done(
            sessions, actor_of(context, client), action_value(body), now=utcnow()
        )
    except BadPayload:
        tell(respond, action_items.NOT_YOURS_TO_MARK)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    tell(respond, said)


def register(app: App) -> None:
    """Wire this module's listeners onto ``app``."""
    app.action(Action.ADD_ACTION_ITEM)(handle_add_button)
    app.view(Callback.ACTION_ITEM)(handle_add)
    app.action(Action.ACTION_ITEM_DONE)(handle_mark_done)
