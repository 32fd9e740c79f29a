"""The scorecard as people read it: every figure in text (for screen readers and
notifications — the chart repeats, never replaces, them), "no data yet" where there is none,
each with the count it rests on, and a published reference beside the two figures that have
one, labelled as context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.blocks.text import context, escape_mrkdwn, header, section
from bot.services.scorecard_metrics import Figure

SECTION_LIMIT = 3000
NO_DATA = "no data yet"


def figure_value(figure: Figure) -> str:
    """``11 days``, ``84%``, ``4.2/5``, ``1.5 working days``, ``2.0`` — or "no data yet"."""
    if figure.value is None:
        return NO_DATA
    value = figure.value
    if figure.unit == "%":
        return f"{value:.0f}%"
    if figure.unit == "/5":
        return f"{value:.1f}/5"
    if figure.unit == "ratio":
        return f"{value:.1f} : 1"
    number = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{number} {figure.unit}"


@dataclass(frozen=True)
class ScorecardView:
    title: str  # plain text: "Staff Data Engineer", "You", "The whole team", "A pair"
    period_label: str
    figures: tuple[Figure, ...]
    note: str = ""
    who: str = ""  # mrkdwn Tandem wrote, e.g. "<@U1> (hiring manager) and <@U2> (recruiter)"


def scorecard_text(view: ScorecardView, references: Callable[[str], str | None]) -> str:
    """The scorecard as one mrkdwn text: the message's text and the chart's comment."""
    lines = [f"*Scorecard — {escape_mrkdwn(view.title)}* · {escape_mrkdwn(view.period_label)}"]
    if view.who:
        lines.append(view.who)
    for figure in view.figures:
        lines.append(_line(figure, references(figure.key)))
    if view.note:
        lines.append(f"_{view.note}_")
    return "\n".join(lines)[: SECTION_LIMIT * 3]


def _line(figure: Figure, reference: str | None) -> str:
    basis = f" ({figure.count})" if figure.value is not None else ""
    label = figure.label
    # Labels Tandem wrote may carry a person's mention; anything else is escaped.
    safe = label if label.count("<@") == 1 and label.endswith(">") else escape_mrkdwn(label)
    line = f"• {safe}: *{figure_value(figure)}*{basis}"
    if reference:
        line += f" — _{escape_mrkdwn(reference)}_"
    return line


def scorecard_blocks(
    view: ScorecardView, references: Callable[[str], str | None]
) -> tuple[str, list[dict[str, Any]]]:
    """The ephemeral answer: a header and the figures in sections of at most 3,000 chars."""
    text = scorecard_text(view, references)
    blocks: list[dict[str, Any]] = [header(f"Scorecard — {view.title}"[:150])]
    chunk: list[str] = []
    for line in text.split("\n")[1:]:
        if sum(len(c) + 1 for c in chunk) + len(line) > SECTION_LIMIT - 10:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    blocks.append(context(f"{escape_mrkdwn(view.period_label)} · counts in brackets"))
    return text.split("\n")[0], blocks[:50]


# Breakdowns shown only when they have data (their totals always show, "no data yet" included).
_BREAKDOWNS = (
    "quality_of_hire:",
    "contract_kept:first_slate:",
    "contract_kept:resume_review:",
    "contract_kept:candidate_update:",
)


def pick(figures: Sequence[Figure], *, per_person: bool) -> tuple[Figure, ...]:
    """The figures a view shows: per-person feedback figures only where the viewer may see
    them (their own, or the people of a role they share); a breakdown line (per kind of
    commitment, per quality-of-hire day) only when it has data."""
    return tuple(
        f
        for f in figures
        if (per_person or not f.key.startswith("feedback_on_time:person:"))
        and not (f.value is None and f.key.startswith(_BREAKDOWNS))
    )
