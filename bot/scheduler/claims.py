"""Claim helpers: the database row is the unit of idempotency.

Two shapes, both safe on SQLite and PostgreSQL and under any number of schedulers:

* :func:`claim_slot` inserts ``(job_name, slot)`` into ``job_runs``; the unique constraint lets
  exactly one inserter win (``INSERT … ON CONFLICT DO NOTHING``).
* :func:`claim_row` is a conditional ``UPDATE … SET col = now WHERE id = … AND col IS NULL``;
  exactly one updater sees ``rowcount == 1``.

Each caller commits the claim before doing the outside-world work, and says in its docstring
whether that makes it at-most-once or at-least-once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.models import JobRun


def claim_slot(session: Session, *, job_name: str, slot: str, now: datetime) -> bool:
    """Claim ``slot`` of ``job_name``; True for exactly one caller across all processes."""
    values = {"job_name": job_name, "slot": slot, "claimed_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(JobRun)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["job_name", "slot"])
        .returning(JobRun.id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def claim_row(
    session: Session,
    *,
    column: InstrumentedAttribute[Any],
    row_id: int,
    now: datetime,
    extra_conditions: tuple[Any, ...] = (),
) -> bool:
    """Set ``column`` to ``now`` on row ``row_id`` if it is still NULL; True if we won."""
    model = column.class_
    result = session.execute(
        update(model)
        .where(model.id == row_id, column.is_(None), *extra_conditions)
        .values({column.key: now})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
