"""What an operator sees and does with the outbox: list rows, re-queue parked ones, health."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import OutboxMessage, OutboxState


@dataclass(frozen=True)
class OutboxHealth:
    depth: int  # pending rows
    oldest_pending_seconds: float | None
    failed: int


def health(session: Session, *, now: datetime) -> OutboxHealth:
    pending = OutboxMessage.state == OutboxState.PENDING
    depth, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(pending)
    ).one()
    failed = session.scalar(select(func.count()).where(OutboxMessage.state == OutboxState.FAILED))
    if oldest is not None and oldest.tzinfo is None:
        # Aggregates skip the column type's conversion on SQLite (naive UTC there).
        oldest = oldest.replace(tzinfo=UTC)
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else None
    return OutboxHealth(int(depth or 0), age, int(failed or 0))


def list_rows(
    session: Session,
    *,
    failed_only: bool = False,
    teams: Sequence[str] = (),
    limit: int = 200,
) -> list[OutboxMessage]:
    """Pending and failed rows (or only failed ones), oldest first."""
    states = [OutboxState.FAILED] if failed_only else [OutboxState.PENDING, OutboxState.FAILED]
    query = select(OutboxMessage).where(OutboxMessage.state.in_(states))
    if teams:
        query = query.where(OutboxMessage.team_id.in_(list(teams)))
    return list(session.scalars(query.order_by(OutboxMessage.id).limit(limit)))


class NotParked(Exception):
    """The row does not exist or is not failed."""


def retry(session: Session, row_id: int, *, now: datetime) -> list[int]:
    """Put parked row ``row_id`` back in the queue, with the rows parked because of it;
    returns their ids."""
    row = session.get(OutboxMessage, row_id)
    if row is None or row.state != OutboxState.FAILED:
        raise NotParked(row_id)
    requeued = [row]
    waiting = f"waiting for outbox #{row.id}, which failed"
    frontier = [row]
    while frontier:
        parent = frontier.pop()
        if not parent.key:
            continue
        children = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.team_id == parent.team_id,
                OutboxMessage.parent_key == parent.key,
                OutboxMessage.state == OutboxState.FAILED,
                OutboxMessage.last_error == f"waiting for outbox #{parent.id}, which failed",
            )
        ).all()
        requeued += children
        frontier += children
    for message in requeued:
        message.state = OutboxState.PENDING
        message.attempts = 0
        message.claimed_by = None
        message.claimed_at = None
        message.not_before = now
        if message is row:
            message.last_error = f"retried after: {row.last_error or ''}"[:500]
        elif message.last_error == waiting:
            message.last_error = None
    session.flush()
    return [m.id for m in requeued]
