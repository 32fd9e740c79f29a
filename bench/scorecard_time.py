"""How long the scorecard takes on a big workspace: 1,000 roles, 20,000 candidates, 100,000
interviews with their feedback, 20,000 commitments, 13,000 check-ins, 500 fills and retros
(issue 13's target: the workspace scorecard under 300 ms of server time).

Seeds a throwaway database with the project's own tables (``bench/seed_scorecard.py``),
runs ``ANALYZE``, then times ``figures()`` for the workspace and for a pair and
``monthly_trend()`` (the chart's series), median of ``--runs``; drops what it made.
``--plans`` then prints each statement of the workspace ``figures()`` and
``monthly_trend()``: its time alone and its plan (SQLite ``EXPLAIN QUERY PLAN``, PostgreSQL
``EXPLAIN``); ``--sql`` adds the statements' text.

Usage: ``.venv/bin/python bench/scorecard_time.py [--postgres] [--runs N] [--plans [--sql]]``
(PostgreSQL from ``TEST_DATABASE_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_scorecard import NOW, T, database, machine, print_plans, seeded_engine, timed_cpu

from bot.services.scorecard_metrics import Scope, figures, monthly_trend, period_days

TARGET_MS = 300


def measure(url: str, runs: int, *, plans: bool, sql: bool) -> None:
    engine = seeded_engine(url)
    period = period_days(NOW)
    team = Scope.workspace(T)
    pair = Scope.pair(T, "UR1", "UH1")
    with Session(engine) as session:
        calls = (
            ("workspace figures()", lambda: figures(session, team, period, now=NOW)),
            ("pair figures()", lambda: figures(session, pair, period, now=NOW)),
            ("workspace monthly_trend()", lambda: monthly_trend(session, team, period, now=NOW)),
        )
        print(f"{'':28} {'wall':>7}    {'CPU':>6} (this process; medians of {runs})")
        for name, run in calls:
            took, cpu = timed_cpu(run, runs)
            verdict = ""
            if name == "workspace figures()":
                verdict = f"  target < {TARGET_MS} ms: {'met' if took < TARGET_MS else 'NOT met'}"
            print(f"{name:28} {took:7.0f} ms {cpu:6.0f} ms{verdict}")
        if plans:
            for name, run in (calls[0], calls[2]):
                print(f"\nplans of {name}:")
                print_plans(engine, run, runs, sql=sql)
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
