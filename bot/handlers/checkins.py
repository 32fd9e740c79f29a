"""Check-in threads (message events: replies, edits, deletions) and the post's buttons:
*Skip next week* and *Change day or time*."""

from __future__ import annotations

import logging
import re
from datetime import time
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.checkins import move_modal, skip_modal, skipped_note
from bot.blocks.kickoff import message_view
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import NOT_HERE, claim_submission, may_edit_role, open_for_editors
from bot.handlers.events import on_event, run_once
from bot.handlers.revisions import announce_revision
from bot.models import Role
from bot.services import checkins as checkin_service
from bot.services import roles as role_service
from bot.services.form_values import clock_time, whole_number
from bot.services.roles import RevisionStatus, RoleNotFound
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata

logger = logging.getLogger(__name__)

REPLY_SUBTYPES = {None, "thread_broadcast", "file_share"}
MESSAGE_TS = re.compile(r"[0-9]{1,20}\.[0-9]{1,10}")


def handle_message(
    body: dict[str, Any], event: dict[str, Any], context: BoltContext, sessions: SessionFactory
) -> None:
    """Record replies in check-in threads (``thread_ts`` set and different from ``ts``).

    Slack also sends ``message_changed`` / ``message_deleted`` for edits and deletions; all
    other channel messages are none of Tandem's business and are ignored.
    """
    subtype = event.get("subtype")
    team_id = context.team_id or body.get("team_id") or ""
    channel_id = event.get("channel", "")

    def is_checkin_thread(thread_ts: object, ts: object) -> bool:
        # Most channel messages are not check-in replies: answer that with one read, and
        # record nothing for them.
        if not thread_ts:
            return False
        if not (
            isinstance(thread_ts, str)
            and isinstance(ts, str)
            and MESSAGE_TS.fullmatch(thread_ts)
            and MESSAGE_TS.fullmatch(ts)
            and isinstance(channel_id, str)
            and channel_id
        ):
            logger.warning(
                "ignored message event %s: no usable ts, thread_ts or channel",
                body.get("event_id"),
            )
            return False
        if thread_ts == ts:
            return False
        with sessions() as session:
            return (
                checkin_service.checkin_for_thread(
                    session, team_id=team_id, channel_id=channel_id, thread_ts=thread_ts
                )
                is not None
            )

    def reply() -> None:
        with sessions.begin() as session:
            checkin = checkin_service.checkin_for_thread(
                session, team_id=team_id, channel_id=channel_id, thread_ts=event["thread_ts"]
            )
            if checkin is not None:
                checkin_service.record_reply(
                    session,
                    checkin,
                    user_id=event["user"],
                    ts=event["ts"],
                    text=event.get("text") or "",
                    now=utcnow(),
                )

    def edited() -> None:
        message = event.get("message") or {}
        with sessions.begin() as session:
            checkin_service.edit_reply(
                session,
                team_id=team_id,
                channel_id=channel_id,
                ts=message.get("ts", ""),
                text=message.get("text") or "",
                now=utcnow(),
            )

    def deleted() -> None:
        with sessions.begin() as session:
            checkin_service.delete_reply(
                session,
                team_id=team_id,
                channel_id=channel_id,
                ts=event.get("deleted_ts", ""),
                now=utcnow(),
            )

    if subtype in REPLY_SUBTYPES:
        if event.get("bot_id") or not event.get("user"):
            return
        if is_checkin_thread(event.get("thread_ts"), event.get("ts")):
            run_once(body, context, sessions, reply)
    elif subtype == "message_changed":
        message = event.get("message") or {}
        if is_checkin_thread(message.get("thread_ts"), message.get("ts")):
            run_once(body, context, sessions, edited)
    elif subtype == "message_deleted":
        previous = event.get("previous_message") or {}
        if is_checkin_thread(previous.get("thread_ts"), previous.get("ts")):
            run_once(body, context, sessions, deleted)


def handle_skip_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    thread = (body.get("container") or {}).get("message_ts")

    def build(session: Session, role: Role) -> dict[str, Any]:
        week, when = checkin_service.next_checkin(session, role, now=utcnow())
        return skip_modal(role.id, week, when, thread)

    open_for_editors(body, client, context, respond, sessions, what="skip a check-in", build=build)


def handle_skip(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    reason = (read_values(view).get("skip_reason") or "").strip()
    if not reason:
        ack(response_action="errors", errors={"skip_reason": "Say why, so the other side knows."})
        return
    now = utcnow()
    try:
        meta = parse_metadata(view.get("private_metadata"))
        if meta.role is None or meta.week is None:
            raise BadPayload("role/week")
        with sessions.begin() as session:
            role = role_service.get_role(session, team_id=context.team_id or "", role_id=meta.role)
            if not may_edit_role(session, role, client, context):
                raise RoleNotFound("not allowed")
            week, when = checkin_service.next_checkin(session, role, now=now)
            if week != meta.week:
                raise BadPayload("the next check-in changed")
            claim_submission(session, view, context)
            checkin_service.skip_week(
                session,
                role=role,
                week=week,
                scheduled_for=when,
                user_id=context.user_id or "",
                reason=reason,
                now=now,
            )
            channel_id = role.channel_id
    except (BadPayload, RoleNotFound):
        ack(
            response_action="update",
            view=message_view(
                "Skip a check-in",
                "That check-in can no longer be skipped here; open the latest check-in post.",
            ),
        )
        return
    except AlreadySubmitted:
        ack()  # the first submission skipped the week and posted the note
        return
    ack()
    text, blocks = skipped_note(context.user_id or "", when, reason)
    if channel_id:
        try:
            client.chat_postMessage(
                channel=channel_id, thread_ts=meta.thread, text=text, blocks=blocks
            )
        except SlackApiError as exc:
            logger.info("skip note failed: %s", exc.response.get("error"))


def handle_move_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()

    def build(session: Session, role: Role) -> dict[str, Any]:
        contract = role_service.current_brief(session, role).contract
        return move_modal(
            role.id, contract.checkin_weekday, contract.checkin_time.strftime("%H:%M")
        )

    open_for_editors(
        body, client, context, respond, sessions, what="move the check-in", build=build
    )


def handle_move(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    values = read_values(view)
    day = whole_number(values.get("checkin_day"), 0, 4)
    at = clock_time(values.get("checkin_time"))
    errors = {}
    if day is None:
        errors["checkin_day"] = "Pick a weekday from Monday to Friday."
    if at is None or not time(8, 0) <= at <= time(18, 0):
        errors["checkin_time"] = "Pick a time during working hours (08:00–18:00)."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    assert day is not None and at is not None and context.user_id is not None
    try:
        role_id = parse_metadata(view.get("private_metadata")).role
        if role_id is None:
            raise BadPayload("role")
        with sessions.begin() as session:
            role = role_service.get_role(session, team_id=context.team_id or "", role_id=role_id)
            if not may_edit_role(session, role, client, context):
                raise RoleNotFound("not allowed")
            brief = role_service.current_brief(session, role)
            contract = brief.contract.model_copy(
                update={"checkin_weekday": day, "checkin_time": at}
            )
            claim_submission(session, view, context)
            outcome = role_service.revise_brief(
                session,
                role=role,
                brief=brief.model_copy(update={"contract": contract}),
                editor_id=context.user_id,
                people=role_service.cached_people(session, role.team_id, [role.recruiter_id]),
                now=utcnow(),
            )
    except (BadPayload, RoleNotFound):
        ack(response_action="update", view=message_view("Check-in", NOT_HERE))
        return
    except AlreadySubmitted:
        ack()
        return
    ack()
    if outcome.status == RevisionStatus.CREATED:
        announce_revision(
            client, sessions, team_id=context.team_id or "", role_id=role_id, outcome=outcome
        )


def register(app: App) -> None:
    on_event(app, "message", handle_message)
    app.action(Action.SKIP_CHECKIN)(handle_skip_button)
    app.action(Action.MOVE_CHECKIN)(handle_move_button)
    app.view(Callback.SKIP_CHECKIN)(handle_skip)
    app.view(Callback.MOVE_CHECKIN)(handle_move)
