"""``/tandem quiet`` over signed slash commands: a person's own working hours, days and
digest choice, the admin's workspace default, bad input, and nudges that follow the hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.models import Person, Workspace
from tests.harness import Tandem
from tests.hiring_flow import (
    add_candidate,
    dms_to,
    feedback_obligation,
    log_interview,
    next_weekday,
    run_jobs,
    start_role,
)
from tests.kickoff_flow import ADMIN, HM, RECRUITER

NEW_YORK = ZoneInfo("America/New_York")
PERSON = "U0QUIETPERSON"
INTERVIEWER = "U0NYINTERVIEWER"


def quiet(tandem: Tandem, text: str, user: str = PERSON) -> str:
    """The ephemeral answer: sent to the response_url once the ack is out."""
    before = len(tandem.standin.calls_to("response_url"))
    reply = tandem.command("/tandem", f"quiet {text}".strip(), user=user)
    assert reply.status == 200 and reply.body == ""
    answers = tandem.standin.calls_to("response_url")[before:]
    assert len(answers) == 1
    assert answers[0].params.get("response_type") == "ephemeral"
    return str(answers[0].params["text"])


def person_row(tandem: Tandem, user: str = PERSON) -> Person:
    with tandem.database.sessions() as session:
        return session.scalars(select(Person).where(Person.user_id == user)).one()


@pytest.fixture
def people(tandem: Tandem) -> None:
    tandem.standin.add_user(PERSON, "quinn", tz="Europe/Berlin")
    tandem.standin.add_user(ADMIN, "ada", tz="UTC", is_admin=True)


def test_shows_the_standard_hours_until_the_person_sets_their_own(
    tandem: Tandem, people: None
) -> None:
    answer = quiet(tandem, "")
    assert "09:00–18:00 (Tandem's standard)" in answer
    assert "time zone of your Slack profile" in answer and "Europe/Berlin" not in answer
    assert "Monday–Friday (Tandem's standard)" in answer
    assert "twice a day" in answer


def test_changes_hours_days_and_digest_and_resets(tandem: Tandem, people: None) -> None:
    answer = quiet(tandem, "08:00-16:00 mon-thu")
    assert answer.startswith("Saved.")
    assert "08:00–16:00 (your own setting)" in answer
    assert "Monday–Thursday (your own setting)" in answer
    row = person_row(tandem)
    assert (row.work_start, row.work_end, row.workdays) == (time(8), time(16), "0123")

    # Days alone keep the hours; the digest alone keeps both.
    assert "Sunday–Thursday" in quiet(tandem, "sun-thu")
    answer = quiet(tandem, "digest morning")
    assert "morning only" in answer and "08:00–16:00" in answer and "Sunday–Thursday" in answer
    assert person_row(tandem).morning_digest_only is True
    assert "08:00–16:00" in quiet(tandem, "")  # showing changes nothing

    answer = quiet(tandem, "reset")
    assert "09:00–18:00 (Tandem's standard)" in answer and "twice a day" in answer
    row = person_row(tandem)
    assert (row.work_start, row.work_end, row.workdays, row.morning_digest_only) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("banana split", "I don't understand `banana`"),
        ("25:00-18:00", "`25:00` is not a time of day"),
        ("09:00-25:00", "`25:00` is not a time of day"),
        ("18:00-09:00", "must end after it starts"),
        ("09:00-09:30", "shorter than an hour"),
        ("9am-5pm", "24-hour `HH:MM-HH:MM`"),
        ("10:00", "as a range, start and end"),
        ("09:00-17:00 none", "Name at least one working day"),
        ("mon-funday", "`funday` is not a day"),
        ("digest sometimes", "`/tandem quiet digest morning`"),
        ("9-17 10-18", "Give your hours once"),
        ("reset now", "`reset` goes alone"),
        ("x" * 10_000, "too long to be a setting"),
        ("<!channel>", "I don't understand `&lt;!channel&gt;`"),
    ],
)
def test_bad_input_changes_nothing_and_says_why(
    tandem: Tandem, people: None, text: str, says: str
) -> None:
    quiet(tandem, "08:00-16:00")
    answer = quiet(tandem, text)
    assert says in answer
    assert "Saved" not in answer and "<!channel>" not in answer and len(answer) < 600
    row = person_row(tandem)
    assert (row.work_start, row.work_end, row.workdays) == (time(8), time(16), None)


def test_admins_set_the_workspace_default_and_others_may_not(tandem: Tandem, people: None) -> None:
    refused = quiet(tandem, "default 10:00-18:00 mon-thu")
    assert "Only a workspace admin" in refused
    with tandem.database.sessions() as session:
        workspace = session.scalars(select(Workspace)).one()
        assert workspace.work_start is None

    answer = quiet(tandem, "default 10:00-18:00 mon-thu", user=ADMIN)
    assert answer.startswith("Saved.") and "10:00–18:00, Monday–Thursday" in answer
    assert "digest morning" in quiet(tandem, "default digest morning", user=ADMIN)
    # Anyone may look at the default.
    assert "10:00–18:00, Monday–Thursday" in quiet(tandem, "default")

    # The person without settings of their own follows it; their own setting wins.
    answer = quiet(tandem, "")
    assert "10:00–18:00 (the workspace default)" in answer
    assert "Monday–Thursday (the workspace default)" in answer and "morning only" in answer
    answer = quiet(tandem, "07:00-15:00")
    assert "07:00–15:00 (your own setting)" in answer
    assert "Monday–Thursday (the workspace default)" in answer

    assert "09:00–18:00, Monday–Friday" in quiet(tandem, "default reset", user=ADMIN)
    assert "Monday–Friday (Tandem's standard)" in quiet(tandem, "")
    assert "Only a workspace admin" in quiet(tandem, "default reset")


def test_a_bad_default_is_refused_before_anything_else(tandem: Tandem, people: None) -> None:
    assert "not a time of day" in quiet(tandem, "default 25:00-26:00", user=ADMIN)
    assert "09:00–18:00" in quiet(tandem, "default")


def test_help_lists_quiet(tandem: Tandem) -> None:
    shown = str(tandem.command("/tandem", "help", user=RECRUITER).json["blocks"])
    assert "/tandem quiet" in shown and "quiet default" in shown


def test_the_feedback_request_and_due_time_follow_the_interviewers_new_hours(
    tandem: Tandem,
) -> None:
    """An interviewer who starts at 11:00 gets the request at 11:00, not at the interview's
    10:00 end, and their feedback is due inside their hours (Wednesday 11:00, not 10:00)."""
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    monday = next_weekday(0)

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(monday + timedelta(days=days), time(hour, minute), tzinfo=NEW_YORK)

    assert "11:00–17:00 (your own setting)" in quiet(tandem, "11:00-17:00", user=INTERVIEWER)
    role_id = start_role(tandem)
    candidate_id = add_candidate(
        tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="hm_interview"
    )
    reply = log_interview(
        tandem,
        role_id,
        candidate_id,
        user=HM,
        day=monday,
        start="09:00",
        end="10:00",
        interviewers=[INTERVIEWER],
    )
    assert reply.body == "", reply.body
    assert feedback_obligation(tandem, INTERVIEWER).due_at == at(2, 11)

    for moment, expected in [(at(0, 10), 0), (at(0, 10, 59), 0), (at(0, 11), 1)]:
        run_jobs(tandem, moment)
        assert len(dms_to(tandem, INTERVIEWER)) == expected, moment
    assert "Submit feedback" in str(dms_to(tandem, INTERVIEWER)[0]["blocks"])

    # The reminder: 4 of their working hours before Wednesday 11:00 is Tuesday 13:00.
    run_jobs(tandem, at(1, 13))
    assert len(dms_to(tandem, INTERVIEWER)) == 2
    # Changed again mid-week: the overdue notice of Wednesday 11:00 waits for their 13:00.
    quiet(tandem, "13:00-17:00", user=INTERVIEWER)
    for moment, expected in [(at(2, 11), 2), (at(2, 12, 59), 2), (at(2, 13), 3)]:
        run_jobs(tandem, moment)
        assert len(dms_to(tandem, INTERVIEWER)) == expected, moment
