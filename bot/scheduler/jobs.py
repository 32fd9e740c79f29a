"""Job definitions. Each says whether it is at-most-once, at-least-once or idempotent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from bot.models.slack_oauth import oauth_states_table
from bot.scheduler.context import JobContext
from bot.scheduler.registry import job
from bot.services.events import purge_processed_events


@job("purge-processed-events", every_seconds=3600, delivery="idempotent")
def purge_old_event_ids(ctx: JobContext, now: datetime) -> int:
    """Forget Events API ids older than a week (Slack retries within minutes).

    Idempotent: deleting already-deleted rows is harmless, so any number of schedulers may run it.
    """
    return purge_processed_events(ctx.sessions, now=now)


@job("purge-oauth-states", every_seconds=3600, delivery="idempotent")
def purge_expired_oauth_states(ctx: JobContext, now: datetime) -> int:
    """Delete OAuth ``state`` values that expired (they are single-use and short-lived).

    Idempotent. slack_sdk stores ``expire_at`` as naive UTC.
    """
    with ctx.sessions.begin() as session:
        return session.execute(
            delete(oauth_states_table).where(
                oauth_states_table.c.expire_at < now.replace(tzinfo=None)
            )
        ).rowcount
