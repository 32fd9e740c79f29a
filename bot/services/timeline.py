"""The role's timeline: every change, with who and when."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Role, TimelineEntry


class Event(StrEnum):
    ROLE_CREATED = "role_created"
    BRIEF_POSTED = "brief_posted"
    BRIEF_POST_FAILED = "brief_post_failed"
    BRIEF_REVISED = "brief_revised"
    CONTRACT_AGREED = "contract_agreed"
    CONTRACT_SIGNED = "contract_signed"
    CHANGE_ACKNOWLEDGED = "change_acknowledged"
    PANEL_INVITED = "panel_invited"
    CANDIDATE_ADDED = "candidate_added"
    CANDIDATE_MOVED = "candidate_moved"
    INTERVIEW_LOGGED = "interview_logged"
    INTERVIEW_CHANGED = "interview_changed"
    INTERVIEW_CANCELLED = "interview_cancelled"
    FEEDBACK_SUBMITTED = "feedback_submitted"
    FEEDBACK_EDITED = "feedback_edited"
    FEEDBACK_REVEALED = "feedback_revealed"
    NUDGE_SENT = "nudge_sent"
    OBLIGATION_MET = "obligation_met"
    # A candidate's open update moved to their later interview instead of a second one.
    OBLIGATION_REPLACED = "obligation_replaced"
    CHECKIN_ANSWERED = "checkin_answered"
    ROLE_CLOSED = "role_closed"
    ROLE_HELD = "role_held"
    ROLE_REOPENED = "role_reopened"
    CANDIDATE_HIRED = "candidate_hired"
    RETRO_OPENED = "retro_opened"
    # Named answers only: an anonymous answer leaves no trace with a person or a time.
    RETRO_ANSWERED = "retro_answered"
    RETRO_SUMMARIZED = "retro_summarized"
    ACTION_ITEM_ADDED = "action_item_added"
    ACTION_ITEM_DONE = "action_item_done"
    FOCUS_AREAS_SET = "focus_areas_set"
    SURVEY_SCORE_RECORDED = "survey_score_recorded"
    QUALITY_CHECK_ANSWERED = "quality_check_answered"


def record(
    session: Session,
    role: Role,
    kind: Event,
    *,
    at: datetime,
    actor_id: str | None = None,
    **detail: Any,
) -> TimelineEntry:
    entry = TimelineEntry(
        team_id=role.team_id, role_id=role.id, at=at, actor_id=actor_id, kind=kind, detail=detail
    )
    session.add(entry)
    return entry


def entries(session: Session, role: Role) -> list[TimelineEntry]:
    return list(
        session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.team_id == role.team_id, TimelineEntry.role_id == role.id)
            .order_by(TimelineEntry.at, TimelineEntry.id)
        )
    )
