"""Posting check-ins and their one reminder (both claimed in the database first)."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import update

from bot.blocks.checkins import checkin_message, reminder_message
from bot.dates import plain_date
from bot.db import SessionFactory
from bot.models import CheckIn, CheckInParty, Role
from bot.services import checkin_summary
from bot.services import checkins as checkin_service
from bot.services import roles as role_service
from bot.services.checkins import DueCheckIn
from bot.services.obligations import calendar_for
from bot.services.working_time import next_delivery_time

logger = logging.getLogger(__name__)


def post_checkin(
    client: WebClient, sessions: SessionFactory, due: DueCheckIn, *, now: datetime
) -> bool:
    """Claim this week's check-in of the role and post it; True when posted now."""
    with sessions.begin() as session:
        checkin = checkin_service.claim_checkin(session, due, now=now)
        if checkin is None:
            return False
        role = session.get(Role, due.role_id)
        assert role is not None and role.channel_id is not None
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
        checkin_id, channel_id = checkin.id, role.channel_id
    try:
        posted = client.chat_postMessage(channel=channel_id, text=text, blocks=blocks)
    except SlackApiError as exc:
        logger.warning(
            "check-in of role %s failed (%s); will retry", due.role_id, exc.response.get("error")
        )
        with sessions.begin() as session:
            checkin_service.release(session, checkin_id)
        return False
    with sessions.begin() as session:
        stored = session.get(CheckIn, checkin_id)
        assert stored is not None
        checkin_service.record_posted(
            session, stored, channel_id=channel_id, ts=posted["ts"], now=now
        )
    return True


def remind_checkin(
    client: WebClient, sessions: SessionFactory, checkin_id: int, *, now: datetime
) -> int:
    """Mention the check-in's silent parties once, in one thread message; returns how many.

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
        channel_id, thread_ts = checkin.channel_id, checkin.message_ts
        party_ids = [p.id for p in claimed]
    try:
        client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, text=text, blocks=blocks)
    except SlackApiError as exc:
        logger.warning("check-in reminder failed (%s); will retry", exc.response.get("error"))
        with sessions.begin() as session:
            session.execute(
                update(CheckInParty)
                .where(CheckInParty.id.in_(party_ids))
                .values(reminder_claimed_at=None)
            )
        return 0
    with sessions.begin() as session:
        for party_id in party_ids:
            checkin_service.record_reminded(session, party_id, now=now)
    return len(party_ids)
