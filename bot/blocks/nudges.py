"""Nudge DMs (single or digest), channel escalations and the App Home's open items.

Every item says why it was sent, names the candidate and role it is about and, for an
interview, its kind and day — two items never read the same.
"""

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
        on = f" on {slack_datetime(item.interview_ended_at)}" if item.interview_ended_at else ""
        return f"an update to *{candidate}* after their {escape_mrkdwn(item.interview or 'interview')}{on} for {role}"
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


FOOTER = (
    "Tandem sends you at most 3 messages a working day, only in your working hours: a "
    "feedback request when the interview ends, everything else in a morning and an "
    "early-afternoon digest. Everything you owe is in Tandem's Home tab."
)


def nudge_dm(items: list[NudgeItem], *, more: int = 0) -> tuple[str, list[dict[str, Any]]]:
    """One DM for one item, or a digest for several (most urgent first, each with its own
    buttons); ``more`` due items did not fit and wait in the App Home."""
    blocks: list[dict[str, Any]] = []
    count = len(items) + more
    if count > 1:
        blocks.append(header(f"{count} things need you"))
    for item in items:
        blocks.append(section(f"{_title(item)}\n{_why(item)}"))
        blocks.append(
            {"type": "actions", "block_id": f"nudge-{item.nudge_id}", "elements": _buttons(item)}
        )
    if more:
        blocks.append(context(f":inbox_tray: {more} more waiting — see them in Tandem's Home tab."))
    blocks.append(context(FOOTER))
    first = items[0]
    text = f"{count} things need you" if count > 1 else _title(first).replace("*", "")
    return text, blocks


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def escalation_message(items: list[NudgeItem]) -> tuple[str, list[dict[str, Any]]]:
    """Visible accountability: a role's items one working day late, each with its owner, and
    the hiring manager, in one channel post."""
    first = items[0]
    ask = f"<@{first.hiring_manager_id}>"
    if len(items) == 1:
        text = (
            f":rotating_light: {_capital(_what(first))} was due {slack_datetime(first.due_at)} "
            f"and is one working day late. <@{first.owner_id}>, {ask} — please agree on the "
            "next step here."
        )
        body = [section(text)]
    else:
        lines = [
            f"• {_capital(_what(item))} — <@{item.owner_id}>, due {slack_datetime(item.due_at)}"
            for item in items
        ]
        text = (
            f":rotating_light: {len(items)} items for *{escape_mrkdwn(first.role_title)}* are "
            f"one working day late:\n" + "\n".join(lines) + f"\n{ask} — please agree on the "
            "next step with each owner here."
        )
        body = [section(text[:2900])]
    return text, [
        *body,
        context(
            "Posted once a working day at most, at the start of the hiring manager's day, "
            "because the collaboration contract of this role sets these due times."
        ),
    ]


def home_items_blocks(
    items: list[NudgeItem], *, now: datetime, total: int | None = None
) -> list[dict[str, Any]]:
    """What the person owes, most urgent first, for the App Home (one page of ``total``,
    the caller pages them): feedback with *Submit feedback*, anything else with *Mark
    done* — the same buttons as the nudge DMs."""
    if not items:
        return [section(":white_check_mark: You owe nothing right now.")]
    blocks: list[dict[str, Any]] = [header(f"What you owe ({total or len(items)})")]
    for item in items:
        late = ":warning: *Overdue:* " if item.due_at <= now else ""
        line = f"{late}{_capital(_what(item))}\nDue {slack_datetime(item.due_at)}."
        value = str(item.obligation_id)
        if item.obligation_kind == ObligationKind.FEEDBACK:
            button = _button("Submit feedback", Action.SUBMIT_FEEDBACK, value, "primary")
        else:
            button = _button("Mark done", Action.MARK_DONE, value, "primary")
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": line}, "accessory": button}
        )
    return blocks
