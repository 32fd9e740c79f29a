"""Due times people can meet: inside their working hours, date-only commitments at the end of
a working day, and every date Tandem proposes on a working day (weekends and the workspace's
public holidays excluded)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.models import Commitment, CommitmentKind, Obligation, Role
from bot.services.brief import Stage, default_plan, turnaround_text
from bot.services.kickoff_form import default_target_date, proposed_dates
from bot.services.working_time import (
    WorkCalendar,
    due_after,
    end_of_working_day,
    within_working_hours,
)
from bot.slack.ids import Field, plan_date_field
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, log_interview, start_role
from tests.kickoff_flow import ADMIN, HM, PANEL, RECRUITER, Kickoff, add_people, brief_step

LONDON = WorkCalendar(ZoneInfo("Europe/London"))
NEW_YORK = WorkCalendar(ZoneInfo("America/New_York"))
TOKYO = WorkCalendar(ZoneInfo("Asia/Tokyo"))
US = WorkCalendar(ZoneInfo("America/New_York"), country="US")
# Wednesday 2 December 2026, 10:00 in London.
WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def local(calendar: WorkCalendar, *args: int) -> datetime:
    return datetime(*args, tzinfo=calendar.zone)  # type: ignore[misc]


def wall(calendar: WorkCalendar, moment: datetime) -> tuple[str, str]:
    shown = moment.astimezone(calendar.zone)
    return shown.strftime("%a"), shown.strftime("%Y-%m-%d %H:%M")


# -- the rules, with plain arguments --------------------------------------------------------


def test_a_due_time_at_night_moves_to_the_start_of_the_next_working_hours() -> None:
    # Monday 16:00 in London is 01:00 Tuesday in Tokyo; 48 working hours on is Thursday 01:00.
    ended = local(LONDON, 2026, 12, 7, 16)
    assert wall(TOKYO, due_after(ended, 48, TOKYO)) == ("Thu", "2026-12-10 09:00")
    # Inside working hours nothing moves.
    assert wall(LONDON, due_after(ended, 48, LONDON)) == ("Wed", "2026-12-09 16:00")


@pytest.mark.parametrize(
    ("calendar", "moment", "expected"),
    [
        (NEW_YORK, (2026, 12, 2, 10, 0), ("Wed", "2026-12-02 10:00")),
        (NEW_YORK, (2026, 12, 2, 18, 0), ("Wed", "2026-12-02 18:00")),  # end of the day
        (NEW_YORK, (2026, 12, 2, 18, 1), ("Thu", "2026-12-03 09:00")),
        (NEW_YORK, (2026, 12, 2, 7, 30), ("Wed", "2026-12-02 09:00")),
        (NEW_YORK, (2026, 12, 4, 20, 0), ("Mon", "2026-12-07 09:00")),  # Friday night
        (NEW_YORK, (2026, 12, 5, 0, 0), ("Mon", "2026-12-07 09:00")),  # Saturday midnight
        (US, (2026, 11, 25, 20, 0), ("Fri", "2026-11-27 09:00")),  # over Thanksgiving
        (US, (2026, 12, 31, 19, 0), ("Mon", "2027-01-04 09:00")),  # New Year, a weekend
    ],
)
def test_within_working_hours(
    calendar: WorkCalendar, moment: tuple[int, ...], expected: tuple[str, str]
) -> None:
    assert wall(calendar, within_working_hours(local(calendar, *moment), calendar)) == expected


def test_a_date_only_commitment_is_due_at_the_end_of_that_working_day() -> None:
    assert end_of_working_day(date(2026, 12, 11), LONDON) == datetime(2026, 12, 11, 18, tzinfo=UTC)
    summer = end_of_working_day(date(2027, 6, 4), NEW_YORK)
    assert wall(NEW_YORK, summer) == ("Fri", "2027-06-04 18:00") and summer.hour == 22


def test_turnarounds_read_as_working_days() -> None:
    assert [turnaround_text(h) for h in (24, 48, 72)] == [
        "within 1 working day",
        "within 2 working days",
        "within 3 working days",
    ]


def test_proposed_dates_fall_on_working_days_whatever_the_day() -> None:
    """Every kickoff day for a year, with the US holidays: the target, the first slate and
    every plan stage fall on working days, in order, by the target."""
    start = date(2026, 11, 1)
    for offset in range(366):
        today = start + timedelta(days=offset)
        target = default_target_date(today, US)
        proposed = proposed_dates(today, target, US)
        dates = [item.target_date for item in proposed.plan]
        assert all(US.is_working_day(d) for d in [target, proposed.slate_due, *dates]), today
        assert today <= proposed.slate_due <= target and dates == sorted(dates), today
        assert today < dates[0] and dates[-1] <= target, today


def test_default_plan_skips_the_holidays_a_plain_spread_would_hit() -> None:
    # From Saturday 14 November 2026, 60 days spread the panel onto New Year's Day and the HM
    # interview onto a Sunday.
    plan = {p.stage: p.target_date for p in default_plan(date(2026, 11, 14), date(2027, 1, 13), US)}
    assert plan[Stage.HM_INTERVIEW] == date(2026, 12, 21)  # Sunday 20th → Monday
    assert plan[Stage.PANEL] == date(2027, 1, 4)  # Friday 1st (holiday) → Monday
    assert plan[Stage.OFFER] == date(2027, 1, 13)


def test_a_very_close_target_on_a_weekend_still_gives_an_ordered_plan() -> None:
    plan = default_plan(date(2026, 12, 3), date(2026, 12, 6), NEW_YORK)  # Thursday → Sunday
    dates = [p.target_date for p in plan]
    assert dates == sorted(dates) and set(dates) <= {date(2026, 12, 4)}


# -- through the app --------------------------------------------------------------------------


def _set_us_holidays(tandem: Tandem) -> None:
    # The answer goes to the response_url once the ack is out.
    assert tandem.command("/tandem", "holidays US", user=ADMIN).body == ""
    assert "US" in tandem.standin.last("response_url").params["text"]


def _initial_dates(view: dict[str, Any]) -> dict[str, str]:
    return {
        b["block_id"]: b["element"]["initial_date"]
        for b in view["blocks"]
        if b.get("type") == "input" and b["element"]["type"] == "datepicker"
    }


def test_the_kickoff_proposes_working_days_only(tandem: Tandem) -> None:
    add_people(tandem.standin)
    _set_us_holidays(tandem)
    # Saturday 14 November 2026 in London: two weeks on is a Saturday too.
    with freeze_time(datetime(2026, 11, 14, 10, 0, tzinfo=UTC), tick=True):
        flow = Kickoff(tandem).start()
        flow.step({"hiring_manager": HM, "recruiter": RECRUITER, "panel": PANEL})
        target = _initial_dates(flow.view)[Field.TARGET_DATE]
        flow.step(brief_step(target_fill_date=target))
        offered = _initial_dates(flow.view)
    assert US.is_working_day(date.fromisoformat(target))
    assert offered[Field.SLATE_DUE] == "2026-11-30"  # Saturday 28th → Monday
    stages = [date.fromisoformat(offered[plan_date_field(s)]) for s in Stage]
    assert all(US.is_working_day(d) for d in stages), stages


@pytest.mark.parametrize(
    ("slate_due", "said", "next_day"),
    [
        ("2026-12-12", "Saturday, December 12th, 2026", "Monday, December 14th, 2026"),
        ("2026-12-25", "Friday, December 25th, 2026", "Monday, December 28th, 2026"),
    ],
)
def test_a_first_slate_on_a_weekend_or_holiday_is_refused_naming_the_next_working_day(
    tandem: Tandem, slate_due: str, said: str, next_day: str
) -> None:
    add_people(tandem.standin)
    _set_us_holidays(tandem)
    with freeze_time(WEDNESDAY, tick=True):
        reply = (
            Kickoff(tandem)
            .start()
            .complete(
                brief=brief_step(target_fill_date="2027-02-26"), contract={"slate_due": slate_due}
            )
        )
    error = reply.json["errors"][Field.SLATE_DUE]
    assert said in error and "not a working day" in error and next_day in error
    with tandem.database.sessions() as session:
        assert session.scalars(select(Role)).all() == []


def test_the_first_slate_is_due_at_18_on_the_recruiters_clock(tandem: Tandem) -> None:
    with freeze_time(WEDNESDAY, tick=True):
        start_role(
            tandem,
            brief=brief_step(target_fill_date="2027-02-26"),
            contract={"slate_due": "2026-12-11"},
        )
    due = datetime(2026, 12, 11, 18, 0, tzinfo=ZoneInfo("Europe/London"))
    with tandem.database.sessions() as session:
        slate = session.scalars(
            select(Commitment).where(Commitment.kind == CommitmentKind.FIRST_SLATE)
        ).one()
        obligation = session.scalars(
            select(Obligation).where(Obligation.kind == "first_slate")
        ).one()
    assert slate.due_at == due and obligation.due_at == due


def test_feedback_and_review_due_at_night_move_into_the_owners_working_hours(
    tandem: Tandem,
) -> None:
    with freeze_time(WEDNESDAY, tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-02-26"))
    # Friday 18:30 in New York: the HM's résumé review (1 working day) would be due Monday
    # 18:30; it is due when Tuesday's working hours start.
    with freeze_time(datetime(2026, 12, 4, 23, 30, tzinfo=UTC), tick=True):
        candidate_id = add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
        # London 15:00–16:00 Monday is 00:00–01:00 Tuesday for the Tokyo panel.
        log_interview(
            tandem,
            role_id,
            candidate_id,
            user=RECRUITER,
            day=date(2026, 12, 7),
            start="15:00",
            end="16:00",
            interviewers=PANEL,
        )
    with tandem.database.sessions() as session:
        due = {(o.kind, o.owner_id): o.due_at for o in session.scalars(select(Obligation))}
    assert wall(NEW_YORK, due[("resume_review", HM)]) == ("Tue", "2026-12-08 09:00")
    for interviewer in PANEL:
        assert wall(TOKYO, due[("feedback", interviewer)]) == ("Thu", "2026-12-10 09:00")
    # The recruiter's candidate update (3 working days, London) is inside working hours.
    assert wall(LONDON, due[("candidate_update", RECRUITER)]) == ("Thu", "2026-12-10 16:00")
