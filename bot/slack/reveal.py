"""Revealing a round's recommendations together in the role's channel (claimed, once)."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update

from bot.blocks.feedback import late_recommendation_message, reveal_message
from bot.db import SessionFactory
from bot.models import Candidate, Interview, Role, Workspace
from bot.services import feedback as feedback_service
from bot.services.candidates import label
from bot.services.interviews import KINDS

logger = logging.getLogger(__name__)


def reveal_round(
    client: WebClient, sessions: SessionFactory, *, team_id: str, interview_id: int, now: datetime
) -> bool:
    """Post the round's recommendations if it is complete or due; True when posted now."""
    with sessions.begin() as session:
        interview = session.get(Interview, interview_id)
        if interview is None or interview.team_id != team_id:
            return False
        round_ = feedback_service.round_of(session, interview, now=now)
        if not round_.ready or not feedback_service.claim_reveal(
            session, interview_id=interview_id, now=now
        ):
            return False
        role = session.get(Role, interview.role_id)
        candidate = session.get(Candidate, interview.candidate_id)
        assert role is not None and candidate is not None
        full_names = bool(
            session.scalar(
                select(Workspace.full_names_in_channels).where(Workspace.team_id == team_id)
            )
        )
        text, blocks = reveal_message(
            candidate=label(candidate, full_names=full_names),
            interview=KINDS.get(interview.kind, interview.kind),
            ended_at=interview.ends_at,
            submitted=round_.submitted,
            missing=round_.missing,
            unassessed=feedback_service.unassessed_must_haves(session, interview),
        )
        channel_id = role.channel_id
    try:
        if channel_id is None:
            raise SlackApiError("no channel", {"ok": False, "error": "no_channel"})  # type: ignore[arg-type]
        client.chat_postMessage(channel=channel_id, text=text, blocks=blocks)
    except SlackApiError as exc:
        logger.warning("revealing interview %s failed: %s", interview_id, exc)
        with sessions.begin() as session:
            session.execute(
                update(Interview).where(Interview.id == interview_id).values(revealed_at=None)
            )
        return False
    return True


def announce_late_feedback(
    client: WebClient,
    sessions: SessionFactory,
    *,
    team_id: str,
    interview_id: int,
    interviewer_id: str,
) -> bool:
    """After the round was revealed without them, add a late interviewer's recommendation."""
    with sessions() as session:
        interview = session.get(Interview, interview_id)
        if interview is None or interview.team_id != team_id or interview.revealed_at is None:
            return False
        role = session.get(Role, interview.role_id)
        candidate = session.get(Candidate, interview.candidate_id)
        feedback = next(
            (
                f
                for f in feedback_service.round_of(
                    session, interview, now=interview.revealed_at
                ).submitted
                if f.interviewer_id == interviewer_id
            ),
            None,
        )
        if role is None or candidate is None or feedback is None or role.channel_id is None:
            return False
        full_names = bool(
            session.scalar(
                select(Workspace.full_names_in_channels).where(Workspace.team_id == team_id)
            )
        )
        text, blocks = late_recommendation_message(
            candidate=label(candidate, full_names=full_names),
            interview=KINDS.get(interview.kind, interview.kind),
            feedback=feedback,
        )
        channel_id = role.channel_id
    try:
        client.chat_postMessage(channel=channel_id, text=text, blocks=blocks)
    except SlackApiError as exc:
        logger.warning("late feedback note failed: %s", exc.response.get("error"))
        return False
    return True
