"""Posting check-ins and their one reminder (both claimed in the database first)."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import update

from bot.blocks.checkins import checkin_message, reminder_message
from bot.blocks.dates import plain_date
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


def remind_party(
    client: WebClient, sessions: SessionFactory, party_id: int, *, now: datetime
) -> bool:
    """Mention a silent party once in the check-in's thread, within their working hours."""
    with sessions.begin() as session:
        party = session.get(CheckInParty, party_id)
        assert party is not None
        if next_delivery_time(now, calendar_for(session, party.team_id, party.user_id)) > now:
            return False
        if not checkin_service.claim_reminder(session, party_id, now=now):
            return False
        checkin = session.get(CheckIn, party.checkin_id)
        assert checkin is not None and checkin.posted_at is not None
        text, blocks = reminder_message(party.user_id, checkin.posted_at)
        channel_id, thread_ts = checkin.channel_id, checkin.message_ts
    try:
        client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, text=text, blocks=blocks)
    except SlackApiError as exc:
        logger.warning("check-in reminder failed (%s); will retry", exc.response.get("error"))
        with sessions.begin() as session:
            session.execute(
                update(CheckInParty)
                .where(CheckInParty.id == party_id)
                .values(reminder_claimed_at=None)
            )
        return False
    with sessions.begin() as session:
        checkin_service.record_reminded(session, party_id, now=now)
    return True
