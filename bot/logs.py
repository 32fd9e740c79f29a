"""Logging: one line per record, as text or JSON, tagged with the request or job it belongs to,
and never carrying a secret or what people wrote.

Ids travel in :mod:`contextvars`: the web layer (and a Bolt middleware, for Socket Mode) binds a
fresh ``request_id`` to each request; Bolt runs the listener — and everything after ``ack()`` —
in its listener executor, which :class:`ContextExecutor` makes run in a copy of the submitting
thread's context; the scheduler's job wrapper binds ``job`` and ``job_id``. The deliverer's own
threads are recognised by name (``job=deliverer``) and its lines name their outbox row
(``outbox #12``), from which ``outbox_id`` is taken.

Two guards run on every record, at every level, before any handler formats it:

* :class:`RedactSecrets` replaces anything shaped like a Slack token (``xoxb-…``, ``xoxp-…``,
  ``xapp-…``) and the configured secrets (signing secret, client secret, tokens, anonymity
  key) with ``***`` in the message, its arguments, the traceback and the stack;
* :class:`CapThirdPartyDebug` drops slack_sdk's and Bolt's DEBUG records: they hold whole
  request and response bodies — messages with candidate names and free-text feedback — so
  ``TANDEM_LOG_LEVEL=DEBUG`` shows Tandem's own debugging, never people's words.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import secrets
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from datetime import UTC, datetime
from typing import IO, Any, Literal

LogFormat = Literal["text", "json"]

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
job_name: contextvars.ContextVar[str | None] = contextvars.ContextVar("job", default=None)
job_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("job_id", default=None)
outbox_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("outbox_id", default=None)

_VARS: dict[str, contextvars.ContextVar[Any]] = {
    "request_id": request_id,
    "job": job_name,
    "job_id": job_id,
    "outbox_id": outbox_id,
}

# Slack's token shapes: bot/user/app-level/config/refresh tokens (xoxb-, xoxp-, xoxa-, xoxe-,
# xoxe.xoxp-, xoxs-, xoxo-, xoxr-) and app-level tokens (xapp-).
SLACK_TOKEN = re.compile(r"\b(xox[abeoprs](?:\.xox[abeoprs])?|xapp)-[0-9A-Za-z-]+")
REDACTED = "***"
# A configured value shorter than this is not redacted literally (it would mangle ordinary
# text); every real Slack secret is far longer.
MIN_SECRET_LENGTH = 8
THIRD_PARTY_BODY_LOGGERS = ("slack_sdk", "slack_bolt")
# The deliverer names its threads ``deliverer`` (the claim loop) and ``deliver_N`` (workers).
_DELIVERER_THREAD = re.compile(r"^deliver(er|_\d+)")
_OUTBOX_IN_MESSAGE = re.compile(r"\boutbox #(\d+)")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def new_request_id() -> str:
    """A short random id: unique enough to grep one request's lines out of a day's log, and
    unguessable (Slack's own headers repeat on retries, and a timestamp repeats across
    processes)."""
    return secrets.token_hex(6)


@contextlib.contextmanager
def bound(**ids: Any) -> Iterator[None]:
    """Tag every line logged in this block (and in work it hands to a
    :class:`ContextExecutor`) with ``ids`` (``request_id``, ``job``, ``job_id``, ``outbox_id``)."""
    tokens = [(_VARS[name], _VARS[name].set(value)) for name, value in ids.items()]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current_ids() -> dict[str, Any]:
    """The ids bound in this context (only those set)."""
    return {name: var.get() for name, var in _VARS.items() if var.get() is not None}


class ContextExecutor(Executor):
    """An executor that runs each task in a copy of the submitter's :mod:`contextvars`.

    Bolt hands a request's listener — and so everything done after ``ack()`` — to its listener
    executor; without the copy those lines would lose the request's id.
    """

    def __init__(self, inner: Executor) -> None:
        self.inner = inner

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        context = contextvars.copy_context()
        return self.inner.submit(context.run, fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)

    def __getattr__(self, name: str) -> Any:
        # The wrapped executor's own helpers (a test executor's ``wait_idle``).
        return getattr(self.inner, name)


# -- the guards --------------------------------------------------------------------------


class RedactSecrets(logging.Filter):
    """Replace Slack tokens and the configured secrets in a record, whatever its level.

    The record is rewritten in place (message and arguments merged, traceback and stack
    rendered and redacted), so every handler after this filter sees only the redacted text.
    """

    def __init__(self, secret_values: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = sorted(
            {s for s in secret_values if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    def redact(self, text: str) -> str:
        for value in self.secrets:
            text = text.replace(value, REDACTED)
        return SLACK_TOKEN.sub(lambda m: f"{m.group(1)}-{REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what can be shown
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class CapThirdPartyDebug(logging.Filter):
    """Drop slack_sdk's and Bolt's records below INFO (whole request and response bodies)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.levelno < logging.INFO and record.name.startswith(THIRD_PARTY_BODY_LOGGERS)
        )


class AddIds(logging.Filter):
    """Copy the bound ids onto the record (``record.tandem_ids``) for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = current_ids()
        if "job" not in ids and _DELIVERER_THREAD.match(record.threadName or ""):
            ids["job"] = "deliverer"
        if "outbox_id" not in ids:
            found = _OUTBOX_IN_MESSAGE.search(str(record.msg))
            if found:
                ids["outbox_id"] = int(found.group(1))
        record.tandem_ids = ids
        return True


# -- formatters --------------------------------------------------------------------------


class TextFormatter(logging.Formatter):
    """The classic line, with `` [req=…]`` / `` [job=… run=… outbox=…]`` appended."""

    _SHORT = {"request_id": "req", "job": "job", "job_id": "run", "outbox_id": "outbox"}

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = getattr(record, "tandem_ids", None) or {}
        if not ids:
            return line
        tags = " ".join(f"{self._SHORT[k]}={v}" for k, v in ids.items())
        first, newline, rest = line.partition("\n")
        return f"{first} [{tags}]{newline}{rest}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the ids, and ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "tandem_ids", None) or {})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


# -- installing --------------------------------------------------------------------------


def make_handler(
    *,
    log_format: LogFormat = "text",
    secret_values: Iterable[str | None] = (),
    stream: IO[str] | None = None,
    third_party_debug: bool = False,
) -> logging.Handler:
    """A stream handler with Tandem's guards and formatter (``third_party_debug`` lets
    slack_sdk's and Bolt's DEBUG bodies through — redacted — for a test of the redaction)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if not third_party_debug:
        handler.addFilter(CapThirdPartyDebug())
    handler.addFilter(RedactSecrets(secret_values))
    handler.addFilter(AddIds())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    return handler


def configured_secrets(settings: Any) -> list[str]:
    """Every secret value in ``settings`` (SecretStr fields), for :class:`RedactSecrets`."""
    values = []
    for name in type(settings).model_fields:
        value = getattr(settings, name, None)
        if hasattr(value, "get_secret_value"):
            values.append(value.get_secret_value())
    database_url = getattr(settings, "database_url", None)
    if database_url:
        from sqlalchemy.engine import make_url

        values.append(make_url(database_url).password)
    return values


def configure(
    level: str,
    *,
    log_format: LogFormat = "text",
    secret_values: Iterable[str | None] = (),
    stream: IO[str] | None = None,
) -> logging.Handler | None:
    """Make the root logger write through one Tandem handler at ``level``; returns it.

    Like :func:`logging.basicConfig`, it leaves alone a process whose logging someone else
    configured already (a test runner's capture): None then.
    """
    root = logging.getLogger()
    if any(not getattr(h, "tandem", False) for h in root.handlers):
        return None
    for old in list(root.handlers):
        root.removeHandler(old)  # configured twice: one handler
    handler = make_handler(log_format=log_format, secret_values=secret_values, stream=stream)
    handler.tandem = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    set_third_party_levels(level)
    return handler


def set_third_party_levels(level: str) -> None:
    """Third-party chatter at WARNING unless DEBUG is asked for (and then the handler still
    drops slack_sdk's and Bolt's DEBUG bodies). Bolt copies the root level onto each of its
    loggers when an app is built, so those existing already are set too."""
    wanted = "DEBUG" if level == "DEBUG" else "WARNING"
    for noisy in ("slack_bolt", "slack_sdk", "apscheduler", "cheroot", "alembic"):
        logging.getLogger(noisy).setLevel(wanted)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("slack_bolt.", "slack_sdk.")):
            logging.getLogger(name).setLevel(logging.NOTSET)
