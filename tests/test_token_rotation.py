"""Token rotation for OAuth installs (the manifest's ``settings.token_rotation_enabled``).

Slack then issues bot tokens that expire after 12 hours with a single-use refresh token.
A token that expires within two hours is exchanged (``oauth.v2.access`` with
``grant_type=refresh_token``, answered by the stand-in) before it is used: for a request
(Bolt's authorize reads the installation store) and for the jobs and the outbox, which call
Slack for a workspace outside any request. The new pair is stored encrypted, and the old
token is not used again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import text

from bot.clock import utcnow
from bot.installation_store import EncryptedInstallationStore
from bot.runtime import Database
from bot.sandbox.slack_standin import Call, SlackStandin
from bot.services import outbox, token_keys
from bot.services.token_keys import TokenCipher
from tests import slack_requests as sr
from tests.harness import Tandem
from tests.test_token_encryption import (
    CLIENT_ID,
    HM,
    KEY_A,
    _home_opened,
    _oauth_app,
    dump,
    oauth_install,
)

TABLES = ("slack_installations", "slack_bots")


@pytest.fixture
def oauth_tandem(db: Database, standin: SlackStandin) -> Iterator[Tandem]:
    app = _oauth_app(db, standin)
    yield app
    app.close()


def expire_soon(db: Database, team_id: str, minutes: int = 10) -> None:
    """The install's bot token expires in ``minutes`` (Slack's tokens last 12 hours: this is
    the same install, 11h50 later)."""
    soon = (datetime.now(UTC) + timedelta(minutes=minutes)).replace(tzinfo=None)
    with db.engine.begin() as connection:
        for table in TABLES:
            connection.execute(
                text(f"UPDATE {table} SET bot_token_expires_at = :soon WHERE team_id = :t"),
                {"soon": soon, "t": team_id},
            )


def stored_tokens(db: Database, team_id: str, column: str = "bot_token") -> set[str]:
    """The workspace's stored ``column`` values, decrypted (each one checked encrypted)."""
    cipher = TokenCipher([KEY_A])
    found = set()
    with db.engine.connect() as connection:
        for table in TABLES:
            for value in connection.execute(
                text(f"SELECT {column} FROM {table} WHERE team_id = :t"), {"t": team_id}
            ).scalars():
                assert value.startswith(token_keys.FERNET_PREFIX), (table, column)
                found.add(cipher.decrypt(value))
    return found


def bearer(call: Call) -> str:
    return call.headers.get("authorization", "").removeprefix("Bearer ")


def test_a_request_with_an_expiring_token_rotates_it_once_and_uses_the_new_one(
    oauth_tandem: Tandem,
) -> None:
    standin = oauth_tandem.standin
    old = oauth_install(oauth_tandem, sr.TEAM_ID)
    expire_soon(oauth_tandem.database, sr.TEAM_ID)
    before = len(standin.calls)

    oauth_tandem.event(_home_opened(), event_id="Ev0ROTATE1")

    refreshes = standin.calls_to("oauth.v2.access")[-1:]
    assert len(standin.rotations) == 1
    assert refreshes[0].params["grant_type"] == "refresh_token"
    assert refreshes[0].params["refresh_token"] == old["bot_refresh"]
    new_token = standin.rotations[0]["access_token"]
    new_refresh = standin.rotations[0]["refresh_token"]
    # Stored (encrypted) in the installation and the bot row alike, nothing else kept.
    assert stored_tokens(oauth_tandem.database, sr.TEAM_ID) == {new_token}
    assert stored_tokens(oauth_tandem.database, sr.TEAM_ID, "bot_refresh_token") == {new_refresh}
    everything = dump(oauth_tandem.database)
    assert new_token not in everything and new_refresh not in everything
    # Bolt's auth.test and the listener's views.publish went out with the new token.
    after = [c for c in standin.calls_since(before) if c.method != "oauth.v2.access"]
    assert {c.method for c in after} >= {"auth.test", "views.publish"}
    assert {bearer(c) for c in after} == {new_token}

    # Slack no longer takes the old token; the next request does not rotate again.
    standin.expired_tokens.add(old["bot"])
    mark = len(standin.calls)
    oauth_tandem.event(_home_opened(), event_id="Ev0ROTATE2")
    assert len(standin.rotations) == 1
    later = standin.calls_since(mark)
    assert "views.publish" in [c.method for c in later]
    assert {bearer(c) for c in later} == {new_token}
    assert all(c.response is None or c.response.get("ok") for c in later)


def _queue_dm(db: Database, team_id: str, text_: str) -> None:
    with db.sessions.begin() as session:
        outbox.enqueue(
            session,
            team_id=team_id,
            kind="test-dm",
            method="chat.postMessage",
            channel=HM,
            payload={"text": text_},
            now=utcnow(),
        )


def test_the_outbox_rotates_an_expiring_token_before_sending(oauth_tandem: Tandem) -> None:
    """No request comes: the outbox (as the scheduler's jobs, through the same
    ``JobContext.token_for``) must not send with a token about to expire."""
    standin = oauth_tandem.standin
    old = oauth_install(oauth_tandem, sr.TEAM_ID)
    expire_soon(oauth_tandem.database, sr.TEAM_ID)
    _queue_dm(oauth_tandem.database, sr.TEAM_ID, "first, after rotation")

    assert oauth_tandem.deliver() == 1

    assert len(standin.rotations) == 1
    new_token = standin.rotations[0]["access_token"]
    assert bearer(standin.last("chat.postMessage")) == new_token
    assert stored_tokens(oauth_tandem.database, sr.TEAM_ID) == {new_token}

    standin.expired_tokens.add(old["bot"])
    _queue_dm(oauth_tandem.database, sr.TEAM_ID, "second, with the stored new token")
    assert oauth_tandem.deliver() == 1
    assert len(standin.rotations) == 1
    posted = standin.last("chat.postMessage")
    assert bearer(posted) == new_token and posted.response and posted.response["ok"]


def test_concurrent_readers_spend_the_single_use_refresh_token_once(
    oauth_tandem: Tandem,
) -> None:
    """The deliverer's workers read the token in parallel: one exchange, one new token."""
    oauth_install(oauth_tandem, sr.TEAM_ID)
    expire_soon(oauth_tandem.database, sr.TEAM_ID)
    context = oauth_tandem.job_context()

    with ThreadPoolExecutor(max_workers=8) as pool:
        tokens = set(pool.map(lambda _: context.token_for(sr.TEAM_ID), range(16)))

    assert len(oauth_tandem.standin.rotations) == 1
    assert tokens == {oauth_tandem.standin.rotations[0]["access_token"]}


def test_a_token_far_from_expiry_is_not_rotated(oauth_tandem: Tandem) -> None:
    secrets = oauth_install(oauth_tandem, sr.TEAM_ID)  # 12 hours left
    assert oauth_tandem.job_context().token_for(sr.TEAM_ID) == secrets["bot"]
    oauth_tandem.event(_home_opened(), event_id="Ev0NOROTATE")
    assert oauth_tandem.standin.rotations == []
    assert bearer(oauth_tandem.standin.last("views.publish")) == secrets["bot"]


def test_a_refused_refresh_keeps_the_current_token_and_says_so_in_one_line(
    oauth_tandem: Tandem, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack refuses the refresh token (spent elsewhere, or the app's rotation was turned
    off): the token still valid serves until it expires, and the operator is told."""
    secrets = oauth_install(oauth_tandem, sr.TEAM_ID)
    expire_soon(oauth_tandem.database, sr.TEAM_ID)
    oauth_tandem.standin.spent_refresh_tokens.add(secrets["bot_refresh"])
    caplog.set_level(logging.INFO)

    assert oauth_tandem.job_context().token_for(sr.TEAM_ID) == secrets["bot"]

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None
    assert "invalid_refresh_token" in errors[0].getMessage()
    assert "reinstall" in errors[0].getMessage()
    assert stored_tokens(oauth_tandem.database, sr.TEAM_ID) == {secrets["bot"]}


def test_an_older_install_by_the_person_asking_does_not_bring_back_its_spent_token(
    oauth_tandem: Tandem,
) -> None:
    """The hiring manager installed Tandem once, an admin reinstalled it since: Bolt also
    reads the manager's own (older) installation, whose bot token expired and whose refresh
    token was spent. The workspace has one bot token, the latest (slack_sdk's store gives
    a person's installation the latest bot token): nothing is refused, nothing rotated."""
    fresh = oauth_install(oauth_tandem, sr.TEAM_ID)
    store = oauth_tandem.job_context().installation_store
    assert store is not None
    now = datetime.now(UTC)
    store.save(
        Installation(
            app_id=sr.API_APP_ID,
            team_id=sr.TEAM_ID,
            user_id=HM,
            bot_token="xoxe.xoxb-1-long-expired",
            bot_refresh_token="xoxe-1-spent-long-ago",
            bot_token_expires_at=int((now - timedelta(days=1)).timestamp()),
            bot_id="B0TANDEM",
            bot_user_id="U0TANDEMBOT",
            installed_at=(now - timedelta(days=2)).timestamp(),
        )
    )
    oauth_tandem.standin.spent_refresh_tokens.add("xoxe-1-spent-long-ago")

    oauth_tandem.event(_home_opened(), event_id="Ev0OLDINSTALL")

    assert oauth_tandem.standin.rotations == []
    assert bearer(oauth_tandem.standin.last("views.publish")) == fresh["bot"]


def test_a_refresh_token_spent_by_another_process_uses_the_token_it_stored(
    oauth_tandem: Tandem, caplog: pytest.LogCaptureFixture
) -> None:
    """``tandem scheduler`` beside ``tandem run``: the other process exchanged the refresh
    token a moment earlier and stored its new token; this one is refused and uses that."""
    secrets = oauth_install(oauth_tandem, sr.TEAM_ID)
    expire_soon(oauth_tandem.database, sr.TEAM_ID)
    other = EncryptedInstallationStore(
        client_id=CLIENT_ID, engine=oauth_tandem.database.engine, cipher=TokenCipher([KEY_A])
    )

    def the_other_process_was_first(call: Call) -> None:
        installation = other.find_installation(enterprise_id=None, team_id=sr.TEAM_ID)
        assert installation is not None
        installation.bot_token = "xoxe.xoxb-1-by-the-other-process"
        installation.bot_refresh_token = "xoxe-1-by-the-other-process"
        installation.bot_token_expires_at = int(datetime.now(UTC).timestamp()) + 43200
        other.save(installation)
        assert call.response is not None
        call.response.clear()
        call.response.update({"ok": False, "error": "invalid_refresh_token"})

    oauth_tandem.standin.on_answer("oauth.v2.access", the_other_process_was_first)
    caplog.set_level(logging.INFO)

    assert oauth_tandem.job_context().token_for(sr.TEAM_ID) == "xoxe.xoxb-1-by-the-other-process"
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert "rotated by another process" in caplog.text
    assert secrets["bot"] not in stored_tokens(oauth_tandem.database, sr.TEAM_ID)
