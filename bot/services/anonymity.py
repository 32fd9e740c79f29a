"""The keyed hash behind an anonymous retro answer.

An anonymous answer is stored with no user id: only ``HMAC-SHA256(key, team, poll, user)``,
which lets Tandem refuse (or edit) a second answer from the same person without anyone who
reads the database learning who answered. The key must never be stored next to the answers
— with it, hashing each invited person would name them — so it comes from the environment:
``TANDEM_ANONYMITY_SECRET``, or, when that is unset, a key derived from the Slack signing
secret (HTTP mode) or the app-level token (Socket Mode), which live there already.

Rotating the source of the key while a poll is open only means a person who answered
anonymously before the change could answer once more; nobody is ever revealed.
"""

from __future__ import annotations

import hashlib
import hmac

from bot.config import Settings

_DERIVATION_LABEL = b"tandem retro anonymity v1"


class NoAnonymityKey(Exception):
    """No secret to key the hash with (none of the environment's secrets is set)."""


def server_key(settings: Settings) -> bytes:
    """The HMAC key, from the first secret the environment has."""
    for secret in (
        settings.tandem_anonymity_secret,
        settings.slack_signing_secret,
        settings.slack_app_token,
    ):
        if secret is not None and secret.get_secret_value():
            raw = secret.get_secret_value().encode()
            if secret is settings.tandem_anonymity_secret:
                return raw
            # A derived key: the signing secret itself never keys anything but signatures.
            return hmac.new(raw, _DERIVATION_LABEL, hashlib.sha256).digest()
    raise NoAnonymityKey


def answerer_hash(key: bytes, *, team_id: str, poll_id: int, user_id: str) -> str:
    """Who answered, as a hex digest that only the holder of ``key`` can link to a person.
    Per poll, so two polls' hashes of one person do not match."""
    message = f"{team_id}\x1f{poll_id}\x1f{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
