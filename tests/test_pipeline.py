"""Candidates and interviews over signed HTTP (bad input included), and the contract's own
commitments riding the same ladder: résumé review, first slate, candidate updates."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.models import (
    Candidate,
    Commitment,
    CommitmentKind,
    Interview,
    Obligation,
    StageChange,
    TimelineEntry,
)
from bot.services.interviews import feedback_due_at
from bot.services.working_time import WorkCalendar
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, dms_to, log_interview, press, run_jobs, start_role
from tests.kickoff_flow import HM, PANEL, RECRUITER, STRANGER, only_role
from tests.modals import opened_view, submit
from tests.test_nudge_ladder import MONDAY, at


def thread(tandem: Tandem) -> list[str]:
    role = only_role(tandem)
    return [
        m["text"]
        for m in tandem.standin.posted(role.channel_id)
        if m.get("thread_ts") == role.brief_ts
    ]


def test_add_candidate_posts_initials_and_asks_the_hm_to_review(tandem: Tandem) -> None:
    with freeze_time(at(0, 10), tick=True):  # Monday 10:00 New York: the HM's working hours
        _add_candidate_and_run_the_review(tandem)


def _add_candidate_and_run_the_review(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    add_candidate(tandem, role_id, "Jane van der Berg", RECRUITER, candidate_source="referral")
    assert any("*J.v.d.B.*" in text and "Referral" in text for text in thread(tandem))
    assert not any("Jane" in text for text in thread(tandem))
    with tandem.database.sessions() as session:
        review = session.scalars(select(Obligation).where(Obligation.kind == "resume_review")).one()
        assert review.owner_id == HM
        changes = session.scalars(select(StageChange)).all()
        assert [(c.from_stage, c.to_stage) for c in changes] == [(None, "screening")]
    run_jobs(tandem, review.starts_at + timedelta(minutes=1))
    hm_dms = [str(dm["blocks"]) for dm in dms_to(tandem, HM)]
    assert any("Jane van der Berg" in dm and "Mark done" in dm for dm in hm_dms)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"candidate_name": "  "}, "candidate_name", "Type the candidate's name"),
        (
            {"candidate_name": "A", "candidate_ats_url": "ats.example/42"},
            "candidate_ats_url",
            "https://",
        ),
        (
            {"candidate_name": "A", "candidate_source": "telepathy"},
            "candidate_source",
            "Pick where",
        ),
        ({"candidate_name": "A", "candidate_stage": "hired"}, "candidate_stage", "Pick the stage"),
    ],
)
def test_bad_candidate_input_is_refused_next_to_its_field(
    tandem: Tandem, changes: dict[str, str], field: str, message: str
) -> None:
    role_id = start_role(tandem)
    press(tandem, RECRUITER, Action.ADD_CANDIDATE, str(role_id))
    reply = submit(tandem, opened_view(tandem), user=RECRUITER, changes=changes)
    assert reply.json["response_action"] == "errors"
    assert message in reply.json["errors"][field]
    with tandem.database.sessions() as session:
        assert session.scalars(select(Candidate)).all() == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"interview_start": "11:00", "interview_end": "10:00"},
            "interview_end",
            "end after it starts",
        ),
        (
            {"interview_start": "08:00", "interview_end": "17:30"},
            "interview_end",
            "longer than 8 hours",
        ),
        ({"interviewers": []}, "interviewers", "Pick who interviewed"),
        ({"interviewers": ["U0SOMEBOT"]}, "interviewers", "must be people"),
        ({"interview_kind": "duel"}, "interview_kind", "Pick the kind"),
    ],
)
def test_bad_interview_input_is_refused_next_to_its_field(
    tandem: Tandem, changes: dict[str, object], field: str, message: str
) -> None:
    role_id = start_role(tandem)
    candidate_id = add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
    press(tandem, HM, Action.LOG_INTERVIEW, str(role_id))
    base = {
        "candidate": str(candidate_id),
        "interview_day": MONDAY.isoformat(),
        "interview_start": "09:00",
        "interview_end": "10:00",
        "interviewers": PANEL,
    }
    reply = submit(tandem, opened_view(tandem), user=HM, changes={**base, **changes})
    assert reply.json["response_action"] == "errors"
    assert message in reply.json["errors"][field]
    with tandem.database.sessions() as session:
        assert session.scalars(select(Interview)).all() == []


def test_interview_times_are_the_loggers_and_due_times_each_interviewers(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    candidate_id = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
    # The recruiter (London) logs Friday 16:00–17:00 London; the panel is in Tokyo, where the
    # interview ends in the small hours of Saturday: their 48 hours start on Monday, Tokyo.
    friday = MONDAY + timedelta(days=4)
    log_interview(
        tandem,
        role_id,
        candidate_id,
        user=RECRUITER,
        day=friday,
        start="16:00",
        end="17:00",
        interviewers=PANEL,
    )
    london, tokyo = WorkCalendar(ZoneInfo("Europe/London")), WorkCalendar(ZoneInfo("Asia/Tokyo"))
    with tandem.database.sessions() as session:
        interview = session.scalars(select(Interview)).one()
        due = session.scalars(select(Obligation.due_at).where(Obligation.kind == "feedback")).all()
    ends_in_london = interview.ends_at.astimezone(london.zone)
    assert (ends_in_london.date(), ends_in_london.hour) == (friday, 17)
    assert interview.logger_tz == "Europe/London"
    by_tokyo = feedback_due_at(interview.ends_at, 48, tokyo)
    by_london = feedback_due_at(interview.ends_at, 48, london)
    assert by_tokyo != by_london  # the scenario tells the two time zones apart
    assert by_tokyo.astimezone(tokyo.zone).weekday() == 2  # Wednesday in Tokyo
    assert len(due) == 2 and set(due) == {by_tokyo}
    note = next(t for t in thread(tandem) if "Technical interview" in t)
    assert "<!date^" in note and "J.D." in note


def test_moving_a_candidate_settles_the_review_and_is_recorded(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    candidate_id = add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
    press(tandem, HM, Action.MOVE_CANDIDATE, str(role_id))
    reply = submit(
        tandem,
        opened_view(tandem),
        user=HM,
        changes={"candidate": str(candidate_id), "candidate_stage": "rejected"},
    )
    assert reply.body == ""
    with tandem.database.sessions() as session:
        review = session.scalars(select(Obligation).where(Obligation.kind == "resume_review")).one()
        assert review.resolved_at is not None
        assert session.get(Candidate, candidate_id).stage == "rejected"  # type: ignore[union-attr]
        kinds = session.scalars(select(TimelineEntry.kind)).all()
    assert "candidate_moved" in kinds
    assert any("Screening → *Rejected*" in t for t in thread(tandem))


def test_stranger_cannot_add_candidates_or_log_interviews(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    for action in (Action.ADD_CANDIDATE, Action.LOG_INTERVIEW, Action.MOVE_CANDIDATE):
        answer = press(tandem, STRANGER, action, str(role_id))
        assert answer is not None and "Only the role's recruiter" in answer


def test_first_slate_is_met_by_adding_enough_candidates(tandem: Tandem) -> None:
    role_id = start_role(tandem, contract={"slate_size": "2"})
    with tandem.database.sessions() as session:
        slate = session.scalars(select(Obligation).where(Obligation.kind == "first_slate")).one()
        assert slate.owner_id == RECRUITER
    add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
    add_candidate(tandem, role_id, "Max Roe", RECRUITER)
    with tandem.database.sessions() as session:
        assert session.get(Obligation, slate.id).resolved_at is not None  # type: ignore[union-attr]
        commitment = session.scalars(
            select(Commitment).where(Commitment.kind == CommitmentKind.FIRST_SLATE)
        ).one()
        assert commitment.state == "met"


def test_late_first_slate_climbs_the_ladder_and_mark_done_stops_it(tandem: Tandem) -> None:
    # Promised for a Wednesday: the reminder goes 4 working hours before the end of that
    # working day in London, the overdue DM at its end.
    wednesday = MONDAY + timedelta(days=2)
    start_role(tandem, contract={"slate_due": wednesday.isoformat()})
    with tandem.database.sessions() as session:
        slate = session.scalars(select(Obligation).where(Obligation.kind == "first_slate")).one()
    assert slate.due_at.astimezone(ZoneInfo("Europe/London")).date() == wednesday
    # The slate is due 18:00 London, the end of the working day; the reminder goes at 14:00,
    # the overdue DM waits for the next working morning.
    run_jobs(tandem, slate.due_at - timedelta(hours=4))
    run_jobs(tandem, slate.due_at)
    assert len(dms_to(tandem, RECRUITER)) == 1
    local_due = slate.due_at.astimezone(ZoneInfo("Europe/London"))
    next_day = local_due.date() + timedelta(days=3 if local_due.weekday() == 4 else 1)
    run_jobs(tandem, datetime.combine(next_day, time(9, 30), tzinfo=ZoneInfo("Europe/London")))
    texts = [str(dm["blocks"]) for dm in dms_to(tandem, RECRUITER)]
    assert len(texts) == 2 and "first slate" in texts[0] and "Overdue" in texts[1]
    # Pressed the morning after, where the last tick left the test's clock.
    answer = press(tandem, RECRUITER, Action.MARK_DONE, str(slate.id))
    assert answer is not None and "Marked done" in answer
    run_jobs(tandem, slate.due_at + timedelta(days=4))
    assert len(dms_to(tandem, RECRUITER)) == 2
    channel = only_role(tandem).channel_id
    assert not [m for m in tandem.standin.posted(channel) if "working day late" in m["text"]]


def test_candidate_update_is_owed_after_an_interview(tandem: Tandem) -> None:
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
        interviewers=[HM],
    )
    with tandem.database.sessions() as session:
        update = session.scalars(
            select(Obligation).where(Obligation.kind == "candidate_update")
        ).one()
    assert update.owner_id == RECRUITER
    assert update.due_at.astimezone(update.due_at.tzinfo) == at(
        3, 10
    )  # 3 working days, London = Thu 15:00 London


def test_two_candidates_with_the_same_initials_are_told_apart(tandem: Tandem) -> None:
    """Channel posts name candidates by initials; two on one role never read the same."""
    role_id = start_role(tandem)
    add_candidate(tandem, role_id, "Chris Park", RECRUITER)
    add_candidate(tandem, role_id, "Cleo Price", RECRUITER)
    notes = [text for text in thread(tandem) if "New candidate" in text]
    assert len(notes) == 2 and notes[0] != notes[1]
    assert "*C.P.*" in notes[0] and "*C.P.2*" in notes[1]
