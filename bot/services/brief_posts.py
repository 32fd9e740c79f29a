"""Naming a role's channel: ``hire-<slug>``, and the next names to try when one is taken.

Creating the channel is an outbox row (``bot.services.brief_delivery``); the deliverer walks
through :func:`channel_name_variant` while Slack answers ``name_taken``.
"""

from __future__ import annotations

# How many names a channel creation tries (``hire-x``, ``hire-x-2`` … ``hire-x-20``).
MAX_NAME_ATTEMPTS = 20
# Leaves room for the ``-20`` suffix within Slack's 80 characters.
_MAX_BASE = 72


def channel_name_for(title: str, attempt: int = 0) -> str:
    """``hire-<slug>``: Slack channel names are lowercase, ≤80 chars, letters/digits/-/_."""
    slug = "".join(ch if ch.isalnum() and ch.isascii() else "-" for ch in title.lower())
    slug = "-".join(part for part in slug.split("-") if part) or "role"
    base = f"hire-{slug}"[:_MAX_BASE].rstrip("-")
    return channel_name_variant(base, attempt)


def channel_name_variant(base: str, attempt: int) -> str:
    """The name to try after ``attempt`` taken ones: ``base``, then ``base-2``, ``base-3`` …"""
    return base if attempt == 0 else f"{base[:_MAX_BASE].rstrip('-')}-{attempt + 1}"
