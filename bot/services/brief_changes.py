"""What a change to the brief says in Slack: the revision's note in the brief's thread, the
pinned brief updated, newcomers to the panel invited, and the note edited once acknowledged.

Each function writes outbox rows in the caller's transaction (the one that saved the change).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.brief import acknowledgement_blocks, change_message, not_invited_note
from bot.models import Acknowledgement, BriefRevision, OutboxMessage, Role
from bot.services import brief_delivery, message_keys, outbox, timeline
from bot.services.roles import RevisionOutcome
from bot.services.timeline import Event
from bot.slack.ids import Action

KIND_CHANGE = "change-message"
KIND_CHANGE_UPDATE = "change-message-update"
KIND_PANEL_INVITE = "panel-invite"
KIND_NOT_INVITED = "not-invited-note"


def announce_revision(
    session: Session, role: Role, outcome: RevisionOutcome, *, now: datetime, may_invite: bool
) -> None:
    """The brief updated, what changed in its thread, and the new interviewers invited —
    or, when ``may_invite`` is False (a private channel the editor is not in), a note that
    a member must add them."""
    revision = outcome.revision
    assert revision is not None
    if role.brief_ts is None:
        # The first post never made it (or is on its way): a revision is a new request to
        # post it; the update below makes it show this revision.
        brief_delivery.requeue_publication(session, role, now=now)
    brief_delivery.queue_brief_update(session, role, now=now)
    text, blocks = change_message(
        revision_number=revision.number,
        editor_id=revision.created_by,
        changes=outcome.changes,
        acknowledgements=outcome.acknowledgements,
        new_sides=outcome.new_sides,
        unsigned=outcome.unsigned,
    )
    brief_key = message_keys.brief(role.id)
    outbox.enqueue(
        session,
        team_id=role.team_id,
        role_id=role.id,
        now=now,
        kind=KIND_CHANGE,
        method=outbox.POST,
        key=message_keys.change_message(role.id, revision.number),
        parent_key=brief_key,
        payload={"text": text, "blocks": blocks, "unfurl_links": False},
    )
    if not outcome.new_panel:
        return
    if may_invite:
        brief_delivery.queue_invites(
            session, role, outcome.new_panel, now=now, kind=KIND_PANEL_INVITE
        )
        return
    text, blocks = not_invited_note(revision.created_by, outcome.new_panel)
    outbox.enqueue(
        session,
        team_id=role.team_id,
        role_id=role.id,
        now=now,
        kind=KIND_NOT_INVITED,
        method=outbox.POST,
        parent_key=brief_key,
        payload={"text": text, "blocks": blocks},
    )


def _is_button_for(block: dict[str, Any], ack_id: int) -> bool:
    return block.get("type") == "actions" and any(
        element.get("action_id") == Action.ACKNOWLEDGE and element.get("value") == str(ack_id)
        for element in block.get("elements") or []
    )


def acknowledged_blocks(
    blocks: list[dict[str, Any]], acknowledgements: list[Acknowledgement]
) -> list[dict[str, Any]]:
    """The change message's blocks with the button of every acknowledged request replaced
    by who acknowledged it and when (so two acknowledgements in a row both show)."""
    done = {a.id: a for a in acknowledgements if a.acknowledged_at is not None}
    shown: list[dict[str, Any]] = []
    for block in blocks:
        ack = next((a for a in done.values() if _is_button_for(block, a.id)), None)
        shown += acknowledgement_blocks([ack]) if ack is not None else [block]
    return shown


def queue_acknowledged(
    session: Session,
    role: Role,
    acknowledgement: Acknowledgement,
    *,
    message: dict[str, Any] | None,
    now: datetime,
) -> None:
    """After an acknowledgement: the brief updated, and the change message in its thread
    (``message``, as the button's request carried it) edited to show it."""
    brief_delivery.queue_brief_update(session, role, now=now)
    blocks = (message or {}).get("blocks") or []
    if not blocks:
        return
    revision = session.get(BriefRevision, acknowledgement.revision_id)
    if revision is None:
        return
    siblings = list(
        session.scalars(select(Acknowledgement).where(Acknowledgement.revision_id == revision.id))
    )
    outbox.enqueue(
        session,
        team_id=role.team_id,
        role_id=role.id,
        now=now,
        kind=KIND_CHANGE_UPDATE,
        method=outbox.UPDATE,
        parent_key=message_keys.change_message(role.id, revision.number),
        payload={
            "text": str((message or {}).get("text") or ""),
            "blocks": acknowledged_blocks(blocks, siblings),
        },
    )


@outbox.on_sent(KIND_CHANGE)
def _change_posted(session: Session, row: OutboxMessage) -> None:
    number = int(str(row.key).rsplit(":", 1)[-1])
    revision = session.scalar(
        select(BriefRevision).where(
            BriefRevision.role_id == row.role_id, BriefRevision.number == number
        )
    )
    if revision is not None:
        revision.change_message_ts = row.result_ts


@outbox.on_sent(KIND_PANEL_INVITE)
def _panel_invited(session: Session, row: OutboxMessage) -> None:
    role = session.get(Role, row.role_id) if row.role_id is not None else None
    if role is not None:
        at = row.sent_at or row.created_at
        timeline.record(
            session, role, Event.PANEL_INVITED, at=at, invited=str(row.payload["users"]).split(",")
        )
