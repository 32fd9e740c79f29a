"""The Home tab's requests: ``app_home_opened`` (bot/handlers/events.py), its *More*
buttons, and the answer to any other button pressed in it.

A button in the Home tab comes without a ``response_url`` (Slack gives one only for
messages), so there is no ephemeral answer to give: the answer is the Home tab itself,
published again (through the outbox, ``bot.services.home_refresh``) with one line on top
saying what happened.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import tell
from bot.services import home_refresh
from bot.slack.ids import Action


def from_home_tab(body: dict[str, Any]) -> bool:
    """Whether the button was pressed in the Home tab (not on a message or in a modal)."""
    container = body.get("container") or {}
    view = body.get("view") or {}
    return container.get("type") == "view" and view.get("type") == "home"


def answer_presser(
    body: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
    text: str,
) -> None:
    """Tell the person who pressed a button what happened: ephemerally under a message, or
    on top of their Home tab, published again, when they pressed it there."""
    if from_home_tab(body) and context.team_id and context.user_id:
        home_refresh.answer_in_home(
            sessions,
            team_id=context.team_id,
            user_id=context.user_id,
            notice=text,
            now=utcnow(),
            enterprise_id=context.enterprise_id,
        )
        return
    tell(respond, text)


def handle_page(
    ack: Ack, body: dict[str, Any], context: BoltContext, sessions: SessionFactory
) -> None:
    """*More* (or *Back to the first*) under one of the Home tab's lists."""
    ack()
    if not context.team_id or not context.user_id:
        return
    home_refresh.show_page(
        sessions,
        team_id=context.team_id,
        user_id=context.user_id,
        value=str(((body.get("actions") or [{}])[0] or {}).get("value") or "")[:32],
        now=utcnow(),
        enterprise_id=context.enterprise_id,
    )


def register(app: App) -> None:
    app.action(Action.HOME_PAGE)(handle_page)
