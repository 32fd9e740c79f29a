"""Who is acting: the person a use case runs for, and how to ask Slack about people.

A handler builds an :class:`Actor` from the request (``bot.handlers.common.actor_of``) and
passes it to one service use case; the service checks rights with it (``bot.services.access``)
and never sees a Slack client — ``fetch`` is the only way it reaches Slack, a ``users.info``
bounded by the request's budget.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.people import GroupFetcher, UserFetcher, no_group_lookup


def _no_lookup(_user_id: str) -> None:
    return None


@dataclass(frozen=True)
class Actor:
    """The person acting, in their workspace."""

    team_id: str
    user_id: str
    # ``users.info`` within the request's budget (None: use the cached row).
    fetch: UserFetcher = _no_lookup
    enterprise_id: str | None = None
    # ``usergroups.users.list`` within the request's budget: the admin user group's members.
    fetch_group: GroupFetcher = no_group_lookup


@dataclass(frozen=True)
class SubmittedView:
    """What identifies one submission of a modal (double-clicks and Slack's retries share it)."""

    view_id: str
    callback_id: str
