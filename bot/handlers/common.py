"""Small pieces every handler module shares: answering privately, reading a button, rights."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.models import Role
from bot.services import roles as role_service
from bot.services.people import refresh_people
from bot.slack.lookups import user_fetcher
from bot.slack.metadata import parse_id

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
