"""HTTP serving: Bolt's WSGI adapter behind cheroot, a threaded production server.

Routes: ``POST /slack/events`` (commands, interactivity, events), ``GET /slack/install`` and
``GET /slack/oauth_redirect`` when OAuth is on, and ``GET /healthz``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from cheroot import wsgi
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine

from bot.db import database_answers
from bot.delivery.health import outbox_health

logger = logging.getLogger(__name__)

MAX_REQUEST_BODY_BYTES = 1024 * 1024

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def make_wsgi_app(app: App | None, engine: Engine) -> WSGIApp:
    """The WSGI application: health check plus Bolt (None in Socket Mode: health only)."""
    slack = SlackRequestHandler(app) if app is not None else None

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            healthy = database_answers(engine)
            health = {"ok": healthy, "database": "up" if healthy else "down"}
            if healthy:
                health.update(outbox_health(engine))
            body = json.dumps(health).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        if slack is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not Found (Socket Mode: Slack talks to Tandem over a WebSocket)"]
        return slack(environ, start_response)

    return application


def make_server(
    application: WSGIApp, *, host: str, port: int, threads: int, shutdown_timeout: int
) -> wsgi.Server:
    """A cheroot server; ``stop()`` stops accepting and waits for requests in flight."""
    server = wsgi.Server(
        (host, port),
        application,
        numthreads=threads,
        server_name="tandem",
        shutdown_timeout=shutdown_timeout,
    )
    server.max_request_body_size = MAX_REQUEST_BODY_BYTES
    # How often the connection loop wakes; also bounds how long stop() waits for it.
    server.expiration_interval = 0.1
    return server
