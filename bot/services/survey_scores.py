"""The candidate-experience score: the recruiter records each candidate's 1–5 survey score
(the brief's *Record survey score*). Recruiter or workspace admin only: the score is the
candidate's view of the recruiting process, which the recruiter runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.followups import SURVEY_CANDIDATE_FIELD, SURVEY_SCORE_FIELD, survey_score_modal
from bot.db import SessionFactory
from bot.models import Role
from bot.services import access, timeline
from bot.services.actors import Actor, SubmittedView
from bot.services.candidates import CandidateNotFound, get_candidate
from bot.services.errors import NotAllowed
from bot.services.form_values import row_id, whole_number
from bot.services.hiring_forms import FormErrors
from bot.services.timeline import Event

RECRUITER_ONLY = "Only the role's recruiter or a workspace admin can record survey scores."


def _recorder_role(
    session: Session, actor: Actor, role_id: int | None, *, now: datetime, changing: bool = True
) -> Role:
    role = access.role_in_workspace(session, actor, role_id)
    if actor.user_id == role.recruiter_id:
        return role
    if not access.is_admin(session, actor, now=now, changing=changing):
        raise NotAllowed(RECRUITER_ONLY)
    return role


def survey_form(
    sessions: SessionFactory, actor: Actor, role_id: int, *, now: datetime
) -> dict[str, Any]:
    """The *Record survey score* modal (``NotAllowed`` for anyone but the recruiter/admin)."""
    with sessions.begin() as session:
        role = _recorder_role(session, actor, role_id, now=now, changing=False)
        return survey_score_modal(role.id, role.title)


def record_score(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    role_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> None:
    """Store the candidate's score (a new one replaces the old) and a timeline entry."""
    score = whole_number(values.get(SURVEY_SCORE_FIELD), 1, 5)
    candidate_id = row_id(values.get(SURVEY_CANDIDATE_FIELD))
    with sessions.begin() as session:
        role = _recorder_role(session, actor, role_id, now=now)
        errors: dict[str, str] = {}
        candidate = None
        if candidate_id is None:
            errors[SURVEY_CANDIDATE_FIELD] = "Choose the candidate whose score this is."
        else:
            try:
                candidate = get_candidate(
                    session, team_id=role.team_id, role_id=role.id, candidate_id=candidate_id
                )
            except CandidateNotFound:
                errors[SURVEY_CANDIDATE_FIELD] = "That candidate is not on this role."
        if score is None:
            errors[SURVEY_SCORE_FIELD] = "Choose a score from 1 to 5."
        if errors or candidate is None:
            raise FormErrors(errors)
        access.claim_submission(session, actor, view, now=now)
        previous = candidate.experience_score
        candidate.experience_score = score
        candidate.experience_recorded_by = actor.user_id
        candidate.experience_recorded_at = now
        timeline.record(
            session,
            role,
            Event.SURVEY_SCORE_RECORDED,
            at=now,
            actor_id=actor.user_id,
            candidate_id=candidate.id,
            score=score,
            previous=previous,
        )
