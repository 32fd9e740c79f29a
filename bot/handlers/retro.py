"""The retro poll's *Answer the retro* button and its modal: each listener parses the
request and calls one use case of ``bot.services.retro_answers``."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.db import SessionFactory
from bot.handlers.common import open_from_button, save_form
from bot.services import retro_answers
from bot.services.anonymity import NoAnonymityKey, server_key
from bot.slack.ids import Action, Callback

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
    open_from_button(
        body,
        client,
        context,
        respond,
        partial(retro_answers.answer_form, sessions, key=_key(context)),
        not_found=retro_answers.NOT_YOURS,
        missing=(),
    )


def handle_answer(
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
        save=partial(retro_answers.save_answer, sessions, key=_key(context)),
        subject="poll",
        not_found=retro_answers.NOT_YOURS,
        missing=(),
    )


def register(app: App) -> None:
    app.action(Action.RETRO_ANSWER)(handle_answer_button)
    app.view(Callback.RETRO_ANSWER)(handle_answer)
