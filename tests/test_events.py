"""Events API: retries deduplicated, failures retried, 429 honoured, other workspaces refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from bot.models import ProcessedEvent
from bot.runtime import Database
from bot.sandbox.requests import JSON
from bot.sandbox.slack_standin import SlackStandin
from bot.services.events import STALE_AFTER, claim_event, due_retries, handle_once
from tests import slack_requests as sr
from tests.clock import advance_clock_to
from tests.db_faults import refusing_inserts
from tests.harness import Tandem
from tests.hiring_flow import run_jobs

HM = "U0HIRINGMGR"


def _home_opened(user: str = HM) -> dict[str, object]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": "home",
        "event_ts": "1700000000.000100",
    }


SLACK_RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


def test_retry_while_the_first_delivery_is_in_flight_has_one_effect(tandem: Tandem) -> None:
    """Slack retries when it did not see our answer within 3 s: the retry can arrive while
    the first delivery's work is still running (here Slack's own API is slow)."""
    tandem.standin.delay("views.publish", 1.0, times=1)
    body = sr.event_envelope(_home_opened(), event_id="Ev0SLOW")
    first = tandem.post_signed(body, JSON, wait=False)
    retry = tandem.post_signed(body, JSON, extra_headers=SLACK_RETRY)

    assert [first.status, retry.status] == [200, 200]
    publishes = tandem.standin.calls_to("views.publish")
    assert len(publishes) == 1
    assert publishes[0].params["user_id"] == HM
    assert publishes[0].params["view"]["type"] == "home"


def test_retry_after_the_answer_was_lost_has_one_effect(tandem: Tandem) -> None:
    """The first delivery was handled but Slack never saw the 200: one retry, one effect."""
    assert tandem.event(_home_opened(), event_id="Ev0HOME1").status == 200
    assert tandem.event(_home_opened(), event_id="Ev0HOME1", retry_num=1).status == 200
    assert len(tandem.standin.calls_to("views.publish")) == 1


def test_distinct_events_each_have_their_effect(tandem: Tandem) -> None:
    tandem.event(_home_opened(), event_id="Ev0A")
    tandem.event(_home_opened(), event_id="Ev0B")
    assert len(tandem.standin.calls_to("views.publish")) == 2


def test_delivery_that_failed_is_handled_again_by_the_retry_job(tandem: Tandem) -> None:
    """Slack saw a 200 and will not send it again: Tandem keeps the delivery and retries it.
    (The Home tab's work is a database write — its publish goes through the outbox — so the
    database is what fails here.)"""
    with refusing_inserts(tandem.database, "outbox"):
        assert tandem.event(_home_opened(), event_id="Ev0FLAKY").status == 200
    with tandem.database.sessions() as session:
        row = session.get(ProcessedEvent, "Ev0FLAKY")
        assert row is not None and row.completed_at is None and row.attempts == 1
        assert row.payload is not None and "injected fault" in (row.last_error or "")
        retry_at = row.retry_at
    assert retry_at is not None
    assert tandem.standin.calls_to("views.publish") == []
    run_jobs(tandem, retry_at - timedelta(seconds=1))
    assert tandem.standin.calls_to("views.publish") == []  # not yet
    run_jobs(tandem, retry_at)
    run_jobs(tandem, retry_at + timedelta(hours=1))
    assert len(tandem.standin.calls_to("views.publish")) == 1
    with tandem.database.sessions() as session:
        row = session.get(ProcessedEvent, "Ev0FLAKY")
        assert row is not None and row.completed_at is not None and row.payload is None


def test_an_event_that_keeps_failing_is_parked_after_four_attempts(tandem: Tandem) -> None:
    with refusing_inserts(tandem.database, "outbox"):
        tandem.event(_home_opened(), event_id="Ev0BROKEN")
        start = datetime.now(UTC)
        for minutes in (1, 6, 36, 600, 6000):
            run_jobs(tandem, start + timedelta(minutes=minutes, seconds=5))
    assert tandem.standin.calls_to("views.publish") == []
    with tandem.database.sessions() as session:
        row = session.get(ProcessedEvent, "Ev0BROKEN")
        assert row is not None and row.attempts == 4 and row.retry_at is None
        assert row.completed_at is None and "injected fault" in (row.last_error or "")


def test_rate_limited_call_is_retried_after_retry_after(tandem: Tandem) -> None:
    tandem.standin.fail("views.publish", status=429, retry_after=1)
    tandem.event(_home_opened(), event_id="Ev0RATE")

    calls = tandem.standin.calls_to("views.publish")
    assert len(calls) == 2
    assert calls[1].at - calls[0].at >= 1.0


def test_server_error_is_retried(tandem: Tandem) -> None:
    """The event is handled (its publish queued); the outbox retries the publish."""
    tandem.standin.fail("views.publish", status=503)
    tandem.event(_home_opened(), event_id="Ev0FIVEOHTHREE")
    assert len(tandem.standin.calls_to("views.publish")) == 1
    advance_clock_to(datetime.now(UTC) + timedelta(seconds=30))  # past the backoff
    tandem.deliver()
    assert len(tandem.standin.calls_to("views.publish")) == 2
    with tandem.database.sessions() as session:
        row = session.get(ProcessedEvent, "Ev0FIVEOHTHREE")
        assert row is not None and row.completed_at is not None


def test_messages_tab_opening_publishes_nothing(tandem: Tandem) -> None:
    event = {**_home_opened(), "tab": "messages"}
    assert tandem.event(event, event_id="Ev0MSGTAB").status == 200
    assert tandem.standin.calls_to("views.publish") == []


def test_request_from_another_workspace_is_refused_politely(tandem: Tandem) -> None:
    reply = tandem.command("/tandem", "help", user="U0STRANGER", team_id=sr.OTHER_TEAM_ID)
    assert reply.status == 200
    assert "another Slack workspace" in reply.json["text"]

    tandem.event(_home_opened("U0STRANGER"), event_id="Ev0FOREIGN", team_id=sr.OTHER_TEAM_ID)
    assert tandem.standin.calls_to("views.publish") == []


def test_url_verification_echoes_challenge(tandem: Tandem) -> None:
    body = json.dumps(
        {"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}
    )
    reply = tandem.post_signed(body, "application/json")
    assert reply.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV" in reply.body


def test_healthz_answers_when_database_is_up(tandem: Tandem) -> None:
    reply = tandem.request("/healthz")
    assert reply.status == 200
    assert reply.json == {
        "ok": True,
        "database": "ok",
        # The outbox's figures (tests/test_outbox.py and tests/test_healthz.py check them).
        "outbox": {"depth": 0, "oldest_pending_seconds": None, "parked": 0},
        "socket_mode": "not used",
        "outbox_depth": 0,
        "outbox_oldest_pending_seconds": None,
        "outbox_failed": 0,
    }


def test_abandoned_claim_is_taken_over_once_stale(db: Database) -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    kwargs = {"event_id": "Ev0CRASH", "team_id": sr.TEAM_ID, "event_type": "x"}
    assert claim_event(db.sessions, now=now, **kwargs)
    # The process died here: no completion, no release.
    assert not claim_event(db.sessions, now=now + timedelta(seconds=5), **kwargs)
    assert claim_event(db.sessions, now=now + STALE_AFTER + timedelta(seconds=1), **kwargs)


def test_handler_failure_is_kept_for_a_retry_and_claimed_once(db: Database) -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    delivery = {"event_id": "Ev0BOOM", "event": {"type": "x"}}

    def boom() -> None:
        raise RuntimeError("slack is down")

    def once(at: datetime, handler: Callable[[], object]) -> object:
        return handle_once(
            db.sessions,
            event_id="Ev0BOOM",
            team_id=None,
            event_type="x",
            now=at,
            handler=handler,
            payload=delivery,
        )

    with pytest.raises(RuntimeError):
        once(now, boom)
    ran: list[int] = []
    assert once(now + timedelta(seconds=30), lambda: ran.append(1)) is None  # Slack's retry
    assert ran == []
    assert due_retries(db.sessions, now=now + timedelta(seconds=59)) == []
    assert due_retries(db.sessions, now=now + timedelta(minutes=1)) == [delivery]
    once(now + timedelta(minutes=1), lambda: ran.append(1))
    once(now + timedelta(minutes=2), lambda: ran.append(2))
    assert ran == [1]
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


# -- OAuth (multi-workspace) -----------------------------------------------------------------


@pytest.fixture
def oauth_tandem(db: Database, standin: SlackStandin) -> Tandem:
    app = Tandem(
        db,
        standin,
        slack_bot_token=None,
        slack_client_id="1111.2222",
        slack_client_secret="client-secret",
    )
    yield app  # type: ignore[misc]
    app.close()


def _install(db: Database, team_id: str) -> None:
    when = datetime.now(UTC).replace(tzinfo=None)
    with db.engine.begin() as connection:
        for table, extra in (("slack_installations", ", user_id"), ("slack_bots", "")):
            columns = (
                "client_id, app_id, team_id, bot_token, bot_id, bot_user_id, "
                "is_enterprise_install, installed_at" + extra
            )
            values = ":client_id, :app_id, :team_id, :bot_token, :bot_id, :bot_user_id, false, :at"
            values += ", :user_id" if extra else ""
            connection.execute(
                text(f"INSERT INTO {table} ({columns}) VALUES ({values})"),
                {
                    "client_id": "1111.2222",
                    "app_id": sr.API_APP_ID,
                    "team_id": team_id,
                    "bot_token": f"xoxb-{team_id}",
                    "bot_id": "B0TANDEM",
                    "bot_user_id": "U0TANDEMBOT",
                    "at": when,
                    "user_id": "U0INSTALLER",
                },
            )


def _rows(db: Database, table: str, team_id: str) -> int:
    with db.engine.connect() as connection:
        return connection.execute(
            text(f"SELECT count(*) FROM {table} WHERE team_id = :t"), {"t": team_id}
        ).scalar_one()


def test_install_page_is_served(oauth_tandem: Tandem) -> None:
    reply = oauth_tandem.request("/slack/install")
    assert reply.status == 200
    assert "slack.com/oauth/v2/authorize" in reply.body
    assert "client_id=1111.2222" in reply.body
    with oauth_tandem.database.engine.connect() as connection:
        states = connection.execute(text("SELECT count(*) FROM slack_oauth_states")).scalar_one()
    assert states == 1


def test_installed_workspace_is_served_with_its_own_token(oauth_tandem: Tandem) -> None:
    _install(oauth_tandem.database, sr.TEAM_ID)
    oauth_tandem.event(_home_opened(), event_id="Ev0OAUTHHOME")
    call = oauth_tandem.standin.last("views.publish")
    assert call.headers["authorization"] == f"Bearer xoxb-{sr.TEAM_ID}"


@pytest.mark.parametrize("order", ["uninstalled-first", "revoked-first"])
def test_uninstall_deletes_that_workspaces_tokens(oauth_tandem: Tandem, order: str) -> None:
    db = oauth_tandem.database
    _install(db, sr.TEAM_ID)
    _install(db, "T0NEIGHBOUR")
    uninstalled = {"type": "app_uninstalled"}
    revoked = {
        "type": "tokens_revoked",
        "tokens": {"oauth": ["U0INSTALLER"], "bot": ["U0TANDEMBOT"]},
    }
    events = [uninstalled, revoked] if order == "uninstalled-first" else [revoked, uninstalled]
    for number, event in enumerate(events):
        assert oauth_tandem.event(event, event_id=f"Ev0GONE{number}").status == 200

    assert _rows(db, "slack_installations", sr.TEAM_ID) == 0
    assert _rows(db, "slack_bots", sr.TEAM_ID) == 0
    assert _rows(db, "slack_installations", "T0NEIGHBOUR") == 1
    assert _rows(db, "slack_bots", "T0NEIGHBOUR") == 1


def test_event_for_uninstalled_workspace_changes_nothing(oauth_tandem: Tandem) -> None:
    reply = oauth_tandem.event(_home_opened(), event_id="Ev0NOBODY", team_id="T0NOTINSTALLED")
    assert reply.status == 200
    assert oauth_tandem.standin.calls_to("views.publish") == []


def test_command_from_uninstalled_workspace_says_so(oauth_tandem: Tandem) -> None:
    reply = oauth_tandem.command("/tandem", "help", user="U0X", team_id="T0NOTINSTALLED")
    assert reply.status == 200
    said = oauth_tandem.standin.last("response_url").params["text"]
    assert "not installed in this workspace" in said
    assert oauth_tandem.standin.calls_to("views.publish") == []
