"""A running Tandem process: database, Bolt app, HTTP or Socket Mode, scheduler, shutdown.

SIGTERM (and Ctrl-C) stop things in order: stop accepting requests and let those in flight
finish, let listener work that runs after ``ack()`` finish, let a scheduled job in flight
finish, let the deliverer settle the rows it is sending, then close the database — all
within ``TANDEM_SHUTDOWN_TIMEOUT_SECONDS`` together; past it the process stops anyway
(exit 1, one line naming what was still running).

Each process runs one background deliverer; the web process wakes it after every commit that
queued outbox rows, so a click's message leaves at once.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import FrameType

from slack_bolt import App
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.app import create_app, make_installation_store
from bot.config import ConfigError, Settings, StartupError
from bot.db import (
    SessionFactory,
    ensure_reachable,
    make_engine,
    make_session_factory,
    sqlite_folder_problem,
)
from bot.delivery import Deliverer, poke_after_commit
from bot.failures import one_line, quiet_logging
from bot.metrics import Metrics
from bot.migrate import upgrade_database
from bot.scheduler.context import JobContext
from bot.scheduler.runner import build_scheduler
from bot.slack.client import make_web_client
from bot.slack.socket_mode import SocketModeConnection, WebSocketFailed
from bot.web import make_server, make_wsgi_app

logger = logging.getLogger(__name__)

# Slack's answers that mean the token itself is wrong (not that Slack is unreachable).
_BAD_TOKEN_ERRORS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked"}
_BAD_APP_TOKEN_ERRORS = _BAD_TOKEN_ERRORS | {"not_allowed_token_type", "invalid_token"}


class SlackUnavailable(StartupError):
    """Socket Mode cannot connect: Slack refuses the connection or cannot be reached."""


@dataclass
class Database:
    engine: Engine
    sessions: SessionFactory

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Database:
        """Connect, and bring the schema up to date (safe when several processes start).

        Raises :class:`ConfigError` for a SQLite path in a folder that does not exist and
        :class:`~bot.db.DatabaseUnavailable` when the database cannot be reached.
        """
        problem = sqlite_folder_problem(settings.database_url)
        if problem:
            raise ConfigError("DATABASE_URL", problem)
        engine = make_engine(settings.database_url)
        try:
            ensure_reachable(engine)
        except StartupError:
            engine.dispose()
            raise
        if migrate:
            upgrade_database(engine)
        return cls(engine, make_session_factory(engine))

    def describe(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)


def job_context(
    settings: Settings,
    database: Database,
    *,
    deliverer: Deliverer | None = None,
    metrics: Metrics | None = None,
) -> JobContext:
    store = make_installation_store(settings, database.engine) if settings.oauth_enabled else None
    return JobContext(
        settings=settings,
        sessions=database.sessions,
        installation_store=store,
        deliverer=deliverer,
        metrics=metrics,
    )


def start_deliverer(
    settings: Settings, database: Database, metrics: Metrics | None = None
) -> Deliverer:
    """The process's background deliverer, woken by every commit that queued a message."""
    deliverer = job_context(settings, database, metrics=metrics).new_deliverer().start()
    poke_after_commit(database.sessions, deliverer.poke)
    return deliverer


def check_bot_token(settings: Settings) -> None:
    """Fail fast on a rejected bot token; only warn when Slack cannot be reached."""
    if settings.slack_bot_token is None:
        return
    client = make_web_client(settings.slack_api_url, settings.slack_bot_token.get_secret_value())
    try:
        client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        if error in _BAD_TOKEN_ERRORS:
            raise ConfigError("SLACK_BOT_TOKEN", f"rejected by Slack ({error})") from None
        logger.warning("auth.test failed (%s); starting anyway", error)
    except Exception as exc:
        logger.warning("could not reach Slack at %s (%s); starting anyway", client.base_url, exc)


def connect_socket_mode(app: App, settings: Settings) -> SocketModeConnection:
    """Open the Socket Mode connection, or fail with one line (exit code 2 from the CLI)."""
    assert settings.slack_app_token is not None
    connection = SocketModeConnection(app, settings.slack_app_token.get_secret_value())
    try:
        with quiet_logging():
            try:
                connection.connect()
            except BaseException:
                # Its threads may be retrying already: stop them before logging resumes.
                connection.close()
                raise
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        if error in _BAD_APP_TOKEN_ERRORS:
            raise ConfigError("SLACK_APP_TOKEN", f"rejected by Slack ({error})") from None
        raise SlackUnavailable(
            f"Slack refused the Socket Mode connection (apps.connections.open: {error}) — "
            "check that Socket Mode is enabled for the app and SLACK_APP_TOKEN has "
            "connections:write"
        ) from None
    except WebSocketFailed as exc:
        raise SlackUnavailable(
            f"Slack gave a Socket Mode URL but no WebSocket opened there ({exc}) — check "
            "that this machine may open WebSockets to Slack (a proxy or firewall may block them)"
        ) from None
    except Exception as exc:
        raise SlackUnavailable(
            f"cannot open a Socket Mode connection through {settings.slack_api_url}: "
            f"{one_line(exc)} — check that this machine can reach Slack (and SLACK_API_URL)"
        ) from None
    return connection


class _StopSignal:
    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._handle)

    def wait(self) -> None:
        """Until a stop signal. The kernel may hand SIGTERM to any thread, and Python runs
        the handler only when the main thread next runs bytecode: an untimed wait would sleep
        through it, so the main thread wakes up every fraction of a second."""
        while not self.event.wait(0.2):
            pass

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s, shutting down", signal.Signals(signum).name)
        self.event.set()


def serve(settings: Settings, *, with_scheduler: bool, host: str = "0.0.0.0") -> int:
    """``tandem run``: serve Slack until SIGTERM; 0 on a clean stop."""
    database = Database.open(settings)
    listener_executor = ThreadPoolExecutor(
        max_workers=settings.tandem_http_threads, thread_name_prefix="listener"
    )
    # One set of metrics for everything this process does (served at /metrics when on).
    metrics = Metrics.from_settings(settings)
    app = create_app(
        settings,
        sessions=database.sessions,
        listener_executor=listener_executor,
        metrics=metrics,
    )
    socket_handler = None
    try:
        if settings.socket_mode:
            # First: without this connection nothing reaches Tandem, whatever else works.
            socket_handler = connect_socket_mode(app, settings)
        check_bot_token(settings)
    except (StartupError, ConfigError):
        if socket_handler is not None:
            socket_handler.close()
        database.engine.dispose()
        raise
    deliverer = start_deliverer(settings, database, metrics)
    scheduler = (
        build_scheduler(job_context(settings, database, deliverer=deliverer, metrics=metrics))
        if with_scheduler
        else None
    )

    if settings.socket_mode:
        assert socket_handler is not None
        wsgi_app = make_wsgi_app(
            None,
            database.engine,
            socket_connected=socket_handler.connected,
            metrics=metrics,
        )
    else:
        assert settings.slack_signing_secret is not None
        wsgi_app = make_wsgi_app(
            app,
            database.engine,
            signing_secret=settings.slack_signing_secret.get_secret_value(),
            metrics=metrics,
        )

    server = make_server(
        wsgi_app,
        host=host,
        port=settings.port,
        threads=settings.tandem_http_threads,
        shutdown_timeout=settings.tandem_shutdown_timeout_seconds,
    )
    server.prepare()
    server_thread = threading.Thread(target=server.serve, name="http", daemon=True)
    server_thread.start()
    if scheduler is not None:
        scheduler.start()

    stop = _StopSignal()
    stop.install()
    mode = "Socket Mode" if settings.socket_mode else f"HTTP on http://{host}:{settings.port}"
    workspaces = "OAuth (many workspaces)" if settings.oauth_enabled else "one workspace"
    logger.info(
        "Tandem is up: %s, %s, scheduler %s, database %s",
        mode,
        workspaces,
        "on" if scheduler else "off",
        database.describe(),
    )
    stop.wait()

    steps = [
        # Stop accepting; requests in flight get their answer.
        ("the HTTP server", lambda _left: (server.stop(), server_thread.join())),
    ]
    if socket_handler is not None:
        steps.append(("the Socket Mode connection", lambda _left: socket_handler.close()))
    # Listener work after ack(), then a job in flight, then the rows the deliverer is sending.
    steps.append(("listener work after ack()", lambda _left: listener_executor.shutdown(wait=True)))
    if scheduler is not None:
        steps.append(("the job in flight", lambda _left: scheduler.shutdown(wait=True)))
    steps.append(("the deliverer", lambda left: deliverer.stop(timeout=left)))
    finished = stop_within(settings.tandem_shutdown_timeout_seconds, steps)
    database.engine.dispose()
    if not finished:
        return EXIT_UNFINISHED
    logger.info("Tandem stopped cleanly")
    return 0


# ``tandem run`` / ``tandem scheduler`` gave up waiting for work in flight at shutdown; the CLI
# then ends the process without waiting for those threads.
EXIT_UNFINISHED = 1


def stop_within(timeout: float, steps: list[tuple[str, Callable[[float], object]]]) -> bool:
    """Run each ``(name, stop)`` in order, all within ``timeout`` seconds together (``stop``
    gets the seconds left); False, with one line naming it, if one did not finish in time."""
    deadline = time.monotonic() + timeout
    for name, step in steps:
        left = max(0.0, deadline - time.monotonic())
        thread = threading.Thread(target=step, args=(left,), name="shutdown", daemon=True)
        thread.start()
        thread.join(left)
        if thread.is_alive():
            logger.warning(
                "shutdown: gave up waiting for %s after the shutdown timeout (%g s, "
                "TANDEM_SHUTDOWN_TIMEOUT_SECONDS); stopping anyway",
                name,
                timeout,
            )
            return False
    return True


def run_scheduler(settings: Settings) -> int:
    """``tandem scheduler``: the scheduler alone, until SIGTERM."""
    database = Database.open(settings)
    deliverer = start_deliverer(settings, database)
    scheduler = build_scheduler(job_context(settings, database, deliverer=deliverer))
    scheduler.start()
    stop = _StopSignal()
    stop.install()
    logger.info("Tandem scheduler is up, database %s", database.describe())
    stop.wait()
    finished = stop_within(
        settings.tandem_shutdown_timeout_seconds,
        [
            ("the job in flight", lambda _left: scheduler.shutdown(wait=True)),
            ("the deliverer", lambda left: deliverer.stop(timeout=left)),
        ],
    )
    database.engine.dispose()
    if not finished:
        return EXIT_UNFINISHED
    logger.info("Tandem scheduler stopped cleanly")
    return 0
