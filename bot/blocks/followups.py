"""The follow-ups' messages and modals: the HM's quality-of-hire DM and its modal, and the
recruiter's candidate-experience score modal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.blocks.inputs import external_select, radio_buttons, static_select
from bot.blocks.text import context, escape_mrkdwn, plain, section
from bot.dates import plain_date
from bot.slack.ids import Action, Callback, Suggestion

RATING_FIELD = "quality_rating"
PREDICTED_FIELD = "must_haves_predicted"
SURVEY_CANDIDATE_FIELD = "survey_candidate"
SURVEY_SCORE_FIELD = "survey_score"

RATINGS = [
    ("1", "1 — not working out"),
    ("2", "2 — struggling"),
    ("3", "3 — as expected"),
    ("4", "4 — doing well"),
    ("5", "5 — outstanding"),
]
PREDICTED = [("yes", "Yes"), ("partly", "Partly"), ("no", "No")]
SURVEY_SCORES = [
    ("1", "1 — very poor"),
    ("2", "2 — poor"),
    ("3", "3 — fine"),
    ("4", "4 — good"),
    ("5", "5 — excellent"),
]


@dataclass(frozen=True)
class CheckContent:
    """What a quality-of-hire DM is about."""

    check_id: int
    role_title: str
    candidate_name: str
    days_after: int
    start_on: date
    rating: int | None = None
    predicted: str | None = None


def _about(content: CheckContent) -> str:
    return (
        f"*{escape_mrkdwn(content.candidate_name)}* started as "
        f"*{escape_mrkdwn(content.role_title)}* on {plain_date(content.start_on)} — "
        f"{content.days_after} days ago."
    )


def quality_check_dm(content: CheckContent) -> tuple[str, list[dict[str, Any]]]:
    """The DM asking the HM how the hire is doing (a button opens the two questions)."""
    text = f"How is {content.candidate_name} doing, {content.days_after} days in?"
    blocks = [
        section(f":seedling: {_about(content)} How are they doing?"),
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": plain("Answer (2 questions)"),
                    "action_id": Action.QUALITY_CHECK,
                    "value": str(content.check_id),
                    "style": "primary",
                }
            ],
        },
        context(
            "A 1–5 rating and whether the must-haves predicted it. Only you are asked; your "
            "answer is kept with the role's history for the recruiting team and you."
        ),
    ]
    return text[:3000], blocks


def quality_check_thanks(content: CheckContent) -> tuple[str, list[dict[str, Any]]]:
    """The DM once answered: thanks, and what was recorded (no button any more)."""
    predicted = dict(PREDICTED).get(content.predicted or "", "—")
    text = f"Thanks — recorded {content.rating}/5 for {content.candidate_name}."
    blocks = [
        section(f":white_check_mark: Thanks! {_about(content)}"),
        context(f"Doing: {content.rating}/5 · must-haves predicted it: {predicted}"),
    ]
    return text[:3000], blocks


def quality_check_modal(content: CheckContent) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": Callback.QUALITY_CHECK,
        "title": plain("Quality of hire"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"quality_check": content.check_id}),
        "blocks": [
            section(_about(content)),
            static_select(
                RATING_FIELD,
                "How are they doing?",
                RATINGS,
                initial=str(content.rating) if content.rating else None,
            ),
            radio_buttons(
                PREDICTED_FIELD,
                "Did the must-haves predict how they are doing?",
                PREDICTED,
                initial=content.predicted,
            ),
        ],
    }


def survey_score_modal(role_id: int, role_title: str) -> dict[str, Any]:
    """*Record survey score*: one candidate of the role and their 1–5 score."""
    return {
        "type": "modal",
        "callback_id": Callback.SURVEY_SCORE,
        "title": plain("Record survey score"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"role": role_id}),
        "blocks": [
            section(f"Candidate-experience survey for *{escape_mrkdwn(role_title)}*."),
            external_select(
                SURVEY_CANDIDATE_FIELD,
                "Candidate",
                action_id=Suggestion.CANDIDATE,
                placeholder="Type a name to search",
            ),
            static_select(SURVEY_SCORE_FIELD, "Their survey score", SURVEY_SCORES),
            context("A new score replaces the candidate's earlier one."),
        ],
    }
