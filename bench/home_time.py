"""How long the App Home takes for a person on 50 roles (issue 13's target: under 200 ms of
server time), in the big workspace of ``bench/scorecard_time.py``.

Seeds the same 1,000 roles and 100,000 interviews (``bench/seed_scorecard.py``), then makes
one person (``UHOME``) the hiring manager of 50 of the roles, with what such a person owes:
about 50 open feedback requests and 50 open commitments, a check-in reply waiting on each
role, three retro polls open to them and ten brief changes to acknowledge. Times what the
server does for ``app_home_opened`` before ``views.publish``: ``dashboard()``
(``bot/services/home.py``, one read transaction) plus ``dashboard_blocks()``
(``bot/blocks/home.py``), median of ``--runs``. ``--plans`` prints each statement of one
``dashboard()`` with its time alone and its plan (SQLite ``EXPLAIN QUERY PLAN``,
PostgreSQL ``EXPLAIN``); ``--sql`` adds the statements' text.

Usage: ``.venv/bin/python bench/home_time.py [--postgres] [--runs N] [--plans [--sql]]``
(PostgreSQL from ``TEST_DATABASE_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Connection, insert, update
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_scorecard import (
    NOW,
    T,
    database,
    machine,
    print_plans,
    seeded_engine,
    statements,
    timed,
    timed_cpu,
)

from bot.blocks.home import dashboard_blocks
from bot.models import Acknowledgement, CheckIn, CheckInParty, Obligation, Role
from bot.models.retro import RetroPoll
from bot.services.home import dashboard

TARGET_MS = 200
PERSON = "UHOME"


def their_roles(role_id: object) -> object:
    """The person's 50 roles: every 20th (1,000 roles)."""
    return role_id % 20 == 0  # type: ignore[operator]


def seed_person(c: Connection) -> None:
    """Make ``PERSON`` the HM of 50 roles and give them what such a person owes."""
    c.execute(update(Role).where(their_roles(Role.id)).values(hiring_manager_id=PERSON))
    # Open feedback (one interview in 2,000: 50) and commitments on their roles (1 in 20 of
    # those, half of them still open: about 50).
    c.execute(
        update(Obligation)
        .where(Obligation.kind == "feedback", Obligation.id % 2000 == 0)
        .values(owner_id=PERSON, resolved_at=None, due_at=NOW + timedelta(days=1))
    )
    c.execute(
        update(Obligation)
        .where(
            Obligation.kind != "feedback",
            their_roles(Obligation.role_id),
            Obligation.id % 20 == 0,
        )
        .values(owner_id=PERSON)
    )
    # The HM's reply is awaited on every check-in of their roles (the latest one counts).
    mine = (
        CheckIn.__table__.select().with_only_columns(CheckIn.id).where(their_roles(CheckIn.role_id))
    )
    c.execute(
        update(CheckInParty)
        .where(CheckInParty.side == "hm", CheckInParty.checkin_id.in_(mine))
        .values(user_id=PERSON, replied_at=None, reply_due_at=NOW + timedelta(days=1))
    )
    c.execute(
        update(RetroPoll)
        .where(RetroPoll.id.in_([20, 40, 60]))
        .values(invited=[PERSON, "UR0"], closes_at=NOW + timedelta(days=5))
    )
    c.execute(
        insert(Acknowledgement),
        [
            {
                "team_id": T,
                "role_id": role_id,
                "revision_id": role_id,  # each role's only brief revision
                "requested_from": PERSON,
                "topics": ["must_haves"],
                "created_at": NOW - timedelta(days=1),
            }
            for role_id in range(20, 220, 20)
        ],
    )


def measure(url: str, runs: int, *, plans: bool, sql: bool) -> None:
    engine = seeded_engine(url, extra=seed_person)
    sessions = sessionmaker(engine, expire_on_commit=False)

    def home() -> list[dict[str, object]]:
        board = dashboard(sessions, team_id=T, user_id=PERSON, now=NOW)
        return dashboard_blocks(board)

    blocks = home()
    board = dashboard(sessions, team_id=T, user_id=PERSON, now=NOW)
    print(
        f"the person: {len(board.roles.shown) + board.roles.more} roles, "
        f"{len(board.items.shown) + board.items.more} open obligations, "
        f"{len(board.checkins.shown) + board.checkins.more} check-ins, "
        f"{len(board.polls.shown) + board.polls.more} polls, "
        f"{len(board.acks.shown) + board.acks.more} acknowledgements; "
        f"{len(blocks)} blocks, {len(json.dumps(blocks)):,} bytes"
    )
    sent = statements(engine, home)
    by_caller = Counter(caller for caller, _sql, _parameters in sent)
    print(f"{len(sent)} statements: " + ", ".join(f"{n} × {c}" for c, n in by_caller.most_common()))
    took, cpu = timed_cpu(home, runs)
    verdict = "met" if took < TARGET_MS else "NOT met"
    print(
        f"{'dashboard() + dashboard_blocks()':34} {took:6.0f} ms wall, {cpu:.0f} ms CPU in this "
        f"process (medians of {runs})  "
        f"target < {TARGET_MS} ms: {verdict}"
    )
    blocks_only = timed(lambda: dashboard_blocks(board), runs)
    print(f"{'  of which dashboard_blocks()':34} {blocks_only:6.1f} ms")
    if plans:
        print("\nplans of dashboard():")
        print_plans(
            engine, lambda: dashboard(sessions, team_id=T, user_id=PERSON, now=NOW), runs, sql=sql
        )
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plans", action="store_true", help="each statement's plan and time")
    parser.add_argument("--sql", action="store_true", help="with --plans: the statements too")
    args = parser.parse_args()
    print(machine())
    with database(args.postgres) as url:
        measure(url, args.runs, plans=args.plans, sql=args.sql)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
