"""Nudge DMs (single or digest) and channel escalations. Every item says why it was sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.blocks.text import context, escape_mrkdwn, header, section
from bot.dates import slack_datetime
from bot.models import NudgeKind, ObligationKind
from bot.slack.ids import Action


@dataclass(frozen=True)
class NudgeItem:
    """One rung to announce, with everything its text needs."""

    nudge_id: int
    obligation_id: int
    nudge_kind: NudgeKind
    obligation_kind: ObligationKind
    role_id: int
    role_title: str
    channel_id: str | None
    owner_id: str
    hiring_manager_id: str
    due_at: datetime
    candidate: str | None = None
    interview: str | None = None
    interview_ended_at: datetime | None = None
    terms: str = ""


def _what(item: NudgeItem) -> str:
    role = f"*{escape_mrkdwn(item.role_title)}*"
    candidate = escape_mrkdwn(item.candidate or "a candidate")
    if item.obligation_kind == ObligationKind.FEEDBACK:
        ended = (
            f", ended {slack_datetime(item.interview_ended_at)}" if item.interview_ended_at else ""
        )
        return f"feedback on *{candidate}* ({escape_mrkdwn(item.interview or 'interview')}{ended}) for {role}"
    if item.obligation_kind == ObligationKind.RESUME_REVIEW:
        return f"a review of *{candidate}*'s profile for {role}"
    if item.obligation_kind == ObligationKind.CANDIDATE_UPDATE:
        return f"an update to *{candidate}* after their {escape_mrkdwn(item.interview or 'interview')} for {role}"
    return f"the first slate for {role} ({escape_mrkdwn(item.terms)})"


def _why(item: NudgeItem) -> str:
    due = slack_datetime(item.due_at)
    if item.nudge_kind == NudgeKind.REQUEST:
        if item.obligation_kind == ObligationKind.FEEDBACK:
            return f"You interviewed them. The contract asks for feedback by {due} ({escape_mrkdwn(item.terms)})."
        return (
            f"A new candidate is waiting. The contract says {escape_mrkdwn(item.terms)}: by {due}."
        )
    if item.nudge_kind == NudgeKind.REMINDER:
        return f"Reminder: due {due}, a few working hours from now."
    return (
        f"This was due {due}. If it is still open one working day later, Tandem mentions it in the "
        "role's channel."
    )


def _title(item: NudgeItem) -> str:
    prefix = {
        NudgeKind.REQUEST: ":memo:",
        NudgeKind.REMINDER: ":alarm_clock:",
        NudgeKind.OVERDUE: ":warning: *Overdue:*",
    }[item.nudge_kind]
    return f"{prefix} {_what(item)}"


def _buttons(item: NudgeItem) -> list[dict[str, Any]]:
    value = str(item.obligation_id)
    if item.obligation_kind == ObligationKind.FEEDBACK:
        first = _button("Submit feedback", Action.SUBMIT_FEEDBACK, value, "primary")
    else:
        first = _button("Mark done", Action.MARK_DONE, value, "primary")
    buttons = [first, _button("Snooze 1 day", Action.SNOOZE, value)]
    buttons.append(_button("Mute reminders for this role", Action.MUTE_ROLE, str(item.role_id)))
    return buttons


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def nudge_dm(items: list[NudgeItem]) -> tuple[str, list[dict[str, Any]]]:
    """One DM for one item, or a digest for several (one DM per person per hour)."""
    blocks: list[dict[str, Any]] = []
    if len(items) > 1:
        blocks.append(header(f"{len(items)} things need you"))
    for item in items:
        blocks.append(section(f"{_title(item)}\n{_why(item)}"))
        blocks.append(
            {"type": "actions", "block_id": f"nudge-{item.nudge_id}", "elements": _buttons(item)}
        )
    blocks.append(
        context(
            "Tandem sends at most one message an hour, only in your working hours, and waits while your status says you are away."
        )
    )
    first = items[0]
    text = f"{len(items)} things need you" if len(items) > 1 else _title(first).replace("*", "")
    return text, blocks


def escalation_message(item: NudgeItem) -> tuple[str, list[dict[str, Any]]]:
    """Visible accountability: the late item, its owner and the hiring manager, in the channel."""
    text = (
        f":rotating_light: {_what(item)[0].upper()}{_what(item)[1:]} was due {slack_datetime(item.due_at)} "
        f"and is one working day late. <@{item.owner_id}>, <@{item.hiring_manager_id}> — please agree on "
        "the next step here."
    )
    return text, [
        section(text),
        context("Posted because the collaboration contract of this role sets this due time."),
    ]
