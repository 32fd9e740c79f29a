"""``tandem doctor``: checks a configuration against Slack and the database, and says what to fix.

One line per check — ``ok``, ``warn`` (works, but look at it), ``FAIL`` (Tandem will not work
until it is fixed; the line says how) or ``skip`` (it needs a check above to pass). Nothing is
changed: no migration is applied, no SQLite file created, no Socket Mode connection held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import make_url

from bot.config import ConfigError, Settings, StartupError, load_database_settings, load_settings
from bot.db import ensure_reachable, make_engine, sqlite_folder_problem
from bot.failures import quiet_logging
from bot.manifest import bot_scopes
from bot.services.token_keys import require_cipher

Status = Literal["ok", "warn", "FAIL", "skip"]
# Slack should answer a check within this; doctor is run by a person waiting for it.
SLACK_TIMEOUT_SECONDS = 10
REJECTED_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked"}
REJECTED_TOKEN |= {"token_expired", "not_allowed_token_type", "invalid_token"}


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str

    def line(self) -> str:
        return f"{self.status:<5} {self.name}: {self.detail}"


def diagnose(env_file: str | Path | None = ".env") -> list[Check]:
    """Every check, in the order a newcomer fixes them."""
    checks: list[Check] = []
    try:
        settings: Settings | None = load_settings(env_file)
        if settings is not None and settings.oauth_enabled:
            # `tandem run` refuses OAuth mode without a key for the tokens it stores.
            require_cipher(settings)
    except ConfigError as exc:
        settings = None
        checks.append(Check("settings", "FAIL", f"{exc} (see .env.example)"))
    if settings is not None:
        checks.append(Check("settings", "ok", _describe_mode(settings)))
        checks.extend(_slack_checks(settings))
    else:
        for name in ("auth.test", "scopes", "socket mode"):
            checks.append(Check(name, "skip", "needs the settings to load"))
    checks.extend(_database_checks(env_file, settings))
    return checks


def summary(checks: list[Check]) -> tuple[str, int]:
    """The closing line and the exit code (1 when anything failed)."""
    failed = sum(c.status == "FAIL" for c in checks)
    if failed:
        plural = "s" if failed > 1 else ""
        it = "them" if failed > 1 else "it"
        return f"{failed} check{plural} failed: fix {it}, then run `tandem doctor` again", 1
    return "all checks passed: start Tandem with `tandem run`", 0


def _describe_mode(settings: Settings) -> str:
    mode = "Socket Mode" if settings.socket_mode else "HTTP mode"
    install = "OAuth installs" if settings.oauth_enabled else "one workspace (SLACK_BOT_TOKEN)"
    return f"{mode}, {install}"


# -- Slack ---------------------------------------------------------------------------------


def _client(settings: Settings) -> WebClient:
    # No retries: a person is waiting, and the failure itself is what doctor reports.
    return WebClient(
        base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT_SECONDS, retry_handlers=[]
    )


def _slack_error(exc: Exception) -> str | None:
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return str(exc.response.get("error"))
    return None


def _unreachable(settings: Settings, exc: Exception) -> str:
    reason = " ".join(str(exc).split())[:200]
    return (
        f"cannot reach Slack at {settings.slack_api_url} ({reason}) — check this machine's "
        "network (and SLACK_API_URL, which only tests change)"
    )


def _slack_checks(settings: Settings) -> Iterator[Check]:
    yield from _bot_token_checks(settings)
    yield _socket_mode_check(settings)


def _bot_token_checks(settings: Settings) -> Iterator[Check]:
    if settings.slack_bot_token is None:
        reason = "OAuth installs: each workspace's token arrives with its install"
        yield Check("auth.test", "skip", reason)
        yield Check("scopes", "skip", reason + ", with the manifest's scopes")
        return
    try:
        # slack_sdk logs a failed call itself; doctor's line says it once, with the fix.
        with quiet_logging():
            answer = _client(settings).auth_test(token=settings.slack_bot_token.get_secret_value())
    except Exception as exc:
        error = _slack_error(exc)
        if error in REJECTED_TOKEN:
            detail = (
                f"Slack rejected SLACK_BOT_TOKEN ({error}) — copy the Bot User OAuth Token "
                "(xoxb-…) from OAuth & Permissions, after installing the app to the workspace"
            )
        elif error is not None:
            detail = f"Slack answered {error} — try again in a minute"
        else:
            detail = _unreachable(settings, exc)
        yield Check("auth.test", "FAIL", detail)
        yield Check("scopes", "skip", "needs auth.test to pass")
        return
    yield Check(
        "auth.test",
        "ok",
        f"workspace {answer.get('team')} ({answer.get('team_id')}), "
        f"bot user @{answer.get('user')} ({answer.get('user_id')})",
    )
    granted = _header(answer.headers, "x-oauth-scopes")
    yield from _scope_checks(granted)


def _header(headers: dict[str, object], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


def _scope_checks(granted_header: str | None) -> Iterator[Check]:
    """The scopes Slack says the token has (``x-oauth-scopes``) against the manifest's."""
    if granted_header is None:
        yield Check("scopes", "warn", "Slack did not say which scopes the token has")
        return
    granted = {s.strip() for s in granted_header.split(",") if s.strip()}
    wanted = bot_scopes()
    missing = [s for s in wanted if s not in granted]
    extra = sorted(granted - set(wanted))
    if missing:
        names = ", ".join(missing)
        yield Check(
            "scopes",
            "FAIL",
            f"the token lacks {names} — add them under OAuth & Permissions → Bot Token "
            f"Scopes (or paste `tandem manifest` again), then reinstall the app after adding "
            f"scopes {names}, and put the new SLACK_BOT_TOKEN in .env",
        )
    else:
        yield Check("scopes", "ok", f"all {len(wanted)} of the manifest's bot scopes granted")
    if extra:
        yield Check(
            "scopes",
            "warn",
            f"granted but not in the manifest: {', '.join(extra)} — Tandem does not use "
            "them; remove them unless something else needs them",
        )


def _socket_mode_check(settings: Settings) -> Check:
    if settings.slack_app_token is None:
        return Check(
            "socket mode",
            "skip",
            "HTTP mode (no SLACK_APP_TOKEN): Slack must reach this host over public HTTPS — "
            "`tandem manifest --url https://your-host`, and start Tandem before Slack "
            "checks the URL",
        )
    token = settings.slack_app_token.get_secret_value()
    try:
        with quiet_logging():
            answer = _client(settings).apps_connections_open(app_token=token)
    except Exception as exc:
        error = _slack_error(exc)
        if error in REJECTED_TOKEN:
            detail = (
                f"Slack rejected SLACK_APP_TOKEN ({error}) — create an app-level token with "
                "the connections:write scope (Basic Information → App-Level Tokens)"
            )
        elif error is not None:
            detail = (
                f"apps.connections.open answered {error} — turn Socket Mode on for the app "
                "(Settings → Socket Mode), or create it from `tandem manifest`"
            )
        else:
            detail = _unreachable(settings, exc)
        return Check("socket mode", "FAIL", detail)
    if not str(answer.get("url") or "").startswith(("wss://", "ws://")):
        return Check("socket mode", "FAIL", "apps.connections.open gave no connection URL")
    return Check("socket mode", "ok", "apps.connections.open gave a connection URL")


# -- database ------------------------------------------------------------------------------


def _database_checks(env_file: str | Path | None, settings: Settings | None) -> Iterator[Check]:
    if settings is None:
        try:
            settings = load_database_settings(env_file)
        except ConfigError as exc:
            yield Check("database", "FAIL", str(exc))
            yield Check("migrations", "skip", "needs the database")
            return
    url = settings.database_url
    problem = sqlite_folder_problem(url)
    if problem:
        yield Check("database", "FAIL", f"DATABASE_URL: {problem}")
        yield Check("migrations", "skip", "needs the database")
        return
    sqlite_file = make_url(url).database if url.startswith("sqlite") else None
    if sqlite_file not in (None, "", ":memory:") and not Path(str(sqlite_file)).is_file():
        # Connecting would create the file: doctor changes nothing.
        yield Check(
            "database",
            "warn",
            f"{Path(str(sqlite_file)).absolute()} does not exist yet — `tandem run` (or "
            "`tandem db upgrade`) creates it",
        )
        yield Check("migrations", "skip", "no database yet")
        return
    yield from _reachable_and_migrated(url)


def _reachable_and_migrated(url: str) -> Iterator[Check]:
    from bot.migrate import current_revisions, head_revisions

    engine = make_engine(url)
    try:
        try:
            ensure_reachable(engine)
        except StartupError as exc:
            yield Check("database", "FAIL", str(exc))
            yield Check("migrations", "skip", "needs the database")
            return
        shown = engine.url.render_as_string(hide_password=True)
        yield Check("database", "ok", f"{shown} answers")
        yield _migrations_check(lambda: current_revisions(engine), head_revisions())
    finally:
        engine.dispose()


def _migrations_check(current: Callable[[], tuple[str, ...]], heads: tuple[str, ...]) -> Check:
    applied = current()
    if set(applied) == set(heads):
        return Check("migrations", "ok", f"at head ({', '.join(heads)})")
    if not applied:
        return Check(
            "migrations",
            "warn",
            "none applied yet — `tandem run` applies them as it starts (or `tandem db "
            "upgrade` now)",
        )
    from alembic.script import ScriptDirectory

    from bot.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    unknown = [r for r in applied if not _known(script, r)]
    if unknown:
        return Check(
            "migrations",
            "FAIL",
            f"the database is at {', '.join(unknown)}, which this Tandem does not know: a "
            "newer Tandem migrated it — run that version (or restore a backup)",
        )
    return Check(
        "migrations",
        "warn",
        f"at {', '.join(applied)}, behind {', '.join(heads)} — `tandem run` applies the rest "
        "as it starts (or `tandem db upgrade` now)",
    )


def _known(script: Any, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises (ResolutionError, CommandError) for an unknown one
        return False
