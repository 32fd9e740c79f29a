"""The schema is made only by migrations, and they agree with the models — on both databases."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from bot.db import make_engine, make_session_factory
from bot.migrate import current_revisions, downgrade_database, head_revisions, upgrade_database
from bot.models import (
    Base,
    BriefRevision,
    Candidate,
    CheckIn,
    Interview,
    Nudge,
    Obligation,
    Role,
)
from bot.models.base import UTCDateTime
from bot.services import message_keys, outbox
from tests.conftest import BACKENDS, PostgresDatabases


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a brand-new, empty database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        engine = make_engine(databases.create("tandem_migrations"))
    yield engine
    engine.dispose()


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_single_head() -> None:
    assert len(head_revisions()) == 1


def test_upgrade_from_empty_reaches_head_and_matches_models(empty_engine: Engine) -> None:
    upgrade_database(empty_engine)

    assert current_revisions(empty_engine) == head_revisions()
    assert _differences(empty_engine) == []
    tables = set(inspect(empty_engine).get_table_names())
    assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= tables


def test_downgrade_to_base_and_back(empty_engine: Engine) -> None:
    upgrade_database(empty_engine)
    downgrade_database(empty_engine, "base")

    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}

    upgrade_database(empty_engine)
    assert _differences(empty_engine) == []


def test_upgrade_twice_is_harmless(empty_engine: Engine) -> None:
    upgrade_database(empty_engine)
    upgrade_database(empty_engine)
    assert current_revisions(empty_engine) == head_revisions()


def test_concurrent_upgrades_do_not_race(empty_engine: Engine) -> None:
    """Two replicas booting at once: both finish, the schema is made once."""
    url = empty_engine.url.render_as_string(hide_password=False)
    errors: list[BaseException] = []

    def boot() -> None:
        engine = make_engine(url)
        try:
            upgrade_database(engine)
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=boot) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert current_revisions(empty_engine) == head_revisions()
    assert _differences(empty_engine) == []


@dataclass(frozen=True)
class _RoleRow:
    id: int


def _insert_role(session: Session, *, at: datetime, **columns: str) -> _RoleRow:
    """A role row with only the columns every revision has (an ORM insert would name
    columns a later migration adds)."""
    values = {
        "team_id": "T1",
        "title": "Chef",
        "status": "open",
        "recruiter_id": "UREC",
        "hiring_manager_id": "UHM",
        "created_by": "UREC",
        "created_at": at,
        "brief_post_attempts": 0,
        **columns,
    }
    # A bare table: the model's Python-side defaults would name later columns too.
    typed = Role.__table__.c
    table = sa.table(
        "roles", sa.column("id"), *(sa.column(name, typed[name].type) for name in values)
    )
    inserted = session.execute(sa.insert(table).values(values).returning(table.c.id))
    return _RoleRow(inserted.scalar_one())


def _insert_candidate(session: Session, role_id: int, initials: str, *, at: datetime) -> int:
    """A candidate row with only the columns every revision has (an ORM insert would name
    columns a later migration adds)."""
    table = Candidate.__table__
    return session.execute(
        sa.insert(table)
        .values(
            team_id="T1",
            role_id=role_id,
            initials=initials,
            source="referral",
            stage="panel",
            created_by="UREC",
            created_at=at,
            updated_at=at,
        )
        .returning(table.c.id)
    ).scalar_one()


def test_messages_posted_before_the_outbox_get_their_keys(empty_engine: Engine) -> None:
    """A brief, change message, interview note and check-in posted before the outbox get a
    sent row with their key, so an update or a thread reply finds them (data only: the
    models match the schema on both sides of this migration)."""
    upgrade_database(empty_engine, "5b1d2c7e9a04")
    at = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    sessions = make_session_factory(empty_engine)
    with sessions.begin() as session:
        role = _insert_role(session, at=at, channel_id="C1", brief_ts="111.000100")
        bare = _insert_role(session, at=at, title="No channel yet")
        revision = BriefRevision(
            team_id="T1",
            role_id=role.id,
            number=2,
            content={},
            created_by="UHM",
            created_at=at,
            change_message_ts="222.000200",
        )
        session.add(revision)
        session.flush()
        candidate_id = _insert_candidate(session, role.id, "A.B.", at=at)
        interview = Interview(
            team_id="T1",
            role_id=role.id,
            candidate_id=candidate_id,
            revision_id=revision.id,
            kind="technical",
            starts_at=at,
            ends_at=at,
            logged_by="UREC",
            logger_tz="UTC",
            created_at=at,
            note_ts="333.000300",
        )
        checkin = CheckIn(
            team_id="T1",
            role_id=role.id,
            week="2026-W49",
            scheduled_for=at,
            posted_at=at,
            channel_id="C1",
            message_ts="444.000400",
        )
        session.add_all([interview, checkin])
        session.flush()
        ids = {"role": role.id, "bare": bare.id, "interview": interview.id, "checkin": checkin.id}

    upgrade_database(empty_engine)

    with sessions() as session:
        found = {
            key: (row.result_channel, row.result_ts)
            for key in [
                message_keys.role_channel(ids["role"]),
                message_keys.brief(ids["role"]),
                message_keys.change_message(ids["role"], 2),
                message_keys.interview_note(ids["interview"]),
                message_keys.checkin(ids["checkin"]),
                message_keys.brief(ids["bare"]),
            ]
            if (row := outbox.sent_parent(session, "T1", key)) is not None
        }
    assert found == {
        message_keys.role_channel(ids["role"]): ("C1", None),
        message_keys.brief(ids["role"]): ("C1", "111.000100"),
        message_keys.change_message(ids["role"], 2): ("C1", "222.000200"),
        message_keys.interview_note(ids["interview"]): ("C1", "333.000300"),
        message_keys.checkin(ids["checkin"]): ("C1", "444.000400"),
    }

    downgrade_database(empty_engine, "5b1d2c7e9a04")
    with sessions() as session:
        assert outbox.sent_parent(session, "T1", message_keys.brief(ids["role"])) is None


def test_duplicate_open_candidate_updates_are_merged_into_the_one_due_last(
    empty_engine: Engine,
) -> None:
    """A candidate's open candidate updates from before the one-per-candidate rule: the one
    due last stays, the others are cancelled with their unsent nudges (a sent one keeps its
    record); other candidates, closed obligations and other kinds are untouched."""
    upgrade_database(empty_engine, "a4d8e2c61f35")
    at = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    sessions = make_session_factory(empty_engine)
    with sessions.begin() as session:
        role = _insert_role(session, at=at)
        twice, once = (_insert_candidate(session, role.id, i, at=at) for i in ("A.B.", "C.D."))
        obligations = sa.table(
            "obligations",
            *(sa.column(name) for name in ("id", "team_id", "role_id", "kind", "subject_key")),
            *(sa.column(name) for name in ("owner_id", "candidate_id")),
            *(sa.column(name, UTCDateTime()) for name in ("starts_at", "due_at", "created_at")),
            sa.column("resolved_at", UTCDateTime()),
        )
        nudges = sa.table(
            "nudges",
            *(sa.column(name) for name in ("team_id", "role_id", "obligation_id", "kind")),
            *(sa.column(name) for name in ("recipient_id", "essential")),
            *(sa.column(name, UTCDateTime()) for name in ("scheduled_for", "send_after")),
            sa.column("sent_at", UTCDateTime()),
        )
        ids: dict[str, int] = {}
        for name, kind, candidate, days, resolved in [
            ("early", "candidate_update", twice, 1, None),
            ("late", "candidate_update", twice, 3, None),
            ("middle", "candidate_update", twice, 2, None),
            ("done", "candidate_update", twice, 9, at),
            ("review", "resume_review", twice, 1, None),
            ("other", "candidate_update", once, 1, None),
        ]:
            ids[name] = session.execute(
                sa.insert(obligations)
                .values(
                    team_id="T1",
                    role_id=role.id,
                    kind=kind,
                    subject_key=f"candidate:{candidate}:{name}",
                    owner_id="UREC",
                    candidate_id=candidate,
                    starts_at=at,
                    due_at=at + timedelta(days=days),
                    created_at=at,
                    resolved_at=resolved,
                )
                .returning(obligations.c.id)
            ).scalar_one()
            for rung, sent in (("reminder", at), ("overdue", None)):
                session.execute(
                    sa.insert(nudges).values(
                        team_id="T1",
                        role_id=role.id,
                        obligation_id=ids[name],
                        kind=rung,
                        recipient_id="UREC",
                        essential=True,
                        scheduled_for=at,
                        send_after=at,
                        sent_at=sent,
                    )
                )

    upgrade_database(empty_engine)

    with sessions() as session:
        state = {
            name: session.get(Obligation, obligation_id) for name, obligation_id in ids.items()
        }
        open_ones = {name for name, o in state.items() if o is not None and o.is_open}
        assert open_ones == {"late", "review", "other"}
        assert state["done"] is not None and state["done"].cancelled_at is None
        rungs = {
            (name, n.kind): (n.sent_at is not None, n.cancelled_at is not None, n.cancel_reason)
            for name, obligation_id in ids.items()
            for n in session.scalars(select(Nudge).where(Nudge.obligation_id == obligation_id))
        }
    for merged in ("early", "middle"):
        assert rungs[(merged, "reminder")] == (True, False, None)  # sent: kept as it was
        assert rungs[(merged, "overdue")] == (False, True, "merged")
    for kept in ("late", "review", "other", "done"):
        assert rungs[(kept, "overdue")] == (False, False, None)
    assert _differences(empty_engine) == []
