"""Prometheus metrics, served at ``GET /metrics`` when ``TANDEM_METRICS=1``.

What is measured, and where:

* requests from Slack and how long each took to be acked, by kind (``command``,
  ``block_actions``, ``view_submission``, ``event``, ``options`` …): around the Bolt app's
  ``dispatch``, which returns as soon as the listener acks — over HTTP and Socket Mode alike;
* Web API calls and errors, by method: :class:`CallObserver`, put first among a WebClient's
  retry handlers, since slack_sdk shows every attempt's outcome to them (Bolt's per-request
  clients copy the list, so listener calls are counted too);
* jobs run and failed, and how long they took, by job (``bot.scheduler.runner``);
* messages sent, by outbox kind (``bot.delivery.deliverer``);
* the outbox's depth, oldest pending row and parked rows, the database and the Socket Mode
  connection: read at scrape time through the ``/healthz`` probe (one bounded, timed-out probe
  shared with health checks, so a slow database cannot hang a scrape).

Each running app owns one :class:`Metrics` and its own :class:`CollectorRegistry` (never
prometheus_client's global one): two apps in one process, as in the tests, count separately.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

if TYPE_CHECKING:
    from bot.config import Settings

logger = logging.getLogger(__name__)

__all__ = ["CONTENT_TYPE_LATEST", "CallObserver", "Metrics", "observers", "request_kind"]

# Slack wants an ack within 3 s: the buckets are finest below that.
ACK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)

# Labels come from what Slack sends and answers; anything not shaped like Slack's names is
# counted as "other", so a strange request cannot grow the number of series without bound.
_METHOD = re.compile(r"[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+){1,3}")
_ERROR = re.compile(r"[a-z][a-z0-9_]{0,63}")
_INTERACTIVE_KINDS = ("block_actions", "view_submission", "view_closed", "shortcut")

# The figures /healthz reports (``HealthCheck.report``'s body), read at scrape time.
HealthReader = Callable[[], dict[str, Any]]


def request_kind(body: Any) -> str:
    """The kind of a request from Slack, for the ``kind`` label."""
    if not isinstance(body, dict):
        return "other"
    if body.get("command"):
        return "command"
    kind = body.get("type")
    if kind == "event_callback":
        return "event"
    if kind == "block_suggestion":
        return "options"
    if kind == "message_action":
        return "shortcut"
    if kind in _INTERACTIVE_KINDS or kind == "url_verification":
        return str(kind)
    return "other"


class Metrics:
    """One app's metrics and the registry ``/metrics`` renders."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter(
            "tandem_requests",
            "Requests from Slack (HTTP or Socket Mode), by kind",
            ["kind"],
            registry=registry,
        )
        self.ack_seconds = Histogram(
            "tandem_ack_seconds",
            "Seconds from a request's arrival to its ack, by kind (Slack waits 3 s)",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=registry,
        )
        self.api_calls = Counter(
            "tandem_slack_api_calls",
            "Web API calls (each attempt, retries included), by method",
            ["method"],
            registry=registry,
        )
        self.api_errors = Counter(
            "tandem_slack_api_errors",
            "Web API calls that failed, by method and error (Slack's error code, "
            "ratelimited, http_<status>, timeout or connection_error)",
            ["method", "error"],
            registry=registry,
        )
        self.jobs_run = Counter(
            "tandem_jobs_run", "Scheduled job runs, by job", ["job"], registry=registry
        )
        self.jobs_failed = Counter(
            "tandem_jobs_failed",
            "Scheduled job runs that raised, by job",
            ["job"],
            registry=registry,
        )
        self.job_seconds = Histogram(
            "tandem_job_seconds",
            "Seconds one run of a job took, by job",
            ["job"],
            buckets=JOB_BUCKETS,
            registry=registry,
        )
        self.messages_sent = Counter(
            "tandem_messages_sent",
            "Outbox rows Slack accepted (messages, updates, pins, Home tabs), by kind",
            ["kind"],
            registry=registry,
        )
        self._state = _StateCollector()
        registry.register(self._state)

    @classmethod
    def from_settings(cls, settings: Settings) -> Metrics | None:
        """A fresh set when ``TANDEM_METRICS`` is on, else None (nothing is measured)."""
        return cls() if settings.tandem_metrics else None

    # -- recording -----------------------------------------------------------------------

    @contextmanager
    def timing_request(self, body: Any) -> Iterator[None]:
        """Count the request and time the block (its dispatch, up to the ack)."""
        kind = request_kind(body)
        started = time.monotonic()
        try:
            yield
        finally:
            # A test's frozen clock can move backwards between two readings.
            elapsed = max(0.0, time.monotonic() - started)
            self.requests.labels(kind).inc()
            self.ack_seconds.labels(kind).observe(elapsed)

    def slack_call(self, method: str, error: str | None) -> None:
        method = method if _METHOD.fullmatch(method) else "other"
        self.api_calls.labels(method).inc()
        if error is not None:
            self.api_errors.labels(method, error if _ERROR.fullmatch(error) else "other").inc()

    def job_ran(self, job: str, seconds: float, *, failed: bool) -> None:
        self.jobs_run.labels(job).inc()
        self.job_seconds.labels(job).observe(max(0.0, seconds))
        if failed:
            self.jobs_failed.labels(job).inc()

    def message_sent(self, kind: str) -> None:
        self.messages_sent.labels(kind).inc()

    def read_health_with(self, reader: HealthReader) -> None:
        """Where the outbox, database and socket gauges come from at scrape time."""
        self._state.reader = reader

    # -- serving -------------------------------------------------------------------------

    def render(self) -> bytes:
        """The Prometheus text exposition of everything above."""
        return generate_latest(self.registry)


class _StateCollector(Collector):
    """Gauges read when scraped: the database, the outbox and the Socket Mode connection."""

    NAMES = (
        ("tandem_database_up", "1 when the database answered the probe"),
        ("tandem_outbox_depth", "Outbox rows waiting to be sent"),
        ("tandem_outbox_oldest_pending_seconds", "Age of the oldest waiting row (0: none)"),
        ("tandem_outbox_failed", "Outbox rows parked as failed (see tandem outbox list)"),
        ("tandem_socket_mode_connected", "1 while the Socket Mode connection is up"),
    )

    def __init__(self) -> None:
        self.reader: HealthReader | None = None

    def describe(self) -> Iterable[Metric]:
        # Without this the registry would collect (probe the database) on registration.
        return [GaugeMetricFamily(name, text) for name, text in self.NAMES]

    def collect(self) -> Iterable[Metric]:
        if self.reader is None:
            return []
        try:
            report = self.reader()
        except Exception as exc:  # a scrape still gets the counters
            logger.warning("metrics: the health figures are unavailable: %s", exc)
            return []
        texts = dict(self.NAMES)
        found = [
            GaugeMetricFamily(
                "tandem_database_up",
                texts["tandem_database_up"],
                value=1 if report.get("database") == "ok" else 0,
            )
        ]
        outbox = report.get("outbox")
        if isinstance(outbox, dict):
            for name, value in (
                ("tandem_outbox_depth", outbox.get("depth")),
                ("tandem_outbox_oldest_pending_seconds", outbox.get("oldest_pending_seconds")),
                ("tandem_outbox_failed", outbox.get("parked")),
            ):
                found.append(GaugeMetricFamily(name, texts[name], value=value or 0))
        socket = report.get("socket_mode")
        if socket in ("connected", "disconnected"):
            name = "tandem_socket_mode_connected"
            found.append(GaugeMetricFamily(name, texts[name], value=int(socket == "connected")))
        return found


class CallObserver(RetryHandler):
    """Counts every Web API attempt and its outcome; never asks for a retry.

    slack_sdk offers each attempt's answer (or error) to the client's retry handlers in turn
    until one wants a retry; first in the list, this one sees them all.
    """

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(max_retry_count=0)
        self.metrics = metrics

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        self.metrics.slack_call(_method_of(request.url), _error_of(response, error))
        return False


def _method_of(url: str) -> str:
    """``https://slack.com/api/chat.postMessage?x=1`` → ``chat.postMessage``."""
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _error_of(response: HttpResponse | None, error: Exception | None) -> str | None:
    if response is None:
        # urllib wraps a timed-out connect in a URLError whose reason is the timeout.
        timed_out = isinstance(error, TimeoutError) or isinstance(
            getattr(error, "reason", None), TimeoutError
        )
        return "timeout" if timed_out else "connection_error"
    if response.status_code == 429:
        return "ratelimited"
    if response.status_code != 200:
        return f"http_{response.status_code}"
    body = response.body if isinstance(response.body, dict) else {}
    if body.get("ok") is False:
        return str(body.get("error") or "unknown")
    return None


def observers(metrics: Metrics | None) -> list[RetryHandler]:
    """The retry handlers that measure a WebClient's calls (none with metrics off); they go
    before the client's real retry handlers."""
    return [CallObserver(metrics)] if metrics is not None else []
