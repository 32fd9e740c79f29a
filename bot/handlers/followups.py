"""The follow-ups' buttons and modals: the HM's quality-of-hire answer (from its DM) and the
recruiter's *Record survey score* (from the brief). Each listener parses its payload and
hands it to one use case (``bot.services.quality_check_answers``, ``bot.services.survey_scores``)."""

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
from bot.services import quality_check_answers, survey_scores
from bot.slack.ids import Action, Callback

QUALITY_TITLE = "Quality of hire"


def handle_quality_check_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """The DM's *Answer* button: the modal, for the HM the check was sent to only."""
    ack()
    open_from_button(
        body,
        client,
        context,
        respond,
        partial(quality_check_answers.answer_form, sessions),
        not_found=quality_check_answers.NOT_YOURS,
        missing=(),
    )


def handle_quality_check(
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
        title=QUALITY_TITLE,
        save=partial(quality_check_answers.save_answer, sessions),
        subject="quality_check",
        not_found=quality_check_answers.NOT_YOURS,
        missing=(),
    )


def handle_record_survey_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    open_from_button(body, client, context, respond, partial(survey_scores.survey_form, sessions))


def handle_survey_score(
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
        title="Record survey score",
        save=partial(survey_scores.record_score, sessions),
    )


def register(app: App) -> None:
    app.action(Action.QUALITY_CHECK)(handle_quality_check_button)
    app.view(Callback.QUALITY_CHECK)(handle_quality_check)
    app.action(Action.RECORD_SURVEY)(handle_record_survey_button)
    app.view(Callback.SURVEY_SCORE)(handle_survey_score)
