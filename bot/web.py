"""HTTP serving: Bolt behind cheroot, a threaded production server.

Routes: ``POST /slack/events`` (commands, interactivity, events), ``GET /slack/install`` and
``GET /slack/oauth_redirect`` when OAuth is on, ``GET /healthz``, and ``GET /metrics`` when
``TANDEM_METRICS=1`` (404 otherwise).

``POST /slack/events`` is checked by :mod:`bot.slack.inbound` before Bolt sees it (unsigned
or stale: 401; undecodable or not shaped like Slack's bodies: 400), and nothing a request
contains makes this layer answer 500 or log a traceback: every refusal or failure is one
log line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from cheroot import wsgi
from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request.internals import build_context
from sqlalchemy import Engine

from bot import logs
from bot.delivery.health import PROBE_TIMEOUT_SECONDS, HealthCheck, SocketState
from bot.failures import one_line
from bot.metrics import CONTENT_TYPE_LATEST, Metrics
from bot.slack.inbound import Refused, check_request, is_ssl_check, make_verifier

logger = logging.getLogger(__name__)

MAX_REQUEST_BODY_BYTES = 1024 * 1024
EVENTS_PATH = "/slack/events"

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def make_wsgi_app(
    app: App | None,
    engine: Engine,
    *,
    signing_secret: str | None = None,
    socket_connected: SocketState | None = None,
    health_timeout: float = PROBE_TIMEOUT_SECONDS,
    metrics: Metrics | None = None,
) -> WSGIApp:
    """The WSGI application: health check plus Bolt (None in Socket Mode: health only).

    With an app, ``signing_secret`` is required: requests are verified with it before Bolt
    parses them. ``socket_connected`` tells ``/healthz`` whether the Socket Mode connection
    is up. ``metrics`` is served at ``/metrics`` (its outbox and database figures from the
    health probe). Every request's log lines carry a fresh ``request_id`` (see :mod:`bot.logs`).
    """
    if app is not None and not signing_secret:
        raise ValueError("HTTP mode verifies requests: give the signing secret")
    slack = SlackRequestHandler(app, path=EVENTS_PATH) if app is not None else None
    verifier = make_verifier(signing_secret) if signing_secret else None
    health = HealthCheck(engine, socket_connected=socket_connected, timeout=health_timeout)
    if metrics is not None:
        metrics.read_health_with(lambda: health.report()[1])

    def events(environ: dict[str, Any]) -> WsgiHttpResponse:
        assert app is not None and verifier is not None
        request = WsgiHttpRequest(environ)
        headers = {k: str(v) for k, v in request.get_headers().items()}
        try:
            raw = _read_body(environ)
            if is_ssl_check(raw):
                return WsgiHttpResponse(200)
            text, parsed = check_request(raw, headers, verifier)
        except Refused as refused:
            logger.warning(
                "refused a request to %s from %s: %s",
                EVENTS_PATH,
                environ.get("REMOTE_ADDR", "?"),
                refused.reason,
            )
            body = json.dumps(
                {"error": "invalid request" if refused.status == 401 else "bad request"}
            )
            return WsgiHttpResponse(refused.status, {"content-type": ["application/json"]}, body)
        try:
            bolt_request = _bolt_request(text, parsed, request.query_string, headers)
        except Exception as exc:
            # Signed by Slack but not shaped like anything it documents: nobody to tell.
            logger.warning("ignored a signed request Bolt cannot read: %s", one_line(exc))
            return WsgiHttpResponse(200)
        response = app.dispatch(bolt_request)
        return WsgiHttpResponse(response.status, response.headers, response.body)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        with logs.bound(request_id=logs.new_request_id()):
            return serve(environ, start_response)

    def serve(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/healthz" and method in ("GET", "HEAD"):
            code, report = health.report()
            status = "200 OK" if code == 200 else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [json.dumps(report).encode()]
        if path == "/metrics" and method in ("GET", "HEAD") and metrics is not None:
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [metrics.render()]
        if slack is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not Found (Socket Mode: Slack talks to Tandem over a WebSocket)"]
        try:
            if path == EVENTS_PATH and method == "POST":
                response = events(environ)
                start_response(response.status, response.get_headers())
                return response.get_body()
            # OAuth pages (GET) and anything else: Bolt's adapter (404 for unknown routes).
            return slack(environ, start_response)
        except Exception as exc:
            logger.error("request to %s %s failed: %s", method, path, one_line(exc))
            logger.debug("request failure", exc_info=exc)
            start_response("200 OK" if path == EVENTS_PATH else "400 Bad Request", [])
            return [b""]

    return application


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refused(400, "Content-Length is not a number") from None
    if length <= 0 or "wsgi.input" not in environ:
        return b""
    return bytes(environ["wsgi.input"].read(length))


def _bolt_request(
    text: str, parsed: dict[str, Any], query: str, headers: dict[str, str]
) -> BoltRequest:
    problem = _unreadable_by_bolt(parsed)
    if problem:
        raise ValueError(problem)
    request = BoltRequest(body=text, query=query, headers=headers)
    if request.body != parsed:
        # Bolt takes any form body containing the text "payload" for an interaction, so a
        # command such as "/tandem names payload" would reach no listener; use our parse.
        request.body = parsed
        request.context = build_context(BoltContext({}), parsed)
    return request


def _unreadable_by_bolt(parsed: dict[str, Any]) -> str | None:
    """What in a signed body Bolt's own routing would trip over before any middleware of ours
    runs (it indexes ``actions[0]`` and looks inside ``event`` to pick a listener)."""
    for name in ("event", "view"):
        if name in parsed and not isinstance(parsed[name], dict):
            return f"its {name} is not a JSON object"
    actions = parsed.get("actions", [{"action_id": ""}])
    if not (
        isinstance(actions, list)
        and actions
        and isinstance(actions[0], dict)
        and isinstance(actions[0].get("action_id"), str)
    ):
        return "its actions are not a list of actions with an action_id"
    return None


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
