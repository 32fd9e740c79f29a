"""``tandem doctor``: one line per check against the stand-in and a real database, each
failure naming its fix; exit 0 when nothing failed, 1 otherwise; never a traceback."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.manifest import bot_scopes
from bot.migrate import downgrade_database, head_revisions, upgrade_database
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from tests.test_cli_failures import PASSWORD, _process_env, closed_port

BOT_TOKEN = "xoxb-doctor-1-bot"
APP_TOKEN = "xapp-1-A0TANDEM-1-doctor"


def doctor(
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> tuple[int, dict[str, list[str]]]:
    """``tandem doctor`` in this process: the exit code, and its lines by check name."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.INFO)
    code = main(["doctor"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err + caplog.text
    assert err == ""
    lines = out.strip().splitlines()
    by_check: dict[str, list[str]] = {}
    for line in lines[:-1]:
        status, rest = line.split(None, 1)
        assert status in ("ok", "warn", "FAIL", "skip"), line
        by_check.setdefault(rest.split(":", 1)[0], []).append(line)
    by_check["summary"] = [lines[-1]]
    return code, by_check


def socket_mode_env(standin: SlackStandin, database: Database) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "doctor-signing-secret",
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
    }


def test_a_working_socket_mode_configuration_passes_every_check(
    db: Database,
    standin: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    code, lines = doctor(socket_mode_env(standin, db), monkeypatch, capsys, caplog)

    assert code == 0, lines
    assert [name for name in lines if name != "summary"] == [
        "settings",
        "auth.test",
        "scopes",
        "socket mode",
        "database",
        "migrations",
    ]
    assert all(
        line.startswith("ok ")
        for name, found in lines.items()
        if name != "summary"
        for line in found
    )
    assert "Socket Mode, one workspace" in lines["settings"][0]
    assert "Acme Talent (T0TANDEM)" in lines["auth.test"][0]
    assert "U0TANDEMBOT" in lines["auth.test"][0]
    assert head_revisions()[0] in lines["migrations"][0]
    assert "tandem run" in lines["summary"][0]
    # It asked Slack with each token, and held no connection.
    assert standin.last("auth.test").headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert standin.last("apps.connections.open").headers["authorization"] == f"Bearer {APP_TOKEN}"


def test_missing_scopes_fail_with_the_reinstall_and_extra_ones_warn(
    db: Database,
    standin: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    wanted = bot_scopes()
    standin.granted_scopes = [s for s in wanted if s not in ("chat:write", wanted[-1])] + ["admin"]

    code, lines = doctor(socket_mode_env(standin, db), monkeypatch, capsys, caplog)

    assert code == 1
    failed, warned = lines["scopes"]
    assert failed.startswith("FAIL")
    assert f"reinstall the app after adding scopes chat:write, {wanted[-1]}" in failed
    assert warned.startswith("warn") and "admin" in warned
    assert "1 check failed" in lines["summary"][0]


@pytest.mark.parametrize(
    ("method", "error", "check", "fix"),
    [
        ("auth.test", "invalid_auth", "auth.test", "Bot User OAuth Token"),
        ("apps.connections.open", "invalid_auth", "socket mode", "connections:write"),
        ("apps.connections.open", "internal_error", "socket mode", "turn Socket Mode on"),
    ],
)
def test_a_token_slack_refuses_is_one_line_with_its_fix(
    method: str,
    error: str,
    check: str,
    fix: str,
    db: Database,
    standin: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    standin.fail(method, error=error)

    code, lines = doctor(socket_mode_env(standin, db), monkeypatch, capsys, caplog)

    assert code == 1
    assert lines[check][0].startswith("FAIL") and error in lines[check][0]
    assert fix in lines[check][0]
    assert lines["database"][0].startswith("ok")


def test_bad_settings_fail_first_and_the_database_is_still_checked(
    db: Database,
    standin: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = {**socket_mode_env(standin, db), "SLACK_BOT_TOKEN": "not-a-bot-token"}

    code, lines = doctor(env, monkeypatch, capsys, caplog)

    assert code == 1
    assert lines["settings"][0].startswith("FAIL  settings: SLACK_BOT_TOKEN: must be a bot token")
    assert all(lines[c][0].startswith("skip") for c in ("auth.test", "scopes", "socket mode"))
    assert lines["database"][0].startswith("ok") and lines["migrations"][0].startswith("ok")
    assert standin.calls == []


def test_an_unreachable_database_fails_without_its_password(
    standin: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "doctor-signing-secret",
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": f"postgresql://tandem:{PASSWORD}@127.0.0.1:{closed_port()}/tandem",
    }

    code, lines = doctor(env, monkeypatch, capsys, caplog)

    assert code == 1
    assert lines["database"][0].startswith("FAIL  database: cannot use the database")
    assert "DATABASE_URL" in lines["database"][0]
    assert PASSWORD not in repr(lines)
    assert lines["migrations"][0].startswith("skip")
    # HTTP mode (no app token): no Socket Mode check, but what HTTP mode needs.
    assert lines["socket mode"][0].startswith("skip") and "--url" in lines["socket mode"][0]


def test_migrations_behind_head_are_a_warning_naming_the_upgrade(
    db: Database,
    standin: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    downgrade_database(db.engine, "-1")
    try:
        code, lines = doctor(socket_mode_env(standin, db), monkeypatch, capsys, caplog)
    finally:
        # The PostgreSQL test database is shared by the worker's later tests: back to head.
        upgrade_database(db.engine)

    assert code == 0  # `tandem run` migrates as it starts
    assert (
        lines["migrations"][0].startswith("warn") and "tandem db upgrade" in lines["migrations"][0]
    )


def test_a_sqlite_file_that_does_not_exist_is_not_created(
    tmp_path: Path,
    standin: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = tmp_path / "not-yet.db"
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "doctor-signing-secret",
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": f"sqlite:///{target}",
    }

    code, lines = doctor(env, monkeypatch, capsys, caplog)

    assert code == 0
    assert lines["database"][0].startswith("warn") and "does not exist yet" in lines["database"][0]
    assert not target.exists()


def test_as_a_real_process_with_slack_unreachable(tmp_path: Path) -> None:
    env = _process_env(
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=f"http://127.0.0.1:{closed_port()}/api/",
        DATABASE_URL=f"sqlite:///{tmp_path / 'tandem.db'}",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "doctor"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr == ""
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert [line.split(":", 1)[0] for line in failed] == ["FAIL  auth.test", "FAIL  socket mode"]
    assert all("cannot reach Slack at http://127.0.0.1:" in line for line in failed)


@pytest.mark.parametrize(
    "keys", ["", "YdPmStfMOypFzOiqNFgOeoRlTGsQaGK4_bEHNtZUOOk="], ids=["no key", "a key"]
)
def test_oauth_mode_needs_an_encryption_key_and_checks_no_bot_token(
    keys: str,
    db: Database,
    standin: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = {
        "SLACK_CLIENT_ID": "1111.2222",
        "SLACK_CLIENT_SECRET": "doctor-client-secret",
        "SLACK_SIGNING_SECRET": "doctor-signing-secret",
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "TANDEM_ENCRYPTION_KEYS": keys,
    }

    code, lines = doctor(env, monkeypatch, capsys, caplog)

    if not keys:
        assert code == 1
        assert lines["settings"][0].startswith("FAIL  settings: TANDEM_ENCRYPTION_KEYS")
        assert "tandem keys generate" in lines["settings"][0]
        return
    assert code == 0, lines
    assert "HTTP mode, OAuth installs" in lines["settings"][0]
    assert lines["auth.test"][0].startswith("skip") and lines["scopes"][0].startswith("skip")
    assert standin.calls == []
