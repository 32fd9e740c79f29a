"""Exactly-once handling of Events API deliveries.

Slack retries a delivery it thinks failed (no 2xx within 3 s) with the same ``event_id``.
Bolt does not deduplicate, so every event handler runs inside :func:`handle_once`:

* the first delivery inserts a ``processed_events`` row (the claim) and runs the handler;
* a retry that finds a completed row, or a row still being handled, does nothing;
* if the handler fails, the claim is removed so the next retry handles the event again — and
  Slack does retry it, because ``bot.handlers.events.on_event`` acknowledges an event only
  after its handler returned (a failure is answered 500);
* a claim left unfinished by a crash is taken over once it is older than ``STALE_AFTER``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.db import SessionFactory
from bot.models import ProcessedEvent

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=2)
KEEP_FOR = timedelta(days=7)

T = TypeVar("T")


def claim_event(
    sessions: SessionFactory,
    *,
    event_id: str,
    team_id: str | None,
    event_type: str,
    now: datetime,
) -> bool:
    """Claim ``event_id``; True when this caller should handle the event."""
    try:
        with sessions.begin() as session:
            session.add(
                ProcessedEvent(
                    event_id=event_id, team_id=team_id, event_type=event_type, claimed_at=now
                )
            )
        return True
    except IntegrityError:
        pass
    # Someone claimed it before. Take it over only if that claim was abandoned mid-way.
    with sessions.begin() as session:
        taken_over = session.execute(
            update(ProcessedEvent)
            .where(
                ProcessedEvent.event_id == event_id,
                ProcessedEvent.completed_at.is_(None),
                ProcessedEvent.claimed_at < now - STALE_AFTER,
            )
            .values(claimed_at=now)
        ).rowcount
    return taken_over == 1


def complete_event(sessions: SessionFactory, *, event_id: str, now: datetime) -> None:
    with sessions.begin() as session:
        session.execute(
            update(ProcessedEvent)
            .where(ProcessedEvent.event_id == event_id)
            .values(completed_at=now)
        )


def release_event(sessions: SessionFactory, *, event_id: str) -> None:
    """Forget a claim whose handling failed, so Slack's retry is handled afresh."""
    with sessions.begin() as session:
        session.execute(delete(ProcessedEvent).where(ProcessedEvent.event_id == event_id))


def handle_once(
    sessions: SessionFactory,
    *,
    event_id: str | None,
    team_id: str | None,
    event_type: str,
    now: datetime,
    handler: Callable[[], T],
) -> T | None:
    """Run ``handler`` unless this ``event_id`` was already handled; None when skipped."""
    if not event_id:
        # Socket Mode and some test payloads carry no event_id; nothing to deduplicate on.
        return handler()
    if not claim_event(
        sessions, event_id=event_id, team_id=team_id, event_type=event_type, now=now
    ):
        logger.info("skipping duplicate delivery of event %s (%s)", event_id, event_type)
        return None
    try:
        result = handler()
    except BaseException:
        release_event(sessions, event_id=event_id)
        raise
    complete_event(sessions, event_id=event_id, now=now)
    return result


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
