"""After a brief revision is saved: tell the thread, update the pinned brief, invite newcomers."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.brief import change_message, not_invited_note
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.services import roles as role_service
from bot.services import timeline
from bot.services.roles import RevisionOutcome
from bot.services.timeline import Event
from bot.slack.briefs import invite, publish_brief, refresh_brief
from bot.slack.lookups import may_invite_on_behalf

logger = logging.getLogger(__name__)


def announce_revision(
    client: WebClient,
    sessions: SessionFactory,
    *,
    team_id: str,
    role_id: int,
    outcome: RevisionOutcome,
) -> None:
    """Post what changed in the brief's thread, refresh the brief, invite new interviewers."""
    assert outcome.revision is not None
    with sessions() as session:
        role = role_service.get_role(session, team_id=team_id, role_id=role_id)
        channel_id, brief_ts = role.channel_id, role.brief_ts
    if brief_ts is None or channel_id is None:
        # The first post never made it; posting now shows the latest revision.
        publish_brief(client, sessions, team_id=team_id, role_id=role_id, now=utcnow())
        return
    text, blocks = change_message(
        revision_number=outcome.revision.number,
        editor_id=outcome.revision.created_by,
        changes=outcome.changes,
        acknowledgements=outcome.acknowledgements,
        new_sides=outcome.new_sides,
        unsigned=outcome.unsigned,
    )
    try:
        posted = client.chat_postMessage(
            channel=channel_id, thread_ts=brief_ts, text=text, blocks=blocks, unfurl_links=False
        )
        with sessions.begin() as session:
            revision = session.merge(outcome.revision)
            revision.change_message_ts = posted["ts"]
        refresh_brief(client, sessions, team_id=team_id, role_id=role_id)
        if outcome.new_panel and not may_invite_on_behalf(
            client, channel_id, outcome.revision.created_by
        ):
            text, blocks = not_invited_note(outcome.revision.created_by, outcome.new_panel)
            client.chat_postMessage(
                channel=channel_id, thread_ts=brief_ts, text=text, blocks=blocks
            )
        elif outcome.new_panel:
            invited = invite(client, channel_id, outcome.new_panel)
            if invited:
                with sessions.begin() as session:
                    role = role_service.get_role(session, team_id=team_id, role_id=role_id)
                    timeline.record(
                        session, role, Event.PANEL_INVITED, at=utcnow(), invited=invited
                    )
    except SlackApiError as exc:
        logger.warning(
            "announcing revision of role %s failed: %s", role_id, exc.response.get("error")
        )
