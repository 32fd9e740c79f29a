"""``GET /metrics`` (TANDEM_METRICS=1): requests and ack times by kind, Web API calls and
errors by method, jobs, messages sent and the outbox — read back in Prometheus' text format
after driving the app as Slack would."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from bot.metrics import Metrics
from bot.models import OutboxMessage, OutboxState
from bot.runtime import Database, job_context
from bot.sandbox.requests import JSON
from bot.sandbox.slack_standin import SlackStandin
from bot.scheduler.registry import all_jobs
from bot.scheduler.runner import run_all_once
from bot.slack.ids import Action
from tests import slack_requests as sr
from tests.harness import Tandem, make_settings
from tests.hiring_flow import press
from tests.kickoff_flow import ADMIN, HM, RECRUITER, Kickoff, add_people, only_role

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def metered(db: Database, standin: SlackStandin) -> Iterator[Tandem]:
    app = Tandem(db, standin, tandem_metrics=True)
    yield app
    app.close()
    assert app.block_kit_problems() == []


def scrape(tandem: Tandem) -> Samples:
    """``/metrics``, parsed: (sample name, labels) → value."""
    reply = tandem.request("/metrics", method="GET")
    assert reply.status == 200, reply.body
    return parse(reply.body)


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def by_label(samples: Samples, name: str, label: str) -> dict[str, float]:
    return {dict(key)[label]: v for (sample, key), v in samples.items() if sample == name}


def _home_opened(user: str) -> dict[str, str]:
    return {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}


def test_requests_calls_jobs_and_messages_are_counted(metered: Tandem) -> None:
    """A kickoff (a command, three modal steps), a button, an event and a scheduler tick:
    each request counted once under its kind with its ack time, every Web API call Slack got
    counted under its method, every job run, every message delivered counted by kind."""
    before = scrape(metered)
    add_people(metered.standin)
    Kickoff(metered).start().complete()
    role_id = only_role(metered).id
    press(metered, HM, Action.ADD_CANDIDATE, str(role_id))
    assert metered.event(_home_opened(RECRUITER)).status == 200
    metered.run_jobs()
    after = scrape(metered)

    requests = {"command": 1, "view_submission": 3, "block_actions": 1, "event": 1}
    for kind, count in requests.items():
        moved = value(after, "tandem_requests_total", kind=kind) - value(
            before, "tandem_requests_total", kind=kind
        )
        assert moved == count, kind
        assert value(after, "tandem_ack_seconds_count", kind=kind) == count, kind
        assert value(after, "tandem_ack_seconds_bucket", kind=kind, le="+Inf") == count
        # Every ack came in time (the histogram says how fast: at most Slack's 3 s).
        assert value(after, "tandem_ack_seconds_bucket", kind=kind, le="3.0") == count
    counted = by_label(after, "tandem_requests_total", "kind")
    assert counted == {kind: float(count) for kind, count in requests.items()}

    # Every Web API call the stand-in answered, counted under its method (nothing else).
    slack_got = Counter(c.method for c in metered.standin.calls if c.method != "response_url")
    assert by_label(after, "tandem_slack_api_calls_total", "method") == dict(slack_got)
    assert {"views.open", "chat.postMessage", "views.publish"} <= set(slack_got)
    assert by_label(after, "tandem_slack_api_errors_total", "method") == {}

    # One run of every job, none failed.
    jobs = {job.name: 1.0 for job in all_jobs()}
    assert by_label(after, "tandem_jobs_run_total", "job") == jobs
    assert by_label(after, "tandem_job_seconds_count", "job") == jobs
    assert by_label(after, "tandem_jobs_failed_total", "job") == {}

    # Messages sent: exactly the outbox rows delivered, by kind.
    with metered.database.sessions() as session:
        delivered = dict(
            session.execute(
                select(OutboxMessage.kind, func.count())
                .where(OutboxMessage.state == OutboxState.SENT)
                .group_by(OutboxMessage.kind)
            ).all()
        )
    assert delivered.get("home") == 1
    assert by_label(after, "tandem_messages_sent_total", "kind") == {
        kind: float(count) for kind, count in delivered.items()
    }


def test_web_api_errors_are_counted_by_method_and_error(metered: Tandem) -> None:
    """A Slack error answer, a 5xx and a dropped connection each count as a call and as an
    error of their method."""
    metered.standin.fail("views.publish", error="invalid_blocks")
    assert metered.event(_home_opened(RECRUITER)).status == 200  # parked: Slack refused it
    metered.standin.fail("views.publish", status=503)
    assert metered.event(_home_opened(HM)).status == 200  # waits for a retry
    metered.standin.drop("views.publish")
    assert metered.event(_home_opened(ADMIN)).status == 200  # the connection drops
    samples = scrape(metered)

    errors = {
        (dict(labels)["method"], dict(labels)["error"]): count
        for (name, labels), count in samples.items()
        if name == "tandem_slack_api_errors_total"
    }
    assert errors == {
        ("views.publish", "invalid_blocks"): 1,
        ("views.publish", "http_503"): 1,
        ("views.publish", "connection_error"): 1,
    }
    assert value(samples, "tandem_slack_api_calls_total", method="views.publish") == 3
    assert by_label(samples, "tandem_messages_sent_total", "kind") == {}
    # The parked row and the two waiting, read from the database at scrape time.
    assert value(samples, "tandem_outbox_failed") == 1
    assert value(samples, "tandem_outbox_depth") == 2
    assert value(samples, "tandem_database_up") == 1


def test_a_rate_limited_lookup_is_an_error_of_its_method(metered: Tandem) -> None:
    """users.info answered 429 while a kickoff checks its people: one call, one
    ``ratelimited`` error (a lookup during a request is never retried)."""
    add_people(metered.standin)
    kickoff = Kickoff(metered).start()
    metered.standin.fail("users.info", status=429, retry_after=6, times=20)
    kickoff.step({"hiring_manager": HM, "recruiter": RECRUITER})
    samples = scrape(metered)
    lookups = len(metered.standin.calls_to("users.info"))
    assert lookups >= 1
    assert value(samples, "tandem_slack_api_calls_total", method="users.info") == lookups
    assert (
        value(samples, "tandem_slack_api_errors_total", method="users.info", error="ratelimited")
        == lookups
    )


def test_outbox_depth_and_age_are_read_when_scraped(metered: Tandem) -> None:
    """A message queued and not yet sent shows as depth 1 and an age; once delivered, 0."""
    body = sr.event_envelope(_home_opened(RECRUITER), event_id="Ev0METRICS")
    assert metered.post_signed(body, JSON, wait=False).status == 200
    metered.executor.wait_idle()
    waiting = scrape(metered)
    assert value(waiting, "tandem_outbox_depth") == 1
    assert value(waiting, "tandem_outbox_oldest_pending_seconds") >= 0
    assert value(waiting, "tandem_outbox_failed") == 0
    assert ("tandem_outbox_oldest_pending_seconds", frozenset()) in waiting

    metered.deliver()
    sent = scrape(metered)
    assert value(sent, "tandem_outbox_depth") == 0
    assert value(sent, "tandem_outbox_oldest_pending_seconds") == 0
    assert value(sent, "tandem_messages_sent_total", kind="home") == 1


def test_metrics_are_off_unless_asked_for(tandem: Tandem) -> None:
    """Without TANDEM_METRICS there is no /metrics (and nothing is measured)."""
    assert tandem.request("/metrics", method="GET").status == 404
    assert tandem.metrics is None
    assert tandem.request("/healthz").status == 200


def test_two_apps_in_one_process_count_separately(
    metered: Tandem, db: Database, standin: SlackStandin
) -> None:
    """Each app owns its registry: another app's requests do not show in this one's."""
    other = Tandem(db, standin, tandem_metrics=True)
    try:
        assert other.event(_home_opened(HM)).status == 200
        assert value(scrape(other), "tandem_requests_total", kind="event") == 1
        assert value(scrape(metered), "tandem_requests_total", kind="event") == 0
    finally:
        other.close()


def test_a_failing_job_counts_as_run_and_failed(tmp_path: Path) -> None:
    """On a database without Tandem's tables every job raises: each is counted as run and
    as failed."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    settings = make_settings(url, "http://127.0.0.1:9/api/", tandem_metrics=True)
    empty = Database.open(settings, migrate=False)
    metrics = Metrics.from_settings(settings)
    assert metrics is not None
    try:
        run_all_once(job_context(settings, empty, metrics=metrics), datetime.now(UTC))
    finally:
        empty.engine.dispose()
    samples = parse(metrics.render().decode())
    jobs = {job.name: 1.0 for job in all_jobs()}
    assert by_label(samples, "tandem_jobs_run_total", "job") == jobs
    assert by_label(samples, "tandem_jobs_failed_total", "job") == jobs


def test_the_setting_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_METRICS", "1")
    assert make_settings("sqlite:///x.db", "http://x/").tandem_metrics is True
    monkeypatch.setenv("TANDEM_METRICS", "maybe")
    with pytest.raises(Exception, match="TANDEM_METRICS"):
        make_settings("sqlite:///x.db", "http://x/")


def test_a_retried_call_counts_each_attempt(metered: Tandem) -> None:
    """views.open answered 503 once: the client retries it, so two calls, one of them an
    ``http_503`` error, and the modal opens."""
    add_people(metered.standin)
    metered.standin.fail("views.open", status=503)
    Kickoff(metered).start()
    samples = scrape(metered)
    assert len(metered.standin.calls_to("views.open")) == 2
    assert value(samples, "tandem_slack_api_calls_total", method="views.open") == 2
    assert by_label(samples, "tandem_slack_api_errors_total", "error") == {"http_503": 1}
