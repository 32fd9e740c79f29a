"""Answering a retro poll: the modal behind the poll's button, and saving an answer.

One answer per person per poll: a second submit edits the first, also when it switches
between named and anonymous (the keyed hash finds the person's own anonymous answer without
naming them). Only the people the poll invited may answer, and only until the summary is
posted. A named answer is a timeline entry; an anonymous one leaves no trace of who gave it
— not in the timeline, the poll message (it counts anonymous answers, never names them) or
the row itself (no user id, a random id, the day only).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.blocks.retro import ANONYMOUS_VALUE, WHAT_LIMIT, AnswerForm, answer_modal, saved_text
from bot.db import SessionFactory
from bot.models import RetroAnonymousAnswer, RetroAnswer, RetroPoll, Role
from bot.services import access, home_refresh, retro_polls, retro_summary, timeline
from bot.services.actors import Actor, SubmittedView
from bot.services.anonymity import answerer_hash
from bot.services.errors import NotAllowed
from bot.services.form_values import whole_number
from bot.services.hiring_forms import FormErrors
from bot.services.timeline import Event
from bot.slack.ids import Field as F

NOT_YOURS = "This retro poll is not one you can answer (or it no longer exists)."
NOT_INVITED = (
    "This retro is for the role's recruiter, hiring manager and panel, and you were not on "
    "it — so there is nothing for you to answer."
)
OVER = "This retro is over: its summary has been posted. Thank you!"
ROLE_GONE = "This retro's role was deleted, so the poll takes no more answers."
RACED = "Your answer was just saved from another window. Open the poll again to change it."
NO_KEY = (
    "Anonymous answers are switched off here: whoever runs Tandem has to set "
    "TANDEM_ANONYMITY_SECRET (or a signing secret). Answer with your name, or not at all."
)
RATING_ERRORS = {
    F.RETRO_PARTNERSHIP: "Choose a rating from 1 to 5 for the partnership.",
    F.RETRO_SPEED: "Choose a rating from 1 to 5 for the speed of the process.",
    F.RETRO_CANDIDATES: "Choose a rating from 1 to 5 for the quality of candidates.",
}


def _poll(session: Session, actor: Actor, poll_id: int | None, *, lock: bool = False) -> RetroPoll:
    poll = session.get(RetroPoll, poll_id, with_for_update=lock) if poll_id is not None else None
    if poll is None or poll.team_id != actor.team_id:
        raise NotAllowed(NOT_YOURS)
    if actor.user_id not in poll.invited:
        raise NotAllowed(NOT_INVITED)
    if poll.summarized_at is not None:
        raise NotAllowed(OVER)
    return poll


def _role(session: Session, poll: RetroPoll) -> Role:
    role = session.get(Role, poll.role_id)
    if role is None or role.team_id != poll.team_id:
        raise NotAllowed(ROLE_GONE)
    return role


def _hash(key: bytes | None, actor: Actor, poll: RetroPoll) -> str | None:
    if key is None:
        return None
    return answerer_hash(key, team_id=actor.team_id, poll_id=poll.id, user_id=actor.user_id)


def _named(session: Session, poll: RetroPoll, user_id: str) -> RetroAnswer | None:
    return session.scalar(
        select(RetroAnswer).where(RetroAnswer.poll_id == poll.id, RetroAnswer.user_id == user_id)
    )


def _anonymous(
    session: Session, poll: RetroPoll, digest: str | None
) -> RetroAnonymousAnswer | None:
    if digest is None:
        return None
    return session.scalar(
        select(RetroAnonymousAnswer).where(
            RetroAnonymousAnswer.poll_id == poll.id, RetroAnonymousAnswer.answerer_hash == digest
        )
    )


def answer_form(
    sessions: SessionFactory, actor: Actor, poll_id: int, *, key: bytes | None, now: datetime
) -> dict[str, Any]:
    """The modal behind the poll's button, with the person's earlier answer filled in."""
    with sessions() as session:
        poll = _poll(session, actor, poll_id)
        role = _role(session, poll)
        form = AnswerForm(
            poll_id=poll.id,
            role_title=role.title,
            capacity=retro_polls.capacity_of(role, actor.user_id),
            threshold=poll.anonymity_threshold,
        )
        earlier: RetroAnswer | RetroAnonymousAnswer | None = _named(session, poll, actor.user_id)
        anonymous = False
        if earlier is None:
            earlier = _anonymous(session, poll, _hash(key, actor, poll))
            anonymous = earlier is not None
        if earlier is not None:
            form = AnswerForm(
                poll_id=form.poll_id,
                role_title=form.role_title,
                capacity=form.capacity,
                threshold=form.threshold,
                partnership=earlier.partnership,
                speed=earlier.speed,
                candidate_quality=earlier.candidate_quality,
                what_worked=earlier.what_worked,
                what_to_change=earlier.what_to_change,
                anonymous=anonymous,
            )
        return answer_modal(form)


@dataclass(frozen=True)
class _Answer:
    partnership: int
    speed: int
    candidate_quality: int
    what_worked: str
    what_to_change: str
    anonymous: bool


def _clean(raw: object) -> str:
    # PostgreSQL refuses NUL in text; nothing else is changed (escaped when shown).
    return raw.replace("\x00", "").strip() if isinstance(raw, str) else ""


def read_answer(values: dict[str, Any], *, key: bytes | None) -> _Answer:
    """The modal's values, checked; ``FormErrors`` naming each field that is wrong."""
    errors: dict[str, str] = {}
    ratings: dict[str, int] = {}
    for field, message in RATING_ERRORS.items():
        rating = whole_number(values.get(field), 1, 5)
        if rating is None:
            errors[field] = message
        else:
            ratings[field] = rating
    worked, change = _clean(values.get(F.RETRO_WORKED)), _clean(values.get(F.RETRO_CHANGE))
    for field, text in ((F.RETRO_WORKED, worked), (F.RETRO_CHANGE, change)):
        if len(text) > WHAT_LIMIT:
            errors[field] = f"Keep it under {WHAT_LIMIT} characters (this is {len(text)})."
    chosen = values.get(F.RETRO_ANONYMOUS)
    anonymous = isinstance(chosen, list) and ANONYMOUS_VALUE in chosen
    if anonymous and key is None:
        errors[F.RETRO_ANONYMOUS] = NO_KEY
    if errors:
        raise FormErrors(errors)
    return _Answer(
        ratings[F.RETRO_PARTNERSHIP],
        ratings[F.RETRO_SPEED],
        ratings[F.RETRO_CANDIDATES],
        worked,
        change,
        anonymous,
    )


def _save_named(
    session: Session, poll: RetroPoll, role: Role, actor: Actor, answer: _Answer, now: datetime
) -> RetroAnswer:
    row = _named(session, poll, actor.user_id)
    if row is None:
        row = RetroAnswer(
            team_id=poll.team_id,
            poll_id=poll.id,
            user_id=actor.user_id,
            capacity=retro_polls.capacity_of(role, actor.user_id),
            answered_at=now,
        )
        session.add(row)
    row.partnership, row.speed = answer.partnership, answer.speed
    row.candidate_quality = answer.candidate_quality
    row.what_worked, row.what_to_change = answer.what_worked, answer.what_to_change
    row.updated_at = now
    return row


def _save_anonymous(
    session: Session, poll: RetroPoll, digest: str, answer: _Answer, now: datetime
) -> RetroAnonymousAnswer:
    row = _anonymous(session, poll, digest)
    if row is None:
        row = RetroAnonymousAnswer(
            id=uuid.uuid4().hex, team_id=poll.team_id, poll_id=poll.id, answerer_hash=digest
        )
        session.add(row)
    row.partnership, row.speed = answer.partnership, answer.speed
    row.candidate_quality = answer.candidate_quality
    row.what_worked, row.what_to_change = answer.what_worked, answer.what_to_change
    row.answered_on = now.date()
    return row


def save_answer(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    poll_id: int | None,
    values: dict[str, Any],
    key: bytes | None,
    now: datetime,
) -> str:
    """Save (or edit) the person's answer, update the poll in place — or replace it with the
    summary when this was the last answer — in one transaction; what to tell them."""
    answer = read_answer(values, key=key)
    try:
        with sessions.begin() as session:
            poll = _poll(session, actor, poll_id, lock=True)
            role = _role(session, poll)
            access.claim_submission(session, actor, view, now=now)
            digest = _hash(key, actor, poll)
            named = _named(session, poll, actor.user_id)
            own_anonymous = _anonymous(session, poll, digest)
            edited = named is not None or own_anonymous is not None
            if answer.anonymous:
                assert digest is not None  # read_answer refused it otherwise
                if named is not None:
                    session.delete(named)
                _save_anonymous(session, poll, digest, answer, now)
            else:
                if digest is not None:
                    session.execute(
                        delete(RetroAnonymousAnswer).where(
                            RetroAnonymousAnswer.poll_id == poll.id,
                            RetroAnonymousAnswer.answerer_hash == digest,
                        )
                    )
                _save_named(session, poll, role, actor, answer, now)
                timeline.record(
                    session,
                    role,
                    Event.RETRO_ANSWERED,
                    at=now,
                    actor_id=actor.user_id,
                    poll=poll.id,
                    # Not ``edited``: that would tell who had answered anonymously before.
                    edited=named is not None,
                )
            session.flush()
            if not retro_summary.summarize_if_complete(session, poll, now=now):
                retro_polls.queue_poll_update(session, role, poll, now=now)
            home_refresh.queue_refresh(
                session, team_id=actor.team_id, user_id=actor.user_id, now=now
            )
            return saved_text(answer.anonymous, edited)
    except IntegrityError as exc:
        # The same person's other window saved first (a unique answer per poll held).
        raise NotAllowed(RACED) from exc
