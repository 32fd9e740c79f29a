"""Small Web API lookups handlers need: users and channels.

A look-up that a request waits for — before ``ack()``, or before a trigger id (3 s, once)
is used — goes through :func:`request_user_fetcher` / a :func:`quick_client`: one try with
a short timeout, and no waiting out a ``429``. When Slack is slow or rate limits, the
cached row (``bot.services.people``) is used; the next request or job refreshes it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.metrics import CallObserver
from bot.services.kickoff_form import ChannelFacts
from bot.services.people import GroupFetcher, UserFetcher, UserGroup

logger = logging.getLogger(__name__)

# What one request may spend on look-ups in all, and on each call.
REQUEST_LOOKUP_BUDGET_SECONDS = 1.2
QUICK_TIMEOUT_SECONDS = 1


def user_fetcher(client: WebClient) -> UserFetcher:
    """``users.info`` as a function; None when Slack does not know (or refuses) the user.

    Waits out 429s with the client's retry handlers: for work after the ack and for jobs.
    """

    def fetch(user_id: str) -> dict[str, Any] | None:
        try:
            user: dict[str, Any] = client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            logger.info("users.info %s failed: %s", user_id, exc.response.get("error"))
            return None
        return user

    return fetch


# conversations.members pages; a channel past this many members is not a role's shared
# channel, and a view submission must be answered within 3 seconds.
MEMBER_PAGE_SIZE = 1000
MAX_MEMBER_PAGES = 5


def is_channel_member(client: WebClient, channel_id: str, user_id: str) -> bool | None:
    """Whether ``user_id`` is in the channel; None when Slack will not say (or it is huge)."""
    cursor: str | None = None
    for _ in range(MAX_MEMBER_PAGES):
        try:
            page = client.conversations_members(
                channel=channel_id, limit=MEMBER_PAGE_SIZE, cursor=cursor
            )
        except SlackApiError as exc:
            logger.info("conversations.members %s: %s", channel_id, exc.response.get("error"))
            return None
        if user_id in (page.get("members") or []):
            return True
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if cursor is None:
            return False
    return None


def quick_client(client: WebClient) -> WebClient:
    """``client``'s workspace and base URL, for calls a request waits for: one try only."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=QUICK_TIMEOUT_SECONDS,
        proxy=client.proxy,
        # No retries; the metrics observer, if the client has one, still counts the call.
        retry_handlers=[h for h in client.retry_handlers if isinstance(h, CallObserver)],
    )


def request_user_fetcher(
    client: WebClient, budget_seconds: float = REQUEST_LOOKUP_BUDGET_SECONDS
) -> UserFetcher:
    """``users.info`` within a request's budget (``TANDEM_SLACK_LOOKUP_BUDGET_SECONDS``);
    None (so: the cached row) once Slack rate limits, fails to answer, or the budget is spent."""
    quick = quick_client(client)
    deadline = time.monotonic() + budget_seconds
    gave_up = False

    def fetch(user_id: str) -> dict[str, Any] | None:
        nonlocal gave_up
        if gave_up or time.monotonic() >= deadline:
            return None
        try:
            user: dict[str, Any] = quick.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status == 429 or (status or 0) >= 500:
                gave_up = True
            logger.info("users.info %s failed: %s", user_id, exc.response.get("error"))
            return None
        except OSError as exc:
            gave_up = True
            logger.info("users.info %s failed: %s", user_id, exc)
            return None
        return user

    return fetch


def channel_facts(client: WebClient, channel_id: str) -> ChannelFacts | None:
    """What a picked channel is, or None when Tandem cannot see it (or Slack does not say)."""
    if channel_id.startswith("D"):
        return ChannelFacts(channel_id, "", True, True, False, is_im=True)
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except (SlackApiError, OSError):
        return None
    return ChannelFacts(
        channel_id=channel_id,
        name=info.get("name") or channel_id,
        is_private=bool(info.get("is_private")),
        is_member=bool(info.get("is_member")),
        is_archived=bool(info.get("is_archived")),
        is_im=bool(info.get("is_im")),
    )


def with_requester(client: WebClient, facts: ChannelFacts, user_id: str) -> ChannelFacts:
    """``facts`` plus whether ``user_id`` is in the channel — asked only of a channel Tandem
    may use at all (Slack lists a private channel's members only to its members)."""
    if facts.is_im or facts.is_archived or (facts.is_private and not facts.is_member):
        return facts
    return replace(facts, requester_is_member=is_channel_member(client, facts.channel_id, user_id))


def may_invite_on_behalf(client: WebClient, channel_id: str, user_id: str) -> bool:
    """Whether Tandem may invite people into the channel because ``user_id`` asked: any
    public channel; a private one only when they are in it (its members chose them)."""
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError:
        return False
    if not info.get("is_private"):
        return True
    return is_channel_member(client, channel_id, user_id) is True


def request_group_fetcher(
    client: WebClient, budget_seconds: float = REQUEST_LOOKUP_BUDGET_SECONDS
) -> GroupFetcher:
    """``usergroups.users.list`` within a request's budget: the members of a user group, or
    None when Slack does not say (rate limited, slow, the group is gone)."""
    quick = quick_client(client)
    deadline = time.monotonic() + budget_seconds

    def fetch(usergroup_id: str) -> frozenset[str] | None:
        if time.monotonic() >= deadline:
            return None
        try:
            users = quick.usergroups_users_list(usergroup=usergroup_id).get("users") or []
        except (SlackApiError, OSError) as exc:
            logger.info("usergroups.users.list %s failed: %s", usergroup_id, exc)
            return None
        return frozenset(str(u) for u in users)

    return fetch


def user_groups(client: WebClient) -> list[UserGroup] | None:
    """The workspace's user groups (one quick try), for the admin-group picker; None when
    Slack does not say."""
    try:
        groups = quick_client(client).usergroups_list().get("usergroups") or []
    except (SlackApiError, OSError) as exc:
        logger.info("usergroups.list failed: %s", exc)
        return None
    return [
        UserGroup(str(g.get("id")), str(g.get("handle") or ""), str(g.get("name") or ""))
        for g in groups
        if g.get("id") and not g.get("date_delete")
    ]
