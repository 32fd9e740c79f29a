"""What a job needs: sessions, settings, a Web API client for a given workspace, and the
process's deliverer (when one runs in the background)."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from sqlalchemy import select

from bot.config import Settings
from bot.db import SessionFactory
from bot.delivery import Deliverer
from bot.metrics import Metrics
from bot.models import Workspace
from bot.slack.client import make_web_client


class WorkspaceNotInstalled(Exception):
    """No usable bot token for the workspace (uninstalled, or never installed)."""


@dataclass
class JobContext:
    settings: Settings
    sessions: SessionFactory
    installation_store: InstallationStore | None = None
    # The process's background deliverer (``tandem run``, ``tandem scheduler``); without one
    # the ``deliver-outbox`` job delivers in its own thread until the outbox is idle.
    deliverer: Deliverer | None = None
    # ``TANDEM_METRICS``: jobs, their Web API calls and the messages delivered are counted.
    metrics: Metrics | None = None
    _clients: dict[str, WebClient] = field(default_factory=dict)

    def token_for(self, team_id: str, enterprise_id: str | None = None) -> str | None:
        """The workspace's bot token, resolved like Bolt resolves it; None if not installed.
        With token rotation on, the store hands out a token with hours left (it exchanges
        one about to expire first), so queued work never goes out with an expiring token.

        A workspace of an Enterprise Grid org may be served by its own install (a bot row with
        its team id) or by the org-wide install (a bot row with the org's id and no team id),
        and most queued work names only the team: the org then comes from the workspace's row.
        """
        if self.installation_store is None:
            token = self.settings.slack_bot_token
            return token.get_secret_value() if token is not None else None
        store = self.installation_store
        bot = store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        org = enterprise_id or (None if bot else self._enterprise_of(team_id))
        if bot is None and org is not None and not enterprise_id:
            bot = store.find_bot(enterprise_id=org, team_id=team_id)
        if bot is None and org is not None:
            bot = store.find_bot(enterprise_id=org, team_id=None, is_enterprise_install=True)
        return bot.bot_token if bot is not None and bot.bot_token else None

    def _enterprise_of(self, team_id: str) -> str | None:
        """The Enterprise Grid org a workspace belongs to, as its row recorded it."""
        with self.sessions() as session:
            return session.scalar(
                select(Workspace.enterprise_id).where(Workspace.team_id == team_id)
            )

    def client_for(self, team_id: str, enterprise_id: str | None = None) -> WebClient:
        """A WebClient with this workspace's bot token (for lookups such as ``users.info``;
        messages go through the outbox)."""
        token = self.token_for(team_id, enterprise_id)
        if token is None:
            raise WorkspaceNotInstalled(team_id)
        if token not in self._clients:
            self._clients[token] = make_web_client(
                self.settings.slack_api_url, token=token, metrics=self.metrics
            )
        return self._clients[token]

    def new_deliverer(self) -> Deliverer:
        """A deliverer for this context's database and workspaces (not started)."""
        return Deliverer(
            self.sessions,
            self.token_for,
            api_url=self.settings.slack_api_url,
            workers=self.settings.tandem_delivery_workers,
            timeout=self.settings.tandem_delivery_timeout_seconds,
            metrics=self.metrics,
        )
