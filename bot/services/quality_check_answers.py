"""The HM's answer to a quality-of-hire DM: the modal behind its button, and saving it.

Only the HM the check was sent to may answer, once; the DM then turns into a "thanks"
(an outbox update of the DM's key). A forged or foreign check id and anyone else get the
same private refusal, which names nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.blocks.followups import PREDICTED, PREDICTED_FIELD, RATING_FIELD, quality_check_modal
from bot.db import SessionFactory
from bot.models import Hire, QualityCheck, Role
from bot.services import access, message_keys, outbox, timeline
from bot.services.actors import Actor, SubmittedView
from bot.services.errors import NotAllowed
from bot.services.form_values import whole_number
from bot.services.hiring_forms import FormErrors
from bot.services.quality_checks import DM_KIND, content_of, thanks_payload
from bot.services.timeline import Event

NOT_YOURS = "This quality-of-hire question is not yours to answer (or no longer exists)."
NO_LONGER = "This question no longer applies: the role was reopened, so the hire was undone."
ANSWERED = "You already answered this question. Thank you!"
NOT_ASKED = "This question has not been asked yet."


def _check(session: Session, actor: Actor, check_id: int | None) -> QualityCheck:
    check = session.get(QualityCheck, check_id) if check_id is not None else None
    if check is None or check.team_id != actor.team_id:
        raise NotAllowed(NOT_YOURS)
    if check.hiring_manager_id != actor.user_id:
        raise NotAllowed(NOT_YOURS)
    if check.cancelled_at is not None:
        raise NotAllowed(NO_LONGER)
    if check.asked_at is None:
        raise NotAllowed(NOT_ASKED)
    if check.answered_at is not None:
        raise NotAllowed(ANSWERED)
    return check


def answer_form(
    sessions: SessionFactory, actor: Actor, check_id: int, *, now: datetime
) -> dict[str, Any]:
    """The modal behind the DM's button (``NotAllowed`` with the reason otherwise)."""
    with sessions() as session:
        check = _check(session, actor, check_id)
        content = content_of(session, check)
        if content is None:
            raise NotAllowed(NOT_YOURS)
        return quality_check_modal(content)


def save_answer(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    quality_check_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> None:
    """Record the rating and the must-haves answer, the timeline entry and the DM's thanks,
    in one transaction; ``FormErrors`` for a value outside the choices."""
    rating = whole_number(values.get(RATING_FIELD), 1, 5)
    predicted = values.get(PREDICTED_FIELD)
    errors: dict[str, str] = {}
    if rating is None:
        errors[RATING_FIELD] = "Choose how they are doing, from 1 to 5."
    if predicted not in dict(PREDICTED):
        errors[PREDICTED_FIELD] = "Choose yes, partly or no."
    with sessions.begin() as session:
        check = _check(session, actor, quality_check_id)
        role = session.get(Role, check.role_id)
        hire = session.get(Hire, check.hire_id)
        if role is None or hire is None:
            raise NotAllowed(NOT_YOURS)
        if errors:
            raise FormErrors(errors)
        access.claim_submission(session, actor, view, now=now)
        answered = session.execute(
            update(QualityCheck)
            .where(QualityCheck.id == check.id, QualityCheck.answered_at.is_(None))
            .values(
                rating=rating,
                must_haves_predicted=predicted,
                answered_by=actor.user_id,
                answered_at=now,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if answered != 1:
            raise NotAllowed(ANSWERED)
        session.refresh(check)
        timeline.record(
            session,
            role,
            Event.QUALITY_CHECK_ANSWERED,
            at=now,
            actor_id=actor.user_id,
            check_id=check.id,
            hire_id=hire.id,
            candidate_id=hire.candidate_id,
            days_after=check.days_after,
            rating=rating,
            must_haves_predicted=predicted,
        )
        payload = thanks_payload(session, check)
        if payload is not None:
            outbox.enqueue(
                session,
                team_id=check.team_id,
                kind=f"{DM_KIND}-thanks",
                method=outbox.UPDATE,
                parent_key=message_keys.quality_check(check.id),
                payload=payload,
                role_id=role.id,
                now=now,
            )
