"""The follow-ups' buttons and modals: the HM's quality-of-hire answer (from its DM) and the
recruiter's *Record survey score* (from the brief). Each listener parses its payload and
hands it to one use case (``bot.services.quality_check_answers``, ``bot.services.survey_scores``)."""

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
    open_modal,
    save_role_form,
    submitted_view,
    tell,
)
from bot.services import quality_check_answers, survey_scores
from bot.services.errors import NotAllowed
from bot.services.hiring_forms import FormErrors
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata

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
    try:
        view = quality_check_answers.answer_form(
            sessions, actor_of(context, client), action_value(body), now=utcnow()
        )
    except BadPayload:
        tell(respond, quality_check_answers.NOT_YOURS)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    open_modal(client, body, respond, view)


def handle_quality_check(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    try:
        quality_check_answers.save_answer(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            check_id=parse_metadata(view.get("private_metadata")).quality_check,
            values=read_values(view),
            now=utcnow(),
        )
    except FormErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except BadPayload:
        ack(**modal_update(QUALITY_TITLE, quality_check_answers.NOT_YOURS))
        return
    except NotAllowed as exc:
        ack(**modal_update(QUALITY_TITLE, str(exc)))
        return
    except AlreadySubmitted:
        ack()
        return
    ack()


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
