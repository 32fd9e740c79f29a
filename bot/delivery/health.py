"""The outbox's figures for ``/healthz``."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.services.outbox_admin import health

logger = logging.getLogger(__name__)


def outbox_health(engine: Engine) -> dict[str, Any]:
    """``outbox_depth`` (pending rows), ``outbox_oldest_pending_seconds`` and
    ``outbox_failed``; empty if they cannot be read (health must still answer)."""
    try:
        with Session(engine) as session:
            figures = health(session, now=utcnow())
    except Exception as exc:
        logger.warning("outbox figures unavailable: %s", exc)
        return {}
    oldest = figures.oldest_pending_seconds
    return {
        "outbox_depth": figures.depth,
        "outbox_oldest_pending_seconds": round(oldest, 1) if oldest is not None else None,
        "outbox_failed": figures.failed,
    }
