"""Faults in the database itself, for code whose work is only database writes: a table that
refuses new rows (a trigger raising on INSERT), on SQLite and on PostgreSQL alike. Nothing
of Tandem's is patched: its statements run and the database says no."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from bot.runtime import Database


@contextmanager
def refusing_inserts(db: Database, table: str) -> Iterator[None]:
    """Every INSERT into ``table`` fails while the block runs."""
    trigger = f"tandem_test_refuse_{table}"
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'injected fault: inserts refused'); END"
                )
            )
        else:
            connection.execute(
                text(
                    f"CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'injected fault: inserts refused'; END $$"
                )
            )
            connection.execute(
                text(
                    f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {trigger}()"
                )
            )
    try:
        yield
    finally:
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    f"DROP TRIGGER {trigger}"
                    + ("" if db.engine.dialect.name == "sqlite" else f" ON {table}")
                )
            )
            if db.engine.dialect.name != "sqlite":
                connection.execute(text(f"DROP FUNCTION {trigger}()"))
