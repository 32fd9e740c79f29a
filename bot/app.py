"""The Bolt app factory. There is no module-level App: every process and test builds its own."""

from __future__ import annotations

import json
import logging
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot import handlers
from bot.config import Settings
from bot.db import SessionFactory
from bot.manifest import bot_scopes
from bot.models.slack_oauth import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE
from bot.slack.client import make_web_client

logger = logging.getLogger(__name__)

OAUTH_STATE_EXPIRATION_SECONDS = 600

FOREIGN_WORKSPACE_MESSAGE = (
    "Tandem is installed for another Slack workspace, so it cannot act here. "
    "Ask your workspace admin to install Tandem for this workspace."
)
NOT_INSTALLED_MESSAGE = (
    "Tandem is not installed in this workspace (or was removed). "
    "A workspace admin can install it again from the Tandem install page."
)
SOMETHING_WENT_WRONG = (
    "Sorry — Tandem hit an unexpected problem and did not finish that. Nothing was half-saved; "
    "please try again in a minute."
)


def make_installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """slack_sdk's installation store on our database (tables made by our migrations)."""
    assert settings.slack_client_id is not None
    return SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id,
        engine=engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
    )


def _oauth_settings(settings: Settings, sessions: SessionFactory) -> OAuthSettings:
    engine = sessions.kw["bind"]
    client_id = settings.slack_client_id
    assert client_id is not None and settings.slack_client_secret is not None
    installation_store = make_installation_store(settings, engine)
    state_store = SQLAlchemyOAuthStateStore(
        expiration_seconds=OAUTH_STATE_EXPIRATION_SECONDS,
        engine=engine,
        table_name=OAUTH_STATES_TABLE,
    )
    return OAuthSettings(
        client_id=client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=bot_scopes(),
        installation_store=installation_store,
        state_store=state_store,
    )


def create_app(
    settings: Settings,
    *,
    sessions: SessionFactory,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """Build the Bolt app: client, OAuth or single-workspace auth, middleware, listeners.

    ``client`` defaults to one pointed at ``SLACK_API_URL`` with Tandem's retry handlers;
    ``listener_executor`` lets tests wait for work that runs after ``ack()``.
    """
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    if settings.oauth_enabled:
        app = App(
            client=client or make_web_client(settings.slack_api_url),
            signing_secret=signing_secret,
            oauth_settings=_oauth_settings(settings, sessions),
            listener_executor=listener_executor,
            user_facing_authorize_error_message=NOT_INSTALLED_MESSAGE,
        )
    else:
        assert settings.slack_bot_token is not None
        token = settings.slack_bot_token.get_secret_value()
        if client is None:
            client = make_web_client(settings.slack_api_url, token=token)
        elif client.token is None:
            client.token = token
        app = App(
            client=client,
            signing_secret=signing_secret,
            # auth.test runs on the first request instead of at start-up, so a process can
            # boot (and answer /healthz) while Slack is briefly unreachable.
            token_verification_enabled=False,
            listener_executor=listener_executor,
        )

    def inject_runtime(context: BoltContext, next: Any) -> Any:
        context["sessions"] = sessions
        context["settings"] = settings
        return next()

    app.middleware(inject_runtime)
    if not settings.oauth_enabled:
        app.middleware(_reject_foreign_workspace)
    app.error(_handle_error)
    handlers.register(app)
    return app


def _reject_foreign_workspace(
    body: dict[str, Any], context: BoltContext, next: Any
) -> BoltResponse | None:
    """In single-workspace mode, refuse requests signed for our app but sent from elsewhere.

    A shared channel or an org-wide app can deliver another workspace's request; acting on it
    would read or write rows that belong to our workspace.
    """
    authorized = context.authorize_result
    installed_team = authorized.team_id if authorized else None
    requesting_team = context.team_id
    if installed_team and requesting_team and installed_team != requesting_team:
        logger.warning("refused a request from workspace %s", requesting_team)
        if body.get("command") or body.get("type") in ("block_actions", "shortcut"):
            return BoltResponse(
                status=200,
                body=json.dumps({"response_type": "ephemeral", "text": FOREIGN_WORKSPACE_MESSAGE}),
                headers={"content-type": "application/json"},
            )
        if body.get("type") == "view_submission":
            return BoltResponse(
                status=200,
                body=json.dumps(
                    {
                        "response_action": "update",
                        "view": _message_modal("Not installed here", FOREIGN_WORKSPACE_MESSAGE),
                    }
                ),
                headers={"content-type": "application/json"},
            )
        return BoltResponse(status=200, body="")
    return next()


def _message_modal(title: str, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


def _handle_error(error: Exception, body: dict[str, Any], request: BoltRequest) -> BoltResponse:
    """Log the failure and give Slack a 200 with a plain apology, never a 500 or a trace."""
    logger.error("listener failed: %s", error, exc_info=error)
    if body.get("type") == "view_submission":
        return BoltResponse(
            status=200,
            body=json.dumps(
                {
                    "response_action": "update",
                    "view": _message_modal("Tandem", SOMETHING_WENT_WRONG),
                }
            ),
            headers={"content-type": "application/json"},
        )
    if body.get("command") or body.get("type") in ("block_actions", "shortcut"):
        return BoltResponse(
            status=200,
            body=json.dumps({"response_type": "ephemeral", "text": SOMETHING_WENT_WRONG}),
            headers={"content-type": "application/json"},
        )
    return BoltResponse(status=200, body="")
