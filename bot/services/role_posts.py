"""Where a role's messages go: notes in the brief's thread, and posts in the role's channel.

Both are outbox rows written in the caller's transaction, so a note is committed with the
change it reports and is retried by the deliverer until Slack has it. A thread note names
the brief (``parent_key=brief:<role>``): it waits for the brief to be posted and becomes a
reply in its thread. A channel post goes to ``role.channel_id``, or — before the channel
exists — waits for the ``conversations.create`` that makes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import OutboxMessage, Role, Workspace
from bot.services import message_keys, outbox

THREAD_NOTE = "thread-note"

Blocks = list[dict[str, Any]]


def full_names_in_channels(session: Session, team_id: str) -> bool:
    """Whether the workspace lets channel posts show candidates' full names."""
    return bool(
        session.scalar(select(Workspace.full_names_in_channels).where(Workspace.team_id == team_id))
    )


def note_in_thread(
    session: Session,
    role: Role,
    text: str,
    blocks: Blocks,
    *,
    now: datetime,
    kind: str = THREAD_NOTE,
    key: str | None = None,
) -> OutboxMessage:
    """Queue a reply in the brief's thread; it leaves once the brief is posted (a brief
    posted before the outbox has its sent row from a migration)."""
    return outbox.enqueue(
        session,
        team_id=role.team_id,
        kind=kind,
        method=outbox.POST,
        payload={"text": text, "blocks": blocks},
        key=key,
        parent_key=message_keys.brief(role.id),
        role_id=role.id,
        now=now,
    )


def post_in_channel(
    session: Session, role: Role, text: str, blocks: Blocks, *, kind: str, now: datetime
) -> OutboxMessage:
    """Queue a post in the role's channel (waiting for the channel if it is not made yet)."""
    if role.channel_id is not None:
        return outbox.enqueue(
            session,
            team_id=role.team_id,
            kind=kind,
            method=outbox.POST,
            channel=role.channel_id,
            payload={"text": text, "blocks": blocks},
            role_id=role.id,
            now=now,
        )
    return outbox.enqueue(
        session,
        team_id=role.team_id,
        kind=kind,
        method=outbox.POST,
        payload={"text": text, "blocks": blocks},
        parent_key=message_keys.role_channel(role.id),
        role_id=role.id,
        now=now,
    )
