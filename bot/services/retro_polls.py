"""The retro poll of a closed role (being built: see issue 12)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.models import Role, RoleClosure


def open_poll(session: Session, role: Role, closure: RoleClosure, *, now: datetime) -> None:
    """Open the retro of ``closure`` (filled or cancelled) in the role's channel, in the
    caller's transaction."""
