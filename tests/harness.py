"""Drive a real Tandem app over HTTP: signed Slack-shaped requests in, Web API calls out to
the Slack stand-in."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App

from bot.app import create_app
from bot.config import Settings, load_settings
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from bot.web import make_server, make_wsgi_app
from tests import slack_requests as sr
from tests.block_kit import check_ack_body, check_call


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor that lets a test wait until work after ``ack()`` is done."""

    def __init__(self) -> None:
        super().__init__(max_workers=4, thread_name_prefix="test-listener")
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

    def wait_idle(self, timeout: float = 10.0) -> None:
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return
            for future in pending:
                future.result(timeout=timeout)


@dataclass
class Reply:
    status: int
    body: str

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def make_settings(database_url: str, api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test-token",
        "slack_signing_secret": sr.SIGNING_SECRET,
        "slack_api_url": api_url,
        "database_url": database_url,
    }
    values.update(overrides)
    return load_settings(env_file=None, **values)


class Tandem:
    """A running app (HTTP on 127.0.0.1, port chosen by the OS) wired to ``standin``."""

    def __init__(self, database: Database, standin: SlackStandin, **setting_overrides: Any):
        self.database = database
        self.standin = standin
        self.settings = make_settings(
            database.engine.url.render_as_string(hide_password=False),
            standin.api_url,
            **setting_overrides,
        )
        self.executor = TrackingExecutor()
        self.ack_problems: list[str] = []
        self.app: App = create_app(
            self.settings, sessions=database.sessions, listener_executor=self.executor
        )
        self.server = make_server(
            make_wsgi_app(self.app, database.engine),
            host="127.0.0.1",
            port=0,
            threads=4,
            shutdown_timeout=5,
        )
        self.server.prepare()
        self._thread = threading.Thread(target=self.server.serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.bind_addr[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server.stop()
        self.executor.shutdown(wait=True)

    def block_kit_problems(self) -> list[str]:
        """Every limit any recorded Web API call or HTTP answer broke."""
        problems = list(self.ack_problems)
        for call in self.standin.calls:
            problems += check_call(call.method, call.params)
        return problems

    # -- raw HTTP --------------------------------------------------------------------------

    def request(
        self,
        path: str,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        method: str | None = None,
    ) -> Reply:
        data = body.encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path, data=data, headers=headers or {}, method=method
        )
        try:
            with urllib.request.urlopen(req, timeout=15) as response:
                reply = Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode())
        if reply.body.startswith("{"):
            self.ack_problems += check_ack_body(reply.json)
        return reply

    def post_signed(
        self,
        body: str,
        content_type: str,
        *,
        extra_headers: dict[str, str] | None = None,
        wait: bool = True,
        **sign_kwargs: Any,
    ) -> Reply:
        headers = sr.signed_headers(body, content_type, **sign_kwargs)
        headers.update(extra_headers or {})
        reply = self.request("/slack/events", body, headers)
        if wait:
            self.executor.wait_idle()
        return reply

    # -- Slack-shaped requests -------------------------------------------------------------

    def command(self, command: str, text: str = "", *, user: str, **kwargs: Any) -> Reply:
        kwargs.setdefault("response_url", self.standin.response_url("command"))
        body = sr.slash_command_body(command, text, user_id=user, **kwargs)
        return self.post_signed(body, "application/x-www-form-urlencoded")

    def interact(self, payload: dict[str, Any]) -> Reply:
        return self.post_signed(sr.interactive_body(payload), "application/x-www-form-urlencoded")

    def event(
        self, event: dict[str, Any], *, event_id: str, retry_num: int | None = None, **kwargs: Any
    ) -> Reply:
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        body = sr.event_envelope(event, event_id=event_id, **kwargs)
        return self.post_signed(body, "application/json", extra_headers=extra)
