"""The buttons on a brief (agree, edit, change plan), in its thread (acknowledge), in the
recruiter's DM (post again), and the hiring-plan modal. Each calls one use case in
``bot.services.brief_actions``; the messages they cause go through the outbox."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.kickoff import message_view
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import (
    NOT_HERE,
    action_value,
    actor_of,
    open_from_button,
    submitted_view,
    tell,
)
from bot.handlers.home import answer_presser
from bot.services import brief_actions as service
from bot.services.agreement import AgreeOutcome
from bot.services.brief_actions import PostAgain
from bot.services.roles import NotAllowed, RoleNotFound
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata


def handle_agree(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """*Agree to contract*: HM and recruiter only; the brief updates in place."""
    ack()
    try:
        outcome = service.agree(
            sessions, actor_of(context, client), action_value(body), now=utcnow()
        )
    except (BadPayload, RoleNotFound):
        tell(respond, NOT_HERE)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    if outcome == AgreeOutcome.ALREADY:
        tell(respond, "You have already agreed to this contract.")


def handle_edit(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """*Edit brief*: the kickoff modal pre-filled with the current revision."""
    ack()
    open_from_button(body, client, context, respond, partial(service.edit_view, sessions))


def handle_change_plan(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """*Change plan*: each stage's owner and target date."""
    ack()
    open_from_button(body, client, context, respond, partial(service.change_plan_view, sessions))


def handle_plan_submission(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """Save a changed plan as a new revision."""
    try:
        saved = service.submit_plan(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            role_id=parse_metadata(view.get("private_metadata")).role,
            values=read_values(view),
            now=utcnow(),
        )
    except (BadPayload, RoleNotFound):
        ack(response_action="update", view=message_view("Hiring plan", NOT_HERE))
        return
    except NotAllowed as exc:
        ack(response_action="update", view=message_view("Hiring plan", str(exc)))
        return
    except AlreadySubmitted:
        ack()
        return
    if saved.errors:
        ack(response_action="errors", errors=saved.errors)
        return
    ack()


def handle_acknowledge(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """*Acknowledge* a change: only the person it waits for; the thread and brief update."""
    ack()
    try:
        fresh = service.acknowledge(
            sessions,
            actor_of(context, client),
            action_value(body),
            message=body.get("message"),
            now=utcnow(),
        )
    except (BadPayload, RoleNotFound):
        answer_presser(body, context, respond, sessions, NOT_HERE)
        return
    except NotAllowed as exc:
        answer_presser(body, context, respond, sessions, str(exc))
        return
    if not fresh:
        answer_presser(
            body, context, respond, sessions, "You have already acknowledged this change."
        )


def handle_post_again(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """*Post brief again* after Slack refused the first post."""
    ack()
    try:
        result = service.post_again(
            sessions, actor_of(context, client), action_value(body), now=utcnow()
        )
    except (BadPayload, RoleNotFound):
        tell(respond, NOT_HERE)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    if result.status == PostAgain.QUEUED:
        respond(
            text=":hourglass_flowing_sand: Tandem is posting the brief again. This message "
            "changes once it is pinned; if Slack refuses again, you will hear why.",
            replace_original=True,
        )
    elif result.status == PostAgain.POSTED:
        where = f" in <#{result.channel_id}>" if result.channel_id else ""
        respond(
            text=f":white_check_mark: The brief is posted and pinned{where}.",
            replace_original=True,
        )
    else:
        tell(respond, "The brief is being posted right now.")


def register(app: App) -> None:
    app.action(Action.AGREE)(handle_agree)
    app.action(Action.EDIT)(handle_edit)
    app.action(Action.CHANGE_PLAN)(handle_change_plan)
    app.action(Action.ACKNOWLEDGE)(handle_acknowledge)
    app.action(Action.POST_AGAIN)(handle_post_again)
    app.view(Callback.PLAN)(handle_plan_submission)
