"""One save per modal: a submission is keyed on Slack's view id.

A double-click on *Submit*, or Slack delivering the same submission again, sends the same
``view.id`` twice. The use case that saves a submission claims its view id in its own
transaction (:func:`claim_view`): of two submissions, whether they race (SQLite serialises
writers; PostgreSQL makes the second insert wait for the first transaction) or come one after
the other, exactly one commits; the other gets :class:`AlreadySubmitted` and saves nothing.
A submission refused by validation claims nothing, so the corrected form saves normally.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db import upsert_insert
from bot.models import ViewSubmission

# Slack keeps a modal open for at most a few hours; a week is ample.
KEEP_FOR = timedelta(days=7)


class AlreadySubmitted(Exception):
    """This modal was submitted before, and that submission was saved."""


def was_submitted(session: Session, *, team_id: str, view_id: str) -> bool:
    return (
        session.scalar(
            select(ViewSubmission.id).where(
                ViewSubmission.team_id == team_id, ViewSubmission.view_id == view_id
            )
        )
        is not None
    )


def claim_view(
    session: Session, *, team_id: str, view_id: str, callback_id: str, user_id: str, now: datetime
) -> None:
    """Claim ``view_id`` for this submission; raises :class:`AlreadySubmitted` if taken.

    Call it in the transaction that saves the submission, once validation passed.
    """
    claimed = session.execute(
        upsert_insert(session, ViewSubmission)
        .values(
            team_id=team_id,
            view_id=view_id[:64],
            callback_id=callback_id[:64],
            user_id=user_id,
            submitted_at=now,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "view_id"])
        .returning(ViewSubmission.id)
    ).scalar_one_or_none()
    if claimed is None:
        raise AlreadySubmitted(view_id)


def purge(session: Session, *, now: datetime) -> int:
    """Forget claims older than :data:`KEEP_FOR` (no modal stays open that long)."""
    return session.execute(
        delete(ViewSubmission).where(ViewSubmission.submitted_at < now - KEEP_FOR)
    ).rowcount
