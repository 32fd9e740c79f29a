"""Describing a failure in one log line: what went wrong and where, never a traceback.

Operators read one clear line per failure; the traceback is logged at DEBUG for developers.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line, with the innermost Tandem frame when there is one."""
    text = " ".join(str(exc).split())[:300]
    described = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    where = _innermost_tandem_frame(exc)
    return f"{described} (at {where})" if where else described


@contextlib.contextmanager
def quiet_logging() -> Iterator[None]:
    """No log output for a moment: for start-up steps (one thread) whose failure Tandem
    explains itself in one line, where slack_sdk and Bolt would log several. (Bolt gives each
    of its loggers the root logger's level, so silencing ``slack_bolt`` alone is not enough.)
    """
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(previous)


def _innermost_tandem_frame(exc: BaseException) -> str | None:
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        parts = Path(frame.filename).parts
        if "bot" in parts and "site-packages" not in parts:
            start = len(parts) - 1 - parts[::-1].index("bot")
            found = f"{'/'.join(parts[start:])}:{frame.lineno}"
    return found


def database_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database could not be reached or dropped the connection
    (a restart, a network cut) — not a bug, not bad input: worth trying again in a moment."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    seen: BaseException | None = exc
    for _ in range(5):  # the error may be wrapped by the code that met it
        if isinstance(seen, DBAPIError) and (
            seen.connection_invalidated or isinstance(seen, OperationalError | InterfaceError)
        ):
            text = str(seen.orig).lower()
            # A locked SQLite file is contention, retried where it happens, not an outage.
            return "database is locked" not in text
        if seen is None:
            break
        seen = seen.__cause__ or seen.__context__
    return False
