"""*Log interview* (on the brief), and *Edit* / *Cancel* interview (on its note in the
brief's thread). Each listener parses the request and calls one use case of
``bot.services.interview_cases``."""

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
    modal_update,
    open_from_button,
    open_or_tell,
    save_role_form,
    submitted_view,
    tell,
)
from bot.services import interview_cases
from bot.services.errors import NotAllowed, RoleNotFound
from bot.services.hiring_forms import FormErrors
from bot.services.interviews import InterviewCancelled, InterviewNotFound
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata

NO_SUCH_INTERVIEW = "That interview does not exist in this workspace."
NO_LONGER_CHANGEABLE = (
    "This interview was cancelled, so it can no longer be changed. "
    "Log a new interview from the brief if it is happening after all."
)


def handle_log_interview_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    open_from_button(
        body, client, context, respond, partial(interview_cases.open_log_interview, sessions)
    )


def handle_log_interview(
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
        title="Log interview",
        save=partial(interview_cases.log_interview, sessions),
    )


def handle_edit_interview_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    try:
        outcome = interview_cases.open_edit_interview(
            sessions, actor_of(context, client), action_value(body), now=utcnow()
        )
    except (BadPayload, InterviewNotFound, RoleNotFound):
        tell(respond, NO_SUCH_INTERVIEW)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    open_or_tell(client, body, respond, outcome)


def handle_edit_interview(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    try:
        interview_id = parse_metadata(view.get("private_metadata")).interview
        if interview_id is None:
            raise BadPayload("interview id")
        interview_cases.edit_interview(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            interview_id=interview_id,
            values=read_values(view),
            now=utcnow(),
        )
    except FormErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except (BadPayload, InterviewNotFound, RoleNotFound):
        ack(**modal_update("Edit interview", NO_SUCH_INTERVIEW))
        return
    except InterviewCancelled:
        ack(**modal_update("Edit interview", NO_LONGER_CHANGEABLE))
        return
    except NotAllowed as exc:
        ack(**modal_update("Edit interview", str(exc)))
        return
    except AlreadySubmitted:
        ack()
        return
    ack()


def handle_cancel_interview(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    try:
        cancelled = interview_cases.cancel_interview(
            sessions, actor_of(context, client), action_value(body), now=utcnow()
        )
    except (BadPayload, InterviewNotFound, RoleNotFound):
        tell(respond, NO_SUCH_INTERVIEW)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    if not cancelled:
        tell(respond, "This interview was already cancelled.")


def register(app: App) -> None:
    app.action(Action.LOG_INTERVIEW)(handle_log_interview_button)
    app.action(Action.EDIT_INTERVIEW)(handle_edit_interview_button)
    app.action(Action.CANCEL_INTERVIEW)(handle_cancel_interview)
    app.view(Callback.LOG_INTERVIEW)(handle_log_interview)
    app.view(Callback.EDIT_INTERVIEW)(handle_edit_interview)
