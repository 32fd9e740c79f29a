"""Gates: times before which a workspace's channel or Web API method must not be called.

``channel:<id>`` holds Slack's one message per second per channel (claimed before a post,
pushed a full second past its answer); ``method:<name>`` holds a 429's ``Retry-After``. Both
live in the database and change only by conditional upserts, so every deliverer in every
process honours them. A gate far further ahead than it could legitimately be was set by a
clock that has since moved back, and is ignored.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db import upsert_insert
from bot.models import OutboxGate

# Slack allows about one message per second per channel; the margin absorbs clock skew
# between our processes.
CHANNEL_PACE = timedelta(seconds=1.05)
MAX_PACE_AHEAD = CHANNEL_PACE * 3
MAX_RETRY_AFTER = timedelta(hours=1)


def _gate_closed_until(
    session: Session, team_id: str, gate: str, now: datetime, ahead: timedelta
) -> datetime | None:
    open_at = session.scalar(
        select(OutboxGate.open_at).where(OutboxGate.team_id == team_id, OutboxGate.gate == gate)
    )
    if open_at is None or open_at <= now or open_at > now + ahead:
        return None
    return open_at


def push_gate(session: Session, team_id: str, gate: str, until: datetime) -> None:
    """Keep ``gate`` closed until at least ``until`` (or reset one set by a clock since
    moved back)."""
    table = OutboxGate.__table__
    insert = upsert_insert(session, OutboxGate).values(team_id=team_id, gate=gate, open_at=until)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["team_id", "gate"],
            set_={"open_at": insert.excluded.open_at},
            where=or_(table.c.open_at < until, table.c.open_at > until + MAX_RETRY_AFTER),
        )
    )


def claim_pace(session: Session, team_id: str, channel: str, now: datetime) -> datetime | None:
    """Take the channel's one-per-second slot; None when won, else when it opens."""
    gate = f"channel:{channel}"
    table = OutboxGate.__table__
    insert = upsert_insert(session, OutboxGate).values(
        team_id=team_id, gate=gate, open_at=now + CHANNEL_PACE
    )
    # One statement: create the gate, or move it if it is open (or set by a clock that has
    # since moved back); a row comes back only to the caller that took the slot.
    won = session.execute(
        insert.on_conflict_do_update(
            index_elements=["team_id", "gate"],
            set_={"open_at": insert.excluded.open_at},
            where=or_(table.c.open_at <= now, table.c.open_at > now + MAX_PACE_AHEAD),
        ).returning(table.c.id)
    ).first()
    if won is not None:
        return None
    return _gate_closed_until(session, team_id, gate, now, MAX_PACE_AHEAD) or now


def methods_closed_until(
    session: Session, team_id: str, gates: list[str], now: datetime
) -> datetime | None:
    """When the last of ``gates`` (``method:…``) opens again; None if all are open."""
    return session.scalar(
        select(func.max(OutboxGate.open_at)).where(
            OutboxGate.team_id == team_id,
            OutboxGate.gate.in_(gates),
            OutboxGate.open_at > now,
            OutboxGate.open_at <= now + MAX_RETRY_AFTER,
        )
    )
