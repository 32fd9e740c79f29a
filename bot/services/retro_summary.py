"""The retro's summary: facts from the timeline, then ratings and items (being built: see
issue 12). What is here: the claim that makes a poll summarized exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db import SessionFactory
from bot.models import RetroAnonymousAnswer, RetroAnswer, RetroPoll, Role
from bot.services import timeline


def claim(session: Session, poll_id: int, *, now: datetime) -> bool:
    """Mark the poll summarized unless someone already did. A conditional UPDATE, so two
    schedulers, or a last answer racing the job, summarize once: only one sees rowcount 1."""
    result = session.execute(
        update(RetroPoll)
        .where(RetroPoll.id == poll_id, RetroPoll.summarized_at.is_(None))
        .values(summarized_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def answered_count(session: Session, poll: RetroPoll) -> int:
    named = session.scalar(
        select(func.count()).select_from(RetroAnswer).where(RetroAnswer.poll_id == poll.id)
    )
    anonymous = session.scalar(
        select(func.count())
        .select_from(RetroAnonymousAnswer)
        .where(RetroAnonymousAnswer.poll_id == poll.id)
    )
    return int(named or 0) + int(anonymous or 0)


def _summarize(session: Session, poll: RetroPoll, *, now: datetime) -> bool:
    if not claim(session, poll.id, now=now):
        return False
    role = session.get(Role, poll.role_id)
    if role is not None:
        timeline.record(session, role, timeline.Event.RETRO_SUMMARIZED, at=now, poll=poll.id)
    # TODO(issue 12 item 5): the outbox update replacing the poll message with the summary.
    return True


def summarize_if_complete(session: Session, poll: RetroPoll, *, now: datetime) -> bool:
    """Replace the poll with its summary once everyone invited has answered, in the
    caller's transaction; True when it did."""
    if poll.summarized_at is not None or answered_count(session, poll) < len(poll.invited):
        return False
    return _summarize(session, poll, now=now)


def summarize_due(sessions: SessionFactory, *, now: datetime) -> int:
    """Summarize every poll whose 3 working days are over; returns how many."""
    with sessions() as session:
        due = session.scalars(
            select(RetroPoll.id).where(
                RetroPoll.summarized_at.is_(None), RetroPoll.closes_at <= now
            )
        ).all()
    done = 0
    for poll_id in due:
        with sessions.begin() as session:
            poll = session.get(RetroPoll, poll_id)
            if poll is not None and _summarize(session, poll, now=now):
                done += 1
    return done
