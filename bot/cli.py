"""``tandem``: the command line. Each command is a thin wrapper over a testable function."""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot import __version__, outbox_cli
from bot.config import (
    ConfigError,
    Settings,
    StartupError,
    load_database_settings,
    load_settings,
)

EXIT_CONFIG = 2

# ``tandem run --help``: what it needs, so nobody has to read the README to start it.
RUN_SETTINGS = """\
settings (environment variables, or a .env file in the current folder):
  SLACK_BOT_TOKEN       required: the Bot User OAuth Token (xoxb-...) of the workspace
                        (with OAuth: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET instead)
  SLACK_APP_TOKEN       Socket Mode: an app-level token (xapp-...) with connections:write;
                        without it Tandem serves HTTP
  SLACK_SIGNING_SECRET  required in HTTP mode (Basic Information -> Signing Secret)
  DATABASE_URL          optional: sqlite:///path or postgresql://user@host/db
                        (default sqlite:///tandem.db)
  PORT                  optional: HTTP port (default 3000); in Socket Mode it serves /healthz
  TANDEM_LOG_LEVEL      optional: DEBUG, INFO (default), WARNING or ERROR
"""


def _configure_logging(level: str, settings: Settings | None = None) -> None:
    from bot.logs import configure, configured_secrets

    configure(
        level,
        log_format=settings.tandem_log_format if settings is not None else "text",
        secret_values=configured_secrets(settings) if settings is not None else (),
    )


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import serve

    return _exit_now_if_unfinished(
        serve(settings, with_scheduler=not args.no_scheduler, host=args.host)
    )


def _cmd_scheduler(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import run_scheduler

    return _exit_now_if_unfinished(run_scheduler(settings))


def _exit_now_if_unfinished(code: int) -> int:
    """After a shutdown that outlived its timeout, end the process at once: Python would
    otherwise wait at exit for the worker threads still busy (what the timeout is for)."""
    from bot.runtime import EXIT_UNFINISHED

    if code == EXIT_UNFINISHED:
        logging.shutdown()  # flush the log first
        os._exit(code)
    return code


def _cmd_jobs_run_once(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import Database, job_context
    from bot.scheduler.runner import JobsFailed, run_all_once

    database = Database.open(settings)
    try:
        results = run_all_once(job_context(settings, database), raise_on_failure=True)
    except JobsFailed as failed:
        # Every other job ran; a cron wrapper sees exit 1 and the log has the traceback.
        print(f"tandem: {failed}", file=sys.stderr)
        return 1
    finally:
        database.engine.dispose()
    for name, done in results.items():
        print(f"{name}: {done}")
    return 0


def _cmd_jobs_list(_args: argparse.Namespace) -> int:
    from bot.scheduler.registry import all_jobs

    rows = [("JOB", "EVERY", "DELIVERY", "WHAT IT DOES")]
    rows += [(j.name, f"{j.every_seconds}s", j.delivery, j.description) for j in all_jobs()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for name, every, delivery, what in rows:
        print(f"{name:<{widths[0]}}  {every:>{widths[1]}}  {delivery:<{widths[2]}}  {what}")
    return 0


def _cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from bot.migrate import current_revisions, revisions_between, upgrade_database
    from bot.runtime import Database

    database = Database.open(load_database_settings(), migrate=False)
    try:
        before = current_revisions(database.engine)
        upgrade_database(database.engine)
        after = current_revisions(database.engine)
    finally:
        database.engine.dispose()
    head = ", ".join(after)
    applied = revisions_between(before, after)
    if not applied:
        print(f"database {database.describe()}: already at head ({head}), nothing to apply")
        return 0
    plural = "migration" if len(applied) == 1 else "migrations"
    print(f"database {database.describe()}: applied {len(applied)} {plural}, now at head ({head}):")
    for revision, message in applied:
        # One line each: the migration's title, not its whole description.
        print(f"  {revision}  {message if len(message) <= 80 else message[:79] + '…'}")
    return 0


def _cmd_manifest(args: argparse.Namespace) -> int:
    from bot.manifest import manifest_yaml

    try:
        print(manifest_yaml(args.url), end="")
    except ValueError as exc:
        print(f"tandem manifest: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return 0


def _cmd_doctor(_args: argparse.Namespace) -> int:
    """``tandem doctor``: one line per check of the configuration, then what to do."""
    from bot.doctor import diagnose, summary

    checks = diagnose()
    for check in checks:
        print(check.line())
    closing, code = summary(checks)
    print(closing)
    return code


def _cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo
    from bot.demo.session import DemoError

    for stream in (sys.stdout, sys.stderr):
        # The transcript has emoji and box-drawing characters; a terminal that cannot show
        # them gets a replacement character rather than a crash.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    try:
        run_demo(out=sys.stdout, progress=None if args.quiet else sys.stderr, html_path=args.html)
    except DemoError as exc:
        print(f"tandem demo: the story could not go on: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    """``tandem export --team T… [--out FILE]``: the workspace's data as JSON (for its admin;
    see bot/services/workspace_export.py for what is left out). A file is written whole or
    not at all: it appears under its name only once the export is complete."""
    import os
    import tempfile

    from bot.clock import utcnow
    from bot.runtime import Database
    from bot.services.workspace_export import NothingToExport, write_export

    database = Database.open(load_database_settings())
    try:
        with database.sessions() as session:
            if args.out is None:
                counts = write_export(session, args.team, sys.stdout, now=utcnow())
            else:
                target = Path(args.out)
                handle, partial = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
                )
                try:
                    with os.fdopen(handle, "w", encoding="utf-8") as out:
                        counts = write_export(session, args.team, out, now=utcnow())
                    os.replace(partial, target)
                finally:
                    if os.path.exists(partial):
                        os.unlink(partial)
    except NothingToExport:
        print(f"tandem export: Tandem holds no data of workspace {args.team}", file=sys.stderr)
        return 1
    finally:
        database.engine.dispose()
    print(
        f"exported {sum(counts.values())} rows of {args.team} from "
        f"{sum(1 for c in counts.values() if c)} tables",
        file=sys.stderr,
    )
    return 0


# -- keys: the keys that encrypt stored Slack tokens (bot/services/token_keys.py) ----------


def _cmd_keys_generate(_args: argparse.Namespace) -> int:
    from bot.services.token_keys import generate_key

    print(generate_key())
    return 0


def _cmd_keys_rotate(_args: argparse.Namespace) -> int:
    from bot.runtime import Database
    from bot.services.token_keys import UndecryptableToken, require_cipher, rotate

    settings = load_database_settings()
    cipher = require_cipher(settings)
    database = Database.open(settings)
    try:
        report = rotate(database.sessions, cipher)
    except UndecryptableToken as exc:
        print(f"tandem keys rotate: {exc}; nothing after that row was changed", file=sys.stderr)
        return EXIT_CONFIG
    finally:
        database.engine.dispose()
    print(
        f"re-encrypted {report.rewritten} of {report.rows} rows holding tokens with the first "
        f"key ({report.were_plaintext} were plaintext); "
        f"{report.rows - report.rewritten} already used it"
    )
    return 0


def _add_keys_commands(commands: Any) -> None:
    keys = commands.add_parser(
        "keys", help="the keys that encrypt stored Slack tokens (TANDEM_ENCRYPTION_KEYS)"
    ).add_subparsers(dest="keys_command", required=True, metavar="KEYS_COMMAND")
    keys.add_parser("generate", help="print a new key for TANDEM_ENCRYPTION_KEYS").set_defaults(
        handler=_cmd_keys_generate, needs_settings=False, log_level="WARNING"
    )
    keys.add_parser(
        "rotate",
        help="re-encrypt every stored token with the first key (plaintext ones too)",
    ).set_defaults(handler=_cmd_keys_rotate, needs_settings=False, log_level="WARNING")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tandem",
        description="Tandem: recruiter and hiring manager, in step — a Slack bot.",
    )
    parser.add_argument("--version", action="version", version=f"tandem {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="serve Slack (HTTP, or Socket Mode with SLACK_APP_TOKEN)",
        description="Serve Slack until SIGTERM: Socket Mode when SLACK_APP_TOKEN is set,\n"
        "otherwise HTTP on PORT (POST /slack/events). Scheduled jobs run here too\n"
        "unless --no-scheduler. The database is brought up to date first.",
        epilog=RUN_SETTINGS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs here")
    run.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    run.set_defaults(handler=_cmd_run, needs_settings=True)

    scheduler = commands.add_parser("scheduler", help="run the scheduler alone")
    scheduler.set_defaults(handler=_cmd_scheduler, needs_settings=True)

    jobs = commands.add_parser("jobs", help="scheduled jobs").add_subparsers(
        dest="jobs_command", required=True, metavar="JOBS_COMMAND"
    )
    jobs.add_parser("run-once", help="run every job once now, then exit").set_defaults(
        handler=_cmd_jobs_run_once, needs_settings=True
    )
    jobs.add_parser("list", help="list the jobs and their triggers").set_defaults(
        handler=_cmd_jobs_list, needs_settings=False
    )

    db = commands.add_parser("db", help="database").add_subparsers(
        dest="db_command", required=True, metavar="DB_COMMAND"
    )
    db.add_parser("upgrade", help="apply migrations").set_defaults(
        handler=_cmd_db_upgrade, needs_settings=False
    )

    demo = commands.add_parser(
        "demo",
        help="play a whole hire offline, through the real app (no Slack, no settings needed)",
        description="Start Tandem against a built-in local stand-in for Slack and a throwaway "
        "SQLite database, and play out a hire over simulated weeks. The transcript goes to "
        "standard output, progress to standard error.",
    )
    demo.add_argument(
        "--html", type=Path, metavar="PATH", help="also write the transcript as one HTML page"
    )
    demo.add_argument("--quiet", action="store_true", help="no progress lines on standard error")
    demo.set_defaults(handler=_cmd_demo, needs_settings=False, log_level="WARNING")

    outbox_cli.add_commands(commands)
    _add_keys_commands(commands)

    export = commands.add_parser(
        "export",
        help="write one workspace's data as JSON (tokens left out), for its admin",
    )
    export.add_argument("--team", required=True, metavar="T", help="the workspace's team id")
    export.add_argument("--out", type=Path, metavar="FILE", help="write here (default stdout)")
    export.set_defaults(handler=_cmd_export, needs_settings=False, log_level="WARNING")

    commands.add_parser(
        "doctor",
        help="check the configuration against Slack and the database, and say what to fix",
        description="Checks that the settings load, that Slack accepts SLACK_BOT_TOKEN "
        "(auth.test) and granted the manifest's scopes, that a Socket Mode connection opens "
        "with SLACK_APP_TOKEN, that the database answers and its migrations are at head. "
        "Changes nothing. Exit 0 when no check failed, 1 otherwise.",
    ).set_defaults(handler=_cmd_doctor, needs_settings=False, log_level="WARNING")

    manifest = commands.add_parser("manifest", help="print the Slack app manifest")
    manifest.add_argument("--url", help="public base URL, e.g. https://tandem.example.org")
    manifest.set_defaults(handler=_cmd_manifest, needs_settings=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tandem`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.needs_settings:
            settings = load_settings()
            _configure_logging(settings.tandem_log_level, settings)
            return int(args.handler(args, settings))
        _configure_logging(getattr(args, "log_level", "INFO"))
        return int(args.handler(args))
    except ConfigError as exc:
        print(f"tandem: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except StartupError as exc:
        print(f"tandem: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
