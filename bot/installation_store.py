"""The OAuth installation store: slack_sdk's SQLAlchemy store on our tables, with every Slack
token encrypted at rest (bot/services/token_keys.py) and reinstalls clearing a workspace's
uninstalled mark (bot/services/retention.py).

Encryption happens at the store's edge: Bolt and the jobs hand it and get back plaintext
``Installation``/``Bot`` objects, and only ciphertext reaches the database.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.models.slack_oauth import BOTS_TABLE, INSTALLATIONS_TABLE
from bot.services.retention import mark_reinstalled
from bot.services.token_keys import TokenCipher

logger = logging.getLogger(__name__)

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


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store, encrypting tokens on the way in and decrypting on the way out.

    Rows written before encryption existed (plaintext) are still read; ``tandem keys
    rotate`` encrypts them.
    """

    def __init__(self, *, client_id: str, engine: Engine, cipher: TokenCipher) -> None:
        super().__init__(
            client_id=client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        )
        self.cipher = cipher
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
        bot = super().find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if bot is not None:
            _decrypt(bot, BOT_TOKENS, self.cipher)
        return bot

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        installation = super().find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        if installation is not None:
            _decrypt(installation, INSTALLATION_TOKENS, self.cipher)
        return installation
