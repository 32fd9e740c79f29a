"""Working time: due times counted in working hours, quiet hours, away statuses.

Due times count every hour of a working day (Monday–Friday, minus the workspace country's
public holidays) in the person's own time zone, and skip the other days entirely: 48 hours
after Monday 10:00 is Wednesday 10:00; 24 hours after Friday 15:00 is Monday 15:00.

Counting happens on the local wall clock, so a daylight-saving change never moves a due time
by an hour (10:00 stays 10:00). A due time that lands outside the person's working hours
(09:00–18:00 on a working day) moves to the start of their next working hours, so nobody is
due at 01:00; a date-only commitment is due at 18:00 on that date. Delivery is a separate
rule: messages go out only between 09:00 and 18:00 on a working day of the recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

DAY_START = time(9, 0)
DAY_END = time(18, 0)

_AWAY_EMOJI = {
    ":palm_tree:",
    ":face_with_thermometer:",
    ":thermometer:",
    ":mask:",
    ":airplane:",
    ":beach_with_umbrella:",
    ":desert_island:",
    ":baby:",
}
_AWAY_WORDS = re.compile(
    r"\b(vacation|vacationing|holidays?|sick|out of (the )?office|ooo|on leave|"
    r"parental leave|pto|off today|away)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    if not known_country(country):
        return frozenset()
    return frozenset(holidays.country_holidays(country, years=year).keys())


def known_country(country: str) -> bool:
    """Whether the ``holidays`` package has public holidays for this ISO 3166 code."""
    return country in _supported_countries()


@dataclass(frozen=True)
class WorkCalendar:
    """Whose working days: a time zone and, optionally, a country's public holidays."""

    zone: ZoneInfo
    country: str | None = None
    morning_digest_only: bool = False

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        return not (self.country and day in _holidays(self.country, day.year))

    def local(self, moment: datetime) -> datetime:
        """The wall-clock time at ``moment`` in this zone, as a naive datetime."""
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def aware(self, wall: datetime) -> datetime:
        """A wall-clock time in this zone as an aware UTC datetime.

        A wall time skipped by a spring-forward change is moved to the same wall time plus
        the gap (``fold=0`` semantics); an ambiguous autumn time takes its first occurrence.
        """
        return wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)


def add_working_hours(start: datetime, hours: float, calendar: WorkCalendar) -> datetime:
    """``start`` plus ``hours`` counted only on working days, on the local wall clock."""
    remaining = timedelta(hours=hours)
    cursor = calendar.local(start)
    while True:
        if calendar.is_working_day(cursor.date()):
            midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
            available = midnight - cursor
            if remaining <= available:
                return calendar.aware(cursor + remaining)
            remaining -= available
        cursor = datetime.combine(cursor.date() + timedelta(days=1), time())


def within_working_hours(moment: datetime, calendar: WorkCalendar) -> datetime:
    """``moment`` if it falls in 09:00–18:00 (both included) of a working day, else the start
    of the person's next working hours.

    18:00 itself is kept: it is the end of the working day, when date-only commitments fall due.
    """
    wall = calendar.local(moment)
    if calendar.is_working_day(wall.date()) and DAY_START <= wall.time() <= DAY_END:
        return moment
    day = wall.date()
    if not (calendar.is_working_day(day) and wall.time() < DAY_START):
        day = next_working_day(day, calendar)
    return calendar.aware(datetime.combine(day, DAY_START))


def due_after(start: datetime, hours: float, calendar: WorkCalendar) -> datetime:
    """When something owed ``hours`` working hours after ``start`` is due: counted on working
    days, then moved into the owner's working hours."""
    return within_working_hours(add_working_hours(start, hours, calendar), calendar)


def end_of_working_day(day: date, calendar: WorkCalendar) -> datetime:
    """18:00 local on ``day``: when a date-only commitment ("by Friday") is due."""
    return calendar.aware(datetime.combine(day, DAY_END))


def next_working_day(day: date, calendar: WorkCalendar) -> date:
    """The first working day after ``day``."""
    day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def working_day_on_or_after(day: date, calendar: WorkCalendar) -> date:
    return day if calendar.is_working_day(day) else next_working_day(day, calendar)


def working_day_on_or_before(day: date, calendar: WorkCalendar) -> date:
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def before_in_working_hours(end: datetime, hours: float, calendar: WorkCalendar) -> datetime:
    """The moment ``hours`` of the person's working hours (09:00–18:00 of working days)
    before ``end``. A reminder timed this way lands while they are at work: 4 hours before a
    Wednesday 09:00 due time is Tuesday 14:00, not Wednesday 05:00 (which would wait for
    09:00 and arrive together with the overdue notice)."""
    remaining = timedelta(hours=hours)
    wall = calendar.local(end)
    day = wall.date()
    cursor = min(max(wall.time(), DAY_START), DAY_END)
    while True:
        if calendar.is_working_day(day):
            available = datetime.combine(day, cursor) - datetime.combine(day, DAY_START)
            if remaining <= available:
                return calendar.aware(datetime.combine(day, cursor) - remaining)
            remaining -= available
        day -= timedelta(days=1)
        cursor = DAY_END


def working_hours_between(start: datetime, end: datetime, calendar: WorkCalendar) -> float:
    """Working hours from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0.0
    total = timedelta()
    cursor = calendar.local(start)
    stop = calendar.local(end)
    while cursor < stop:
        next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
        segment_end = min(next_midnight, stop)
        if calendar.is_working_day(cursor.date()):
            total += segment_end - cursor
        cursor = segment_end
    return total.total_seconds() / 3600


def next_delivery_time(moment: datetime, calendar: WorkCalendar) -> datetime:
    """``moment`` if it falls in 09:00–18:00 of a working day, else the next 09:00 that does."""
    wall = calendar.local(moment)
    if calendar.is_working_day(wall.date()) and DAY_START <= wall.time() < DAY_END:
        return moment
    day = wall.date()
    if not (calendar.is_working_day(day) and wall.time() < DAY_START):
        day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return calendar.aware(datetime.combine(day, DAY_START))


def next_working_morning(moment: datetime, calendar: WorkCalendar) -> datetime:
    """09:00 of the next working day after ``moment``'s local date."""
    day = calendar.local(moment).date() + timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return calendar.aware(datetime.combine(day, DAY_START))


def is_away(status_text: str, status_emoji: str) -> bool:
    """Whether a Slack status says the person is away (vacation, sick, out of office)."""
    return status_emoji in _AWAY_EMOJI or bool(_AWAY_WORDS.search(status_text))
