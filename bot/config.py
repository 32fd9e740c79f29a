"""Settings from the environment (and an optional ``.env``), validated once at start-up.

Slack's own variables keep Slack's names (``SLACK_BOT_TOKEN`` …); product settings use the
``TANDEM_`` prefix. A bad value stops the program with one line naming the variable — see
:class:`ConfigError` — because a newcomer should never have to read a traceback to learn that
a token is missing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_URL = "sqlite:///tandem.db"


class ConfigError(Exception):
    """A setting is missing or wrong; ``str()`` is the one line shown to the operator."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class StartupError(Exception):
    """Tandem cannot start (the database or Slack cannot be reached); ``str()`` is the one
    line shown to the operator, naming the problem and what to check."""


class Settings(BaseSettings):
    """Every setting Tandem reads. Field names map to environment variables in upper case."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = DEFAULT_SQLITE_URL
    port: int = Field(default=3000, ge=1, le=65535)

    # The key of the retro's anonymity hash (bot/services/anonymity.py); derived from the
    # signing secret (or the app token) when unset. Keep it out of the database.
    tandem_anonymity_secret: SecretStr | None = None

    tandem_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    tandem_http_threads: int = Field(default=16, ge=1, le=256)
    tandem_shutdown_timeout_seconds: int = Field(default=10, ge=1, le=600)
    # A modal must be answered within 3 s: what a request may wait on people look-ups.
    tandem_slack_lookup_budget_seconds: float = Field(default=1.2, gt=0, le=2.5)
    tandem_delivery_workers: int = Field(default=16, ge=1, le=64)
    tandem_delivery_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # "json": one JSON object per log line (bot/logs.py); "text" is the classic line.
    tandem_log_format: Literal["text", "json"] = "text"
    # Serve Prometheus metrics at GET /metrics (bot/metrics.py); off: /metrics answers 404.
    tandem_metrics: bool = False

    @field_validator("tandem_log_format", mode="before")
    @classmethod
    def _lower_log_format(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("tandem_log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("slack_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        # Hosting platforms hand out postgres:// URLs; we speak psycopg 3.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        if not value.startswith(("sqlite:", "postgresql+psycopg:")):
            raise ValueError(
                "must be a sqlite:///path or postgresql://user@host/db URL "
                "(Tandem supports SQLite and PostgreSQL)"
            )
        return value

    @property
    def socket_mode(self) -> bool:
        """Socket Mode is used whenever an app-level token is configured."""
        return self.slack_app_token is not None

    @property
    def oauth_enabled(self) -> bool:
        """Multi-workspace OAuth installs are on when the client credentials are set."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    # Fernet keys (comma separated) that encrypt the Slack tokens an OAuth install stores:
    # the first encrypts, every one decrypts (rotation: put the new key first, run
    # ``tandem keys rotate``, then drop the old one). Required in OAuth mode; unused with a
    # single workspace's SLACK_BOT_TOKEN, which is never stored. See bot/services/token_keys.py.
    tandem_encryption_keys: SecretStr | None = None
    # Days an uninstalled workspace's data is kept (reinstalling within them restores
    # service), before the ``purge-uninstalled`` job deletes it.
    tandem_retention_days: int = Field(default=30, ge=1, le=3650)


def _check_combination(settings: Settings) -> None:
    """Cross-field rules pydantic cannot express per field."""
    bot_token = settings.slack_bot_token
    if bot_token is not None and not bot_token.get_secret_value().startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-")
    app_token = settings.slack_app_token
    if app_token is not None and not app_token.get_secret_value().startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN", "must be an app-level token starting with xapp-")
    if (settings.slack_client_id is None) != (settings.slack_client_secret is None):
        missing = (
            "SLACK_CLIENT_SECRET" if settings.slack_client_secret is None else "SLACK_CLIENT_ID"
        )
        raise ConfigError(
            missing, "missing; OAuth needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
        )
    if bot_token is None and not settings.oauth_enabled:
        raise ConfigError(
            "SLACK_BOT_TOKEN",
            "missing; set the bot token (xoxb-…) for one workspace, "
            "or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install with OAuth",
        )
    if not settings.socket_mode and settings.slack_signing_secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET",
            "missing; HTTP mode verifies every request with it "
            "(Basic Information → Signing Secret), or set SLACK_APP_TOKEN for Socket Mode",
        )


def _parse(env_file: str | Path | None, overrides: dict[str, object]) -> Settings:
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise ConfigError(variable, first["msg"].removeprefix("Value error, ")) from None


def load_settings(env_file: str | Path | None = ".env", **overrides: object) -> Settings:
    """Read and validate settings; raise :class:`ConfigError` with a one-line explanation."""
    settings = _parse(env_file, overrides)
    _check_combination(settings)
    return settings


def load_database_settings(env_file: str | Path | None = ".env") -> Settings:
    """Settings for commands that only touch the database (``tandem db upgrade``).

    Slack credentials are not needed to migrate a database, so their cross-checks are skipped.
    """
    return _parse(env_file, {})


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return load_settings()
