"""The focus-area modals: the brief's *Panel focus areas* (each panel member's standing focus
for the role) and an interview's *Focus areas* (each interviewer's focus in that interview)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.blocks.text import context, escape_mrkdwn, plain, section
from bot.slack.ids import VALUE, Callback, Field

# A modal holds at most 100 blocks: two per person and a few more.
MAX_PEOPLE = 40


def focus_field(user_id: str) -> str:
    """Block id of one person's multi-select, e.g. ``focus:U123``."""
    return f"{Field.FOCUS_PREFIX}:{user_id}"


def person_of(block_id: str) -> str | None:
    """The person a focus block id names (None for any other block id)."""
    prefix = f"{Field.FOCUS_PREFIX}:"
    return block_id[len(prefix) :] if block_id.startswith(prefix) else None


@dataclass(frozen=True)
class FocusRow:
    """One person in a focus modal: what they are asked to cover, and whether it can still
    change (an interviewer who already submitted feedback keeps what they were asked)."""

    user_id: str
    chosen: list[str]
    locked: bool = False


def _picker(user_id: str, must_haves: list[str], chosen: list[str]) -> dict[str, Any]:
    # The value is the must-have itself (at most 150 characters, Slack's limit for a value);
    # the label is cut to Slack's 75 with an ellipsis.
    choices = [
        {"text": plain(m if len(m) <= 75 else m[:74] + "…"), "value": m}
        for m in dict.fromkeys(must_haves)
    ]
    element: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": VALUE,
        "placeholder": plain("Must-haves to cover"),
        "options": choices,
    }
    initial = [o for o in choices if o["value"] in chosen]
    if initial:
        element["initial_options"] = initial
    return {
        "type": "input",
        "block_id": focus_field(user_id),
        "label": plain("Must-haves to cover"),
        "element": element,
        "optional": True,
    }


def _rows(rows: list[FocusRow], must_haves: list[str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for row in rows[:MAX_PEOPLE]:
        if row.locked:
            asked = ", ".join(escape_mrkdwn(m) for m in row.chosen) or "_nothing in particular_"
            blocks.append(
                section(
                    f"<@{row.user_id}> — feedback already in; was asked to cover: {asked}"[:3000]
                )
            )
            continue
        blocks.append(section(f"<@{row.user_id}>"))
        blocks.append(_picker(row.user_id, must_haves, row.chosen))
    return blocks


def _modal(
    callback_id: str, title: str, blocks: list[dict[str, Any]], **meta: int
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps(meta),
        "blocks": blocks,
    }


def panel_focus_modal(
    role_id: int, role_title: str, must_haves: list[str], rows: list[FocusRow]
) -> dict[str, Any]:
    """One multi-select of the brief's must-haves per panel member."""
    blocks = [
        context(
            f"Who covers what in *{escape_mrkdwn(role_title)}*'s interviews. Each panel member's "
            "focus is copied into every interview they are logged for from now on (the "
            "interview's *Focus areas* can change it there), and their feedback form asks "
            "those must-haves first."
        ),
        *_rows(rows, must_haves),
    ]
    return _modal(Callback.PANEL_FOCUS, "Panel focus areas", blocks, role=role_id)


def interview_focus_modal(
    interview_id: int, about: str, must_haves: list[str], rows: list[FocusRow]
) -> dict[str, Any]:
    """One multi-select of the interview's must-haves per interviewer, pre-filled."""
    blocks = [
        context(
            f"{escape_mrkdwn(about)}: the must-haves each interviewer is to cover. Their "
            "feedback form asks those first; someone whose feedback is already in keeps "
            "what they were asked."
        ),
        *_rows(rows, must_haves),
    ]
    return _modal(Callback.FOCUS_AREAS, "Focus areas", blocks, interview=interview_id)
