"""Slash commands: ``/tandem``, ``/kickoff``, ``/scorecard``."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks.help import help_blocks, help_text, unknown_subcommand_blocks
from bot.slack.ids import Command

HELP_WORDS = {"", "help", "?", "-h", "--help"}


def handle_tandem_command(ack: Ack, command: dict[str, Any]) -> None:
    """``/tandem <subcommand>``: help for now; unknown text gets help rather than an error."""
    text = (command.get("text") or "").strip()
    subcommand = text.split(maxsplit=1)[0].lower() if text else ""
    if subcommand in HELP_WORDS:
        ack(text=help_text(), blocks=help_blocks(), response_type="ephemeral")
        return
    ack(text=help_text(), blocks=unknown_subcommand_blocks(text), response_type="ephemeral")


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
