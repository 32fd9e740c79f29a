"""What the ``tandem`` commands print when they work: ``db upgrade`` says what it applied,
``jobs list`` is a table, ``run --help`` names the settings it needs, and building the app
logs no Bolt warning about a token it would ignore."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.app import create_app
from bot.cli import main
from bot.db import make_engine
from bot.migrate import current_revisions, head_revisions, revisions_between, upgrade_database
from bot.runtime import Database
from bot.scheduler.registry import all_jobs
from tests.conftest import BACKENDS, PostgresDatabases
from tests.harness import make_settings


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.create("tandem_cli")


def test_db_upgrade_lists_the_migrations_it_applied_then_says_there_is_nothing_left(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    every = revisions_between((), head_revisions())
    assert len(every) > 3
    # A database three migrations behind, as after installing a newer Tandem.
    engine = make_engine(empty_database_url)
    upgrade_database(engine, every[-4][0])
    assert current_revisions(engine) == (every[-4][0],)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", empty_database_url)

    assert main(["db", "upgrade"]) == 0
    lines = capsys.readouterr().out.splitlines()
    head = head_revisions()[0]
    assert lines[0].endswith(f": applied 3 migrations, now at head ({head}):")
    assert [line.split()[0] for line in lines[1:]] == [rev for rev, _ in every[-3:]]
    assert all(len(line) <= 100 for line in lines[1:])  # one short line per migration

    assert main(["db", "upgrade"]) == 0
    again = capsys.readouterr().out.strip()
    assert again.endswith(f": already at head ({head}), nothing to apply")
    assert "\n" not in again


def test_jobs_list_is_a_table_with_headers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "list"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == ["JOB", "EVERY", "DELIVERY", "WHAT", "IT", "DOES"]
    jobs = all_jobs()
    assert len(rows) == len(jobs)
    # The columns line up under their headers.
    for column in ("EVERY", "DELIVERY", "WHAT"):
        end = header.index(column) + (len(column) if column == "EVERY" else 0)
        for row, job in zip(rows, jobs, strict=True):
            assert row.startswith(job.name + " ")
            if column == "EVERY":
                assert row[:end].endswith(f"{job.every_seconds}s")
            elif column == "DELIVERY":
                assert row[end:].startswith(job.delivery)
            else:
                # The whole first sentence of the job's description, not a cut line.
                assert row[end:] == job.description and job.description.endswith(".")


def test_run_help_names_the_settings_it_needs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--help"])
    assert exit_.value.code == 0
    shown = capsys.readouterr().out
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL"):
        assert name in shown
    lines = {line.split()[0]: line for line in shown.splitlines() if line.startswith("  SLACK")}
    assert "required" in lines["SLACK_BOT_TOKEN"]
    assert "HTTP mode" in lines["SLACK_SIGNING_SECRET"]
    assert "Socket Mode" in lines["SLACK_APP_TOKEN"]
    assert "optional" in shown.split("DATABASE_URL", 1)[1].splitlines()[0]


@pytest.mark.parametrize("oauth", [False, True], ids=["one workspace", "OAuth"])
def test_building_the_app_logs_no_warning_about_an_unused_token(
    oauth: bool,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The token in the environment too (Docker's --env-file, a shell that sourced .env):
    # Bolt looks it up by itself, whatever Tandem gives it.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    oauth_settings = {"slack_client_id": "1.2", "slack_client_secret": "shh"} if oauth else {}
    settings = make_settings(
        db.engine.url.render_as_string(hide_password=False),
        "http://127.0.0.1:9/api/",
        **oauth_settings,
    )
    caplog.set_level(logging.DEBUG)
    create_app(settings, sessions=db.sessions)
    bolt = [r for r in caplog.records if r.name.startswith("slack_bolt")]
    assert not [r for r in bolt if r.levelno >= logging.WARNING], [r.getMessage() for r in bolt]
