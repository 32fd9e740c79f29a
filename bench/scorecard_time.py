"""How long the scorecard takes on a big workspace: 1,000 roles, 20,000 candidates, 100,000
interviews with their feedback, 20,000 commitments, 13,000 check-ins, 500 fills and retros
(issue 13's target: the workspace scorecard under 300 ms of server time).

Seeds a throwaway database with the project's own tables (bulk inserts, seeded random, the
proportions above), runs ``ANALYZE``, then times ``figures()`` for the workspace and for a
pair and ``monthly_trend()`` (the chart's series), median of ``--runs``; drops what it made.

Usage: ``.venv/bin/python bench/scorecard_time.py [--postgres] [--runs N]``
(PostgreSQL from ``TEST_DATABASE_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.db import make_engine
from bot.migrate import upgrade_database
from bot.models import (
    BriefRevision,
    Candidate,
    CheckIn,
    CheckInParty,
    Feedback,
    Interview,
    Obligation,
    RetroAnswer,
    Role,
    RoleClosure,
    StageChange,
)
from bot.models.retro import RetroPoll
from bot.services.scorecard_metrics import Scope, figures, monthly_trend, period_days

NOW = datetime(2027, 4, 1, 12, tzinfo=UTC)
T = "TBENCH"


def seed(c: Connection) -> None:
    rnd = random.Random(1)

    def t(days: int) -> datetime:
        return NOW - timedelta(days=days, hours=rnd.random() * 24)

    roles = [
        {
            "id": i,
            "team_id": T,
            "title": f"r{i}",
            "status": "open",
            "recruiter_id": f"UR{i % 50}",
            "hiring_manager_id": f"UH{i % 200}",
            "created_by": "U",
            "created_at": t(200),
        }
        for i in range(1, 1001)
    ]
    c.execute(insert(Role), roles)
    c.execute(
        insert(BriefRevision),
        [
            {
                "id": i,
                "team_id": T,
                "role_id": i,
                "number": 1,
                "content": {},
                "created_by": "U",
                "created_at": NOW,
            }
            for i in range(1, 1001)
        ],
    )
    cands = [
        {
            "id": i,
            "team_id": T,
            "role_id": (i % 1000) + 1,
            "name": "x",
            "initials": "X",
            "source": "s",
            "stage": "panel",
            "created_by": "U",
            "created_at": t(150),
            "updated_at": NOW,
            "experience_score": rnd.randint(1, 5) if i % 3 == 0 else None,
            "experience_recorded_at": t(80) if i % 3 == 0 else None,
        }
        for i in range(1, 20001)
    ]
    c.execute(insert(Candidate), cands)
    c.execute(
        insert(StageChange),
        [
            {
                "team_id": T,
                "role_id": (i % 1000) + 1,
                "candidate_id": i,
                "from_stage": "panel",
                "to_stage": "offer" if i % 4 else "hired",
                "actor_id": "U",
                "at": t(rnd.randint(1, 120)),
            }
            for i in range(1, 20001, 5)
        ],
    )
    ivs = [
        {
            "id": i,
            "team_id": T,
            "role_id": (i % 1000) + 1,
            "candidate_id": (i % 20000) + 1,
            "revision_id": (i % 1000) + 1,
            "kind": "panel",
            "starts_at": t(100),
            "ends_at": t(rnd.randint(1, 120)),
            "logged_by": "U",
            "logger_tz": "UTC",
            "created_at": NOW,
        }
        for i in range(1, 100001)
    ]
    c.execute(insert(Interview), ivs)
    obs = [
        {
            "id": i,
            "team_id": T,
            "role_id": (i % 1000) + 1,
            "kind": "feedback",
            "subject_key": f"i{i}",
            "owner_id": f"UP{i % 300}",
            "interview_id": i,
            "starts_at": NOW,
            "due_at": t(rnd.randint(1, 120)),
            "resolved_at": t(rnd.randint(1, 120)),
            "created_at": NOW,
        }
        for i in range(1, 100001)
    ]
    c.execute(insert(Obligation), obs)
    obs = [
        {
            "id": 100000 + i,
            "interview_id": None,
            "team_id": T,
            "role_id": (i % 1000) + 1,
            "kind": rnd.choice(["resume_review", "candidate_update"]),
            "subject_key": f"c{i}",
            "owner_id": f"UH{i % 200}",
            "starts_at": NOW,
            "due_at": t(rnd.randint(1, 120)),
            "resolved_at": t(rnd.randint(1, 120)) if i % 2 else None,
            "created_at": NOW,
        }
        for i in range(1, 20001)
    ]
    c.execute(insert(Obligation), obs)
    c.execute(
        insert(Feedback),
        [
            {
                "team_id": T,
                "obligation_id": i,
                "interview_id": i,
                "candidate_id": (i % 20000) + 1,
                "interviewer_id": "U",
                "ratings": {},
                "nice_to_have_notes": "",
                "notes": "",
                "submitted_at": t(rnd.randint(1, 120)),
                "edit_count": 0,
            }
            for i in range(1, 100001)
        ],
    )
    c.execute(
        insert(CheckIn),
        [
            {
                "id": i,
                "team_id": T,
                "role_id": (i % 1000) + 1,
                "week": f"w{i // 1000}",
                "scheduled_for": NOW,
                "posted_at": t(rnd.randint(1, 120)),
            }
            for i in range(1, 13001)
        ],
    )
    c.execute(
        insert(CheckInParty),
        [
            {
                "team_id": T,
                "checkin_id": i,
                "user_id": f"U{s}",
                "side": s,
                "reply_due_at": t(rnd.randint(1, 120)),
                "replied_at": t(rnd.randint(1, 120)),
            }
            for i in range(1, 13001)
            for s in ("recruiter", "hm")
        ],
    )
    c.execute(
        insert(RoleClosure),
        [
            {
                "id": i,
                "team_id": T,
                "role_id": i,
                "outcome": "filled",
                "offer_accepted_on": t(rnd.randint(1, 120)).date(),
                "closed_by": "U",
                "closed_at": t(1),
            }
            for i in range(1, 501)
        ],
    )
    c.execute(
        insert(RetroPoll),
        [
            {
                "id": i,
                "team_id": T,
                "role_id": i,
                "closure_id": i,
                "invited": [],
                "anonymity_threshold": 3,
                "opened_at": NOW,
                "closes_at": NOW,
            }
            for i in range(1, 501)
        ],
    )
    c.execute(
        insert(RetroAnswer),
        [
            {
                "team_id": T,
                "poll_id": i,
                "user_id": f"U{cap}",
                "capacity": cap,
                "partnership": rnd.randint(1, 5),
                "speed": 1,
                "candidate_quality": 1,
                "what_worked": "",
                "what_to_change": "",
                "answered_at": t(rnd.randint(1, 120)),
                "updated_at": NOW,
            }
            for i in range(1, 501)
            for cap in ("hm", "recruiter")
        ],
    )


def timed(run: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs + 1):  # the first run warms caches and is dropped
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[1:])


def measure(url: str, runs: int) -> None:
    engine = make_engine(url)
    upgrade_database(engine)
    started = time.perf_counter()
    with engine.begin() as connection:
        seed(connection)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    period = period_days(NOW)
    with Session(engine) as session:
        team = Scope.workspace(T)
        pair = Scope.pair(T, "UR1", "UH1")
        for name, run in (
            ("workspace figures()", lambda: figures(session, team, period, now=NOW)),
            ("pair figures()", lambda: figures(session, pair, period, now=NOW)),
            ("workspace monthly_trend()", lambda: monthly_trend(session, team, period, now=NOW)),
        ):
            print(f"{name:28} {timed(run, runs):7.0f} ms (median of {runs})")
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.postgres:
        with tempfile.TemporaryDirectory() as directory:
            print("SQLite (a file, WAL)")
            measure(f"sqlite:///{Path(directory) / 'bench.db'}", args.runs)
        return 0
    base = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    name = f"tandem_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        print("PostgreSQL")
        measure(make_url(base).set(database=name).render_as_string(hide_password=False), args.runs)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
