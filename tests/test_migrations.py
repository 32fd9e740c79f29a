"""The schema is made only by migrations, and they agree with the models — on both databases."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from bot.db import make_engine
from bot.migrate import current_revisions, downgrade_database, head_revisions, upgrade_database
from bot.models import Base
from tests.conftest import BACKENDS, PostgresDatabases


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a brand-new, empty database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        engine = make_engine(databases.create("tandem_migrations"))
    yield engine
    engine.dispose()


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_single_head() -> None:
    assert len(head_revisions()) == 1


def test_upgrade_from_empty_reaches_head_and_matches_models(empty_engine: Engine) -> None:
    upgrade_database(empty_engine)

    assert current_revisions(empty_engine) == head_revisions()
    assert _differences(empty_engine) == []
    tables = set(inspect(empty_engine).get_table_names())
    assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= tables


def test_downgrade_to_base_and_back(empty_engine: Engine) -> None:
    upgrade_database(empty_engine)
    downgrade_database(empty_engine, "base")

    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}

    upgrade_database(empty_engine)
    assert _differences(empty_engine) == []


def test_upgrade_twice_is_harmless(empty_engine: Engine) -> None:
    upgrade_database(empty_engine)
    upgrade_database(empty_engine)
    assert current_revisions(empty_engine) == head_revisions()


def test_concurrent_upgrades_do_not_race(empty_engine: Engine) -> None:
    """Two replicas booting at once: both finish, the schema is made once."""
    url = empty_engine.url.render_as_string(hide_password=False)
    errors: list[BaseException] = []

    def boot() -> None:
        engine = make_engine(url)
        try:
            upgrade_database(engine)
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=boot) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert current_revisions(empty_engine) == head_revisions()
    assert _differences(empty_engine) == []
