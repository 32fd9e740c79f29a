"""The retro summary that replaces the poll message: facts, ratings, then the items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.blocks.text import context, escape_mrkdwn, header, section
from bot.services.retro_anonymity import RATINGS, AnonymousAggregate

SECTION_LIMIT = 3000
MAX_ITEMS = 15
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
class SummaryView:
    poll_id: int
    role_title: str
    facts: tuple[str, ...]
    named: tuple[NamedRating, ...]
    anonymous: AnonymousAggregate


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
    # *Add action item* joins the summary with the action-item modal (issue 12 continues).
    return title, blocks[:50]
