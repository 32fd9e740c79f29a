"""Replies in a check-in's thread: each side's answer, edits and deletions (message events).

A party's first reply is its answer (``checkin_answered``, with ``on_time``); once both sides
replied, the check-in's participation is ``on_time`` or ``late``. A deleted reply no longer
counts. The ``record_*`` use cases open their own transaction (an event listener calls one);
the functions taking a session are their parts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db import SessionFactory
from bot.models import CheckIn, CheckInParty, CheckInReply, Participation, Role
from bot.services import home_refresh, timeline
from bot.services.timeline import Event


def is_checkin_thread(
    sessions: SessionFactory, *, team_id: str, channel_id: str, thread_ts: str
) -> bool:
    """Whether ``thread_ts`` is a check-in post of the workspace (one read, nothing written:
    most channel messages are none of Tandem's business)."""
    with sessions() as session:
        found = checkin_for_thread(
            session, team_id=team_id, channel_id=channel_id, thread_ts=thread_ts
        )
        return found is not None


def record_thread_reply(
    sessions: SessionFactory,
    *,
    team_id: str,
    channel_id: str,
    thread_ts: str,
    user_id: str,
    ts: str,
    text: str,
    now: datetime,
) -> bool:
    """Record a message in a check-in's thread; False when it is not one (or already kept)."""
    with sessions.begin() as session:
        checkin = checkin_for_thread(
            session, team_id=team_id, channel_id=channel_id, thread_ts=thread_ts
        )
        if checkin is None:
            return False
        return (
            record_reply(session, checkin, user_id=user_id, ts=ts, text=text, now=now) is not None
        )


def record_reply_edit(
    sessions: SessionFactory, *, team_id: str, channel_id: str, ts: str, text: str, now: datetime
) -> bool:
    """Keep a reply's new text; False when ``ts`` is no recorded reply."""
    with sessions.begin() as session:
        return edit_reply(
            session, team_id=team_id, channel_id=channel_id, ts=ts, text=text, now=now
        )


def record_reply_deletion(
    sessions: SessionFactory, *, team_id: str, channel_id: str, ts: str, now: datetime
) -> bool:
    """Mark a reply deleted; False when ``ts`` is no recorded reply."""
    with sessions.begin() as session:
        return delete_reply(session, team_id=team_id, channel_id=channel_id, ts=ts, now=now)


def checkin_for_thread(
    session: Session, *, team_id: str, channel_id: str, thread_ts: str
) -> CheckIn | None:
    return session.scalar(
        select(CheckIn).where(
            CheckIn.team_id == team_id,
            CheckIn.channel_id == channel_id,
            CheckIn.message_ts == thread_ts,
        )
    )


def record_reply(
    session: Session, checkin: CheckIn, *, user_id: str, ts: str, text: str, now: datetime
) -> CheckInReply | None:
    """Store a thread reply (once per message ts); a party's first reply counts as answered."""
    if session.scalar(
        select(CheckInReply.id).where(CheckInReply.checkin_id == checkin.id, CheckInReply.ts == ts)
    ):
        return None
    party = session.scalar(
        select(CheckInParty).where(
            CheckInParty.checkin_id == checkin.id, CheckInParty.user_id == user_id
        )
    )
    reply = CheckInReply(
        team_id=checkin.team_id,
        checkin_id=checkin.id,
        user_id=user_id,
        ts=ts,
        text=text[:4000],
        from_party=party is not None,
        posted_at=now,
    )
    session.add(reply)
    if party is not None and party.replied_at is None:
        party.replied_at = now
        role = session.get(Role, checkin.role_id)
        assert role is not None
        timeline.record(
            session,
            role,
            Event.CHECKIN_ANSWERED,
            at=now,
            actor_id=user_id,
            checkin_id=checkin.id,
            side=party.side,
            on_time=now <= party.reply_due_at,
        )
        _settle_participation(session, checkin)
        home_refresh.queue_refresh(session, team_id=checkin.team_id, user_id=user_id, now=now)
    return reply


def edit_reply(
    session: Session, *, team_id: str, channel_id: str, ts: str, text: str, now: datetime
) -> bool:
    reply = _reply(session, team_id, channel_id, ts)
    if reply is None:
        return False
    reply.text, reply.edited_at = text[:4000], now
    return True


def delete_reply(
    session: Session, *, team_id: str, channel_id: str, ts: str, now: datetime
) -> bool:
    """A deleted reply is kept as deleted; it no longer counts as the party's answer."""
    reply = _reply(session, team_id, channel_id, ts)
    if reply is None:
        return False
    reply.deleted_at = now
    if reply.from_party:
        remaining = session.scalar(
            select(func.count())
            .select_from(CheckInReply)
            .where(
                CheckInReply.checkin_id == reply.checkin_id,
                CheckInReply.user_id == reply.user_id,
                CheckInReply.deleted_at.is_(None),
            )
        )
        if not remaining:
            session.execute(
                update(CheckInParty)
                .where(
                    CheckInParty.checkin_id == reply.checkin_id,
                    CheckInParty.user_id == reply.user_id,
                )
                .values(replied_at=None)
            )
            checkin = session.get(CheckIn, reply.checkin_id)
            if checkin is not None:
                checkin.participation = None
                if checkin.both_replied_on_time:
                    checkin.both_replied_on_time = None
    return True


def _reply(session: Session, team_id: str, channel_id: str, ts: str) -> CheckInReply | None:
    return session.scalar(
        select(CheckInReply)
        .join(CheckIn, CheckIn.id == CheckInReply.checkin_id)
        .where(CheckIn.team_id == team_id, CheckIn.channel_id == channel_id, CheckInReply.ts == ts)
    )


def _settle_participation(session: Session, checkin: CheckIn) -> None:
    """Once both sides replied: participation on time, or late when either reply was."""
    session.flush()
    parties = list(
        session.scalars(select(CheckInParty).where(CheckInParty.checkin_id == checkin.id))
    )
    if not parties or any(p.replied_at is None for p in parties):
        return
    on_time = all(p.replied_at is not None and p.replied_at <= p.reply_due_at for p in parties)
    checkin.participation = Participation.ON_TIME if on_time else Participation.LATE
    checkin.both_replied_on_time = on_time
