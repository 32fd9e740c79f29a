"""Revealing a round's recommendations together in the role's channel, and late ones after.

The reveal is claimed on the interview row (``revealed_at``) and its post is an outbox row
written in the same transaction: either both commit or neither does, and the deliverer
retries the post until Slack has it — a reveal is never claimed and then lost. A
recommendation submitted after its round was revealed is posted in the transaction that
saves it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.feedback import late_recommendation_message, reveal_message
from bot.db import SessionFactory
from bot.models import Candidate, Feedback, Interview, Role
from bot.services import feedback as feedback_service
from bot.services import focus_areas
from bot.services.candidates import label
from bot.services.interviews import KINDS
from bot.services.role_posts import full_names_in_channels, post_in_channel

REVEAL = "reveal"
LATE_RECOMMENDATION = "late-recommendation"


def _parties(session: Session, interview: Interview) -> tuple[Role, str]:
    role = session.get(Role, interview.role_id)
    candidate = session.get(Candidate, interview.candidate_id)
    assert role is not None and candidate is not None
    return role, label(candidate, full_names=full_names_in_channels(session, interview.team_id))


def reveal_if_ready(session: Session, interview: Interview, *, now: datetime) -> bool:
    """Claim the round's reveal and queue its post if the round is complete or due; True
    when this transaction revealed it."""
    round_ = feedback_service.round_of(session, interview, now=now)
    if not round_.ready or not feedback_service.claim_reveal(
        session, interview_id=interview.id, now=now
    ):
        return False
    role, candidate = _parties(session, interview)
    text, blocks = reveal_message(
        candidate=candidate,
        interview=KINDS.get(interview.kind, interview.kind),
        ended_at=interview.ends_at,
        submitted=round_.submitted,
        missing=round_.missing,
        unassessed=feedback_service.unassessed_must_haves(session, interview),
        uncovered=focus_areas.uncovered_for_candidate(session, interview),
    )
    post_in_channel(session, role, text, blocks, kind=REVEAL, now=now)
    return True


def add_late_recommendation(
    session: Session, interview: Interview, feedback: Feedback, *, now: datetime
) -> bool:
    """Queue a late interviewer's recommendation if the round was already revealed without
    it; True when queued."""
    # Read again: a reveal committed by another transaction since the interview was loaded
    # (the claim above waited for it) must count.
    revealed_at = session.scalar(select(Interview.revealed_at).where(Interview.id == interview.id))
    if revealed_at is None:
        return False
    role, candidate = _parties(session, interview)
    text, blocks = late_recommendation_message(
        candidate=candidate,
        interview=KINDS.get(interview.kind, interview.kind),
        feedback=feedback,
        ended_at=interview.ends_at,
    )
    post_in_channel(session, role, text, blocks, kind=LATE_RECOMMENDATION, now=now)
    return True


def reveal_due(sessions: SessionFactory, *, now: datetime, installed: Callable[[str], bool]) -> int:
    """Reveal every round that is complete or past due (each in its own transaction);
    returns how many were revealed. Workspaces ``installed`` says no to are left for later
    (nothing could be posted there)."""
    with sessions() as session:
        waiting = [
            i.id
            for i in feedback_service.unrevealed_interviews(session, now=now)
            if installed(i.team_id)
        ]
    revealed = 0
    for interview_id in waiting:
        with sessions.begin() as session:
            interview = session.get(Interview, interview_id)
            if interview is not None:
                revealed += reveal_if_ready(session, interview, now=now)
    return revealed
