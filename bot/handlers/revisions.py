"""Deprecated: announcing a revision saved by a handler's own transaction.

A revision's messages (its note in the brief's thread, the brief's update, invitations) are
outbox rows written by ``bot.services.brief_changes.announce_revision`` in the transaction
that saves the revision. This shim keeps the move-check-in submission
(``bot.handlers.checkins``) working until it calls a use case that does so; remove it then.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.clock import utcnow
from bot.db import SessionFactory
from bot.services import brief_changes
from bot.services.roles import RevisionOutcome, RoleNotFound
from bot.services.roles import get_role as _get_role
from bot.slack.lookups import may_invite_on_behalf


def announce_revision(
    client: WebClient,
    sessions: SessionFactory,
    *,
    team_id: str,
    role_id: int,
    outcome: RevisionOutcome,
) -> None:
    """Queue what changed in the brief's thread, the brief's update and new interviewers'
    invitations (in a transaction of its own, after the revision's)."""
    assert outcome.revision is not None
    with sessions() as session:
        channel_id = _get_role(session, team_id=team_id, role_id=role_id).channel_id
    may_invite = True
    if outcome.new_panel and channel_id:
        may_invite = may_invite_on_behalf(client, channel_id, outcome.revision.created_by)
    with sessions.begin() as session:
        try:
            role = _get_role(session, team_id=team_id, role_id=role_id)
        except RoleNotFound:
            return
        brief_changes.announce_revision(session, role, outcome, now=utcnow(), may_invite=may_invite)
