"""Weekly check-ins under a moving clock: first post across a DST change, summary, replies
(from each side, outsiders, retries, edits, deletions), one reminder, skip, move, holds."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import select, update

from bot.models import CheckIn, CheckInReply, ProcessedEvent, Role
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, press, run_jobs, start_role
from tests.kickoff_flow import HM, RECRUITER, STRANGER, brief_step, only_role
from tests.modals import opened_view, submit

NEW_YORK = ZoneInfo("America/New_York")
# A Wednesday; the US moves its clocks on Sunday 14 March 2027.
OPENED = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
FIRST_MONDAY = datetime(2027, 3, 15, 10, 0, tzinfo=NEW_YORK)


def ny(day: datetime, hour: int, minute: int = 0, days: int = 0) -> datetime:
    return datetime.combine(day.date() + timedelta(days=days), time(hour, minute), tzinfo=NEW_YORK)


@pytest.fixture
def role_id(tandem: Tandem) -> int:
    with freeze_time(OPENED, tick=True):
        opened = start_role(tandem, brief=brief_step(target_fill_date="2027-05-14"))
        add_candidate(tandem, opened, "Jane Doe", RECRUITER)
        add_candidate(tandem, opened, "Max Roe", RECRUITER)
    return opened


def checkin_posts(tandem: Tandem) -> list[dict[str, Any]]:
    channel = only_role(tandem).channel_id
    return [m for m in tandem.standin.posted(channel) if m["text"].startswith("Weekly check-in")]


def thread_of(tandem: Tandem, ts: str) -> list[dict[str, Any]]:
    channel = only_role(tandem).channel_id
    return [m for m in tandem.standin.posted(channel) if m.get("thread_ts") == ts]


def reply_event(
    user: str, text: str, *, channel: str, thread_ts: str, ts: str, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "thread_ts": thread_ts,
        "parent_user_id": "U0TANDEMBOT",
        "channel": channel,
        "channel_type": "channel",
        "event_ts": ts,
        **extra,
    }


def test_first_checkin_is_next_monday_10_in_the_hms_zone_across_dst(
    tandem: Tandem, role_id: int
) -> None:
    run_jobs(tandem, ny(FIRST_MONDAY, 9, 59))
    assert checkin_posts(tandem) == []
    run_jobs(tandem, FIRST_MONDAY)
    run_jobs(tandem, ny(FIRST_MONDAY, 10, 5))
    posts = checkin_posts(tandem)
    assert len(posts) == 1
    with tandem.database.sessions() as session:
        checkin = session.scalars(select(CheckIn)).one()
    assert checkin.scheduled_for == FIRST_MONDAY
    assert (
        checkin.scheduled_for.astimezone(UTC).hour == 14
    )  # EDT: after the change, 10:00 is 14:00 UTC
    shown = str(posts[0]["blocks"])
    assert "Screening 2" in shown
    assert "Interviews, last 7 days:* 0" in shown
    assert "60 days to the target date" in shown
    assert "<@U0RECRUIT> <@U0HIRINGMGR>" in shown and "what is blocked" in shown


def test_one_post_per_week_with_racing_schedulers(tandem: Tandem, role_id: int) -> None:
    for moment in (FIRST_MONDAY, ny(FIRST_MONDAY, 11), ny(FIRST_MONDAY, 10, days=1)):
        barrier = threading.Barrier(3)

        def scheduler(when: datetime, start: threading.Barrier) -> None:
            start.wait()
            run_jobs(tandem, when)

        threads = [threading.Thread(target=scheduler, args=(moment, barrier)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert len(checkin_posts(tandem)) == 1
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=7))
    assert len(checkin_posts(tandem)) == 2


def test_replies_are_recorded_and_the_silent_hm_is_reminded_once(
    tandem: Tandem, role_id: int
) -> None:
    run_jobs(tandem, FIRST_MONDAY)
    post = checkin_posts(tandem)[0]
    channel = only_role(tandem).channel_id or ""
    with freeze_time(ny(FIRST_MONDAY, 11), tick=True):
        event = reply_event(
            RECRUITER,
            "Two screens done; blocked on HM slots",
            channel=channel,
            thread_ts=post["ts"],
            ts="1710000001.000100",
        )
        assert tandem.event(event, event_id="Ev0REPLY1").status == 200
        assert tandem.event(event, event_id="Ev0REPLY1", retry_num=1).status == 200
        outsider = reply_event(
            STRANGER,
            "Following along",
            channel=channel,
            thread_ts=post["ts"],
            ts="1710000002.000100",
        )
        tandem.event(outsider, event_id="Ev0REPLY2")
    with tandem.database.sessions() as session:
        replies = session.scalars(select(CheckInReply).order_by(CheckInReply.id)).all()
    assert [(r.user_id, r.from_party) for r in replies] == [(RECRUITER, True), (STRANGER, False)]

    run_jobs(tandem, ny(FIRST_MONDAY, 9, 59, days=1))
    assert thread_of(tandem, post["ts"]) == []
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=1))
    run_jobs(tandem, ny(FIRST_MONDAY, 15, days=1))
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=2))
    reminders = thread_of(tandem, post["ts"])
    assert len(reminders) == 1
    assert f"<@{HM}>" in reminders[0]["text"] and f"<@{RECRUITER}>" not in reminders[0]["text"]
    with tandem.database.sessions() as session:
        assert session.scalars(select(CheckIn.both_replied_on_time)).one() is False


def test_both_replying_in_time_counts_as_participation(tandem: Tandem, role_id: int) -> None:
    run_jobs(tandem, FIRST_MONDAY)
    post = checkin_posts(tandem)[0]
    channel = only_role(tandem).channel_id or ""
    with freeze_time(ny(FIRST_MONDAY, 12), tick=True):
        for number, user in enumerate((RECRUITER, HM)):
            event = reply_event(
                user,
                "update",
                channel=channel,
                thread_ts=post["ts"],
                ts=f"171000000{number}.000100",
            )
            tandem.event(event, event_id=f"Ev0BOTH{number}")
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=2))
    assert thread_of(tandem, post["ts"]) == []
    with tandem.database.sessions() as session:
        assert session.scalars(select(CheckIn.both_replied_on_time)).one() is True


def test_edits_and_deletions_of_replies(tandem: Tandem, role_id: int) -> None:
    run_jobs(tandem, FIRST_MONDAY)
    post = checkin_posts(tandem)[0]
    channel = only_role(tandem).channel_id or ""
    reply = reply_event(
        HM, "first take", channel=channel, thread_ts=post["ts"], ts="1710000009.000100"
    )
    tandem.event(reply, event_id="Ev0EDIT0")
    changed = {
        "type": "message",
        "subtype": "message_changed",
        "channel": channel,
        "hidden": True,
        "ts": "1710000010.000100",
        "message": {
            **reply,
            "text": "second take",
            "edited": {"user": HM, "ts": "1710000010.000100"},
        },
        "previous_message": reply,
        "event_ts": "1710000010.000100",
    }
    tandem.event(changed, event_id="Ev0EDIT1")
    with tandem.database.sessions() as session:
        stored = session.scalars(select(CheckInReply)).one()
        assert stored.text == "second take" and stored.edited_at is not None
    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": channel,
        "hidden": True,
        "ts": "1710000011.000100",
        "deleted_ts": reply["ts"],
        "previous_message": reply,
        "event_ts": "1710000011.000100",
    }
    tandem.event(deleted, event_id="Ev0EDIT2")
    with tandem.database.sessions() as session:
        assert session.scalars(select(CheckInReply)).one().deleted_at is not None
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=1))
    assert any(f"<@{HM}>" in m["text"] for m in thread_of(tandem, post["ts"]))


def test_replies_in_other_threads_are_ignored(tandem: Tandem, role_id: int) -> None:
    channel = only_role(tandem).channel_id or ""
    event = reply_event(
        HM, "hi", channel=channel, thread_ts="1700000999.000001", ts="1700001000.000001"
    )
    assert tandem.event(event, event_id="Ev0OTHER").status == 200
    plain_message = {
        "type": "message",
        "user": HM,
        "text": "lunch?",
        "ts": "1700001001.000001",
        "channel": channel,
    }
    assert tandem.event(plain_message, event_id="Ev0PLAIN").status == 200
    with tandem.database.sessions() as session:
        assert session.scalars(select(CheckInReply)).all() == []
        assert session.scalars(select(ProcessedEvent)).all() == []  # nothing written for chatter


def test_roles_on_hold_get_no_checkin_and_reopening_resumes(tandem: Tandem, role_id: int) -> None:
    with tandem.database.sessions.begin() as session:
        session.execute(update(Role).values(status="on_hold"))
    run_jobs(tandem, FIRST_MONDAY)
    assert checkin_posts(tandem) == []
    with tandem.database.sessions.begin() as session:
        session.execute(update(Role).values(status="closed"))
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=7))
    assert checkin_posts(tandem) == []
    with tandem.database.sessions.begin() as session:
        session.execute(update(Role).values(status="open"))
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=14))
    assert len(checkin_posts(tandem)) == 1


def test_skip_next_week_with_a_reason(tandem: Tandem, role_id: int) -> None:
    run_jobs(tandem, FIRST_MONDAY)
    post = checkin_posts(tandem)[0]
    channel = only_role(tandem).channel_id or ""
    with freeze_time(ny(FIRST_MONDAY, 12), tick=True):
        assert (
            press(tandem, HM, Action.SKIP_CHECKIN, str(role_id), channel_id=channel, message=post)
            is None
        )
        view = opened_view(tandem)
        refused = submit(tandem, view, user=HM, changes={"skip_reason": ""})
        assert "Say why" in refused.json["errors"]["skip_reason"]
        assert submit(tandem, view, user=HM, changes={"skip_reason": "Offsite week"}).body == ""
    assert any(
        "skipped" in m["text"] and "Offsite week" in m["text"]
        for m in thread_of(tandem, post["ts"])
    )
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=7))
    assert len(checkin_posts(tandem)) == 1
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=14))
    assert len(checkin_posts(tandem)) == 2
    with tandem.database.sessions() as session:
        skipped = session.scalars(select(CheckIn).where(CheckIn.skipped_at.is_not(None))).one()
    assert skipped.skipped_by == HM and skipped.skip_reason == "Offsite week"
    assert (
        press(tandem, STRANGER, Action.SKIP_CHECKIN, str(role_id), channel_id=channel) is not None
    )


def test_moving_the_checkin_is_a_contract_revision(tandem: Tandem, role_id: int) -> None:
    run_jobs(tandem, FIRST_MONDAY)
    channel = only_role(tandem).channel_id or ""
    with freeze_time(ny(FIRST_MONDAY, 12), tick=True):
        press(tandem, RECRUITER, Action.MOVE_CHECKIN, str(role_id), channel_id=channel)
        view = opened_view(tandem)
        bad = submit(tandem, view, user=RECRUITER, changes={"checkin_time": "21:00"})
        assert "working hours" in bad.json["errors"]["checkin_time"]
        assert (
            submit(
                tandem, view, user=RECRUITER, changes={"checkin_day": "1", "checkin_time": "09:30"}
            ).body
            == ""
        )
    brief_thread = thread_of(tandem, only_role(tandem).brief_ts or "")
    assert any(
        "Weekly check-in" in str(m["blocks"]) and "Tuesdays at 09:30" in str(m["blocks"])
        for m in brief_thread
    )
    run_jobs(tandem, ny(FIRST_MONDAY, 10, days=7))
    assert len(checkin_posts(tandem)) == 1
    run_jobs(tandem, ny(FIRST_MONDAY, 9, 30, days=8))
    posts = checkin_posts(tandem)
    assert len(posts) == 2
    assert "Weekly check-in" in json.dumps(posts[1]["blocks"])
