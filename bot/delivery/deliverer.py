"""The deliverer: the one loop that sends every outbox row to Slack.

One thread claims due rows (``bot.services.outbox_claims``) and hands each to a small worker
pool; a worker sends it (``bot.delivery.sender``) and settles the row in one transaction:

* sent → Slack's channel and ts are stored, rows waiting for it (updates, thread replies,
  pins) become due, the kind's ``on_sent`` hook runs;
* 429 → the workspace's gate for that method closes for ``Retry-After`` (in the database,
  so every deliverer waits), the row waits too, the attempt is not counted;
* 5xx, timeouts, connection errors → retried with exponential backoff and jitter, up to
  ``max_attempts``, then parked as failed;
* errors Slack will never accept → parked at once with the reason; when a person can fix
  it (Tandem not in the channel, an archived channel) the role's recruiter is told once
  (or the kind's ``on_parked`` hook tells them in its own words, e.g. the brief's DM with
  *Post brief again*).

Lanes (one per workspace and channel, or person for DMs) keep order: a lane's next row is
claimed only after the previous one is settled, so delivery is parallel across channels
and sequential within one. ``run_until_idle`` is the same loop run synchronously (``jobs
run-once``, tests); ``start``/``poke`` run it in the background of ``tandem run``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.outbox import FIXABLE, undeliverable_text
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.delivery.sender import Outcome, RateLimited, Refused, Retry, Sent, deliver
from bot.metrics import Metrics, observers
from bot.services import outbox as outbox_service
from bot.services import outbox_claims as claims
from bot.services import outbox_hooks  # noqa: F401  (every kind's hooks, in any process)
from bot.services.outbox_claims import Claimed

logger = logging.getLogger(__name__)

TokenResolver = Callable[[str, str | None], str | None]

WORKERS = 16
HTTP_TIMEOUT_SECONDS = 10.0
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=2)
BACKOFF_CAP = timedelta(minutes=5)
# A background deliverer looks for rows written by other processes this often.
POLL_SECONDS = 2.0
# ``run_until_idle`` waits for rows due this soon (a channel's next message, a short
# Retry-After) instead of returning; a backed-off retry is later than this.
LINGER = timedelta(seconds=1.5)
PROBLEM_DM_EVERY = timedelta(days=1)


def backoff(attempt: int) -> timedelta:
    """Exponential backoff with jitter: 2–3 s after the first failure, doubling, capped."""
    base = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempt - 1, 0))
    return base * (1 + random.random() / 2)


def make_delivery_client(
    base_url: str, token: str, timeout: float, metrics: Metrics | None = None
) -> WebClient:
    """A WebClient that never retries (the deliverer decides every retry itself); with
    ``metrics``, its calls are counted."""
    return WebClient(
        token=token, base_url=base_url, timeout=timeout, retry_handlers=observers(metrics)
    )


class Deliverer:
    """Sends outbox rows; safe to run any number of them in any number of processes."""

    def __init__(
        self,
        sessions: SessionFactory,
        tokens: TokenResolver,
        *,
        api_url: str,
        workers: int = WORKERS,
        timeout: float = HTTP_TIMEOUT_SECONDS,
        max_attempts: int = MAX_ATTEMPTS,
        poll_seconds: float = POLL_SECONDS,
        metrics: Metrics | None = None,
    ) -> None:
        self.sessions = sessions
        self.tokens = tokens
        self.api_url = api_url
        self.workers = workers
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.metrics = metrics
        self._clients: dict[str, WebClient] = {}
        self._clients_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # SQLite has one writer at a time and makes the others sleep and retry (its busy
        # handler backs off up to 100 ms); queueing this process's writers here instead
        # keeps them from convoying. PostgreSQL locks rows and needs no such thing.
        bind = sessions.kw.get("bind")
        self._writes: AbstractContextManager[object] = (
            threading.Lock()
            if bind is not None and bind.dialect.name == "sqlite"
            else nullcontext()
        )

    # -- running -----------------------------------------------------------------------

    def start(self) -> Deliverer:
        """Deliver in a background thread until :meth:`stop`."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run_forever, name="deliverer", daemon=True)
        self._thread.start()
        return self

    def poke(self) -> None:
        """Rows were committed: look now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop claiming, let the rows in flight settle, and return."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            self._thread = None

    def run_until_idle(self, *, max_seconds: float = 120.0) -> int:
        """Deliver in this thread until nothing is due within :data:`LINGER`; returns how many
        rows were sent."""
        return self._loop(idle_exit=True, deadline=time.monotonic() + max_seconds)

    def _run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                self._loop(idle_exit=False, deadline=None)
            except Exception:
                logger.exception("deliverer loop failed; restarting in %.0f s", self.poll_seconds)
                self._stop.wait(self.poll_seconds)

    def _loop(self, *, idle_exit: bool, deadline: float | None) -> int:
        delivered = 0
        inflight: dict[Future[bool], int] = {}
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="deliver")
        try:
            while not self._stop.is_set():
                self._wake.clear()
                for future in [f for f in inflight if f.done()]:
                    del inflight[future]
                    delivered += bool(future.result())
                if deadline is not None and time.monotonic() > deadline:
                    break
                if self._claim_into(pool, inflight):
                    continue
                now = utcnow()
                with self.sessions() as session:
                    upcoming = claims.next_due(session, now=now)
                if idle_exit and not inflight and (upcoming is None or upcoming - now > LINGER):
                    break
                wait = self.poll_seconds
                if upcoming is not None:
                    wait = min(wait, (upcoming - now).total_seconds())
                self._wake.wait(max(wait, 0.01))
        finally:
            pool.shutdown(wait=True)
            delivered += sum(bool(f.result()) for f in inflight if f.done())
        return delivered

    def _claim_into(self, pool: ThreadPoolExecutor, inflight: dict[Future[bool], int]) -> int:
        """Hand due rows to free workers; each worker claims its row itself, so claiming
        overlaps the other workers' calls to Slack."""
        free = self.workers - len(inflight)
        if free <= 0:
            return 0
        busy = set(inflight.values())
        with self.sessions() as session:
            candidates = claims.due_ids(session, now=utcnow(), limit=free + len(busy))
        started = 0
        for row_id in candidates:
            if started >= free:
                break
            if row_id in busy:
                continue
            future = pool.submit(self._claim_and_work, row_id)
            future.add_done_callback(lambda _f: self._wake.set())
            inflight[future] = row_id
            started += 1
        return started

    # -- one row -----------------------------------------------------------------------

    def _client(self, team_id: str, enterprise_id: str | None) -> WebClient | None:
        token = self.tokens(team_id, enterprise_id)
        if token is None:
            return None
        with self._clients_lock:
            if token not in self._clients:
                self._clients[token] = make_delivery_client(
                    self.api_url, token, self.timeout, self.metrics
                )
            return self._clients[token]

    def _claim_and_work(self, row_id: int) -> bool:
        try:
            with self._writes, self.sessions.begin() as session:
                claimed = claims.claim(session, row_id, now=utcnow())
        except Exception:
            logger.exception("outbox #%s: claim failed", row_id)
            return False
        return self._work(claimed) if claimed is not None else False

    def _rendered(self, claimed: Claimed) -> Claimed | Outcome:
        """The row with the arguments its kind builds at send time (a Home tab's view)."""
        hook = outbox_service.render_hook(claimed.kind)
        if hook is None:
            return claimed
        try:
            with self.sessions() as session:
                args = hook(session, claimed.team_id, dict(claimed.args))
        except Exception as exc:
            logger.exception("outbox #%s: building its %s failed", claimed.id, claimed.method)
            return Retry(f"render: {type(exc).__name__}: {exc}", in_doubt=False)
        return replace(claimed, args=args)

    def _work(self, claimed: Claimed) -> bool:
        try:
            client = self._client(claimed.team_id, claimed.enterprise_id)
            rendered = self._rendered(claimed)
            outcome: Outcome
            if client is None:
                outcome = Refused("workspace_not_installed")
            elif isinstance(rendered, Claimed):
                outcome = deliver(client, rendered)
            else:
                outcome = rendered
            if isinstance(outcome, Sent) and self.metrics is not None:
                self.metrics.message_sent(claimed.kind)
            with self._writes, self.sessions.begin() as session:
                return self._settle(session, claimed, outcome, utcnow())
        except Exception:
            # The claim stays; once stale it is taken over (in doubt) by any deliverer.
            logger.exception("outbox #%s: delivery failed unexpectedly", claimed.id)
            return False

    def _settle(self, session: Session, claimed: Claimed, outcome: Outcome, now: datetime) -> bool:
        if isinstance(outcome, Sent):
            return claims.mark_sent(
                session, claimed, channel=outcome.channel, ts=outcome.ts, now=now
            )
        if isinstance(outcome, RateLimited):
            logger.info(
                "outbox #%s: %s rate-limited for %.1f s",
                claimed.id,
                outcome.method,
                outcome.retry_after,
            )
            claims.rate_limited(
                session,
                claimed,
                method=outcome.method,
                until=now + timedelta(seconds=outcome.retry_after),
                in_doubt=outcome.in_doubt,
            )
            return False
        if isinstance(outcome, Retry):
            attempt = claimed.attempts + 1
            if attempt < self.max_attempts:
                logger.info(
                    "outbox #%s: attempt %d failed (%s)", claimed.id, attempt, outcome.error
                )
                claims.retry_later(
                    session,
                    claimed,
                    error=outcome.error,
                    in_doubt=outcome.in_doubt,
                    not_before=now + backoff(attempt),
                )
                return False
            error = f"gave up after {attempt} attempts: {outcome.error}"
        else:
            error = outcome.error
        logger.warning("outbox #%s (%s) parked: %s", claimed.id, claimed.kind, error)
        row = claims.park(session, claimed, error=error)
        if row is None or outbox_service.run_parked_hook(session, row):
            return False
        if isinstance(outcome, Refused):
            self._tell_recruiter(session, claimed, outcome.error, now)
        return False

    @staticmethod
    def _tell_recruiter(session: Session, claimed: Claimed, error: str, now: datetime) -> None:
        channel = str(claimed.args.get("channel") or "")
        if error not in FIXABLE or claimed.role_id is None or channel[:1] not in ("C", "G"):
            return
        contact = outbox_service.role_contact(session, claimed.role_id)
        if contact is None:
            return
        recruiter_id, title = contact
        outbox_service.enqueue_once(
            session,
            within=PROBLEM_DM_EVERY,
            key=f"delivery-problem:{claimed.role_id}:{channel}:{error}",
            now=now,
            team_id=claimed.team_id,
            enterprise_id=claimed.enterprise_id,
            kind="delivery-problem",
            method=outbox_service.POST,
            channel=recruiter_id,
            payload={
                "text": undeliverable_text(
                    role_title=title, channel=channel, error=error, outbox_id=claimed.id
                )
            },
        )
