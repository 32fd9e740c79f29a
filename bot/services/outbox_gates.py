"""Gates: times before which a workspace's channel or Web API method must not be called.

``channel:<id>`` holds Slack's one message per second per channel (claimed before a post,
pushed a full second past its answer); ``method:<name>`` holds a 429's ``Retry-After``. Both
live in the database and change only by conditional upserts, so every deliverer in every
process honours them. A gate far further ahead than it could legitimately be was set by a
clock that has since moved back, and is ignored.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.models import OutboxGate

# Slack allows about one message per second per channel; the margin absorbs clock skew
# between our processes.
CHANNEL_PACE = timedelta(seconds=1.05)
MAX_PACE_AHEAD = CHANNEL_PACE * 3
MAX_RETRY_AFTER = timedelta(hours=1)


_GATES = OutboxGate.__table__


@cache
def _upserts(dialect: str) -> tuple[Any, Any]:
    """(claim the pace slot, push a gate) for ``dialect``, built once: the deliverer runs
    them for every message."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_GATES).values(
        team_id=bindparam("team_id"), gate=bindparam("gate"), open_at=bindparam("until")
    )
    take = insert.on_conflict_do_update(
        index_elements=["team_id", "gate"],
        set_={"open_at": insert.excluded.open_at},
        where=or_(_GATES.c.open_at <= bindparam("now"), _GATES.c.open_at > bindparam("far")),
    ).returning(_GATES.c.id)
    push = insert.on_conflict_do_update(
        index_elements=["team_id", "gate"],
        set_={"open_at": insert.excluded.open_at},
        where=or_(_GATES.c.open_at < bindparam("until"), _GATES.c.open_at > bindparam("far")),
    )
    return take, push


_OPEN_AT = select(_GATES.c.open_at).where(
    _GATES.c.team_id == bindparam("team_id"), _GATES.c.gate == bindparam("gate")
)
_LATEST_CLOSED = select(func.max(_GATES.c.open_at)).where(
    _GATES.c.team_id == bindparam("team_id"),
    _GATES.c.gate.in_(bindparam("gates", expanding=True)),
    _GATES.c.open_at > bindparam("now"),
    _GATES.c.open_at <= bindparam("far"),
)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def push_gate(session: Session, team_id: str, gate: str, until: datetime) -> None:
    """Keep ``gate`` closed until at least ``until`` (or reset one set by a clock since
    moved back)."""
    session.execute(
        _upserts(_dialect(session))[1],
        {"team_id": team_id, "gate": gate, "until": until, "far": until + MAX_RETRY_AFTER},
    )


def claim_pace(session: Session, team_id: str, channel: str, now: datetime) -> datetime | None:
    """Take the channel's one-per-second slot; None when won, else when it opens."""
    gate = f"channel:{channel}"
    # One statement: create the gate, or move it if it is open (or set by a clock that has
    # since moved back); a row comes back only to the caller that took the slot.
    won = session.execute(
        _upserts(_dialect(session))[0],
        {
            "team_id": team_id,
            "gate": gate,
            "until": now + CHANNEL_PACE,
            "now": now,
            "far": now + MAX_PACE_AHEAD,
        },
    ).first()
    if won is not None:
        return None
    open_at = session.scalar(_OPEN_AT, {"team_id": team_id, "gate": gate})
    if open_at is None or open_at <= now or open_at > now + MAX_PACE_AHEAD:
        return now
    return open_at


def methods_closed_until(
    session: Session, team_id: str, gates: list[str], now: datetime
) -> datetime | None:
    """When the last of ``gates`` (``method:…``) opens again; None if all are open."""
    return session.scalar(
        _LATEST_CLOSED,
        {"team_id": team_id, "gates": gates, "now": now, "far": now + MAX_RETRY_AFTER},
    )
