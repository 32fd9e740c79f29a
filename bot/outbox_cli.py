"""``tandem outbox …``: what is waiting to be sent, what was parked, and sending it again."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.clock import utcnow
from bot.config import Settings, load_database_settings
from bot.models import OutboxMessage


def describe(row: OutboxMessage) -> str:
    """One line per row: id, state, workspace, kind, method, target, attempts, reason."""
    target = row.channel or (f"(after {row.parent_key})" if row.parent_key else "-")
    error = f"  {row.last_error}" if row.last_error else ""
    return (
        f"{row.id:>7}  {row.state:<10} {row.team_id:<12} {row.kind:<18} {row.method:<22} "
        f"{target:<14} tries={row.attempts} created={row.created_at:%Y-%m-%d %H:%M:%S}Z{error}"
    )


def _list(args: argparse.Namespace) -> int:
    from bot.runtime import Database
    from bot.services.outbox_admin import list_rows

    database = Database.open(load_database_settings())
    try:
        with database.sessions() as session:
            rows = list_rows(session, failed_only=args.failed, teams=args.team or ())
            for row in rows:
                print(describe(row))
    finally:
        database.engine.dispose()
    if not rows:
        print("the outbox has no failed rows" if args.failed else "the outbox is empty")
    return 0


def _retry(args: argparse.Namespace) -> int:
    from bot.runtime import Database
    from bot.services.outbox_admin import NotParked, retry

    database = Database.open(load_database_settings())
    try:
        with database.sessions.begin() as session:
            requeued = retry(session, args.id, now=utcnow())
    except NotParked:
        print(f"tandem outbox retry: #{args.id} is not a failed outbox row", file=sys.stderr)
        return 1
    finally:
        database.engine.dispose()
    print(f"re-queued {', '.join(f'#{i}' for i in requeued)}; a running deliverer sends it")
    return 0


def _deliver(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import Database, job_context

    database = Database.open(settings)
    try:
        sent = job_context(settings, database).new_deliverer().run_until_idle(max_seconds=3600)
    finally:
        database.engine.dispose()
    print(f"sent {sent}")
    return 0


def add_commands(commands: Any) -> None:
    """Add ``outbox list|retry|deliver`` to ``tandem``'s sub-commands."""
    outbox = commands.add_parser("outbox", help="messages waiting for Slack, and parked ones")
    sub = outbox.add_subparsers(dest="outbox_command", required=True, metavar="OUTBOX_COMMAND")
    listing = sub.add_parser("list", help="pending and failed rows, oldest first")
    listing.add_argument("--failed", action="store_true", help="only rows parked as failed")
    listing.add_argument("--team", action="append", metavar="T", help="only workspace T")
    listing.set_defaults(handler=_list, needs_settings=False)
    again = sub.add_parser("retry", help="re-queue a failed row (and rows that waited for it)")
    again.add_argument("id", type=int)
    again.set_defaults(handler=_retry, needs_settings=False)
    sub.add_parser(
        "deliver", help="send everything due now, then exit (cron-style deployments)"
    ).set_defaults(handler=_deliver, needs_settings=True)
