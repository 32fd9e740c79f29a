"""APScheduler as a ticker: each job runs every few seconds and asks the database what is due.

The job store stays in memory (APScheduler must never share a job store between processes);
correctness under several schedulers comes from the claims in ``bot.scheduler.claims``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import utcnow
from bot.scheduler.context import JobContext
from bot.scheduler.registry import Job, all_jobs

logger = logging.getLogger(__name__)


def run_job(job: Job, ctx: JobContext, now: datetime | None = None) -> int:
    """Run one job at ``now`` (default: the clock), logging instead of raising."""
    when = now or utcnow()
    try:
        done = job.func(ctx, when)
    except Exception:
        logger.exception("job %s failed", job.name)
        return 0
    if done:
        logger.info("job %s did %d thing(s)", job.name, done)
    return done


def run_all_once(ctx: JobContext, now: datetime | None = None) -> dict[str, int]:
    """Every job once at ``now`` (``tandem jobs run-once``)."""
    when = now or utcnow()
    return {job.name: run_job(job, ctx, when) for job in all_jobs()}


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
