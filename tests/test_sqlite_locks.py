"""Concurrent writers on SQLite: "database is locked" is waited out or retried, never shown to
a person and never logged as a failure.

SQLite lets one writer in at a time; the others wait (``busy_timeout``) and, should a wait
still end in SQLITE_BUSY, the statement is retried (bot/db.py). Eight people act at the same
moment through signed requests, each request's work writing through the service layer and
each followed by its delivery, so writers overlap in every combination.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select, text

from bot import logs
from bot.db import make_engine
from bot.models import Person
from bot.runtime import Database
from bot.sandbox.driver import SandboxApp
from bot.sandbox.slack_standin import SlackStandin
from tests.harness import make_settings

PEOPLE = [f"U0WRITER{n:02d}" for n in range(8)]


@pytest.fixture
def app(db: Database, standin: SlackStandin) -> Iterator[SandboxApp]:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer is what is tested")
    for n, user in enumerate(PEOPLE):
        standin.add_user(user, f"writer{n}", tz="Europe/Berlin")
    settings = make_settings(db.engine.url.render_as_string(), standin.api_url)
    # As many HTTP and listener threads as people, so all eight write at once.
    sandbox = SandboxApp(db, standin, settings, threads=len(PEOPLE))
    yield sandbox
    sandbox.close()


@pytest.fixture
def warnings_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logs.make_handler(stream=stream)
    handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def _all_at_once(action: Callable[[str], Any]) -> list[Any]:
    barrier = threading.Barrier(len(PEOPLE))
    results: dict[str, Any] = {}

    def run(user: str) -> None:
        barrier.wait()
        try:
            results[user] = action(user)
        except BaseException as exc:  # reported below, with the others
            results[user] = exc

    threads = [threading.Thread(target=run, args=(user,)) for user in PEOPLE]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [results.get(user) for user in PEOPLE]


def _answer(app: SandboxApp, user: str, command_text: str) -> str:
    name = f"{command_text.split()[0]}-{user}"
    reply = app.command(
        "/tandem", command_text, user=user, response_url=app.standin.response_url(name)
    )
    assert reply.status == 200 and reply.body == "", reply.body
    answers = [c for c in app.standin.calls_to("response_url") if c.params.get("_name") == name]
    return str(answers[-1].params["text"]) if answers else "(no answer)"


def test_eight_people_writing_at_once_all_succeed(
    app: SandboxApp, warnings_log: io.StringIO
) -> None:
    rounds = [
        ("quiet 08:00-16:00 mon-thu", "Saved."),
        ("digest on", None),
    ]
    answers: list[str] = []
    for command_text, expected in rounds:
        found = _all_at_once(lambda user, t=command_text: _answer(app, user, t))
        assert not [a for a in found if isinstance(a, BaseException)], found
        answers += found
        if expected:
            assert all(a.startswith(expected) for a in found), found
    for answer in answers:
        assert "locked" not in answer.lower() and "sorry" not in answer.lower(), answer
    with app.database.sessions() as session:
        saved = session.scalars(select(Person).where(Person.user_id.in_(PEOPLE))).all()
    assert len(saved) == len(PEOPLE)
    log = warnings_log.getvalue()
    assert "locked" not in log.lower(), log
    assert log == "", log


def test_a_statement_that_finds_the_database_locked_is_retried(db: Database, tmp_path) -> None:
    """Another process holds the write lock longer than the busy timeout lets a writer wait:
    the statement is retried until the lock is free, and succeeds."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    path = tmp_path / "locked.db"
    url = f"sqlite:///{path}"
    writer = make_engine(url)
    with writer.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    holder = make_engine(url)
    held = holder.connect()
    held.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, as a long transaction holds it
    held.exec_driver_sql("INSERT INTO t VALUES (0)")
    released = threading.Timer(0.3, held.commit)
    with writer.connect() as connection:
        connection.exec_driver_sql("PRAGMA busy_timeout=50")  # gives up long before 0.3 s
        released.start()
        connection.execute(text("INSERT INTO t VALUES (1)"))
        connection.commit()
        assert connection.execute(text("SELECT count(*) FROM t")).scalar_one() == 2
    released.join()
    held.close()
    holder.dispose()
    writer.dispose()
