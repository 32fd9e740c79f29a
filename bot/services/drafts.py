"""Kickoff drafts: the kickoff (or edit) modal's answers kept between its steps.

``private_metadata`` is capped at 3,000 characters, so the modal carries only the draft's id;
a draft also lets someone who closed the modal by mistake pick up where they were.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import KickoffDraft, Role
from bot.services.roles import RoleNotFound, current_brief


def start_draft(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    title: str = "",
    origin_channel_id: str | None = None,
    role: Role | None = None,
) -> KickoffDraft:
    """A new kickoff draft, or an edit draft seeded with the role's current brief."""
    answers: dict[str, Any] = {"title": title[:150]}
    if role is not None:
        answers = current_brief(session, role).model_dump(mode="json")
        answers.update(
            channel_mode="existing",
            channel_id=role.channel_id,
            same_person_confirmed=role.recruiter_id == role.hiring_manager_id,
        )
    draft = KickoffDraft(
        team_id=team_id,
        user_id=user_id,
        role_id=role.id if role else None,
        origin_channel_id=origin_channel_id,
        answers=answers,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    return draft


DRAFT_RESUMABLE_FOR = timedelta(hours=24)


def resume_or_start_draft(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    title: str = "",
    origin_channel_id: str | None = None,
) -> KickoffDraft:
    """The person's unfinished kickoff from the last day (so a closed modal loses nothing),
    or a new draft. A title typed after ``/kickoff`` wins over the saved one."""
    draft = session.scalar(
        select(KickoffDraft)
        .where(
            KickoffDraft.team_id == team_id,
            KickoffDraft.user_id == user_id,
            KickoffDraft.role_id.is_(None),
            KickoffDraft.submitted_at.is_(None),
            KickoffDraft.updated_at > now - DRAFT_RESUMABLE_FOR,
        )
        .order_by(KickoffDraft.updated_at.desc())
        .limit(1)
    )
    if draft is None:
        return start_draft(
            session,
            team_id=team_id,
            user_id=user_id,
            now=now,
            title=title,
            origin_channel_id=origin_channel_id,
        )
    if title:
        save_answers(draft, {"title": title[:150]}, now)
    draft.origin_channel_id = origin_channel_id or draft.origin_channel_id
    return draft


def get_draft(session: Session, *, team_id: str, user_id: str, draft_id: int) -> KickoffDraft:
    draft = session.get(KickoffDraft, draft_id)
    if draft is None or draft.team_id != team_id or draft.user_id != user_id:
        raise RoleNotFound(f"draft {draft_id}")
    return draft


def save_answers(draft: KickoffDraft, answers: dict[str, Any], now: datetime) -> None:
    # Reassign (not mutate) so SQLAlchemy sees the JSON change.
    draft.answers = {**draft.answers, **answers}
    draft.updated_at = now
