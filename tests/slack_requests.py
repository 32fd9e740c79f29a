"""Builders for requests shaped exactly like Slack's, signed with the v0 scheme."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote, urlencode

from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
TEAM_ID = "T0TANDEM"
OTHER_TEAM_ID = "T0ELSEWHERE"
API_APP_ID = "A0TANDEM"


def signed_headers(
    body: str, content_type: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Slack sends: content type, request timestamp and v0 signature."""
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
            "channel_name": "general",
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
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "api_app_id": API_APP_ID,
        "token": "verification_token",
        "trigger_id": "111.222.valid",
        "team": {"id": team_id, "domain": "acme-talent"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "type": "button",
                "value": value,
                "action_ts": "1700000001.000002",
            }
        ],
    }
    if view is None:
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel_id, "name": "hire"}
        payload["message"] = {"ts": message_ts, "type": "message"}
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
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "acme-talent"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "api_app_id": API_APP_ID,
        "token": "verification_token",
        "trigger_id": "111.222.valid",
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": "1596530361.3wRYuk3R",
            "title": {"type": "plain_text", "text": "Tandem"},
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": API_APP_ID,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": "B0TANDEM",
        },
        "response_urls": [],
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
                    "user_id": "U0TANDEMBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    )
