"""The retro poll message (updated in place with who has answered) and its answer modal.

The poll says, before anyone answers, who can see what: named answers appear in the
summary with the person's name; anonymous ones only as averages and unattributed items,
and only once enough people answered anonymously.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.blocks.inputs import checkbox, static_select, text_input
from bot.blocks.text import context, escape_mrkdwn, header, plain, section
from bot.dates import slack_datetime
from bot.slack.ids import Action, Callback
from bot.slack.ids import Field as F

WHAT_LIMIT = 1000
ANONYMOUS_VALUE = "anonymous"

# The partnership question, by whose view the answer gives: satisfaction is two-way.
PARTNERSHIP_QUESTION = {
    "hm": "How was the recruiting partnership?",
    "recruiter": "How responsive and clear was the hiring manager?",
    "panel": "How well did the recruiter and the hiring manager work together?",
}
RATING_CHOICES = {
    F.RETRO_PARTNERSHIP: ["1 — poor", "2 — weak", "3 — fine", "4 — good", "5 — excellent"],
    F.RETRO_SPEED: ["1 — far too slow", "2 — slow", "3 — fine", "4 — quick", "5 — very quick"],
    F.RETRO_CANDIDATES: ["1 — poor", "2 — weak", "3 — fine", "4 — good", "5 — excellent"],
}
OUTCOME_WORDS = {"filled": "was filled", "cancelled": "was cancelled"}


@dataclass(frozen=True)
class PollView:
    poll_id: int
    role_title: str
    outcome: str
    recruiter_id: str
    hiring_manager_id: str
    panel: tuple[str, ...]
    threshold: int
    closes_at: datetime
    # Named answerers only: an anonymous answer is counted, never named.
    answered_by: tuple[str, ...]
    anonymous_count: int
    invited_count: int


def _mentions(user_ids: tuple[str, ...]) -> str:
    return ", ".join(f"<@{u}>" for u in user_ids)


def who_sees_what(threshold: int) -> str:
    return (
        "*Who sees what:* a named answer appears in the summary here with your name. "
        "An anonymous answer is stored without your name (only a keyed code that stops a "
        "second answer) and appears only in averages and as unattributed items in "
        f"random order, and only once at least {threshold} people have answered "
        "anonymously; until then anonymous answers are withheld. Nobody sees anything "
        "before the summary."
    )


def _progress(view: PollView) -> str:
    answered = len(view.answered_by) + view.anonymous_count
    parts = []
    if view.answered_by:
        parts.append(_mentions(view.answered_by))
    if view.anonymous_count:
        parts.append(f"{view.anonymous_count} anonymously")
    so_far = " · ".join(parts) if parts else "nobody yet"
    return f"*Answered so far ({answered} of {view.invited_count}):* {so_far}"


def poll_message(view: PollView) -> tuple[str, list[dict[str, Any]]]:
    """The poll as posted and as updated after each answer."""
    title = escape_mrkdwn(view.role_title)
    ended = OUTCOME_WORDS.get(view.outcome, "is closed")
    people = f"<@{view.recruiter_id}> (recruiter), <@{view.hiring_manager_id}> (hiring manager)"
    if view.panel:
        people += f" and the panel: {_mentions(view.panel)}"
    blocks: list[dict[str, Any]] = [
        header(f"Retro: {view.role_title}"[:150]),
        section(
            f"*{title}* {ended}. Two minutes to look back together, {people}: three 1–5 "
            "ratings, what worked and what to change. What you agree to change comes back "
            "at your next kickoff."
        ),
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": plain("Answer the retro"),
                    "action_id": Action.RETRO_ANSWER,
                    "value": str(view.poll_id),
                    "style": "primary",
                }
            ],
        },
        context(who_sees_what(view.threshold)),
        section(_progress(view)),
        context(
            "The summary replaces this message when everyone has answered, or at the latest "
            f"{slack_datetime(view.closes_at)}. "
            "Answering again edits your answer until then."
        ),
    ]
    text = f"Retro: {view.role_title} — please answer the poll"
    return text[:3000], blocks


@dataclass(frozen=True)
class AnswerForm:
    poll_id: int
    role_title: str
    capacity: str
    threshold: int
    partnership: int | None = None
    speed: int | None = None
    candidate_quality: int | None = None
    what_worked: str = ""
    what_to_change: str = ""
    anonymous: bool = False


def _rating(block_id: F, label: str, initial: int | None) -> dict[str, Any]:
    choices = [(str(i + 1), text) for i, text in enumerate(RATING_CHOICES[block_id])]
    return static_select(block_id, label, choices, initial=str(initial) if initial else None)


def answer_modal(form: AnswerForm) -> dict[str, Any]:
    """The answer modal, pre-filled with the person's earlier answer (named or their own
    anonymous one) so a second submit edits it."""
    blocks = [
        section(f"Retro for *{escape_mrkdwn(form.role_title)}*. Each rating is 1 (poor) to 5."),
        _rating(F.RETRO_PARTNERSHIP, PARTNERSHIP_QUESTION[form.capacity], form.partnership),
        _rating(F.RETRO_SPEED, "How was the speed of the process?", form.speed),
        _rating(F.RETRO_CANDIDATES, "How was the quality of candidates?", form.candidate_quality),
        text_input(
            F.RETRO_WORKED,
            "What worked?",
            initial=form.what_worked or None,
            multiline=True,
            optional=True,
            max_length=WHAT_LIMIT,
        ),
        text_input(
            F.RETRO_CHANGE,
            "What to change next time?",
            initial=form.what_to_change or None,
            multiline=True,
            optional=True,
            max_length=WHAT_LIMIT,
            hint="The recruiter and hiring manager can turn these into action items.",
        ),
        checkbox(
            F.RETRO_ANONYMOUS,
            "Anonymity",
            ANONYMOUS_VALUE,
            "Answer anonymously",
            checked=form.anonymous,
        ),
        context(who_sees_what(form.threshold)),
    ]
    return {
        "type": "modal",
        "callback_id": Callback.RETRO_ANSWER,
        "title": plain("Retro"),
        "submit": plain("Save answer"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"poll": form.poll_id}),
        "blocks": blocks,
    }


def saved_text(anonymous: bool, edited: bool) -> str:
    how = "anonymously — it is stored without your name" if anonymous else "with your name"
    verb = "updated" if edited else "saved"
    return (
        f"Thanks — your answer is {verb}, {how}. You can change it from the poll's button "
        "until the summary is posted."
    )
