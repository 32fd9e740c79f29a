"""A role on a fixed calendar, for the integrity tests: every step at an explicit moment.

The kickoff is on Monday 7 June 2027 (British Summer Time in London, EDT in New York), so
nothing here depends on the day the suite runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun import freeze_time
from sqlalchemy import select

from bot.models import Interview, Obligation
from bot.slack.ids import Action
from tests import hiring_flow
from tests.harness import Tandem
from tests.kickoff_flow import (
    HM,
    RECRUITER,
    Kickoff,
    add_people,
    after_ack,
    brief_step,
    only_role,
)
from tests.modals import opened_view, submit

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
KICKOFF_DAY = date(2027, 6, 7)  # a Monday
TARGET_DATE = date(2027, 8, 6)
INTERVIEWER = "U0NYINTERVIEWER"
SECOND = "U0NYSECOND"
NEW_HM = "U0NEWHM"
NEW_RECRUITER = "U0NEWRECRUIT"


def ny(days: int, hour: int, minute: int = 0) -> datetime:
    """New York wall time ``days`` after the kickoff Monday."""
    return datetime.combine(KICKOFF_DAY + timedelta(days=days), time(hour, minute), tzinfo=NEW_YORK)


def day(days: int) -> date:
    return KICKOFF_DAY + timedelta(days=days)


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Everyone acts at ``moment`` (the clock ticks on from there)."""
    with freeze_time(moment, tick=True):
        yield


def start_role(tandem: Tandem, **brief: Any) -> int:
    """The recruiter's kickoff on Monday 10:00 London; the people of the integrity tests."""
    add_people(tandem.standin)
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    tandem.standin.add_user(SECOND, "sol", real_name="Sol Second", tz="America/New_York")
    tandem.standin.add_user(NEW_HM, "hana", real_name="Hana Newmanager", tz="America/Chicago")
    tandem.standin.add_user(NEW_RECRUITER, "remy", real_name="Remy Newrecruiter", tz="Europe/Paris")
    with at(datetime.combine(KICKOFF_DAY, time(10, 0), tzinfo=LONDON)):
        Kickoff(tandem).start().complete(
            brief=brief_step(target_fill_date=TARGET_DATE.isoformat(), **brief)
        )
    return only_role(tandem).id


def on_brief(tandem: Tandem, user: str, action: str, value: str, **kwargs: Any) -> str | None:
    """Press a button on the pinned brief (or on ``message``); the private answer, if any."""
    role = only_role(tandem)
    return hiring_flow.press(
        tandem,
        user,
        action,
        value,
        channel_id=role.channel_id or "C0X",
        message_ts=role.brief_ts or "1.1",
        **kwargs,
    )


def brief_text(tandem: Tandem) -> str:
    role = only_role(tandem)
    return str(tandem.standin.messages[(role.channel_id, role.brief_ts)]["blocks"])


def thread(tandem: Tandem) -> list[dict[str, Any]]:
    role = only_role(tandem)
    return [
        m for m in tandem.standin.posted(role.channel_id) if m.get("thread_ts") == role.brief_ts
    ]


def channel_posts(tandem: Tandem, starting: str) -> list[dict[str, Any]]:
    role = only_role(tandem)
    return [
        m
        for m in tandem.standin.posted(role.channel_id)
        if not m.get("thread_ts") and m["text"].startswith(starting)
    ]


def edit_brief(tandem: Tandem, user: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """*Edit brief* through its three steps with ``steps`` (changes per step); the last ack."""
    role_id = only_role(tandem).id
    assert on_brief(tandem, user, Action.EDIT, str(role_id)) is None
    view = opened_view(tandem)
    body: dict[str, Any] = {}
    for changes in steps:
        body = submit(tandem, view, user=user, changes=changes).json
        if body.get("response_action") == "push":
            view = after_ack(tandem, body["view"])
    return body


def log_interview(
    tandem: Tandem, candidate_id: int, *, on: date, start: str, end: str, interviewers: list[str]
) -> int:
    """The HM logs an interview (times in New York); its id."""
    role_id = only_role(tandem).id
    reply = hiring_flow.log_interview(
        tandem,
        role_id,
        candidate_id,
        user=HM,
        day=on,
        start=start,
        end=end,
        interviewers=interviewers,
    )
    assert reply.body == "", reply.body
    with tandem.database.sessions() as session:
        return session.scalars(select(Interview.id).order_by(Interview.id.desc())).first() or 0


def obligation_of(tandem: Tandem, interview_id: int, user: str) -> Obligation:
    with tandem.database.sessions() as session:
        return session.scalars(
            select(Obligation).where(
                Obligation.interview_id == interview_id,
                Obligation.owner_id == user,
                Obligation.kind == "feedback",
            )
        ).one()


def submit_feedback(
    tandem: Tandem, interview_id: int, user: str, recommendation: str, **changes: Any
) -> dict[str, Any]:
    """``user`` opens their feedback request for the interview and submits it; the ack."""
    obligation = obligation_of(tandem, interview_id, user)
    assert (
        hiring_flow.press(
            tandem, user, Action.SUBMIT_FEEDBACK, str(obligation.id), channel_id=f"D{user}"
        )
        is None
    )
    reply = submit(
        tandem,
        opened_view(tandem),
        user=user,
        changes={"recommendation": recommendation, **changes},
    )
    body: dict[str, Any] = reply.json
    return body


__all__ = [
    "HM",
    "INTERVIEWER",
    "NEW_HM",
    "NEW_RECRUITER",
    "RECRUITER",
    "SECOND",
    "at",
    "brief_text",
    "channel_posts",
    "day",
    "edit_brief",
    "log_interview",
    "ny",
    "obligation_of",
    "on_brief",
    "start_role",
    "submit_feedback",
    "thread",
]
