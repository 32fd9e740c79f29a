"""Slash commands: ``/tandem``, ``/kickoff``, ``/scorecard``."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.help import help_blocks, help_text, unknown_subcommand_blocks
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers import forget
from bot.services import scorecard, weekly_digest, work_settings, workspace_settings
from bot.services.actors import Actor
from bot.slack.ids import Command
from bot.slack.lookups import request_group_fetcher, user_fetcher

HELP_WORDS = {"", "help", "?", "-h", "--help"}


def _actor(context: BoltContext, client: WebClient) -> Actor:
    assert context.team_id is not None and context.user_id is not None
    return Actor(
        team_id=context.team_id,
        user_id=context.user_id,
        fetch=user_fetcher(client),
        enterprise_id=context.enterprise_id,
        fetch_group=request_group_fetcher(client),
    )


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
    if subcommand == forget.SUBCOMMAND:
        # Rights may need users.info (admins, at most 10 minutes old): ack first.
        ack()
        forget.open_picker(command, client, context, respond, sessions)
        return
    if subcommand == "quiet":
        # May look the person up (time zone, admin flag): ack first, answer after.
        ack()
        answer = work_settings.quiet_command(
            sessions, _actor(context, client), words[1] if len(words) > 1 else "", now=utcnow()
        )
        respond(text=answer, response_type="ephemeral")
        return
    if subcommand == "digest":
        ack()
        answer = weekly_digest.digest_command(
            sessions, _actor(context, client), words[1] if len(words) > 1 else "", now=utcnow()
        )
        respond(text=answer, response_type="ephemeral")
        return
    if subcommand in workspace_settings.SETTINGS:
        # Only admins may change settings, which may need users.info: ack first, answer
        # after (so the lookup needs no request budget).
        ack()
        answer = workspace_settings.change_setting(
            sessions,
            _actor(context, client),
            subcommand,
            words[1] if len(words) > 1 else "",
            now=utcnow(),
        )
        respond(text=answer, response_type="ephemeral")
        return
    if subcommand in HELP_WORDS:
        ack(text=help_text(), blocks=help_blocks(), response_type="ephemeral")
        return
    ack(text=help_text(), blocks=unknown_subcommand_blocks(text), response_type="ephemeral")


def handle_scorecard_command(
    ack: Ack,
    command: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """``/scorecard [me | team | @hm @recruiter] [period]``: ack at once (the figures and the
    chart take longer than Slack waits), then answer privately."""
    ack()
    answer = scorecard.scorecard_command(
        sessions,
        _actor(context, client),
        text=str(command.get("text") or ""),
        channel_id=command.get("channel_id"),
        now=utcnow(),
    )
    if answer.blocks:
        respond(text=answer.text, blocks=answer.blocks, response_type="ephemeral")
    else:
        respond(text=answer.text, response_type="ephemeral")


def register(app: App) -> None:
    app.command(Command.TANDEM)(handle_tandem_command)
    app.command(Command.SCORECARD)(handle_scorecard_command)
    # The subcommand's modals and picker live beside it (bot/handlers/forget.py).
    forget.register(app)
