"""What happens to a workspace's data after ``app_uninstalled``.

Its Slack tokens are deleted at once (``bot.handlers.events``); the workspace is marked
uninstalled (``workspaces.uninstalled_at``) and everything else is kept for
``TANDEM_RETENTION_DAYS`` (default 30), so that reinstalling within them restores service
with its roles, feedback and history. A reinstall clears the mark (the installation store
calls :func:`mark_reinstalled`). After the retention, the ``purge-uninstalled`` job deletes
every row of every table that carries the workspace's ``team_id`` (:func:`purge_due`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from bot.db import SessionFactory
from bot.models import Base, Workspace
from bot.services.people import ensure_workspace

logger = logging.getLogger(__name__)

PURGE_BATCH = 500


def mark_uninstalled(
    sessions: SessionFactory, *, team_id: str, now: datetime, enterprise_id: str | None = None
) -> None:
    """Start the retention clock of ``team_id`` (kept at its first start when Slack sends
    the event again)."""
    with sessions.begin() as session:
        workspace = ensure_workspace(session, team_id, now, enterprise_id)
        if workspace.uninstalled_at is None:
            workspace.uninstalled_at = now
    logger.info("workspace %s uninstalled: its tokens are deleted, its data kept", team_id)


def mark_reinstalled(session: Session, *, team_id: str) -> bool:
    """Clear the uninstalled mark of ``team_id`` (True when there was one): its data is
    served again and no longer due for purging."""
    cleared = session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id, Workspace.uninstalled_at.is_not(None))
        .values(uninstalled_at=None)
    ).rowcount
    if cleared:
        logger.info("workspace %s reinstalled within its retention: service restored", team_id)
    return bool(cleared)


def team_tables() -> list[Table]:
    """Every table with a ``team_id`` column, children before parents (FK-safe deletion
    order), the ``workspaces`` row — the uninstalled mark itself — last."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if "team_id" in t.c]
    workspaces = Workspace.__table__
    return [t for t in tables if t is not workspaces] + [workspaces]  # type: ignore[list-item]


@dataclass
class PurgeReport:
    """Rows deleted per table, per purged workspace."""

    deleted: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(sum(tables.values()) for tables in self.deleted.values())


def due_for_purge(sessions: SessionFactory, *, now: datetime, retention_days: int) -> list[str]:
    """The workspaces uninstalled longer ago than their retention: the admin setting
    (``workspaces.retention_days``), else ``retention_days`` (TANDEM_RETENTION_DAYS)."""
    with sessions() as session:
        rows = session.execute(
            select(Workspace.team_id, Workspace.uninstalled_at, Workspace.retention_days)
            .where(Workspace.uninstalled_at.is_not(None))
            .order_by(Workspace.team_id)
        ).all()
    # Uninstalled workspaces are few (the purge deletes them): each one's own days in Python.
    return [
        team_id
        for team_id, uninstalled_at, own_days in rows
        if uninstalled_at <= now - timedelta(days=own_days or retention_days)
    ]


def _still_due(session: Session, team_id: str, now: datetime, retention_days: int) -> bool:
    row = session.execute(
        select(Workspace.uninstalled_at, Workspace.retention_days).where(
            Workspace.team_id == team_id
        )
    ).first()
    if row is None or row.uninstalled_at is None:
        return False
    return bool(row.uninstalled_at <= now - timedelta(days=row.retention_days or retention_days))


def purge_workspace(
    sessions: SessionFactory,
    *,
    team_id: str,
    now: datetime,
    retention_days: int,
    batch: int = PURGE_BATCH,
) -> dict[str, int] | None:
    """Delete every row of ``team_id``, table by table in FK-safe order, ``batch`` rows per
    transaction (a big workspace never holds long locks). Returns rows deleted per table;
    None when the workspace is no longer due (reinstalled meanwhile: nothing more is
    deleted — each batch re-checks the mark in its own transaction).

    Idempotent: an interrupted purge leaves the mark (deleted last) and the next run goes on.
    """
    deleted: dict[str, int] = {}
    for table in team_tables():
        key = next(iter(table.primary_key.columns))
        while True:
            with sessions.begin() as session:
                if not _still_due(session, team_id, now, retention_days):
                    logger.info("purge of workspace %s stopped: it was reinstalled", team_id)
                    return None
                ids = select(key).where(table.c.team_id == team_id).limit(batch).scalar_subquery()
                count = session.execute(delete(table).where(key.in_(ids))).rowcount
            if count:
                deleted[table.name] = deleted.get(table.name, 0) + count
            if count < batch:
                break
    logger.info(
        "purged workspace %s (uninstalled over %s days ago): %s rows",
        team_id,
        retention_days,
        sum(deleted.values()),
    )
    return deleted


def purge_due(sessions: SessionFactory, *, now: datetime, retention_days: int) -> PurgeReport:
    """Purge every workspace whose retention is over."""
    report = PurgeReport()
    for team_id in due_for_purge(sessions, now=now, retention_days=retention_days):
        done = purge_workspace(sessions, team_id=team_id, now=now, retention_days=retention_days)
        if done is not None:
            report.deleted[team_id] = done
    return report
