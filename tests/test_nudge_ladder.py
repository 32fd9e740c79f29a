"""The nudge ladder under a moving clock: request, reminder, overdue, escalation — once each,
never at night, stopped by a submission; digests, away status, snooze and mute."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.models import Feedback, Nudge, Obligation
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import (
    add_candidate,
    dms_to,
    feedback_obligation,
    log_interview,
    next_weekday,
    nudges,
    press,
    run_jobs,
    start_role,
)
from tests.kickoff_flow import HM, RECRUITER, only_role
from tests.modals import opened_view, submit

NEW_YORK = ZoneInfo("America/New_York")
INTERVIEWER = "U0NYINTERVIEWER"
SECOND = "U0NYSECOND"
MONDAY = next_weekday(0)


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """New York wall time ``days`` after the interview's Monday."""
    return datetime.combine(MONDAY + timedelta(days=days), time(hour, minute), tzinfo=NEW_YORK)


@pytest.fixture
def interview(tandem: Tandem) -> int:
    """HM logs Monday 09:00–10:00 New York with one New York interviewer (48-hour turnaround)."""
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    tandem.standin.add_user(SECOND, "sol", real_name="Sol Second", tz="America/New_York")
    role_id = start_role(tandem)
    candidate_id = add_candidate(
        tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="hm_interview"
    )
    reply = log_interview(
        tandem,
        role_id,
        candidate_id,
        user=HM,
        day=MONDAY,
        start="09:00",
        end="10:00",
        interviewers=[INTERVIEWER],
    )
    assert reply.body == "", reply.body
    return role_id


def channel_posts(tandem: Tandem) -> list[dict[str, Any]]:
    channel = only_role(tandem).channel_id
    return [m for m in tandem.standin.posted(channel) if not m.get("thread_ts")]


def feedback_texts(tandem: Tandem, user: str) -> list[str]:
    return [str(dm["blocks"]) for dm in dms_to(tandem, user)]


def test_done_when_the_whole_ladder_runs_once_and_never_at_night(
    tandem: Tandem, interview: int
) -> None:
    obligation = feedback_obligation(tandem, INTERVIEWER)
    assert obligation.due_at == at(2, 10)  # Wednesday 10:00 New York

    timeline = [
        (at(0, 9, 59), 0),
        (at(0, 10), 1),  # the Submit feedback DM when the interview ends
        (at(0, 23), 1),
        (at(1, 10), 1),
        (at(1, 14, 59), 1),
        (at(1, 15), 2),  # the reminder: 4 of the interviewer's working hours before the due time
        (at(2, 6), 2),
        (at(2, 9), 2),
        (at(2, 9, 30), 2),
        (at(2, 10), 3),  # overdue at the due time
        (at(2, 17), 3),
        (at(3, 9, 59), 3),
        (at(3, 10), 3),
        (at(4, 9), 3),
        (at(4, 12), 3),
    ]
    for moment, expected_dms in timeline:
        run_jobs(tandem, moment)
        assert len(dms_to(tandem, INTERVIEWER)) == expected_dms, moment

    request, reminder, overdue = feedback_texts(tandem, INTERVIEWER)
    assert (
        "Submit feedback" in request and "You interviewed them" in request and "Jane Doe" in request
    )
    assert "Reminder" in reminder and "Snooze 1 day" in reminder
    assert "Overdue" in overdue and "one working day later" in overdue
    sent = {n.kind: n.sent_at for n in nudges(tandem) if n.recipient_id == INTERVIEWER}
    assert sent == {
        "request": at(0, 10),
        "reminder": at(1, 15),
        "overdue": at(2, 10),
        # One working day late on Thursday 10:00: raised at the start of the HM's next day.
        "escalation": at(4, 9),
    }
    escalations = [
        p
        for p in channel_posts(tandem)
        if "working day late" in p["text"] and INTERVIEWER in p["text"]
    ]
    assert len(escalations) == 1
    assert f"<@{INTERVIEWER}>" in escalations[0]["text"] and f"<@{HM}>" in escalations[0]["text"]
    assert "J.D." in escalations[0]["text"] and "Jane Doe" not in escalations[0]["text"]
    reveals = [p for p in channel_posts(tandem) if "Panel recommendations" in p["text"]]
    assert len(reveals) == 1 and "not submitted by the due time" in str(reveals[0]["blocks"])


def _submit_feedback(
    tandem: Tandem, user: str, recommendation: str = "yes", **changes: Any
) -> dict[str, Any]:
    obligation = feedback_obligation(tandem, user)
    assert (
        press(tandem, user, Action.SUBMIT_FEEDBACK, str(obligation.id), channel_id=f"D{user}")
        is None
    )
    view = opened_view(tandem)
    reply = submit(
        tandem,
        view,
        user=user,
        changes={"recommendation": recommendation, "rating:0": "3", **changes},
    )
    body: dict[str, Any] = reply.json
    return body


def test_submission_stops_the_ladder_and_reveals_the_round(tandem: Tandem, interview: int) -> None:
    run_jobs(tandem, at(0, 10))
    answer = _submit_feedback(tandem, INTERVIEWER, notes="Strong on SQL")
    assert answer["response_action"] == "update"
    assert "your feedback is in" in str(answer["view"])

    for moment in (at(2, 9), at(2, 10), at(3, 10), at(4, 10)):
        run_jobs(tandem, moment)
    assert len(dms_to(tandem, INTERVIEWER)) == 1
    assert not [
        p
        for p in channel_posts(tandem)
        if "working day late" in p["text"] and INTERVIEWER in p["text"]
    ]
    pending = [n for n in nudges(tandem) if n.recipient_id == INTERVIEWER and n.sent_at is None]
    assert {n.cancel_reason for n in pending} == {"resolved"}
    reveal = [p for p in channel_posts(tandem) if "Panel recommendations" in p["text"]]
    assert len(reveal) == 1
    assert "*Yes*" in str(reveal[0]["blocks"]) and "Strong on SQL" not in str(reveal[0]["blocks"])
    assert "SQL at scale" in str(reveal[0]["blocks"])  # unassessed must-haves are flagged


def test_second_submit_is_an_edit_not_a_second_record(tandem: Tandem, interview: int) -> None:
    _submit_feedback(tandem, INTERVIEWER, "no")
    answer = _submit_feedback(tandem, INTERVIEWER, "strong_yes")
    assert "recorded as an edit" in str(answer["view"])
    with tandem.database.sessions() as session:
        rows = session.scalars(select(Feedback)).all()
    assert len(rows) == 1 and rows[0].recommendation == "strong_yes" and rows[0].edit_count == 1


def test_feedback_needs_a_recommendation_and_stays_private(tandem: Tandem, interview: int) -> None:
    obligation = feedback_obligation(tandem, INTERVIEWER)
    press(tandem, INTERVIEWER, Action.SUBMIT_FEEDBACK, str(obligation.id))
    reply = submit(tandem, opened_view(tandem), user=INTERVIEWER, changes={"notes": "x"})
    assert reply.json["response_action"] == "errors"
    assert "Pick a recommendation" in reply.json["errors"]["recommendation"]

    refused = press(tandem, RECRUITER, Action.SUBMIT_FEEDBACK, str(obligation.id))
    assert refused is not None and "only they can act" in refused


def test_closing_the_modal_keeps_a_draft(tandem: Tandem, interview: int) -> None:
    obligation = feedback_obligation(tandem, INTERVIEWER)
    press(tandem, INTERVIEWER, Action.SUBMIT_FEEDBACK, str(obligation.id))
    view = opened_view(tandem)
    from tests import slack_requests as sr
    from tests.modals import fill

    closed = {
        "type": "view_closed",
        "team": {"id": sr.TEAM_ID},
        "user": {"id": INTERVIEWER, "team_id": sr.TEAM_ID},
        "api_app_id": sr.API_APP_ID,
        "view": {
            **view,
            "id": "V0FB",
            "state": {
                "values": fill(view, {"notes": "Half-written thought", "recommendation": "no"})
            },
        },
        "is_cleared": False,
    }
    assert tandem.interact(closed).status == 200
    press(tandem, INTERVIEWER, Action.SUBMIT_FEEDBACK, str(obligation.id))
    reopened = opened_view(tandem)
    notes = next(b for b in reopened["blocks"] if b.get("block_id") == "notes")
    assert notes["element"]["initial_value"] == "Half-written thought"


def test_independence_each_sees_the_panel_only_after_submitting(tandem: Tandem) -> None:
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    tandem.standin.add_user(SECOND, "sol", real_name="Sol Second", tz="America/New_York")
    role_id = start_role(tandem)
    candidate_id = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
    log_interview(
        tandem,
        role_id,
        candidate_id,
        user=HM,
        day=MONDAY,
        start="09:00",
        end="10:00",
        interviewers=[INTERVIEWER, SECOND],
    )

    first = _submit_feedback(tandem, INTERVIEWER, "strong_yes", notes="Great systems thinking")
    assert "Nobody else has submitted yet" in str(first["view"])
    assert not [p for p in channel_posts(tandem) if "Panel recommendations" in p["text"]]

    second = _submit_feedback(tandem, SECOND, "no")
    assert "Great systems thinking" in str(second["view"]) and f"<@{INTERVIEWER}>" in str(
        second["view"]
    )
    reveal = [p for p in channel_posts(tandem) if "Panel recommendations" in p["text"]]
    assert len(reveal) == 1
    shown = str(reveal[0]["blocks"])
    assert "*Strong yes*" in shown and "*No*" in shown and "Great systems thinking" not in shown
    run_jobs(tandem, at(0, 11))
    assert len([p for p in channel_posts(tandem) if "Panel recommendations" in p["text"]]) == 1


def test_two_items_due_together_become_one_digest(tandem: Tandem) -> None:
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    role_id = start_role(tandem)
    for name in ("Jane Doe", "Max Roe"):
        candidate_id = add_candidate(tandem, role_id, name, RECRUITER, candidate_stage="panel")
        log_interview(
            tandem,
            role_id,
            candidate_id,
            user=HM,
            day=MONDAY,
            start="09:00",
            end="10:00",
            interviewers=[INTERVIEWER],
        )
    run_jobs(tandem, at(0, 10))
    dms = dms_to(tandem, INTERVIEWER)
    assert len(dms) == 1
    assert "2 things need you" in dms[0]["text"]
    assert "Jane Doe" in str(dms[0]["blocks"]) and "Max Roe" in str(dms[0]["blocks"])


def test_one_dm_per_hour(tandem: Tandem) -> None:
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    role_id = start_role(tandem)
    first = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
    second = add_candidate(tandem, role_id, "Max Roe", RECRUITER, candidate_stage="panel")
    log_interview(
        tandem,
        role_id,
        first,
        user=HM,
        day=MONDAY,
        start="09:00",
        end="10:00",
        interviewers=[INTERVIEWER],
    )
    log_interview(
        tandem,
        role_id,
        second,
        user=HM,
        day=MONDAY,
        start="10:00",
        end="10:30",
        interviewers=[INTERVIEWER],
    )
    run_jobs(tandem, at(0, 10))
    run_jobs(tandem, at(0, 10, 30))
    assert len(dms_to(tandem, INTERVIEWER)) == 1
    run_jobs(tandem, at(0, 11))
    assert len(dms_to(tandem, INTERVIEWER)) == 2


def test_quiet_hours_hold_a_late_interview_until_morning(tandem: Tandem) -> None:
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    role_id = start_role(tandem)
    candidate_id = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
    log_interview(
        tandem,
        role_id,
        candidate_id,
        user=HM,
        day=MONDAY,
        start="19:00",
        end="20:00",
        interviewers=[INTERVIEWER],
    )
    run_jobs(tandem, at(0, 20))
    run_jobs(tandem, at(1, 3))
    assert dms_to(tandem, INTERVIEWER) == []
    run_jobs(tandem, at(1, 9))
    assert len(dms_to(tandem, INTERVIEWER)) == 1


def test_away_status_waits_for_the_next_working_morning(tandem: Tandem, interview: int) -> None:
    person = tandem.standin.users[INTERVIEWER]
    person.status_text, person.status_emoji = "Vacationing", ":palm_tree:"
    run_jobs(tandem, at(0, 10))
    run_jobs(tandem, at(0, 15))
    assert dms_to(tandem, INTERVIEWER) == []
    person.status_text, person.status_emoji = "", ""
    run_jobs(tandem, at(1, 8, 59))
    assert dms_to(tandem, INTERVIEWER) == []
    run_jobs(tandem, at(1, 9, 1))  # status cache is older than an hour: refreshed, back
    assert len(dms_to(tandem, INTERVIEWER)) == 1


def test_snooze_holds_reminders_but_not_the_escalation(tandem: Tandem, interview: int) -> None:
    run_jobs(tandem, at(0, 10))
    obligation = feedback_obligation(tandem, INTERVIEWER)
    # Pressed on Wednesday 07:00 New York: the reminder (due Tuesday 15:00, not sent yet) and
    # the overdue DM (10:00) wait one working day, then go as one message: overdue.
    with freeze_time(at(2, 7), tick=True):
        answer = press(tandem, INTERVIEWER, Action.SNOOZE, str(obligation.id))
        refused = press(tandem, RECRUITER, Action.SNOOZE, str(obligation.id))
    assert answer is not None and "Snoozed" in answer
    assert refused is not None and "only they can act" in refused
    run_jobs(tandem, at(2, 9))
    run_jobs(tandem, at(2, 10))
    assert len(dms_to(tandem, INTERVIEWER)) == 1
    run_jobs(tandem, at(3, 10))
    run_jobs(tandem, at(4, 9))  # the escalation: at the start of the HM's next working day
    assert (
        len(
            [
                p
                for p in channel_posts(tandem)
                if "working day late" in p["text"] and INTERVIEWER in p["text"]
            ]
        )
        == 1
    )
    run_jobs(tandem, at(4, 9, 5))
    texts = feedback_texts(tandem, INTERVIEWER)
    assert len(texts) == 2 and "Overdue" in texts[1]
    # Snoozing holds the DMs; the due time itself stays where the contract put it.
    assert feedback_obligation(tandem, INTERVIEWER).due_at == at(2, 10)


def test_mute_drops_reminders_only(tandem: Tandem, interview: int) -> None:
    run_jobs(tandem, at(0, 10))
    answer = press(tandem, INTERVIEWER, Action.MUTE_ROLE, str(interview))
    assert answer is not None and "muted" in answer
    run_jobs(tandem, at(2, 9))
    run_jobs(tandem, at(2, 10))
    texts = feedback_texts(tandem, INTERVIEWER)
    assert len(texts) == 2 and "Overdue" in texts[1]
    reminder = next(
        n for n in nudges(tandem) if n.recipient_id == INTERVIEWER and n.kind == "reminder"
    )
    assert reminder.cancel_reason == "muted"


def test_rescheduling_moves_due_times_and_cancelling_stops_everything(
    tandem: Tandem, interview: int
) -> None:
    role = only_role(tandem)
    note = next(
        m for m in tandem.standin.posted(role.channel_id) if "Edit interview" in str(m["blocks"])
    )
    interview_id = note["blocks"][-1]["elements"][0]["value"]
    press(tandem, HM, "interview-edit", interview_id, channel_id=role.channel_id or "")
    reply = submit(
        tandem,
        opened_view(tandem),
        user=HM,
        changes={"interview_day": (MONDAY + timedelta(days=1)).isoformat()},
    )
    assert reply.body == ""
    assert feedback_obligation(tandem, INTERVIEWER).due_at == at(3, 10)
    run_jobs(tandem, at(0, 10))
    assert dms_to(tandem, INTERVIEWER) == []

    answer = press(tandem, HM, "interview-cancel", interview_id, channel_id=role.channel_id or "")
    assert answer is None
    run_jobs(tandem, at(1, 10))
    run_jobs(tandem, at(4, 10))
    assert dms_to(tandem, INTERVIEWER) == []
    with tandem.database.sessions() as session:
        obligations = session.scalars(
            select(Obligation).where(Obligation.interview_id == int(interview_id))
        ).all()
        assert obligations and all(o.cancelled_at is not None for o in obligations)
        assert all(
            n.cancelled_at is not None
            for n in session.scalars(
                select(Nudge).where(Nudge.obligation_id.in_([o.id for o in obligations]))
            )
        )
    assert "cancelled" in str(tandem.standin.messages[(role.channel_id, note["ts"])]["blocks"])


def test_failed_send_is_retried_not_lost(tandem: Tandem, interview: int) -> None:
    # Slack refuses every post of the first tick (the role's Monday check-in and the DM).
    tandem.standin.fail("chat.postMessage", error="fatal_error", times=2)
    run_jobs(tandem, at(0, 10))
    assert tandem.standin.posted(INTERVIEWER) == []
    run_jobs(tandem, at(0, 10, 1))
    assert len(tandem.standin.posted(INTERVIEWER)) == 1
    run_jobs(tandem, at(0, 12))
    assert len(tandem.standin.posted(INTERVIEWER)) == 1


def test_late_feedback_after_the_reveal_is_added_to_the_channel(
    tandem: Tandem, interview: int
) -> None:
    run_jobs(tandem, at(2, 10))  # due time passed: revealed without Nia's answer
    assert len([p for p in channel_posts(tandem) if "Panel recommendations" in p["text"]]) == 1
    _submit_feedback(tandem, INTERVIEWER, "strong_no")
    late = [p for p in channel_posts(tandem) if "Late recommendation" in p["text"]]
    assert (
        len(late) == 1
        and "*Strong no*" in late[0]["text"]
        and f"<@{INTERVIEWER}>" in late[0]["text"]
    )
    _submit_feedback(tandem, INTERVIEWER, "no")  # an edit adds nothing
    assert len([p for p in channel_posts(tandem) if "Late recommendation" in p["text"]]) == 1
