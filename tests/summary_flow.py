"""Seed a closed role's retro poll and answers straight into the database (the poll and its
answering UI are built by another part of issue 12)."""

from __future__ import annotations

from datetime import datetime

from bot.models import RetroAnonymousAnswer, RetroAnswer, RetroPoll, RoleClosure
from tests.harness import Tandem
from tests.slack_requests import TEAM_ID


def seed_poll(
    tandem: Tandem,
    role_id: int,
    *,
    invited: list[str],
    opened_at: datetime,
    closes_at: datetime,
    threshold: int = 3,
) -> int:
    with tandem.database.sessions.begin() as session:
        closure = RoleClosure(
            team_id=TEAM_ID,
            role_id=role_id,
            outcome="filled",
            closed_by=invited[0],
            closed_at=opened_at,
        )
        session.add(closure)
        session.flush()
        poll = RetroPoll(
            team_id=closure.team_id,
            role_id=role_id,
            closure_id=closure.id,
            invited=invited,
            anonymity_threshold=threshold,
            opened_at=opened_at,
            closes_at=closes_at,
        )
        session.add(poll)
        session.flush()
        return poll.id


def answer(
    tandem: Tandem, poll_id: int, user: str, capacity: str, at: datetime, ratings=(4, 4, 4)
) -> None:
    p, s, q = ratings
    with tandem.database.sessions.begin() as session:
        session.add(
            RetroAnswer(
                team_id=TEAM_ID,
                poll_id=poll_id,
                user_id=user,
                capacity=capacity,
                partnership=p,
                speed=s,
                candidate_quality=q,
                what_worked="",
                what_to_change="",
                answered_at=at,
                updated_at=at,
            )
        )


def answer_anonymously(tandem: Tandem, poll_id: int, key: str, at: datetime) -> None:
    with tandem.database.sessions.begin() as session:
        session.add(
            RetroAnonymousAnswer(
                id=key,
                team_id=TEAM_ID,
                poll_id=poll_id,
                answerer_hash=key,
                partnership=3,
                speed=3,
                candidate_quality=3,
                what_worked="",
                what_to_change="",
                answered_on=at.date(),
            )
        )
