"""The test app: the package's sandbox driver, configured for tests, checking Block Kit limits
on everything the app sends."""

from __future__ import annotations

from typing import Any

from bot.config import Settings, load_settings
from bot.runtime import Database
from bot.sandbox.driver import Reply, SandboxApp, TrackingExecutor
from bot.sandbox.slack_standin import SlackStandin
from tests import slack_requests as sr
from tests.block_kit import check_ack_body, check_call

__all__ = ["Reply", "Tandem", "TrackingExecutor", "make_settings"]


def make_settings(database_url: str, api_url: str, **overrides: Any) -> Settings:
    """Settings as the environment would give them (tests clear the real environment)."""
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test-token",
        "slack_signing_secret": sr.SIGNING_SECRET,
        "slack_api_url": api_url,
        "database_url": database_url,
        # The stand-in answers at once; a loaded test machine must not turn a slow answer
        # into "not a person". The budget's own tests set it back.
        "tandem_slack_lookup_budget_seconds": 2.5,
        # OAuth mode refuses to start without a key for the tokens it stores (a fixed one:
        # tests are reproducible; single-workspace mode never uses it).
        "tandem_encryption_keys": "YdPmStfMOypFzOiqNFgOeoRlTGsQaGK4_bEHNtZUOOk=",
    }
    values.update(overrides)
    return load_settings(env_file=None, **values)


class Tandem(SandboxApp):
    """A running app wired to ``standin`` (see :class:`bot.sandbox.driver.SandboxApp`)."""

    def __init__(self, database: Database, standin: SlackStandin, **setting_overrides: Any):
        settings = make_settings(
            database.engine.url.render_as_string(hide_password=False),
            standin.api_url,
            **setting_overrides,
        )
        self.ack_problems: list[str] = []
        super().__init__(database, standin, settings)

    def block_kit_problems(self) -> list[str]:
        """Every limit any recorded Web API call or HTTP answer broke."""
        problems = list(self.ack_problems)
        for call in self.standin.calls:
            problems += check_call(call.method, call.params)
        return problems

    def request(
        self,
        path: str,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        method: str | None = None,
    ) -> Reply:
        reply = super().request(path, body, headers, method)
        if reply.body.startswith("{"):
            self.ack_problems += check_ack_body(reply.json)
        return reply
