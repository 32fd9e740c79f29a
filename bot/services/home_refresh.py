"""Keeping a person's Home tab current, through the outbox like every other message.

The Home tab is published (``views.publish``) when the person opens it, when they page
through one of its lists, and after their own actions that change what it shows — feedback
submitted, something marked done, a change acknowledged, a retro answered, a check-in
replied to — in the transaction of that action, so a rolled-back change publishes nothing.
Only a person who has opened the tab before gets it refreshed: publishing a Home tab nobody
looks at is a Web API call for nothing (it is drawn fresh when they first open it).

A row carries only whom it is for, which page of each list, and a one-line answer to a
button pressed in the tab (a Home tab has no ``response_url`` to answer through). The view
itself is built by :func:`render` when the deliverer sends the row, so it shows what is true
then. While a person's refresh waits to be sent, later ones merge into it: one publish, the
latest answer, the latest pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.home import dashboard_blocks
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.models import OutboxMessage, OutboxState
from bot.services import outbox
from bot.services.home import SECTIONS, dashboard_in
from bot.services.people import get_person

KIND = "home"
MAX_NOTICE = 500


def message_key(user_id: str) -> str:
    return f"home:{user_id}"


def _waiting(session: Session, team_id: str, user_id: str) -> OutboxMessage | None:
    """The person's refresh that is queued and not yet being sent."""
    return session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.key == message_key(user_id),
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.claimed_by.is_(None),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    ).first()


def queue_refresh(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    notice: str = "",
    pages: dict[str, int] | None = None,
    enterprise_id: str | None = None,
    opened: bool = False,
) -> None:
    """Publish the person's Home tab again after this transaction commits — if they have
    ever opened it (``opened``: they are opening it now)."""
    if not opened:
        person = get_person(session, team_id, user_id)
        if person is None or person.home_opened_at is None:
            return
    waiting = _waiting(session, team_id, user_id)
    earlier: dict[str, Any] = dict(waiting.payload) if waiting is not None else {}
    payload = {
        "user_id": user_id,
        "notice": (notice or earlier.get("notice") or "")[:MAX_NOTICE],
        "pages": pages if pages is not None else earlier.get("pages", {}),
    }
    if waiting is not None:
        waiting.payload = payload
        session.info[outbox.ENQUEUED] = True
        return
    outbox.enqueue(
        session,
        team_id=team_id,
        enterprise_id=enterprise_id,
        kind=KIND,
        method=outbox.PUBLISH_VIEW,
        now=now,
        payload=payload,
        key=message_key(user_id),
    )


def home_opened(
    sessions: SessionFactory,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    enterprise_id: str | None = None,
) -> None:
    """``app_home_opened``: remember that the person looks at the tab, and publish it."""
    with sessions.begin() as session:
        person = get_person(session, team_id, user_id)
        if person is not None:
            person.home_opened_at = now
        queue_refresh(
            session,
            team_id=team_id,
            user_id=user_id,
            now=now,
            pages={},
            enterprise_id=enterprise_id,
            opened=True,
        )


def parse_page(value: str) -> tuple[str, int] | None:
    """``"roles:2"`` from a *More* button; None for anything else (a forged value)."""
    section, _, number = value.partition(":")
    if section not in SECTIONS or not number.isdigit() or len(number) > 4:
        return None
    return section, int(number)


def show_page(
    sessions: SessionFactory,
    *,
    team_id: str,
    user_id: str,
    value: str,
    now: datetime,
    enterprise_id: str | None = None,
) -> None:
    """*More* in the Home tab: publish it again with the next page of that list (the other
    lists back on their first page). A forged value shows the first pages."""
    parsed = parse_page(value)
    pages = {parsed[0]: parsed[1]} if parsed is not None else {}
    with sessions.begin() as session:
        queue_refresh(
            session,
            team_id=team_id,
            user_id=user_id,
            now=now,
            pages=pages,
            enterprise_id=enterprise_id,
            opened=True,
        )


def answer_in_home(
    sessions: SessionFactory,
    *,
    team_id: str,
    user_id: str,
    notice: str,
    now: datetime,
    enterprise_id: str | None = None,
) -> None:
    """A button pressed in the Home tab: the tab, published again, is the answer."""
    with sessions.begin() as session:
        queue_refresh(
            session,
            team_id=team_id,
            user_id=user_id,
            now=now,
            notice=notice,
            enterprise_id=enterprise_id,
            opened=True,
        )


@outbox.renders(KIND)
def render(session: Session, team_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The ``views.publish`` arguments: the dashboard as it is now."""
    user_id = str(payload["user_id"])
    pages = {str(k): int(v) for k, v in dict(payload.get("pages") or {}).items()}
    board = dashboard_in(session, team_id=team_id, user_id=user_id, now=utcnow(), pages=pages)
    view = {"type": "home", "blocks": dashboard_blocks(board, notice=payload.get("notice") or "")}
    return {"user_id": user_id, "view": view}
