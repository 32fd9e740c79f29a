"""The job registry shared by the APScheduler runner and ``tandem jobs run-once``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.scheduler.context import JobContext

JobFunction = Callable[[JobContext, datetime], int]
Delivery = Literal["at-most-once", "at-least-once", "effectively-once", "idempotent"]


@dataclass(frozen=True)
class Job:
    """A named, periodic job. ``func(ctx, now)`` returns how many things it did."""

    name: str
    func: JobFunction
    every_seconds: int
    delivery: Delivery
    description: str
    # Jobs run in (order, name) order: delivery goes last, after the jobs that queue messages.
    order: int = 0


_JOBS: dict[str, Job] = {}


def job(
    name: str, *, every_seconds: int, delivery: Delivery, order: int = 0
) -> Callable[[JobFunction], JobFunction]:
    """Register ``func`` as job ``name`` (stable kebab-case; it appears in logs and claims)."""

    def register(func: JobFunction) -> JobFunction:
        if name in _JOBS:
            raise ValueError(f"job {name!r} is registered twice")
        description = _first_sentence(func.__doc__) or name
        _JOBS[name] = Job(name, func, every_seconds, delivery, description, order)
        return func

    return register


def _first_sentence(doc: str | None) -> str:
    """The docstring's first sentence on one line (``tandem jobs list`` shows it whole)."""
    paragraph = " ".join((doc or "").strip().split("\n\n")[0].split())
    end = paragraph.find(". ")
    return paragraph if end < 0 else paragraph[: end + 1]


def all_jobs() -> list[Job]:
    """Every registered job, in run order (importing the job modules registers them)."""
    import bot.scheduler.jobs  # noqa: F401  (registration happens on import)

    return sorted(_JOBS.values(), key=lambda j: (j.order, j.name))
