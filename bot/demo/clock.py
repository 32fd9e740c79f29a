"""Simulated time for the demo: the process clock, moved forward with freezegun.

Tandem reads the time in one place (``bot.clock.utcnow``) and Bolt checks request signatures
against ``time.time()``. Moving the process clock — not passing dates around — makes every
part agree: signatures, due times, "today" in each time zone, and the jobs run at each
simulated moment. ``tick=True`` keeps the clock running between moves, so threads waiting on
timeouts and the HTTP servers behave normally.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from bot.clock import utcnow

START_ZONE = "America/New_York"
# The first step happens at 09:00 in New York; the clock starts earlier because it ticks
# while the app starts up (a second or two), and time only moves forward.
START_TIME = time(8, 50)


def story_start(today: date) -> datetime:
    """The Monday after ``today``, 08:50 in New York: a working week ahead of the story, and
    ten minutes before its first step."""
    days = 7 - today.weekday()  # a Monday is followed by the next one, not itself
    monday = today + timedelta(days=days)
    return datetime.combine(monday, START_TIME, tzinfo=ZoneInfo(START_ZONE)).astimezone(UTC)


class SimulatedClock:
    """The process clock, frozen at ``start`` and moved forward only.

    Use as a context manager; the real clock is back when it exits.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self.start = start
        self._freezer: Any = None
        self._factory: Any = None

    def __enter__(self) -> SimulatedClock:
        self._freezer = freeze_time(self.start, tick=True)
        self._factory = self._freezer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._freezer is not None:
            self._freezer.stop()
            self._freezer = self._factory = None

    def now(self) -> datetime:
        """The simulated time (what the app sees)."""
        return utcnow()

    def move_to(self, when: datetime) -> None:
        """Jump forward to ``when``; time then keeps running from there."""
        if self._factory is None:
            raise RuntimeError("the simulated clock is not running")
        if when.tzinfo is None:
            raise ValueError("when must be timezone-aware")
        if when < self.now() - timedelta(seconds=30):
            raise ValueError(f"time only moves forward: {when} is before {self.now()}")
        if when > self.now():
            self._factory.move_to(when.astimezone(UTC))
