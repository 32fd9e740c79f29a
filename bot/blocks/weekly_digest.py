"""The weekly digest DM: the person's roles, what changed in their scorecard, what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.blocks.scorecard import figure_value
from bot.blocks.text import context, escape_mrkdwn, header, section
from bot.dates import slack_datetime
from bot.services.scorecard_metrics import Figure

MAX_LINES = 10
KIND_NAMES = {
    "feedback": "Interview feedback",
    "first_slate": "First slate",
    "resume_review": "Résumé review",
    "candidate_update": "Candidate update",
}


@dataclass(frozen=True)
class DigestRole:
    title: str
    channel_id: str | None
    days_open: int
    capacity: str  # "recruiter", "hiring manager" or "interviewer"


@dataclass(frozen=True)
class FigureChange:
    now: Figure
    week_ago: Figure | None


@dataclass(frozen=True)
class DigestContent:
    user_id: str
    roles: tuple[DigestRole, ...]
    changes: tuple[FigureChange, ...]
    # (role title, obligation kind, due at, overdue)
    owed: tuple[tuple[str, str, datetime, bool], ...]


def _capped(lines: list[str], empty: str) -> str:
    if not lines:
        return f"_{empty}_"
    shown = lines[:MAX_LINES]
    if len(lines) > MAX_LINES:
        shown.append(f"_…and {len(lines) - MAX_LINES} more_")
    return "\n".join(shown)[:2900]


def _change(change: FigureChange) -> str:
    now = figure_value(change.now)
    before = figure_value(change.week_ago) if change.week_ago is not None else "no data yet"
    moved = "unchanged" if now == before else f"was {before} a week ago"
    return f"• {escape_mrkdwn(change.now.label)}: *{now}* ({moved})"


def digest_message(content: DigestContent) -> tuple[str, list[dict[str, Any]]]:
    roles = [
        f"• {f'<#{r.channel_id}>' if r.channel_id else escape_mrkdwn(r.title)} — "
        f"{r.capacity}, open {r.days_open} days"
        for r in content.roles
    ]
    owed = [
        f"• {KIND_NAMES.get(kind, kind)} for *{escape_mrkdwn(title)}* — "
        f"{'overdue since' if overdue else 'due'} {slack_datetime(due)}"
        for title, kind, due, overdue in content.owed
    ]
    blocks = [
        header("Your week in Tandem"),
        section("*Due this week*\n" + _capped(owed, "nothing due — enjoy the week")),
        section("*Your roles*\n" + _capped(roles, "no open roles")),
        section(
            "*Your scorecard, last 90 days*\n"
            + _capped([_change(c) for c in content.changes], "no data yet")
        ),
        context("You asked for this weekly digest. `/tandem digest off` stops it."),
    ]
    text = f"Your week in Tandem: {len(content.owed)} due, {len(content.roles)} open roles"
    return text, blocks
