"""Small Web API lookups handlers need before they answer: users and channels."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.kickoff_form import ChannelFacts
from bot.services.people import UserFetcher

logger = logging.getLogger(__name__)


def user_fetcher(client: WebClient) -> UserFetcher:
    """``users.info`` as a function; None when Slack does not know (or refuses) the user."""

    def fetch(user_id: str) -> dict[str, Any] | None:
        try:
            user: dict[str, Any] = client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            logger.info("users.info %s failed: %s", user_id, exc.response.get("error"))
            return None
        return user

    return fetch


def channel_facts(client: WebClient, channel_id: str) -> ChannelFacts | None:
    """What a picked channel is, or None when Tandem cannot see it."""
    if channel_id.startswith("D"):
        return ChannelFacts(channel_id, "", True, True, False, is_im=True)
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError:
        return None
    return ChannelFacts(
        channel_id=channel_id,
        name=info.get("name") or channel_id,
        is_private=bool(info.get("is_private")),
        is_member=bool(info.get("is_member")),
        is_archived=bool(info.get("is_archived")),
        is_im=bool(info.get("is_im")),
    )
