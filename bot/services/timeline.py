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
