"""Small pieces every handler module shares: answering privately, reading a button, rights."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.db import SessionFactory
from bot.models import Role
from bot.services import roles as role_service
from bot.services.people import refresh_people
from bot.services.roles import RoleNotFound
from bot.slack.lookups import user_fetcher
from bot.slack.metadata import BadPayload, parse_id

NOT_HERE = "That role does not exist in this workspace (or was removed)."
EDITORS_ONLY = "Only the role's recruiter, hiring manager or a workspace admin can {what}."


def tell(respond: Respond, text: str) -> None:
    """An ephemeral answer to the person who pressed the button."""
    respond(text=text, response_type="ephemeral", replace_original=False)


def action_value(body: dict[str, Any]) -> int:
    return parse_id(body["actions"][0].get("value"))


def may_edit_role(session: Session, role: Role, client: WebClient, context: BoltContext) -> bool:
    """Party to the role, or a workspace admin (asked of Slack only for outsiders)."""
    assert context.team_id is not None and context.user_id is not None
    if context.user_id in (role.recruiter_id, role.hiring_manager_id):
        return True
    person = refresh_people(
        session,
        team_id=context.team_id,
        user_ids=[context.user_id],
        fetch=user_fetcher(client),
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
    client.views_open(trigger_id=body["trigger_id"], view=view)
