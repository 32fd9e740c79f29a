"""The pinned brief message and the "what changed" messages in its thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.blocks.closure import outcome_line
from bot.blocks.text import context, divider, escape_mrkdwn, header, section
from bot.dates import plain_date, slack_datetime
from bot.models import (
    Acknowledgement,
    ActionItem,
    Commitment,
    CommitmentKind,
    Role,
    RoleClosure,
    RoleStatus,
    Side,
)
from bot.services.agreement import ContractStatus
from bot.services.brief import (
    STAGE_LABELS,
    WEEKDAYS,
    BriefContent,
    Change,
    turnaround_text,
    working_days,
)
from bot.slack.ids import Action

MAX_CHANGE_BLOCKS = 40
MAX_VALUE_SHOWN = 400


@dataclass(frozen=True)
class BriefView:
    """Everything the brief message shows, gathered by the caller."""

    role: Role
    brief: BriefContent
    revision_number: int
    edited_by: str
    edited_at: datetime
    commitments: list[Commitment]
    pending: list[Acknowledgement]
    pending_revision_numbers: dict[int, int]
    checkins_from: datetime
    contract: ContractStatus
    # The close or hold in force (None while the role is open).
    closure: RoleClosure | None = None
    # The pair's open action items from earlier retros (shown until one of them marks done).
    action_items: list[ActionItem] = field(default_factory=list)
    # How the hires of the close in force are named in the channel.
    hires: list[str] = field(default_factory=list)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"• {escape_mrkdwn(item)}" for item in items) or "_none_"


def _side(side: str, role: Role) -> str:
    owner = role.recruiter_id if side == Side.RECRUITER else role.hiring_manager_id
    return f"{'Recruiter' if side == Side.RECRUITER else 'Hiring manager'} <@{owner}>"


def _commitment_line(commitment: Commitment, brief: BriefContent) -> str:
    terms = commitment.terms
    owner = f"<@{commitment.owner_id}>"
    if commitment.kind == CommitmentKind.FIRST_SLATE:
        due = (
            slack_datetime(commitment.due_at)
            if commitment.due_at
            else plain_date(brief.contract.slate_due)
        )
        return f"• First slate of {terms.get('candidates')} candidates by {due} — {owner}"
    if commitment.kind == CommitmentKind.CANDIDATE_UPDATES:
        days = int(terms.get("working_days", 1))
        return f"• Candidate updates within {working_days(days)} — {owner}"
    if commitment.kind == CommitmentKind.RESUME_REVIEW:
        days = int(terms.get("working_days", 1))
        return f"• Résumé review within {working_days(days)} — {owner}"
    if commitment.kind == CommitmentKind.FEEDBACK:
        panel = " and the panel" if brief.panel else ""
        hours = int(terms.get("working_hours", 48))
        return f"• Interview feedback {turnaround_text(hours)} — {owner}{panel}"
    return f"• {escape_mrkdwn(commitment.kind)} — {owner}"


def _mentions(user_ids: list[str]) -> str:
    return " and ".join(f"<@{u}>" for u in user_ids)


def _agreement_line(role: Role, status: ContractStatus) -> str:
    if status.signed_at is not None:
        return (
            f":white_check_mark: Contract signed by <@{role.recruiter_id}> and "
            f"<@{role.hiring_manager_id}> — {slack_datetime(status.signed_at)}"
        )
    agree, acknowledge = _mentions(status.to_agree), _mentions(status.to_acknowledge)
    if not status.to_acknowledge:
        return f":hourglass_flowing_sand: Contract not signed yet — waiting for {agree} to agree"
    if not status.to_agree:
        return (
            f":hourglass_flowing_sand: Contract changed after {acknowledge} agreed — not signed "
            "again until they acknowledge the change"
        )
    return (
        f":hourglass_flowing_sand: Contract not signed yet — waiting for {agree} to agree, and "
        f"for {acknowledge} to acknowledge the change made after they agreed"
    )


def brief_message(view: BriefView) -> tuple[str, list[dict[str, Any]]]:
    """The brief: role, must-haves, timeline, contract, responsibilities, plan, agreement."""
    role, brief = view.role, view.brief
    contract = brief.contract
    title = escape_mrkdwn(brief.title)
    facts = [
        f"*Hiring manager*\n<@{brief.hiring_manager_id}>",
        f"*Recruiter*\n<@{brief.recruiter_id}>",
        f"*Level*\n{escape_mrkdwn(brief.level) or '—'}",
        f"*Location*\n{escape_mrkdwn(brief.location) or '—'}",
        f"*Headcount*\n{brief.headcount}",
        f"*Urgency*\n{brief.urgency.value.capitalize()}",
        f"*Target fill date*\n{plain_date(brief.target_fill_date)}",
        f"*Panel*\n{', '.join(f'<@{u}>' for u in brief.panel) or '—'}",
    ]
    blocks: list[dict[str, Any]] = [
        header(f"Kickoff brief: {title}"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in facts]},
        section(f"*Why now*\n{escape_mrkdwn(brief.business_need)}"[:3000]),
    ]
    if brief.ideal_profile:
        blocks.append(section(f"*Ideal candidate*\n{escape_mrkdwn(brief.ideal_profile)}"[:3000]))
    blocks.append(
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Must-haves*\n{_bullets(brief.must_haves)}"[:2000]},
                {
                    "type": "mrkdwn",
                    "text": f"*Nice-to-haves*\n{_bullets(brief.nice_to_haves)}"[:2000],
                },
            ],
        }
    )
    blocks.append(divider())
    # A weekly wall-clock time is the HM's; the first one, a moment, shows in each reader's zone.
    checkin = (
        f"• Weekly check-in in this channel, {WEEKDAYS[contract.checkin_weekday]}s at "
        f"{contract.checkin_time:%H:%M} on <@{brief.hiring_manager_id}>'s clock, from "
        f"{slack_datetime(view.checkins_from)} — both sides"
    )
    commitment_lines = [_commitment_line(c, brief) for c in view.commitments]
    blocks.append(section("*Collaboration contract*\n" + "\n".join([*commitment_lines, checkin])))
    matrix = "\n".join(
        f"*{escape_mrkdwn(r.area)}* — recruiter: {escape_mrkdwn(r.recruiter)}; "
        f"hiring manager: {escape_mrkdwn(r.hiring_manager)}"
        for r in brief.responsibilities
    )
    blocks.append(section(f"*Responsibilities*\n{matrix}"[:3000]))
    plan = "\n".join(
        f"• {STAGE_LABELS[item.stage]} — {_side(item.owner_side, role)} — by {plain_date(item.target_date)}"
        for item in brief.plan
    )
    blocks.append(section(f"*Hiring plan*\n{plan}"))
    blocks.append(divider())
    status = [_agreement_line(role, view.contract)]
    for ack in view.pending:
        number = view.pending_revision_numbers.get(ack.revision_id, "?")
        status.append(
            f":warning: Revision {number} changed the {', '.join(ack.topics)} — waiting for "
            f"<@{ack.requested_from}> to acknowledge (see the thread)"
        )
    blocks.append(context(*status[:9]))
    blocks.append(
        context(
            f"Revision {view.revision_number} · last change by <@{view.edited_by}> "
            f"{slack_datetime(view.edited_at)}"
        )
    )
    if view.closure is not None:
        blocks.append(section(outcome_line(view.closure, view.hires)))
    blocks.extend(action_item_blocks(view.action_items))
    blocks.append({"type": "actions", "elements": _brief_buttons(view)})
    text = f"Kickoff brief: {title} — hiring manager <@{brief.hiring_manager_id}>, recruiter <@{brief.recruiter_id}>"
    return text, blocks


MAX_ACTION_ITEMS_SHOWN = 5


def action_item_blocks(items: list[ActionItem]) -> list[dict[str, Any]]:
    """The pair's open action items from the retros of their other roles, each with *Mark
    done* (``build_brief_view`` decides which: only while the role is open)."""
    if not items:
        return []
    blocks: list[dict[str, Any]] = [
        divider(),
        section("*From your last retro* — what you agreed to do differently this time"),
    ]
    for item in items[:MAX_ACTION_ITEMS_SHOWN]:
        due = f" · due {plain_date(item.due_on)}" if item.due_on else ""
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"• {escape_mrkdwn(item.text)} — <@{item.owner_id}>{due}"[:3000],
                },
                "accessory": _button("Mark done", Action.ACTION_ITEM_DONE, str(item.id)),
            }
        )
    if len(items) > MAX_ACTION_ITEMS_SHOWN:
        more = len(items) - MAX_ACTION_ITEMS_SHOWN
        # The oldest come first: each one marked done makes room for the next.
        blocks.append(context(f"…and {more} more, shown here as these are marked done"))
    return blocks


def _brief_buttons(view: BriefView) -> list[dict[str, Any]]:
    """The actions that apply to the role as it stands: a closed or held role can only be
    reopened — and its candidates' survey scores recorded, since surveys arrive after the
    decision."""
    role = view.role
    value = str(role.id)
    if role.status != RoleStatus.OPEN:
        reopen = _button("Reopen role", Action.REOPEN_ROLE, value)
        reopen["confirm"] = {
            "title": {"type": "plain_text", "text": "Reopen this role?"},
            "text": {
                "type": "plain_text",
                "text": "Check-ins start again and the brief's buttons come back. "
                "The role's history, and any hires, are kept.",
            },
            "confirm": {"type": "plain_text", "text": "Reopen"},
            "deny": {"type": "plain_text", "text": "Not now"},
        }
        return [reopen, _button("Record survey score", Action.RECORD_SURVEY, value)]
    buttons = []
    if view.contract.signed_at is None:
        buttons.append(_button("Agree to contract", Action.AGREE, value, style="primary"))
    buttons.append(_button("Edit brief", Action.EDIT, value))
    buttons.append(_button("Change plan", Action.CHANGE_PLAN, value))
    buttons.append(_button("Add candidate", Action.ADD_CANDIDATE, value))
    buttons.append(_button("Move candidate", Action.MOVE_CANDIDATE, value))
    buttons.append(_button("Log interview", Action.LOG_INTERVIEW, value))
    buttons.append(_button("Panel focus areas", Action.PANEL_FOCUS, value))
    buttons.append(_button("Record survey score", Action.RECORD_SURVEY, value))
    buttons.append(_button("Close role", Action.CLOSE_ROLE, value))
    return buttons


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text[:75]},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _shown(value: str) -> str:
    value = escape_mrkdwn(value)
    return value if len(value) <= MAX_VALUE_SHOWN else value[: MAX_VALUE_SHOWN - 1] + "…"


def change_message(
    *,
    revision_number: int,
    editor_id: str,
    changes: list[Change],
    acknowledgements: list[Acknowledgement],
    new_sides: list[tuple[str, Side]] | None = None,
    unsigned: ContractStatus | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """Posted in the brief's thread: what revision N changed, who must acknowledge it, and
    who must agree to the contract afresh."""
    blocks: list[dict[str, Any]] = [
        section(f":pencil2: <@{editor_id}> made *revision {revision_number}* of the brief:")
    ]
    for change in changes[:MAX_CHANGE_BLOCKS]:
        blocks.append(
            section(
                f"*{escape_mrkdwn(change.label)}*\n~{_shown(change.before)}~\n{_shown(change.after)}"
            )
        )
    if len(changes) > MAX_CHANGE_BLOCKS:
        blocks.append(context(f"…and {len(changes) - MAX_CHANGE_BLOCKS} more changes."))
    blocks += acknowledgement_blocks(acknowledgements)
    blocks += _agreement_notes(new_sides or [], unsigned)
    text = f"Revision {revision_number} of the brief: {len(changes)} change(s)"
    return text, blocks


def not_invited_note(editor_id: str, user_ids: list[str]) -> tuple[str, list[dict[str, Any]]]:
    """In a private channel's brief thread: newcomers an outsider added, not invited."""
    who = ", ".join(f"<@{u}>" for u in user_ids)
    text = (
        f":lock: {who} joined the panel, but Tandem did not invite them here: this channel is "
        f"private and <@{editor_id}> is not in it. A member can add them with /invite."
    )
    return text, [section(text)]


def _agreement_notes(
    new_sides: list[tuple[str, Side]], unsigned: ContractStatus | None
) -> list[dict[str, Any]]:
    lines = [
        f":hourglass_flowing_sand: <@{user_id}> is the new "
        f"{'recruiter' if side == Side.RECRUITER else 'hiring manager'}: the contract is not "
        "signed until they press *Agree to contract* on the brief."
        for user_id, side in new_sides
    ]
    if unsigned is not None and unsigned.to_acknowledge:
        lines.append(
            f":hourglass_flowing_sand: The contract changed, so it is not signed again until "
            f"{_mentions(unsigned.to_acknowledge)} acknowledges the change (or presses "
            "*Agree to contract* on the brief)."
        )
    return [section("\n".join(lines))] if lines else []


def acknowledgement_blocks(acknowledgements: list[Acknowledgement]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for ack in acknowledgements:
        topics = ", ".join(ack.topics)
        if ack.acknowledged_at is None:
            blocks.append(
                section(
                    f":warning: This changes the {topics}. <@{ack.requested_from}>, please acknowledge it."
                )
            )
            blocks.append(
                {
                    "type": "actions",
                    "elements": [
                        _button("Acknowledge", Action.ACKNOWLEDGE, str(ack.id), style="primary")
                    ],
                }
            )
        else:
            blocks.append(
                context(
                    f":white_check_mark: <@{ack.requested_from}> acknowledged the change to the "
                    f"{topics} {slack_datetime(ack.acknowledged_at)}"
                )
            )
    return blocks


def post_failed_message(
    role: Role, channel_hint: str, error: str
) -> tuple[str, list[dict[str, Any]]]:
    """DM to the recruiter (and whoever ran the kickoff) when Slack refused the brief's
    channel or post: what Slack said, and a button to try again once it is fixed."""
    text = (
        f":warning: *{escape_mrkdwn(role.title)}* is saved, but Slack refused to post its brief "
        f"{channel_hint} (`{escape_mrkdwn(error)}`). Once that is sorted out, press *Post "
        "brief again*."
    )
    return text, [
        section(text),
        {
            "type": "actions",
            "elements": [_button("Post brief again", Action.POST_AGAIN, str(role.id))],
        },
    ]


def post_resolved_message(role: Role, channel_id: str) -> tuple[str, list[dict[str, Any]]]:
    """That DM once the brief is in Slack after all (its button is gone)."""
    text = (
        f":white_check_mark: The brief of *{escape_mrkdwn(role.title)}* is posted and pinned "
        f"in <#{channel_id}>."
    )
    return text, [section(text)]
