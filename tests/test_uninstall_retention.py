"""``app_uninstalled``: tokens deleted at once, data kept for TANDEM_RETENTION_DAYS (a reinstall
within them restores service), then purged by the ``purge-uninstalled`` job — every table's
rows of that workspace, and not one row of another.

Two workspaces, ``T1`` (uninstalled) and ``T2``, installed through the real OAuth path, with
rows in *every* table that has a ``team_id``: what the install stores, plus generated rows in each table (foreign keys pointing at the workspace's own parent rows),
so a table added later is covered without touching this test.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import Integer, Table, func, select, text

from bot.clock import utcnow
from bot.models import Base, Workspace
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from bot.scheduler.registry import all_jobs
from bot.services import retention
from tests.harness import Tandem
from tests.test_token_encryption import CLIENT_ID, CLIENT_SECRET, oauth_install

GONE, KEPT = "T1", "T2"
SLACK_TABLES = ("slack_installations", "slack_bots")
HM = "U0HIRINGMGR"


@pytest.fixture
def oauth_tandem(db: Database, standin: SlackStandin) -> Iterator[Tandem]:
    app = Tandem(
        db,
        standin,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
    )
    yield app
    app.close()


# -- data in every table -------------------------------------------------------------------


_numbers = itertools.count(1)


def _value(column: Any, team_id: str, parents: dict[str, list[Any]], n: int) -> Any:
    """A value for ``column`` of generated row ``n``: for a foreign key, the ``n``-th row of
    the team's own rows of the parent table."""
    if column.name == "team_id":
        return team_id
    for key in column.foreign_keys:
        rows = parents.get(key.column.table.name) or [None]
        return rows[n % len(rows)]
    if column.nullable:
        return None  # e.g. workspaces.uninstalled_at: the generated rows are plain ones
    kind = column.type.python_type
    if kind is object:  # a TypeDecorator (UTCDateTime …): what it stores; JSON: a document
        impl = getattr(column.type, "impl", None)
        kind = impl.python_type if impl is not None else dict
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return next(iter(kind))
    if kind is bool:
        return False
    if kind is int:
        return 1
    if kind is datetime:
        return utcnow()
    if kind is date:
        return utcnow().date()
    if kind is time:
        return time(9)
    if kind in (dict, list):
        return kind()
    return f"x{next(_numbers)}"[: getattr(column.type, "length", None) or 32]


def fill_every_team_table(db: Database, team_id: str) -> None:
    """Three generated rows of ``team_id`` in every table with a ``team_id``
    (one in ``workspaces``, where it is unique), parents first, each foreign key pointing
    at the team's own parent rows: a table added later is covered without touching this."""
    parents: dict[str, list[Any]] = {}
    with db.engine.begin() as connection:
        for table in team_tables():
            key = next(iter(table.primary_key.columns))
            # Installations come from the real installs (generated ones would not be ours).
            wanted = 0 if table.name in SLACK_TABLES else 1 if table.c.team_id.unique else 3
            rows = [
                {
                    c.name: _value(c, team_id, parents, n)
                    for c in table.columns
                    if not (c.primary_key and isinstance(c.type, Integer))
                }
                for n in range(wanted)
            ]
            if rows:
                inserted = connection.execute(table.insert().returning(key), rows).scalars()
                parents[table.name] = sorted(inserted.all())


def team_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if "team_id" in t.c]


def counts(db: Database, team_id: str) -> dict[str, int]:
    """Rows of ``team_id`` per table (one round trip)."""
    tables = team_tables()
    query = select(
        *(
            select(func.count())
            .select_from(t)
            .where(t.c.team_id == team_id)
            .scalar_subquery()
            .label(t.name)
            for t in tables
        )
    )
    with db.engine.connect() as connection:
        return dict(connection.execute(query).one()._mapping)


def _populated(app: Tandem) -> dict[str, dict[str, int]]:
    db = app.database
    for team in (GONE, KEPT):
        oauth_install(app, team)
    for team in (GONE, KEPT):
        fill_every_team_table(db, team)
    before = {team: counts(db, team) for team in (GONE, KEPT)}
    assert all(before[team][t.name] > 0 for team in (GONE, KEPT) for t in team_tables())
    return before


def _uninstall(app: Tandem, team_id: str, event_id: str = "Ev0UNINSTALL") -> None:
    reply = app.event({"type": "app_uninstalled"}, event_id=event_id, team_id=team_id)
    assert reply.status == 200


def _uninstalled_at(db: Database, team_id: str) -> datetime | None:
    with db.sessions() as session:
        return session.scalar(select(Workspace.uninstalled_at).where(Workspace.team_id == team_id))


def _purge_job(app: Tandem) -> int:
    """The ``purge-uninstalled`` job, run as the scheduler runs it, at the clock's now."""
    (job,) = [j for j in all_jobs() if j.name == "purge-uninstalled"]
    return job.func(app.job_context(), utcnow())


# -- tests ---------------------------------------------------------------------------------


def test_uninstall_deletes_the_tokens_at_once_and_keeps_the_data(oauth_tandem: Tandem) -> None:
    db = oauth_tandem.database
    before = _populated(oauth_tandem)

    _uninstall(oauth_tandem, GONE)
    _uninstall(oauth_tandem, GONE, event_id="Ev0UNINSTALL2")  # Slack sends it again

    after = counts(db, GONE)
    assert {t: after[t] for t in SLACK_TABLES} == dict.fromkeys(SLACK_TABLES, 0)
    # Every other row is kept; the two deliveries of the event are recorded (dedup ids).
    assert after["processed_events"] == before[GONE]["processed_events"] + 2
    unchanged = set(after) - set(SLACK_TABLES) - {"processed_events"}
    assert {t: after[t] for t in unchanged} == {t: before[GONE][t] for t in unchanged}
    assert counts(db, KEPT) == before[KEPT]
    assert _uninstalled_at(db, GONE) is not None
    assert _uninstalled_at(db, KEPT) is None

    # Without its tokens, the workspace is not served (and is told so) ...
    reply = oauth_tandem.command("/tandem", "help", user=HM, team_id=GONE)
    assert reply.status == 200
    said = oauth_tandem.standin.last("response_url").params["text"]
    assert "not installed in this workspace" in said
    # ... while the other one is.
    oauth_tandem.standin.reset_calls()
    oauth_tandem.event(
        {"type": "app_home_opened", "user": HM, "channel": "D0HOME", "tab": "home"},
        event_id="Ev0STILLSERVED",
        team_id=KEPT,
    )
    assert oauth_tandem.standin.calls_to("views.publish")


def test_data_is_purged_after_the_retention_and_only_that_workspaces(
    oauth_tandem: Tandem, frozen_today: datetime
) -> None:
    db = oauth_tandem.database
    before = _populated(oauth_tandem)
    _uninstall(oauth_tandem, GONE)
    with_tokens_gone = counts(db, GONE)

    with freeze_time(frozen_today + timedelta(days=29, hours=23), tick=True):
        assert _purge_job(oauth_tandem) == 0
    assert counts(db, GONE) == with_tokens_gone

    with freeze_time(frozen_today + timedelta(days=30, hours=1), tick=True):
        purged = _purge_job(oauth_tandem)
        # The same hour's second run (another replica) finds the slot claimed.
        assert _purge_job(oauth_tandem) == 0

    assert purged == sum(with_tokens_gone.values())
    assert counts(db, GONE) == {t.name: 0 for t in team_tables()}
    assert counts(db, KEPT) == before[KEPT]
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM workspaces")).scalar_one() == 1


def test_purge_in_small_batches_deletes_the_same_rows(
    oauth_tandem: Tandem, frozen_today: datetime
) -> None:
    db = oauth_tandem.database
    before = _populated(oauth_tandem)
    _uninstall(oauth_tandem, GONE)
    left = counts(db, GONE)

    later = frozen_today + timedelta(days=31)
    deleted = retention.purge_workspace(
        db.sessions, team_id=GONE, now=later, retention_days=30, batch=2
    )
    assert deleted == {table: n for table, n in left.items() if n}
    assert counts(db, GONE) == {t.name: 0 for t in team_tables()}
    assert counts(db, KEPT) == before[KEPT]
    # Nothing is left to do: a second purge finds no such workspace.
    assert retention.purge_due(db.sessions, now=later, retention_days=30).total == 0


def test_reinstalling_within_the_retention_restores_service_and_keeps_the_data(
    oauth_tandem: Tandem, frozen_today: datetime
) -> None:
    db = oauth_tandem.database
    before = _populated(oauth_tandem)
    _uninstall(oauth_tandem, GONE)

    with freeze_time(frozen_today + timedelta(days=10), tick=True):
        secrets = oauth_install(oauth_tandem, GONE)
        oauth_tandem.standin.reset_calls()
        oauth_tandem.event(
            {"type": "app_home_opened", "user": HM, "channel": "D0HOME", "tab": "home"},
            event_id="Ev0BACK",
            team_id=GONE,
        )
        assert oauth_tandem.standin.last("views.publish").headers["authorization"] == (
            f"Bearer {secrets['bot']}"
        )
    assert _uninstalled_at(db, GONE) is None
    again = counts(db, GONE)
    # Every row is still there; the two events added their dedup ids and the Home tab post.
    assert all(again[t] >= n for t, n in before[GONE].items())
    made = {"processed_events", "outbox"}
    assert {t: n for t, n in again.items() if t not in made} == {
        t: n for t, n in before[GONE].items() if t not in made
    }

    # Past the retention of the first uninstall, nothing is purged: the mark is gone.
    with freeze_time(frozen_today + timedelta(days=45), tick=True):
        assert _purge_job(oauth_tandem) == 0
    assert counts(db, GONE) == again
    assert counts(db, KEPT) == before[KEPT]


def test_retention_days_is_a_setting(db: Database, standin: SlackStandin) -> None:
    app = Tandem(
        db,
        standin,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        tandem_retention_days=7,
    )
    try:
        oauth_install(app, GONE)
        _uninstall(app, GONE)
        uninstalled_at = _uninstalled_at(db, GONE)
        assert uninstalled_at is not None
        with freeze_time(uninstalled_at.astimezone(UTC) + timedelta(days=7, minutes=1)):
            assert _purge_job(app) >= 1
        assert counts(db, GONE) == {t.name: 0 for t in team_tables()}
    finally:
        app.close()
