"""The brief in Slack, as outbox rows written in the transaction of the change that causes them.

Publishing a new role's brief is a small chain the deliverer walks in order (each row waits
for its ``parent_key``):

* the channel: ``conversations.create`` (``key=role_channel``; a taken name is retried
  with the next one by the deliverer), or ``conversations.join`` of a public channel Tandem
  is not in yet — or nothing, when Tandem is already there;
* the ``conversations.invite`` of the recruiter, HM and panel (one refusal never keeps
  the others out: the deliverer then invites them one by one);
* the brief (``key=brief``) and its pin.

Every later change to the brief is a ``chat.update`` of ``key=brief`` (pending ones
collapse to the latest). The ``on_sent`` hooks store what Slack answered on the role; the
``on_parked`` hooks tell the recruiter once, with *Post brief again*, when Slack refuses
the channel or the brief.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.brief import (
    BriefView,
    brief_message,
    post_failed_message,
    post_resolved_message,
)
from bot.clock import utcnow
from bot.models import OutboxMessage, OutboxState, Role
from bot.services import (
    action_items,
    agreement,
    closures,
    message_keys,
    outbox,
    outbox_admin,
    timeline,
)
from bot.services import checkins as checkin_service
from bot.services import roles as role_service
from bot.services.brief import BriefContent
from bot.services.brief_posts import channel_name_for
from bot.services.role_posts import full_names_in_channels
from bot.services.timeline import Event

KIND_CHANNEL = "brief-channel"
KIND_INVITE = "brief-invite"
KIND_POST = "brief"
KIND_PIN = "brief-pin"
KIND_UPDATE = "brief-update"
KIND_PROBLEM = "brief-problem"
KIND_PROBLEM_UPDATE = "brief-problem-update"
JOIN = "conversations.join"
# Rows whose refusal means "the brief is not in Slack": these a person re-queues.
_PUBLISHING = (KIND_CHANNEL, KIND_POST)
# One DM per request to post (the kickoff, each *Post brief again*), however many refusals.
PROBLEM_DM_WITHIN = timedelta(days=30)


def build_brief_view(session: Session, role: Role) -> BriefView:
    """Everything the brief message shows, as the database has it now."""
    revision = role_service.current_revision(session, role)
    pending = role_service.pending_acknowledgements(session, role)
    closure = closures.current_closure(session, role)
    hires = (
        closures.hire_labels(
            session,
            closures.closure_hires(session, closure),
            full_names=full_names_in_channels(session, role.team_id),
        )
        if closure is not None
        else []
    )
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
        closure=closure,
        hires=hires,
        action_items=action_items.shown_on_brief(session, role),
    )


def _brief_payload(session: Session, role: Role) -> dict[str, Any]:
    session.flush()
    text, blocks = brief_message(build_brief_view(session, role))
    return {"text": text, "blocks": blocks}


def _channel_target(role: Role) -> dict[str, Any]:
    """Where a row acting on the role's channel goes: the channel, or (while Tandem creates
    or joins it) the row that makes it, which it waits for."""
    if role.channel_id:
        return {"channel": role.channel_id}
    return {"parent_key": message_keys.role_channel(role.id)}


def _enqueue(session: Session, role: Role, *, now: datetime, **fields: Any) -> OutboxMessage:
    return outbox.enqueue(session, team_id=role.team_id, role_id=role.id, now=now, **fields)


def queue_invites(
    session: Session,
    role: Role,
    user_ids: list[str],
    *,
    now: datetime,
    target: dict[str, Any] | None = None,
    kind: str = KIND_INVITE,
) -> int:
    """One ``conversations.invite`` of everyone; the deliverer invites them one by one when
    Slack refuses one of them (``cant_invite``, ``user_not_found``), so the others get in."""
    wanted = list(dict.fromkeys(u for u in user_ids if u))
    if wanted:
        _enqueue(
            session,
            role,
            now=now,
            kind=kind,
            method=outbox.INVITE,
            payload={"users": ",".join(wanted)},
            **(target or _channel_target(role)),
        )
    return len(wanted)


def queue_publication(session: Session, role: Role, *, now: datetime, join: bool = False) -> None:
    """The channel (created, or joined when ``join``), the invitations, the brief and its pin.

    ``join`` is for a public channel Tandem is not in yet (it must be a member to post).
    """
    channel_key = message_keys.role_channel(role.id)
    target: dict[str, Any]
    if role.channel_id is None:
        _enqueue(
            session,
            role,
            now=now,
            kind=KIND_CHANNEL,
            method=outbox.CREATE_CHANNEL,
            key=channel_key,
            payload={"name": channel_name_for(role.title), "is_private": role.channel_private},
        )
        target = {"parent_key": channel_key}
    elif join:
        _enqueue(
            session,
            role,
            now=now,
            kind=KIND_CHANNEL,
            method=JOIN,
            channel=role.channel_id,
            key=channel_key,
        )
        target = {"parent_key": channel_key}
    else:
        target = {"channel": role.channel_id}
    brief = role_service.current_brief(session, role)
    queue_invites(
        session,
        role,
        [brief.hiring_manager_id, brief.recruiter_id, *brief.panel],
        now=now,
        target=target,
    )
    payload = {**_brief_payload(session, role), "unfurl_links": False, "unfurl_media": False}
    _enqueue(
        session,
        role,
        now=now,
        kind=KIND_POST,
        method=outbox.POST,
        key=message_keys.brief(role.id),
        payload=payload,
        **target,
    )
    _enqueue(
        session,
        role,
        now=now,
        kind=KIND_PIN,
        method=outbox.PIN,
        parent_key=message_keys.brief(role.id),
    )


def queue_brief_update(session: Session, role: Role, *, now: datetime) -> None:
    """The pinned brief as it stands now; waits for the post, replaces earlier pending edits."""
    _enqueue(
        session,
        role,
        now=now,
        kind=KIND_UPDATE,
        method=outbox.UPDATE,
        parent_key=message_keys.brief(role.id),
        payload=_brief_payload(session, role),
    )


# -- what is queued for a role ------------------------------------------------------------


def _brief_rows(session: Session, role: Role, states: list[OutboxState]) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.team_id == role.team_id,
                OutboxMessage.role_id == role.id,
                OutboxMessage.kind.in_(_PUBLISHING),
                OutboxMessage.state.in_(states),
            )
            .order_by(OutboxMessage.id)
        )
    )


def is_publishing(session: Session, role: Role) -> bool:
    """The brief's channel or post is queued and not sent yet."""
    return bool(_brief_rows(session, role, [OutboxState.PENDING]))


def requeue_publication(session: Session, role: Role, *, now: datetime) -> bool:
    """Put the role's parked channel and brief rows back in the queue (with the rows parked
    while waiting for them), or queue the brief afresh when it has no rows at all (a role
    from before the outbox). False when there is nothing to do: posted, or on its way."""
    if role.brief_ts is not None or is_publishing(session, role):
        return False
    parked = _brief_rows(session, role, [OutboxState.FAILED])
    if not parked and not _brief_rows(session, role, [OutboxState.SENT]):
        queue_publication(session, role, now=now)
    for row in parked:
        try:
            outbox_admin.retry(session, row.id, now=now)
        except outbox_admin.NotParked:
            continue  # re-queued already, as a row waiting for an earlier one
    # A new request to post: a refusal of it is told again (see ``_brief_refused``).
    role.brief_post_attempts = (role.brief_post_attempts or 0) + 1
    role.brief_post_error = None
    session.info[outbox.ENQUEUED] = True
    return True


# -- what Slack answered ------------------------------------------------------------------


def _role_of(session: Session, row: OutboxMessage) -> Role | None:
    return session.get(Role, row.role_id) if row.role_id is not None else None


@outbox.on_sent(KIND_CHANNEL)
def _channel_ready(session: Session, row: OutboxMessage) -> None:
    role = _role_of(session, row)
    if role is not None and row.result_channel:
        role.channel_id = row.result_channel


@outbox.on_sent(KIND_POST)
def _brief_posted(session: Session, row: OutboxMessage) -> None:
    role = _role_of(session, row)
    if role is None:
        return
    at = row.sent_at or row.created_at
    role.channel_id = role.channel_id or row.result_channel
    role.brief_ts = row.result_ts
    role.brief_posted_at = at
    role.brief_post_error = None
    timeline.record(session, role, Event.BRIEF_POSTED, at=at, channel=row.result_channel)
    # Anyone told the brief was refused learns it is there now (the button goes away).
    told = session.scalars(
        select(OutboxMessage.key).where(
            OutboxMessage.team_id == role.team_id,
            OutboxMessage.role_id == role.id,
            OutboxMessage.kind == KIND_PROBLEM,
            OutboxMessage.state.in_([OutboxState.PENDING, OutboxState.SENT]),
        )
    ).all()
    text, blocks = post_resolved_message(role, str(row.result_channel or role.channel_id))
    for key in dict.fromkeys(k for k in told if k):
        _enqueue(
            session,
            role,
            now=at,
            kind=KIND_PROBLEM_UPDATE,
            method=outbox.UPDATE,
            parent_key=key,
            payload={"text": text, "blocks": blocks},
        )


@outbox.on_parked(KIND_CHANNEL)
@outbox.on_parked(KIND_POST)
def _brief_refused(session: Session, row: OutboxMessage) -> bool:
    """Slack refused the channel or the brief: the role remembers why, and the recruiter
    (and whoever ran the kickoff) hear it once, with *Post brief again*."""
    role = _role_of(session, row)
    if role is None:
        return False
    error = (row.last_error or "unknown_error")[:200]
    now = utcnow()
    role.brief_post_error = error
    timeline.record(session, role, Event.BRIEF_POST_FAILED, at=now, error=error)
    where = f"in <#{role.channel_id}>" if role.channel_id else "in its channel"
    text, blocks = post_failed_message(role, where, error)
    for user_id in dict.fromkeys([role.recruiter_id, role.created_by]):
        outbox.enqueue_once(
            session,
            within=PROBLEM_DM_WITHIN,
            key=f"brief-problem:{role.id}:{role.brief_post_attempts or 0}:{user_id}",
            now=now,
            team_id=role.team_id,
            enterprise_id=row.enterprise_id,
            role_id=role.id,
            kind=KIND_PROBLEM,
            method=outbox.POST,
            channel=user_id,
            payload={"text": text, "blocks": blocks},
        )
    return True
