"""``tandem run``, ``tandem scheduler``, ``tandem db upgrade`` and ``tandem jobs run-once`` stop
with one line and exit code 2 when the database or Slack cannot be used — no traceback, no
password — and never create a folder for a SQLite file."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.cli import main
from bot.sandbox.slack_standin import SlackStandin
from tests.conftest import pg_admin_url, require_postgres

SLACK = {"SLACK_BOT_TOKEN": "xoxb-cli-test", "SLACK_SIGNING_SECRET": "cli-test-secret"}
PASSWORD = "hunter2-not-for-logs"
COMMANDS = [["run", "--no-scheduler"], ["scheduler"], ["db", "upgrade"], ["jobs", "run-once"]]


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_cli(
    argv: list[str],
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> tuple[int, str]:
    """``tandem argv`` in this process; returns the exit code and the one line on stderr."""
    for name, value in {**SLACK, "PORT": str(closed_port()), **env}.items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.INFO)
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err + out + caplog.text
    assert all(r.exc_info is None for r in caplog.records)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return code, lines[0]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_unreachable_database_is_one_line_and_exit_2(
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"postgresql://tandem:{PASSWORD}@127.0.0.1:{closed_port()}/tandem"
    code, line = run_cli(argv, {"DATABASE_URL": url}, monkeypatch, capsys, caplog)
    assert code == 2
    assert line.startswith("tandem: cannot use the database postgresql+psycopg://tandem:***@")
    assert "DATABASE_URL" in line
    assert PASSWORD not in line + caplog.text


@pytest.mark.parametrize(
    ("who", "fragment"),
    [("no_such_role_for_tandem", "no_such_role_for_tandem"), ("postgres", "no_such_db")],
    ids=["unknown login", "unknown database"],
)
def test_database_that_refuses_the_login_is_one_line_and_exit_2(
    who: str,
    fragment: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    require_postgres()
    database = "no_such_db_for_tandem" if who == "postgres" else "postgres"
    url = make_url(pg_admin_url()).set(username=who, password=PASSWORD, database=database)
    env = {"DATABASE_URL": url.render_as_string(hide_password=False)}
    for argv in (["db", "upgrade"], ["run", "--no-scheduler"]):
        code, line = run_cli(argv, env, monkeypatch, capsys, caplog)
        assert code == 2
        assert line.startswith("tandem: cannot use the database") and fragment in line
        assert PASSWORD not in line


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_sqlite_file_in_a_missing_folder_is_an_error_not_a_new_folder(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    env = {"DATABASE_URL": f"sqlite:///{missing / 'tandem.db'}"}
    code, line = run_cli(argv, env, monkeypatch, capsys, caplog)
    assert code == 2
    assert line.startswith("tandem: configuration error: DATABASE_URL:")
    assert str(missing) in line and "does not exist" in line
    assert not (tmp_path / "no").exists()


def test_sqlite_file_in_an_existing_folder_is_created(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tandem.db'}")
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "tandem.db").is_file()
    assert "now at head" in capsys.readouterr().out


# -- Socket Mode ---------------------------------------------------------------------------


def socket_env(api_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "SLACK_APP_TOKEN": "xapp-1-A0TANDEM-1-cli",
        "SLACK_API_URL": api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tandem.db'}",
    }


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("invalid_auth", "tandem: configuration error: SLACK_APP_TOKEN: rejected by Slack"),
        ("internal_error", "tandem: Slack refused the Socket Mode connection"),
    ],
)
def test_socket_mode_refused_is_one_line_and_exit_2(
    error: str,
    expected: str,
    standin: SlackStandin,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    standin.fail("apps.connections.open", error=error)
    env = socket_env(standin.api_url, tmp_path)
    code, line = run_cli(["run", "--no-scheduler"], env, monkeypatch, capsys, caplog)
    assert code == 2
    assert line.startswith(expected) and error in line
    assert standin.calls_to("apps.connections.open")


def test_socket_mode_with_slack_unreachable_is_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    api_url = f"http://127.0.0.1:{closed_port()}/api/"
    env = socket_env(api_url, tmp_path)
    code, line = run_cli(["run", "--no-scheduler"], env, monkeypatch, capsys, caplog)
    assert code == 2
    assert line.startswith("tandem: cannot open a Socket Mode connection through " + api_url)


# -- As a real process ---------------------------------------------------------------------


def _process_env(**values: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TANDEM_"))}
    keep.pop("DATABASE_URL", None)
    return {**keep, **SLACK, **values}


@pytest.mark.parametrize(
    "argv",
    [["db", "upgrade"], ["run", "--no-scheduler"]],
    ids=" ".join,
)
def test_real_process_prints_one_line_and_no_traceback(argv: list[str], tmp_path: Path) -> None:
    env = _process_env(
        DATABASE_URL=f"postgresql://tandem:{PASSWORD}@127.0.0.1:{closed_port()}/tandem",
        PORT=str(closed_port()),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert PASSWORD not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_real_process_in_socket_mode_without_slack_prints_one_line(tmp_path: Path) -> None:
    env = _process_env(
        **socket_env(f"http://127.0.0.1:{closed_port()}/api/", tmp_path), PORT=str(closed_port())
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        line for line in done.stderr.strip().splitlines() if line.startswith("tandem: cannot open")
    ], done.stderr
