"""``/kickoff`` and its three-step modal (also used to edit a brief).

Each step validates before it acks: errors go back next to their fields and nothing is
stored; a valid step saves its answers in the draft and pushes the next step. Step 1 is the
exception for what only Slack can answer (is the hiring manager a person, can Tandem see the
channel, is the requester in it): its ack checks the form alone and pushes a "Checking…"
view, and the look-ups, the draft and step 2 come after the ack (``views.update``), so a
slow or rate-limited Slack never delays the answer to a click. The last step
saves the role (or the new revision) and queues its messages in one transaction
(``bot.services.kickoff``), and the modal says the brief is on its way.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.kickoff import message_view, role_check_view, role_problems_view
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import (
    ALREADY_SAVED,
    actor_of,
    open_modal,
    replace_view,
    submitted_view,
    unique_external_id,
)
from bot.services import kickoff as kickoff_service
from bot.services.kickoff_form import CHANNEL_EXISTING
from bot.services.roles import NotAllowed, RoleNotFound
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Callback, Command, Field
from bot.slack.lookups import channel_facts, quick_client, with_requester
from bot.slack.metadata import BadPayload, parse_metadata

STALE_MODAL = (
    "This form is out of date (it was already submitted, or it belongs to someone else). "
    "Close it and start again with /kickoff."
)


def _close_with(ack: Ack, title: str, text: str) -> None:
    ack(response_action="update", view=message_view(title, text))


def _draft_id(view: dict[str, Any]) -> int | None:
    return parse_metadata(view.get("private_metadata")).draft


def handle_kickoff_command(
    ack: Ack,
    command: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """``/kickoff [role title]``: open step 1, title pre-filled (a recent unfinished draft resumes)."""
    ack()
    view = kickoff_service.start_kickoff(
        sessions,
        actor_of(context, client),
        title=(command.get("text") or "").strip(),
        origin_channel_id=command.get("channel_id"),
        now=utcnow(),
    )
    open_modal(client, command, respond, view)


def handle_role_step(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """Step 1 → step 2: the form's own errors in the ack; Slack's answers after it."""
    values = read_values(view)
    assert context.user_id is not None
    try:
        # Someone else's or a stale form is refused in the ack, as every step refuses it.
        kickoff_service.check_draft(
            sessions, actor_of(context, client), submitted_view(view), _draft_id(view)
        )
    except (BadPayload, RoleNotFound, AlreadySubmitted):
        _close_with(ack, "Kickoff", STALE_MODAL)
        return
    form_errors = kickoff_service.role_step_form_errors(values)
    if form_errors:
        ack(response_action="errors", errors=form_errors)
        return
    checking = role_check_view(external_id=unique_external_id("kickoff"))
    ack(response_action="push", view=checking)

    # The person is looking at "Checking…": one quick try each, within the request's
    # look-up budget; a rate-limited Slack leaves the cached people rows to answer.
    channel_id = values.get(Field.CHANNEL)
    channel = None
    if values.get(Field.CHANNEL_MODE) == CHANNEL_EXISTING and channel_id:
        quick = quick_client(client)
        channel = channel_facts(quick, channel_id)
        if channel is not None:
            channel = with_requester(quick, channel, context.user_id)
    try:
        outcome = kickoff_service.save_role_step(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            draft_id=_draft_id(view),
            values=values,
            channel=channel,
            now=utcnow(),
        )
        next_view = outcome.view or role_problems_view(errors=outcome.errors)
    except (BadPayload, RoleNotFound, AlreadySubmitted):
        next_view = message_view("Kickoff", STALE_MODAL)
    replace_view(client, checking["external_id"], next_view)


def handle_brief_step(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """Step 2 → step 3."""
    try:
        outcome = kickoff_service.save_brief_step(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            draft_id=_draft_id(view),
            values=read_values(view),
            now=utcnow(),
        )
    except (BadPayload, RoleNotFound, AlreadySubmitted):
        _close_with(ack, "Kickoff", STALE_MODAL)
        return
    if outcome.errors:
        ack(response_action="errors", errors=outcome.errors)
        return
    ack(response_action="push", view=outcome.view)


def handle_contract_step(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """Step 3: save the role (or the revision) and queue its messages; the modal says so."""
    try:
        saved = kickoff_service.submit_kickoff(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            draft_id=_draft_id(view),
            values=read_values(view),
            now=utcnow(),
        )
    except (BadPayload, RoleNotFound):
        _close_with(ack, "Kickoff", STALE_MODAL)
        return
    except NotAllowed as exc:
        _close_with(ack, "Edit brief", str(exc))
        return
    except AlreadySubmitted:
        _close_with(ack, "Already saved", ALREADY_SAVED)
        return
    if saved.errors:
        ack(response_action="errors", errors=saved.errors)
        return
    _close_with(ack, saved.title, saved.text)


def register(app: App) -> None:
    app.command(Command.KICKOFF)(handle_kickoff_command)
    app.view(Callback.KICKOFF_ROLE)(handle_role_step)
    app.view(Callback.KICKOFF_BRIEF)(handle_brief_step)
    app.view(Callback.KICKOFF_CONTRACT)(handle_contract_step)
