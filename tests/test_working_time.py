"""Due-time arithmetic with plain arguments: weekends, holidays, zones, daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.working_time import (
    WorkCalendar,
    add_working_hours,
    before_in_working_hours,
    is_away,
    next_delivery_time,
    next_working_morning,
    working_hours_between,
)

NEW_YORK = WorkCalendar(ZoneInfo("America/New_York"))
LONDON = WorkCalendar(ZoneInfo("Europe/London"))


def local(calendar: WorkCalendar, *args: int) -> datetime:
    return datetime(*args, tzinfo=calendar.zone)  # type: ignore[misc]


def wall(calendar: WorkCalendar, moment: datetime) -> tuple[str, str]:
    shown = moment.astimezone(calendar.zone)
    return shown.strftime("%a"), shown.strftime("%Y-%m-%d %H:%M")


def test_48_hours_after_monday_10_is_wednesday_10() -> None:
    due = add_working_hours(local(NEW_YORK, 2026, 11, 30, 10), 48, NEW_YORK)
    assert wall(NEW_YORK, due) == ("Wed", "2026-12-02 10:00")


def test_24_hours_after_friday_15_is_monday_15() -> None:
    due = add_working_hours(local(NEW_YORK, 2026, 12, 4, 15), 24, NEW_YORK)
    assert wall(NEW_YORK, due) == ("Mon", "2026-12-07 15:00")


def test_interview_ending_friday_17_55() -> None:
    due = add_working_hours(local(LONDON, 2026, 12, 4, 17, 55), 48, LONDON)
    assert wall(LONDON, due) == ("Tue", "2026-12-08 17:55")


def test_start_on_a_weekend_counts_from_monday_midnight() -> None:
    due = add_working_hours(local(LONDON, 2026, 12, 5, 14), 24, LONDON)
    assert wall(LONDON, due) == ("Tue", "2026-12-08 00:00")


def test_public_holidays_are_skipped_when_the_workspace_sets_a_country() -> None:
    us = WorkCalendar(ZoneInfo("America/New_York"), country="US")
    # Thanksgiving 2026 is Thursday 26 November.
    due = add_working_hours(local(us, 2026, 11, 25, 10), 24, us)
    assert wall(us, due) == ("Fri", "2026-11-27 10:00")
    without = add_working_hours(local(NEW_YORK, 2026, 11, 25, 10), 24, NEW_YORK)
    assert wall(NEW_YORK, without) == ("Thu", "2026-11-26 10:00")


@pytest.mark.parametrize(
    ("zone", "start", "expected"),
    [
        # Spring forward in the US (Sunday 8 March 2026): Friday 10:00 + 24h is Monday 10:00.
        ("America/New_York", (2026, 3, 6, 10), ("Mon", "2026-03-09 10:00")),
        # Fall back in the EU (Sunday 25 October 2026).
        ("Europe/Berlin", (2026, 10, 23, 9, 30), ("Mon", "2026-10-26 09:30")),
        # Southern hemisphere: Sydney moves its clocks on Sunday 4 October 2026.
        ("Australia/Sydney", (2026, 10, 2, 16), ("Mon", "2026-10-05 16:00")),
    ],
)
def test_daylight_saving_never_shifts_a_due_time(
    zone: str, start: tuple[int, ...], expected: tuple[str, str]
) -> None:
    calendar = WorkCalendar(ZoneInfo(zone))
    due = add_working_hours(local(calendar, *start), 24, calendar)
    assert wall(calendar, due) == expected


def test_zones_on_both_sides_of_the_date_line() -> None:
    """The same instant is Friday in Pago Pago and Saturday in Kiritimati."""
    instant = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    samoa = WorkCalendar(ZoneInfo("Pacific/Pago_Pago"))  # UTC-11: Friday 12:00
    kiribati = WorkCalendar(ZoneInfo("Pacific/Kiritimati"))  # UTC+14: Saturday 13:00
    assert wall(samoa, add_working_hours(instant, 24, samoa)) == ("Mon", "2026-12-07 12:00")
    assert wall(kiribati, add_working_hours(instant, 24, kiribati)) == ("Tue", "2026-12-08 00:00")


def test_a_reminder_lead_is_counted_in_working_hours() -> None:
    # 4 working hours before Wednesday 09:00 is Tuesday 14:00, not Wednesday 05:00.
    due = local(NEW_YORK, 2026, 12, 9, 9)
    assert wall(NEW_YORK, before_in_working_hours(due, 4, NEW_YORK)) == ("Tue", "2026-12-08 14:00")
    # Inside the day it is plain subtraction; across a weekend it skips Saturday and Sunday.
    noon = local(NEW_YORK, 2026, 12, 9, 15)
    assert wall(NEW_YORK, before_in_working_hours(noon, 4, NEW_YORK)) == ("Wed", "2026-12-09 11:00")
    monday = local(NEW_YORK, 2026, 12, 7, 10)
    assert wall(NEW_YORK, before_in_working_hours(monday, 4, NEW_YORK)) == (
        "Fri",
        "2026-12-04 15:00",
    )
    # A due time at night counts back from the end of that working day.
    night = local(NEW_YORK, 2026, 12, 9, 23)
    assert wall(NEW_YORK, before_in_working_hours(night, 4, NEW_YORK)) == (
        "Wed",
        "2026-12-09 14:00",
    )
    # Holidays are skipped like weekends (Christmas Day 2026 is a Friday).
    us = WorkCalendar(ZoneInfo("America/New_York"), "US")
    after_christmas = local(us, 2026, 12, 28, 10)
    assert wall(us, before_in_working_hours(after_christmas, 4, us)) == ("Thu", "2026-12-24 15:00")


def test_working_hours_between_skips_weekends() -> None:
    start = local(NEW_YORK, 2026, 12, 4, 12)
    end = local(NEW_YORK, 2026, 12, 7, 12)
    assert working_hours_between(start, end, NEW_YORK) == 24.0
    assert working_hours_between(end, start, NEW_YORK) == 0.0


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ((2026, 12, 2, 10, 0), ("Wed", "2026-12-02 10:00")),  # inside hours: now
        ((2026, 12, 2, 7, 30), ("Wed", "2026-12-02 09:00")),  # early: same morning
        ((2026, 12, 2, 18, 0), ("Thu", "2026-12-03 09:00")),  # evening: next morning
        ((2026, 12, 4, 19, 0), ("Mon", "2026-12-07 09:00")),  # Friday night: Monday
        ((2026, 12, 5, 11, 0), ("Mon", "2026-12-07 09:00")),  # Saturday: Monday
    ],
)
def test_quiet_hours(moment: tuple[int, ...], expected: tuple[str, str]) -> None:
    assert wall(NEW_YORK, next_delivery_time(local(NEW_YORK, *moment), NEW_YORK)) == expected


def test_next_working_morning_skips_the_weekend() -> None:
    friday = local(LONDON, 2026, 12, 4, 11)
    assert wall(LONDON, next_working_morning(friday, LONDON)) == ("Mon", "2026-12-07 09:00")


@pytest.mark.parametrize(
    ("text", "emoji", "away"),
    [
        ("Vacationing", ":palm_tree:", True),
        ("Out sick", ":face_with_thermometer:", True),
        ("Out of office until Monday", "", True),
        ("OOO", "", True),
        ("In a meeting", ":spiral_calendar_pad:", False),
        ("Working remotely", ":house_with_garden:", False),
        ("", "", False),
    ],
)
def test_away_statuses(text: str, emoji: str, away: bool) -> None:
    assert is_away(text, emoji) is away
