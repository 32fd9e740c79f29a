"""Slack tokens encrypted at rest, with the keys of ``TANDEM_ENCRYPTION_KEYS``.

An OAuth install stores each workspace's bot token (and, when Slack issues them, the user
token and the refresh tokens) in ``slack_installations`` and ``slack_bots``. They are stored
as Fernet tokens (AES-128-CBC + HMAC-SHA256, :mod:`cryptography`), so a database dump or a
backup alone reveals none of them: the keys live only in the environment.

``TANDEM_ENCRYPTION_KEYS`` is a comma-separated list of Fernet keys (``tandem keys generate``
prints one). The first encrypts; every one decrypts (:class:`~cryptography.fernet.MultiFernet`).
Rotation: put a new key first, run ``tandem keys rotate`` (every stored token re-encrypted
with it), then drop the old key.

A value that is not a Fernet token (every Fernet token starts with ``gAAAAA``, the base64 of
its version byte; no Slack token does) is a plaintext token stored before encryption existed:
it is read as it is, and ``tandem keys rotate`` encrypts it.

Single-workspace mode (``SLACK_BOT_TOKEN``) stores no token, so it needs no key.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Table, select, update

from bot.config import ConfigError, Settings
from bot.db import SessionFactory
from bot.models.slack_oauth import ENCRYPTED_COLUMNS

VARIABLE = "TANDEM_ENCRYPTION_KEYS"
FERNET_PREFIX = "gAAAAA"
# The columns that hold a secret Slack issued, per table.
TOKEN_COLUMNS: dict[Table, tuple[str, ...]] = ENCRYPTED_COLUMNS
MISSING_KEYS = (
    "missing; OAuth installs store each workspace's Slack tokens, encrypted with this key. "
    "Generate one with `tandem keys generate` and set TANDEM_ENCRYPTION_KEYS to it "
    "(keep it out of the database and its backups)"
)


class UndecryptableToken(Exception):
    """A stored token that none of the configured keys decrypts; ``str()`` is one line that
    names the row, never the token."""


def is_encrypted(value: str) -> bool:
    return value.startswith(FERNET_PREFIX)


def generate_key() -> str:
    """A new random Fernet key (32 bytes, url-safe base64), for ``TANDEM_ENCRYPTION_KEYS``."""
    return Fernet.generate_key().decode()


class TokenCipher:
    """Encrypts with the first key, decrypts with any; plaintext (legacy) values pass through."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ConfigError(VARIABLE, MISSING_KEYS)
        fernets = []
        for number, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.encode()))
            except (ValueError, TypeError):
                raise ConfigError(
                    VARIABLE,
                    f"key {number} of {len(keys)} is not a Fernet key (44 characters of "
                    "url-safe base64); generate one with `tandem keys generate`",
                ) from None
        self._current = fernets[0]
        self._all = MultiFernet(fernets)
        self.key_count = len(keys)

    def encrypt(self, value: str) -> str:
        """``value`` encrypted with the first key (an encrypted value is left as it is)."""
        if is_encrypted(value):
            return value
        return self._current.encrypt(value.encode()).decode()

    def decrypt(self, value: str, *, where: str = "a stored token") -> str:
        """The plaintext of ``value`` (a legacy plaintext value as it is)."""
        if not is_encrypted(value):
            return value
        try:
            return self._all.decrypt(value.encode()).decode()
        except InvalidToken:
            raise UndecryptableToken(
                f"{where} is encrypted with a key that is not in {VARIABLE} "
                f"(tried {self.key_count}); put back the key that encrypted it, "
                "or reinstall Tandem in that workspace"
            ) from None

    def is_current(self, value: str) -> bool:
        """True when ``value`` is encrypted with the first key (nothing for rotation to do)."""
        if not is_encrypted(value):
            return False
        try:
            self._current.decrypt(value.encode())
        except InvalidToken:
            return False
        return True


def cipher_from_settings(settings: Settings) -> TokenCipher | None:
    """The cipher of ``TANDEM_ENCRYPTION_KEYS``, or None when it is unset."""
    if settings.tandem_encryption_keys is None:
        return None
    keys = [k.strip() for k in settings.tandem_encryption_keys.get_secret_value().split(",")]
    return TokenCipher([k for k in keys if k])


def require_cipher(settings: Settings) -> TokenCipher:
    """The cipher; :class:`ConfigError` (saying how to make a key) when no key is set."""
    cipher = cipher_from_settings(settings)
    if cipher is None:
        raise ConfigError(VARIABLE, MISSING_KEYS)
    return cipher


@dataclass(frozen=True)
class RotationReport:
    """What ``tandem keys rotate`` did: rows holding tokens, rows rewritten, and how many of
    those held plaintext (stored before encryption)."""

    rows: int
    rewritten: int
    were_plaintext: int


def _where(table: Table, row: dict[str, object], column: str) -> str:
    return f"{column} of {table.name} row {row['id']} (workspace {row['team_id']})"


def rotate(sessions: SessionFactory, cipher: TokenCipher, *, batch: int = 200) -> RotationReport:
    """Re-encrypt every stored token with the first key, plaintext ones included.

    Idempotent: a row whose tokens are all under the first key already is left alone, so a
    second run rewrites nothing. Each batch commits by itself; an interrupted run is finished
    by running it again. Raises :class:`UndecryptableToken` (before writing that row) when a
    token is under none of the keys.
    """
    rows = rewritten = were_plaintext = 0
    for table, columns in TOKEN_COLUMNS.items():
        last_id = 0
        while True:
            with sessions.begin() as session:
                found = (
                    session.execute(
                        select(table.c.id, table.c.team_id, *(table.c[c] for c in columns))
                        .where(table.c.id > last_id)
                        .order_by(table.c.id)
                        .limit(batch)
                    )
                    .mappings()
                    .all()
                )
                for row in found:
                    last_id = int(row["id"])
                    values = {c: row[c] for c in columns if row[c]}
                    if not values:
                        continue
                    rows += 1
                    stale = {c: v for c, v in values.items() if not cipher.is_current(v)}
                    if not stale:
                        continue
                    plain = {
                        c: cipher.decrypt(v, where=_where(table, dict(row), c))
                        for c, v in stale.items()
                    }
                    were_plaintext += any(not is_encrypted(v) for v in stale.values())
                    session.execute(
                        update(table)
                        .where(table.c.id == row["id"])
                        .values({c: cipher.encrypt(p) for c, p in plain.items()})
                    )
                    rewritten += 1
            if len(found) < batch:
                break
    return RotationReport(rows, rewritten, were_plaintext)


def check_readable(sessions: SessionFactory, cipher: TokenCipher) -> None:
    """Raise :class:`ConfigError` when some stored token is under none of the keys — at
    start-up, so that an operator who dropped a key too early learns it in one line rather
    than from every request of those workspaces."""
    unreadable: list[str] = []
    with sessions() as session:
        for table, columns in TOKEN_COLUMNS.items():
            for row in session.execute(
                select(table.c.id, table.c.team_id, *(table.c[c] for c in columns))
            ).mappings():
                for column in columns:
                    value = row[column]
                    if value and is_encrypted(value):
                        try:
                            cipher.decrypt(value)
                        except UndecryptableToken:
                            unreadable.append(str(row["team_id"]))
    if unreadable:
        teams = sorted(set(unreadable))
        raise ConfigError(
            VARIABLE,
            f"{len(unreadable)} stored token(s) of {len(teams)} workspace(s) "
            f"({', '.join(teams[:5])}{' …' if len(teams) > 5 else ''}) are encrypted with a "
            "key that is not in the list; put back the key that encrypted them",
        )
