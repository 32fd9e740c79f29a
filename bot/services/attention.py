"""The attention budget: how many DMs a person gets a day, and when.

* **At most ``DAILY_DMS`` (3) DMs per person per working day** of their own calendar, counted
  from the outbox: every DM Tandem queued to them on their local day, whatever it carried.
  The count is read after the person's pace row is claimed (``nudges.prepare_dm``), in the
  transaction that queues the DM, so several schedulers never overspend it.
* **Two digest windows per working day**: the morning one opens at the start of the person's
  working hours, the afternoon one ``AFTERNOON_AFTER`` later (13:00 for a 09:00 start) unless
  they chose the morning digest only. The first DM of a window carries everything due; what
  falls due later in that window waits for the next one. A window with nothing due sends
  nothing.
* **A feedback request goes when the interview ends** (inside working hours, at most one DM
  an hour), taking everything else due with it — as long as the day's budget lasts.
* **A spent budget** holds everything for the next working day's morning digest, which is
  always the first DM of that day: an overdue item reaches its owner within one working day.

Escalations (channel posts) follow the hiring manager's calendar: one post per role at the
start of the HM's working day (:func:`escalation_morning`).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import OutboxMessage
from bot.services import outbox
from bot.services.working_time import WorkCalendar, next_delivery_time, next_working_morning

DAILY_DMS = 3
AFTERNOON_AFTER = timedelta(hours=4)


def _local_midnight(moment: datetime, calendar: WorkCalendar) -> datetime:
    return calendar.aware(datetime.combine(calendar.local(moment).date(), time()))


def day_start(moment: datetime, calendar: WorkCalendar) -> datetime | None:
    """When the person's working hours begin on ``moment``'s local date (None on a day off)."""
    start = next_delivery_time(_local_midnight(moment, calendar), calendar)
    if calendar.local(start).date() != calendar.local(moment).date():
        return None
    return start


def digest_windows(moment: datetime, calendar: WorkCalendar) -> list[datetime]:
    """The moments the digest windows of ``moment``'s local day open (none on a day off)."""
    start = day_start(moment, calendar)
    if start is None:
        return []
    if calendar.morning_digest_only:
        return [start]
    return [start, start + AFTERNOON_AFTER]


def next_window(moment: datetime, calendar: WorkCalendar) -> datetime:
    """The first digest window opening after ``moment`` (today's afternoon, or the next
    working morning)."""
    later = [w for w in digest_windows(moment, calendar) if w > moment]
    if later:
        return next_delivery_time(later[0], calendar)
    return next_working_morning(moment, calendar)


def dms_today(
    session: Session, *, team_id: str, user_id: str, now: datetime, calendar: WorkCalendar
) -> list[datetime]:
    """When each DM queued to ``user_id`` on their local day (up to ``now``) was queued."""
    midnight = _local_midnight(now, calendar)
    return list(
        session.scalars(
            select(OutboxMessage.created_at)
            .where(
                OutboxMessage.team_id == team_id,
                OutboxMessage.channel == user_id,
                OutboxMessage.method == outbox.POST,
                OutboxMessage.created_at >= midnight,
                OutboxMessage.created_at <= now,
            )
            .order_by(OutboxMessage.created_at)
        )
    )


def dm_wait(
    *, now: datetime, calendar: WorkCalendar, sent_today: list[datetime], urgent: bool
) -> datetime | None:
    """None when a DM may go to the person now, else when to look again.

    ``now`` is inside their working hours; ``sent_today`` are the DMs of their local day;
    ``urgent`` says a feedback request is among the items (it does not wait for a window).
    """
    if len(sent_today) >= DAILY_DMS:
        return next_working_morning(now, calendar)
    if urgent:
        return None
    opened = [w for w in digest_windows(now, calendar) if w <= now]
    if not opened:
        return next_delivery_time(now, calendar)
    if any(sent >= opened[-1] for sent in sent_today):
        return next_window(now, calendar)
    return None


def escalation_morning(now: datetime, calendar: WorkCalendar) -> datetime | None:
    """The start of the HM's working day if ``now`` is inside it (the moment a role's
    escalation post is due), else None."""
    if next_delivery_time(now, calendar) > now:
        return None
    return day_start(now, calendar)
