"""Shared fixtures: clean environment, migrated databases (SQLite and PostgreSQL), the Slack
stand-in and a running Tandem app.

Every test that takes ``db`` runs twice: on SQLite and on PostgreSQL. PostgreSQL comes from
``TEST_DATABASE_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each run
creates its own throwaway database beside it. When PostgreSQL is unreachable those runs are
skipped — unless ``TANDEM_REQUIRE_POSTGRES=1`` (CI sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.config import get_settings
from bot.db import make_engine, make_session_factory
from bot.migrate import upgrade_database
from bot.models import Base
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from tests.harness import Tandem

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]


def pg_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)


def _postgres_problem() -> str | None:
    try:
        engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL unreachable at {make_url(pg_admin_url()).render_as_string()}: {exc}"
    return None


def require_postgres() -> None:
    problem = _postgres_problem()
    if problem is None:
        return
    if os.environ.get("TANDEM_REQUIRE_POSTGRES") == "1":
        pytest.fail(problem + " (TANDEM_REQUIRE_POSTGRES=1)")
    pytest.skip(problem)


class PostgresDatabases:
    """Creates and drops throwaway databases next to the admin database."""

    def __init__(self) -> None:
        self.admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self, prefix: str) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    require_postgres()
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No developer SLACK_*/DATABASE_URL/TANDEM_* value or .env file leaks into a test."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "TANDEM_")) and name != "TANDEM_REQUIRE_POSTGRES":
            monkeypatch.delenv(name)
    for name in ("DATABASE_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database at head: a template SQLite file, or a PostgreSQL database for this run."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade_database(engine)
        engine.dispose()
        yield f"sqlite:///{path}"
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    url = databases.create("tandem_test")
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    yield url


@pytest.fixture
def db(migrated_url: str, tmp_path: Path) -> Iterator[Database]:
    """A clean, migrated database for one test, on SQLite and on PostgreSQL."""
    if migrated_url.startswith("sqlite"):
        template = Path(make_url(migrated_url).database or "")
        copy = tmp_path / "tandem.db"
        shutil.copyfile(template, copy)
        engine = make_engine(f"sqlite:///{copy}")
    else:
        engine = make_engine(migrated_url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield Database(engine, make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def standin() -> Iterator[SlackStandin]:
    with SlackStandin() as server:
        yield server


@pytest.fixture
def tandem(db: Database, standin: SlackStandin) -> Iterator[Tandem]:
    app = Tandem(db, standin)
    yield app
    app.close()
    assert app.block_kit_problems() == [], "Block Kit limits broken"
