"""``/healthz``: the database (503 when it is unreachable), the outbox, Socket Mode."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.engine import make_url

from bot.db import make_engine
from bot.models import OutboxMessage, OutboxState
from bot.runtime import Database
from bot.web import make_server, make_wsgi_app
from tests.conftest import PostgresDatabases
from tests.harness import Tandem
from tests.outbox_flow import queue

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nobody listens there once the socket is closed


@contextmanager
def serving(wsgi_app: Any) -> Iterator[str]:
    server = make_server(wsgi_app, host="127.0.0.1", port=0, threads=2, shutdown_timeout=2)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        host, port = server.bind_addr[:2]
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        thread.join(timeout=5)


def healthz(base: str) -> tuple[int, dict[str, Any]]:
    try:
        with _OPENER.open(base + "/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_healthz_reports_the_outbox_depth_age_and_parked_rows(tandem: Tandem) -> None:
    queue(
        tandem.database,
        channel="C0NOWHERE",
        payload={"text": "x"},
        now=datetime.now(UTC) - timedelta(minutes=3),
    )
    queue(tandem.database, channel="C0NOWHERE", payload={"text": "y"})
    parked = queue(tandem.database, channel="C0NOWHERE", payload={"text": "z"})
    with tandem.database.sessions.begin() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == parked).values(state=OutboxState.FAILED)
        )
    status, health = healthz(tandem.url)
    assert status == 200
    assert health["database"] == "ok" and health["socket_mode"] == "not used"
    outbox = health["outbox"]
    assert outbox["depth"] == 2 and outbox["parked"] == 1
    assert 170 <= outbox["oldest_pending_seconds"] <= 200


@pytest.mark.parametrize("state", [True, False])
def test_healthz_shows_the_socket_mode_connection(db: Database, state: bool) -> None:
    with serving(make_wsgi_app(None, db.engine, socket_connected=lambda: state)) as base:
        status, health = healthz(base)
    assert status == 200
    assert health["socket_mode"] == ("connected" if state else "disconnected")


def test_healthz_is_503_when_postgresql_is_unreachable() -> None:
    """No server listens on the port: every connection attempt is refused."""
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/tandem")
    with serving(make_wsgi_app(None, engine)) as base:
        status, health = healthz(base)
    engine.dispose()
    assert status == 503
    assert health == {
        "ok": False,
        "database": "unreachable",
        "outbox": "unavailable",
        "socket_mode": "not used",
    }


def test_healthz_is_503_when_the_sqlite_file_cannot_be_opened(tmp_path: Path) -> None:
    """The database's folder is gone (an unmounted volume): SQLite cannot open the file."""
    folder = tmp_path / "volume"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'tandem.db'}")
    folder.rmdir()
    with serving(make_wsgi_app(None, engine)) as base:
        status, health = healthz(base)
    engine.dispose()
    assert status == 503 and health["database"] == "unreachable"


def test_healthz_is_503_while_a_live_postgresql_database_refuses_connections_then_200(
    postgres_databases: PostgresDatabases, migrated_url: str
) -> None:
    """The database stops taking connections and drops the ones open (what a restart does to
    a running process), then takes them again."""
    if not migrated_url.startswith("postgresql"):
        pytest.skip("the outage is made with PostgreSQL's ALLOW_CONNECTIONS")
    name = make_url(migrated_url).database
    engine = make_engine(migrated_url)
    seen = []
    with serving(make_wsgi_app(None, engine)) as base:
        seen.append(healthz(base))
        admin = postgres_databases.admin
        try:
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
            seen.append(healthz(base))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        seen.append(healthz(base))
    engine.dispose()
    assert [status for status, _ in seen] == [200, 503, 200]
    assert [h["database"] for _, h in seen] == ["ok", "unreachable", "ok"]
    # (The figures themselves are whatever earlier tests left in this session's database.)
    assert seen[1][1]["outbox"] == "unavailable" and "depth" in seen[2][1]["outbox"]


def test_a_database_that_answers_but_an_outbox_that_hangs_is_still_200(
    migrated_url: str,
) -> None:
    """The probe has a deadline (2 s in production, 0.3 s here): a locked outbox table makes
    only the outbox figures unavailable."""
    if not migrated_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's table locks make a read wait")
    engine = make_engine(migrated_url)
    locker = create_engine(migrated_url)
    with locker.connect() as holding:
        holding.execute(text("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"))
        with serving(make_wsgi_app(None, engine, health_timeout=0.3)) as base:
            status, health = healthz(base)
        holding.rollback()
    locker.dispose()
    engine.dispose()
    assert status == 200
    assert health["database"] == "ok" and health["outbox"] == "unavailable"
