"""The weekly check-in post, its reminder, and the skip / reschedule modals."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.blocks.inputs import static_select, text_input, time_picker
from bot.blocks.text import context, escape_mrkdwn, plain, section
from bot.dates import slack_datetime
from bot.services.brief import WEEKDAYS
from bot.services.checkin_summary import Summary
from bot.slack.ids import Action, Callback


def checkin_message(
    *,
    role_id: int,
    title: str,
    recruiter_id: str,
    hiring_manager_id: str,
    summary: Summary,
    target: str,
) -> tuple[str, list[dict[str, Any]]]:
    """A short post: the pipeline in numbers first, then three questions to both sides."""
    stages = (
        " · ".join(f"{name} {count}" for name, count in summary.per_stage) or "no candidates yet"
    )
    facts = [
        f"*Pipeline:* {stages}",
        f"*Interviews, last 7 days:* {summary.interviews_last_7_days}",
    ]
    if summary.feedback_overdue:
        owed = ", ".join(f"<@{user}> ({count})" for user, count in summary.feedback_overdue)
        facts.append(f"*Feedback overdue:* {owed}")
    if summary.commitments_overdue:
        owed = ", ".join(f"<@{user}> ({what})" for user, what in summary.commitments_overdue)
        facts.append(f"*Commitments overdue:* {owed}")
    if summary.days_to_target >= 0:
        facts.append(
            f"*Open {summary.days_open} days* · {summary.days_to_target} days to the target date ({target})"
        )
    else:
        facts.append(
            f"*Open {summary.days_open} days* · {-summary.days_to_target} days past the target date ({target})"
        )
    if summary.brief_changes:
        facts.append(
            "*Brief changed since last week:* "
            + ", ".join(escape_mrkdwn(c) for c in summary.brief_changes[:8])
        )
    text = f"Weekly check-in: {escape_mrkdwn(title)}"
    blocks = [
        section(f":spiral_calendar_pad: *{text}*\n" + "\n".join(facts)),
        section(
            f"<@{recruiter_id}> <@{hiring_manager_id}> — reply in this thread: *what moved*, "
            "*what is blocked*, and *does the brief need to change?*"
        ),
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": plain("Skip next week"),
                    "action_id": Action.SKIP_CHECKIN,
                    "value": str(role_id),
                },
                {
                    "type": "button",
                    "text": plain("Change day or time"),
                    "action_id": Action.MOVE_CHECKIN,
                    "value": str(role_id),
                },
            ],
        },
        context(
            "Replies here are recorded as this check-in's answers. Tandem reminds whoever has not replied within one working day, once."
        ),
    ]
    return text, blocks


def reminder_message(user_ids: list[str], posted_at: datetime) -> tuple[str, list[dict[str, Any]]]:
    """One reminder in the thread, mentioning everyone who has not replied."""
    who = " and ".join(f"<@{u}>" for u in user_ids)
    yours = "your replies" if len(user_ids) > 1 else "your reply"
    text = (
        f"{who}, this check-in went out {slack_datetime(posted_at)} and is still waiting for "
        f"{yours}: what moved, what is blocked, does the brief need to change?"
    )
    return text, [section(text)]


def skip_modal(role_id: int, week: str, when: datetime, thread: str | None) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": Callback.SKIP_CHECKIN,
        "title": plain("Skip a check-in"),
        "submit": plain("Skip it"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"role": role_id, "week": week, "thread": thread}),
        "blocks": [
            section(f"Skip the check-in of {slack_datetime(when)} (week {week[-2:]})."),
            text_input(
                "skip_reason",
                "Why?",
                multiline=True,
                max_length=500,
                placeholder="e.g. both of us are at the offsite",
            ),
        ],
    }


def skipped_note(user_id: str, when: datetime, reason: str) -> tuple[str, list[dict[str, Any]]]:
    text = f":fast_forward: <@{user_id}> skipped the check-in of {slack_datetime(when)}: {escape_mrkdwn(reason)}"
    return text, [section(text)]


def move_modal(role_id: int, weekday: int, at: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": Callback.MOVE_CHECKIN,
        "title": plain("Check-in day and time"),
        "submit": plain("Save revision"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"role": role_id}),
        "blocks": [
            context(
                "This is part of the contract: saving makes a new brief revision the other side acknowledges."
            ),
            static_select(
                "checkin_day",
                "Day",
                [(str(i), d) for i, d in enumerate(WEEKDAYS)],
                initial=str(weekday),
            ),
            time_picker(
                "checkin_time", "Time", initial=at, hint="In the hiring manager's time zone."
            ),
        ],
    }
