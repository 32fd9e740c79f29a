"""Small pieces every handler module shares: answering privately, reading a button, rights."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.kickoff import message_view
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.models import Role, Workspace
from bot.services import roles as role_service
from bot.services import submissions
from bot.services.actors import Actor, SubmittedView
from bot.services.people import refresh_people
from bot.services.roles import RoleNotFound
from bot.slack.lookups import request_user_fetcher
from bot.slack.metadata import BadPayload, parse_id, parse_metadata

logger = logging.getLogger(__name__)

NOT_HERE = "That role does not exist in this workspace (or was removed)."
EDITORS_ONLY = "Only the role's recruiter, hiring manager or a workspace admin can {what}."
ALREADY_SAVED = (
    "This form is already saved: it was submitted once (a double-click, or Slack sending it "
    "again) and Tandem kept that submission. Nothing was saved twice."
)


NO_TRIGGER = (
    "Slack did not send what Tandem needs to open that form (a trigger id). "
    "Please try again; if it keeps happening, tell whoever runs Tandem."
)
TRIGGER_EXPIRED = (
    "Slack took too long to hand the form over, so it could not open. "
    "Please press the button (or type the command) again."
)
# views.open's answers when the trigger id is older than 3 seconds, used or unknown.
_TRIGGER_ERRORS = {"expired_trigger_id", "trigger_expired", "exchanged_trigger_id"}


def tell(respond: Respond, text: str) -> None:
    """An ephemeral answer to the person who pressed the button."""
    respond(text=text, response_type="ephemeral", replace_original=False)


def open_modal(
    client: WebClient, body: dict[str, Any], respond: Respond, view: dict[str, Any]
) -> None:
    """``views.open`` with the request's trigger id; a missing or expired one is explained
    to the person (what to do next) instead of failing."""
    trigger_id = body.get("trigger_id")
    if not isinstance(trigger_id, str) or not trigger_id:
        logger.warning("cannot open a modal: the request has no trigger_id")
        tell(respond, NO_TRIGGER)
        return
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        if error not in _TRIGGER_ERRORS:
            raise
        logger.warning("views.open refused the trigger id: %s", error)
        tell(respond, TRIGGER_EXPIRED)


def actor_of(context: BoltContext, client: WebClient) -> Actor:
    """The person a request is from, with a ``users.info`` bounded by the request's budget
    (so a use case can check an outsider's admin rights without holding up the answer)."""
    assert context.team_id is not None and context.user_id is not None
    budget = context["settings"].tandem_slack_lookup_budget_seconds
    return Actor(
        team_id=context.team_id,
        user_id=context.user_id,
        fetch=request_user_fetcher(client, budget),
        enterprise_id=context.enterprise_id,
    )


def submitted_view(view: dict[str, Any]) -> SubmittedView:
    """What identifies a modal's submission (``BadPayload`` without a view id)."""
    return SubmittedView(view_id=view_id(view), callback_id=str(view.get("callback_id") or ""))


def action_value(body: dict[str, Any]) -> int:
    return parse_id(body["actions"][0].get("value"))


def may_edit_role(session: Session, role: Role, client: WebClient, context: BoltContext) -> bool:
    """Party to the role, or a workspace admin (asked of Slack only for outsiders, within the
    request's budget: this runs before an ack or a trigger id's use)."""
    assert context.team_id is not None and context.user_id is not None
    if context.user_id in (role.recruiter_id, role.hiring_manager_id):
        return True
    person = refresh_people(
        session,
        team_id=context.team_id,
        user_ids=[context.user_id],
        fetch=request_user_fetcher(client, context["settings"].tandem_slack_lookup_budget_seconds),
        now=utcnow(),
    ).get(context.user_id)
    return role_service.may_edit(role, context.user_id, person)


ModalBuilder = Callable[[Session, Role], "dict[str, Any] | str"]


def open_for_editors(
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
    *,
    what: str,
    build: ModalBuilder,
) -> None:
    """Open the modal ``build`` makes for the pressed button's role — if the person may edit
    the role; otherwise say privately why not. ``build`` may return text to say instead (e.g.
    "add a candidate first"). Call after ``ack()``: the trigger id is fresh for 3 seconds."""
    try:
        with sessions.begin() as session:
            role = role_service.get_role(
                session, team_id=context.team_id or "", role_id=action_value(body)
            )
            if not may_edit_role(session, role, client, context):
                tell(respond, EDITORS_ONLY.format(what=what))
                return
            view = build(session, role)
    except (BadPayload, RoleNotFound):
        tell(respond, NOT_HERE)
        return
    if isinstance(view, str):
        tell(respond, view)
        return
    open_modal(client, body, respond, view)


def full_names_in_channels(session: Session, team_id: str) -> bool:
    """Whether the workspace lets channel posts show candidates' full names."""
    return bool(
        session.scalar(select(Workspace.full_names_in_channels).where(Workspace.team_id == team_id))
    )


def thread_note(
    client: WebClient, role: Role, text: str, blocks: list[dict[str, Any]]
) -> str | None:
    """A short note in the brief's thread (None when there is no posted brief)."""
    if not role.channel_id or not role.brief_ts:
        return None
    try:
        posted = client.chat_postMessage(
            channel=role.channel_id, thread_ts=role.brief_ts, text=text, blocks=blocks
        )
    except SlackApiError as exc:
        logger.warning("note in role %s thread failed: %s", role.id, exc.response.get("error"))
        return None
    return str(posted["ts"])


def role_from_view(session: Session, view: dict[str, Any], context: BoltContext) -> Role:
    role_id = parse_metadata(view.get("private_metadata")).role
    if role_id is None:
        raise BadPayload("role id")
    return role_service.get_role(session, team_id=context.team_id or "", role_id=role_id)


def view_id(view: dict[str, Any]) -> str:
    value = str(view.get("id") or "")
    if not value:
        raise BadPayload("view id")
    return value[:64]


def claim_submission(session: Session, view: dict[str, Any], context: BoltContext) -> None:
    """Claim the submitted modal's view id in the transaction that saves it; raises
    ``AlreadySubmitted`` when an earlier (or concurrent) submission of it was saved."""
    submissions.claim_view(
        session,
        team_id=context.team_id or "",
        view_id=view_id(view),
        callback_id=str(view.get("callback_id") or ""),
        user_id=context.user_id or "",
        now=utcnow(),
    )


def already_submitted(session: Session, view: dict[str, Any], context: BoltContext) -> bool:
    return submissions.was_submitted(session, team_id=context.team_id or "", view_id=view_id(view))


def open_or_tell(
    client: WebClient, body: dict[str, Any], respond: Respond, outcome: dict[str, Any] | str
) -> None:
    """Open the modal a use case built, or say privately the text it returned instead."""
    if isinstance(outcome, str):
        tell(respond, outcome)
        return
    open_modal(client, body, respond, outcome)


def modal_update(title: str, text: str) -> dict[str, Any]:
    """An ``ack`` that replaces a submitted modal with a message (why it was not saved)."""
    return {"response_action": "update", "view": message_view(title, text)}
