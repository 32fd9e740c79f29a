"""Interview focus areas: the brief's *Panel focus areas* and an interview's *Focus areas*
(on its note in the brief's thread). Each listener parses its payload and hands it to one
use case (``bot.services.focus_areas`` for the panel's, ``bot.services.interview_cases``
for an interview's, whose note shows them)."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.db import SessionFactory
from bot.handlers.common import (
    open_from_button,
    save_form,
    save_role_form,
)
from bot.handlers.interviews import NO_LONGER_CHANGEABLE, NO_SUCH_INTERVIEW
from bot.services import focus_areas, interview_cases
from bot.services.errors import RoleNotFound
from bot.services.interviews import InterviewCancelled, InterviewNotFound
from bot.slack.ids import Action, Callback

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
    open_from_button(
        body,
        client,
        context,
        respond,
        partial(interview_cases.open_focus_areas, sessions),
        not_found=NO_SUCH_INTERVIEW,
        missing=(InterviewNotFound, RoleNotFound),
    )


def handle_focus_areas(
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
        title=INTERVIEW_TITLE,
        save=partial(interview_cases.save_focus_areas, sessions),
        subject="interview",
        not_found=NO_SUCH_INTERVIEW,
        missing=(InterviewNotFound, RoleNotFound),
        refusals={InterviewCancelled: NO_LONGER_CHANGEABLE},
    )


def register(app: App) -> None:
    """Wire this module's listeners onto ``app``."""
    app.action(Action.PANEL_FOCUS)(handle_panel_focus_button)
    app.view(Callback.PANEL_FOCUS)(handle_panel_focus)
    app.action(Action.FOCUS_AREAS)(handle_focus_areas_button)
    app.view(Callback.FOCUS_AREAS)(handle_focus_areas)
