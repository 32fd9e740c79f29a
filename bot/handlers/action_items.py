"""Action items: the retro summary's *Add action item* and its modal, and *Mark done* on a
brief. Each listener parses its payload and calls one use case of
``bot.services.action_items``."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import (
    action_value,
    actor_of,
    modal_update,
    open_modal,
    submitted_view,
    tell,
)
from bot.services import action_items
from bot.services.errors import NotAllowed
from bot.services.hiring_forms import FormErrors
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata

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
    try:
        view = action_items.add_form(
            sessions, actor_of(context, client), action_value(body), now=utcnow()
        )
    except BadPayload:
        tell(respond, action_items.NOT_YOURS_TO_ADD)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    open_modal(client, body, respond, view)


def handle_add(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    try:
        action_items.save_item(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            poll_id=parse_metadata(view.get("private_metadata")).poll,
            values=read_values(view),
            now=utcnow(),
        )
    except FormErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except BadPayload:
        ack(**modal_update(TITLE, action_items.NOT_YOURS_TO_ADD))
        return
    except NotAllowed as exc:
        ack(**modal_update(TITLE, str(exc)))
        return
    except AlreadySubmitted:
        ack()  # the first submission was saved; this one only closes the modal
        return
    ack()


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
