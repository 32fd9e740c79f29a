"""The same modal submitted twice — at once (a double-click) or again later (Slack retrying) —
creates one role, brief, channel, candidate, interview, revision or feedback, and posts once;
the second submission is told it is already saved. On SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select

from bot.models import (
    BriefRevision,
    Candidate,
    Feedback,
    Interview,
    Obligation,
    Role,
    TimelineEntry,
)
from bot.slack.ids import Action
from tests import hiring_flow
from tests.harness import Reply, Tandem
from tests.hiring_flow import add_candidate
from tests.integrity_flow import (
    HM,
    INTERVIEWER,
    KICKOFF_DAY,
    LONDON,
    RECRUITER,
    TARGET_DATE,
    at,
    day,
    log_interview,
    ny,
    obligation_of,
    on_brief,
    start_role,
    thread,
)
from tests.kickoff_flow import Kickoff, add_people, after_ack, brief_step, only_role, role_step
from tests.modals import opened_view, submit

ALREADY = "already saved"


def _count(tandem: Tandem, model: Any, *where: Any) -> int:
    with tandem.database.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _at_once(send: Callable[[], Reply], times: int = 2) -> list[Reply]:
    """``send`` from ``times`` threads released together (a double-click)."""
    barrier = threading.Barrier(times)
    replies: list[Reply] = []
    lock = threading.Lock()

    def one() -> None:
        barrier.wait()
        reply = send()
        with lock:
            replies.append(reply)

    threads = [threading.Thread(target=one) for _ in range(times)]
    for thread_ in threads:
        thread_.start()
    for thread_ in threads:
        thread_.join(timeout=60)
    assert len(replies) == times
    return replies


def _one_said_already(replies: list[Reply]) -> None:
    assert all(r.status == 200 for r in replies)
    bodies = [r.body for r in replies]
    assert sum(ALREADY in b for b in bodies) == len(bodies) - 1, bodies
    assert not any("unexpected problem" in b for b in bodies), bodies


def _brief_posts(tandem: Tandem) -> int:
    return sum(
        1
        for call in tandem.standin.calls_to("chat.postMessage")
        if str(call.params.get("text", "")).startswith("Kickoff brief")
    )


def test_kickoff_submitted_twice_makes_one_role_channel_and_brief(tandem: Tandem) -> None:
    add_people(tandem.standin)
    with at(datetime.combine(KICKOFF_DAY, time(10, 0), tzinfo=LONDON)):
        flow = Kickoff(tandem).start()
        flow.step(role_step())
        flow.step(brief_step(target_fill_date=TARGET_DATE.isoformat()))
        last_step = flow.view
        replies = _at_once(lambda: submit(tandem, last_step, user=RECRUITER))
        _one_said_already(replies)
        retried = submit(tandem, last_step, user=RECRUITER)
    assert ALREADY in retried.body
    assert _count(tandem, Role) == 1
    assert _count(tandem, BriefRevision) == 1
    assert len(tandem.standin.calls_to("conversations.create")) == 1
    assert _brief_posts(tandem) == 1
    assert len(tandem.standin.calls_to("pins.add")) == 1


def test_edit_brief_submitted_twice_makes_one_revision_and_one_note(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    with at(ny(1, 10)):
        on_brief(tandem, RECRUITER, Action.EDIT, str(role_id))
        view = opened_view(tandem)
        for changes in ({}, {"must_haves": "Python\nStreaming"}):
            view = after_ack(
                tandem, submit(tandem, view, user=RECRUITER, changes=changes).json["view"]
            )
        _one_said_already(_at_once(lambda: submit(tandem, view, user=RECRUITER)))
        assert ALREADY in submit(tandem, view, user=RECRUITER).body
    with tandem.database.sessions() as session:
        assert session.scalars(select(BriefRevision.number)).all() == [1, 2]
    assert len([m for m in thread(tandem) if "revision 2" in str(m["blocks"])]) == 1


def test_add_candidate_submitted_twice_adds_one_candidate(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    with at(ny(0, 11)):
        on_brief(tandem, RECRUITER, Action.ADD_CANDIDATE, str(role_id))
        view = opened_view(tandem)
        changes = {"candidate_name": "Jane Doe"}
        replies = _at_once(lambda: submit(tandem, view, user=RECRUITER, changes=changes))
        assert all(r.status == 200 and "unexpected problem" not in r.body for r in replies)
        submit(tandem, view, user=RECRUITER, changes=changes)
    assert _count(tandem, Candidate) == 1
    assert len([m for m in thread(tandem) if "New candidate" in m["text"]]) == 1
    # A second, separate *Add candidate* is a new modal: it adds a second candidate.
    with at(ny(0, 12)):
        add_candidate(tandem, role_id, "Max Roe", RECRUITER)
    assert _count(tandem, Candidate) == 2


def test_log_interview_submitted_twice_logs_one_interview(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    with at(ny(0, 11)):
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
        on_brief(tandem, HM, Action.LOG_INTERVIEW, str(role_id))
        view = opened_view(tandem)
        changes = {
            "candidate": str(candidate),
            "interview_day": day(1).isoformat(),
            "interview_start": "10:00",
            "interview_end": "11:00",
            "interviewers": [INTERVIEWER],
        }
        replies = _at_once(lambda: submit(tandem, view, user=HM, changes=changes))
        assert all(r.status == 200 and "unexpected problem" not in r.body for r in replies)
        submit(tandem, view, user=HM, changes=changes)
    assert _count(tandem, Interview) == 1
    assert _count(tandem, Obligation, Obligation.kind == "feedback") == 1
    assert len([m for m in thread(tandem) if "Edit interview" in str(m["blocks"])]) == 1


def test_feedback_submitted_twice_is_one_submission(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    with at(ny(0, 11)):
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
        interview = log_interview(
            tandem, candidate, on=day(0), start="09:00", end="10:00", interviewers=[INTERVIEWER]
        )
        obligation = obligation_of(tandem, interview, INTERVIEWER)
        hiring_flow.press(tandem, INTERVIEWER, Action.SUBMIT_FEEDBACK, str(obligation.id))
        view = opened_view(tandem)
        changes = {"recommendation": "yes"}
        _one_said_already(_at_once(lambda: submit(tandem, view, user=INTERVIEWER, changes=changes)))
    with tandem.database.sessions() as session:
        feedback = session.scalars(select(Feedback)).one()
        submitted = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "feedback_submitted")
        ).all()
    assert feedback.edit_count == 0 and len(submitted) == 1
    channel = only_role(tandem).channel_id
    reveals = [
        m
        for m in tandem.standin.posted(channel)
        if str(m.get("text", "")).startswith("Panel recommendations")
    ]
    assert len(reveals) == 1
