"""Driving fuzzed requests through the app and checking what every answer must satisfy.

Each case is a signed request. Most go to the app's WSGI callable in-process (the very
callable cheroot serves: the same signature check, body checks and Bolt app, without the
socket round trip); every ``HTTP_EVERY``-th goes over real HTTP through cheroot. After the
request, the work Bolt runs after ``ack()`` and the outbox delivery finish, so everything
Slack was sent because of it is in the stand-in's record.

Properties checked on every case (:meth:`Fuzzer.check`):

* the answer is never a 5xx;
* no traceback (nor an exception's name, nor Tandem's "unexpected problem" apology) in the
  answer or in anything sent to Slack, and nothing logged at ERROR or above;
* no unescaped broadcast mention (``<!channel>``, ``<!here>``, ``<!everyone>``, a user
  group), no mention of an id only fuzzed input contains, and no ``link_names``/``parse=full``
  (which would turn a plain ``@channel`` into one) in any message Tandem posts or updates.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from freezegun import freeze_time
from hypothesis import HealthCheck, settings
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from bot.app import FAILED_AFTER_ACK, SOMETHING_WENT_WRONG
from bot.db import make_engine, make_session_factory
from bot.models import Base
from bot.runtime import Database
from bot.sandbox import requests as slack_requests
from bot.sandbox.slack_standin import Call, SlackStandin
from tests.fuzz_strategies import INJECTED_CHANNEL, INJECTED_USER
from tests.harness import Reply, Tandem

MAX_BODY = 1024 * 1024  # cheroot's limit (bot.web.MAX_REQUEST_BODY_BYTES)
# Every N-th case goes over real HTTP (cheroot), the rest to the WSGI callable in-process.
HTTP_EVERY = 10


# ``TANDEM_FUZZ_SCALE=10 pytest tests/test_fuzz_*.py`` tries ten times as many cases (read at
# import: the tests' clean environment hides TANDEM_* variables from the tests themselves).
SCALE = float(os.environ.get("TANDEM_FUZZ_SCALE") or 1)


# PostgreSQL answers each query several times slower here than SQLite; it gets a tenth of
# the cases (the same generators, the same seed), SQLite the bulk.
POSTGRES_SHARE = 0.1


def examples(ci: int, backend: str = "sqlite") -> int:
    """How many cases a test tries on ``backend``: ``ci`` on SQLite in CI's run (a tenth of
    that on PostgreSQL), scaled by ``TANDEM_FUZZ_SCALE``."""
    share = POSTGRES_SHARE if backend == "postgresql" else 1.0
    return max(1, int(ci * share * SCALE))


def fuzz_settings(ci: int, backend: str = "sqlite") -> settings:
    """A fixed seed (``derandomize``: every run tries the same cases), no example database,
    no deadline (a loaded CI machine is slow, not wrong)."""
    return settings(
        max_examples=examples(ci, backend),
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


TRACEBACK_MARKERS = (
    "Traceback (most recent call last)",
    'File "/',
    "sqlalchemy.",
    "psycopg",
    "IntegrityError",
    "OperationalError",
    "KeyError",
    "TypeError",
    "ValueError",
    "AttributeError",
    "IndexError",
    "AssertionError",
    "RecursionError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    SOMETHING_WENT_WRONG,
    FAILED_AFTER_ACK,
)
BROADCAST = re.compile(r"<!(channel|here|everyone|subteam\^)[^>]*>", re.IGNORECASE)
INJECTED = re.compile(rf"<[@#]({INJECTED_USER}|{INJECTED_CHANNEL})")
POSTING_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "chat.scheduleMessage")


class _Records(logging.Handler):
    """Keeps WARNING-and-above records (the app logs one line per refusal; ERROR means a
    listener or the web layer failed)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self._lock2 = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock2:
            self.records.append(record)


@dataclass
class Outcome:
    """One case: the app's answer, what Slack was sent meanwhile, and what was logged."""

    reply: Reply
    calls: list[Call]
    logs: list[logging.LogRecord] = field(default_factory=list)

    def said(self) -> list[str]:
        """Everything a person can read because of the request: the ack and every text sent
        to Slack (messages, ephemeral answers, modals)."""
        texts = [self.reply.body]
        texts += [json.dumps(c.params, ensure_ascii=False) for c in self.calls]
        return texts

    def responses(self) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == "response_url"]

    def ack_json(self) -> Any:
        try:
            return self.reply.json
        except ValueError:
            return None


def texts_in(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (keys excluded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts_in(item)


class Fuzzer:
    """Sends cases to ``tandem`` and checks the properties every answer must have."""

    def __init__(self, tandem: Tandem) -> None:
        self.tandem = tandem
        self.cases = 0
        self.records = _Records()
        logging.getLogger().addHandler(self.records)

    def close(self) -> None:
        logging.getLogger().removeHandler(self.records)

    # -- sending ---------------------------------------------------------------------------

    def post(
        self,
        body: str | bytes,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        http: bool | None = None,
    ) -> Outcome:
        """POST ``body`` to ``/slack/events`` signed as Slack signs (unless ``signed`` is
        False), wait for the work after ``ack()`` and the outbox; return what happened."""
        self.cases += 1
        raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
        sent = {"Content-Type": content_type}
        if signed:
            sent = _signed(raw, content_type, self.tandem.signing_secret)
        sent.update(headers or {})
        mark = len(self.tandem.standin.calls)
        logs_mark = len(self.records.records)
        over_http = self.cases % HTTP_EVERY == 0 if http is None else http
        reply = self._http(raw, sent) if over_http else self._wsgi(raw, sent)
        if reply.status == 200:
            # Refused by the web layer (4xx), a request never reaches Bolt: nothing to wait for.
            self.tandem.executor.wait_idle()
            self.tandem.deliver()
        return Outcome(
            reply,
            self.tandem.standin.calls_since(mark),
            self.records.records[logs_mark:],
        )

    def command(self, command: str, text: str, *, user: str, **fields: Any) -> Outcome:
        fields.setdefault("response_url", self.tandem.standin.response_url("fuzz"))
        body = slack_requests.slash_command_body(command, text, user_id=user, **fields)
        return self.post(body, slack_requests.FORM)

    def interact(self, payload: Any) -> Outcome:
        return self.post(slack_requests.interactive_body(payload), slack_requests.FORM)

    def _wsgi(self, raw: bytes, headers: dict[str, str]) -> Reply:
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/slack/events",
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_LENGTH": str(len(raw)),
            "wsgi.input": io.BytesIO(raw),
        }
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                environ["HTTP_" + key] = value
        status: list[str] = []

        def start_response(line: str, _headers: Any, _exc: Any = None) -> None:
            status.append(line)

        chunks = self.tandem.server.wsgi_app(environ, start_response)
        text = b"".join(chunks).decode("utf-8", "replace")
        return Reply(int(status[0].split()[0]), text)

    def _http(self, raw: bytes, headers: dict[str, str]) -> Reply:
        import urllib.error
        import urllib.request

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(
            self.tandem.url + "/slack/events", data=raw, headers=headers, method="POST"
        )
        try:
            with opener.open(request, timeout=15) as response:
                return Reply(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode("utf-8", "replace"))
        except (urllib.error.URLError, ConnectionError) as error:
            # Past its limit cheroot answers 413 and closes the connection while the client
            # is still sending: the client may see only the closed pipe.
            reason = getattr(error, "reason", error)
            if len(raw) > MAX_BODY and isinstance(reason, ConnectionError):
                return Reply(413, "")
            raise

    # -- properties ------------------------------------------------------------------------

    def check(self, outcome: Outcome) -> None:
        """The properties every answer to every case has (see the module docstring)."""
        reply = outcome.reply
        assert reply.status < 500, f"{reply.status}: {reply.body[:500]}"
        for text in outcome.said():
            for marker in TRACEBACK_MARKERS:
                assert marker not in text, f"{marker!r} reached a person: {text[:2000]}"
        errors = [r for r in outcome.logs if r.levelno >= logging.ERROR]
        assert not errors, [f"{r.name}: {r.getMessage()}" for r in errors]
        for call in outcome.calls:
            if call.method in POSTING_METHODS or (
                call.method == "response_url" and call.params.get("response_type") == "in_channel"
            ):
                check_post(call.params)
        ack = outcome.ack_json()
        if isinstance(ack, dict) and ack.get("response_type") == "in_channel":
            check_post(ack)


def check_post(params: dict[str, Any]) -> None:
    """A message Tandem posts to a channel mentions no one it was not meant to."""
    assert str(params.get("link_names", "")).lower() not in ("1", "true"), params
    assert params.get("parse") != "full", params
    for key in ("text", "blocks", "attachments"):
        for text in texts_in(params.get(key)):
            assert not BROADCAST.search(text), f"broadcast mention posted: {text[:500]}"
            assert not INJECTED.search(text), f"typed mention became markup: {text[:500]}"


def _signed(raw: bytes, content_type: str, secret: str) -> dict[str, str]:
    import hashlib
    import hmac
    import time

    ts = str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
    }


# -- a database-light world, one per module and backend ------------------------------------


class World:
    """One app, its database and stand-in, shared by a module's fuzz tests (hypothesis runs
    hundreds of examples per test; building a world per example would take minutes).

    State accumulates across examples; the properties hold whatever state earlier cases
    left. Each test runs on a clock that resumes where the previous one stopped
    (:meth:`clock`), so the world never sees time go back."""

    def __init__(self, tandem: Tandem, backend: str) -> None:
        self.tandem = tandem
        self.backend = backend
        self.fuzzer = Fuzzer(tandem)
        self.latest = _now()
        self.ids: dict[str, Any] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self._last_counts: dict[str, int] = {}

    @contextlib.contextmanager
    def clock(self) -> Iterator[None]:
        """Run a test on a clock that resumes where the last one stopped."""
        with freeze_time(self.latest, tick=True):
            self._last_counts = self.counts()
            yield
            self.latest = _now()

    def check_records(self, *, refused: bool, may_change: tuple[str, ...] = ()) -> None:
        """After a case: if it was refused, the main tables hold as many rows as before it
        (nothing half-written), except ``may_change``. One query per case: the counts after
        one case are the counts before the next (no job runs meanwhile)."""
        now = self.counts()
        if refused:
            before = {k: v for k, v in self._last_counts.items() if k not in may_change}
            after = {k: v for k, v in now.items() if k not in may_change}
            assert after == before, "a refused request changed Tandem's records"
        self._last_counts = now

    def counts(self) -> dict[str, int]:
        """Row counts of the tables a person's request may write (one query)."""
        columns = ", ".join(f'(SELECT count(*) FROM "{t}") AS "{t}"' for t in MAIN_TABLES)
        with self.tandem.database.engine.connect() as connection:
            row = connection.execute(sql(f"SELECT {columns}")).one()
        return dict(zip(MAIN_TABLES, row, strict=True))


# The tables of Tandem's own records (not caches such as people, nor the outbox and the
# dedupe tables, which a refused request may legitimately touch).
MAIN_TABLES = (
    "roles",
    "brief_revisions",
    "candidates",
    "checkins",
    "kickoff_drafts",
    "mutes",
    "panel_focus",
    "role_closures",
    "timeline_entries",
    "acknowledgements",
    "checkin_parties",
    "checkin_replies",
    "commitments",
    "hires",
    "interviews",
    "retro_polls",
    "stage_changes",
    "action_items",
    "focus_areas",
    "obligations",
    "quality_checks",
    "retro_anonymous_answers",
    "retro_answers",
    "feedback",
    "nudges",
)


def _now() -> datetime:
    return datetime.now(UTC)


@contextlib.contextmanager
def world(migrated_url: str, directory: Path, start: datetime, backend: str) -> Iterator[World]:
    """A fresh database (a copy of the migrated SQLite template, or the PostgreSQL test
    database truncated, as the ``db`` fixture does), a stand-in and a running app."""
    if migrated_url.startswith("sqlite"):
        copy = directory / "fuzz.db"
        shutil.copyfile(Path(make_url(migrated_url).database or ""), copy)
        engine = make_engine(f"sqlite:///{copy}")
    else:
        engine = make_engine(migrated_url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    database = Database(engine, make_session_factory(engine))
    with freeze_time(start, tick=True), SlackStandin() as standin:
        tandem = Tandem(database, standin)
        built = World(tandem, backend)
        try:
            yield built
        finally:
            built.fuzzer.close()
            tandem.close()
            engine.dispose()
