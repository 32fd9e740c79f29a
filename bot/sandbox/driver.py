"""The real Tandem app, served in-process over HTTP, talking to the Slack stand-in.

This is what the test suite and ``tandem demo`` both drive. The app is built and served
exactly as ``tandem run`` serves it (``create_app`` + ``bot.web.make_wsgi_app`` + cheroot on
127.0.0.1, port chosen by the OS); its Web API calls go to a :class:`SlackStandin` through
``SLACK_API_URL``. Requests come in the only way Slack sends them — signed HTTP — and
scheduled work runs through the registered jobs. Nothing here reaches into handlers or
services, so whatever works here works the same against a real workspace.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from slack_bolt import App

from bot.app import create_app
from bot.config import Settings
from bot.metrics import Metrics
from bot.runtime import Database, job_context
from bot.sandbox import requests as slack_requests
from bot.sandbox.modals import fill
from bot.sandbox.slack_standin import TEAM_ID, SlackStandin
from bot.scheduler.context import JobContext
from bot.scheduler.runner import run_all_once
from bot.web import make_server, make_wsgi_app

# How long to wait for one HTTP answer, and for the work a listener does after ``ack()``.
REQUEST_TIMEOUT_SECONDS = 15
IDLE_TIMEOUT_SECONDS = 15


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, able to wait until the work after ``ack()`` is done.

    Slack shows a person what the app did after it acked (a message posted, a modal
    updated) a moment later; waiting here makes "what happened after this request" exact.
    """

    def __init__(self, max_workers: int = 4) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="sandbox-listener")
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = IDLE_TIMEOUT_SECONDS) -> None:
        """Block until every submitted listener has finished (re-raising its error)."""
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return
            for future in pending:
                future.result(timeout=timeout)


@dataclass
class Reply:
    """The app's HTTP answer to one request (Slack would act on its body: an ack)."""

    status: int
    body: str
    # Seconds from sending the request to the answer (the ack), without the work after it.
    seconds: float = 0.0

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class SentRequest:
    """One Slack-shaped request sent to the app: its kind (``command``, ``block_actions``,
    ``view_submission``, ``event``) and what it names (command, action id, callback id or
    event type)."""

    kind: str
    name: str
    user: str | None


class _ExplicitSettings(Settings):
    """Settings taken only from the values given: no environment variable, no ``.env``."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def sandbox_settings(
    *, database_url: str, api_url: str, signing_secret: str, bot_token: str
) -> Settings:
    """Single-workspace HTTP settings for a sandbox, ignoring the caller's environment.

    A developer's real ``SLACK_*`` variables or ``.env`` must never leak into a sandbox (nor
    turn on Socket Mode or OAuth in it), so nothing but these values is read.
    """
    return _ExplicitSettings(
        slack_bot_token=bot_token,
        slack_signing_secret=signing_secret,
        slack_api_url=api_url,
        database_url=database_url,
        tandem_log_level="WARNING",
    )


class SandboxApp:
    """A running app (HTTP on 127.0.0.1, port chosen by the OS) wired to ``standin``."""

    def __init__(
        self,
        database: Database,
        standin: SlackStandin,
        settings: Settings,
        *,
        threads: int = 4,
    ) -> None:
        self.database = database
        self.standin = standin
        self.settings = settings
        assert settings.slack_signing_secret is not None, "a sandbox signs its requests"
        self.signing_secret = settings.slack_signing_secret.get_secret_value()
        self.executor = TrackingExecutor(threads)
        self.sent: list[SentRequest] = []
        # As ``tandem run`` has them: on with TANDEM_METRICS, shared by requests and jobs.
        self.metrics = Metrics.from_settings(settings)
        self.app: App = create_app(
            settings,
            sessions=database.sessions,
            listener_executor=self.executor,
            metrics=self.metrics,
        )
        wsgi_app = make_wsgi_app(
            self.app, database.engine, signing_secret=self.signing_secret, metrics=self.metrics
        )
        self.server = make_server(
            wsgi_app,
            host="127.0.0.1",
            port=0,
            threads=threads,
            shutdown_timeout=5,
        )
        self.server.prepare()
        self._thread = threading.Thread(target=self.server.serve, name="sandbox-http", daemon=True)
        self._thread.start()
        # Requests go straight to 127.0.0.1, whatever proxy the environment names.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._events = itertools.count(1)
        self._job_context: JobContext | None = None
        # Slack gives every opened or pushed view its own id and keeps it while the view is
        # up; a view submitted twice (a double-click, a retry) arrives with the same id.
        self._view_ids: dict[int, tuple[dict[str, Any], str]] = {}
        self._view_numbers = itertools.count(1)
        self._view_lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server.bind_addr[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        """Stop serving, and let listener work in flight finish."""
        self.server.stop()
        self._thread.join(timeout=5)
        self.executor.shutdown(wait=True)

    # -- raw HTTP --------------------------------------------------------------------------

    def request(
        self,
        path: str,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        method: str | None = None,
    ) -> Reply:
        """One HTTP request to the app; any status comes back as a :class:`Reply`."""
        data = body.encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path, data=data, headers=headers or {}, method=method
        )
        started = time.monotonic()
        try:
            with self._opener.open(req, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                body_text = response.read().decode()
                return Reply(response.status, body_text, time.monotonic() - started)
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), time.monotonic() - started)

    def post_signed(
        self,
        body: str,
        content_type: str,
        *,
        extra_headers: dict[str, str] | None = None,
        wait: bool = True,
        secret: str | None = None,
        timestamp: int | None = None,
    ) -> Reply:
        """POST ``body`` to ``/slack/events`` signed like Slack (with another ``secret`` or
        ``timestamp`` to test refusals); by default wait for the work after ``ack()``."""
        headers = slack_requests.signed_headers(
            body, content_type, secret=secret or self.signing_secret, timestamp=timestamp
        )
        headers.update(extra_headers or {})
        reply = self.request("/slack/events", body, headers)
        if wait:
            self.executor.wait_idle()
            self.deliver()
        return reply

    # -- Slack-shaped requests -------------------------------------------------------------

    def command(self, command: str, text: str = "", *, user: str, **kwargs: Any) -> Reply:
        """A slash command typed by ``user`` (``channel_id`` etc. as keyword arguments)."""
        kwargs.setdefault("response_url", self.standin.response_url("command"))
        body = slack_requests.slash_command_body(command, text, user_id=user, **kwargs)
        self.sent.append(SentRequest("command", command, user))
        return self.post_signed(body, slack_requests.FORM)

    def interact(self, payload: dict[str, Any]) -> Reply:
        """An interactivity payload: a button pressed, a modal submitted."""
        user = (payload.get("user") or {}).get("id")
        kind = str(payload.get("type"))
        if kind == "block_actions":
            for action in payload.get("actions", []):
                self.sent.append(SentRequest(kind, str(action.get("action_id")), user))
        elif kind in ("view_submission", "view_closed"):
            self.sent.append(SentRequest(kind, str(payload["view"].get("callback_id")), user))
        elif kind == "block_suggestion":
            self.sent.append(SentRequest(kind, str(payload.get("action_id")), user))
        else:
            self.sent.append(SentRequest(kind, str(payload.get("callback_id")), user))
        return self.post_signed(slack_requests.interactive_body(payload), slack_requests.FORM)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        **kwargs: Any,
    ) -> Reply:
        """An Events API delivery (``retry_num`` makes it one of Slack's retries)."""
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        event_id = event_id or f"Ev{next(self._events):08d}SANDBOX"
        body = slack_requests.event_envelope(event, event_id=event_id, **kwargs)
        self.sent.append(SentRequest("event", str(event.get("type")), event.get("user")))
        return self.post_signed(body, slack_requests.JSON, extra_headers=extra)

    def view_id_of(self, view: dict[str, Any]) -> str:
        """The id Slack gave ``view``: its own ``id`` when it has one, else one per view object
        (the same dict submitted twice is the same view, like a double-click)."""
        if view.get("id"):
            return str(view["id"])
        with self._view_lock:
            known = self._view_ids.get(id(view))
            if known is None or known[0] is not view:
                # Keeping the view alive keeps its id() from being reused by another view.
                known = (view, f"V0SANDBOX{next(self._view_numbers):05d}")
                self._view_ids[id(view)] = known
            return known[1]

    def submit_view(
        self,
        view: dict[str, Any],
        *,
        user: str,
        changes: dict[str, Any] | None = None,
        view_id: str | None = None,
        team_id: str = TEAM_ID,
        current_conversation: str | None = None,
    ) -> Reply:
        """Submit ``view`` as ``user`` with its pre-filled values and ``changes``; returns the
        app's ack (errors, push, update, or empty to close). ``view_id`` defaults to
        :meth:`view_id_of`."""
        view_id = view_id or self.view_id_of(view)
        payload = slack_requests.view_submission_payload(
            user_id=user,
            callback_id=view["callback_id"],
            values=fill(view, changes, current_conversation=current_conversation),
            private_metadata=view.get("private_metadata", ""),
            team_id=team_id,
            view_id=view_id,
            title=(view.get("title") or {}).get("text", "Tandem"),
            blocks=view.get("blocks") or [],
        )
        return self.interact(payload)

    def suggest(
        self,
        view: dict[str, Any],
        block_id: str,
        value: str = "",
        *,
        user: str,
        team_id: str = TEAM_ID,
        view_id: str | None = None,
    ) -> Reply:
        """``user`` opens (or types ``value`` into) the ``external_select`` of ``block_id`` in
        ``view``: Slack's ``block_suggestion`` request; the reply holds the options offered."""
        block = next(b for b in view.get("blocks", []) if b.get("block_id") == block_id)
        payload = slack_requests.block_suggestion_payload(
            user_id=user,
            action_id=block["element"]["action_id"],
            block_id=block_id,
            value=value,
            view=view,
            view_id=view_id or self.view_id_of(view),
            team_id=team_id,
        )
        return self.interact(payload)

    # -- the scheduler ---------------------------------------------------------------------

    def job_context(self) -> JobContext:
        """What the scheduler gives each job in ``tandem run`` (built once, then reused)."""
        if self._job_context is None:
            self._job_context = job_context(self.settings, self.database, metrics=self.metrics)
        return self._job_context

    def deliver(self) -> int:
        """Send what the outbox holds now, as ``tandem run``'s deliverer would right after the
        commit that queued it (synchronously, so what Slack got is known on return)."""
        return self.job_context().new_deliverer().run_until_idle()

    def run_jobs(self, now: datetime | None = None) -> dict[str, int]:
        """Every registered job once, at ``now`` (default: the clock), like a scheduler tick."""
        return run_all_once(self.job_context(), now)


# Variables that would reach past the sandbox's own settings: Bolt reads SLACK_CLIENT_ID,
# SLACK_CLIENT_SECRET, SLACK_BOT_TOKEN … from the environment by itself (and turns on OAuth
# when it finds a client id), and slack_sdk sends every call through HTTPS_PROXY, ignoring
# NO_PROXY — which would swallow the traffic to the stand-in on 127.0.0.1.
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def _leaks_into_sandbox(name: str) -> bool:
    return name.upper().startswith("SLACK_") or name.upper() in _PROXY_VARIABLES


@contextlib.contextmanager
def isolated_environment() -> Iterator[None]:
    """Hide the caller's ``SLACK_*`` and proxy variables while a sandbox runs in-process."""
    saved = {name: value for name, value in os.environ.items() if _leaks_into_sandbox(name)}
    for name in saved:
        del os.environ[name]
    try:
        yield
    finally:
        os.environ.update(saved)


@contextlib.contextmanager
def local_sandbox(directory: Path, *, threads: int = 4) -> Iterator[SandboxApp]:
    """A whole sandbox: a fresh stand-in, a migrated SQLite file in ``directory``, a generated
    signing secret and bot token, and the app serving, with the caller's Slack and proxy
    variables hidden (see :func:`isolated_environment`). Everything stops on exit."""
    with isolated_environment():
        yield from _running_sandbox(directory, threads)


def _running_sandbox(directory: Path, threads: int) -> Iterator[SandboxApp]:
    standin = SlackStandin().start()
    try:
        settings = sandbox_settings(
            database_url=f"sqlite:///{directory / 'tandem.db'}",
            api_url=standin.api_url,
            signing_secret=secrets.token_hex(16),
            bot_token="xoxb-sandbox-" + secrets.token_hex(8),
        )
        database = Database.open(settings)
        try:
            app = SandboxApp(database, standin, settings, threads=threads)
            try:
                yield app
            finally:
                app.close()
        finally:
            database.engine.dispose()
    finally:
        standin.stop()
