"""The workspace settings from an admin's Home tab: *Edit settings* and the modal's *Save*.

The button acks at once; the admin check and Slack's list of user groups come after it,
within the trigger id's life. The modal's fields are checked before its ack (errors next to
them); whether the person may save is checked after the ack, against Slack, and the answer
is their Home tab published again with one line on top.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.admin_settings import settings_modal
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import actor_of, open_modal
from bot.handlers.home import answer_presser
from bot.services import admin_settings
from bot.services.workspace_defaults import NO_GROUP, check_form
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback, Field
from bot.slack.lookups import user_groups


def handle_edit_settings(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """*Edit settings* in the Home tab: the modal for an admin, a one-line answer otherwise."""
    ack()
    outcome = admin_settings.open_settings(
        sessions,
        actor_of(context, client),
        now=utcnow(),
        default_retention_days=context["settings"].tandem_retention_days,
    )
    if isinstance(outcome, str):
        answer_presser(body, context, respond, sessions, outcome)
        return
    open_modal(client, body, respond, settings_modal(outcome, user_groups(client)))


def offered_groups(view: dict[str, Any]) -> set[str]:
    """The user groups the modal offered (Slack sends the view back as it showed it)."""
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("block_id") == Field.SETTING_ADMIN_GROUP:
            element = block.get("element") or {}
            return {
                str(o.get("value"))
                for o in element.get("options") or []
                if isinstance(o, dict) and o.get("value") != NO_GROUP
            }
    return set()


def handle_save_settings(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """*Save*: field errors in the ack; else close the modal and save after the ack."""
    form = check_form(read_values(view), offered_groups=offered_groups(view))
    if form.errors:
        ack(response_action="errors", errors=form.errors)
        return
    ack()
    admin_settings.save_settings(
        sessions,
        actor_of(context, client),
        form,
        now=utcnow(),
        default_retention_days=context["settings"].tandem_retention_days,
    )


def register(app: App) -> None:
    app.action(Action.EDIT_WORKSPACE_SETTINGS)(handle_edit_settings)
    app.view(Callback.WORKSPACE_SETTINGS)(handle_save_settings)
