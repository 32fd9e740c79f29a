"""Delivery: the only code that sends messages to Slack (see ``bot.delivery.deliverer``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from bot.db import SessionFactory
from bot.delivery.deliverer import Deliverer, make_delivery_client
from bot.services.outbox import ENQUEUED

__all__ = ["Deliverer", "make_delivery_client", "poke_after_commit"]


def poke_after_commit(sessions: SessionFactory, poke: Callable[[], None]) -> None:
    """Call ``poke`` after each commit of a ``sessions`` session that wrote outbox rows, so
    a click's message leaves at once instead of at the next poll."""

    def committed(session: Any) -> None:
        if session.info.pop(ENQUEUED, False):
            poke()

    def rolled_back(session: Any, *_args: Any) -> None:
        session.info.pop(ENQUEUED, None)

    event.listen(sessions, "after_commit", committed)
    event.listen(sessions, "after_rollback", rolled_back)
