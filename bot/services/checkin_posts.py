"""Queueing the weekly check-in posts and their one reminder in the outbox.

Exactly once into the outbox: the week's check-in is claimed and its post queued in one
transaction, and a reminder's parties are claimed, marked reminded and the reminder queued
in one transaction, so a crash anywhere leaves all of it or none of it. The outbox then
delivers each message effectively once (``bot.delivery``), retrying 5xx, timeouts and 429s
and parking what Slack will never accept; the ``on_sent`` hook below records where the
check-in landed, which is what thread replies are matched against.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.checkins import checkin_message, reminder_message
from bot.dates import plain_date
from bot.db import SessionFactory
from bot.models import CheckIn, OutboxMessage, Role
from bot.services import checkin_summary, message_keys, outbox
from bot.services import checkins as checkin_service
from bot.services import roles as role_service
from bot.services.checkins import DueCheckIn
from bot.services.obligations import calendar_for
from bot.services.working_time import next_delivery_time

CHECKIN_KIND = "checkin"
REMINDER_KIND = "checkin-reminder"
# A post Slack took at the first attempt, or within a minute, counts as posted at the tick
# that queued it, so the reply window lines up with the check-in's slot; one held up longer
# by failures (an outage) opens the window when people could actually see it.
PROMPT_DELIVERY = timedelta(minutes=1)


def post_checkin(sessions: SessionFactory, due: DueCheckIn, *, now: datetime) -> bool:
    """Claim this week's check-in of the role and queue its post; True when queued now."""
    with sessions.begin() as session:
        role = session.get(Role, due.role_id)
        if role is None or role.channel_id is None:
            return False  # no channel yet: nothing claimed, a later tick tries again
        checkin = checkin_service.claim_checkin(session, due, now=now)
        if checkin is None:
            return False
        brief = role_service.current_brief(session, role)
        since = checkin_summary.previous_checkin_at(session, role, now)
        text, blocks = checkin_message(
            role_id=role.id,
            title=role.title,
            recruiter_id=role.recruiter_id,
            hiring_manager_id=role.hiring_manager_id,
            summary=checkin_summary.summary(session, role, now=now, since=since),
            target=plain_date(brief.target_fill_date),
        )
        outbox.enqueue(
            session,
            team_id=role.team_id,
            kind=CHECKIN_KIND,
            method=outbox.POST,
            channel=role.channel_id,
            payload={"text": text, "blocks": blocks},
            key=message_keys.checkin(checkin.id),
            role_id=role.id,
            now=now,
        )
        return True


@outbox.on_sent(CHECKIN_KIND)
def _record_post(session: Session, row: OutboxMessage) -> None:
    """Slack accepted the check-in: keep its channel and ts (thread replies are matched on
    them) and start each side's reply window."""
    if row.key is None or row.result_channel is None or row.result_ts is None:
        return
    checkin = session.get(CheckIn, int(row.key.rsplit(":", 1)[1]))  # message_keys.checkin
    if checkin is None:
        return
    sent_at = row.sent_at or row.created_at
    prompt = row.attempts == 0 or sent_at - row.created_at <= PROMPT_DELIVERY
    posted_at = row.created_at if prompt else sent_at
    checkin_service.record_posted(
        session, checkin, channel_id=row.result_channel, ts=row.result_ts, now=posted_at
    )


def thread_reply(session: Session, checkin: CheckIn, payload: dict[str, Any]) -> dict[str, Any]:
    """The :func:`outbox.enqueue` arguments of a reply in a posted check-in's thread."""
    key = message_keys.checkin(checkin.id)
    if outbox.sent_parent(session, checkin.team_id, key) is not None:
        return {"parent_key": key, "payload": payload}
    # Posted before the outbox: no row carries its key, so name the thread itself.
    return {"channel": checkin.channel_id, "payload": {**payload, "thread_ts": checkin.message_ts}}


def remind_checkin(sessions: SessionFactory, checkin_id: int, *, now: datetime) -> int:
    """Queue one thread message mentioning the check-in's silent parties; returns how many.

    It goes out once it is working hours for one of them; the others whose reply is overdue
    too are mentioned in the same message (a channel post, like an escalation, not a DM), so
    two silent people get one reminder rather than two.
    """
    with sessions.begin() as session:
        due = checkin_service.parties_to_remind(session, checkin_id, now=now)
        if not any(
            next_delivery_time(now, calendar_for(session, p.team_id, p.user_id)) <= now for p in due
        ):
            return 0
        claimed = [p for p in due if checkin_service.claim_reminder(session, p.id, now=now)]
        if not claimed:
            return 0
        checkin = session.get(CheckIn, checkin_id)
        assert checkin is not None and checkin.posted_at is not None
        text, blocks = reminder_message([p.user_id for p in claimed], checkin.posted_at)
        outbox.enqueue(
            session,
            team_id=checkin.team_id,
            kind=REMINDER_KIND,
            method=outbox.POST,
            role_id=checkin.role_id,
            now=now,
            **thread_reply(session, checkin, {"text": text, "blocks": blocks}),
        )
        for party in claimed:
            checkin_service.record_reminded(session, party.id, now=now)
        return len(claimed)
