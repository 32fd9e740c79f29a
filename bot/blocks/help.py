"""The help text of ``/tandem help`` and the App Home welcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.blocks.text import context, divider, escape_mrkdwn, header, section
from bot.slack.ids import Command


@dataclass(frozen=True)
class CommandHelp:
    usage: str
    description: str


def command_help() -> list[CommandHelp]:
    """Every command a person can type, with what it does."""
    return [
        CommandHelp(
            f"{Command.KICKOFF} [role title]",
            "Open the kickoff brief for a new role: the brief, the two-sided collaboration "
            "contract and the hiring plan, posted and pinned in a shared channel.",
        ),
        CommandHelp(
            f"{Command.SCORECARD} [me | team | @hm @recruiter] [30d | quarter | from..to]",
            "The shared scorecard: in a role's channel, posted there for both sides; for you, "
            "the team or a pair, only to you (the chart in your DM).",
        ),
        CommandHelp(f"{Command.TANDEM} help", "Show this list."),
        CommandHelp(
            f"{Command.TANDEM} quiet [HH:MM-HH:MM] [mon-fri] | digest <morning | twice> | reset",
            "Show or change your own working hours and days (09:00–18:00, Monday to Friday "
            "by default) and whether digests come in the morning only. Tandem DMs you only "
            "then, and new due times fall inside them.",
        ),
        CommandHelp(
            f"{Command.TANDEM} digest <on | off>",
            "A weekly DM, Monday at 09:00 your time: your roles, what changed in your "
            "scorecard and what is due this week.",
        ),
        CommandHelp(
            f"{Command.TANDEM} forget-candidate",
            "Recruiters and admins: erase a candidate's name, links and feedback notes "
            "(asks you to confirm; the scorecard's counts stay).",
        ),
        CommandHelp(
            f"{Command.TANDEM} quiet default [HH:MM-HH:MM] [mon-fri] | digest … | reset",
            "Admins: the workspace's default working hours, for everyone who has not set their "
            "own.",
        ),
        CommandHelp(
            f"{Command.TANDEM} holidays <country code | off>",
            "Admins: make a country's public holidays non-working days for due times and nudges.",
        ),
        CommandHelp(
            f"{Command.TANDEM} names <initials | full>",
            "Admins: how channel posts name candidates (initials by default).",
        ),
        CommandHelp(
            f"{Command.TANDEM} retro anonymity <3–20 | default>",
            "Admins: how many people must answer a retro anonymously before the summary shows "
            "their answers (3 by default; never fewer).",
        ),
        CommandHelp(
            f"{Command.TANDEM} retro quality-checks <days, e.g. 30,60,90 | default>",
            "Admins: how many days after a hire's start date the hiring manager is asked how "
            "the hire is doing (30, 60 and 90 by default).",
        ),
    ]


def help_blocks() -> list[dict[str, Any]]:
    """The ephemeral answer to ``/tandem help`` (and to ``/tandem`` with unknown text)."""
    lines = [f"*`{entry.usage}`*\n{entry.description}" for entry in command_help()]
    return [
        header("Tandem commands"),
        section(
            "Tandem keeps recruiters and hiring managers to the agreement they write down "
            "at kickoff."
        ),
        divider(),
        *[section(line) for line in lines],
        context("Only you can see this message."),
    ]


def help_text() -> str:
    """The notification fallback for :func:`help_blocks`."""
    return "Tandem commands: " + ", ".join(entry.usage for entry in command_help())


def unknown_subcommand_blocks(text: str) -> list[dict[str, Any]]:
    """Help, introduced by a line saying the text was not understood."""
    shown = escape_mrkdwn(text[:100])
    return [section(f"I don't know `{shown}` — here is what I can do."), *help_blocks()]


def home_blocks() -> list[dict[str, Any]]:
    """The welcome: the Home tab of a person on no role who owes nothing."""
    return [
        header("Welcome to Tandem"),
        section(
            "Tandem writes down the agreement between recruiter and hiring manager at kickoff, "
            "keeps both sides to it in Slack, and measures it with one shared scorecard."
        ),
        divider(),
        *[section(f"*`{e.usage}`*\n{e.description}") for e in command_help()],
    ]
