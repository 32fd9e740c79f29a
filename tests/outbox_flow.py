"""Queue outbox rows and deliver them against the stand-in, and read back what Slack got."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.delivery import Deliverer
from bot.models import OutboxMessage, Role
from bot.runtime import Database, job_context
from bot.sandbox.slack_standin import BOT_USER_ID, TEAM_ID, SlackStandin
from bot.services import outbox
from tests.harness import make_settings

RECRUITER = "U0OUTBOXREC"


def deliverer(db: Database, standin: SlackStandin, **settings: Any) -> Deliverer:
    """A deliverer for ``db`` whose Web API is the stand-in (``tandem_delivery_*`` settings)."""
    url = db.engine.url.render_as_string(hide_password=False)
    return job_context(make_settings(url, standin.api_url, **settings), db).new_deliverer()


def channels(standin: SlackStandin, *ids: str) -> None:
    for channel_id in ids:
        standin.add_channel(channel_id, channel_id.lower(), members={BOT_USER_ID})


def queue(db: Database, **fields: Any) -> int:
    """One row in its own transaction; returns its id."""
    fields.setdefault("team_id", TEAM_ID)
    fields.setdefault("kind", "test")
    fields.setdefault("method", outbox.POST)
    fields.setdefault("now", datetime.now(UTC))
    with db.sessions.begin() as session:
        return outbox.enqueue(session, **fields).id


def row(db: Database, row_id: int) -> OutboxMessage:
    with db.sessions() as session:
        found = session.get(OutboxMessage, row_id)
        assert found is not None
        return found


def rows(db: Database) -> list[OutboxMessage]:
    with db.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def carried(message: dict[str, Any]) -> int | None:
    """The outbox id a posted message carries in its metadata."""
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != "tandem_outbox":
        return None
    return int(metadata["event_payload"]["outbox_id"])


def copies(standin: SlackStandin, row_id: int) -> int:
    """How many messages in the whole workspace carry ``row_id``."""
    return sum(carried(m) == row_id for m in standin.posted())


def add_role(db: Database, *, channel_id: str, title: str = "Staff Data Engineer") -> int:
    with db.sessions.begin() as session:
        role = Role(
            team_id=TEAM_ID,
            title=title,
            recruiter_id=RECRUITER,
            hiring_manager_id="U0OUTBOXHM",
            created_by=RECRUITER,
            created_at=datetime.now(UTC),
            channel_id=channel_id,
        )
        session.add(role)
        session.flush()
        return role.id
