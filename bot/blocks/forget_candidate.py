"""The two modals of ``/tandem forget-candidate``: pick the candidate, then confirm exactly
what will be erased (it cannot be undone)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.blocks.inputs import external_select, option_list
from bot.blocks.text import context, escape_mrkdwn, header, plain, section
from bot.slack.ids import Callback, Suggestion

if TYPE_CHECKING:
    from bot.services.forget_candidate import Erasure

PICK_FIELD = "forget_candidate"
TITLE = "Erase a candidate"


def _modal(callback_id: str, submit: str, blocks: list[dict[str, Any]], **meta: int) -> dict:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(TITLE),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "private_metadata": json.dumps(meta, separators=(",", ":")),
        "blocks": blocks,
    }


def picker_view() -> dict[str, Any]:
    """Step 1: which candidate (searched among those the person may erase)."""
    blocks = [
        section(
            "Erase a candidate's personal data at their request. Pick them here; the next "
            "step shows exactly what will be erased before anything is."
        ),
        external_select(
            PICK_FIELD,
            "Candidate",
            action_id=Suggestion.FORGET_CANDIDATE,
            placeholder="Type a name or a role",
            hint="Candidates of the roles you recruit for (every role, for a workspace admin).",
        ),
    ]
    return _modal(Callback.FORGET_PICK, "Next", blocks)


def options(rows: list[tuple[int, str, str]]) -> list[dict[str, Any]]:
    """The picker's options: ``(candidate id, name, role title)``."""
    return option_list([(str(i), f"{name} — {title}") for i, name, title in rows])


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def confirm_view(erasure: Erasure) -> dict[str, Any]:
    """Step 2: what will be erased, what stays, and that it cannot be undone."""
    name = escape_mrkdwn(erasure.name)
    erased = [
        f"• the name *{name}* and its initials — from now on Tandem shows "
        f"*Candidate #{erasure.candidate_id}*",
        "• the ATS profile link" if erasure.has_link else "• the ATS profile link (none recorded)",
        "• the free-text notes of "
        + _plural(erasure.feedback_notes, "interviewer's feedback", "interviewers' feedback")
        + " (drafts included)",
        "• the name wherever it was typed about the role (check-in replies, retro answers, "
        "action items) and in the role's timeline",
        "• the name in "
        + _plural(erasure.messages, "message", "messages")
        + " Tandem posted in Slack (channel posts and DMs are edited)",
    ]
    kept = (
        "Stays, with no name: the candidate's stages, interviews, recommendations, ratings and "
        "survey score, so the scorecard's figures do not change. The role's timeline records "
        "who erased a candidate and when."
    )
    blocks = [
        header(f"Erase {erasure.name}?"),
        section(f"Candidate for *{escape_mrkdwn(erasure.role_title)}*. This erases:"),
        section("\n".join(erased)),
        context(escape_mrkdwn(kept)),
        section("*This cannot be undone.*"),
    ]
    return _modal(Callback.FORGET_CONFIRM, "Erase for good", blocks, candidate=erasure.candidate_id)


def done_text(candidate_id: int) -> str:
    return (
        f"Erased. The candidate is now *Candidate #{candidate_id}*; Tandem's messages that "
        "named them are being edited in Slack."
    )
