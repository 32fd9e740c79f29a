"""Events API listeners. Every one runs through ``services.events.handle_once``."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_sdk import WebClient

from bot.blocks.help import home_blocks
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.services.events import handle_once

logger = logging.getLogger(__name__)


def run_once(body: dict[str, Any], context: BoltContext, sessions: SessionFactory, fn: Any) -> None:
    """Run ``fn`` for this delivery unless Slack already delivered it (retries share ``event_id``)."""
    handle_once(
        sessions,
        event_id=body.get("event_id"),
        team_id=context.team_id,
        event_type=str(body.get("event", {}).get("type")),
        now=utcnow(),
        handler=fn,
    )


def handle_app_home_opened(
    body: dict[str, Any],
    event: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    sessions: SessionFactory,
) -> None:
    """Publish the person's Home tab when they open it."""
    if event.get("tab") != "home":
        return

    def publish() -> None:
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": home_blocks()})

    run_once(body, context, sessions, publish)


def register(app: App) -> None:
    app.event("app_home_opened")(handle_app_home_opened)

    store = app.installation_store
    if store is None:
        # Single-workspace mode: the token lives in the environment, there is nothing stored
        # to revoke. Acknowledge the events so Slack does not retry them.
        app.event("app_uninstalled")(lambda: None)
        app.event("tokens_revoked")(lambda: None)
        return
    revocation = TokenRevocationListeners(store)

    def handle_tokens_revoked(
        body: dict[str, Any], event: dict[str, Any], context: BoltContext, sessions: SessionFactory
    ) -> None:
        """Delete the revoked user and bot tokens of this workspace (either event order)."""
        run_once(
            body,
            context,
            sessions,
            lambda: revocation.handle_tokens_revoked_events(event, context),
        )

    def handle_app_uninstalled(
        body: dict[str, Any], context: BoltContext, sessions: SessionFactory
    ) -> None:
        """Delete every installation and bot token of this workspace."""
        run_once(body, context, sessions, lambda: revocation.handle_app_uninstalled_events(context))

    app.event("tokens_revoked")(handle_tokens_revoked)
    app.event("app_uninstalled")(handle_app_uninstalled)
