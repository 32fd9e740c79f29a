"""The retro's summary: facts from the timeline, then ratings and items, the action items
added from it and its *Add action item* button; and the claim that makes a poll summarized
exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.blocks.retro_summary import ActionItemLine, NamedRating, SummaryView, summary_blocks
from bot.blocks.text import escape_mrkdwn
from bot.db import SessionFactory
from bot.models import ActionItem, RetroAnonymousAnswer, RetroAnswer, RetroPoll, Role
from bot.services import focus_areas, message_keys, outbox, retro_facts, timeline
from bot.services.retro_anonymity import AnonymousRatings, aggregate

KIND_SUMMARY = "retro-summary"


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
        queue_summary(session, role, poll, now=now)
    return True


def _facts(session: Session, role: Role, poll: RetroPoll) -> list[str]:
    # The facts as of the poll's opening (the close), so every re-render shows the same.
    lines = retro_facts.facts_for(session, role, now=poll.opened_at).lines()
    uncovered = focus_areas.uncovered_must_haves(session, role)
    if uncovered:
        lines.append(
            "Must-haves nobody was asked to cover: "
            + ", ".join(escape_mrkdwn(m) for m in uncovered)
        )
    return lines


def summary_view(session: Session, role: Role, poll: RetroPoll) -> SummaryView:
    """The summary as it is shown, every time it is rendered: no answer is accepted after
    the claim, so the anonymous set is the one of the first render (see retro_anonymity)."""
    named = session.scalars(
        select(RetroAnswer).where(RetroAnswer.poll_id == poll.id).order_by(RetroAnswer.id)
    ).all()
    anonymous = session.scalars(
        select(RetroAnonymousAnswer).where(RetroAnonymousAnswer.poll_id == poll.id)
    ).all()
    return SummaryView(
        poll_id=poll.id,
        role_title=role.title,
        facts=tuple(_facts(session, role, poll)),
        named=tuple(
            NamedRating(
                a.user_id,
                a.capacity,
                a.partnership,
                a.speed,
                a.candidate_quality,
                a.what_worked,
                a.what_to_change,
            )
            for a in named
        ),
        anonymous=aggregate(
            [
                AnonymousRatings(
                    a.partnership, a.speed, a.candidate_quality, a.what_worked, a.what_to_change
                )
                for a in anonymous
            ],
            threshold=poll.anonymity_threshold,
            seed=poll.id,
        ),
        action_items=tuple(
            ActionItemLine(i.text, i.owner_id, i.due_on, i.done_at is not None)
            for i in session.scalars(
                select(ActionItem)
                .where(ActionItem.poll_id == poll.id)
                .order_by(ActionItem.created_at, ActionItem.id)
            )
        ),
    )


def queue_summary(session: Session, role: Role, poll: RetroPoll, *, now: datetime) -> None:
    """Replace the poll message with the summary (also used to re-render it)."""
    text, blocks = summary_blocks(summary_view(session, role, poll))
    outbox.enqueue(
        session,
        team_id=role.team_id,
        role_id=role.id,
        now=now,
        kind=KIND_SUMMARY,
        method=outbox.UPDATE,
        parent_key=message_keys.retro_poll(poll.id),
        payload={"text": text, "blocks": blocks},
    )


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
