"""Claim helpers: the database row is the unit of idempotency.

:func:`claim_slot` inserts ``(job_name, slot)`` into ``job_runs``; the unique constraint lets
exactly one inserter win (``INSERT … ON CONFLICT DO NOTHING``), on SQLite and PostgreSQL and
under any number of schedulers.

Each caller commits the claim before doing the outside-world work, and says in its docstring
whether that makes it at-most-once or at-least-once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

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
