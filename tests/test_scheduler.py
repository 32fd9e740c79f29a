"""The scheduler mechanism: registry, claims (exactly once under concurrency), run-once, list."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from bot.cli import main
from bot.models import ProcessedEvent
from bot.runtime import Database, job_context
from bot.scheduler.claims import claim_slot
from bot.scheduler.registry import all_jobs
from bot.scheduler.runner import JobsFailed, build_scheduler, run_all_once
from bot.services.events import KEEP_FOR
from tests.harness import make_settings

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def test_claim_slot_wins_once(db: Database) -> None:
    with db.sessions.begin() as session:
        assert claim_slot(session, job_name="weekly", slot="role-1:2026-W49", now=NOW)
    with db.sessions.begin() as session:
        assert not claim_slot(session, job_name="weekly", slot="role-1:2026-W49", now=NOW)
        assert claim_slot(session, job_name="weekly", slot="role-1:2026-W50", now=NOW)
        assert claim_slot(session, job_name="other", slot="role-1:2026-W49", now=NOW)


def test_concurrent_slot_claims_have_one_winner(db: Database) -> None:
    wins: list[bool] = []
    barrier = threading.Barrier(6)

    def contender() -> None:
        barrier.wait()
        with db.sessions.begin() as session:
            wins.append(claim_slot(session, job_name="race", slot="s", now=NOW))

    threads = [threading.Thread(target=contender) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(wins) == [False] * 5 + [True]


def test_run_once_runs_every_job_and_purges_old_event_ids(db: Database) -> None:
    with db.sessions.begin() as session:
        session.add(ProcessedEvent(event_id="EvOld", event_type="x", claimed_at=NOW - KEEP_FOR * 2))
        session.add(ProcessedEvent(event_id="EvNew", event_type="x", claimed_at=NOW))
    settings = make_settings(db.engine.url.render_as_string(hide_password=False), "http://x/")
    results = run_all_once(job_context(settings, db), NOW)

    assert sorted(results) == [
        "ask-quality-checks",
        "deliver-outbox",
        "post-checkins",
        "purge-oauth-states",
        "purge-processed-events",
        "purge-uninstalled",
        "purge-view-submissions",
        "remind-checkins",
        "retry-events",
        "reveal-feedback",
        "send-nudges",
        "send-weekly-digests",
        "summarize-retros",
    ]
    assert results["purge-processed-events"] == 1
    with db.sessions() as session:
        remaining = session.scalars(select(ProcessedEvent.event_id)).all()
    assert remaining == ["EvNew"]


def test_jobs_run_once_cli_under_frozen_time(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.sessions.begin() as session:
        session.add(ProcessedEvent(event_id="EvOld", event_type="x", claimed_at=NOW - KEEP_FOR))
    monkeypatch.setenv("DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")

    with freeze_time(NOW + timedelta(seconds=1)):
        assert main(["jobs", "run-once"]) == 0
    assert "purge-processed-events: 1" in capsys.readouterr().out
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


def test_jobs_list_names_every_job_with_its_trigger(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "list"]) == 0
    printed = capsys.readouterr().out
    for job in all_jobs():
        assert job.name in printed
        assert f" {job.every_seconds}s " in printed


def test_scheduler_holds_every_job_in_memory_with_safe_defaults(db: Database) -> None:
    settings = make_settings(db.engine.url.render_as_string(hide_password=False), "http://x/")
    scheduler = build_scheduler(job_context(settings, db))
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {job.name for job in all_jobs()}
        for job in jobs.values():
            assert job.coalesce is True
            assert job.max_instances == 1
            assert job.trigger.interval == timedelta(seconds=job.args[0].every_seconds)
    finally:
        scheduler.shutdown(wait=False)


def test_a_failing_job_is_reported_not_swallowed(tmp_path: Path) -> None:
    """On a database without Tandem's tables every job fails: a scheduler tick logs and goes
    on, ``raise_on_failure`` (the tests' ticks) raises, and ``jobs run-once`` exits 1."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    empty = Database.open(make_settings(url, "http://x/"), migrate=False)
    context = job_context(make_settings(url, "http://x/"), empty)
    assert set(run_all_once(context, NOW).values()) == {0}
    with pytest.raises(JobsFailed) as failed:
        run_all_once(context, NOW, raise_on_failure=True)
    assert "send-nudges" in failed.value.failures
    assert len(failed.value.failures) == len(all_jobs())
    empty.engine.dispose()
