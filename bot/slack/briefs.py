"""Putting a role's brief in Slack: the shared channel, invitations, the pinned message.

Used by the kickoff handlers right after the role is saved, by the *Post brief again* button
and by the ``retry-brief-posts`` job. Each step's result is saved as soon as Slack accepts it
(channel id, then message ts), so a retry continues where a failure stopped instead of
creating a second channel. Posting is claimed first (``claim_brief_post``), so two attempts
never run at once; a crash between Slack accepting the message and the ts being saved can
post it twice — at-least-once, the safer side for a brief nobody would otherwise see.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.brief import BriefView, brief_message
from bot.db import SessionFactory
from bot.models import Role
from bot.services import agreement, brief_posts, timeline
from bot.services import checkins as checkin_service
from bot.services import roles as role_service
from bot.services.brief import BriefContent
from bot.services.timeline import Event

logger = logging.getLogger(__name__)

MAX_NAME_ATTEMPTS = 20


class PublishStatus(StrEnum):
    POSTED = "posted"
    BUSY = "busy"
    FAILED = "failed"


@dataclass(frozen=True)
class PublishResult:
    status: PublishStatus
    channel_id: str | None = None
    error: str | None = None


def build_brief_view(session: Session, role: Role) -> BriefView:
    revision = role_service.current_revision(session, role)
    pending = role_service.pending_acknowledgements(session, role)
    return BriefView(
        role=role,
        brief=BriefContent.model_validate(revision.content),
        revision_number=revision.number,
        edited_by=revision.created_by,
        edited_at=revision.created_at,
        commitments=role_service.open_commitments(session, role),
        pending=pending,
        pending_revision_numbers=role_service.revision_numbers(session, pending),
        checkins_from=checkin_service.schedule_start(session, role),
        contract=agreement.contract_status(session, role),
    )


def _error_code(exc: SlackApiError) -> str:
    return str(exc.response.get("error") if exc.response is not None else "unknown_error")


def _ensure_channel(client: WebClient, sessions: SessionFactory, role_id: int) -> str:
    with sessions.begin() as session:
        role = session.get(Role, role_id)
        assert role is not None
        channel_id, title = role.channel_id, role.title
    if channel_id:
        info = client.conversations_info(channel=channel_id)["channel"]
        if not info.get("is_member") and not info.get("is_private"):
            client.conversations_join(channel=channel_id)
        return channel_id
    for attempt in range(MAX_NAME_ATTEMPTS):
        name = brief_posts.channel_name_for(title, attempt)
        try:
            created = client.conversations_create(name=name)
        except SlackApiError as exc:
            if _error_code(exc) == "name_taken":
                continue
            raise
        channel_id = created["channel"]["id"]
        with sessions.begin() as session:
            role = session.get(Role, role_id)
            assert role is not None
            role.channel_id = channel_id
        return channel_id
    raise RuntimeError(f"no free channel name for {title!r}")


def invite(client: WebClient, channel_id: str, user_ids: list[str]) -> list[str]:
    """Invite people; returns those Slack accepted. One refusal does not stop the others."""
    wanted = list(dict.fromkeys(u for u in user_ids if u))
    if not wanted:
        return []
    try:
        client.conversations_invite(channel=channel_id, users=",".join(wanted))
        return wanted
    except SlackApiError as exc:
        if _error_code(exc) == "already_in_channel":
            return []
        if len(wanted) == 1:
            logger.info("could not invite %s to %s: %s", wanted[0], channel_id, _error_code(exc))
            return []
    invited = []
    for user_id in wanted:
        invited += invite(client, channel_id, [user_id])
    return invited


def publish_brief(
    client: WebClient,
    sessions: SessionFactory,
    *,
    team_id: str,
    role_id: int,
    now: datetime,
    stale_after: timedelta = timedelta(seconds=30),
    after_failure: bool = False,
) -> PublishResult:
    """Join or create the channel, invite both sides and the panel, post and pin the brief."""
    with sessions.begin() as session:
        role_service.get_role(session, team_id=team_id, role_id=role_id)
        if not brief_posts.claim_brief_post(
            session, role_id=role_id, now=now, stale_after=stale_after, after_failure=after_failure
        ):
            return PublishResult(PublishStatus.BUSY)
    channel_id: str | None = None
    try:
        channel_id = _ensure_channel(client, sessions, role_id)
        with sessions() as session:
            role = role_service.get_role(session, team_id=team_id, role_id=role_id)
            brief = role_service.current_brief(session, role)
            text, blocks = brief_message(build_brief_view(session, role))
        invite(client, channel_id, [brief.hiring_manager_id, brief.recruiter_id, *brief.panel])
        posted = client.chat_postMessage(
            channel=channel_id, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
        )
        with sessions.begin() as session:
            role = role_service.get_role(session, team_id=team_id, role_id=role_id)
            role.brief_ts = posted["ts"]
            role.brief_posted_at = now
            role.brief_post_error = None
            timeline.record(session, role, Event.BRIEF_POSTED, at=now, channel=channel_id)
        try:
            client.pins_add(channel=channel_id, timestamp=posted["ts"])
        except SlackApiError as exc:
            if _error_code(exc) != "already_pinned":
                logger.warning("could not pin the brief of role %s: %s", role_id, _error_code(exc))
        return PublishResult(PublishStatus.POSTED, channel_id=channel_id)
    except (SlackApiError, RuntimeError) as exc:
        error = _error_code(exc) if isinstance(exc, SlackApiError) else str(exc)
        logger.warning("posting the brief of role %s failed: %s", role_id, error)
        with sessions.begin() as session:
            role = role_service.get_role(session, team_id=team_id, role_id=role_id)
            role.brief_post_error = error[:200]
            timeline.record(session, role, Event.BRIEF_POST_FAILED, at=now, error=error[:200])
        return PublishResult(PublishStatus.FAILED, channel_id=channel_id, error=error)


def refresh_brief(
    client: WebClient, sessions: SessionFactory, *, team_id: str, role_id: int
) -> None:
    """Update the pinned brief in place after an agreement, acknowledgement or revision."""
    with sessions() as session:
        role = role_service.get_role(session, team_id=team_id, role_id=role_id)
        if role.brief_ts is None or role.channel_id is None:
            return
        text, blocks = brief_message(build_brief_view(session, role))
        channel_id, ts = role.channel_id, role.brief_ts
    client.chat_update(channel=channel_id, ts=ts, text=text, blocks=blocks)
