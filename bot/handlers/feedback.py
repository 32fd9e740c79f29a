"""The feedback modal (from a nudge's *Submit feedback*), and the other nudge buttons:
*Snooze 1 day*, *Mute reminders for this role*, *Mark done*. Each listener parses the
request and calls one use case of ``bot.services.feedback_cases``."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import (
    ALREADY_SAVED,
    action_value,
    modal_update,
    open_or_tell,
    submitted_view,
    tell,
)
from bot.handlers.home import answer_presser
from bot.services import feedback_cases
from bot.services.actors import Actor
from bot.services.errors import NotAllowed
from bot.services.feedback_cases import GONE, TITLE, RequestGone
from bot.services.hiring_forms import FormErrors
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata

logger = logging.getLogger(__name__)


def _button_actor(context: BoltContext) -> Actor:
    # The nudge buttons act only on the presser's own requests: no admin lookup is needed.
    assert context.team_id is not None and context.user_id is not None
    return Actor(
        team_id=context.team_id, user_id=context.user_id, enterprise_id=context.enterprise_id
    )


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
        outcome = feedback_cases.open_feedback(sessions, _button_actor(context), action_value(body))
    except (BadPayload, RequestGone):
        tell(respond, GONE)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    open_or_tell(client, body, respond, outcome)


def handle_feedback_submission(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """Validate and store (a second submit is an edit), then show the panel's feedback; a
    round this completes is revealed in the role's channel."""
    try:
        shown = feedback_cases.submit_feedback(
            sessions,
            _button_actor(context),
            submitted_view(view),
            obligation_id=parse_metadata(view.get("private_metadata")).obligation,
            values=read_values(view),
            now=utcnow(),
        )
    except FormErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except (BadPayload, RequestGone):
        ack(**modal_update(TITLE, GONE))
        return
    except NotAllowed as exc:
        ack(**modal_update(TITLE, str(exc)))
        return
    except AlreadySubmitted:
        ack(**modal_update(TITLE, ALREADY_SAVED))
        return
    ack(response_action="update", view=shown)


def handle_feedback_closed(
    ack: Ack, view: dict[str, Any], context: BoltContext, sessions: SessionFactory
) -> None:
    """Closing the modal without submitting keeps a draft; the next open restores it."""
    ack()
    try:
        feedback_cases.keep_draft(
            sessions,
            _button_actor(context),
            parse_metadata(view.get("private_metadata")).obligation,
            read_values(view),
        )
    except (BadPayload, RequestGone, NotAllowed):
        logger.info("ignored view_closed for a feedback modal that is not the closer's")


def handle_snooze(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, sessions: SessionFactory
) -> None:
    ack()
    try:
        said = feedback_cases.snooze(
            sessions, _button_actor(context), action_value(body), now=utcnow()
        )
    except (BadPayload, RequestGone):
        said = GONE
    except NotAllowed as exc:
        said = str(exc)
    tell(respond, said)


def handle_mute(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, sessions: SessionFactory
) -> None:
    ack()
    try:
        said = feedback_cases.mute(
            sessions, _button_actor(context), action_value(body), now=utcnow()
        )
    except (BadPayload, RequestGone):
        said = GONE
    tell(respond, said)


def handle_mark_done(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    try:
        said = feedback_cases.mark_done(
            sessions, _button_actor(context), action_value(body), now=utcnow()
        )
    except (BadPayload, RequestGone):
        said = GONE
    except NotAllowed as exc:
        said = str(exc)
    answer_presser(body, context, respond, sessions, said)


def register(app: App) -> None:
    app.action(Action.SUBMIT_FEEDBACK)(handle_open_feedback)
    app.action(Action.SNOOZE)(handle_snooze)
    app.action(Action.MUTE_ROLE)(handle_mute)
    app.action(Action.MARK_DONE)(handle_mark_done)
    app.view(Callback.FEEDBACK)(handle_feedback_submission)
    app.view_closed(Callback.FEEDBACK)(handle_feedback_closed)
