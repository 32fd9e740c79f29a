"""The Bolt app factory. There is no module-level App: every process and test builds its own."""

from __future__ import annotations

import json
import logging
import re
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine

from bot import handlers, logs
from bot.config import Settings
from bot.db import SessionFactory, make_session_factory
from bot.failures import database_unreachable, one_line
from bot.handlers.events import retry_when_the_database_is_back
from bot.installation_store import ROTATE_MINUTES_BEFORE_EXPIRY, EncryptedInstallationStore
from bot.manifest import bot_scopes
from bot.metrics import Metrics
from bot.models.slack_oauth import OAUTH_STATES_TABLE
from bot.services.token_keys import check_readable, require_cipher
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
NO_WORKSPACE_MESSAGE = (
    "Tandem works inside one workspace of your organization, and this request did not say "
    "which. Use Tandem from a channel or DM in your workspace; nothing was changed."
)
SOMETHING_WENT_WRONG = (
    "Sorry — Tandem hit an unexpected problem and did not do that; nothing was changed. "
    "Please try again in a minute. If it keeps happening, tell whoever runs Tandem for your "
    "workspace: the problem is in Tandem's log."
)
FAILED_AFTER_ACK = (
    "Sorry — Tandem hit an unexpected problem while finishing what you just did, so part of it "
    "may not have happened. Check whether your change shows (in the role's channel or brief); "
    "if it does not, try again in a minute. If it keeps failing, tell whoever runs Tandem for "
    "your workspace: the problem is in Tandem's log."
)
DATABASE_AWAY = (
    "Tandem cannot reach its database right now, so it did not do that and nothing was "
    "changed. Please try again in a moment."
)
# Slack's ids (U…, T…, C…, E…) are short upper-case words; the columns keeping them are 32 wide.
SLACK_ID = re.compile(r"[A-Z0-9]{2,32}")
EVENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
INTERACTIVE_TYPES = (
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
)


def make_installation_store(settings: Settings, engine: Engine) -> EncryptedInstallationStore:
    """slack_sdk's installation store on our database (tables made by our migrations), its
    tokens encrypted with ``TANDEM_ENCRYPTION_KEYS``.

    Raises :class:`ConfigError` when no key is set (saying how to make one), or when a
    stored token is under none of the keys.
    """
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    cipher = require_cipher(settings)
    check_readable(make_session_factory(engine), cipher)
    # Rotates expiring bot tokens (installs of an app with token rotation on) through
    # SLACK_API_URL; a workspace without a refresh token is never rotated.
    rotator = TokenRotator(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        client=make_web_client(settings.slack_api_url),
    )
    return EncryptedInstallationStore(
        client_id=settings.slack_client_id, engine=engine, cipher=cipher, rotator=rotator
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
    oauth_settings = OAuthSettings(
        client_id=client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=bot_scopes(),
        installation_store=installation_store,
        state_store=state_store,
        token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE_EXPIRY,
    )
    # The store hands Bolt fresh tokens, so Bolt's own rotator should find nothing to do; if
    # it ever does, it must call SLACK_API_URL too (its default client calls slack.com).
    bolt_rotator = oauth_settings.authorize.token_rotator  # type: ignore[attr-defined]
    if bolt_rotator is not None and installation_store.rotator is not None:
        bolt_rotator.client = installation_store.rotator.client
    return oauth_settings


def create_app(
    settings: Settings,
    *,
    sessions: SessionFactory,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
    metrics: Metrics | None = None,
) -> App:
    """Build the Bolt app: client, OAuth or single-workspace auth, middleware, listeners.

    ``client`` defaults to one pointed at ``SLACK_API_URL`` with Tandem's retry handlers;
    ``listener_executor`` lets tests wait for work that runs after ``ack()``; ``metrics``
    (``TANDEM_METRICS``) counts requests, their ack time and the default client's calls.
    """
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    # Listeners (and all work after ack()) run in this executor: in the request's log context.
    listener_executor = logs.ContextExecutor(
        listener_executor or ThreadPoolExecutor(max_workers=5, thread_name_prefix="listener")
    )
    _ignore_bolts_own_token_lookup()
    if settings.oauth_enabled:
        app = TandemApp(
            client=client or make_web_client(settings.slack_api_url, metrics=metrics),
            signing_secret=signing_secret,
            oauth_settings=_oauth_settings(settings, sessions),
            listener_executor=listener_executor,
            user_facing_authorize_error_message=NOT_INSTALLED_MESSAGE,
            raise_error_for_unhandled_request=True,
        )
    else:
        assert settings.slack_bot_token is not None
        token = settings.slack_bot_token.get_secret_value()
        if client is None:
            client = make_web_client(settings.slack_api_url, token=token, metrics=metrics)
        elif client.token is None:
            client.token = token
        app = TandemApp(
            client=client,
            signing_secret=signing_secret,
            # auth.test runs on the first request instead of at start-up, so a process
            # can boot (and answer /healthz) while Slack is briefly unreachable.
            token_verification_enabled=False,
            listener_executor=listener_executor,
            # Unmatched requests reach the error handler: a 200 and one log line, not
            # Bolt's 404 and its multi-line advice.
            raise_error_for_unhandled_request=True,
        )

    app.metrics = metrics

    def inject_runtime(context: BoltContext, next: Any) -> Any:
        context["sessions"] = sessions
        context["settings"] = settings
        return next()

    app.middleware(_tag_request_logs)
    app.middleware(inject_runtime)
    if not settings.oauth_enabled:
        app.middleware(_reject_foreign_workspace)
    # Before the payload check, which ignores a request without a workspace in silence.
    app.middleware(_refuse_without_workspace)
    app.middleware(_refuse_incomplete_payload)
    app.error(_error_handler(app))
    handlers.register(app)
    return app


class TandemApp(App):
    """Bolt's App, its requests timed for ``/metrics`` when ``metrics`` is set.

    ``dispatch`` returns once the listener has acked (the work after ``ack()`` goes on in
    the listener executor), for HTTP and Socket Mode alike: a request's arrival to its ack.
    Middleware cannot time it: Bolt runs the listener after the middleware chain returns.
    """

    metrics: Metrics | None = None

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        if self.metrics is None:
            return super().dispatch(req)
        with self.metrics.timing_request(req.body):
            return super().dispatch(req)


class _BoltTokenNotice(logging.Filter):
    """Drops Bolt's notice that it ignores ``SLACK_BOT_TOKEN`` from the environment.

    Tandem reads its settings itself (environment or ``.env``) and always gives Bolt a client,
    never a token; Bolt still looks the variable up on its own and, finding it, warns that
    the client wins ("As you gave `client` as well, `token` will be unused") on every start.
    The client carries that very token (or, with OAuth, the installation store decides), so
    the line says nothing an operator could act on.
    """

    NOTICE = warning_client_prioritized_and_token_skipped()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.NOTICE


_BOLT_TOKEN_NOTICE = _BoltTokenNotice()


def _ignore_bolts_own_token_lookup() -> None:
    # The filter sits on the one logger Bolt's App warns through; adding it twice is a no-op.
    logging.getLogger("slack_bolt.App").addFilter(_BOLT_TOKEN_NOTICE)


def _tag_request_logs(next: Any) -> Any:
    """Give the request a log id when the web layer has not (Socket Mode requests).

    Bolt calls listeners after the middleware chain returns, so the id is set, not scoped;
    the listener executor copies it into the thread that runs the listener.
    """
    if logs.request_id.get() is None:
        logs.request_id.set(logs.new_request_id())
    return next()


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


def _refuse_without_workspace(
    body: dict[str, Any], context: BoltContext, next: Any
) -> BoltResponse | None:
    """An org-wide (Enterprise Grid) install can deliver a command or a click that names the
    org but no workspace (``team`` null, no ``user.team_id``). Every role, candidate and
    setting belongs to one workspace, so there is nothing Tandem may act on: say so, clearly,
    instead of guessing a workspace."""
    if context.team_id or not (body.get("command") or body.get("type") in INTERACTIVE_TYPES):
        return next()
    if not (isinstance(context.user_id, str) and SLACK_ID.fullmatch(context.user_id)):
        return next()  # no one to tell: the payload check ignores it
    logger.warning("refused %s: no workspace in the request", describe(body))
    if body.get("type") == "block_actions":
        # Slack shows nothing of a click's ack: the answer goes to the person directly.
        tell_privately(body, context, NO_WORKSPACE_MESSAGE)
        return BoltResponse(status=200, body="")
    return _refusal(body, "Not in a workspace", NO_WORKSPACE_MESSAGE)


def _refusal(body: dict[str, Any], title: str, text: str) -> BoltResponse:
    """Slack's way of saying ``text`` to the person behind ``body``, in the ack itself."""
    if body.get("type") == "view_submission":
        answer: dict[str, Any] = {
            "response_action": "update",
            "view": _message_modal(title, text),
        }
    elif body.get("command") or body.get("type") == "shortcut":
        answer = {"response_type": "ephemeral", "text": text}
    else:
        return BoltResponse(status=200, body="")
    return BoltResponse(
        status=200, body=json.dumps(answer), headers={"content-type": "application/json"}
    )


def _message_modal(title: str, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


def describe(body: dict[str, Any]) -> str:
    """What a request was, for a log line: kind, name, who, where."""
    kind = str(body.get("type") or ("command" if body.get("command") else "request"))
    if kind == "event_callback":
        event = body.get("event") if isinstance(body.get("event"), dict) else {}
        return f"event {event.get('type')} {body.get('event_id') or ''}".rstrip()
    if kind == "command":
        who, name = body.get("user_id"), body.get("command")
    else:
        user = body.get("user")
        who = user.get("id") if isinstance(user, dict) else None
        actions = body.get("actions")
        view = body.get("view")
        if isinstance(actions, list) and actions and isinstance(actions[0], dict):
            name = actions[0].get("action_id")
        elif isinstance(view, dict):
            name = view.get("callback_id")
        else:
            name = body.get("callback_id")
    return f"{kind} {name} by {who}"


def _refuse_incomplete_payload(
    body: dict[str, Any], context: BoltContext, next: Any
) -> BoltResponse | None:
    """Signed requests missing what every listener of their kind relies on, or with ids that
    are not Slack's (too long for the columns that store them): 200, one line.

    Slack always sends these fields; a request without them is forged or broken, and there
    is no one to tell (without a user id, not even whom to tell).
    """
    kind = body.get("type")
    missing = None
    ids = (context.user_id, context.team_id, context.enterprise_id, context.channel_id)
    if any(v is not None and not (isinstance(v, str) and SLACK_ID.fullmatch(v)) for v in ids):
        missing = "well-formed user, team or channel id"
    elif "response_url" in body and not _is_url(body["response_url"]):
        # Handlers answer through it; Slack's is always an https URL.
        missing = "well-formed response_url"
    elif body.get("event_id") is not None and not (
        isinstance(body["event_id"], str) and EVENT_ID.fullmatch(body["event_id"])
    ):
        missing = "well-formed event_id"
    elif (body.get("command") or kind in INTERACTIVE_TYPES) and not (
        context.user_id and context.team_id
    ):
        missing = "user or team"
    elif kind == "block_actions" and not (
        isinstance(body.get("actions"), list)
        and body["actions"]
        and all(isinstance(a, dict) for a in body["actions"])
    ):
        missing = "actions"
    elif kind in ("view_submission", "view_closed") and not (
        isinstance(body.get("view"), dict) and isinstance(body["view"].get("callback_id"), str)
    ):
        missing = "view"
    elif kind == "event_callback" and not (
        isinstance(body.get("event"), dict) and isinstance(body["event"].get("type"), str)
    ):
        missing = "event"
    if missing is None:
        return next()
    logger.warning("ignored %s: the payload has no %s", describe(body), missing)
    return BoltResponse(status=200, body="")


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and (value == "" or value.startswith(("https://", "http://")))


def tell_privately(body: dict[str, Any], context: BoltContext, text: str) -> None:
    """Say ``text`` to the person behind the request only: through the request's
    ``response_url`` when it has one, else in their DM with Tandem. Never raises."""
    try:
        if context.response_url and context.respond is not None:
            context.respond(text=text, response_type="ephemeral", replace_original=False)
        elif context.user_id and context.client is not None:
            # Deliberately not through the outbox: the failure being explained may be the
            # database itself (DATABASE_AWAY), where an outbox row could not be written.
            context.client.chat_postMessage(channel=context.user_id, text=text)
        else:
            logger.warning("could not tell anyone about the failure of %s", describe(body))
    except Exception as exc:
        logger.warning(
            "could not tell %s about a failure either: %s", context.user_id, one_line(exc)
        )


def _error_handler(app: App) -> Any:
    """Bolt's global error handler for ``app``.

    Before ``ack()`` the answer to Slack carries the apology (a modal update, an ephemeral
    reply). After ``ack()`` Bolt has answered already and a returned response would make it
    raise, so the person is told privately instead. A failed event is kept and retried by the
    ``retry-events`` job (see ``bot.services.events``). The operator gets one line.
    """

    def handle_error(
        error: Exception,
        body: dict[str, Any],
        context: BoltContext,
        response: BoltResponse | None,
    ) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            logger.warning("ignored %s: no listener for it", describe(body))
            return BoltResponse(status=200, body="") if response is not None else None
        outage = database_unreachable(error)
        logger.error(
            "%s failed%s: %s",
            describe(body),
            " (the database is unreachable)" if outage else "",
            one_line(error),
        )
        logger.debug("traceback of that failure", exc_info=error)
        kind = body.get("type")
        if kind == "event_callback":
            # Kept for the retry-events job (bot.services.events); Slack gets its 200. With
            # the database away it could not be kept there: it is retried from memory.
            if outage:
                retry_when_the_database_is_back(body, context)
            return None if response is None else BoltResponse(status=200, body="")
        if response is None:
            tell_privately(body, context, DATABASE_AWAY if outage else FAILED_AFTER_ACK)
            return None
        apology = DATABASE_AWAY if outage else SOMETHING_WENT_WRONG
        if kind == "view_submission":
            return BoltResponse(
                status=200,
                body=json.dumps(
                    {
                        "response_action": "update",
                        "view": _message_modal("Tandem", apology),
                    }
                ),
                headers={"content-type": "application/json"},
            )
        if body.get("command"):
            return BoltResponse(
                status=200,
                body=json.dumps({"response_type": "ephemeral", "text": apology}),
                headers={"content-type": "application/json"},
            )
        if context.user_id:
            # Slack shows nothing of an ack to a button or shortcut; tell them after answering.
            app.listener_runner.listener_executor.submit(tell_privately, body, context, apology)
        return BoltResponse(status=200, body="")

    return handle_error
