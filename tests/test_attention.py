"""The attention budget: 3 DMs a working day, a morning and an early-afternoon digest,
feedback requests at once, a full digest pointing to the App Home, one escalation post per
role at the HM's morning, and no channel post twice in 24 hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from freezegun import freeze_time
from sqlalchemy import select

from bot.blocks.nudges import NudgeItem, nudge_dm
from bot.models import NudgeKind, ObligationKind, OutboxMessage
from bot.services import outbox
from bot.services.attention import dm_wait, escalation_morning
from bot.services.working_time import WorkCalendar
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, dms_to, log_interview, run_jobs, start_role
from tests.kickoff_flow import HM, RECRUITER, only_role

NEW_YORK = ZoneInfo("America/New_York")
CALENDAR = WorkCalendar(NEW_YORK, "US")
MONDAY = date(2027, 1, 11)  # Monday 18 January is a US holiday
INTERVIEWER = "U0NYBUSY"


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=day), time(hour, minute), tzinfo=NEW_YORK)


# -- the rule, on its own ---------------------------------------------------------------------


def test_the_first_dm_of_a_window_carries_everything_the_next_waits() -> None:
    assert dm_wait(now=ny(0, 9, 5), calendar=CALENDAR, sent_today=[], urgent=False) is None
    # A reminder at 11:00 after the morning digest waits for the afternoon one …
    assert dm_wait(now=ny(0, 11), calendar=CALENDAR, sent_today=[ny(0, 9, 5)], urgent=False) == ny(
        0, 13
    )
    # … which opens four hours into the day; after it, the next is the next morning.
    assert dm_wait(now=ny(0, 13), calendar=CALENDAR, sent_today=[ny(0, 9, 5)], urgent=False) is None
    assert dm_wait(
        now=ny(0, 15), calendar=CALENDAR, sent_today=[ny(0, 9, 5), ny(0, 13)], urgent=False
    ) == ny(1, 9)
    # Friday's afternoon leftovers wait for Tuesday: Monday is a holiday.
    assert dm_wait(now=ny(4, 15), calendar=CALENDAR, sent_today=[ny(4, 13)], urgent=False) == ny(
        8, 9
    )


def test_a_feedback_request_goes_at_once_until_the_budget_is_spent() -> None:
    sent = [ny(0, 9), ny(0, 10)]
    assert dm_wait(now=ny(0, 11), calendar=CALENDAR, sent_today=sent, urgent=True) is None
    sent.append(ny(0, 11))
    assert dm_wait(now=ny(0, 14), calendar=CALENDAR, sent_today=sent, urgent=True) == ny(1, 9)
    assert dm_wait(now=ny(0, 14), calendar=CALENDAR, sent_today=sent, urgent=False) == ny(1, 9)


def test_morning_only_has_one_digest_a_day() -> None:
    morning_only = WorkCalendar(NEW_YORK, "US", morning_digest_only=True)
    assert dm_wait(now=ny(0, 13), calendar=morning_only, sent_today=[ny(0, 9)], urgent=False) == ny(
        1, 9
    )
    assert dm_wait(now=ny(0, 13), calendar=morning_only, sent_today=[], urgent=False) is None


def test_the_escalation_moment_is_the_start_of_the_hms_day() -> None:
    assert escalation_morning(ny(1, 9, 20), CALENDAR) == ny(1, 9)
    assert escalation_morning(ny(1, 8, 59), CALENDAR) is None
    assert escalation_morning(ny(7, 10), CALENDAR) is None  # the holiday


def _item(number: int) -> NudgeItem:
    return NudgeItem(
        nudge_id=number,
        obligation_id=number,
        nudge_kind=NudgeKind.OVERDUE,
        obligation_kind=ObligationKind.FEEDBACK,
        role_id=1,
        role_title="Data Engineer",
        channel_id="C1",
        owner_id="U1",
        hiring_manager_id="U2",
        due_at=datetime(2027, 1, 11, 15, tzinfo=UTC) + timedelta(hours=number),
        candidate="Jane Doe",
        interview="Technical interview",
        interview_ended_at=datetime(2027, 1, 8, 15, tzinfo=UTC) + timedelta(days=number),
    )


def test_a_full_digest_fits_block_kit_and_points_to_the_app_home() -> None:
    text, blocks = nudge_dm([_item(n) for n in range(20)], more=7)
    assert len(blocks) <= 50 and text == "27 things need you"
    assert "7 more waiting" in str(blocks) and "Home tab" in str(blocks)
    # Two interviews of one candidate never read the same.
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(set(sections)) == len(sections)


# -- through the app --------------------------------------------------------------------------


def _interviews(tandem: Tandem, ends: list[str]) -> int:
    tandem.standin.add_user(INTERVIEWER, "bea", real_name="Bea Busy", tz="America/New_York")
    role_id = start_role(tandem)
    for number, end in enumerate(ends):
        candidate = add_candidate(
            tandem, role_id, f"{chr(65 + number)}ne Doe", RECRUITER, candidate_stage="panel"
        )
        start = f"{int(end[:2]) - 1:02d}{end[2:]}"
        reply = log_interview(
            tandem,
            role_id,
            candidate,
            user=HM,
            day=MONDAY,
            start=start,
            end=end,
            interviewers=[INTERVIEWER],
        )
        assert reply.body == "", reply.body
    return role_id


def test_the_fourth_request_of_a_day_waits_for_the_next_morning(tandem: Tandem) -> None:
    with freeze_time(ny(0, 6), tick=True):
        _interviews(tandem, ["10:00", "11:00", "12:00", "14:00"])
        moment = ny(0, 9)
        while moment <= ny(1, 9, 30):
            run_jobs(tandem, moment)
            moment += timedelta(minutes=15)
    dms = dms_to(tandem, INTERVIEWER)
    monday = [dm for dm in dms if "Dne Doe" not in str(dm["blocks"])]
    assert len(monday) == 3
    assert all(name in str(dm) for name, dm in zip(("Ane", "Bne", "Cne"), monday, strict=True))
    # Tuesday 09:00: the morning digest, first DM of the day, carries the fourth request.
    assert len(dms) == 4 and "Dne Doe" in str(dms[3]["blocks"])

    # The App Home lists what is owed, the earliest due first.
    assert (
        tandem.event(
            {"type": "app_home_opened", "user": INTERVIEWER, "tab": "home", "event_ts": "1.1"}
        ).status
        == 200
    )
    home = str(tandem.standin.last("views.publish").params["view"]["blocks"])
    assert "What you owe (4)" in home and "Welcome to Tandem" in home
    assert home.index("Ane Doe") < home.index("Bne Doe") < home.index("Dne Doe")


def test_a_roles_late_items_are_one_post_at_the_hms_morning(tandem: Tandem) -> None:
    with freeze_time(ny(0, 6), tick=True):
        _interviews(tandem, ["10:00", "11:00"])
        # Due Wednesday 10:00 and 11:00; one working day late Thursday 10:00 and 11:00.
        for moment in (ny(0, 10), ny(3, 9), ny(3, 10), ny(3, 11, 30), ny(3, 17), ny(4, 9)):
            run_jobs(tandem, moment)
    channel = only_role(tandem).channel_id
    late = [
        (datetime.fromtimestamp(c.at, UTC), c.params)
        for c in tandem.standin.calls_to("chat.postMessage")
        if c.params["channel"] == channel and "working day late" in c.params["text"]
    ]
    # Late from Thursday 10:00 and 11:00: both in the one post of Friday 09:00 (New York).
    assert len(late) == 1
    assert timedelta(0) <= late[0][0] - ny(4, 9) < timedelta(minutes=1)
    late = [params for _, params in late]
    assert "Ane Doe" not in late[0]["text"] and "2 items" in late[0]["text"]
    assert "A.D." in late[0]["text"] and "B.D." in late[0]["text"]
    assert late[0]["text"].count(f"<@{INTERVIEWER}>") == 2 and f"<@{HM}>" in late[0]["text"]


def test_a_channel_post_queued_twice_within_a_day_is_queued_once(tandem: Tandem) -> None:
    now = datetime(2027, 1, 11, 15, tzinfo=UTC)
    fields = {
        "team_id": "T1",
        "kind": "escalation",
        "method": outbox.POST,
        "channel": "C1",
        "payload": {"text": "Same words"},
    }
    with tandem.database.sessions.begin() as session:
        first = outbox.enqueue(session, now=now, unique_within=outbox.A_DAY, **fields)
        again = outbox.enqueue(
            session, now=now + timedelta(hours=23), unique_within=outbox.A_DAY, **fields
        )
        later = outbox.enqueue(
            session, now=now + timedelta(hours=25), unique_within=outbox.A_DAY, **fields
        )
        other = outbox.enqueue(
            session,
            now=now,
            unique_within=outbox.A_DAY,
            **{**fields, "payload": {"text": "Other words"}},
        )
        plain = outbox.enqueue(session, now=now, **fields)  # not opted in: as before
        ids = [first.id, again.id, later.id, other.id, plain.id]
    assert ids[0] == ids[1] and len(set(ids)) == 4
    with tandem.database.sessions() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 4
