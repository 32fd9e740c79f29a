"""Signed Slack-shaped requests for tests: the package's builders with the tests' secret.

The builders live in ``bot.sandbox.requests`` (``tandem demo`` uses them too); this module
only adds the signing secret every test app is configured with and a foreign workspace id.
"""

from __future__ import annotations

from bot.sandbox.requests import (
    API_APP_ID,
    block_action_payload,
    block_suggestion_payload,
    event_envelope,
    interactive_body,
    slash_command_body,
    view_submission_payload,
)
from bot.sandbox.requests import signed_headers as _signed_headers
from bot.sandbox.slack_standin import TEAM_ID

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
OTHER_TEAM_ID = "T0ELSEWHERE"

__all__ = [
    "API_APP_ID",
    "OTHER_TEAM_ID",
    "SIGNING_SECRET",
    "TEAM_ID",
    "block_action_payload",
    "block_suggestion_payload",
    "event_envelope",
    "interactive_body",
    "signed_headers",
    "slash_command_body",
    "view_submission_payload",
]


def signed_headers(
    body: str, content_type: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Slack sends, signed with the test apps' secret unless told otherwise."""
    return _signed_headers(body, content_type, secret=secret, timestamp=timestamp)
