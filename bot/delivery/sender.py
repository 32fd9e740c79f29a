"""One claimed row → one Web API call (after a look in the channel's history when an earlier
attempt may have landed), and what Slack's answer means for the row.

The client has no retry handlers: a retry is the deliverer's decision (it knows whether a
post may already be in the channel), and a 429 is waited out by closing a gate in the
database, never by sleeping in a thread.
"""

from __future__ import annotations

import base64
import binascii
import logging
import urllib.error
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.brief_posts import MAX_NAME_ATTEMPTS, channel_name_variant
from bot.services.outbox import CREATE_CHANNEL, INVITE, POST, UPDATE, UPLOAD
from bot.services.outbox_claims import Claimed

logger = logging.getLogger(__name__)

EVENT_TYPE = "tandem_outbox"
# Our clock and Slack's may disagree; history is searched from a little before the row.
HISTORY_SLACK_SECONDS = 300
MAX_HISTORY_PAGES = 3
DEFAULT_RETRY_AFTER = 1.0

# Errors Slack will give again whatever we do: the row is parked with the reason.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "msg_too_long",
        "msg_blocks_too_long",
        "invalid_blocks",
        "invalid_blocks_format",
        "no_text",
        "too_many_attachments",
        "invalid_attachments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "cannot_reply_to_message",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "invalid_arguments",
        "invalid_arg_name",
        "invalid_array_arg",
        "invalid_charset",
        "invalid_form_data",
        "user_not_found",
        "user_not_in_channel",
        "cant_invite_self",
        "cant_invite",
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "not_allowed_token_type",
        "method_not_supported_for_channel_type",
        "name_taken",
        "invalid_name",
        "invalid_name_specials",
        "invalid_name_maxlength",
        "invalid_name_required",
        "not_pinnable",
        "too_many_pins",
        "bad_timestamp",
        "team_access_not_granted",
        "workspace_not_installed",
    }
)
# Answers that mean the call's effect is already there (a retry after an unknown outcome).
ALREADY_DONE = {
    "pins.add": {"already_pinned"},
    "conversations.invite": {"already_in_channel"},
    "conversations.join": {"already_in_channel"},
}


@dataclass(frozen=True)
class Sent:
    channel: str | None
    ts: str | None
    found_in_history: bool = False


@dataclass(frozen=True)
class Retry:
    """A transient failure; ``in_doubt`` when the call may have reached Slack."""

    error: str
    in_doubt: bool


@dataclass(frozen=True)
class RateLimited:
    method: str
    retry_after: float
    in_doubt: bool = False


@dataclass(frozen=True)
class Refused:
    error: str


Outcome = Sent | Retry | RateLimited | Refused


def _header(headers: Any, name: str) -> str | None:
    for key, value in dict(headers or {}).items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


def classify(method: str, exc: SlackApiError, args: dict[str, Any]) -> Outcome:
    """What a Slack error answer means for the row."""
    response = exc.response
    status = int(getattr(response, "status_code", 200) or 200)
    data = response.data if isinstance(response.data, dict) else {}
    error = str(data.get("error") or f"http_{status}")
    if status == 429 or error == "ratelimited":
        raw = _header(response.headers, "retry-after")
        try:
            retry_after = max(float(raw), 0.0) if raw is not None else DEFAULT_RETRY_AFTER
        except ValueError:
            retry_after = DEFAULT_RETRY_AFTER
        return RateLimited(method, retry_after)
    if status >= 500:
        # Slack (or a proxy in front of it) failed after reading the request: it may have
        # acted on it.
        return Retry(f"HTTP {status} from {method} ({error})", in_doubt=True)
    if error in ALREADY_DONE.get(method, ()):
        return Sent(args.get("channel"), None)
    if error in PERMANENT:
        return Refused(error)
    return Retry(f"{method}: {error}", in_doubt=False)


def _never_sent(exc: BaseException) -> bool:
    """A refused connection never carried the request; anything else might have."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return isinstance(reason, ConnectionRefusedError)


def _answer(method: str, data: dict[str, Any], args: dict[str, Any]) -> Sent:
    if method in (POST, UPDATE):
        return Sent(data.get("channel") or args.get("channel"), data.get("ts"))
    if method == CREATE_CHANNEL:
        return Sent((data.get("channel") or {}).get("id"), None)
    return Sent(args.get("channel"), None)


def call(client: WebClient, method: str, args: dict[str, Any]) -> Outcome:
    """Make the Web API call ``method`` and classify what happened."""
    function = getattr(client, method.replace(".", "_"))
    try:
        response = function(**args)
    except SlackApiError as exc:
        return classify(method, exc, args)
    except Exception as exc:
        return Retry(f"{method}: {type(exc).__name__}: {exc}", in_doubt=not _never_sent(exc))
    return _answer(method, response.data if isinstance(response.data, dict) else {}, args)


def _carries(message: dict[str, Any], outbox_id: int) -> bool:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != EVENT_TYPE:
        return False
    try:
        return int((metadata.get("event_payload") or {}).get("outbox_id")) == outbox_id
    except (TypeError, ValueError):
        return False


def look_in_history(client: WebClient, claimed: Claimed) -> Outcome | None:
    """The row's message if it is already in the channel (or thread); None when it is not
    there, or when Slack will not let us look (then posting is the lesser evil)."""
    channel = str(claimed.args.get("channel") or "")
    thread_ts = claimed.args.get("thread_ts")
    method = "conversations.replies" if thread_ts else "conversations.history"
    oldest = f"{claimed.created_at.timestamp() - HISTORY_SLACK_SECONDS:.6f}"
    try:
        if channel[:1] in ("U", "W"):
            # A DM addressed to a person: its history lives in the IM channel.
            method = "conversations.open"
            channel = client.conversations_open(users=channel)["channel"]["id"]
            method = "conversations.replies" if thread_ts else "conversations.history"
        cursor: str | None = None
        for _ in range(MAX_HISTORY_PAGES):
            query: dict[str, Any] = {
                "channel": channel,
                "oldest": oldest,
                "include_all_metadata": True,
                "limit": 200,
            }
            if cursor:
                query["cursor"] = cursor
            if thread_ts:
                page = client.conversations_replies(ts=thread_ts, **query)
            else:
                page = client.conversations_history(**query)
            for message in page.get("messages") or []:
                if _carries(message, claimed.id):
                    return Sent(channel, str(message["ts"]), found_in_history=True)
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
    except SlackApiError as exc:
        outcome = classify(method, exc, {"channel": channel})
        if isinstance(outcome, Refused | Sent):
            logger.warning(
                "outbox #%s: cannot look in %s history (%s); posting without checking",
                claimed.id,
                channel,
                outcome,
            )
            return None
        if isinstance(outcome, RateLimited):
            return RateLimited(outcome.method, outcome.retry_after, in_doubt=True)
        return Retry(f"history check: {outcome.error}", in_doubt=True)
    except Exception as exc:
        return Retry(f"history check: {type(exc).__name__}: {exc}", in_doubt=True)
    return None


def find_created_channel(client: WebClient, name: str) -> Outcome | None:
    """The channel an earlier, unanswered ``conversations.create`` made, if it is there: named
    ``name``, with Tandem as its only member (the invitations wait for the creation)."""
    cursor: str | None = None
    try:
        for _ in range(MAX_HISTORY_PAGES):
            page = client.conversations_list(
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=1000,
                cursor=cursor,
            )
            for channel in page.get("channels") or []:
                if (
                    channel.get("name") == name
                    and channel.get("is_member")
                    and channel.get("num_members") == 1
                ):
                    return Sent(str(channel["id"]), None, found_in_history=True)
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
    except SlackApiError as exc:
        outcome = classify("conversations.list", exc, {})
        if isinstance(outcome, RateLimited):
            return RateLimited(outcome.method, outcome.retry_after, in_doubt=True)
        if isinstance(outcome, Retry):
            return Retry(f"channel check: {outcome.error}", in_doubt=True)
        return None  # Slack will not let us look: a second name is the lesser evil
    except Exception as exc:
        return Retry(f"channel check: {type(exc).__name__}: {exc}", in_doubt=True)
    return None


# A refusal that names one of the people invited: the others are invited one by one.
PER_USER_INVITE_ERRORS = frozenset(
    {
        "cant_invite",
        "cant_invite_self",
        "user_not_found",
        "user_is_restricted",
        "user_is_deactivated",
        "ura_max_channels",
        "failed_for_some_users",
    }
)


def invite(client: WebClient, args: dict[str, Any]) -> Outcome:
    """``conversations.invite`` of everyone at once; when Slack refuses because of one of
    them, each person on their own, so one refusal never keeps the others out (the refused
    are logged). A transient failure on the way makes the whole row try again (those
    already in answer ``already_in_channel``, which counts as done)."""
    users = [u for u in str(args.get("users") or "").split(",") if u]
    outcome = call(client, INVITE, args)
    if len(users) < 2 or not (
        isinstance(outcome, Refused) and outcome.error in PER_USER_INVITE_ERRORS
    ):
        return outcome
    for user_id in users:
        single = call(client, INVITE, {**args, "users": user_id})
        if isinstance(single, Refused):
            logger.info("could not invite %s to %s: %s", user_id, args.get("channel"), single.error)
        elif not isinstance(single, Sent):
            return single
    return Sent(args.get("channel"), None)


def create_channel(client: WebClient, args: dict[str, Any], *, in_doubt: bool) -> Outcome:
    """``conversations.create`` under the row's name or, while Slack says ``name_taken``, the
    next free one (``hire-x-2``, ``hire-x-3`` …): a taken name is not worth parking a role's
    whole brief for. After an unknown outcome a taken name may be the channel the lost
    attempt made: it is looked for before the next name is tried."""
    base = str(args.get("name") or "")
    outcome: Outcome = Refused("invalid_name_required")
    for attempt in range(MAX_NAME_ATTEMPTS):
        name = channel_name_variant(base, attempt)
        outcome = call(client, CREATE_CHANNEL, {**args, "name": name})
        if not (isinstance(outcome, Refused) and outcome.error == "name_taken"):
            return outcome
        if in_doubt:
            found = find_created_channel(client, name)
            if found is not None:
                return found
    return outcome


def _conversation(client: WebClient, channel: str) -> str:
    """A DM addressed to a person is shared into their IM channel (uploads need its id)."""
    if channel[:1] in ("U", "W"):
        return str(client.conversations_open(users=channel)["channel"]["id"])
    return channel


def _has_file(message: dict[str, Any], filename: str) -> bool:
    return any(f.get("name") == filename for f in message.get("files") or [])


def find_upload(client: WebClient, channel: str, claimed: Claimed) -> Outcome | None:
    """The message an earlier, unanswered upload of the row shared, if it is in the channel
    (found by its unique file name); None when it is not (or Slack will not let us look)."""
    filename = str(claimed.args.get("filename") or "")
    oldest = f"{claimed.created_at.timestamp() - HISTORY_SLACK_SECONDS:.6f}"
    try:
        page = client.conversations_history(channel=channel, oldest=oldest, limit=200)
    except SlackApiError as exc:
        outcome = classify("conversations.history", exc, {"channel": channel})
        if isinstance(outcome, RateLimited):
            return RateLimited(outcome.method, outcome.retry_after, in_doubt=True)
        return (
            Retry(f"history check: {outcome}", in_doubt=True)
            if isinstance(outcome, Retry)
            else None
        )
    except Exception as exc:
        return Retry(f"history check: {type(exc).__name__}: {exc}", in_doubt=True)
    for message in page.get("messages") or []:
        if _has_file(message, filename):
            return Sent(channel, str(message["ts"]), found_in_history=True)
    return None


def upload(client: WebClient, claimed: Claimed) -> Outcome:
    """An :data:`UPLOAD` row: the file shared into its channel (or DM) with its comment."""
    args = claimed.args
    try:
        content = base64.b64decode(str(args.get("content_b64") or ""), validate=True)
    except (binascii.Error, ValueError):
        return Refused("invalid_arguments")
    try:
        channel = _conversation(client, str(args.get("channel") or ""))
    except SlackApiError as exc:
        return classify("conversations.open", exc, args)
    except Exception as exc:
        return Retry(f"conversations.open: {type(exc).__name__}: {exc}", in_doubt=False)
    if claimed.in_doubt:
        found = find_upload(client, channel, claimed)
        if found is not None:
            return found
    try:
        response = client.files_upload_v2(
            channel=channel,
            content=content,
            filename=str(args.get("filename") or "file"),
            title=str(args.get("title") or ""),
            alt_txt=args.get("alt_txt"),
            initial_comment=args.get("initial_comment"),
            thread_ts=args.get("thread_ts"),
            request_file_info=False,
        )
    except SlackApiError as exc:
        return classify(UPLOAD, exc, args)
    except Exception as exc:
        # The three steps may have half-happened: the file's name tells on a retry.
        return Retry(f"{UPLOAD}: {type(exc).__name__}: {exc}", in_doubt=not _never_sent(exc))
    del response  # completeUploadExternal names the files, not the message that shares them
    return Sent(channel, None)


def deliver(client: WebClient, claimed: Claimed) -> Outcome:
    """Send one claimed row: posts carry their outbox id in message metadata, so a post whose
    outcome was unknown is found in the channel instead of being posted twice."""
    args = dict(claimed.args)
    if claimed.method == CREATE_CHANNEL:
        return create_channel(client, args, in_doubt=claimed.in_doubt)
    if claimed.method == INVITE:
        return invite(client, args)
    if claimed.method == UPLOAD:
        return upload(client, claimed)
    if claimed.method == POST:
        args["metadata"] = {"event_type": EVENT_TYPE, "event_payload": {"outbox_id": claimed.id}}
        if claimed.in_doubt:
            found = look_in_history(client, claimed)
            if found is not None:
                return found
    outcome = call(client, claimed.method, args)
    if isinstance(outcome, RateLimited) and claimed.in_doubt:
        return RateLimited(outcome.method, outcome.retry_after, in_doubt=True)
    return outcome
