"""Claiming and settling outbox rows: the database side of delivery.

Every step is a conditional update, so any number of deliverers (threads, processes,
replicas; SQLite or PostgreSQL) can run at once:

* a row is claimed only while pending, unclaimed (or its claim is stale) and the oldest
  pending row of its lane — one lane per workspace and channel (a user id for DMs) — so a
  channel's messages go out one at a time, in order;
* a ``chat.postMessage`` also claims its channel's gate (one message per second per channel)
  and every call honours its method's gate (Slack's ``Retry-After``), see
  ``bot.services.outbox_gates``;
* settling a row (sent, retry later, parked) succeeds only for the claim that holds it.

Taking over a stale claim marks the row ``in_doubt``: the deliverer that held it may have
died after Slack accepted the message, so the next one looks in the channel's history first.
"""

from __future__ import annotations

import itertools
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, bindparam, exists, or_, select, update
from sqlalchemy.orm import Session

from bot.models import OutboxMessage, OutboxState
from bot.services.outbox import (
    CREATE_CHANNEL,
    PIN,
    POST,
    UPDATE,
    UPLOAD,
    has_sent_hook,
    run_sent_hook,
    sent_parent,
)
from bot.services.outbox_gates import CHANNEL_PACE, claim_pace, methods_closed_until, push_gate

# A claim older than this is abandoned (its deliverer crashed); longer than one row's worst
# case: a few Web API calls, each bounded by the deliverer's HTTP timeout.
STALE_CLAIM = timedelta(minutes=2)
# A claim this recent means a deliverer is sending it now; the rows behind it will be due.
ACTIVE_CLAIM = timedelta(seconds=30)
BUSY_RECHECK = timedelta(seconds=0.2)
HISTORY_METHODS = ("conversations.history", "conversations.replies")
# What adds a message to a channel: paced to one a second there, looked for after a loss.
_POSTS = frozenset({POST, UPLOAD})

_counter = itertools.count(1)
_process = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claim_token() -> str:
    """A token unique to one claim (host, process, a counter), stored in ``claimed_by``."""
    return f"{_process}:{next(_counter)}"


@dataclass(frozen=True)
class Claimed:
    """A row this deliverer holds, with the Web API arguments resolved."""

    id: int
    token: str
    team_id: str
    enterprise_id: str | None
    kind: str
    method: str
    args: dict[str, Any]
    in_doubt: bool
    attempts: int
    created_at: datetime
    role_id: int | None


# The deliverer runs these for every row: they are Core statements built once, with the
# moments as bound parameters (``now``; ``stale``, the oldest live claim), so SQLAlchemy
# reuses their compiled form instead of rebuilding, re-keying and ORM-loading each time.
_ROWS = OutboxMessage.__table__
_OLDER = _ROWS.alias("older")
_PARENT = _ROWS.alias("parent")


def _eligible(table: Any) -> list[ColumnElement[bool]]:
    row, older, parent = table.c, _OLDER.c, _PARENT.c
    return [
        row.state == OutboxState.PENDING,
        or_(row.claimed_by.is_(None), row.claimed_at < bindparam("stale")),
        ~exists().where(
            older.team_id == row.team_id,
            older.channel == row.channel,
            older.state == OutboxState.PENDING,
            older.id < row.id,
        ),
        or_(
            row.parent_key.is_(None),
            exists().where(
                parent.team_id == row.team_id,
                parent.key == row.parent_key,
                parent.state == OutboxState.SENT,
            ),
        ),
    ]


DUE_BATCH = 64
_DUE = (
    select(_ROWS.c.id)
    .where(_ROWS.c.not_before <= bindparam("now"), *_eligible(_ROWS))
    .order_by(_ROWS.c.id)
    .limit(DUE_BATCH)
)
_NEXT_DUE = (
    select(_ROWS.c.not_before).where(*_eligible(_ROWS)).order_by(_ROWS.c.not_before).limit(1)
)
_BUSY = (
    select(_ROWS.c.id)
    .where(
        _ROWS.c.state == OutboxState.PENDING,
        _ROWS.c.claimed_by.is_not(None),
        _ROWS.c.claimed_at > bindparam("active"),
    )
    .limit(1)
)
_CLAIM = (
    update(_ROWS)
    .where(_ROWS.c.id == bindparam("row_id"), *_eligible(_ROWS))
    .values(
        claimed_by=bindparam("token"),
        claimed_at=bindparam("now"),
        # A live claim being taken over means its deliverer may have sent it already.
        in_doubt=or_(_ROWS.c.in_doubt, _ROWS.c.claimed_by.is_not(None)),
    )
    .returning(*_ROWS.c)
)
_PARENT_ANSWER = (
    select(_ROWS.c.result_channel, _ROWS.c.result_ts)
    .where(
        _ROWS.c.team_id == bindparam("team_id"),
        _ROWS.c.key == bindparam("key"),
        _ROWS.c.state == OutboxState.SENT,
    )
    .order_by(_ROWS.c.id.desc())
    .limit(1)
)
_OWNED = [
    _ROWS.c.id == bindparam("row_id"),
    _ROWS.c.claimed_by == bindparam("token"),
    _ROWS.c.state == OutboxState.PENDING,
]
_RELEASE = (
    update(_ROWS)
    .where(*_OWNED)
    .values(claimed_by=None, claimed_at=None, not_before=bindparam("later"))
)
_MARK_SENT = (
    update(_ROWS)
    .where(*_OWNED)
    .values(
        state=OutboxState.SENT,
        result_channel=bindparam("answer_channel"),
        result_ts=bindparam("answer_ts"),
        sent_at=bindparam("now"),
        last_error=None,
    )
    .returning(_ROWS.c.team_id, _ROWS.c.key, _ROWS.c.kind)
)


def _moments(now: datetime) -> dict[str, datetime]:
    return {"now": now, "stale": now - STALE_CLAIM}


def due_ids(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Rows a deliverer may claim now, oldest first (at most one per lane)."""
    return list(session.scalars(_DUE, _moments(now)))[:limit]


def next_due(session: Session, *, now: datetime) -> datetime | None:
    """When a row may next be claimable: the earliest paced, backed-off or rate-limited row,
    or very soon while another deliverer is sending (the rows behind its claims follow)."""
    busy = session.scalar(_BUSY, {"active": now - ACTIVE_CLAIM})
    if busy is not None:
        return now + BUSY_RECHECK
    return session.scalar(_NEXT_DUE, _moments(now))


def _arguments(row: Any, parent: Any) -> dict[str, Any]:
    args = dict(row.payload)
    channel = row.channel or (parent.result_channel if parent else None)
    if row.method != CREATE_CHANNEL and channel:
        args["channel"] = channel
    if parent is not None and parent.result_ts:
        if row.method == UPDATE:
            args["ts"] = parent.result_ts
        elif row.method == PIN:
            args["timestamp"] = parent.result_ts
        elif row.method in _POSTS:
            args.setdefault("thread_ts", parent.result_ts)
    return args


def _release(session: Session, row_id: int, token: str, not_before: datetime) -> None:
    session.execute(_RELEASE, {"row_id": row_id, "token": token, "later": not_before})


def claim(session: Session, row_id: int, *, now: datetime) -> Claimed | None:
    """Claim row ``row_id`` and its gates; None if someone else has it or it must wait."""
    token = claim_token()
    message = session.execute(_CLAIM, {"row_id": row_id, "token": token, **_moments(now)}).first()
    if message is None:
        return None
    if message.method == UPDATE and _newer_update_pending(session, message):
        session.execute(
            update(_ROWS)
            .where(_ROWS.c.id == row_id)
            .values(state=OutboxState.SUPERSEDED, last_error="superseded by a later update")
        )
        return None
    parent = (
        session.execute(
            _PARENT_ANSWER, {"team_id": message.team_id, "key": message.parent_key}
        ).first()
        if message.parent_key
        else None
    )
    args = _arguments(message, parent)
    gates = [f"method:{message.method}"]
    if message.in_doubt and message.method in _POSTS:
        gates += [f"method:{name}" for name in HISTORY_METHODS]
    closed = methods_closed_until(session, message.team_id, gates, now)
    if closed is not None:
        _release(session, row_id, token, closed)
        return None
    if message.method in _POSTS and args.get("channel"):
        until = claim_pace(session, message.team_id, str(args["channel"]), now)
        if until is not None:
            _release(session, row_id, token, until)
            return None
    return Claimed(
        id=message.id,
        token=token,
        team_id=message.team_id,
        enterprise_id=message.enterprise_id,
        kind=message.kind,
        method=message.method,
        args=args,
        in_doubt=message.in_doubt,
        attempts=message.attempts,
        created_at=message.created_at,
        role_id=message.role_id,
    )


def _newer_update_pending(session: Session, message: Any) -> bool:
    return bool(
        session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.team_id == message.team_id,
                OutboxMessage.parent_key == message.parent_key,
                OutboxMessage.method == UPDATE,
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.id > message.id,
            )
            .limit(1)
        )
    )


def _owned(claimed: Claimed) -> list[ColumnElement[bool]]:
    return [
        OutboxMessage.id == claimed.id,
        OutboxMessage.claimed_by == claimed.token,
        OutboxMessage.state == OutboxState.PENDING,
    ]


def mark_sent(
    session: Session, claimed: Claimed, *, channel: str | None, ts: str | None, now: datetime
) -> bool:
    """Record Slack's answer; False if the claim was lost (another deliverer settles it)."""
    row = session.execute(
        _MARK_SENT,
        {
            "row_id": claimed.id,
            "token": claimed.token,
            "answer_channel": channel,
            "answer_ts": ts,
            "now": now,
        },
    ).first()
    if row is None:
        return False
    if claimed.method in _POSTS and channel and claimed.args.get("channel"):
        # The next message in this channel waits a full second after this one landed.
        push_gate(session, row.team_id, f"channel:{claimed.args['channel']}", now + CHANNEL_PACE)
    if row.key and channel:
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.team_id == row.team_id,
                OutboxMessage.parent_key == row.key,
                OutboxMessage.channel.is_(None),
                OutboxMessage.state == OutboxState.PENDING,
            )
            .values(channel=channel)
            .execution_options(synchronize_session=False)
        )
    if has_sent_hook(row.kind):
        sent = session.get(OutboxMessage, claimed.id, populate_existing=True)
        assert sent is not None
        run_sent_hook(session, sent)
    return True


def retry_later(
    session: Session, claimed: Claimed, *, error: str, in_doubt: bool, not_before: datetime
) -> bool:
    """Give the row back with one more attempt counted, to be tried at ``not_before``."""
    return (
        session.execute(
            update(OutboxMessage)
            .where(*_owned(claimed))
            .values(
                claimed_by=None,
                claimed_at=None,
                attempts=OutboxMessage.attempts + 1,
                last_error=error[:500],
                in_doubt=or_(OutboxMessage.in_doubt, in_doubt),
                not_before=not_before,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def rate_limited(
    session: Session, claimed: Claimed, *, method: str, until: datetime, in_doubt: bool
) -> bool:
    """Slack said 429: close the workspace's gate for ``method`` and wait, attempt uncounted."""
    push_gate(session, claimed.team_id, f"method:{method}", until)
    return (
        session.execute(
            update(OutboxMessage)
            .where(*_owned(claimed))
            .values(
                claimed_by=None,
                claimed_at=None,
                not_before=until,
                in_doubt=or_(OutboxMessage.in_doubt, in_doubt),
                last_error=f"ratelimited on {method}",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def park(session: Session, claimed: Claimed, *, error: str) -> OutboxMessage | None:
    """Mark the row failed with ``error`` (visible to the operator), and the rows that were
    waiting for it; returns the row, or None if the claim was lost."""
    won = session.execute(
        update(OutboxMessage)
        .where(*_owned(claimed))
        .values(state=OutboxState.FAILED, claimed_by=None, claimed_at=None, last_error=error[:500])
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        return None
    row = session.get(OutboxMessage, claimed.id, populate_existing=True)
    assert row is not None
    _park_children(session, row)
    return row


def _park_children(session: Session, row: OutboxMessage) -> None:
    if not row.key or sent_parent(session, row.team_id, row.key) is not None:
        return
    children = list(
        session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.team_id == row.team_id,
                OutboxMessage.parent_key == row.key,
                OutboxMessage.state == OutboxState.PENDING,
            )
        )
    )
    for child in children:
        child.state = OutboxState.FAILED
        child.last_error = f"waiting for outbox #{row.id}, which failed"
    session.flush()
    for child in children:
        _park_children(session, child)
