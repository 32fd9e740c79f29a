"""What ``/healthz`` reports: the database, the outbox and the Socket Mode connection.

The probe runs in its own daemon thread and is given :data:`PROBE_TIMEOUT_SECONDS`: a database
host that drops packets makes ``connect()`` hang far longer than a load balancer waits for its
health check, so an answer that does not come in time counts as unreachable. Requests arriving
while a probe runs share it (a struggling database gets one probe, not one per request).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.failures import one_line
from bot.services.outbox_admin import health

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 2.0

SocketState = Callable[[], bool]


def outbox_health(engine: Engine) -> dict[str, Any]:
    """``outbox_depth`` (pending rows), ``outbox_oldest_pending_seconds`` and
    ``outbox_failed``; empty if they cannot be read (health must still answer)."""
    try:
        figures = _outbox_figures(engine)
    except Exception as exc:
        logger.warning("outbox figures unavailable: %s", one_line(exc))
        return {}
    return {
        "outbox_depth": figures["depth"],
        "outbox_oldest_pending_seconds": figures["oldest_pending_seconds"],
        "outbox_failed": figures["parked"],
    }


def _outbox_figures(engine: Engine) -> dict[str, Any]:
    with Session(engine) as session:
        figures = health(session, now=utcnow())
    oldest = figures.oldest_pending_seconds
    return {
        "depth": figures.depth,
        "oldest_pending_seconds": round(oldest, 1) if oldest is not None else None,
        "parked": figures.failed,
    }


class HealthCheck:
    """``/healthz``'s report for one process: ``(http_status, body)`` from :meth:`report`.

    ``socket_connected`` is the Socket Mode connection's state hook (None when the process
    serves HTTP: ``"not used"``).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        socket_connected: SocketState | None = None,
        timeout: float = PROBE_TIMEOUT_SECONDS,
    ) -> None:
        self.engine = engine
        self.socket_connected = socket_connected
        self.timeout = timeout
        self._lock = threading.Lock()
        self._running: tuple[Future[None], dict[str, Any]] | None = None

    def report(self) -> tuple[int, dict[str, Any]]:
        found = self._probe()
        database_ok = found.get("database") == "ok"
        outbox = found.get("outbox", "unavailable")
        body: dict[str, Any] = {
            "ok": database_ok,
            "database": "ok" if database_ok else "unreachable",
            "outbox": outbox,
            "socket_mode": self._socket_state(),
        }
        if isinstance(outbox, dict):
            # The flat names /healthz had before the nested report (kept for monitors).
            body["outbox_depth"] = outbox["depth"]
            body["outbox_oldest_pending_seconds"] = outbox["oldest_pending_seconds"]
            body["outbox_failed"] = outbox["parked"]
        return (200 if database_ok else 503), body

    def _socket_state(self) -> str:
        if self.socket_connected is None:
            return "not used"
        try:
            return "connected" if self.socket_connected() else "disconnected"
        except Exception:
            return "disconnected"

    def _probe(self) -> dict[str, Any]:
        with self._lock:
            if self._running is None or self._running[0].done():
                future: Future[None] = Future()
                found: dict[str, Any] = {}
                thread = threading.Thread(
                    target=self._run_probe, args=(future, found), name="healthz", daemon=True
                )
                thread.start()
                self._running = (future, found)
            future, found = self._running
        try:
            future.result(timeout=self.timeout)
        except FutureTimeout:
            logger.warning("health probe got no answer within %.1f s", self.timeout)
        # What the probe learnt so far (a database that answered, an outbox that did not).
        return dict(found)

    def _run_probe(self, future: Future[None], found: dict[str, Any]) -> None:
        try:
            try:
                with self.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception as exc:
                logger.warning("health probe: the database is unreachable: %s", one_line(exc))
                found["database"] = "unreachable"
                return
            found["database"] = "ok"
            try:
                found["outbox"] = _outbox_figures(self.engine)
            except Exception as exc:
                logger.warning("health probe: outbox figures unavailable: %s", one_line(exc))
        finally:
            future.set_result(None)
