"""A stand-in for Slack's Web API: a real HTTP server on 127.0.0.1 that answers like Slack.

It records every call (method, parsed body, headers) and keeps just enough state — users,
channels and their members, posted messages, pins, views — for Tandem's flows to be driven
end to end without a workspace. Failures are injected per method (``bot.sandbox.faults``): an
HTTP status (429 with ``Retry-After``, 5xx), a Slack error such as ``channel_not_found``, a
slow answer, a dropped connection, a call held open forever, or a hook run after Slack acted
and before it answers (a test kills the caller there).

Posted messages keep their ``metadata``; ``conversations.history`` and
``conversations.replies`` return it with ``include_all_metadata``. The stand-in's ``ts``
values are counters, not times, so their ``oldest``/``latest`` bounds are compared with the
moment (on :attr:`~SlackStandin.clock`) each message was stored.

The app reaches it through ``SLACK_API_URL`` (``standin.api_url``), the same seam a real
deployment uses, so nothing in Tandem knows it is talking to a stand-in.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.sandbox.faults import Faults
from bot.sandbox.socket_standin import SocketModeStandin

TEAM_ID = "T0TANDEM"
TEAM_NAME = "Acme Talent"
BOT_USER_ID = "U0TANDEMBOT"
BOT_ID = "B0TANDEM"
APP_ID = "A0TANDEM"


# The tokens each method accepts: bot and user tokens (rotated ones start ``xoxe.``), an
# app-level token to open a Socket Mode connection, none for the OAuth exchange.
WEB_API_TOKENS = ("xoxb-", "xoxp-", "xoxe.xoxb-", "xoxe.xoxp-")
TOKEN_PREFIXES: dict[str, tuple[str, ...]] = {
    "oauth.v2.access": ("",),
    "apps.connections.open": ("xapp-",),
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float
    # What the stand-in answered (None while the call is in flight, or for injected failures).
    response: dict[str, Any] | None = None


@dataclass
class StandinUser:
    id: str
    name: str
    real_name: str
    tz: str = "America/New_York"
    is_admin: bool = False
    status_text: str = ""
    status_emoji: str = ""
    is_bot: bool = False
    team_id: str = TEAM_ID


@dataclass
class StandinChannel:
    id: str
    name: str
    is_private: bool = False
    members: set[str] = field(default_factory=set)
    is_archived: bool = False


def _decode(value: Any) -> Any:
    """Form-encoded Web API calls send nested structures (blocks, view) as JSON strings."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class SlackStandin(Faults):
    """Start with :meth:`start` (or as a context manager); point ``SLACK_API_URL`` at
    :attr:`api_url`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, StandinUser] = {}
        self.channels: dict[str, StandinChannel] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.pins: set[tuple[str, str]] = set()
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        # User groups: id -> (handle, member ids).
        self.usergroups: dict[str, tuple[str, set[str]]] = {}
        # Token rotation: tokens Slack no longer accepts (``token_expired``), refresh tokens
        # already exchanged (single-use, as Slack's are), and the exchanges made.
        self.expired_tokens: set[str] = set()
        self.spent_refresh_tokens: set[str] = set()
        self.rotations: list[dict[str, Any]] = []
        # What auth.test reports in ``x-oauth-scopes``; None: the manifest's bot scopes.
        self.granted_scopes: list[str] | None = None
        self._init_faults()
        self._released = threading.Event()
        self._stored_at: dict[tuple[str, str], float] = {}
        self._active = 0
        self._lock = threading.RLock()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.clock: Callable[[], float] = time.time
        # Slack's Socket Mode end, once enable_socket_mode() made one.
        self.socket_mode: SocketModeStandin | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SlackStandin:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                standin._serve(self)

            def do_GET(self) -> None:
                standin._serve(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()  # calls held open get their (late) answer now
        if self.socket_mode is not None:
            self.socket_mode.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SlackStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, name: str = "cmd") -> str:
        """A ``response_url`` for payloads; what the app posts there is recorded too."""
        return f"{self.url}/response/{name}"

    def enable_socket_mode(self) -> SocketModeStandin:
        """Turn Socket Mode on: ``apps.connections.open`` answers with a ``ws://`` URL of a
        :class:`~bot.sandbox.socket_standin.SocketModeStandin`, returned here."""
        if self.socket_mode is None:
            self.socket_mode = SocketModeStandin(app_id=APP_ID).start()
        return self.socket_mode

    # -- set-up helpers --------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, **kwargs: Any) -> StandinUser:
        user = StandinUser(id=user_id, name=name, real_name=kwargs.pop("real_name", name), **kwargs)
        self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        members: set[str] | None = None,
    ) -> StandinChannel:
        channel = StandinChannel(channel_id, name, is_private, set(members or set()))
        self.channels[channel_id] = channel
        return channel

    # -- queries for tests -----------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def last(self, method: str) -> Call:
        found = self.calls_to(method)
        assert found, f"no call to {method}; calls: {[c.method for c in self.calls]}"
        return found[-1]

    def methods(self) -> list[str]:
        with self._lock:
            return [c.method for c in self.calls]

    def calls_since(self, index: int) -> list[Call]:
        """The calls recorded after the first ``index`` (``len(calls)`` is a bookmark)."""
        with self._lock:
            return list(self.calls[index:])

    def channel_names(self) -> dict[str, str]:
        """Channel id → name, for every channel the stand-in knows."""
        with self._lock:
            return {c.id: c.name for c in self.channels.values()}

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages currently in the workspace (after updates), oldest first."""
        with self._lock:
            found = [m for (c, _), m in self.messages.items() if channel in (None, c)]
        return sorted(found, key=lambda m: float(m["ts"]))

    # -- HTTP ------------------------------------------------------------------------------

    @property
    def active(self) -> int:
        """Calls being answered right now (a delayed or held call counts until it ends)."""
        with self._lock:
            return self._active

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._active += 1
        try:
            self._serve_call(request)
        finally:
            with self._lock:
                self._active -= 1

    def _serve_call(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        content_type = request.headers.get("Content-Type", "")
        path = request.path.split("?", 1)[0]
        params: dict[str, Any] = {}
        if path.startswith("/upload/"):
            pass  # the body is the file itself, not form fields
        elif "json" in content_type and raw:
            params = json.loads(raw)
        else:
            params = {k: _decode(v) for k, v in parse_qsl(raw.decode(), keep_blank_values=True)}
        if path.startswith("/api/"):
            method = path.removeprefix("/api/")
        elif path.startswith("/response/"):
            method = "response_url"
            params["_name"] = path.removeprefix("/response/")
        elif path.startswith("/upload/"):
            method = "upload"
            file_id = path.removeprefix("/upload/")
            params = {"file_id": file_id, "bytes": len(raw)}
            with self._lock:
                # Kept so a transcript can show the file (``tandem demo --html`` embeds images).
                self.uploads.setdefault(file_id, {})["content"] = raw
        else:
            method = path
        headers = {k.lower(): v for k, v in request.headers.items()}
        call = Call(method, params, headers, self.clock())
        with self._lock:
            self.calls.append(call)
            failure = self._take_failure(method)
            pause = self._take_delay(method)
            interference = self._take_interference(method, params)
        if pause:
            time.sleep(pause)
        if interference is not None and interference.kind in ("drop", "hold"):
            if interference.process:
                with self._lock:
                    call.response = self._answer(method, params)
            if interference.kind == "hold":
                self._released.wait()
            request.close_connection = True
            with contextlib.suppress(OSError):
                request.connection.shutdown(socket.SHUT_RDWR)
            return
        if failure is not None and failure.status != 200:
            extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            error = failure.error or ("ratelimited" if failure.status == 429 else "internal_error")
            self._reply(request, failure.status, {"ok": False, "error": error}, extra)
            return
        if failure is not None:
            self._reply(request, 200, {"ok": False, "error": failure.error})
            return
        if method not in ("response_url", "upload", "oauth.v2.access"):
            token = headers.get("authorization", "").removeprefix("Bearer ").strip()
            token = token or str(params.get("token", ""))
            # apps.connections.open takes the app-level token, every other method a bot's
            # or a user's (TOKEN_PREFIXES).
            wanted = TOKEN_PREFIXES.get(method, WEB_API_TOKENS)
            if not token.startswith(wanted):
                known = token.startswith(("xapp-", *WEB_API_TOKENS))
                error = "not_allowed_token_type" if known else "not_authed"
                self._reply(request, 200, {"ok": False, "error": error})
                return
            if token in self.expired_tokens:
                self._reply(request, 200, {"ok": False, "error": "token_expired"})
                return
        with self._lock:
            body = self._answer(method, params)
            call.response = body
        if interference is not None and interference.hook is not None:
            interference.hook(call)
        with contextlib.suppress(OSError):
            self._reply(request, 200, body, self._headers_for(method))

    def _headers_for(self, method: str) -> dict[str, str]:
        if method != "auth.test":
            return {}
        # Slack reports a token's scopes in every answer's header; Bolt reads it off auth.test.
        scopes = self.granted_scopes
        if scopes is None:
            from bot.manifest import bot_scopes

            scopes = bot_scopes()
        return {"x-oauth-scopes": ",".join(scopes)}

    @staticmethod
    def _reply(
        request: BaseHTTPRequestHandler,
        status: int,
        body: dict[str, Any],
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for key, value in (extra_headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(data)

    # -- the Web API -----------------------------------------------------------------------

    def _next_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.{next(self._ids):06d}"

    def _user_json(self, user: StandinUser) -> dict[str, Any]:
        return {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "real_name": user.real_name,
            "tz": user.tz,
            "is_admin": user.is_admin,
            "is_bot": user.is_bot,
            "deleted": False,
            "profile": {
                "real_name": user.real_name,
                "display_name": user.name,
                "status_text": user.status_text,
                "status_emoji": user.status_emoji,
            },
        }

    def _channel_json(self, channel: StandinChannel) -> dict[str, Any]:
        return {
            "id": channel.id,
            "name": channel.name,
            "is_channel": not channel.is_private,
            "is_group": channel.is_private,
            "is_private": channel.is_private,
            "is_archived": channel.is_archived,
            "is_member": BOT_USER_ID in channel.members,
            "num_members": len(channel.members),
        }

    def _answer(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return {
                **ok,
                "url": "https://acme-talent.slack.com/",
                "team": TEAM_NAME,
                "user": "tandem",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "usergroups.list":
            return {
                **ok,
                "usergroups": [
                    {"id": group_id, "handle": handle, "name": handle.title(), "date_delete": 0}
                    for group_id, (handle, _members) in self.usergroups.items()
                ],
            }
        if method == "usergroups.users.list":
            group = self.usergroups.get(str(p.get("usergroup")))
            if group is None:
                return {"ok": False, "error": "no_such_subteam"}
            return {**ok, "users": sorted(group[1])}
        if method == "oauth.v2.access" and p.get("grant_type") == "refresh_token":
            return self._refresh(str(p.get("refresh_token", "")))
        if method == "apps.connections.open":
            if self.socket_mode is None:
                # No socket served: a URL nothing listens on (enough for ``tandem doctor``,
                # which does not connect); ``enable_socket_mode()`` serves a real one.
                return {**ok, "url": f"ws://127.0.0.1:9/link/?ticket=standin-{next(self._ids)}"}
            return {**ok, "url": self.socket_mode.open_url()}
        if method == "users.info":
            user = self.users.get(str(p.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {**ok, "user": self._user_json(user)}
        if method == "conversations.open":
            users = str(p.get("users", ""))
            return {**ok, "channel": {"id": "D" + users.replace(",", "")}}
        if method == "conversations.info":
            channel = self.channels.get(str(p.get("channel")))
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            return {**ok, "channel": self._channel_json(channel)}
        if method == "conversations.create":
            name = str(p.get("name", ""))
            if any(c.name == name for c in self.channels.values()):
                return {"ok": False, "error": "name_taken"}
            channel_id = f"C{next(self._ids):08d}"
            is_private = str(p.get("is_private", "")).lower() in ("1", "true")
            channel = self.add_channel(
                channel_id, name, is_private=is_private, members={BOT_USER_ID}
            )
            return {**ok, "channel": self._channel_json(channel)}
        if method == "conversations.list":
            # One page: a stand-in workspace has a handful of channels.
            listed = [
                self._channel_json(c)
                for c in self.channels.values()
                if not c.is_archived and (not c.is_private or BOT_USER_ID in c.members)
            ]
            return {**ok, "channels": listed, "response_metadata": {"next_cursor": ""}}
        if method == "conversations.join":
            channel = self.channels.get(str(p.get("channel")))
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            if channel.is_private and BOT_USER_ID not in channel.members:
                return {"ok": False, "error": "method_not_supported_for_channel_type"}
            channel.members.add(BOT_USER_ID)
            return {**ok, "channel": self._channel_json(channel)}
        if method == "conversations.invite":
            channel = self.channels.get(str(p.get("channel")))
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            if BOT_USER_ID not in channel.members:
                return {"ok": False, "error": "not_in_channel"}
            new = [u for u in str(p.get("users", "")).split(",") if u]
            if all(u in channel.members for u in new):
                return {"ok": False, "error": "already_in_channel"}
            channel.members.update(new)
            return {**ok, "channel": self._channel_json(channel)}
        if method == "conversations.members":
            channel = self.channels.get(str(p.get("channel")))
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            if channel.is_private and BOT_USER_ID not in channel.members:
                # Slack shows a private channel's members only to its members.
                return {"ok": False, "error": "channel_not_found"}
            members = sorted(channel.members)
            start = int(str(p.get("cursor") or 0))
            limit = int(str(p.get("limit") or 100))
            page = members[start : start + limit]
            more = start + limit < len(members)
            return {
                **ok,
                "members": page,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""},
            }
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            return self._post(method, p)
        if method in ("conversations.history", "conversations.replies"):
            return self._history(method, p)
        if method == "chat.delete":
            self.messages.pop((str(p.get("channel")), str(p.get("ts"))), None)
            return {**ok, "channel": p.get("channel"), "ts": p.get("ts")}
        if method == "pins.add":
            key = (str(p.get("channel")), str(p.get("timestamp")))
            if key in self.pins:
                return {"ok": False, "error": "already_pinned"}
            self.pins.add(key)
            return ok
        if method in ("views.open", "views.push", "views.update"):
            view = dict(p.get("view") or {})
            # An update by external_id keeps the view's id, as Slack does; a view pushed by an
            # ack (which the stand-in never saw) gets one here.
            external_id = p.get("external_id") or view.get("external_id")
            known = next(
                (
                    i
                    for i, v in self.views.items()
                    if external_id and v.get("external_id") == external_id
                ),
                None,
            )
            view_id = str(p.get("view_id") or known or f"V{next(self._ids):08d}")
            if external_id:
                view["external_id"] = external_id
            view.update({"id": view_id, "hash": f"{self._next_ts()}.hash"})
            self.views[view_id] = view
            return {**ok, "view": view}
        if method == "views.publish":
            view = dict(p.get("view") or {})
            self.home_views[str(p.get("user_id"))] = view
            return {**ok, "view": {**view, "id": f"V{next(self._ids):08d}"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):08d}"
            self.uploads[file_id] = {"filename": p.get("filename")}
            return {**ok, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = [
                {
                    "id": f.get("id"),
                    "title": f.get("title") or self.uploads.get(f.get("id"), {}).get("filename"),
                    "name": self.uploads.get(f.get("id"), {}).get("filename"),
                }
                for f in p.get("files") or []
            ]
            for shared in files:
                self.uploads.setdefault(str(shared["id"]), {})["title"] = shared["title"]
            channel_id = str(p.get("channel_id") or "")
            if channel_id:
                # Sharing into a channel posts a message carrying the files, as Slack does.
                posted = self._post(
                    "chat.postMessage",
                    {
                        "channel": channel_id,
                        "text": p.get("initial_comment", ""),
                        "thread_ts": p.get("thread_ts"),
                    },
                )
                if not posted.get("ok"):
                    return posted
                posted["message"]["files"] = files
            return {**ok, "files": files}
        return ok

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        """Token rotation: a new bot token and refresh token for a refresh token, once."""
        if not refresh_token.startswith("xoxe-") or refresh_token in self.spent_refresh_tokens:
            return {"ok": False, "error": "invalid_refresh_token"}
        self.spent_refresh_tokens.add(refresh_token)
        n = len(self.rotations) + 1
        answer = {
            "ok": True,
            "app_id": APP_ID,
            "access_token": f"xoxe.xoxb-1-rotated{n}-{next(self._ids):06d}",
            "refresh_token": f"xoxe-1-refresh{n}-{next(self._ids):06d}",
            "token_type": "bot",
            "expires_in": 43200,
            "scope": ",".join(self.granted_scopes or []),
            "bot_user_id": BOT_USER_ID,
            "team": {"id": TEAM_ID, "name": TEAM_NAME},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        self.rotations.append({"refresh_token": refresh_token, **answer})
        return answer

    def _post(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(p.get("channel", ""))
        if channel_id.startswith("D") and channel_id[1:] in self.users:
            # A person's IM channel: DMs are kept under their user id, however addressed.
            channel_id = channel_id[1:]
        if channel_id.startswith("C") or channel_id.startswith("G"):
            channel = self.channels.get(channel_id)
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            if BOT_USER_ID not in channel.members:
                return {"ok": False, "error": "not_in_channel"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "chat.update":
            key = (channel_id, str(p.get("ts")))
            if key not in self.messages:
                return {"ok": False, "error": "message_not_found"}
            message = self.messages[key]
            message.update({k: p[k] for k in ("text", "blocks") if k in p})
            message["edited"] = True
            return {"ok": True, "channel": channel_id, "ts": key[1], "message": message}
        ts = self._next_ts()
        message = {
            "channel": channel_id,
            "ts": ts,
            "text": p.get("text", ""),
            "blocks": p.get("blocks", []),
            "thread_ts": p.get("thread_ts"),
            "user": BOT_USER_ID,
        }
        if p.get("metadata"):
            message["metadata"] = _decode(p["metadata"])
        self.messages[(channel_id, ts)] = message
        self._stored_at[(channel_id, ts)] = self.clock()
        return {"ok": True, "channel": channel_id, "ts": ts, "message": message}

    def _history(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(p.get("channel", ""))
        # An IM channel ("D" + user id, as conversations.open answers) holds the DMs that
        # were posted to the user id.
        keys = {channel_id, channel_id[1:]} if channel_id.startswith("D") else {channel_id}
        channel = self.channels.get(channel_id)
        if channel_id[:1] in ("C", "G"):
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            if BOT_USER_ID not in channel.members:
                return {"ok": False, "error": "not_in_channel"}
        oldest = float(str(p.get("oldest") or 0))
        latest = float(str(p.get("latest") or "inf"))
        found = []
        for key, message in self.messages.items():
            stored = self._stored_at.get(key, 0.0)
            if key[0] not in keys or not oldest <= stored <= latest:
                continue
            thread_ts = message.get("thread_ts")
            if method == "conversations.replies":
                if message["ts"] != p.get("ts") and thread_ts != p.get("ts"):
                    continue
            elif thread_ts and thread_ts != message["ts"]:
                continue  # history shows a thread's parent, not its replies
            shown = {k: v for k, v in message.items() if k != "metadata"}
            if message.get("metadata") and str(p.get("include_all_metadata")).lower() in (
                "1",
                "true",
            ):
                shown["metadata"] = message["metadata"]
            found.append(shown)
        found.sort(key=lambda m: float(m["ts"]), reverse=method == "conversations.history")
        start = int(str(p.get("cursor") or 0))
        limit = int(str(p.get("limit") or 100))
        page = found[start : start + limit]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }
