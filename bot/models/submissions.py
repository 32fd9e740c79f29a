"""Modal submissions already saved, keyed by Slack's view id (double-clicks, retries)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class ViewSubmission(Base):
    """One row per modal whose submission created something.

    Slack gives every opened or pushed view its own ``view.id``, and a double-click or a
    retried delivery submits the same view again. The row is inserted in the transaction that
    saves the submission, so of two submissions racing on SQLite or PostgreSQL exactly one
    commits: the unique key decides, not a read before the write.
    """

    __tablename__ = "view_submissions"
    __table_args__ = (UniqueConstraint("team_id", "view_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    view_id: Mapped[str] = mapped_column(String(64))
    callback_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(32))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
