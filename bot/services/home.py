"""The App Home: what a person owes, most urgent first.

A digest cut short says the rest wait here, so the Home tab lists every open obligation of
the person (feedback, résumé reviews, candidate updates, the first slate) by due time.
"""

from __future__ import annotations

from datetime import datetime

from bot.blocks.nudges import NudgeItem
from bot.db import SessionFactory
from bot.models import NudgeKind
from bot.services.nudge_delivery import obligation_item
from bot.services.obligations import open_for


def open_items(
    sessions: SessionFactory, *, team_id: str, user_id: str, now: datetime
) -> list[NudgeItem]:
    """The person's open obligations as items, the earliest due (overdue ones) first."""
    with sessions() as session:
        owed = sorted(
            open_for(session, team_id=team_id, owner_id=user_id), key=lambda o: (o.due_at, o.id)
        )
        return [
            obligation_item(
                session,
                obligation,
                nudge_id=0,
                kind=NudgeKind.OVERDUE if obligation.due_at <= now else NudgeKind.REMINDER,
                in_channel=False,
            )
            for obligation in owed
        ]
