"""One open candidate update per candidate, through the app: a later interview replaces the
earlier still-open update (one obligation, one nudge ladder, one escalation), an earlier one
logged late is covered, and editing or cancelling interviews keeps exactly one."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.models import Interview, Nudge, Obligation, TimelineEntry
from bot.services.working_time import WorkCalendar, due_after
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import (
    add_candidate,
    log_interview,
    next_weekday,
    press,
    run_jobs,
    start_role,
)
from tests.kickoff_flow import HM, RECRUITER, only_role
from tests.modals import opened_view, submit

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
INTERVIEWER = "U0NYINTERVIEWER"
MONDAY = next_weekday(0)


def ny(days: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=days), time(hour, minute), tzinfo=NEW_YORK)


def updates(tandem: Tandem) -> list[Obligation]:
    with tandem.database.sessions() as session:
        return list(
            session.scalars(
                select(Obligation)
                .where(Obligation.kind == "candidate_update")
                .order_by(Obligation.id)
            )
        )


def ladder_of(tandem: Tandem, obligation_id: int) -> list[Nudge]:
    with tandem.database.sessions() as session:
        return list(
            session.scalars(
                select(Nudge).where(Nudge.obligation_id == obligation_id).order_by(Nudge.id)
            )
        )


def interview_ids(tandem: Tandem) -> list[int]:
    with tandem.database.sessions() as session:
        return list(session.scalars(select(Interview.id).order_by(Interview.id)))


def replacements(tandem: Tandem) -> list[dict[str, object]]:
    with tandem.database.sessions() as session:
        return [
            dict(e.detail)
            for e in session.scalars(
                select(TimelineEntry)
                .where(TimelineEntry.kind == "obligation_replaced")
                .order_by(TimelineEntry.id)
            )
        ]


def update_due(ends_at: datetime) -> datetime:
    """Three working days (the default contract) after the end, on the London recruiter's
    standard calendar."""
    return due_after(ends_at, 72, WorkCalendar(LONDON))


def _candidate_with_interviews(tandem: Tandem, *slots: tuple[int, str, str]) -> int:
    tandem.standin.add_user(INTERVIEWER, "nia", tz="America/New_York")
    role_id = start_role(tandem)
    candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
    for days, start, end in slots:
        reply = log_interview(
            tandem,
            role_id,
            candidate,
            user=HM,
            day=MONDAY + timedelta(days=days),
            start=start,
            end=end,
            interviewers=[INTERVIEWER],
        )
        assert reply.body == "", reply.body
    return candidate


def test_a_second_interview_moves_the_open_update_instead_of_adding_one(tandem: Tandem) -> None:
    _candidate_with_interviews(tandem, (0, "09:00", "10:00"), (1, "14:00", "15:00"))
    first, second = interview_ids(tandem)

    [update] = updates(tandem)
    assert update.is_open and update.interview_id == second
    assert update.subject_key.endswith(f"interview:{second}")
    assert update.due_at == update_due(ny(1, 15)) and update.starts_at == ny(1, 15)
    kinds = [n.kind for n in ladder_of(tandem, update.id)]
    assert sorted(kinds) == ["escalation", "overdue", "reminder"]  # one ladder, re-planned
    assert {n.scheduled_for for n in ladder_of(tandem, update.id) if n.kind == "overdue"} == {
        update.due_at
    }
    [moved] = replacements(tandem)
    assert (moved["from_interview_id"], moved["to_interview_id"]) == (first, second)
    assert moved["due_at"] == update.due_at.isoformat()

    # Over the whole ladder the recruiter is told once, and the channel once.
    for days in range(0, 10):
        run_jobs(tandem, ny(days, 12))
    sent = [n for n in ladder_of(tandem, update.id) if n.sent_at is not None]
    assert sorted(n.kind for n in sent) == ["escalation", "overdue", "reminder"]
    channel = only_role(tandem).channel_id
    # Escalations are one post per role per day, each listing what became late: the
    # candidate's update is in exactly one of them.
    escalations = [
        m
        for m in tandem.standin.posted(channel)
        if "An update to *J.D.*" in m.get("text", "") and "late" in m.get("text", "")
    ]
    assert len(escalations) == 1, [m["text"] for m in escalations]


def test_an_earlier_interview_logged_afterwards_is_covered_by_the_open_update(
    tandem: Tandem,
) -> None:
    _candidate_with_interviews(tandem, (2, "09:00", "10:00"), (0, "09:00", "10:00"))
    later, _earlier = interview_ids(tandem)
    [update] = updates(tandem)
    assert update.interview_id == later and update.due_at == update_due(ny(2, 10))
    assert replacements(tandem) == []


def test_editing_and_cancelling_interviews_keep_exactly_one_update(tandem: Tandem) -> None:
    _candidate_with_interviews(tandem, (0, "09:00", "10:00"), (1, "14:00", "15:00"))
    first, second = interview_ids(tandem)
    channel = only_role(tandem).channel_id or ""

    # The first interview moves to Wednesday: now the later one, it takes the update.
    press(tandem, HM, Action.EDIT_INTERVIEW, str(first), channel_id=channel)
    reply = submit(
        tandem,
        opened_view(tandem),
        user=HM,
        changes={"interview_day": (MONDAY + timedelta(days=2)).isoformat()},
    )
    assert reply.body == "", reply.body
    [update] = updates(tandem)
    assert update.interview_id == first and update.due_at == update_due(ny(2, 10))
    assert sorted(n.kind for n in ladder_of(tandem, update.id)) == [
        "escalation",
        "overdue",
        "reminder",
    ]

    # Cancelling it hands the update back to the interview it stood in for.
    assert press(tandem, HM, Action.CANCEL_INTERVIEW, str(first), channel_id=channel) is None
    [update] = updates(tandem)
    assert update.is_open and update.interview_id == second
    assert update.due_at == update_due(ny(1, 15))
    # Cancelling the last one cancels the update and its unsent rungs.
    assert press(tandem, HM, Action.CANCEL_INTERVIEW, str(second), channel_id=channel) is None
    [update] = updates(tandem)
    assert update.cancelled_at is not None
    assert all(n.cancelled_at is not None for n in ladder_of(tandem, update.id))
