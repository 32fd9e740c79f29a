"""A person's own working hours and days in the calendar arithmetic, with plain arguments:
an 08:00–16:00, Monday-to-Thursday person, and a week that crosses a daylight-saving change."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.services.working_time import (
    WorkCalendar,
    add_working_hours,
    before_in_working_hours,
    due_after,
    end_of_working_day,
    next_delivery_time,
    next_working_morning,
    within_working_hours,
)

BERLIN = ZoneInfo("Europe/Berlin")
# Monday to Thursday, 08:00–16:00, Berlin.
SHORT_WEEK = WorkCalendar(BERLIN, start=time(8), end=time(16), workdays=frozenset(range(4)))
STANDARD = WorkCalendar(BERLIN)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def wall(moment: datetime) -> tuple[str, str]:
    shown = moment.astimezone(BERLIN)
    return shown.strftime("%a"), shown.strftime("%Y-%m-%d %H:%M")


def test_friday_is_not_a_working_day_of_a_monday_to_thursday_person() -> None:
    # 2026-12-03 is a Thursday.
    assert SHORT_WEEK.is_working_day(berlin(2026, 12, 3).date())
    assert not SHORT_WEEK.is_working_day(berlin(2026, 12, 4).date())
    assert STANDARD.is_working_day(berlin(2026, 12, 4).date())


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ((2026, 12, 3, 7, 59), ("Thu", "2026-12-03 08:00")),  # before their day starts
        ((2026, 12, 3, 8, 0), ("Thu", "2026-12-03 08:00")),
        ((2026, 12, 3, 15, 59), ("Thu", "2026-12-03 15:59")),
        ((2026, 12, 3, 16, 0), ("Mon", "2026-12-07 08:00")),  # their day is over: Friday off
        ((2026, 12, 4, 10, 0), ("Mon", "2026-12-07 08:00")),  # Friday: not theirs
    ],
)
def test_delivery_waits_for_the_persons_own_hours(
    moment: tuple[int, ...], expected: tuple[str, str]
) -> None:
    assert wall(next_delivery_time(berlin(*moment), SHORT_WEEK)) == expected


def test_standard_hours_still_deliver_on_friday_at_17() -> None:
    at = berlin(2026, 12, 4, 17)
    assert next_delivery_time(at, STANDARD) == at
    assert wall(next_delivery_time(at, SHORT_WEEK)) == ("Mon", "2026-12-07 08:00")


def test_due_times_count_the_persons_working_days_and_land_in_their_hours() -> None:
    # 48 hours after Wednesday 10:00: the rest of Wednesday, Thursday, then (no Friday)
    # Monday until 10:00.
    due = add_working_hours(berlin(2026, 12, 2, 10), 48, SHORT_WEEK)
    assert wall(due) == ("Mon", "2026-12-07 10:00")
    assert wall(add_working_hours(berlin(2026, 12, 2, 10), 48, STANDARD)) == (
        "Fri",
        "2026-12-04 10:00",
    )
    # A due time at 17:00 moves into the next working hours: Monday 08:00.
    assert wall(due_after(berlin(2026, 12, 2, 17), 24, SHORT_WEEK)) == ("Mon", "2026-12-07 08:00")
    assert wall(within_working_hours(berlin(2026, 12, 3, 16), SHORT_WEEK)) == (
        "Thu",
        "2026-12-03 16:00",
    )


def test_reminders_and_mornings_and_date_only_deadlines_use_the_persons_hours() -> None:
    # 4 working hours before Monday 10:00: 2 on Monday (08:00–10:00), 2 on Thursday (14:00–16:00).
    reminder = before_in_working_hours(berlin(2026, 12, 7, 10), 4, SHORT_WEEK)
    assert wall(reminder) == ("Thu", "2026-12-03 14:00")
    assert wall(before_in_working_hours(berlin(2026, 12, 7, 10), 4, STANDARD)) == (
        "Fri",
        "2026-12-04 15:00",
    )
    assert wall(next_working_morning(berlin(2026, 12, 3, 12), SHORT_WEEK)) == (
        "Mon",
        "2026-12-07 08:00",
    )
    assert wall(end_of_working_day(berlin(2026, 12, 3).date(), SHORT_WEEK)) == (
        "Thu",
        "2026-12-03 16:00",
    )


def test_a_week_across_the_autumn_clock_change_keeps_the_wall_clock_hours() -> None:
    """Berlin falls back on Sunday 25 October 2026: the person's 08:00 stays 08:00 local, so
    in UTC their day starts an hour later after the change."""
    thursday = next_delivery_time(berlin(2026, 10, 22, 17), SHORT_WEEK)
    assert wall(thursday) == ("Mon", "2026-10-26 08:00")
    before = next_delivery_time(berlin(2026, 10, 22, 7), SHORT_WEEK)
    assert before.astimezone(ZoneInfo("UTC")).hour == 6  # CEST, UTC+2
    assert thursday.astimezone(ZoneInfo("UTC")).hour == 7  # CET, UTC+1
    # 24 working hours after Thursday 12:00 skip Friday to Sunday (and the extra hour).
    assert wall(due_after(berlin(2026, 10, 22, 12), 24, SHORT_WEEK)) == (
        "Mon",
        "2026-10-26 12:00",
    )
    reminder = before_in_working_hours(berlin(2026, 10, 26, 10), 4, SHORT_WEEK)
    assert wall(reminder) == ("Thu", "2026-10-22 14:00")


def test_a_calendar_refuses_hours_past_midnight_and_no_days() -> None:
    with pytest.raises(ValueError, match="end after"):
        WorkCalendar(BERLIN, start=time(22), end=time(6))
    with pytest.raises(ValueError, match="working days"):
        WorkCalendar(BERLIN, workdays=frozenset())


def test_a_sunday_to_thursday_week() -> None:
    calendar = WorkCalendar(ZoneInfo("Asia/Jerusalem"), workdays=frozenset({6, 0, 1, 2, 3}))
    friday = datetime(2026, 12, 4, 12, tzinfo=calendar.zone)
    assert calendar.local(next_delivery_time(friday, calendar)).strftime("%a %H:%M") == (
        "Sun 09:00"
    )
