"""The kickoff (and edit) modal in three steps, and the hiring-plan modal."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.blocks.inputs import (
    Option,
    channel_select,
    checkbox,
    date_picker,
    number_input,
    radio_buttons,
    static_select,
    text_input,
    time_picker,
    user_select,
    users_select,
)
from bot.blocks.text import context, escape_mrkdwn, header, plain, section
from bot.models import Side
from bot.services.brief import (
    STAGE_LABELS,
    TURNAROUND_CHOICES,
    WEEKDAYS,
    Stage,
    Urgency,
    default_responsibilities,
    turnaround_text,
)
from bot.services.kickoff_form import (
    CHANNEL_CREATE,
    CHANNEL_CREATE_PUBLIC,
    CHANNEL_EXISTING,
    ProposedDates,
)
from bot.services.workspace_defaults import ContractDefaults
from bot.slack.ids import Callback, Field, plan_date_field, plan_owner_field, responsibility_field

SIDE_CHOICES: list[Option] = [
    (Side.RECRUITER, "Recruiter"),
    (Side.HIRING_MANAGER, "Hiring manager"),
]


def metadata(**values: Any) -> str:
    """``private_metadata``: ids only (the answers live in the draft row)."""
    return json.dumps(values, separators=(",", ":"))


def _modal(
    callback_id: str, title: str, submit: str, blocks: list[dict[str, Any]], meta: str
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title[:24]),
        "submit": plain(submit[:24]),
        "close": plain("Cancel"),
        "private_metadata": meta,
        "blocks": blocks,
    }


def _step_title(editing: bool, step: int) -> str:
    return f"{'Edit brief' if editing else 'Kickoff'} · {step} of 3"


def role_step_view(
    *,
    draft_id: int,
    answers: dict[str, Any],
    submitter_id: str,
    editing: bool,
) -> dict[str, Any]:
    """Step 1: the role, its two sides, the shared channel and the panel."""
    blocks: list[dict[str, Any]] = [
        context("Step 1 of 3 — the role and the people on it."),
        text_input(
            Field.TITLE,
            "Role title",
            initial=answers.get("title"),
            placeholder="e.g. Staff Data Engineer",
            max_length=150,
        ),
        text_input(
            Field.LEVEL, "Level", initial=answers.get("level"), optional=True, max_length=80
        ),
        text_input(
            Field.LOCATION,
            "Location / remote",
            initial=answers.get("location"),
            optional=True,
            placeholder="e.g. Berlin or remote (EU time zones)",
            max_length=150,
        ),
        number_input(
            Field.HEADCOUNT, "Headcount", initial=answers.get("headcount") or 1, low=1, high=100
        ),
        user_select(
            Field.HIRING_MANAGER, "Hiring manager", initial=answers.get("hiring_manager_id")
        ),
        user_select(
            Field.RECRUITER,
            "Recruiter",
            initial=answers.get("recruiter_id") or (None if editing else submitter_id),
        ),
        checkbox(
            Field.SAME_PERSON,
            "Same person?",
            "yes",
            "Yes — one person is both recruiter and hiring manager for this role",
            checked=bool(answers.get("same_person_confirmed")),
        ),
        radio_buttons(
            Field.CHANNEL_MODE,
            "Shared channel",
            [
                (CHANNEL_CREATE, "Create a new private channel #hire-<role> and invite both sides"),
                (CHANNEL_CREATE_PUBLIC, "Create a new public channel #hire-<role> instead"),
                (CHANNEL_EXISTING, "Use the channel picked below"),
            ],
            initial=answers.get("channel_mode") or CHANNEL_CREATE,
        ),
        channel_select(
            Field.CHANNEL,
            "Existing channel",
            initial=answers.get("channel_id"),
            hint="Private channel? Add Tandem to it first with /invite @Tandem.",
        ),
        users_select(
            Field.PANEL,
            "Interview panel",
            initial=answers.get("panel"),
            hint="They are invited to the shared channel and asked for feedback after interviews.",
        ),
    ]
    return _modal(
        Callback.KICKOFF_ROLE, _step_title(editing, 1), "Next", blocks, metadata(draft=draft_id)
    )


# What each step-1 field is called in the modal, for a problem reported after the ack.
_ROLE_FIELD_LABELS = {
    Field.HIRING_MANAGER: "Hiring manager",
    Field.RECRUITER: "Recruiter",
    Field.CHANNEL: "Existing channel",
    Field.PANEL: "Interview panel",
}


def role_check_view(*, external_id: str) -> dict[str, Any]:
    """Pushed by step 1's ack while Tandem asks Slack about the people and the channel; it
    becomes step 2 (or the list of what to fix) a moment later."""
    return {
        "type": "modal",
        "external_id": external_id,
        "title": plain("One moment"),
        "close": plain("Back"),
        "blocks": [section(":hourglass_flowing_sand: Checking the people and the channel…")],
    }


def role_problems_view(*, errors: dict[str, str]) -> dict[str, Any]:
    """What Slack's answers ruled out on step 1, field by field; *Back* returns to it with
    every answer kept."""
    lines = [
        f"• *{_ROLE_FIELD_LABELS.get(field, 'Step 1')}:* {escape_mrkdwn(message)}"
        for field, message in errors.items()
    ]
    return {
        "type": "modal",
        "title": plain("Step 1 needs a fix"),
        "close": plain("Back"),
        "blocks": [
            section(":warning: Please fix this on the previous step, then press *Next* again:"),
            section("\n".join(lines)[:3000]),
        ],
    }


def brief_step_view(
    *,
    draft_id: int,
    answers: dict[str, Any],
    default_target: date,
    editing: bool,
    retro: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Step 2: why now, who we are looking for, and by when; ``retro`` is the pair's open
    action items, read-only (this is the first step that knows both of them)."""
    target = answers.get("target_fill_date") or default_target.isoformat()
    blocks = [
        *(retro or []),
        context("Step 2 of 3 — who you are looking for, and why now."),
        text_input(
            Field.BUSINESS_NEED,
            "Business need (why now?)",
            initial=answers.get("business_need"),
            multiline=True,
            max_length=2000,
        ),
        text_input(
            Field.IDEAL_PROFILE,
            "Ideal candidate profile",
            initial=answers.get("ideal_profile"),
            multiline=True,
            optional=True,
            max_length=2000,
        ),
        text_input(
            Field.MUST_HAVES,
            "Must-haves",
            initial="\n".join(answers.get("must_haves") or []),
            multiline=True,
            max_length=2000,
            hint="One per line, at most 10. Interviewers rate every candidate on each one.",
        ),
        text_input(
            Field.NICE_TO_HAVES,
            "Nice-to-haves",
            initial="\n".join(answers.get("nice_to_haves") or []),
            multiline=True,
            optional=True,
            max_length=2000,
            hint="One per line, at most 10.",
        ),
        date_picker(Field.TARGET_DATE, "Target fill date", initial=target),
        static_select(
            Field.URGENCY,
            "Urgency",
            [(u.value, u.value.capitalize()) for u in Urgency],
            initial=answers.get("urgency") or Urgency.NORMAL,
        ),
    ]
    return _modal(
        Callback.KICKOFF_BRIEF, _step_title(editing, 2), "Next", blocks, metadata(draft=draft_id)
    )


def plan_blocks(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_stage = {item["stage"]: item for item in plan}
    blocks: list[dict[str, Any]] = []
    for stage in Stage:
        item = by_stage.get(stage.value, {})
        label = STAGE_LABELS[stage]
        blocks.append(
            static_select(
                plan_owner_field(stage),
                f"{label}: owner",
                SIDE_CHOICES,
                initial=item.get("owner_side"),
            )
        )
        blocks.append(
            date_picker(
                plan_date_field(stage), f"{label}: target date", initial=item.get("target_date")
            )
        )
    return blocks


def contract_step_view(
    *,
    draft_id: int,
    answers: dict[str, Any],
    proposed: ProposedDates,
    editing: bool,
    defaults: ContractDefaults | None = None,
) -> dict[str, Any]:
    """Step 3: the collaboration contract, the responsibility matrix and the hiring plan.

    ``proposed`` holds the dates offered until the person picks others (all working days);
    ``defaults``, the workspace's turnaround and check-in slot (admin settings).
    """
    defaults = defaults or ContractDefaults()
    contract = answers.get("contract") or {}
    slate_due = contract.get("slate_due") or proposed.slate_due.isoformat()
    responsibilities = {r["key"]: r for r in answers.get("responsibilities") or []}
    plan = answers.get("plan") or [p.model_dump(mode="json") for p in proposed.plan]
    blocks: list[dict[str, Any]] = [
        context("Step 3 of 3 — what each side promises the other. Both sides agree to it."),
        header("Collaboration contract"),
        static_select(
            Field.TURNAROUND,
            "Interview feedback",
            [(str(h), turnaround_text(h)) for h in TURNAROUND_CHOICES],
            initial=str(contract.get("feedback_turnaround_hours", defaults.turnaround_hours)),
            hint="After the interview ends, counting only working days on each interviewer's own "
            "clock; a due time outside working hours moves to the next working morning.",
        ),
        static_select(
            Field.CHECKIN_DAY,
            "Weekly check-in day",
            [(str(i), day) for i, day in enumerate(WEEKDAYS)],
            initial=str(contract.get("checkin_weekday", defaults.checkin_weekday)),
        ),
        time_picker(
            Field.CHECKIN_TIME,
            "Weekly check-in time",
            initial=contract.get("checkin_time", defaults.checkin_time.strftime("%H:%M")),
            hint="In the hiring manager's time zone.",
        ),
        number_input(
            Field.SLATE_SIZE,
            "Recruiter: first slate of (candidates)",
            initial=contract.get("slate_size", 5),
            low=1,
            high=50,
        ),
        date_picker(
            Field.SLATE_DUE,
            "Recruiter: first slate by",
            initial=slate_due,
            hint="A working day; the slate is due at 18:00 that day, the recruiter's time.",
        ),
        number_input(
            Field.CANDIDATE_UPDATE_DAYS,
            "Recruiter: candidate updates within (working days)",
            initial=contract.get("candidate_update_days", 3),
            low=1,
            high=10,
        ),
        number_input(
            Field.RESUME_REVIEW_DAYS,
            "Hiring manager: résumé review within (working days)",
            initial=contract.get("resume_review_days", 1),
            low=1,
            high=10,
        ),
        header("Responsibilities"),
    ]
    for row in default_responsibilities():
        current = responsibilities.get(row.key, row.model_dump())
        blocks.append(
            text_input(
                responsibility_field(row.key, Side.RECRUITER),
                f"{row.area} — recruiter owns",
                initial=current["recruiter"],
                max_length=300,
            )
        )
        blocks.append(
            text_input(
                responsibility_field(row.key, Side.HIRING_MANAGER),
                f"{row.area} — hiring manager owns",
                initial=current["hiring_manager"],
                max_length=300,
            )
        )
    blocks.append(header("Hiring plan"))
    blocks += plan_blocks(plan)
    return _modal(
        Callback.KICKOFF_CONTRACT,
        _step_title(editing, 3),
        "Save revision" if editing else "Post brief",
        blocks,
        metadata(draft=draft_id),
    )


def plan_view(*, role_id: int, title: str, plan: list[dict[str, Any]]) -> dict[str, Any]:
    """Change the owner or target date of the plan's stages (a new revision on save)."""
    blocks = [
        context(f"Hiring plan of *{escape_mrkdwn(title)}*. Saving makes a new brief revision."),
        *plan_blocks(plan),
    ]
    return _modal(Callback.PLAN, "Hiring plan", "Save revision", blocks, metadata(role=role_id))


def message_view(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something (after saving, or when something went wrong)."""
    return {
        "type": "modal",
        "title": plain(title[:24]),
        "close": plain("Close"),
        "blocks": [section(text[:3000])],
    }
