"""Checking a request that claims to come from Slack, before anything parses it.

Bolt parses the body (JSON, or the ``payload`` form field) before its own signature check,
so an unsigned or malformed body would reach that parsing — and a parser — unauthenticated.
:func:`check_request` runs first, on the raw bytes, in this order:

1. the ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` headers must be well formed,
   the timestamp within five minutes of the clock and the v0 signature right (401);
2. the body must be UTF-8 and be one of the bodies Slack sends: a JSON object with a
   ``type`` (Events API), a form whose ``payload`` is a JSON object with a ``type``
   (interactivity), or a slash command's form fields (400).

Each refusal is a :class:`Refused` whose ``reason`` is the one line the web layer logs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import Clock, SignatureVerifier

from bot.clock import utcnow

_TIMESTAMP = re.compile(r"[0-9]{1,15}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class Refused(Exception):
    """The request is not one Tandem acts on; ``status`` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _TandemClock(Clock):
    """The signature's five-minute window follows Tandem's one clock (``bot.clock``)."""

    def now(self) -> float:
        return utcnow().timestamp()


def make_verifier(signing_secret: str) -> SignatureVerifier:
    return SignatureVerifier(signing_secret, clock=_TandemClock())


def is_ssl_check(raw: bytes) -> bool:
    """Slack's ``ssl_check=1`` probe of a slash command URL; it changes nothing, so it is
    answered even unsigned (as Bolt does)."""
    try:
        fields = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return False
    return fields.get("ssl_check") == "1" and "command" not in fields


def check_request(
    raw: bytes, headers: Mapping[str, str], verifier: SignatureVerifier
) -> tuple[str, dict[str, Any]]:
    """The body as text and parsed, once the request is signed by Slack and well formed.

    ``headers`` have lower-case names. Raises :class:`Refused` otherwise.
    """
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp or not signature:
        raise Refused(401, "not signed (no X-Slack-Request-Timestamp or X-Slack-Signature)")
    # int() and hmac.compare_digest() would raise on some values ("1e9", "²", non-ASCII).
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Refused(401, "X-Slack-Request-Timestamp is not a number")
    if not _SIGNATURE.fullmatch(signature):
        raise Refused(401, "X-Slack-Signature is not a v0 signature")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    if not verifier.is_valid(body=text, timestamp=timestamp, signature=signature):
        raise Refused(401, "bad signature, or timestamp more than 5 minutes away")
    return text, parse_body(text, headers.get("content-type", ""))


def parse_body(text: str, content_type: str) -> dict[str, Any]:
    """Parse a signed body the way Bolt reads it, refusing what Slack never sends (400)."""
    media_type = content_type.split(";")[0]
    if media_type == "application/json" or text.startswith("{"):
        body = _json_object(text, "JSON body")
        if not isinstance(body.get("type"), str):
            raise Refused(400, "JSON body has no type")
        return body
    try:
        fields = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise Refused(400, "body is neither JSON nor form-encoded") from None
    if "payload" in fields:
        payload = _json_object(fields["payload"], "payload")
        if not isinstance(payload.get("type"), str):
            raise Refused(400, "payload has no type")
        return payload
    if isinstance(fields.get("command"), str) and fields["command"].startswith("/"):
        return fields
    raise Refused(400, "form body is neither a slash command nor an interaction payload")


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except RecursionError:
        raise Refused(400, f"{what} is nested too deeply") from None
    except ValueError:
        raise Refused(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(400, f"{what} is not a JSON object")
    return value
