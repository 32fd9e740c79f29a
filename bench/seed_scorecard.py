"""The big workspace the scorecard and App Home benchmarks run on, and their shared tools.

``seed`` fills a database with the project's own tables (bulk inserts, seeded random):
1,000 roles, 20,000 candidates, 100,000 interviews with their feedback obligations and
feedback, 20,000 commitments coming due, 13,000 check-ins with both parties, 500 fills and
their retro answers — issue 13's "1,000 roles and 100,000 interviews". ``database`` gives a
throwaway SQLite file or PostgreSQL database (dropped afterwards); ``statements`` records
what a call sends to the database, ``print_plans`` times each statement alone and prints
its plan (SQLite ``EXPLAIN QUERY PLAN``, PostgreSQL ``EXPLAIN``).

Not a script of its own: ``bench/scorecard_time.py`` and ``bench/home_time.py`` import it.
"""

from __future__ import annotations

import inspect
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, insert, text
from sqlalchemy.engine import make_url

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
from bot.services.brief import BriefContent, Contract, default_plan

NOW = datetime(2027, 4, 1, 12, tzinfo=UTC)
T = "TBENCH"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


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
    # A valid brief (the App Home reads the target date and the panel), the same for every
    # role but its two sides and panel.
    start = NOW.date() - timedelta(days=60)
    target = NOW.date() + timedelta(days=30)
    brief = BriefContent(
        title="r",
        hiring_manager_id="UH0",
        recruiter_id="UR0",
        business_need="Grow the team.",
        must_haves=["Python", "SQL", "Kind reviews"],
        target_fill_date=target,
        contract=Contract(slate_due=start + timedelta(days=14)),
        plan=default_plan(start, target),
    ).model_dump(mode="json")
    c.execute(
        insert(BriefRevision),
        [
            {
                "id": i,
                "team_id": T,
                "role_id": i,
                "number": 1,
                "content": {
                    **brief,
                    "title": f"r{i}",
                    "recruiter_id": f"UR{i % 50}",
                    "hiring_manager_id": f"UH{i % 200}",
                    "panel": [f"UP{(i + k) % 300}" for k in range(3)],
                },
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
                "scheduled_for": NOW - timedelta(days=7 * (13 - i // 1000)),
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


@contextmanager
def database(postgres: bool) -> Iterator[str]:
    """The URL of an empty throwaway database: a SQLite file (WAL, as ``make_engine`` sets
    it up) or a new PostgreSQL database on ``TEST_DATABASE_URL``'s server; removed after."""
    if not postgres:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL", PG_DEFAULT)
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    name = f"tandem_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seeded_engine(url: str, *, extra: Callable[[Connection], None] | None = None) -> Engine:
    """Migrate ``url`` to the head revision (the project's own indexes), seed it (and
    ``extra``), then ``ANALYZE`` so both planners know the tables' sizes."""
    engine = make_engine(url)
    upgrade_database(engine)
    started = time.perf_counter()
    with engine.begin() as connection:
        seed(connection)
        if extra is not None:
            extra(connection)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    print(f"{describe(engine)}: seeded in {time.perf_counter() - started:.1f} s")
    return engine


def describe(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (a file, WAL)"
    with engine.connect() as connection:
        version = connection.scalar(text("SHOW server_version"))
    return f"PostgreSQL {version} on {engine.url.host}"


def machine() -> str:
    """The machine, and how busy it is: a wall-clock figure on a shared machine means
    little without its load average."""
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
        f"load average {load:.1f}"
    )


def timed(run: Callable[[], object], runs: int) -> float:
    """Milliseconds, the median of ``runs`` after one warm-up run (dropped)."""
    return timed_cpu(run, runs)[0]


def timed_cpu(run: Callable[[], object], runs: int) -> tuple[float, float]:
    """Wall-clock and this process's CPU milliseconds, each the median of ``runs`` after one
    warm-up run. On SQLite the CPU time is the server's work (the database runs in this
    process), which other load on the machine disturbs much less than the wall clock."""
    walls, cpus = [], []
    for _ in range(runs + 1):
        started, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls[1:]), statistics.median(cpus[1:])


def _caller(package: str) -> str:
    """Which functions of ``package`` sent a statement, outermost first ("a > b")."""
    names = [
        frame.function
        for frame in inspect.stack()[2:]
        if f"{os.sep}{package}{os.sep}" in frame.filename
    ]
    return " > ".join(reversed(names[:3])) or "?"


def statements(engine: Engine, run: Callable[[], object], *, package: str = "bot") -> list[Any]:
    """What ``run`` sends to the database: ``(caller, SQL, parameters)`` in order."""
    seen: list[Any] = []

    def record(_conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, many: bool):
        seen.append((_caller(package), sql, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def plan_lines(engine: Engine, sql: str, parameters: Any) -> list[str]:
    """The statement's plan: SQLite's ``EXPLAIN QUERY PLAN`` as an indented tree, or
    PostgreSQL's ``EXPLAIN`` (estimates only: nothing is run twice)."""
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, parameters)
            depth: dict[int, int] = {0: -1}
            lines = []
            for node, parent, _unused, detail in cursor.fetchall():
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
            return lines
        cursor.execute("EXPLAIN " + sql, parameters)
        return [row[0] for row in cursor.fetchall()]


def time_alone(engine: Engine, sql: str, parameters: Any, runs: int) -> float:
    """One statement's milliseconds on its own (the DB-API cursor, rows fetched), median of
    ``runs`` after a warm-up."""
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection

        def run() -> None:
            cursor = raw.cursor()
            cursor.execute(sql, parameters)
            cursor.fetchall()

        return timed(run, runs)


def print_plans(engine: Engine, run: Callable[[], object], runs: int, *, sql: bool = False) -> None:
    """Each statement ``run`` sends: who sent it, its time alone, its plan (and its SQL)."""
    sent = statements(engine, run)
    print(f"  {len(sent)} statements")
    for number, (caller, statement, parameters) in enumerate(sent, 1):
        took = time_alone(engine, statement, parameters, runs)
        print(f"  #{number} {caller}: {took:.1f} ms alone")
        if sql:
            print("    " + statement.replace("\n", "\n    "))
        for line in plan_lines(engine, statement, parameters):
            print(f"      {line}")
