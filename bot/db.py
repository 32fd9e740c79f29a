"""Engine and sessions.

SQLite is the embedded default: one file, WAL so readers never block the writer, foreign keys
on (SQLite leaves them off unless asked) and a busy timeout so two writers queue instead of
failing — and should a writer's wait still end in "database is locked", the statement that
opened its transaction is retried (:class:`_RetryingCursor`), so a person never sees it.
PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.config import StartupError

SessionFactory = sessionmaker[Session]

logger = logging.getLogger(__name__)

# A database host that drops packets would otherwise hold start-up for minutes.
CONNECT_TIMEOUT_SECONDS = 10
# How long a writer waits for SQLite's write lock (the busy handler), then how long Tandem
# keeps retrying the statement on top of that.
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_LOCK_RETRY_SECONDS = 20.0
_LOCKED = ("database is locked", "database table is locked")


class DatabaseUnavailable(StartupError):
    """The database cannot be reached, or refuses the login."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class _RetryingCursor(sqlite3.Cursor):
    """Retries a statement that found the database locked, when retrying is exactly waiting
    longer: the statement opened the transaction (nothing written in it yet, so nothing is
    lost by rolling the attempt back). SQLite can answer "locked" at once, without waiting —
    a WAL snapshot gone stale, a checkpoint — or after the busy timeout under a long writer.
    A statement inside a transaction that has written already is not retried: the whole
    transaction would have to be, and that is the caller's to decide."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self._retrying(super().execute, sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        return self._retrying(super().executemany, sql, parameters)

    def _retrying(self, run: Any, sql: str, parameters: Any) -> sqlite3.Cursor:
        connection = self.connection
        fresh = not connection.in_transaction
        deadline = time.monotonic() + SQLITE_LOCK_RETRY_SECONDS
        attempt = 0
        while True:
            try:
                return run(sql, parameters)  # type: ignore[no-any-return]
            except sqlite3.OperationalError as exc:
                if not (fresh and str(exc) in _LOCKED) or time.monotonic() > deadline:
                    raise
                if connection.in_transaction:
                    connection.rollback()  # only the implicit BEGIN of this statement
                attempt += 1
                pause = min(0.5, 0.01 * 2**attempt) * (0.5 + random.random())
                logger.debug("SQLite was locked; retrying the statement in %.2f s", pause)
                time.sleep(pause)


class _RetryingConnection(sqlite3.Connection):
    def cursor(self, factory: Any = _RetryingCursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``database_url`` with Tandem's per-dialect settings."""
    # A failed statement's error message would otherwise quote its parameters — a candidate's
    # name, someone's feedback — into the log line that reports it.
    kwargs.setdefault("hide_parameters", True)
    if database_url.startswith("sqlite"):
        connect_args: dict[str, Any] = {
            "check_same_thread": False,
            "factory": _RetryingConnection,
        }
        if database_url in ("sqlite://", "sqlite:///:memory:"):
            # One shared connection, or each thread would see its own empty database.
            kwargs.setdefault("poolclass", StaticPool)
        engine = create_engine(database_url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "connect_timeout" not in make_url(database_url).query:
        kwargs.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    return create_engine(database_url, **kwargs)


def sqlite_folder_problem(database_url: str) -> str | None:
    """Why a SQLite file cannot be created where ``database_url`` says (None when it can).

    A missing folder is a mistyped path far more often than a wish for a new folder, so
    Tandem never creates one.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    folder = Path(url.database).parent
    if not folder.is_dir():
        return (
            f"the folder {folder.absolute()} does not exist (Tandem creates the file, not folders)"
        )
    return None


def ensure_reachable(engine: Engine) -> None:
    """Connect once; raise :class:`DatabaseUnavailable` with one line if that fails."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        shown = engine.url.render_as_string(hide_password=True)
        reason = " ".join(str(exc.orig).split())
        if engine.url.password:
            reason = reason.replace(str(engine.url.password), "***")
        raise DatabaseUnavailable(
            f"cannot use the database {shown}: {reason[:300]} — check DATABASE_URL, that the "
            "database server is running and reachable, and that it accepts this user"
        ) from None


def make_session_factory(engine: Engine) -> SessionFactory:
    """Sessions that keep loaded attributes after commit (handlers render after committing)."""
    return sessionmaker(engine, expire_on_commit=False)


def upsert_insert(session: Session, table: Any) -> Any:
    """``INSERT`` that supports ``on_conflict_do_nothing`` on the session's database.

    A conflicting row committed by a concurrent transaction makes the insert do nothing (on
    PostgreSQL it first waits for that transaction), so "create unless it exists" races
    safely without catching ``IntegrityError``.
    """
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def database_answers(engine: Engine) -> bool:
    """True when a trivial query succeeds; used by ``/healthz``."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
