"""Apply Alembic migrations, safely when several processes start at once.

On PostgreSQL a session-level advisory lock serialises concurrent upgrades (two replicas
booting together); on SQLite an ``flock`` on a file beside the database does the same.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

import bot

# An arbitrary constant: "TANDEM" in ASCII, the key of our migration advisory lock.
_MIGRATION_LOCK_KEY = 0x54414E44454D


def migrations_dir() -> Path:
    """The folder holding ``env.py``: in the source tree, or packaged inside ``bot``."""
    package_dir = Path(bot.__file__).resolve().parent
    for candidate in (package_dir.parent / "migrations", package_dir / "_migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("Tandem's migrations folder is missing from this installation")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations, optionally bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revisions() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as connection:
        return tuple(MigrationContext.configure(connection).get_current_heads())


def revisions_between(lower: tuple[str, ...], upper: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(revision, message)`` of each migration after ``lower`` up to ``upper``, oldest
    first: what an upgrade from ``lower`` to ``upper`` applied (empty when they are equal)."""
    if not upper or set(lower) == set(upper):
        return []
    script = ScriptDirectory.from_config(alembic_config())
    found = script.iterate_revisions(upper, lower or "base")
    return [(s.revision, " ".join((s.doc or "").split())) for s in reversed(list(found))]


@contextlib.contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate-lock")
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; concurrent callers wait for each other."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            connection.commit()
            try:
                command.upgrade(alembic_config(connection), revision)
                connection.commit()
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
                connection.commit()
        return
    with _sqlite_file_lock(engine), engine.connect() as connection:
        command.upgrade(alembic_config(connection), revision)
        connection.commit()


def downgrade_database(engine: Engine, revision: str) -> None:
    """Downgrade to ``revision`` (used by the migration round-trip test and operators)."""
    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), revision)
        connection.commit()
