"""Events API listeners. Every one is registered with :func:`on_event` and runs through
``services.events.handle_once``.

Durability: Bolt acknowledges an event (HTTP 200) before its listener runs, so Slack never
delivers again an event whose handling failed. ``handle_once`` keeps such a delivery and the
``retry-events`` job hands it back to the same listener through :func:`redeliver` (after 1,
5 and 30 minutes, then it is parked and logged). Slack's own retries of a delivery it thinks
failed are deduplicated by ``event_id``.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_sdk import WebClient

from bot.clock import utcnow
from bot.db import SessionFactory
from bot.failures import database_unreachable, one_line
from bot.services import home_refresh, retention
from bot.services.events import handle_once

logger = logging.getLogger(__name__)

EventListener = Callable[..., None]
# The listeners of the app this process serves (the last one built, in tests), for
# :func:`redeliver`, which runs in the scheduler where there is no Bolt dispatch.
_LISTENERS: dict[str, EventListener] = {}


def _call(
    listener: EventListener,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    sessions: SessionFactory,
) -> None:
    available = {
        "body": body,
        "event": body.get("event") or {},
        "context": context,
        "client": client,
        "sessions": sessions,
    }
    wanted = set(inspect.signature(listener).parameters)
    listener(**{name: value for name, value in available.items() if name in wanted})


def on_event(app: App, event_type: str, listener: EventListener) -> None:
    """Register ``listener`` for ``event_type`` (Bolt acknowledges first, then runs it), and
    remember it so that a failed handling can be redelivered by the scheduler.

    ``listener`` takes any of ``body``, ``event``, ``context``, ``client``, ``sessions``.
    """
    _LISTENERS[event_type] = listener

    def run(
        body: dict[str, Any], context: BoltContext, client: WebClient, sessions: SessionFactory
    ) -> None:
        _call(listener, body, context, client, sessions)

    run.__name__ = getattr(listener, "__name__", "event_listener")
    app.event(event_type)(run)


def redeliver(body: dict[str, Any], client: WebClient, sessions: SessionFactory) -> bool:
    """Hand a stored delivery to its listener again, as Bolt would have (False when no
    listener knows its type any more)."""
    event = body.get("event") or {}
    listener = _LISTENERS.get(str(event.get("type")))
    if listener is None:
        return False
    authorization = (body.get("authorizations") or [{}])[0]
    context = BoltContext(
        team_id=body.get("team_id") or authorization.get("team_id"),
        enterprise_id=body.get("enterprise_id") or authorization.get("enterprise_id"),
        user_id=event.get("user"),
        channel_id=event.get("channel"),
        client=client,
        sessions=sessions,
    )
    _call(listener, body, context, client, sessions)
    return True


# An event whose handling met an unreachable database could not be stored for the
# retry-events job either: it is retried from this process's memory, at these delays (about
# ten minutes in all), until the database answers. Lost only if the process stops meanwhile.
OUTAGE_RETRY_DELAYS = (2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 60.0, 120.0, 120.0, 180.0)


def retry_when_the_database_is_back(
    body: dict[str, Any], context: BoltContext, attempt: int = 0
) -> None:
    """Handle ``body`` again after the next delay, in a daemon timer thread."""
    client, sessions = context.client, context.get("sessions")
    if attempt >= len(OUTAGE_RETRY_DELAYS) or client is None or sessions is None:
        logger.error("event %s dropped: the database stayed unreachable", body.get("event_id"))
        return

    def again() -> None:
        try:
            redeliver(body, client, sessions)
        except Exception as exc:
            if not database_unreachable(exc):
                logger.error("event %s failed on retry: %s", body.get("event_id"), one_line(exc))
                return
            retry_when_the_database_is_back(body, context, attempt + 1)
            return
        logger.info("event %s handled now that the database is back", body.get("event_id"))

    timer = threading.Timer(OUTAGE_RETRY_DELAYS[attempt], again)
    timer.daemon = True
    timer.start()


def run_once(body: dict[str, Any], context: BoltContext, sessions: SessionFactory, fn: Any) -> None:
    """Run ``fn`` for this delivery unless it was handled already (retries share ``event_id``);
    a failure is kept, with the delivery, for the ``retry-events`` job."""
    handle_once(
        sessions,
        event_id=body.get("event_id"),
        team_id=context.team_id,
        event_type=str(body.get("event", {}).get("type")),
        now=utcnow(),
        handler=fn,
        payload=body,
    )


def handle_app_home_opened(
    body: dict[str, Any],
    event: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    sessions: SessionFactory,
) -> None:
    """Publish the person's Home tab when they open it: what they owe today, the roles they
    are on, their scorecard — or the welcome on a first visit."""
    if event.get("tab") != "home":
        return
    if not context.team_id:
        # An org-level event names no workspace; every Home tab shows one workspace's work.
        logger.warning("ignored app_home_opened %s: no workspace", body.get("event_id"))
        return

    def publish() -> None:
        home_refresh.home_opened(
            sessions,
            team_id=str(context.team_id),
            user_id=str(event["user"]),
            now=utcnow(),
            enterprise_id=context.enterprise_id,
        )

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
        """Delete every installation and bot token of this workspace at once, and start its
        data's retention period (bot/services/retention.py): purged after
        TANDEM_RETENTION_DAYS unless it is reinstalled meanwhile.

        The mark comes first: if deleting the tokens fails, the retry (which needs the
        token still there to run) does both again; the other way round a failure would
        leave a workspace without tokens that nothing ever purges.
        """

        def uninstall() -> None:
            if context.team_id:
                retention.mark_uninstalled(
                    sessions,
                    team_id=context.team_id,
                    enterprise_id=context.enterprise_id,
                    now=utcnow(),
                )
            revocation.handle_app_uninstalled_events(context)

        run_once(body, context, sessions, uninstall)

    on_event(app, "tokens_revoked", handle_tokens_revoked)
    on_event(app, "app_uninstalled", handle_app_uninstalled)
