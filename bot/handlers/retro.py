"""The retro poll's *Answer the retro* button and its modal: each listener parses the
request and calls one use case of ``bot.services.retro_answers``."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.retro import saved_text
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
from bot.services import retro_answers
from bot.services.anonymity import NoAnonymityKey, server_key
from bot.services.errors import NotAllowed
from bot.services.hiring_forms import FormErrors
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata

TITLE = "Retro"


def _key(context: BoltContext) -> bytes | None:
    try:
        return server_key(context["settings"])
    except NoAnonymityKey:
        return None


def handle_answer_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    try:
        view = retro_answers.answer_form(
            sessions, actor_of(context, client), action_value(body), key=_key(context)
        )
    except BadPayload:
        tell(respond, retro_answers.NOT_YOURS)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    open_modal(client, body, respond, view)


def handle_answer(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    try:
        saved = retro_answers.save_answer(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            poll_id=parse_metadata(view.get("private_metadata")).poll,
            values=read_values(view),
            key=_key(context),
            now=utcnow(),
        )
    except FormErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except BadPayload:
        ack(**modal_update(TITLE, retro_answers.NOT_YOURS))
        return
    except NotAllowed as exc:
        ack(**modal_update(TITLE, str(exc)))
        return
    except AlreadySubmitted:
        ack()
        return
    ack(**modal_update(TITLE, saved_text(saved.anonymous, saved.edited)))


def register(app: App) -> None:
    app.action(Action.RETRO_ANSWER)(handle_answer_button)
    app.view(Callback.RETRO_ANSWER)(handle_answer)
