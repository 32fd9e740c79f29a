"""Posting a role's brief: who may post it now, which briefs wait for a retry, channel names.

The Slack side is ``bot.slack.briefs``; these are the database rules it follows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.models import Role

BRIEF_POST_RETRY_AFTER = timedelta(minutes=2)
MAX_BRIEF_POST_ATTEMPTS = 10


def claim_brief_post(
    session: Session,
    *,
    role_id: int,
    now: datetime,
    stale_after: timedelta,
    after_failure: bool = False,
) -> bool:
    """Claim the posting of a role's brief; False if posted or someone is posting it now.

    A claim older than ``stale_after`` is abandoned and may be taken. ``after_failure``
    (a person pressing *Post brief again*) may also take a claim whose attempt failed; the
    claim clears the recorded error, so two presses at once still make one attempt.
    """
    claimable = [
        Role.brief_post_claimed_at.is_(None),
        Role.brief_post_claimed_at < now - stale_after,
    ]
    if after_failure:
        claimable.append(Role.brief_post_error.is_not(None))
    won = session.execute(
        update(Role)
        .where(Role.id == role_id, Role.brief_ts.is_(None), or_(*claimable))
        .values(
            brief_post_claimed_at=now,
            brief_post_attempts=Role.brief_post_attempts + 1,
            brief_post_error=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    return won == 1


def roles_awaiting_brief(session: Session, *, now: datetime) -> list[tuple[int, str]]:
    """``(role id, team id)`` of roles a failed attempt left unposted, due for another try."""
    rows = session.execute(
        select(Role.id, Role.team_id).where(
            Role.brief_ts.is_(None),
            Role.brief_post_attempts > 0,
            Role.brief_post_attempts < MAX_BRIEF_POST_ATTEMPTS,
            Role.brief_post_claimed_at < now - BRIEF_POST_RETRY_AFTER,
        )
    )
    return [(role_id, team_id) for role_id, team_id in rows]


def channel_name_for(title: str, attempt: int = 0) -> str:
    """``hire-<slug>``: Slack channel names are lowercase, ≤80 chars, letters/digits/-/_."""
    slug = "".join(ch if ch.isalnum() and ch.isascii() else "-" for ch in title.lower())
    slug = "-".join(part for part in slug.split("-") if part) or "role"
    base = f"hire-{slug}"[:72].rstrip("-")
    return base if attempt == 0 else f"{base}-{attempt + 1}"
