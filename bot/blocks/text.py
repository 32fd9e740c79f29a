"""Small helpers for putting text into Block Kit safely."""

from __future__ import annotations

from typing import Any


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as control characters in text.

    Only ``&``, ``<`` and ``>`` are escaped (``&`` first), as Slack's formatting guide says;
    that is enough to stop user text from forming ``<!channel>`` or ``<@U…>`` mentions.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": emoji}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain(text[:150])}


def context(*texts: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10]]}


def divider() -> dict[str, Any]:
    return {"type": "divider"}
