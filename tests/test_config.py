"""Settings: names from the runtime contract, and one clear line for any mistake."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, Settings, load_settings

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cr3t-value"}


def _env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_reads_the_contracts_variable_names(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(
        monkeypatch,
        **GOOD,
        SLACK_API_URL="http://127.0.0.1:9/api",
        DATABASE_URL="postgres://u:p@db.internal/tandem",
        PORT="8080",
        TANDEM_LOG_LEVEL="debug",
    )
    settings = load_settings(env_file=None)
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.database_url == "postgresql+psycopg://u:p@db.internal/tandem"
    assert settings.port == 8080
    assert settings.tandem_log_level == "DEBUG"
    assert not settings.socket_mode and not settings.oauth_enabled


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_SIGNING_SECRET=x\n")
    settings = load_settings(env_file=tmp_path / ".env")
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-file"


@pytest.mark.parametrize(
    ("values", "variable", "fragment"),
    [
        ({}, "SLACK_BOT_TOKEN", "missing"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN", "xoxb-"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET", "missing"),
        ({**GOOD, "PORT": "http"}, "PORT", "integer"),
        ({**GOOD, "PORT": "70000"}, "PORT", "65535"),
        ({**GOOD, "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL", "SQLite and PostgreSQL"),
        ({**GOOD, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL", "http"),
        ({**GOOD, "SLACK_APP_TOKEN": "xoxb-nope"}, "SLACK_APP_TOKEN", "xapp-"),
        ({**GOOD, "SLACK_CLIENT_ID": "123.456"}, "SLACK_CLIENT_SECRET", "OAuth"),
        ({**GOOD, "TANDEM_LOG_LEVEL": "LOUD"}, "TANDEM_LOG_LEVEL", "DEBUG"),
    ],
)
def test_each_mistake_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], variable: str, fragment: str
) -> None:
    _env(monkeypatch, **values)
    with pytest.raises(ConfigError) as raised:
        load_settings(env_file=None)
    assert raised.value.variable == variable
    assert fragment in str(raised.value)


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1-A-2")
    assert load_settings(env_file=None).socket_mode


def test_oauth_needs_no_bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(
        monkeypatch,
        SLACK_CLIENT_ID="111.222",
        SLACK_CLIENT_SECRET="abc",
        SLACK_SIGNING_SECRET="s",
    )
    assert load_settings(env_file=None).oauth_enabled


def test_cli_prints_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", PORT="nope")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("tandem: configuration error: PORT:")


def test_real_process_shows_no_traceback_and_no_secret(tmp_path: Path) -> None:
    """The installed console script, as an operator runs it."""
    env = {
        "PATH": str(Path(sys.executable).parent),
        "SLACK_BOT_TOKEN": "xoxb-very-secret-token",
        "DATABASE_URL": "oracle://nope",
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "tandem"), "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "very-secret" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines() == [
        "tandem: configuration error: DATABASE_URL: must be a sqlite:///path or "
        "postgresql://user@host/db URL (Tandem supports SQLite and PostgreSQL)"
    ]


def test_settings_repr_hides_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, SLACK_BOT_TOKEN="xoxb-hide-me", SLACK_SIGNING_SECRET="hide-me-too")
    shown = repr(load_settings(env_file=None))
    assert "hide-me" not in shown


# -- .env.example --------------------------------------------------------------------------

ENV_EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"
SETTING_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def _example_settings() -> dict[str, str]:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    found = [m.groups() for m in map(SETTING_LINE.match, lines) if m]
    names = [name for name, _ in found]
    assert len(names) == len(set(names)), "a setting is listed twice"
    # Every setting has its one-line explanation right above it.
    for line_no, line in enumerate(lines):
        if SETTING_LINE.match(line):
            assert lines[line_no - 1].startswith("# "), f"{line} has no comment above it"
    return dict(found)


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    listed = set(_example_settings())
    fields = {name.upper() for name in Settings.model_fields}
    assert listed - fields == set(), "not settings Tandem reads"
    assert fields - listed == set(), "settings missing from .env.example"


def test_env_example_shows_the_defaults_and_loads_as_it_is() -> None:
    """Copied as it is, it loads (placeholders have the right shape), and every value it
    shows besides the Slack placeholders is the code's default."""
    settings = load_settings(env_file=ENV_EXAMPLE)
    assert settings.socket_mode and not settings.oauth_enabled
    placeholders = {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"}
    for name, value in _example_settings().items():
        field = Settings.model_fields[name.lower()]
        if name in placeholders:
            assert "replace-me" in value
            continue
        loaded = getattr(settings, name.lower())
        assert loaded == field.default, (name, value, field.default)
