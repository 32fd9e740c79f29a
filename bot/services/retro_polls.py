"""The retro poll of a closed role: who is invited, when it closes, and the poll message.

A close as filled or cancelled opens one poll (one per closure) in the role's channel, for
the recruiter, the HM and the panel (the brief's panel and everyone who interviewed). The
invitation list and the anonymity threshold are fixed when it opens, so a later change of
the brief or of the workspace setting cannot reshape an open poll. It closes after three
working days on the HM's calendar; the summary then replaces the poll (retro_summary).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.blocks.retro import PollView, poll_message
from bot.models import (
    Feedback,
    Interview,
    RetroAnonymousAnswer,
    RetroAnswer,
    RetroPoll,
    Role,
    RoleClosure,
)
from bot.services import message_keys, outbox, retro_settings, timeline, work_settings
from bot.services import roles as role_service
from bot.services.timeline import Event
from bot.services.working_time import WorkCalendar, due_after

KIND_POLL = "retro-poll"
KIND_POLL_UPDATE = "retro-poll-update"
OPEN_WORKING_DAYS = 3


def invited_for(session: Session, role: Role) -> list[str]:
    """Recruiter, HM, then the panel and the interviewers, each once, in that order."""
    people = [role.recruiter_id, role.hiring_manager_id]
    people += role_service.current_brief(session, role).panel
    people += session.scalars(
        select(Feedback.interviewer_id)
        .join(Interview, Interview.id == Feedback.interview_id)
        .where(
            Interview.team_id == role.team_id,
            Interview.role_id == role.id,
            Interview.cancelled_at.is_(None),
        )
        .order_by(Feedback.id)
    ).all()
    return list(dict.fromkeys(people))


def closes_at_for(now: datetime, calendar: WorkCalendar) -> datetime:
    """Three working days of the HM's calendar after ``now`` (same wall-clock time, in
    their working hours)."""
    return due_after(now, OPEN_WORKING_DAYS * 24, calendar)


def capacity_of(role: Role, user_id: str) -> str:
    """Whose view an answer gives (a recruiter who is also the HM answers as the HM)."""
    if user_id == role.hiring_manager_id:
        return "hm"
    if user_id == role.recruiter_id:
        return "recruiter"
    return "panel"


def poll_view(session: Session, role: Role, poll: RetroPoll) -> PollView:
    closure = session.get(RoleClosure, poll.closure_id)
    named = session.scalars(
        select(RetroAnswer.user_id)
        .where(RetroAnswer.poll_id == poll.id)
        .order_by(RetroAnswer.answered_at, RetroAnswer.id)
    ).all()
    anonymous = session.scalar(
        select(func.count())
        .select_from(RetroAnonymousAnswer)
        .where(RetroAnonymousAnswer.poll_id == poll.id)
    )
    return PollView(
        poll_id=poll.id,
        role_title=role.title,
        outcome=closure.outcome if closure is not None else "",
        recruiter_id=role.recruiter_id,
        hiring_manager_id=role.hiring_manager_id,
        panel=tuple(
            u for u in poll.invited if u not in (role.recruiter_id, role.hiring_manager_id)
        ),
        threshold=poll.anonymity_threshold,
        closes_at=poll.closes_at,
        answered_by=tuple(named),
        anonymous_count=int(anonymous or 0),
        invited_count=len(poll.invited),
    )


def open_poll(session: Session, role: Role, closure: RoleClosure, *, now: datetime) -> RetroPoll:
    """Open the retro of ``closure`` (filled or cancelled) in the role's channel, in the
    caller's transaction."""
    calendar = work_settings.calendar_of(session, role.team_id, role.hiring_manager_id)
    poll = RetroPoll(
        team_id=role.team_id,
        role_id=role.id,
        closure_id=closure.id,
        invited=invited_for(session, role),
        anonymity_threshold=retro_settings.anonymity_threshold(session, role.team_id),
        opened_at=now,
        closes_at=closes_at_for(now, calendar),
    )
    session.add(poll)
    session.flush()
    timeline.record(
        session,
        role,
        Event.RETRO_OPENED,
        at=now,
        poll=poll.id,
        closure_id=closure.id,
        invited=len(poll.invited),
    )
    text, blocks = poll_message(poll_view(session, role, poll))
    target = (
        {"channel": role.channel_id}
        if role.channel_id
        else {"parent_key": message_keys.role_channel(role.id)}
    )
    outbox.enqueue(
        session,
        team_id=role.team_id,
        role_id=role.id,
        now=now,
        kind=KIND_POLL,
        method=outbox.POST,
        key=message_keys.retro_poll(poll.id),
        payload={"text": text, "blocks": blocks},
        **target,
    )
    return poll


def queue_poll_update(session: Session, role: Role, poll: RetroPoll, *, now: datetime) -> None:
    """Update the poll in place with who has answered so far (never what they answered)."""
    text, blocks = poll_message(poll_view(session, role, poll))
    outbox.enqueue(
        session,
        team_id=role.team_id,
        role_id=role.id,
        now=now,
        kind=KIND_POLL_UPDATE,
        method=outbox.UPDATE,
        parent_key=message_keys.retro_poll(poll.id),
        payload={"text": text, "blocks": blocks},
    )
