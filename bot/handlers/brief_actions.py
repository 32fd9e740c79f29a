"""The buttons on a brief (agree, edit, change plan), in its thread (acknowledge), in the
submitter's DM (post again), and the hiring-plan modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.brief import acknowledgement_blocks
from bot.blocks.kickoff import message_view, plan_view, role_step_view
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import (
    EDITORS_ONLY,
    NOT_HERE,
    action_value,
    claim_submission,
    may_edit_role,
    open_for_editors,
    tell,
)
from bot.handlers.revisions import announce_revision
from bot.models import Role
from bot.services import agreement
from bot.services import drafts as draft_service
from bot.services import roles as role_service
from bot.services.agreement import AgreeOutcome
from bot.services.brief import PlanItem
from bot.services.kickoff_form import validate_plan
from bot.services.roles import NotAllowed, RevisionStatus, RoleNotFound
from bot.services.submissions import AlreadySubmitted
from bot.slack.briefs import PublishStatus, publish_brief, refresh_brief
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata

logger = logging.getLogger(__name__)


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
    assert context.team_id is not None and context.user_id is not None
    try:
        with sessions.begin() as session:
            role = role_service.get_role(
                session, team_id=context.team_id, role_id=action_value(body)
            )
            outcome = agreement.agree_to_contract(
                session, role=role, user_id=context.user_id, now=utcnow()
            )
            role_id = role.id
    except (BadPayload, RoleNotFound):
        tell(respond, NOT_HERE)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    if outcome == AgreeOutcome.ALREADY:
        tell(respond, "You have already agreed to this contract.")
        return
    refresh_brief(client, sessions, team_id=context.team_id, role_id=role_id)


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

    def build(session: Any, role: Role) -> dict[str, Any]:
        assert context.user_id is not None
        draft = draft_service.start_draft(
            session, team_id=role.team_id, user_id=context.user_id, now=utcnow(), role=role
        )
        return role_step_view(
            draft_id=draft.id, answers=draft.answers, submitter_id=context.user_id, editing=True
        )

    open_for_editors(body, client, context, respond, sessions, what="edit the brief", build=build)


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

    def build(session: Any, role: Role) -> dict[str, Any]:
        brief = role_service.current_brief(session, role)
        plan = [item.model_dump(mode="json") for item in brief.plan]
        return plan_view(role_id=role.id, title=role.title, plan=plan)

    open_for_editors(body, client, context, respond, sessions, what="change the plan", build=build)


def handle_plan_submission(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """Save a changed plan as a new revision."""
    values = read_values(view)
    now = utcnow()
    assert context.team_id is not None and context.user_id is not None
    try:
        role_id = parse_metadata(view.get("private_metadata")).role
        if role_id is None:
            raise BadPayload("role id")
        with sessions.begin() as session:
            role = role_service.get_role(session, team_id=context.team_id, role_id=role_id)
            if not may_edit_role(session, role, client, context):
                raise NotAllowed(EDITORS_ONLY.format(what="change the plan"))
            brief = role_service.current_brief(session, role)
            today = role_service.today_for_user(session, context.team_id, context.user_id, now)
            result = validate_plan(values, today=today, target_fill_date=brief.target_fill_date)
            if not result.ok:
                ack(response_action="errors", errors=result.errors)
                return
            changed = brief.model_copy(
                update={"plan": [PlanItem.model_validate(p) for p in result.answers["plan"]]}
            )
            people = role_service.cached_people(session, role.team_id, [role.recruiter_id])
            claim_submission(session, view, context)
            outcome = role_service.revise_brief(
                session, role=role, brief=changed, editor_id=context.user_id, people=people, now=now
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
    ack()
    if outcome.status == RevisionStatus.CREATED:
        announce_revision(
            client, sessions, team_id=context.team_id, role_id=role_id, outcome=outcome
        )


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
    assert context.team_id is not None and context.user_id is not None
    try:
        with sessions.begin() as session:
            role, acknowledgement, fresh = agreement.acknowledge_change(
                session,
                team_id=context.team_id,
                acknowledgement_id=action_value(body),
                user_id=context.user_id,
                now=utcnow(),
            )
            role_id = role.id
            done = acknowledgement_blocks([acknowledgement])
    except (BadPayload, RoleNotFound):
        tell(respond, NOT_HERE)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    if not fresh:
        tell(respond, "You have already acknowledged this change.")
        return
    message = body.get("message") or {}
    pressed = str(acknowledgement.id)
    blocks: list[dict[str, Any]] = []
    for block in message.get("blocks") or []:
        is_this_button = block.get("type") == "actions" and any(
            e.get("value") == pressed for e in block.get("elements", [])
        )
        blocks += done if is_this_button else [block]
    channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get(
        "id"
    )
    if channel and message.get("ts"):
        client.chat_update(
            channel=channel, ts=message["ts"], text=message.get("text", ""), blocks=blocks
        )
    refresh_brief(client, sessions, team_id=context.team_id, role_id=role_id)


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
    assert context.team_id is not None and context.user_id is not None
    try:
        with sessions.begin() as session:
            role = role_service.get_role(
                session, team_id=context.team_id, role_id=action_value(body)
            )
            allowed = context.user_id == role.created_by or may_edit_role(
                session, role, client, context
            )
            role_id = role.id
    except (BadPayload, RoleNotFound):
        tell(respond, NOT_HERE)
        return
    if not allowed:
        tell(respond, EDITORS_ONLY.format(what="post the brief"))
        return
    result = publish_brief(
        client, sessions, team_id=context.team_id, role_id=role_id, now=utcnow(), after_failure=True
    )
    if result.status == PublishStatus.POSTED:
        respond(
            text=f":white_check_mark: The brief is posted and pinned in <#{result.channel_id}>.",
            replace_original=True,
        )
    elif result.status == PublishStatus.BUSY:
        tell(respond, "The brief is already posted, or being posted right now.")
    else:
        tell(
            respond,
            f"Slack refused again (`{result.error}`). Tandem keeps trying every few minutes.",
        )


def register(app: App) -> None:
    app.action(Action.AGREE)(handle_agree)
    app.action(Action.EDIT)(handle_edit)
    app.action(Action.CHANGE_PLAN)(handle_change_plan)
    app.action(Action.ACKNOWLEDGE)(handle_acknowledge)
    app.action(Action.POST_AGAIN)(handle_post_again)
    app.view(Callback.PLAN)(handle_plan_submission)
