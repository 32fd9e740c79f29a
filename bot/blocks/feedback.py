"""The feedback modal, its thank-you view (with the panel's feedback), and the reveal post."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.blocks.inputs import radio_buttons, static_select, text_input
from bot.blocks.text import context, divider, escape_mrkdwn, header, plain, section
from bot.dates import slack_datetime
from bot.models import Feedback, Recommendation
from bot.services.feedback import (
    NICE_NOTES_FIELD,
    NOTES_FIELD,
    RATING_LABELS,
    RECOMMENDATION_FIELD,
    RECOMMENDATION_LABELS,
    rating_field,
)
from bot.slack.ids import Callback


@dataclass(frozen=True)
class FeedbackContext:
    obligation_id: int
    candidate_name: str
    role_title: str
    interview: str
    ended_at: datetime
    due_at: datetime
    must_haves: list[str]
    nice_to_haves: list[str]
    # The must-haves this interviewer was asked to cover (focus areas): asked first.
    focus: list[str] = field(default_factory=list)


def _rating_order(ctx: FeedbackContext) -> list[tuple[int, str, bool]]:
    """Each must-have with its index (its block id stays ``rating:<index>`` whatever the
    order) and whether it is a focus: the interviewer's focus first, the rest after."""
    indexed = list(enumerate(ctx.must_haves))
    focus = [(i, m, True) for i, m in indexed if m in ctx.focus]
    rest = [(i, m, False) for i, m in indexed if m not in ctx.focus]
    return focus + rest


def feedback_modal(
    ctx: FeedbackContext, prefill: dict[str, Any], *, editing: bool
) -> dict[str, Any]:
    """Recommendation, a 1–4 rating per must-have, notes. Closing keeps a draft."""
    ratings = [(str(score), label) for score, label in RATING_LABELS.items()]

    def rating(index: int, must_have: str, focused: bool) -> dict[str, Any]:
        block = static_select(
            rating_field(index),
            (f"Your focus: {must_have}" if focused else f"Must-have: {must_have}")[:2000],
            ratings,
            initial=str(prefill.get(rating_field(index)))
            if prefill.get(rating_field(index))
            else None,
            hint="You were asked to cover this one: leave it empty only if the interview "
            "could not assess it."
            if focused
            else "Leave empty if this interview did not assess it.",
        )
        block["optional"] = True
        return block

    blocks: list[dict[str, Any]] = [
        section(
            f"*{escape_mrkdwn(ctx.candidate_name)}* — {escape_mrkdwn(ctx.interview)} for "
            f"*{escape_mrkdwn(ctx.role_title)}*, ended {slack_datetime(ctx.ended_at)}. "
            f"Due {slack_datetime(ctx.due_at)}."
        ),
        context(
            "Your feedback is yours alone until you submit: nobody's answers are shown before theirs is in."
        ),
    ]
    order = _rating_order(ctx)
    # The must-haves this interviewer was asked to cover come first, before the verdict.
    focus = [(i, m) for i, m, focused in order if focused]
    if focus:
        asked = ", ".join(escape_mrkdwn(m) for _, m in focus)
        blocks.append(
            section(f":dart: *You were asked to cover:* {asked} — rate these first."[:3000])
        )
        blocks += [rating(i, m, True) for i, m in focus]
    blocks.append(
        radio_buttons(
            RECOMMENDATION_FIELD,
            "Recommendation",
            [(r.value, RECOMMENDATION_LABELS[r]) for r in Recommendation],
            initial=prefill.get(RECOMMENDATION_FIELD),
        )
    )
    blocks += [rating(i, m, False) for i, m, focused in order if not focused]
    if ctx.nice_to_haves:
        blocks.append(
            text_input(
                NICE_NOTES_FIELD,
                "Nice-to-haves (" + ", ".join(ctx.nice_to_haves)[:150] + ")",
                initial=prefill.get(NICE_NOTES_FIELD),
                multiline=True,
                optional=True,
            )
        )
    blocks.append(
        text_input(
            NOTES_FIELD, "Notes", initial=prefill.get(NOTES_FIELD), multiline=True, optional=True
        )
    )
    return {
        "type": "modal",
        "callback_id": Callback.FEEDBACK,
        "title": plain("Edit feedback" if editing else "Interview feedback"),
        "submit": plain("Save changes" if editing else "Submit"),
        "close": plain("Later"),
        "notify_on_close": True,
        "private_metadata": json.dumps({"obligation": ctx.obligation_id}),
        "blocks": blocks,
    }


def _feedback_line(feedback: Feedback) -> str:
    recommendation = (
        RECOMMENDATION_LABELS.get(Recommendation(feedback.recommendation), "?")
        if feedback.recommendation
        else "?"
    )
    ratings = (
        ", ".join(f"{escape_mrkdwn(k)}: {v}" for k, v in (feedback.ratings or {}).items())
        or "no ratings"
    )
    notes = f"\n>{escape_mrkdwn(feedback.notes[:500])}" if feedback.notes else ""
    return f"*<@{feedback.interviewer_id}>*: {recommendation} ({ratings}){notes}"


def thanks_view(candidate_name: str, others: list[Feedback] | None, first: bool) -> dict[str, Any]:
    """After submitting: the panel's feedback so far, now that theirs is in — or, when the
    person still owes feedback for a later interview with the candidate (``None``), why not."""
    blocks: list[dict[str, Any]] = [
        section(
            ":white_check_mark: Thanks — your feedback is in."
            if first
            else ":pencil2: Your changes are saved (recorded as an edit)."
        ),
        divider(),
        header(f"Panel feedback on {candidate_name}"[:150]),
    ]
    if others is None:
        blocks.append(
            context(
                "You will see the panel's feedback once your feedback for your latest "
                "interview with them is in, so nothing anchors it."
            )
        )
    elif others:
        blocks += [section(_feedback_line(f)[:3000]) for f in others[:40]]
    else:
        blocks.append(context("Nobody else has submitted yet."))
    return {
        "type": "modal",
        "title": plain("Interview feedback"),
        "close": plain("Close"),
        "blocks": blocks,
    }


def reveal_message(
    *,
    candidate: str,
    interview: str,
    ended_at: datetime,
    submitted: list[Feedback],
    missing: list[str],
    unassessed: list[str],
    uncovered: list[str] | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """The round's recommendations, together, in the role's channel (details stay in the app)."""
    lines = [
        f"• <@{f.interviewer_id}>: *{RECOMMENDATION_LABELS.get(Recommendation(f.recommendation), '?') if f.recommendation else '?'}*"
        for f in submitted
    ]
    lines += [f"• <@{user}>: _not submitted by the due time_" for user in missing]
    # The kind and day tell two rounds of one candidate apart (a second technical interview).
    text = (
        f"Panel recommendations for {escape_mrkdwn(candidate)} — {escape_mrkdwn(interview)} "
        f"of {slack_datetime(ended_at)}"
    )
    blocks: list[dict[str, Any]] = [
        section(
            f":ballot_box_with_ballot: *{text}* ({slack_datetime(ended_at)})\n" + "\n".join(lines)
        ),
    ]
    if unassessed:
        blocks.append(
            section(
                ":mag: *Not assessed by anyone yet:* "
                + ", ".join(escape_mrkdwn(m) for m in unassessed)
                + " — cover these before deciding."
            )
        )
    if uncovered:
        blocks.append(
            section(
                (
                    ":dart: *Must-haves nobody was asked to cover:* "
                    + ", ".join(escape_mrkdwn(m) for m in uncovered)
                    + " — give them to someone in the next round (*Focus areas*)."
                )[:3000]
            )
        )
    blocks.append(
        context(
            "Revealed together once the whole round answered or its due time passed. Details stay in Tandem."
        )
    )
    return text, blocks


def late_recommendation_message(
    *, candidate: str, interview: str, feedback: Feedback, ended_at: datetime | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """A recommendation that arrived after the round was revealed without it."""
    recommendation = (
        RECOMMENDATION_LABELS.get(Recommendation(feedback.recommendation), "?")
        if feedback.recommendation
        else "?"
    )
    of = f" of {slack_datetime(ended_at)}" if ended_at else ""
    text = (
        f":hourglass: Late recommendation for {escape_mrkdwn(candidate)} — {escape_mrkdwn(interview)}{of}: "
        f"<@{feedback.interviewer_id}>: *{recommendation}*"
    )
    return text, [section(text)]
