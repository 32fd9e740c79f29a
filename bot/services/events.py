"""Exactly-once, durable handling of Events API deliveries.

Bolt acknowledges an event (HTTP 200) before its listener runs, so Slack never delivers
again an event whose handling failed; and Slack retries a delivery it thinks failed (no 2xx
within 3 s) with the same ``event_id``, which Bolt does not deduplicate. So every event
handler runs inside :func:`handle_once`:

* the first delivery inserts a ``processed_events`` row (the claim) holding the delivery
  itself, and runs the handler;
* a retry from Slack that finds a completed row, or one being handled, does nothing;
* a handler that fails leaves the row with ``retry_at`` set (backing off: 1, 5, then 30
  minutes); the ``retry-events`` job hands the stored delivery to the listener again then.
  After ``MAX_ATTEMPTS`` the row is parked (``retry_at`` NULL, ``last_error`` kept) and logged;
* a claim left unfinished by a crash is taken over once it is older than ``STALE_AFTER``.

A claim is won by one conditional UPDATE, so any number of web processes and schedulers
handle an event once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.db import SessionFactory
from bot.models import ProcessedEvent

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=2)
KEEP_FOR = timedelta(days=7)
# Waits after the 1st, 2nd and 3rd failed handling; the 4th failure parks the event.
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1

T = TypeVar("T")


def claim_event(
    sessions: SessionFactory,
    *,
    event_id: str,
    team_id: str | None,
    event_type: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Claim ``event_id``; True when this caller should handle the event: its first delivery,
    a retry that is due, or a claim abandoned by a crash."""
    try:
        with sessions.begin() as session:
            session.add(
                ProcessedEvent(
                    event_id=event_id,
                    team_id=team_id,
                    event_type=event_type,
                    claimed_at=now,
                    payload=payload,
                    attempts=0,
                )
            )
        return True
    except IntegrityError:
        pass
    with sessions.begin() as session:
        taken = session.execute(
            update(ProcessedEvent)
            .where(
                ProcessedEvent.event_id == event_id,
                ProcessedEvent.completed_at.is_(None),
                or_(
                    and_(ProcessedEvent.retry_at.is_not(None), ProcessedEvent.retry_at <= now),
                    and_(
                        ProcessedEvent.retry_at.is_(None),
                        ProcessedEvent.attempts < MAX_ATTEMPTS,  # not parked
                        ProcessedEvent.claimed_at < now - STALE_AFTER,
                    ),
                ),
            )
            .values(claimed_at=now, retry_at=None)
        ).rowcount
    return taken == 1


def complete_event(sessions: SessionFactory, *, event_id: str, now: datetime) -> None:
    with sessions.begin() as session:
        session.execute(
            update(ProcessedEvent)
            .where(ProcessedEvent.event_id == event_id)
            .values(completed_at=now, retry_at=None, payload=None)
        )


def fail_event(sessions: SessionFactory, *, event_id: str, now: datetime, error: str) -> bool:
    """Record a failed handling; True when it will be retried, False when it is parked."""
    with sessions.begin() as session:
        row = session.get(ProcessedEvent, event_id, with_for_update=True)
        if row is None:
            return False
        row.attempts += 1
        row.last_error = error[:300]
        retry = row.attempts < MAX_ATTEMPTS and row.payload is not None
        row.retry_at = now + RETRY_AFTER[row.attempts - 1] if retry else None
        return retry


def handle_once(
    sessions: SessionFactory,
    *,
    event_id: str | None,
    team_id: str | None,
    event_type: str,
    now: datetime,
    handler: Callable[[], T],
    payload: dict[str, Any] | None = None,
) -> T | None:
    """Run ``handler`` unless this ``event_id`` was handled (or is being handled); None when
    skipped. ``payload`` (the whole delivery) is kept until the handling succeeds, so a
    failure can be retried without Slack."""
    if not event_id:
        # Socket Mode and some test payloads carry no event_id; nothing to deduplicate on.
        return handler()
    if not claim_event(
        sessions,
        event_id=event_id,
        team_id=team_id,
        event_type=event_type,
        now=now,
        payload=payload,
    ):
        logger.info("skipping duplicate delivery of event %s (%s)", event_id, event_type)
        return None
    try:
        result = handler()
    except Exception as exc:
        if fail_event(sessions, event_id=event_id, now=now, error=f"{type(exc).__name__}: {exc}"):
            logger.warning("event %s (%s) failed; it will be retried", event_id, event_type)
        else:
            logger.error("event %s (%s) failed for good: %s", event_id, event_type, exc)
        raise
    complete_event(sessions, event_id=event_id, now=now)
    return result


def due_retries(
    sessions: SessionFactory, *, now: datetime, limit: int = 100
) -> list[dict[str, Any]]:
    """The stored deliveries of events whose retry is due (oldest first)."""
    with sessions() as session:
        rows = session.scalars(
            select(ProcessedEvent.payload)
            .where(
                ProcessedEvent.completed_at.is_(None),
                ProcessedEvent.retry_at.is_not(None),
                ProcessedEvent.retry_at <= now,
            )
            .order_by(ProcessedEvent.retry_at)
            .limit(limit)
        ).all()
    return [row for row in rows if row]


def purge_processed_events(sessions: SessionFactory, *, now: datetime) -> int:
    """Delete records older than Slack's retry window could ever need (a week)."""
    with sessions.begin() as session:
        return session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.claimed_at < now - KEEP_FOR)
        ).rowcount


def is_processed(sessions: SessionFactory, event_id: str) -> bool:
    with sessions() as session:
        row = session.scalar(select(ProcessedEvent).where(ProcessedEvent.event_id == event_id))
        return row is not None and row.completed_at is not None
