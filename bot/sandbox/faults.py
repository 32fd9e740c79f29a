"""Faults the Slack stand-in can inject, per Web API method: an HTTP status or Slack error
(:meth:`~Faults.fail`), a slow answer (:meth:`~Faults.delay`), a dropped connection
(:meth:`~Faults.drop`), a call held open forever (:meth:`~Faults.hold`), or a hook run after
Slack acted and before it answers (:meth:`~Faults.on_answer`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    remaining: int = 1


@dataclass
class Interference:
    """A call to treat specially: ``kind`` is ``drop``, ``hold`` or ``hook``."""

    kind: str
    remaining: int
    process: bool = False  # drop/hold: act on the call first (Slack did it; the answer is lost)
    hook: Callable[[Any], None] | None = None
    channel: str | None = None  # only calls to this channel


class Faults:
    """Mixed into :class:`~bot.sandbox.slack_standin.SlackStandin`."""

    _lock: threading.RLock

    def _init_faults(self) -> None:
        self._failures: dict[str, list[Failure]] = {}
        self._delays: dict[str, tuple[float, int | None]] = {}
        self._interference: dict[str, list[Interference]] = {}

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (HTTP status or Slack error)."""
        if status == 200 and error is None:
            raise ValueError("give a status or an error")
        with self._lock:
            self._failures.setdefault(method, []).append(
                Failure(status, error, retry_after, remaining=times)
            )

    def heal(self, method: str) -> None:
        """Forget the failures still queued for ``method``: Slack is back."""
        with self._lock:
            self._failures.pop(method, None)

    def delay(self, method: str, seconds: float, *, times: int | None = None) -> None:
        """Answer ``method`` only after ``seconds`` (the next ``times`` calls, or all): a slow
        Slack, to test what happens while a call is in flight."""
        with self._lock:
            self._delays[method] = (seconds, times)

    def drop(
        self,
        method: str,
        *,
        times: int = 1,
        after_processing: bool = False,
        channel: str | None = None,
    ) -> None:
        """Close the connection of the next ``times`` calls (to ``channel``, if given) without
        answering; with ``after_processing`` Slack acts on the call first (the answer is
        what is lost)."""
        self._interfere(
            method, Interference("drop", times, process=after_processing, channel=channel)
        )

    def hold(self, method: str, *, times: int = 1, process: bool = False) -> None:
        """Accept the next ``times`` calls and never answer them (until :meth:`stop`); with
        ``process`` Slack has acted on the call."""
        self._interfere(method, Interference("hold", times, process=process))

    def on_answer(self, method: str, hook: Callable[[Any], None], *, times: int = 1) -> None:
        """Run ``hook(call)`` after Slack acted on the next ``times`` calls of ``method`` and
        before the answer is written (a test kills the calling process there)."""
        self._interfere(method, Interference("hook", times, hook=hook))

    def _interfere(self, method: str, interference: Interference) -> None:
        with self._lock:
            self._interference.setdefault(method, []).append(interference)

    def _take_interference(self, method: str, params: dict[str, Any]) -> Interference | None:
        queue = self._interference.get(method)
        if not queue:
            return None
        found = queue[0]
        if found.channel is not None and params.get("channel") != found.channel:
            return None
        found.remaining -= 1
        if found.remaining <= 0:
            queue.pop(0)
        return found

    def _take_delay(self, method: str) -> float:
        seconds, times = self._delays.get(method, (0.0, None))
        if times is not None:
            if times <= 1:
                self._delays.pop(method, None)
            else:
                self._delays[method] = (seconds, times - 1)
        return seconds

    def _take_failure(self, method: str) -> Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        return failure
