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
from sqlalchemy.orm import Session, aliased

from bot.models import OutboxMessage, OutboxState
from bot.services.outbox import CREATE_CHANNEL, PIN, POST, UPDATE, run_sent_hook, sent_parent
from bot.services.outbox_gates import CHANNEL_PACE, claim_pace, methods_closed_until, push_gate

# A claim older than this is abandoned (its deliverer crashed); longer than one row's worst
# case: a few Web API calls, each bounded by the deliverer's HTTP timeout.
STALE_CLAIM = timedelta(minutes=2)
# A claim this recent means a deliverer is sending it now; the rows behind it will be due.
ACTIVE_CLAIM = timedelta(seconds=30)
BUSY_RECHECK = timedelta(seconds=0.2)
HISTORY_METHODS = ("conversations.history", "conversations.replies")

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


# The claim loop runs these for every row: they are built once, with the moments as bound
# parameters (``now``; ``stale``, the oldest live claim), so SQLAlchemy reuses their
# compiled form instead of rebuilding and re-keying the expressions each time.
_OLDER = aliased(OutboxMessage, name="older")
_PARENT = aliased(OutboxMessage, name="parent")


def _eligible(row: Any) -> list[ColumnElement[bool]]:
    older, parent = _OLDER, _PARENT
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
    select(OutboxMessage.id)
    .where(OutboxMessage.not_before <= bindparam("now"), *_eligible(OutboxMessage))
    .order_by(OutboxMessage.id)
    .limit(DUE_BATCH)
)
_NEXT_DUE = (
    select(OutboxMessage.not_before)
    .where(*_eligible(OutboxMessage))
    .order_by(OutboxMessage.not_before)
    .limit(1)
)
_CLAIM = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("row_id"), *_eligible(OutboxMessage))
    .values(
        claimed_by=bindparam("token"),
        claimed_at=bindparam("now"),
        # A live claim being taken over means its deliverer may have sent it already.
        in_doubt=or_(OutboxMessage.in_doubt, OutboxMessage.claimed_by.is_not(None)),
    )
    .returning(OutboxMessage)
    .execution_options(synchronize_session=False, populate_existing=True)
)


def _moments(now: datetime) -> dict[str, datetime]:
    return {"now": now, "stale": now - STALE_CLAIM}


def due_ids(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Rows a deliverer may claim now, oldest first (at most one per lane)."""
    return list(session.scalars(_DUE, _moments(now)))[:limit]


def next_due(session: Session, *, now: datetime) -> datetime | None:
    """When a row may next be claimable: the earliest paced, backed-off or rate-limited row,
    or very soon while another deliverer is sending (the rows behind its claims follow)."""
    row = OutboxMessage
    busy = session.scalar(
        select(row.id)
        .where(
            row.state == OutboxState.PENDING,
            row.claimed_by.is_not(None),
            row.claimed_at > now - ACTIVE_CLAIM,
        )
        .limit(1)
    )
    if busy is not None:
        return now + BUSY_RECHECK
    return session.scalar(_NEXT_DUE, _moments(now))


def _arguments(row: OutboxMessage, parent: OutboxMessage | None) -> dict[str, Any]:
    args = dict(row.payload)
    channel = row.channel or (parent.result_channel if parent else None)
    if row.method != CREATE_CHANNEL and channel:
        args["channel"] = channel
    if parent is not None and parent.result_ts:
        if row.method == UPDATE:
            args["ts"] = parent.result_ts
        elif row.method == PIN:
            args["timestamp"] = parent.result_ts
        elif row.method == POST:
            args.setdefault("thread_ts", parent.result_ts)
    return args


def _release(session: Session, row_id: int, token: str, not_before: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == token)
        .values(claimed_by=None, claimed_at=None, not_before=not_before)
        .execution_options(synchronize_session=False)
    )


def claim(session: Session, row_id: int, *, now: datetime) -> Claimed | None:
    """Claim row ``row_id`` and its gates; None if someone else has it or it must wait."""
    token = claim_token()
    message = session.scalars(_CLAIM, {"row_id": row_id, "token": token, **_moments(now)}).first()
    if message is None:
        return None
    if message.method == UPDATE and _newer_update_pending(session, message):
        message.state = OutboxState.SUPERSEDED
        message.last_error = "superseded by a later update"
        return None
    parent = (
        sent_parent(session, message.team_id, message.parent_key) if message.parent_key else None
    )
    args = _arguments(message, parent)
    gates = [f"method:{message.method}"]
    if message.in_doubt and message.method == POST:
        gates += [f"method:{name}" for name in HISTORY_METHODS]
    closed = methods_closed_until(session, message.team_id, gates, now)
    if closed is not None:
        _release(session, row_id, token, closed)
        return None
    if message.method == POST and args.get("channel"):
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


def _newer_update_pending(session: Session, message: OutboxMessage) -> bool:
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
    row = session.scalars(
        update(OutboxMessage)
        .where(*_owned(claimed))
        .values(
            state=OutboxState.SENT,
            result_channel=channel,
            result_ts=ts,
            sent_at=now,
            last_error=None,
        )
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).first()
    if row is None:
        return False
    if claimed.method == POST and channel and claimed.args.get("channel"):
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
    run_sent_hook(session, row)
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
