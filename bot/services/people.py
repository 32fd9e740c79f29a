"""People and workspaces: the cached facts Tandem needs about Slack users.

The cache is refreshed from ``users.info`` when older than ``MAX_AGE`` — time zones change
when people travel, and the IANA name (never the stored offset) is what we keep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import upsert_insert
from bot.models import Person, Workspace

MAX_AGE = timedelta(hours=12)
# Admin rights that let someone change data are at most this old (issue 14): a person
# demoted in Slack loses Tandem's admin powers within ten minutes.
ADMIN_MAX_AGE = timedelta(minutes=10)

# Returns Slack's ``user`` object, or None when Slack does not know the user.
UserFetcher = Callable[[str], dict[str, Any] | None]
# ``usergroups.users.list``: a user group's members, None when Slack does not say.
GroupFetcher = Callable[[str], frozenset[str] | None]


@dataclass(frozen=True)
class UserGroup:
    """A Slack user group, as the admin-group picker lists it."""

    id: str
    handle: str
    name: str


def no_group_lookup(_usergroup_id: str) -> None:
    return None


def ensure_workspace(
    session: Session, team_id: str, now: datetime, enterprise_id: str | None = None
) -> Workspace:
    workspace = session.scalar(select(Workspace).where(Workspace.team_id == team_id))
    if workspace is None:
        workspace = Workspace(team_id=team_id, enterprise_id=enterprise_id, created_at=now)
        session.add(workspace)
        session.flush()
    return workspace


def _apply(person: Person, user: dict[str, Any], now: datetime) -> None:
    profile = user.get("profile") or {}
    person.tz = user.get("tz") or "UTC"
    person.is_admin = bool(user.get("is_admin") or user.get("is_owner"))
    person.is_bot = bool(user.get("is_bot")) or user.get("id") == "USLACKBOT"
    person.is_deleted = bool(user.get("deleted"))
    person.status_text = (profile.get("status_text") or "")[:200]
    person.status_emoji = (profile.get("status_emoji") or "")[:100]
    person.refreshed_at = now


def refresh_people(
    session: Session,
    *,
    team_id: str,
    user_ids: Iterable[str],
    fetch: UserFetcher,
    now: datetime,
    force: bool = False,
    max_age: timedelta = MAX_AGE,
) -> dict[str, Person | None]:
    """The cached person of each id, refreshed when stale; None for users Slack denies."""
    wanted = list(dict.fromkeys(user_ids))
    known = {
        p.user_id: p
        for p in session.scalars(
            select(Person).where(Person.team_id == team_id, Person.user_id.in_(wanted))
        )
    }
    result: dict[str, Person | None] = {}
    for user_id in wanted:
        person = known.get(user_id)
        if person is not None and not force and now - person.refreshed_at < max_age:
            result[user_id] = person
            continue
        user = fetch(user_id)
        if user is None:
            result[user_id] = person
            continue
        if person is None:
            person = _new_person(session, team_id, user_id, now)
        _apply(person, user, now)
        result[user_id] = person
    session.flush()
    return result


def is_fresh_admin(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    fetch: UserFetcher,
    now: datetime,
    changing: bool = True,
    fetch_group: GroupFetcher = no_group_lookup,
) -> bool:
    """Whether Slack says the person is an admin or owner (or they are in the workspace's
    admin user group, :func:`in_admin_group`), asked at most ``ADMIN_MAX_AGE``
    ago (``users.info`` again when the cached answer is older). When Slack cannot be asked
    and the cache is too old, a data change is refused (``changing``, fails closed); only
    opening a form, which changes nothing, may go by the older answer."""
    person = refresh_people(
        session, team_id=team_id, user_ids=[user_id], fetch=fetch, now=now, max_age=ADMIN_MAX_AGE
    ).get(user_id)
    if person is not None and person.is_admin:
        return not changing or now - person.refreshed_at <= ADMIN_MAX_AGE
    return in_admin_group(
        session,
        team_id=team_id,
        user_id=user_id,
        fetch_group=fetch_group,
        now=now,
        changing=changing,
    )


def in_admin_group(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    fetch_group: GroupFetcher,
    now: datetime,
    changing: bool = True,
) -> bool:
    """Whether the person is in the workspace's admin user group (admin settings), as Slack
    listed its members at most ``ADMIN_MAX_AGE`` ago: listed again when older; when Slack
    cannot say, a data change is refused (fails closed), a form may open on the older list."""
    workspace = session.scalar(select(Workspace).where(Workspace.team_id == team_id))
    if workspace is None or not workspace.admin_usergroup_id:
        return False
    refreshed = workspace.admin_group_refreshed_at
    fresh = refreshed is not None and now - refreshed <= ADMIN_MAX_AGE
    if not fresh:
        members = fetch_group(workspace.admin_usergroup_id)
        if members is not None:
            workspace.admin_group_members = ",".join(sorted(members))
            workspace.admin_group_refreshed_at = now
            session.flush()
            fresh = True
    if changing and not fresh:
        return False
    return user_id in (workspace.admin_group_members or "").split(",")


def _new_person(session: Session, team_id: str, user_id: str, now: datetime) -> Person:
    """The person's row, created unless a concurrent request (a double-click) just did."""
    session.execute(
        upsert_insert(session, Person)
        .values(team_id=team_id, user_id=user_id, refreshed_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "user_id"])
    )
    person = get_person(session, team_id, user_id)
    assert person is not None
    return person


def person_zone(person: Person | None) -> ZoneInfo:
    """The person's time zone, UTC when unknown or unusable."""
    if person is None:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(person.tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def get_person(session: Session, team_id: str, user_id: str) -> Person | None:
    return session.scalar(
        select(Person).where(Person.team_id == team_id, Person.user_id == user_id)
    )
