"""APScheduler as a ticker: each job runs every few seconds and asks the database what is due.

The job store stays in memory (APScheduler must never share a job store between processes);
correctness under several schedulers comes from the claims in ``bot.scheduler.claims``.
"""

from __future__ import annotations

import logging
import secrets
import time
from contextlib import AbstractContextManager
from datetime import datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot import logs
from bot.clock import utcnow
from bot.scheduler.context import JobContext
from bot.scheduler.registry import Job, all_jobs

logger = logging.getLogger(__name__)


class JobsFailed(Exception):
    """One or more jobs of a run raised; the others still ran."""

    def __init__(self, failures: dict[str, Exception]):
        self.failures = failures
        super().__init__("; ".join(f"job {name} failed: {exc!r}" for name, exc in failures.items()))


def _tagged(job: Job) -> AbstractContextManager[None]:
    """Every line one run logs (the job's own, its failure, what it calls) names the job
    and the run."""
    return logs.bound(job=job.name, job_id=f"{job.name}-{secrets.token_hex(4)}")


def _run(job: Job, ctx: JobContext, when: datetime) -> int:
    started, failed = time.monotonic(), True
    try:
        done = job.func(ctx, when)
        failed = False
    finally:
        if ctx.metrics is not None:
            ctx.metrics.job_ran(job.name, time.monotonic() - started, failed=failed)
    if done:
        logger.info("job %s did %d thing(s)", job.name, done)
    return done


def run_job(job: Job, ctx: JobContext, now: datetime | None = None) -> int:
    """Run one job at ``now`` (default: the clock), logging instead of raising: a scheduler
    tick must survive one job's failure and try again on the next tick."""
    with _tagged(job):
        try:
            return _run(job, ctx, now or utcnow())
        except Exception:
            logger.exception("job %s failed", job.name)
            return 0


def run_all_once(
    ctx: JobContext, now: datetime | None = None, *, raise_on_failure: bool = False
) -> dict[str, int]:
    """Every job once at ``now`` (``tandem jobs run-once``). A failing job is logged and the
    others still run; with ``raise_on_failure`` the run then raises :class:`JobsFailed`
    (the first failure chained), so a caller can tell a failed run from an idle one."""
    when = now or utcnow()
    results: dict[str, int] = {}
    failures: dict[str, Exception] = {}
    for job in all_jobs():
        with _tagged(job):
            try:
                results[job.name] = _run(job, ctx, when)
            except Exception as exc:
                logger.exception("job %s failed", job.name)
                results[job.name] = 0
                failures[job.name] = exc
    if failures and raise_on_failure:
        raise JobsFailed(failures) from next(iter(failures.values()))
    return results


def build_scheduler(ctx: JobContext) -> BackgroundScheduler:
    """A BackgroundScheduler with every job on an interval trigger (not started)."""
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        timezone="UTC",
    )
    for job in all_jobs():
        scheduler.add_job(
            run_job,
            IntervalTrigger(seconds=job.every_seconds),
            args=[job, ctx],
            id=job.name,
            name=job.name,
            replace_existing=True,
        )
    return scheduler
