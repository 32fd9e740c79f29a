"""Slack tokens are encrypted at rest (TANDEM_ENCRYPTION_KEYS), rotate, and never reach a log.

Installs go through the real OAuth path: ``GET /slack/install`` (state cookie), Slack's
redirect to ``/slack/oauth_redirect`` with a code, ``oauth.v2.access`` answered by the
stand-in, Bolt storing the installation through Tandem's store.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import inspect, text

from bot.app import create_app, make_installation_store
from bot.cli import main
from bot.config import ConfigError
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from bot.services import token_keys
from bot.services.token_keys import TokenCipher, UndecryptableToken
from tests import slack_requests as sr
from tests.harness import Tandem, make_settings

KEY_A = "YdPmStfMOypFzOiqNFgOeoRlTGsQaGK4_bEHNtZUOOk="  # the harness's key
KEY_B = "aSU1wPT8Ie8dcpW-4xpDl41bNcwqnZRAeC8Ttv2V7i8="
KEY_WRONG = "4vnpHe1cK2oKEpqPSE3GqpyzbbEUdnzZA8j5A7fKyp8="
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "client-secret-7f3a9c0e5b1d"
HM = "U0HIRINGMGR"


def _tokens(team_id: str) -> dict[str, str]:
    """Slack-shaped secrets for one workspace (a rotating refresh token is long)."""
    tail = team_id.lower()
    return {
        "bot": f"xoxb-1234567890123-4567890123456-{tail}BotTokenSecret0",
        "bot_refresh": "xoxe-1-" + f"{tail}BotRefresh".ljust(140, "r"),
        "user": f"xoxp-1234567890123-4567890123456-7890123456789-{tail}UserSecret",
        "user_refresh": "xoxe-1-" + f"{tail}UserRefresh".ljust(140, "u"),
    }


def oauth_install(app: Tandem, team_id: str) -> dict[str, str]:
    """Install Tandem in ``team_id`` the way a workspace admin does; returns its secrets."""
    secrets = _tokens(team_id)
    browser = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with browser.open(app.url + "/slack/install") as page:
        found = re.search(r"state=([^&\"'\s]+)", page.read().decode())
        # Bolt's state cookie is Secure; a browser would send it back over https.
        cookie = str(page.headers["Set-Cookie"]).split(";", 1)[0]
    assert found is not None, "the install page links to Slack with a state"

    def answer(call: Any) -> None:
        call.response.update(
            {
                "app_id": sr.API_APP_ID,
                "access_token": secrets["bot"],
                "token_type": "bot",
                "scope": "commands,chat:write",
                "bot_user_id": "U0TANDEMBOT",
                "refresh_token": secrets["bot_refresh"],
                "expires_in": 43200,
                "team": {"id": team_id, "name": f"Team {team_id}"},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {
                    "id": "U0INSTALLER",
                    "scope": "users:read",
                    "access_token": secrets["user"],
                    "refresh_token": secrets["user_refresh"],
                    "expires_in": 43200,
                    "token_type": "user",
                },
            }
        )

    app.standin.on_answer("oauth.v2.access", answer)
    query = urllib.parse.urlencode({"code": f"code-{team_id}", "state": found.group(1)})
    callback = urllib.request.Request(
        f"{app.url}/slack/oauth_redirect?{query}", headers={"Cookie": cookie}
    )
    with browser.open(callback) as finished:
        assert finished.status == 200
        assert "error" not in finished.read().decode().lower()
    return secrets


def dump(database: Database) -> str:
    """Every column of every table, as text: what a stolen backup shows."""
    lines = []
    with database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                lines.append(f"{table}: " + " | ".join(str(value) for value in row))
    return "\n".join(lines)


def _oauth_app(db: Database, standin: SlackStandin, keys: str = KEY_A) -> Tandem:
    return Tandem(
        db,
        standin,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        tandem_encryption_keys=keys,
    )


@pytest.fixture
def oauth_tandem(db: Database, standin: SlackStandin) -> Iterator[Tandem]:
    app = _oauth_app(db, standin)
    yield app
    app.close()


def _home_opened() -> dict[str, object]:
    return {"type": "app_home_opened", "user": HM, "channel": "D0HOME", "tab": "home"}


def _stored(db: Database, table: str, column: str, team_id: str) -> list[str]:
    with db.engine.connect() as connection:
        return list(
            connection.execute(
                text(f"SELECT {column} FROM {table} WHERE team_id = :t ORDER BY id"),
                {"t": team_id},
            ).scalars()
        )


def _rotate(db: Database, keys: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """``tandem keys rotate`` as an operator runs it."""
    monkeypatch.setenv("DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("TANDEM_ENCRYPTION_KEYS", keys)
    return main(["keys", "rotate"])


def _insert_plaintext(db: Database, team_id: str, token: str) -> None:
    """A row as slack_sdk stored it before Tandem encrypted tokens."""
    with db.engine.begin() as connection:
        for table, extra in (("slack_installations", ", user_id"), ("slack_bots", "")):
            connection.execute(
                text(
                    f"INSERT INTO {table} (client_id, app_id, team_id, bot_token, bot_id, "
                    f"bot_user_id, is_enterprise_install, installed_at{extra}) VALUES "
                    f"(:c, :a, :t, :token, 'B0TANDEM', 'U0TANDEMBOT', false, "
                    f"CURRENT_TIMESTAMP{', :u' if extra else ''})"
                ),
                {"c": CLIENT_ID, "a": sr.API_APP_ID, "t": team_id, "token": token, "u": "U0X"},
            )


# -- at rest -------------------------------------------------------------------------------


def test_a_database_dump_after_oauth_installs_holds_no_token(oauth_tandem: Tandem) -> None:
    installed = {team: oauth_install(oauth_tandem, team) for team in (sr.TEAM_ID, "T0NEIGHBOUR")}

    everything = dump(oauth_tandem.database)
    assert sr.TEAM_ID in everything and "T0NEIGHBOUR" in everything  # the rows are there
    for secrets in installed.values():
        for secret in secrets.values():
            assert secret not in everything
            assert secret[12:40] not in everything  # not even a recognisable piece
    assert CLIENT_SECRET not in everything
    for table, column in [
        ("slack_installations", "bot_token"),
        ("slack_installations", "bot_refresh_token"),
        ("slack_installations", "user_token"),
        ("slack_installations", "user_refresh_token"),
        ("slack_bots", "bot_token"),
        ("slack_bots", "bot_refresh_token"),
    ]:
        stored = _stored(oauth_tandem.database, table, column, sr.TEAM_ID)
        assert stored and all(v.startswith(token_keys.FERNET_PREFIX) for v in stored)

    # ... and the workspace is served with its own (decrypted) token.
    oauth_tandem.event(_home_opened(), event_id="Ev0ENCHOME")
    call = oauth_tandem.standin.last("views.publish")
    assert call.headers["authorization"] == f"Bearer {installed[sr.TEAM_ID]['bot']}"


def test_oauth_mode_without_a_key_refuses_to_start(
    db: Database, standin: SlackStandin, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    settings = make_settings(
        db.engine.url.render_as_string(hide_password=False),
        standin.api_url,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        tandem_encryption_keys=None,
    )
    with pytest.raises(ConfigError) as raised:
        create_app(settings, sessions=db.sessions)
    assert raised.value.variable == "TANDEM_ENCRYPTION_KEYS"
    assert "tandem keys generate" in str(raised.value)

    for name, value in {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": sr.SIGNING_SECRET,
        "DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("tandem: configuration error: TANDEM_ENCRYPTION_KEYS: missing;")
    assert "tandem keys generate" in err


def test_single_workspace_mode_needs_no_key(db: Database, standin: SlackStandin) -> None:
    settings = make_settings(
        db.engine.url.render_as_string(hide_password=False),
        standin.api_url,
        tandem_encryption_keys=None,
    )
    app = create_app(settings, sessions=db.sessions)
    assert app.installation_store is None


def test_keys_generate_prints_a_usable_key(capsys: Any) -> None:
    assert main(["keys", "generate"]) == 0
    key = capsys.readouterr().out.strip()
    cipher = TokenCipher([key])
    assert cipher.decrypt(cipher.encrypt("xoxb-1-2-3")) == "xoxb-1-2-3"


# -- rotation ------------------------------------------------------------------------------


def test_rotation_with_two_keys_reencrypts_every_token_once(
    db: Database, standin: SlackStandin, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    first = _oauth_app(db, standin, KEY_A)
    secrets = oauth_install(first, sr.TEAM_ID)
    oauth_install(first, "T0NEIGHBOUR")
    first.close()
    under_a = _stored(db, "slack_bots", "bot_token", sr.TEAM_ID)[0]

    # The new key goes first; the old one still decrypts what it encrypted.
    rotated = _oauth_app(db, standin, f"{KEY_B},{KEY_A}")
    try:
        rotated.event(_home_opened(), event_id="Ev0BEFOREROT")
        assert standin.last("views.publish").headers["authorization"] == f"Bearer {secrets['bot']}"

        assert _rotate(db, f"{KEY_B},{KEY_A}", monkeypatch) == 0
        said = capsys.readouterr().out
        # 2 workspaces x (installation row + bot row).
        assert said.startswith("re-encrypted 4 of 4 rows holding tokens")

        under_b = _stored(db, "slack_bots", "bot_token", sr.TEAM_ID)[0]
        assert under_b != under_a
        assert TokenCipher([KEY_B]).decrypt(under_b) == secrets["bot"]
        with pytest.raises(UndecryptableToken):
            TokenCipher([KEY_A]).decrypt(under_b)
        for column, name in [
            ("bot_refresh_token", "bot_refresh"),
            ("user_token", "user"),
            ("user_refresh_token", "user_refresh"),
        ]:
            value = _stored(db, "slack_installations", column, sr.TEAM_ID)[0]
            assert TokenCipher([KEY_B]).decrypt(value) == secrets[name]

        # Idempotent: nothing is left under the old key.
        assert _rotate(db, f"{KEY_B},{KEY_A}", monkeypatch) == 0
        assert capsys.readouterr().out.startswith("re-encrypted 0 of 4 rows")
    finally:
        rotated.close()

    # The old key can now be dropped.
    only_b = _oauth_app(db, standin, KEY_B)
    try:
        only_b.event(_home_opened(), event_id="Ev0AFTERROT")
        assert standin.last("views.publish").headers["authorization"] == f"Bearer {secrets['bot']}"
    finally:
        only_b.close()


def test_plaintext_rows_from_before_are_read_and_encrypted_by_rotate(
    oauth_tandem: Tandem, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    db = oauth_tandem.database
    legacy = f"xoxb-{sr.TEAM_ID}-legacy-plaintext-token"
    _insert_plaintext(db, sr.TEAM_ID, legacy)

    oauth_tandem.event(_home_opened(), event_id="Ev0LEGACY1")
    assert oauth_tandem.standin.last("views.publish").headers["authorization"] == f"Bearer {legacy}"

    assert _rotate(db, KEY_A, monkeypatch) == 0
    said = capsys.readouterr().out
    assert said.startswith("re-encrypted 2 of 2 rows holding tokens with the first key (2 were")
    assert legacy not in dump(db)

    oauth_tandem.event(_home_opened(), event_id="Ev0LEGACY2")
    assert oauth_tandem.standin.last("views.publish").headers["authorization"] == f"Bearer {legacy}"


def test_a_wrong_key_is_one_clear_line_not_a_traceback(
    db: Database, standin: SlackStandin, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    first = _oauth_app(db, standin, KEY_A)
    secrets = oauth_install(first, sr.TEAM_ID)
    first.close()

    # The app will not start on keys that cannot read what is stored ...
    with pytest.raises(ConfigError) as raised:
        _oauth_app(db, standin, KEY_WRONG)
    message = str(raised.value)
    assert message.startswith("TANDEM_ENCRYPTION_KEYS: 6 stored token(s) of 1 workspace(s)")
    assert sr.TEAM_ID in message and "put back the key" in message

    # ... nor does rotation, which changes nothing.
    before = dump(db)
    assert _rotate(db, KEY_WRONG, monkeypatch) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.err.count("\n") == 1
    assert "is encrypted with a key that is not in TANDEM_ENCRYPTION_KEYS" in captured.err
    assert dump(db) == before
    for secret in secrets.values():
        assert secret not in captured.err + captured.out

    # A key that is not a Fernet key at all says so.
    with pytest.raises(ConfigError) as malformed:
        TokenCipher([KEY_A, "not-a-key"])
    assert "key 2 of 2 is not a Fernet key" in str(malformed.value)

    # And a store handed a wrong key (were it to run) raises the one-line error.
    settings = make_settings(
        db.engine.url.render_as_string(hide_password=False),
        standin.api_url,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
    )
    store = make_installation_store(settings, db.engine)
    store.cipher = TokenCipher([KEY_WRONG])
    with pytest.raises(UndecryptableToken) as unreadable:
        store.find_bot(enterprise_id=None, team_id=sr.TEAM_ID)
    assert str(unreadable.value).startswith(f"the bot_token of workspace {sr.TEAM_ID} is")


def test_fernet_tokens_are_what_is_recognised_as_encrypted() -> None:
    """The plaintext test relies on it: no Slack token looks like a Fernet token."""
    sample = Fernet(KEY_B.encode()).encrypt(b"x").decode()
    assert token_keys.is_encrypted(sample)
    for token in _tokens("T0X").values():
        assert not token_keys.is_encrypted(token)


# -- logs ----------------------------------------------------------------------------------


def test_no_secret_reaches_a_log_at_debug(
    oauth_tandem: Tandem, caplog: pytest.LogCaptureFixture, capfd: Any
) -> None:
    """An OAuth install, a request and every job, all logging at DEBUG (Tandem's, Bolt's,
    slack_sdk's): no token, refresh token, client secret or signing secret in any line."""
    caplog.set_level(logging.DEBUG)
    for name in ("slack_bolt", "slack_sdk", "bot", "apscheduler", "sqlalchemy.engine"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        secrets = oauth_install(oauth_tandem, sr.TEAM_ID)
        oauth_tandem.event(_home_opened(), event_id="Ev0LOGS")
        oauth_tandem.command("/tandem", "help", user=HM)
        oauth_tandem.run_jobs()
    finally:
        for name in ("slack_bolt", "slack_sdk", "bot", "apscheduler", "sqlalchemy.engine"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    assert oauth_tandem.standin.calls_to("views.publish"), "the request did reach Slack"

    captured = capfd.readouterr()
    logged = caplog.text + captured.out + captured.err
    assert len(caplog.records) > 20, "DEBUG logging was on"
    # slack_sdk did log Slack's answer to oauth.v2.access, with the tokens blanked out.
    assert "access_token" in logged and "xox…(redacted)" in logged
    forbidden = {**secrets, "client secret": CLIENT_SECRET, "signing secret": sr.SIGNING_SECRET}
    leaks = {name for name, secret in forbidden.items() if secret in logged}
    assert leaks == set()
