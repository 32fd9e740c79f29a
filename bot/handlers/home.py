"""Publishing a person's Home tab: on ``app_home_opened`` and after a button pressed in it.

A button in the Home tab comes without a ``response_url`` (Slack gives one only for messages),
so there is no ephemeral answer to give: the answer is the Home tab itself, published again
with one line on top saying what happened.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks.home import dashboard_blocks
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.services.home import dashboard


def from_home_tab(body: dict[str, Any]) -> bool:
    """Whether the button was pressed in the Home tab (not on a message or in a modal)."""
    container = body.get("container") or {}
    view = body.get("view") or {}
    return container.get("type") == "view" and view.get("type") == "home"


def publish_home(
    client: WebClient, sessions: SessionFactory, *, team_id: str, user_id: str, notice: str = ""
) -> None:
    board = dashboard(sessions, team_id=team_id, user_id=user_id, now=utcnow())
    view = {"type": "home", "blocks": dashboard_blocks(board, notice=notice)}
    client.views_publish(user_id=user_id, view=view)
