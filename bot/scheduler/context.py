"""What a job needs: sessions, settings and a Web API client for a given workspace."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore

from bot.config import Settings
from bot.db import SessionFactory
from bot.slack.client import make_web_client


class WorkspaceNotInstalled(Exception):
    """No usable bot token for the workspace (uninstalled, or never installed)."""


@dataclass
class JobContext:
    settings: Settings
    sessions: SessionFactory
    installation_store: InstallationStore | None = None
    _clients: dict[str, WebClient] = field(default_factory=dict)

    def client_for(self, team_id: str, enterprise_id: str | None = None) -> WebClient:
        """A WebClient with this workspace's bot token, resolved like Bolt resolves it."""
        if self.installation_store is None:
            token = self.settings.slack_bot_token
            if token is None:
                raise WorkspaceNotInstalled(team_id)
            key = "single"
            token_value = token.get_secret_value()
        else:
            bot = self.installation_store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
            if bot is None or not bot.bot_token:
                raise WorkspaceNotInstalled(team_id)
            key = f"{enterprise_id}:{team_id}:{bot.bot_token}"
            token_value = bot.bot_token
        if key not in self._clients:
            self._clients[key] = make_web_client(self.settings.slack_api_url, token=token_value)
        return self._clients[key]
