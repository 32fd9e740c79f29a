"""The retro summary that replaces the poll message: facts, ratings, then the items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.blocks.text import context, escape_mrkdwn, header, plain, section
from bot.dates import plain_date
from bot.services.retro_anonymity import RATINGS, AnonymousAggregate
from bot.slack.ids import Action

SECTION_LIMIT = 3000
MAX_ITEMS = 15
MAX_ACTION_ITEMS = 20
MESSAGE_BLOCKS = 50
LABELS = {"partnership": "Partnership", "speed": "Speed", "candidate_quality": "Candidates"}
CAPACITIES = {"recruiter": "recruiter", "hm": "hiring manager", "panel": "panel"}


@dataclass(frozen=True)
class NamedRating:
    user_id: str
    capacity: str
    partnership: int
    speed: int
    candidate_quality: int
    what_worked: str
    what_to_change: str


@dataclass(frozen=True)
class ActionItemLine:
    """One action item added from this retro, as the summary lists it."""

    text: str
    owner_id: str
    due_on: date | None
    done: bool


@dataclass(frozen=True)
class SummaryView:
    poll_id: int
    role_title: str
    facts: tuple[str, ...]
    named: tuple[NamedRating, ...]
    anonymous: AnonymousAggregate
    action_items: tuple[ActionItemLine, ...] = ()


def change_items(view: SummaryView) -> list[str]:
    """The *what to change* items the summary shows, in its order: the named ones, then the
    anonymous ones only when their aggregate is shown (empty when withheld)."""
    named = [a.what_to_change for a in view.named if a.what_to_change.strip()]
    return [*named, *view.anonymous.what_to_change][:MAX_ITEMS]


def _action_item_text(items: Sequence[ActionItemLine]) -> str:
    lines = []
    for item in items[:MAX_ACTION_ITEMS]:
        due = f" · due {plain_date(item.due_on)}" if item.due_on else ""
        state = ":white_check_mark: done" if item.done else "open"
        text = escape_mrkdwn(" ".join(item.text.split()))
        lines.append(f"• {text} — <@{item.owner_id}>{due} · _{state}_")
    if len(items) > MAX_ACTION_ITEMS:
        lines.append(f"_…and {len(items) - MAX_ACTION_ITEMS} more_")
    return ("*Action items*\n" + "\n".join(lines))[:SECTION_LIMIT]


def _items(title: str, items: Sequence[str]) -> str:
    shown = [f"• {escape_mrkdwn(i)[:280]}" for i in items[:MAX_ITEMS]]
    text = f"*{title}*\n" + ("\n".join(shown) if shown else "_nothing yet_")
    if len(items) > MAX_ITEMS:
        text += f"\n_…and {len(items) - MAX_ITEMS} more_"
    return text[:SECTION_LIMIT]


def summary_blocks(view: SummaryView) -> tuple[str, list[dict[str, Any]]]:
    title = f"Retro: {view.role_title}"
    blocks: list[dict[str, Any]] = [header(title)]
    if view.facts:
        blocks.append(section(("*What happened*\n" + "\n".join(view.facts))[:SECTION_LIMIT]))
    lines = []
    for a in view.named:
        lines.append(
            f"<@{a.user_id}> ({CAPACITIES.get(a.capacity, a.capacity)}): "
            f"partnership {a.partnership}, "
            f"speed {a.speed}, candidates {a.candidate_quality}"
        )
    if view.named:
        means = ", ".join(
            f"{LABELS[r].lower()} {sum(getattr(a, r) for a in view.named) / len(view.named):.1f}"
            for r in RATINGS
        )
        # Named and anonymous means stay apart: a combined mean would let anyone subtract.
        lines.append(f"_Named answers ({len(view.named)}): {means}_")
    anon = view.anonymous
    if anon.count and not anon.withheld:
        means = ", ".join(f"{LABELS[r].lower()} {anon.means[r]:.1f}" for r in RATINGS)
        lines.append(f"_Anonymous answers ({anon.count}): {means}_")
    blocks.append(section(("*Ratings*\n" + ("\n".join(lines) or "_no answers_"))[:SECTION_LIMIT]))
    if anon.count and anon.withheld:
        blocks.append(context(anon.withheld_note() + "."))
    worked = [a.what_worked for a in view.named if a.what_worked.strip()]
    change = [a.what_to_change for a in view.named if a.what_to_change.strip()]
    blocks.append(section(_items("What worked", [*worked, *anon.what_worked])))
    blocks.append(section(_items("What to change", [*change, *anon.what_to_change])))
    if view.action_items:
        blocks.append(section(_action_item_text(view.action_items)))
    button = {
        "type": "button",
        "text": plain("Add action item"),
        "action_id": Action.ADD_ACTION_ITEM,
        "value": str(view.poll_id),
    }
    # The button always survives the cut to Slack's 50 blocks.
    return title, [*blocks[: MESSAGE_BLOCKS - 1], {"type": "actions", "elements": [button]}]
