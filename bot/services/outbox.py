"""Writing to the outbox: a use case says what Slack must be told, in its own transaction.

:func:`enqueue` adds one Web API call as an outbox row in the caller's session; it is
delivered only if that transaction commits, and then effectively once (``bot.delivery``).
Rows that refer to another logical message name it with ``parent_key``:

* ``chat.update`` with ``parent_key="brief:42"`` edits the message posted with
  ``key="brief:42"``; it waits until that post is sent and takes its channel and ts. Pending
  updates of one message collapse: only the latest is sent.
* ``chat.postMessage`` with a ``parent_key`` is a reply in the parent's thread (or, when the
  parent is a ``conversations.create``, a post in the channel it created); it waits for it.
* ``pins.add`` and ``conversations.invite`` with a ``parent_key`` act on the parent's message
  or channel.

Nothing here talks to Slack; ``on_sent`` hooks let a use case record Slack's answer (a ts)
on its own rows when the deliverer settles a row.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.models import OutboxMessage, OutboxState, Role

POST = "chat.postMessage"
UPDATE = "chat.update"
PIN = "pins.add"
CREATE_CHANNEL = "conversations.create"
INVITE = "conversations.invite"
# Slack's three-step upload (files.getUploadURLExternal, the upload, files.completeUploadExternal)
# as one row: slack_sdk's files_upload_v2. See :func:`upload_payload`.
UPLOAD = "files.uploadV2"
# A person's Home tab. Its view is built when the row is sent (see :func:`renders`), so it
# shows what is true then, not when the change that queued it committed.
PUBLISH_VIEW = "views.publish"
METHODS = frozenset(
    {POST, UPDATE, PIN, CREATE_CHANNEL, INVITE, UPLOAD, PUBLISH_VIEW, "conversations.join"}
)

# Set on a session whose transaction wrote outbox rows: after its commit the web process
# wakes its deliverer (``bot.delivery.poke_after_commit``).
ENQUEUED = "tandem_outbox_enqueued"

A_DAY = timedelta(hours=24)

SentHook = Callable[[Session, OutboxMessage], None]
_HOOKS: dict[str, SentHook] = {}
ParkedHook = Callable[[Session, OutboxMessage], bool]
_PARKED_HOOKS: dict[str, ParkedHook] = {}
RenderHook = Callable[[Session, str, dict[str, Any]], dict[str, Any]]
_RENDER_HOOKS: dict[str, RenderHook] = {}


def on_sent(kind: str) -> Callable[[SentHook], SentHook]:
    """Register ``hook(session, row)``, run in the transaction that marks a ``kind`` row
    sent (``row.result_channel``/``row.result_ts`` hold Slack's answer)."""

    def register(hook: SentHook) -> SentHook:
        _HOOKS[kind] = hook
        return hook

    return register


def has_sent_hook(kind: str) -> bool:
    return kind in _HOOKS


def run_sent_hook(session: Session, row: OutboxMessage) -> None:
    hook = _HOOKS.get(row.kind)
    if hook is not None:
        hook(session, row)


def on_parked(kind: str) -> Callable[[ParkedHook], ParkedHook]:
    """Register ``hook(session, row) -> told``, run in the transaction that parks a ``kind``
    row (``row.last_error`` says why). Returning True means the hook told a person what to
    do, so the deliverer's generic note to the recruiter is not sent as well."""

    def register(hook: ParkedHook) -> ParkedHook:
        _PARKED_HOOKS[kind] = hook
        return hook

    return register


def run_parked_hook(session: Session, row: OutboxMessage) -> bool:
    hook = _PARKED_HOOKS.get(row.kind)
    return hook(session, row) if hook is not None else False


def renders(kind: str) -> Callable[[RenderHook], RenderHook]:
    """Register ``hook(session, team_id, payload) -> arguments``: a ``kind`` row's Web API
    arguments are built from its payload by the deliverer, in a read session, just before
    the call (a Home tab drawn from what is true when it is published)."""

    def register(hook: RenderHook) -> RenderHook:
        _RENDER_HOOKS[kind] = hook
        return hook

    return register


def render_hook(kind: str) -> RenderHook | None:
    return _RENDER_HOOKS.get(kind)


def sent_parent(session: Session, team_id: str, key: str) -> OutboxMessage | None:
    """The latest sent row that created the logical message ``key`` in the workspace."""
    return session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.key == key,
            OutboxMessage.state == OutboxState.SENT,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    ).first()


def has_message(session: Session, *, team_id: str, key: str) -> bool:
    """Whether the logical message ``key`` was ever queued in the workspace (in any state),
    so an update naming it will not wait for a post that never comes."""
    found = session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.team_id == team_id, OutboxMessage.key == key)
        .limit(1)
    )
    return found is not None


def enqueue(
    session: Session,
    *,
    team_id: str,
    kind: str,
    method: str,
    now: datetime,
    channel: str | None = None,
    payload: dict[str, Any] | None = None,
    key: str | None = None,
    parent_key: str | None = None,
    role_id: int | None = None,
    enterprise_id: str | None = None,
    not_before: datetime | None = None,
    unique_within: timedelta | None = None,
) -> OutboxMessage:
    """Queue one Web API call in the caller's transaction and return its row (id assigned).

    ``kind`` names what the message is (``nudge-dm``, ``escalation``, ``brief`` …) for logs,
    operators and :func:`on_sent` hooks. ``channel`` is a channel id or, for a DM, the user
    id; leave it out when ``parent_key`` decides it. ``payload`` holds the method's other
    arguments (``text``, ``blocks`` …). ``role_id`` gives the row a role context: when Slack
    refuses it for a reason a person can fix, the role's recruiter is told once.

    ``unique_within`` (posts only, opt-in): when a post with the same text to the same
    channel was queued within that time and not given up, nothing new is queued and that
    row is returned — a channel never reads the same message twice.
    """
    if method not in METHODS:
        raise ValueError(f"the outbox does not deliver {method!r}")
    if method in (UPDATE, PIN) and parent_key is None:
        raise ValueError(f"{method} names the message it acts on with parent_key")
    if channel is None and parent_key is not None:
        parent = sent_parent(session, team_id, parent_key)
        channel = parent.result_channel if parent is not None else None
    if channel is None and parent_key is None and method not in (CREATE_CHANNEL, PUBLISH_VIEW):
        raise ValueError(f"{method} needs a channel (or a parent_key)")
    if unique_within is not None and method == POST and channel is not None:
        same = _same_post(session, team_id, channel, payload or {}, now - unique_within)
        if same is not None:
            return same
    if method == UPDATE:
        # Only the latest text of a message matters; an update already being sent is left
        # alone (this one follows it).
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.team_id == team_id,
                OutboxMessage.parent_key == parent_key,
                OutboxMessage.method == UPDATE,
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.claimed_by.is_(None),
            )
            .values(state=OutboxState.SUPERSEDED, last_error="superseded by a later update")
            .execution_options(synchronize_session=False)
        )
    row = OutboxMessage(
        team_id=team_id,
        enterprise_id=enterprise_id,
        kind=kind,
        method=method,
        channel=channel,
        payload=dict(payload or {}),
        key=key,
        parent_key=parent_key,
        role_id=role_id,
        state=OutboxState.PENDING,
        not_before=not_before or now,
        attempts=0,
        in_doubt=False,
        created_at=now,
    )
    session.add(row)
    session.flush()
    session.info[ENQUEUED] = True
    return row


def _same_post(
    session: Session, team_id: str, channel: str, payload: dict[str, Any], since: datetime
) -> OutboxMessage | None:
    """A post of the same text (and thread) to ``channel`` queued since ``since``."""
    rows = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.channel == channel,
            OutboxMessage.method == POST,
            OutboxMessage.created_at >= since,
            OutboxMessage.state.in_([OutboxState.PENDING, OutboxState.SENT]),
        )
        .order_by(OutboxMessage.id)
    )
    for row in rows:
        if row.payload.get("text") == payload.get("text") and row.payload.get(
            "thread_ts"
        ) == payload.get("thread_ts"):
            return row
    return None


def upload_payload(
    content: bytes, *, filename: str, title: str, initial_comment: str, alt_text: str
) -> dict[str, Any]:
    """The payload of an :data:`UPLOAD` row (the file travels base64-encoded in the row, so
    the upload is exactly as durable as a message). ``filename`` should be unique: a retry
    after an unknown outcome looks for it in the channel before uploading again."""
    return {
        "content_b64": base64.b64encode(content).decode("ascii"),
        "filename": filename,
        "title": title,
        "initial_comment": initial_comment,
        "alt_txt": alt_text[:1000],
    }


def enqueue_once(
    session: Session, *, within: timedelta, key: str, now: datetime, **fields: Any
) -> OutboxMessage | None:
    """:func:`enqueue` unless a row with ``key`` was queued in the workspace within
    ``within`` (a warning told once, not once per failure)."""
    team_id = fields["team_id"]
    recent = session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.key == key,
            OutboxMessage.created_at >= now - within,
        )
        .limit(1)
    )
    if recent is not None:
        return None
    return enqueue(session, key=key, now=now, **fields)


def role_contact(session: Session, role_id: int) -> tuple[str, str] | None:
    """``(recruiter id, role title)`` of the role a row belongs to, if it still exists."""
    role = session.get(Role, role_id)
    return (role.recruiter_id, role.title) if role is not None else None


def pending_count(session: Session, *, team_id: str | None = None) -> int:
    query = select(func.count()).where(OutboxMessage.state == OutboxState.PENDING)
    if team_id is not None:
        query = query.where(OutboxMessage.team_id == team_id)
    return int(session.scalar(query) or 0)
