"""Events API listeners. Every one is registered with :func:`on_event` and runs through
``services.events.handle_once``.

Durability: Bolt's ``app.event`` acknowledges an event (HTTP 200) before its listener runs, so
Slack would never deliver again an event whose handling failed. :func:`on_event` acknowledges
only once the listener has finished. A listener that fails is answered 500 (by the app's
error handler) and its ``processed_events`` claim is released, so Slack's retry — after
about a second, then a minute, then five minutes — handles the event afresh; a retry of an
event already handled does nothing. Slack itself is the queue: an event that fails on all
four deliveries (or whose handling outlasts ``ACK_WITHIN_SECONDS``, when Tandem acknowledges it
anyway so that Slack does not count a timeout) is logged as failed and not tried again.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_bolt.listener_matcher import builtins as builtin_matchers
from slack_sdk import WebClient

from bot.blocks.help import home_blocks
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.services.events import handle_once

logger = logging.getLogger(__name__)

# Slack counts a delivery as failed after 3 s; answer before that whatever the listener does.
ACK_WITHIN_SECONDS = 2.5


def on_event(app: App, event_type: str, listener: Callable[..., None]) -> None:
    """Register ``listener`` for ``event_type``, acknowledged once it finished (see above).

    ``listener`` takes any of ``body``, ``event``, ``context``, ``client``, ``sessions``.
    """
    wanted = set(inspect.signature(listener).parameters)

    def acknowledge_after(
        ack: Ack,
        body: dict[str, Any],
        event: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        sessions: SessionFactory,
    ) -> None:
        available = {
            "body": body,
            "event": event,
            "context": context,
            "client": client,
            "sessions": sessions,
        }
        deadline = threading.Timer(ACK_WITHIN_SECONDS, _ack_slow, args=(ack, body))
        deadline.daemon = True
        deadline.start()
        try:
            listener(**{name: value for name, value in available.items() if name in wanted})
        finally:
            deadline.cancel()
        ack()

    acknowledge_after.__name__ = getattr(listener, "__name__", "event_listener")
    # app.event() hard-wires auto-acknowledgement; this is the same registration without it.
    app._register_listener(
        [acknowledge_after],
        builtin_matchers.event(event_type),
        None,
        None,
        auto_acknowledgement=False,
    )


def _ack_slow(ack: Ack, body: dict[str, Any]) -> None:
    logger.warning(
        "event %s still running after %.1f s; acknowledged before it finished",
        body.get("event_id"),
        ACK_WITHIN_SECONDS,
    )
    ack()


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
    on_event(app, "app_home_opened", handle_app_home_opened)

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

    on_event(app, "tokens_revoked", handle_tokens_revoked)
    on_event(app, "app_uninstalled", handle_app_uninstalled)
