"""Check-in threads (message events: replies, edits, deletions) and the post's buttons:
*Skip next week* and *Change day or time*. Each listener parses its payload and hands it to
one use case (``bot.services.checkin_replies``, ``bot.services.checkin_changes``)."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.kickoff import message_view
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import NOT_HERE, action_value, actor_of, open_modal, submitted_view, tell
from bot.handlers.events import on_event, run_once
from bot.services import checkin_changes, checkin_replies
from bot.services.errors import NotAllowed, RoleNotFound
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.metadata import BadPayload, parse_metadata

logger = logging.getLogger(__name__)

REPLY_SUBTYPES = {None, "thread_broadcast", "file_share"}
MESSAGE_TS = re.compile(r"[0-9]{1,20}\.[0-9]{1,10}")
SKIP_GONE = "That check-in can no longer be skipped here; open the latest check-in post."


def handle_message(
    body: dict[str, Any], event: dict[str, Any], context: BoltContext, sessions: SessionFactory
) -> None:
    """Record replies in check-in threads (``thread_ts`` set and different from ``ts``).

    Slack also sends ``message_changed`` / ``message_deleted`` for edits and deletions; all
    other channel messages are none of Tandem's business and are ignored.
    """
    subtype = event.get("subtype")
    team_id = context.team_id or body.get("team_id")
    if not isinstance(team_id, str) or not team_id:
        # Every row is a workspace's: without one, no check-in thread can be this message's.
        logger.warning("ignored message event %s: no workspace", body.get("event_id"))
        return
    channel_id = event.get("channel", "")

    def is_checkin_thread(thread_ts: object, ts: object) -> bool:
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
        return thread_ts != ts and checkin_replies.is_checkin_thread(
            sessions, team_id=team_id, channel_id=channel_id, thread_ts=thread_ts
        )

    def reply() -> None:
        checkin_replies.record_thread_reply(
            sessions,
            team_id=team_id,
            channel_id=channel_id,
            thread_ts=event["thread_ts"],
            user_id=event["user"],
            ts=event["ts"],
            text=event.get("text") or "",
            now=utcnow(),
        )

    def edited() -> None:
        message = event.get("message") or {}
        checkin_replies.record_reply_edit(
            sessions,
            team_id=team_id,
            channel_id=channel_id,
            ts=message.get("ts", ""),
            text=message.get("text") or "",
            now=utcnow(),
        )

    def deleted() -> None:
        checkin_replies.record_reply_deletion(
            sessions,
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
    """*Skip next week*: the modal asking why (to editors of the role)."""
    ack()
    thread = (body.get("container") or {}).get("message_ts")
    try:
        view = checkin_changes.skip_form(
            sessions,
            actor_of(context, client),
            action_value(body),
            thread=thread if isinstance(thread, str) else None,
            now=utcnow(),
        )
    except NotAllowed as refusal:
        tell(respond, str(refusal))
        return
    except (BadPayload, RoleNotFound):
        tell(respond, NOT_HERE)
        return
    open_modal(client, body, respond, view)


def handle_skip(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """The skip modal's submission: the week is skipped and the note queued together."""
    reason = (read_values(view).get("skip_reason") or "").strip()
    if not reason:
        ack(response_action="errors", errors={"skip_reason": "Say why, so the other side knows."})
        return
    try:
        meta = parse_metadata(view.get("private_metadata"))
        checkin_changes.skip_checkin(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            role_id=meta.role,
            week=meta.week,
            thread=meta.thread,
            reason=reason,
            now=utcnow(),
        )
    except (BadPayload, RoleNotFound, checkin_changes.CheckinMoved):
        ack(response_action="update", view=message_view("Skip a check-in", SKIP_GONE))
        return
    except NotAllowed as refusal:
        ack(response_action="update", view=message_view("Skip a check-in", str(refusal)))
        return
    except AlreadySubmitted:
        pass  # the first submission skipped the week and queued the note
    ack()


def handle_move_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """*Change day or time*: the modal with the contract's current schedule (to editors)."""
    ack()
    try:
        view = checkin_changes.move_form(
            sessions, actor_of(context, client), action_value(body), now=utcnow()
        )
    except NotAllowed as refusal:
        tell(respond, str(refusal))
        return
    except (BadPayload, RoleNotFound):
        tell(respond, NOT_HERE)
        return
    open_modal(client, body, respond, view)


def handle_move(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """The move modal's submission: a contract revision, announced in the brief's thread."""
    values = read_values(view)
    schedule = checkin_changes.read_schedule(values.get("checkin_day"), values.get("checkin_time"))
    if isinstance(schedule, dict):
        ack(response_action="errors", errors=schedule)
        return
    weekday, at = schedule
    try:
        role_id = parse_metadata(view.get("private_metadata")).role
        checkin_changes.move_checkin(
            sessions,
            actor_of(context, client),
            submitted_view(view),
            role_id=role_id,
            weekday=weekday,
            at=at,
            now=utcnow(),
        )
    except (BadPayload, RoleNotFound):
        ack(response_action="update", view=message_view("Check-in", NOT_HERE))
        return
    except NotAllowed as refusal:
        ack(response_action="update", view=message_view("Check-in", str(refusal)))
        return
    except AlreadySubmitted:
        ack()
        return
    ack()


def register(app: App) -> None:
    on_event(app, "message", handle_message)
    app.action(Action.SKIP_CHECKIN)(handle_skip_button)
    app.action(Action.MOVE_CHECKIN)(handle_move_button)
    app.view(Callback.SKIP_CHECKIN)(handle_skip)
    app.view(Callback.MOVE_CHECKIN)(handle_move)
