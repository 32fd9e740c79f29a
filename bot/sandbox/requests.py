"""Requests shaped exactly like the ones Slack sends to an app, signed with the v0 scheme.

Slack reaches Tandem only through signed HTTP: slash commands (form fields), interactivity
(a form field ``payload`` holding JSON) and Events API envelopes (JSON). These builders make
the same bodies and headers, so the test suite and ``tandem demo`` can drive the real app
without a workspace; the shapes follow ``shared/slack/payloads/`` and slack-platform.md §3.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import quote, urlencode

from slack_sdk.signature import SignatureVerifier

from bot.sandbox.slack_standin import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID

API_APP_ID = APP_ID
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

_trigger_numbers = itertools.count(1)


def new_trigger_id() -> str:
    """A fresh ``trigger_id`` (Slack's are single-use; the stand-in does not check them)."""
    return f"{int(time.time())}.{next(_trigger_numbers)}.sandbox"


def signed_headers(
    body: str, content_type: str, *, secret: str, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Slack sends: content type, request timestamp and v0 signature.

    The timestamp is the process clock, so a clock moved by freezegun signs "now" as the app
    sees it; ``timestamp`` overrides it (stale requests, Slack's published test vector).
    """
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def slash_command_body(
    command: str,
    text: str = "",
    *,
    user_id: str,
    channel_id: str = "C0GENERAL",
    channel_name: str = "general",
    team_id: str = TEAM_ID,
    response_url: str = "https://hooks.slack.com/commands/T0TANDEM/1/x",
    trigger_id: str = "13345224609.738474920.8088930838d88f008e0",
) -> str:
    """Form-encoded body of a slash command (fields as in slash_command.form-fields.json)."""
    return urlencode(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": team_id,
            "team_domain": "acme-talent",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": API_APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def interactive_body(payload: dict[str, Any]) -> str:
    """Interactivity bodies are form-encoded with one field, ``payload``, holding JSON."""
    return "payload=" + quote(json.dumps(payload))


def block_action_payload(
    *,
    user_id: str,
    action_id: str,
    value: str = "",
    block_id: str = "actions",
    channel_id: str = "C0GENERAL",
    message_ts: str = "1700000001.000001",
    team_id: str = TEAM_ID,
    response_url: str = "https://hooks.slack.com/actions/T0TANDEM/1/x",
    view: dict[str, Any] | None = None,
    message: dict[str, Any] | None = None,
    button_text: str = "",
    trigger_id: str = "111.222.valid",
) -> dict[str, Any]:
    """A ``block_actions`` payload for a button pressed on a message (or inside ``view``).

    ``message`` is the message the button is on, as Slack includes it (ts, text, blocks);
    without it only its ``ts`` is sent.
    """
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": "button",
        "value": value,
        "action_ts": f"{time.time():.6f}",
    }
    if button_text:
        action["text"] = {"type": "plain_text", "text": button_text, "emoji": True}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "api_app_id": API_APP_ID,
        "token": "verification_token",
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": "acme-talent"},
        "response_url": response_url,
        "actions": [action],
    }
    if view is None:
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel_id, "name": "hire"}
        payload["message"] = (
            {"type": "message", **message, "ts": message_ts}
            if message is not None
            else {"ts": message_ts, "type": "message"}
        )
    else:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0TEST")}
        payload["view"] = view
    return payload


def view_submission_payload(
    *,
    user_id: str,
    callback_id: str,
    values: dict[str, dict[str, Any]],
    private_metadata: str = "",
    team_id: str = TEAM_ID,
    view_id: str = "V0TEST",
    title: str = "Tandem",
    trigger_id: str = "111.222.valid",
    blocks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A ``view_submission`` payload: the modal's ``state.values`` as the person left them,
    and its ``blocks`` as Slack showed them."""
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "acme-talent"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "api_app_id": API_APP_ID,
        "token": "verification_token",
        "trigger_id": trigger_id,
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": list(blocks or []),
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": "1596530361.3wRYuk3R",
            "title": {"type": "plain_text", "text": title},
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": API_APP_ID,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
    }


def block_suggestion_payload(
    *,
    user_id: str,
    action_id: str,
    block_id: str,
    value: str,
    view: dict[str, Any],
    view_id: str = "V0TEST",
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A ``block_suggestion`` payload: Slack asks for the options of an ``external_select`` in
    ``view`` while the person types ``value`` (empty when they just opened the menu)."""
    return {
        "type": "block_suggestion",
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "team": {"id": team_id, "domain": "acme-talent"},
        "api_app_id": API_APP_ID,
        "token": "verification_token",
        "container": {"type": "view", "view_id": view_id},
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": "1596530361.3wRYuk3R",
            "title": view.get("title") or {"type": "plain_text", "text": "Tandem"},
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": API_APP_ID,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        },
    }


def event_envelope(
    event: dict[str, Any], *, event_id: str, team_id: str = TEAM_ID, event_time: int | None = None
) -> str:
    """An Events API ``event_callback`` envelope (application/json)."""
    return json.dumps(
        {
            "token": "verification_token",
            "team_id": team_id,
            "api_app_id": API_APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": event_time or int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    )
