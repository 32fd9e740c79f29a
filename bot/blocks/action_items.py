"""The *Add action item* modal (from a retro summary) and the kickoff's read-only list of a
pair's open action items."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.blocks.inputs import date_picker, text_input
from bot.blocks.text import context, escape_mrkdwn, mrkdwn, plain, section
from bot.dates import plain_date
from bot.models import ActionItem
from bot.slack.ids import VALUE, Callback, Field

TEXT_LIMIT = 300  # ActionItem.text is String(300)
MAX_CHOICES = 100  # Slack's limit on a static select's options
KICKOFF_ITEMS_SHOWN = 10


def _label(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 75 else flat[:74] + "…"


def action_item_modal(
    *,
    poll_id: int,
    role_title: str,
    changes: Sequence[str],
    recruiter_id: str,
    hiring_manager_id: str,
    owner_id: str | None,
) -> dict[str, Any]:
    """Turn a *what to change* item (or anything else the pair agrees on) into an action
    item: what, who owns it (the recruiter or the HM), and by when (optional)."""
    blocks: list[dict[str, Any]] = [
        context(
            f"An action item from the retro of *{escape_mrkdwn(role_title)}*. It comes back "
            "when the same recruiter and hiring manager kick off their next role."
        )
    ]
    if changes:
        options = [
            {"text": plain(_label(item)), "value": str(index)}
            for index, item in enumerate(changes[:MAX_CHOICES])
        ]
        blocks.append(
            {
                "type": "input",
                "block_id": Field.ACTION_FROM_RETRO,
                "label": plain("From the retro's what to change"),
                "element": {"type": "static_select", "action_id": VALUE, "options": options},
                "optional": True,
                "hint": plain("Pick one, or leave empty and say it below."),
            }
        )
    blocks.append(
        text_input(
            Field.ACTION_TEXT,
            "What will you do differently?",
            multiline=True,
            optional=bool(changes),
            max_length=TEXT_LIMIT,
            hint="Required unless you picked an item above (which is used as it is).",
        )
    )
    owners = [(recruiter_id, "recruiter")]
    if hiring_manager_id != recruiter_id:
        owners.append((hiring_manager_id, "hiring manager"))
    choices = [{"text": mrkdwn(f"<@{user}> ({side})"), "value": user} for user, side in owners]
    owner: dict[str, Any] = {"type": "radio_buttons", "action_id": VALUE, "options": choices}
    chosen = [c for c in choices if c["value"] == owner_id]
    if chosen:
        owner["initial_option"] = chosen[0]
    blocks.append(
        {
            "type": "input",
            "block_id": Field.ACTION_OWNER,
            "label": plain("Owner"),
            "element": owner,
            "optional": False,
        }
    )
    due = date_picker(Field.ACTION_DUE, "Due date", hint="Optional; within a year.")
    due["optional"] = True
    blocks.append(due)
    return {
        "type": "modal",
        "callback_id": Callback.ACTION_ITEM,
        "title": plain("Add action item"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"poll": poll_id}, separators=(",", ":")),
        "blocks": blocks,
    }


def item_line(item: ActionItem) -> str:
    due = f" · due {plain_date(item.due_on)}" if item.due_on else ""
    return f"• {escape_mrkdwn(' '.join(item.text.split()))} — <@{item.owner_id}>{due}"


def kickoff_items_blocks(partner_id: str, items: Sequence[ActionItem]) -> list[dict[str, Any]]:
    """Read-only: what this pair agreed to do differently, at the top of the kickoff's step 2
    (the first step that knows both of them). Marked done from the new brief."""
    if not items:
        return []
    lines = "\n".join(item_line(i) for i in items[:KICKOFF_ITEMS_SHOWN])
    blocks = [section(f"*From your last retro with <@{partner_id}>:*\n{lines}"[:3000])]
    more = len(items) - KICKOFF_ITEMS_SHOWN
    if more > 0:
        blocks.append(context(f"…and {more} more, oldest first."))
    blocks.append(context("The new brief shows them with *Mark done*, for either of you."))
    return blocks
