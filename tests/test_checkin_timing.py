"""When the first weekly check-in comes (never hours after the kickoff), and one reminder for
two silent people."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from bot.services.checkins import first_checkin
from bot.services.working_time import WorkCalendar
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import press, run_jobs, start_role
from tests.kickoff_flow import HM, RECRUITER, brief_step, only_role
from tests.modals import opened_view, submit

NEW_YORK = ZoneInfo("America/New_York")
NY = WorkCalendar(NEW_YORK)
MONDAY_10 = time(10, 0)


def ny(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def checkin_posts(tandem: Tandem) -> list[dict[str, Any]]:
    channel = only_role(tandem).channel_id
    return [m for m in tandem.standin.posted(channel) if m["text"].startswith("Weekly check-in")]


def thread_of(tandem: Tandem, ts: str) -> list[dict[str, Any]]:
    channel = only_role(tandem).channel_id
    return [m for m in tandem.standin.posted(channel) if m.get("thread_ts") == ts]


def brief_text(tandem: Tandem) -> str:
    role = only_role(tandem)
    return str(tandem.standin.messages[(role.channel_id, role.brief_ts)]["blocks"])


@pytest.mark.parametrize(
    ("kickoff", "first"),
    [
        (ny(2026, 12, 4, 15), ny(2026, 12, 14)),  # Friday afternoon → not Monday, a week on
        (ny(2026, 12, 6, 11), ny(2026, 12, 14)),  # Sunday → not the next morning
        (ny(2026, 12, 7, 9, 59), ny(2026, 12, 14)),  # Monday just before the slot
        (ny(2026, 12, 2, 10), ny(2026, 12, 7)),  # Wednesday 10:00 → Friday 10:00 → Monday
        (ny(2026, 12, 2, 10, 1), ny(2026, 12, 7)),
    ],
)
def test_the_first_slot_is_two_working_days_after_the_kickoff(
    kickoff: datetime, first: datetime
) -> None:
    assert first_checkin(kickoff, 0, MONDAY_10, NY) == first


def test_first_slot_counts_the_workspaces_holidays() -> None:
    # Thanksgiving: Wednesday 25 November 2026 10:00 + two working days is Monday 30th 10:00.
    us = WorkCalendar(NEW_YORK, country="US")
    assert first_checkin(ny(2026, 11, 25), 0, MONDAY_10, us) == ny(2026, 11, 30)
    assert first_checkin(ny(2026, 11, 25, 10, 1), 0, MONDAY_10, us) == ny(2026, 12, 7)


def test_a_role_opened_on_friday_gets_no_checkin_on_monday(tandem: Tandem) -> None:
    with freeze_time(ny(2026, 12, 4, 15), tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-02-26"))
    first = ny(2026, 12, 14)
    assert f"<!date^{int(first.timestamp())}^" in brief_text(tandem)
    with freeze_time(ny(2026, 12, 7, 11), tick=True):
        press(tandem, HM, Action.SKIP_CHECKIN, str(role_id))
        skip = opened_view(tandem)
    assert f"<!date^{int(first.timestamp())}^" in str(skip["blocks"])

    run_jobs(tandem, ny(2026, 12, 7))
    run_jobs(tandem, ny(2026, 12, 7, 10, 30))
    assert checkin_posts(tandem) == []
    run_jobs(tandem, first)
    assert len(checkin_posts(tandem)) == 1


def test_two_silent_sides_get_one_reminder_mentioning_both(tandem: Tandem) -> None:
    with freeze_time(ny(2026, 12, 2, 9), tick=True):
        start_role(tandem, brief=brief_step(target_fill_date="2027-02-26"))
    run_jobs(tandem, ny(2026, 12, 7))
    post = checkin_posts(tandem)[0]
    # One working day later: Tuesday 10:00 in New York is 15:00 in London, inside both days.
    run_jobs(tandem, ny(2026, 12, 8))
    run_jobs(tandem, ny(2026, 12, 8, 10, 1))
    run_jobs(tandem, ny(2026, 12, 9))
    reminders = thread_of(tandem, post["ts"])
    assert len(reminders) == 1
    assert f"<@{RECRUITER}>" in reminders[0]["text"] and f"<@{HM}>" in reminders[0]["text"]
    assert "your replies" in reminders[0]["text"]


def test_a_reminder_goes_in_the_working_hours_of_the_first_it_mentions(tandem: Tandem) -> None:
    """Both replies are a working day late by Tuesday evening, outside both working days; the
    reminder goes at 09:00 London (04:00 in New York) and mentions both — a thread post,
    which Slack delivers to each person under their own notification schedule."""
    with freeze_time(ny(2026, 12, 2, 9), tick=True):
        start_role(tandem, brief=brief_step(target_fill_date="2027-02-26"))
    run_jobs(tandem, ny(2026, 12, 7))
    post = checkin_posts(tandem)[0]
    run_jobs(tandem, ny(2026, 12, 8, 19))  # 00:00 in London
    run_jobs(tandem, ny(2026, 12, 9, 3, 59))
    assert thread_of(tandem, post["ts"]) == []
    run_jobs(tandem, ny(2026, 12, 9, 4))
    run_jobs(tandem, ny(2026, 12, 9, 10))
    reminders = thread_of(tandem, post["ts"])
    assert len(reminders) == 1
    assert f"<@{RECRUITER}>" in reminders[0]["text"] and f"<@{HM}>" in reminders[0]["text"]


def test_the_brief_shows_the_first_checkin_of_a_moved_schedule(tandem: Tandem) -> None:
    with freeze_time(ny(2026, 12, 2, 9), tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-02-26"))
    assert f"<!date^{int(ny(2026, 12, 7).timestamp())}^" in brief_text(tandem)
    with freeze_time(ny(2026, 12, 9, 12), tick=True):
        press(tandem, HM, Action.MOVE_CHECKIN, str(role_id))
        reply = submit(
            tandem,
            opened_view(tandem),
            user=HM,
            changes={"checkin_day": "1", "checkin_time": "09:30"},
        )
        assert reply.body == ""
    shown = brief_text(tandem)
    assert "Tuesdays at 09:30" in shown
    assert f"<!date^{int(ny(2026, 12, 15, 9, 30).timestamp())}^" in shown
