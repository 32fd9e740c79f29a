"""Slash commands: ``/tandem``, ``/kickoff``, ``/scorecard``."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.help import help_blocks, help_text, unknown_subcommand_blocks
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.services import workspace_settings
from bot.services.people import refresh_people
from bot.slack.ids import Command
from bot.slack.lookups import user_fetcher

HELP_WORDS = {"", "help", "?", "-h", "--help"}


SETTINGS = {
    "holidays": workspace_settings.set_holiday_country,
    "names": workspace_settings.set_candidate_names,
}
ADMINS_ONLY = "Only a workspace admin can change Tandem's workspace settings."


def handle_tandem_command(
    ack: Ack,
    command: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """``/tandem <subcommand>``: help, and the workspace settings; unknown text gets help."""
    text = (command.get("text") or "").strip()
    words = text.split(maxsplit=1)
    subcommand = words[0].lower() if words else ""
    if subcommand in SETTINGS:
        # Only admins may change settings, which may need users.info: ack first, answer after.
        ack()
        answer = _change_setting(
            subcommand, words[1] if len(words) > 1 else "", client, context, sessions
        )
        respond(text=answer, response_type="ephemeral")
        return
    if subcommand in HELP_WORDS:
        ack(text=help_text(), blocks=help_blocks(), response_type="ephemeral")
        return
    ack(text=help_text(), blocks=unknown_subcommand_blocks(text), response_type="ephemeral")


def _change_setting(
    name: str, value: str, client: WebClient, context: BoltContext, sessions: SessionFactory
) -> str:
    assert context.team_id is not None and context.user_id is not None
    now = utcnow()
    with sessions.begin() as session:
        person = refresh_people(
            session,
            team_id=context.team_id,
            user_ids=[context.user_id],
            fetch=user_fetcher(client),
            now=now,
        ).get(context.user_id)
        if person is None or not person.is_admin:
            return ADMINS_ONLY
        result = SETTINGS[name](session, team_id=context.team_id, value=value, now=now)
        if not result.ok:
            session.rollback()
        return result.message


def handle_scorecard_command(ack: Ack) -> None:
    """``/scorecard`` is registered in the manifest before its feature ships; say so plainly."""
    ack(
        text="The shared scorecard is not part of this Tandem version yet. "
        "Type `/tandem help` to see what is.",
        response_type="ephemeral",
    )


def register(app: App) -> None:
    app.command(Command.TANDEM)(handle_tandem_command)
    app.command(Command.SCORECARD)(handle_scorecard_command)
