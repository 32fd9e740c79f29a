"""Interview focus areas: the brief's *Panel focus areas* and an interview's *Focus areas*
(on its note in the brief's thread). Each listener parses its payload and hands it to one
use case (``bot.services.focus_areas`` for the panel's, ``bot.services.interview_cases``
for an interview's, whose note shows them)."""

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
from bot.handlers.interviews import NO_LONGER_CHANGEABLE, NO_SUCH_INTERVIEW
from bot.services import focus_areas, interview_cases
from bot.services.errors import NotAllowed, RoleNotFound
from bot.services.hiring_forms import FormErrors
from bot.services.interviews import InterviewCancelled, InterviewNotFound
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata

PANEL_TITLE = "Panel focus areas"
INTERVIEW_TITLE = "Focus areas"


def handle_panel_focus_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    open_from_button(
        body, client, context, respond, partial(focus_areas.panel_focus_form, sessions)
    )


def handle_panel_focus(
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
        title=PANEL_TITLE,
        save=partial(focus_areas.save_panel_focus, sessions),
    )


def handle_focus_areas_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    try:
        outcome = interview_cases.open_focus_areas(
            sessions, actor_of(context, client), action_value(body), now=utcnow()
        )
    except (BadPayload, InterviewNotFound, RoleNotFound):
        tell(respond, NO_SUCH_INTERVIEW)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    open_or_tell(client, body, respond, outcome)


def handle_focus_areas(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    try:
        interview_cases.save_focus_areas(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            interview_id=parse_metadata(view.get("private_metadata")).interview,
            values=read_values(view),
            now=utcnow(),
        )
    except FormErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except (BadPayload, InterviewNotFound, RoleNotFound):
        ack(**modal_update(INTERVIEW_TITLE, NO_SUCH_INTERVIEW))
        return
    except InterviewCancelled:
        ack(**modal_update(INTERVIEW_TITLE, NO_LONGER_CHANGEABLE))
        return
    except NotAllowed as exc:
        ack(**modal_update(INTERVIEW_TITLE, str(exc)))
        return
    except AlreadySubmitted:
        ack()
        return
    ack()


def register(app: App) -> None:
    """Wire this module's listeners onto ``app``."""
    app.action(Action.PANEL_FOCUS)(handle_panel_focus_button)
    app.view(Callback.PANEL_FOCUS)(handle_panel_focus)
    app.action(Action.FOCUS_AREAS)(handle_focus_areas_button)
    app.view(Callback.FOCUS_AREAS)(handle_focus_areas)
