"""Shared fixtures: clean environment, migrated databases (SQLite and PostgreSQL), the Slack
stand-in and a running Tandem app.

Every test runs on a frozen, ticking clock that starts at the session's "today": the real
time when the session began, or ``--today DATE|DATETIME`` (``pytest --today 2027-06-05`` starts
every test's clock at 12:00 UTC on that date; ``--today 2027-03-12T23:30Z`` at that moment).
Module constants computed at import (``MONDAY = next_weekday(0)``) see the same "today",
because collection runs on the frozen clock too. Tests that need a particular moment freeze
it themselves (freezegun nests).

Every test that takes ``db`` runs twice: on SQLite and on PostgreSQL. PostgreSQL comes from
``TEST_DATABASE_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each run
creates its own throwaway database beside it. When PostgreSQL is unreachable those runs are
skipped — unless ``TANDEM_REQUIRE_POSTGRES=1`` (CI sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import freezegun
import pytest
from freezegun import freeze_time
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import bot
from bot.config import get_settings
from bot.db import make_engine, make_session_factory
from bot.migrate import upgrade_database
from bot.models import Base
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from tests.harness import Tandem

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]
TODAY_KEY = "tandem_today"
# pytest's durations keep real time. (Only modules never on a test's call stack belong here:
# freezegun gives real time to every call made below an ignored module's frame.)
freezegun.configure(extend_ignore_list=["_pytest.timing"])


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        metavar="DATE|DATETIME",
        default=os.environ.get("TANDEM_TEST_TODAY"),
        help="start every test's frozen clock at this date (12:00 UTC) or moment "
        "(default: the real time when the session starts; env TANDEM_TEST_TODAY)",
    )


def parse_today(text: str) -> datetime:
    """``2027-06-05`` → 12:00 UTC that day (the same date from UTC-11 to UTC+11); a full
    ISO datetime is taken as it is (UTC when it names no offset)."""
    text = text.strip()
    try:
        return datetime.combine(date.fromisoformat(text), time(12), tzinfo=UTC)
    except ValueError:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def session_today(config: pytest.Config) -> datetime:
    return datetime.fromisoformat(config.stash[_today_key])


_today_key = pytest.StashKey[str]()
_collection_freezer = pytest.StashKey[Any]()


def pytest_configure(config: pytest.Config) -> None:
    worker_input = getattr(config, "workerinput", None)
    if worker_input is not None:  # an xdist worker: the controller chose the moment
        today = worker_input[TODAY_KEY]
    else:
        option = config.getoption("--today")
        today = (parse_today(option) if option else datetime.now(UTC)).isoformat()
    config.stash[_today_key] = today
    # Import the whole package on the real clock: pydantic builds its schemas at import time
    # and must see the real date types, not freezegun's.
    for module in pkgutil.walk_packages(bot.__path__, "bot."):
        if module.name != "bot.__main__":
            importlib.import_module(module.name)
    freezer = freeze_time(datetime.fromisoformat(today), tick=True)
    freezer.start()
    config.stash[_collection_freezer] = freezer


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: three workers per core (at least six). Many tests spend their time
    waiting the way Slack makes a client wait — a backoff, a ``Retry-After``, one message per
    second per channel, a real process starting — not computing, so a core can run others
    meanwhile. (Kickoff step 1 used to ask Slack before its ack and missed Bolt's 3 s under
    this load; it acks first now.)"""
    return max(6, 3 * (os.cpu_count() or 1))


# The big who-may-do-what matrices run every other case on SQLite and one in four on
# PostgreSQL (whose queries they do not exercise differently: the rules live in Python),
# spread over every row, so CI stays inside its 15 minutes. ``TANDEM_THOROUGH=1`` runs them all.
SAMPLED_MATRICES = {
    "tests/test_authorization.py::test_who_may_do_what",
    "tests/test_tenant_isolation.py::test_button_from_b_with_a_ids_sees_nothing_of_a",
    "tests/test_tenant_isolation.py::test_modal_submitted_from_b_with_a_metadata_sees_nothing_of_a",
    "tests/test_tenant_isolation.py::test_command_from_b_sees_nothing_of_a",
}
SAMPLE_EVERY = {"postgresql": 4, "sqlite": 2}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("TANDEM_THOROUGH") == "1":
        return
    seen: dict[str, int] = {}
    kept, dropped = [], []
    for item in items:
        function = item.nodeid.split("[", 1)[0]
        if function in SAMPLED_MATRICES:
            backend = "postgresql" if "postgresql" in item.nodeid else "sqlite"
            index = seen.get(function + backend, 0)
            seen[function + backend] = index + 1
            if index % SAMPLE_EVERY[backend]:
                dropped.append(item)
                continue
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _check_xdist_groups_hold(session: pytest.Session) -> None:
    """Under ``--dist loadgroup`` a test marked ``xdist_group`` must be scheduled with its
    group (xdist appends ``@group`` to its node id); when a pytest or xdist upgrade breaks
    that, the groups' module fixtures are rebuilt on every worker and CI slows by minutes."""
    if session.config.getoption("dist", "no") != "loadgroup":
        return
    if not hasattr(session.config, "workerinput"):
        return  # the controller: the workers collect and name the items
    for item in session.items:
        if item.get_closest_marker("xdist_group") is not None and "@" not in item.nodeid:
            raise pytest.UsageError(
                f"{item.nodeid} is in an xdist_group but its node id lacks the group: this "
                "pytest-xdist does not support this pytest (see pyproject.toml)"
            )


def pytest_configure_node(node: Any) -> None:
    """xdist: every worker starts from the controller's "today"."""
    node.workerinput[TODAY_KEY] = node.config.stash[_today_key]


def pytest_collection_finish(session: pytest.Session) -> None:
    _check_xdist_groups_hold(session)
    freezer = session.config.stash.get(_collection_freezer, None)
    if freezer is not None:
        freezer.stop()
        del session.config.stash[_collection_freezer]


def pytest_report_header(config: pytest.Config) -> str:
    return f"tandem: every test's clock starts at {config.stash[_today_key]}"


@pytest.fixture(autouse=True)
def frozen_today(request: pytest.FixtureRequest) -> Iterator[datetime]:
    """Each test starts at the session's "today" on a ticking frozen clock."""
    start = session_today(request.config)
    with freeze_time(start, tick=True):
        yield start


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
