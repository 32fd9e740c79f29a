"""The OAuth installation store: slack_sdk's SQLAlchemy store on our tables, with every Slack
token encrypted at rest (bot/services/token_keys.py) and reinstalls clearing a workspace's
uninstalled mark (bot/services/retention.py).

Encryption happens at the store's edge: Bolt and the jobs hand it and get back plaintext
``Installation``/``Bot`` objects, and only ciphertext reaches the database.

Token rotation (the app's ``token_rotation_enabled``) happens here too: a bot token that
expires within :data:`ROTATE_MINUTES_BEFORE_EXPIRY` is exchanged for a new one (Slack's
``oauth.v2.access`` with the refresh token) before it is handed out, and the new pair is
stored, encrypted. Both readers — Bolt's authorize for requests and the jobs' and outbox's
``JobContext.token_for`` — so get a token with hours left, whichever comes first.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
from typing import Any

from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.models.slack_oauth import BOTS_TABLE, INSTALLATIONS_TABLE
from bot.services.retention import mark_reinstalled
from bot.services.token_keys import TokenCipher

logger = logging.getLogger(__name__)

# Bolt's own rotation window (OAuthSettings.token_rotation_expiration_minutes): rotating at
# the same point means Bolt always finds a fresh token and never rotates a second time.
ROTATE_MINUTES_BEFORE_EXPIRY = 120

INSTALLATION_TOKENS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
BOT_TOKENS = ("bot_token", "bot_refresh_token")


def _encrypted(entity: Any, fields: tuple[str, ...], cipher: TokenCipher) -> Any:
    stored = copy.copy(entity)
    for name in fields:
        value = getattr(stored, name, None)
        if value:
            setattr(stored, name, cipher.encrypt(value))
    return stored


def _decrypt(entity: Any, fields: tuple[str, ...], cipher: TokenCipher) -> None:
    for name in fields:
        value = getattr(entity, name, None)
        if value:
            where = f"the {name} of workspace {entity.team_id or entity.enterprise_id}"
            setattr(entity, name, cipher.decrypt(value, where=where))


# Slack's tokens: bot, user, app-level, configuration, refresh and rotated ones.
SLACK_TOKEN = re.compile(r"\bxox(?:e\.xox)?[a-z]-[A-Za-z0-9-]+")
# The loggers that write HTTP bodies: slack_sdk's WebClient logs every Web API answer at
# DEBUG, and ``oauth.v2.access`` answers with the workspace's tokens.
BODY_LOGGERS = ("slack_sdk.web.base_client", "slack_sdk.web.client")


class RedactTokens(logging.Filter):
    """Replaces anything shaped like a Slack token in a log record by ``xox…(redacted)``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "xox" in message:
            redacted = SLACK_TOKEN.sub("xox…(redacted)", message)
            if redacted != message:
                record.msg, record.args = redacted, ()
        return True


def redact_tokens_in_logs() -> None:
    """Attach :class:`RedactTokens` to the loggers that write Slack's answers (once)."""
    for name in BODY_LOGGERS:
        logger_ = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger_.filters):
            logger_.addFilter(RedactTokens())


# Slack's refresh tokens are single-use: two threads refreshing the same workspace at once
# would spend it twice and the second would fail. One lock per workspace, per process.
_ROTATION_LOCKS: dict[tuple[str | None, str | None], threading.Lock] = {}
_ROTATION_LOCKS_GUARD = threading.Lock()


def _rotation_lock(enterprise_id: str | None, team_id: str | None) -> threading.Lock:
    with _ROTATION_LOCKS_GUARD:
        return _ROTATION_LOCKS.setdefault((enterprise_id, team_id), threading.Lock())


def _expiring(expires_at: int | None, refresh_token: str | None) -> bool:
    if expires_at is None or not refresh_token:
        return False
    return expires_at <= time.time() + ROTATE_MINUTES_BEFORE_EXPIRY * 60


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store, encrypting tokens on the way in and decrypting on the way out, and
    rotating expiring bot tokens when given a ``rotator`` (the app's client id and secret).

    Rows written before encryption existed (plaintext) are still read; ``tandem keys
    rotate`` encrypts them.
    """

    def __init__(
        self,
        *,
        client_id: str,
        engine: Engine,
        cipher: TokenCipher,
        rotator: TokenRotator | None = None,
    ) -> None:
        super().__init__(
            client_id=client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        )
        self.cipher = cipher
        self.rotator = rotator
        # An install's tokens arrive in a Web API answer: they must not reach a DEBUG log.
        redact_tokens_in_logs()

    def save(self, installation: Installation) -> None:
        # slack_sdk's save() stores the bot through save_bot(), which encrypts it in turn
        # (an already encrypted value is left as it is).
        super().save(_encrypted(installation, INSTALLATION_TOKENS, self.cipher))
        if installation.team_id:
            with Session(self.engine) as session, session.begin():
                mark_reinstalled(session, team_id=installation.team_id)

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(_encrypted(bot, BOT_TOKENS, self.cipher))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        where = {
            "enterprise_id": enterprise_id,
            "team_id": team_id,
            "is_enterprise_install": is_enterprise_install,
        }
        bot = self._stored_bot(**where)
        if bot is not None and self._rotate_if_expiring(bot, where):
            bot = self._stored_bot(**where)
        return bot

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        where = {
            "enterprise_id": enterprise_id,
            "team_id": team_id,
            "is_enterprise_install": is_enterprise_install,
        }
        installation = self._stored_installation(user_id=user_id, **where)
        if installation is None:
            return None
        if self._rotate_if_expiring(installation.to_bot(), where):
            installation = self._stored_installation(user_id=user_id, **where)
        return installation

    # -- reading, decrypted ----------------------------------------------------------------

    def _stored_bot(self, **where: Any) -> Bot | None:
        bot = super().find_bot(**where)
        if bot is not None:
            _decrypt(bot, BOT_TOKENS, self.cipher)
        return bot

    def _stored_installation(self, *, user_id: str | None, **where: Any) -> Installation | None:
        installation = super().find_installation(user_id=user_id, **where)
        if installation is not None:
            _decrypt(installation, INSTALLATION_TOKENS, self.cipher)
        return installation

    # -- rotation --------------------------------------------------------------------------

    def _rotate_if_expiring(self, read: Bot, where: dict[str, Any]) -> bool:
        """Rotate the workspace's bot token if the one just read expires soon; True when the
        stored token changed (by this thread or another), so the caller reads it again."""
        if self.rotator is None or not _expiring(read.bot_token_expires_at, read.bot_refresh_token):
            return False
        with _rotation_lock(where["enterprise_id"], where["team_id"]):
            # Read again under the lock: another thread may have rotated it meanwhile.
            bot = self._stored_bot(**where)
            if bot is None or bot.bot_token != read.bot_token:
                return True
            if _expiring(bot.bot_token_expires_at, bot.bot_refresh_token):
                self._rotate(bot, where)
        return True

    def _rotate(self, bot: Bot, where: dict[str, Any]) -> None:
        """Exchange ``bot``'s refresh token and store the new pair, in the installation row
        and the bot row alike (Bolt reads one, the jobs the other)."""
        assert self.rotator is not None
        workspace = where["team_id"] or where["enterprise_id"]
        installation = self._stored_installation(user_id=None, **where)
        try:
            if installation is not None and installation.bot_token == bot.bot_token:
                refreshed = self.rotator.perform_bot_token_rotation(
                    bot=installation.to_bot(),
                    minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY,
                )
                if refreshed is not None:
                    installation.bot_token = refreshed.bot_token
                    installation.bot_refresh_token = refreshed.bot_refresh_token
                    installation.bot_token_expires_at = refreshed.bot_token_expires_at
                    # Not self.save(): a rotation is not a reinstall.
                    super().save(_encrypted(installation, INSTALLATION_TOKENS, self.cipher))
            else:
                refreshed = self.rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
                )
                if refreshed is not None:
                    self.save_bot(refreshed)
        except SlackTokenRotationError as exc:
            current = self._stored_bot(**where)
            if current is not None and current.bot_token != bot.bot_token:
                # Another process (``tandem scheduler`` beside ``tandem run``) spent the
                # single-use refresh token first; its new token is stored: nothing is wrong.
                logger.info(
                    "the bot token of workspace %s was rotated by another process", workspace
                )
                return
            # The current token serves until it expires, and the next read tries again.
            logger.error(
                "could not rotate the bot token of workspace %s (oauth.v2.access: %s); "
                "if this persists, reinstall Tandem in that workspace",
                workspace,
                exc.api_error.response.get("error"),
            )
            return
        except Exception as exc:
            logger.warning(
                "could not reach Slack to rotate the bot token of workspace %s (%s); "
                "the current token serves until it expires",
                workspace,
                exc,
            )
            return
        if refreshed is not None:
            logger.info("rotated the bot token of workspace %s", workspace)
