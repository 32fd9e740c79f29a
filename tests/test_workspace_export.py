"""``tandem export --team T…``: one workspace's rows of every table, tokens left out,
datetimes in ISO 8601 — and not one row, id or word of another workspace. Two workspaces
(the scorecard's seeded data set, plus installations with tokens, people, an Events API
delivery and outbox rows in each), on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from bot.cli import main
from bot.models import OutboxMessage, Person, ProcessedEvent
from bot.models.slack_oauth import bots_table, installations_table
from bot.runtime import Database
from bot.services import workspace_export
from tests.scorecard_seed import NOW, T1, T2, seed_t1, seed_t2

SECRETS = {T1: "xoxb-t1-secret-bot-token", T2: "xoxb-t2-secret-bot-token"}


def _extras(db: Database, team_id: str) -> None:
    """What the seed lacks: an installation (tokens), a person, an event, an outbox row —
    each carrying words of its own workspace only."""
    with db.sessions.begin() as session:
        for table in (installations_table, bots_table):
            values: dict[str, Any] = {
                "client_id": "123.456",
                "app_id": "A0TANDEM",
                "team_id": team_id,
                "bot_token": SECRETS[team_id],
                "bot_refresh_token": f"xoxe-{team_id}-refresh",
                "is_enterprise_install": False,
                "installed_at": datetime(2027, 3, 1, 9, 30),  # slack_sdk's naive UTC
            }
            if table is installations_table:
                values |= {"user_id": f"U{team_id}INSTALLER", "user_token": f"xoxp-{team_id}"}
            session.execute(insert(table).values(**values))
        session.add(
            Person(
                team_id=team_id, user_id=f"U{team_id}PERSON", tz="Europe/Paris", refreshed_at=NOW
            )
        )
        session.add(
            ProcessedEvent(
                event_id=f"Ev{team_id}",
                team_id=team_id,
                event_type="message",
                claimed_at=NOW,
                payload={"token": f"verification-{team_id}", "event": {"text": f"hi {team_id}"}},
            )
        )
        session.add(
            OutboxMessage(
                team_id=team_id,
                kind="thread-note",
                method="chat.postMessage",
                channel=f"C{team_id}",
                payload={"text": f"note of {team_id}"},
                state="sent",
                not_before=NOW,
                attempts=1,
                in_doubt=False,
                created_at=NOW,
            )
        )


@pytest.fixture
def two_workspaces(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    with db.sessions.begin() as session:
        seed_t1(session)
        seed_t2(session)
    for team_id in (T1, T2):
        _extras(db, team_id)
    monkeypatch.setenv("DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    return db


def _export(tmp_path: Path, team_id: str) -> tuple[dict[str, Any], str]:
    out = tmp_path / f"{team_id}.json"
    assert main(["export", "--team", team_id, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*.partial"))
    return json.loads(text), text


def _is_utc_iso(value: str) -> bool:
    moment = datetime.fromisoformat(value)
    return moment.tzinfo is not None and moment.utcoffset() == UTC.utcoffset(None)


def test_each_workspace_gets_all_of_its_rows_and_nothing_of_the_other(
    two_workspaces: Database, tmp_path: Path
) -> None:
    db = two_workspaces
    tables = workspace_export.workspace_tables()
    assert {"candidates", "feedback", "timeline_entries", "outbox", "slack_installations"} <= {
        t.name for t in tables
    }
    for team_id, other in ((T1, T2), (T2, T1)):
        document, text = _export(tmp_path, team_id)
        assert document["format"] == workspace_export.FORMAT and document["team_id"] == team_id
        assert set(document["tables"]) == {t.name for t in tables}
        with db.sessions() as session:
            for table in tables:
                rows = document["tables"][table.name]
                expected = session.scalar(
                    select(func.count()).select_from(table).where(table.c.team_id == team_id)
                )
                assert len(rows) == expected, table.name
                assert all(row["team_id"] == team_id for row in rows), table.name
        # Rows of every kind were exported …
        assert sum(1 for rows in document["tables"].values() if rows) >= 15
        # … and nothing names the other workspace, nor carries a token.
        for word in (f'"{other}"', f"U{other}", f"C{other}", f"of {other}", f"hi {other}"):
            assert word not in text, word
        for secret in (*SECRETS.values(), "xoxe-", "xoxp-", "verification-"):
            assert secret not in text, secret
        installation = document["tables"]["slack_installations"][0]
        assert not any("token" in column for column in installation)
        assert installation["installed_at"] == "2027-03-01T09:30:00+00:00"
        assert "answerer_hash" not in json.dumps(document["tables"]["retro_anonymous_answers"])


def test_datetimes_are_iso_8601_in_utc(two_workspaces: Database, tmp_path: Path) -> None:
    document, _ = _export(tmp_path, T1)
    checked = 0
    for table in workspace_export.workspace_tables():
        kinds = {c.name: str(c.type) for c in table.c}
        for row in document["tables"][table.name]:
            for column, value in row.items():
                if value is not None and kinds[column] in ("DATETIME", "UTCDateTime"):
                    assert _is_utc_iso(value), (table.name, column, value)
                    checked += 1
                if value is not None and kinds[column] == "DATE":
                    assert len(value) == 10 and value[4] == "-"
    assert checked > 50
    [candidate, *_] = document["tables"]["candidates"]
    assert _is_utc_iso(candidate["created_at"])


def test_stdout_and_an_unknown_workspace(
    two_workspaces: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["export", "--team", T2]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["team_id"] == T2 and document["tables"]["candidates"]
    assert "exported" in captured.err
    out = tmp_path / "none.json"
    assert main(["export", "--team", "T0NOBODY", "--out", str(out)]) == 1
    assert "no data" in capsys.readouterr().err and not out.exists()


def test_the_export_streams_json_a_service_can_write_anywhere(two_workspaces: Database) -> None:
    out = io.StringIO()
    with two_workspaces.sessions() as session:
        counts = workspace_export.write_export(session, T1, out, now=NOW)
    document = json.loads(out.getvalue())
    assert counts == {name: len(rows) for name, rows in document["tables"].items()}
    assert document["exported_at"] == NOW.astimezone(UTC).isoformat()
