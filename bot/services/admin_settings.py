"""The workspace's settings, in App Home for its admins: public holidays, candidate names in
channels, the contract's default feedback turnaround and check-in slot, the retro's anonymity
threshold, how long an uninstalled workspace's data is kept, and a Slack user group whose
members count as Tandem admins besides Slack's admins and owners.

The modal validates its fields before the ack (errors next to them); who may save is checked
after the ack, against Slack at most ten minutes old (``bot.services.access``), and the
answer is the admin's Home tab, published again with one line on top. A default changes what
new kickoffs propose; roles already agreed keep their contract.
"""

from __future__ import annotations

from datetime import datetime

from bot.db import SessionFactory
from bot.services.access import is_admin
from bot.services.actors import Actor
from bot.services.home_refresh import queue_refresh
from bot.services.people import ensure_workspace
from bot.services.workspace_defaults import AdminSettings, SettingsForm, settings_of, workspace_of

ADMINS_ONLY = (
    "Only a workspace admin can change Tandem's workspace settings (Slack's admins and "
    "owners, and the members of the admin user group if one is set)."
)
UNKNOWN_GROUP = (
    "Slack did not list the members of that user group just now (or it is not in this "
    "workspace), so nothing was saved. Try again in a moment."
)
SAVED = "Workspace settings saved. New kickoffs propose the new defaults; agreed roles keep theirs."


def open_settings(
    sessions: SessionFactory, actor: Actor, *, now: datetime, default_retention_days: int
) -> AdminSettings | str:
    """*Workspace settings* pressed: the settings to show in the modal, or the refusal."""
    with sessions.begin() as session:
        if not is_admin(session, actor, now=now, changing=False):
            return ADMINS_ONLY
        return settings_of(
            workspace_of(session, actor.team_id), default_retention_days=default_retention_days
        )


def save_settings(
    sessions: SessionFactory,
    actor: Actor,
    form: SettingsForm,
    *,
    now: datetime,
    default_retention_days: int,
) -> str:
    """Store a checked form (after the ack) if the person is an admin now, and publish their
    Home tab again with the answer on top (in the same transaction). Returns the answer.

    A workspace that follows the server's retention (TANDEM_RETENTION_DAYS) keeps following
    it when the modal comes back with that same number."""
    assert not form.errors
    with sessions.begin() as session:
        allowed = is_admin(session, actor, now=now)
        answer = SAVED if allowed else ADMINS_ONLY
        group = form.values.get("admin_usergroup_id")
        stored = workspace_of(session, actor.team_id)
        changed_group = group and group != (stored.admin_usergroup_id if stored else None)
        # A group this workspace's Slack does not know (a stale or copied form) is never
        # stored: its members could not be listed anyway.
        if allowed and changed_group and actor.fetch_group(group) is None:
            allowed, answer = False, UNKNOWN_GROUP
        if allowed:
            workspace = ensure_workspace(session, actor.team_id, now)
            group_before = workspace.admin_usergroup_id
            for column, value in form.values.items():
                follows_server = workspace.retention_days is None
                if (
                    column == "retention_days"
                    and follows_server
                    and value == default_retention_days
                ):
                    continue
                setattr(workspace, column, value)
            if workspace.admin_usergroup_id != group_before:
                # Another group's members: list them afresh at the next admin check.
                workspace.admin_group_members = None
                workspace.admin_group_refreshed_at = None
        queue_refresh(
            session,
            team_id=actor.team_id,
            user_id=actor.user_id,
            now=now,
            notice=answer,
            enterprise_id=actor.enterprise_id,
        )
    return answer
