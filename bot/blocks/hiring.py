"""Modals and thread notes for candidates and interviews."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.blocks.inputs import (
    date_picker,
    external_select,
    option_list,
    static_select,
    text_input,
    time_picker,
    users_select,
)
from bot.blocks.text import context, escape_mrkdwn, plain, section
from bot.dates import slack_datetime, zone_label
from bot.models import Candidate, CandidateStage
from bot.services import hiring_forms as f
from bot.services.brief import turnaround_text
from bot.services.candidates import ACTIVE_STAGES, SOURCES, STAGE_NAMES
from bot.services.interviews import KINDS
from bot.slack.ids import Action, Callback, Suggestion


def _modal(
    callback_id: str, title: str, submit: str, blocks: list[dict[str, Any]], **meta: int
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "private_metadata": json.dumps(meta),
        "blocks": blocks,
    }


def add_candidate_modal(role_id: int, role_title: str) -> dict[str, Any]:
    blocks = [
        context(f"Candidate for *{escape_mrkdwn(role_title)}*. Channel posts show initials only."),
        text_input(f.NAME, "Name", max_length=120),
        static_select(f.SOURCE, "Source", list(SOURCES.items()), initial="sourced"),
        text_input(
            f.ATS_URL, "ATS profile link", optional=True, max_length=500, placeholder="https://…"
        ),
        static_select(
            f.STAGE,
            "Stage",
            [(s.value, STAGE_NAMES[s]) for s in ACTIVE_STAGES],
            initial=CandidateStage.SCREENING,
        ),
    ]
    return _modal(Callback.ADD_CANDIDATE, "Add candidate", "Add", blocks, role=role_id)


def candidate_options(candidates: list[Candidate]) -> list[dict[str, Any]]:
    """The candidate picker's options: full names (only people on the role see modals)."""
    return option_list(
        [
            (
                str(c.id),
                f"{c.name or f'Candidate #{c.id}'} — {STAGE_NAMES[CandidateStage(c.stage)]}",
            )
            for c in candidates
        ]
    )


def _candidate_picker() -> dict[str, Any]:
    # Searched as the person types: a role may have more candidates than a static menu's 100.
    return external_select(
        f.CANDIDATE,
        "Candidate",
        action_id=Suggestion.CANDIDATE,
        placeholder="Type a name to search",
    )


def move_candidate_modal(role_id: int) -> dict[str, Any]:
    blocks = [
        _candidate_picker(),
        static_select(f.STAGE, "Move to", [(s.value, STAGE_NAMES[s]) for s in CandidateStage]),
    ]
    return _modal(Callback.MOVE_CANDIDATE, "Move candidate", "Save", blocks, role=role_id)


def _zone_shown(zone_name: str, today: date) -> str:
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return zone_label(zone, datetime.combine(today, time(12), tzinfo=zone))


def interview_modal(
    *,
    role_id: int | None,
    interview_id: int | None,
    panel: list[str],
    today: date,
    zone_name: str,
    prefill: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Log (or edit) an interview; times are in the logger's own time zone."""
    prefill = prefill or {}
    blocks: list[dict[str, Any]] = []
    if interview_id is None:
        blocks.append(_candidate_picker())
    blocks += [
        static_select(
            f.KIND, "Kind", list(KINDS.items()), initial=prefill.get(f.KIND, "technical")
        ),
        date_picker(f.DAY, "Day", initial=prefill.get(f.DAY, today.isoformat())),
        time_picker(
            f.START,
            "Starts",
            initial=prefill.get(f.START, "10:00"),
            hint=f"In your time zone: {_zone_shown(zone_name, today)}. Each reader sees "
            "the times in theirs.",
        ),
        time_picker(f.END, "Ends", initial=prefill.get(f.END, "11:00")),
    ]
    interviewers = users_select(
        f.INTERVIEWERS, "Interviewers", initial=prefill.get(f.INTERVIEWERS, panel)
    )
    interviewers["optional"] = False
    interviewers["hint"] = plain("Each is asked for feedback when the interview ends.")
    blocks.append(interviewers)
    if interview_id is None:
        assert role_id is not None
        return _modal(Callback.LOG_INTERVIEW, "Log interview", "Log", blocks, role=role_id)
    return _modal(Callback.EDIT_INTERVIEW, "Edit interview", "Save", blocks, interview=interview_id)


def candidate_note(
    candidate_label: str, source: str, stage: str, actor_id: str
) -> tuple[str, list[dict[str, Any]]]:
    text = (
        f":bust_in_silhouette: New candidate *{escape_mrkdwn(candidate_label)}* "
        f"({escape_mrkdwn(SOURCES.get(source, source))}) at *{STAGE_NAMES[CandidateStage(stage)]}* — added by <@{actor_id}>"
    )
    return text, [section(text)]


def move_note(
    candidate_label: str, from_stage: str | None, to_stage: str, actor_id: str
) -> tuple[str, list[dict[str, Any]]]:
    before = STAGE_NAMES[CandidateStage(from_stage)] if from_stage else "—"
    text = (
        f":arrow_right: *{escape_mrkdwn(candidate_label)}*: {before} → *{STAGE_NAMES[CandidateStage(to_stage)]}* "
        f"— by <@{actor_id}>"
    )
    return text, [section(text)]


def interview_note(
    *,
    interview_id: int,
    candidate_label: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    interviewers: list[str],
    turnaround_hours: int,
    cancelled: bool,
    focus: dict[str, list[str]] | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    who = ", ".join(f"<@{u}>" for u in interviewers)
    when = f"{slack_datetime(starts_at)} – {slack_datetime(ends_at, '{time}')}"
    if cancelled:
        text = f":x: ~{escape_mrkdwn(KINDS.get(kind, kind))} with *{escape_mrkdwn(candidate_label)}*, {when}~ — cancelled"
        return text, [section(text)]
    text = f":calendar: {escape_mrkdwn(KINDS.get(kind, kind))} with *{escape_mrkdwn(candidate_label)}*, {when}, interviewers {who}"
    covers = [
        f"<@{u}>: {', '.join(escape_mrkdwn(m) for m in focus[u])}"
        for u in interviewers
        if focus and focus.get(u)
    ]
    focus_blocks = (
        [context(f":dart: *Focus areas* — {' · '.join(covers)}"[:3000])] if covers else []
    )
    return text, [
        section(text),
        *focus_blocks,
        context(
            f"Feedback is due {turnaround_text(turnaround_hours)} of the end, on each "
            "interviewer's own working days. Tandem asks for it when the interview ends."
        ),
        {
            "type": "actions",
            "block_id": f"interview-{interview_id}",
            "elements": [
                {
                    "type": "button",
                    "text": plain("Edit interview"),
                    "action_id": Action.EDIT_INTERVIEW,
                    "value": str(interview_id),
                },
                {
                    "type": "button",
                    "text": plain("Focus areas"),
                    "action_id": Action.FOCUS_AREAS,
                    "value": str(interview_id),
                },
                {
                    "type": "button",
                    "text": plain("Cancel interview"),
                    "action_id": Action.CANCEL_INTERVIEW,
                    "value": str(interview_id),
                    "style": "danger",
                    "confirm": {
                        "title": plain("Cancel this interview?"),
                        "text": plain("Feedback requests and reminders for it are dropped."),
                        "confirm": plain("Cancel interview"),
                        "deny": plain("Keep it"),
                    },
                },
            ],
        },
    ]
