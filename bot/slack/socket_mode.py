"""The Socket Mode connection: Bolt's built-in handler, plus a watch that keeps it connected.

slack_sdk's built-in client reconnects when Slack asks it to (``disconnect``) or closes the
WebSocket properly, but when the TCP connection ends without a WebSocket goodbye (a network
cut, a proxy or load balancer restarting) its reader keeps reading the end of the stream in
a busy loop and it notices only when five pings in a row have failed, about a minute later,
while ``is_connected()`` still says yes. :class:`SocketModeConnection` watches the socket
itself (a non-blocking peek: an empty read means the peer closed it), drops a dead
connection at once and opens a new one (a new ``apps.connections.open``), retrying with
backoff while Slack cannot be reached, and says so in one log line per change.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.failures import one_line

logger = logging.getLogger(__name__)

WATCH_INTERVAL_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0


def _peer_closed(sock: Any) -> bool:
    """Whether the other end closed ``sock`` (its TCP stream is at its end).

    A peek at a duplicate of the raw descriptor, under TLS too: it takes nothing from the
    client's reader, and the duplicate has no timeout of its own, so it never waits."""
    try:
        peeker = socket.socket(fileno=os.dup(sock.fileno()))
    except (OSError, ValueError):
        return True  # closed under us
    try:
        return peeker.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False  # open, nothing to read yet
    except OSError:
        return True  # reset
    finally:
        peeker.close()  # the duplicate only


class WebSocketFailed(Exception):
    """``apps.connections.open`` gave a URL, but no WebSocket opened there (``str()``: why)."""


class SocketModeConnection:
    """``connect()`` once (raises what the first attempt met), then :meth:`connected` for
    ``/healthz``, and :meth:`close` at shutdown."""

    def __init__(self, app: App, app_token: str) -> None:
        # The client logs through slack_sdk's logger (WARNING unless TANDEM_LOG_LEVEL=DEBUG):
        # its INFO lines narrate every reconnect; this module says what matters once.
        self.handler = SocketModeHandler(
            app, app_token, logger=logging.getLogger("slack_sdk.socket_mode")
        )
        self.client = self.handler.client
        self._errors: list[Exception] = []
        self.client.on_error_listeners.append(self._errors.append)
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None
        self._was_connected = False

    def connect(self) -> None:
        """Open the first connection; raise the reason (a SlackApiError from
        ``apps.connections.open``, or what the WebSocket met) when it did not open."""
        self._errors.clear()
        self.handler.connect()
        if not self.client.is_connected():
            raise WebSocketFailed(self._last_error())
        self._was_connected = True
        self._watch = threading.Thread(target=self._keep_connected, name="socket-watch")
        self._watch.daemon = True
        self._watch.start()

    def connected(self) -> bool:
        session = self.client.current_session
        return (
            not self.client.closed
            and session is not None
            and session.is_active()
            and not _peer_closed(session.sock)
        )

    def close(self) -> None:
        self._stop.set()
        if self._watch is not None:
            self._watch.join(timeout=5)
        self.handler.close()

    def _keep_connected(self) -> None:
        wait, retry = WATCH_INTERVAL_SECONDS, 1.0
        while not self._stop.wait(wait):
            if self.connected():
                if not self._was_connected:
                    logger.info("Socket Mode: connected to Slack again")
                    self._was_connected = True
                wait, retry = WATCH_INTERVAL_SECONDS, 1.0
                continue
            if self._was_connected:
                logger.warning("Socket Mode: the connection to Slack was lost; reconnecting")
                self._was_connected = False
            session = self.client.current_session
            if session is not None and session.is_active():
                session.disconnect()  # ends its reader's loop over a finished stream
            self._errors.clear()
            try:
                self.client.connect_to_new_endpoint()
                problem = None if self.client.is_connected() else self._last_error()
            except SlackApiError as exc:
                error = exc.response.get("error") if exc.response is not None else None
                problem = f"apps.connections.open answered {error}"
            except Exception as exc:
                problem = one_line(exc)
            if problem is None:
                logger.info("Socket Mode: connected to Slack again")
                self._was_connected = True
                wait, retry = WATCH_INTERVAL_SECONDS, 1.0
                continue
            # Slack unreachable or refusing: try again, less and less often.
            logger.warning(
                "Socket Mode: cannot reconnect yet (%s); next try in %g s", problem, retry
            )
            wait, retry = retry, min(MAX_RETRY_SECONDS, retry * 2)

    def _last_error(self) -> str:
        return one_line(self._errors[-1]) if self._errors else "the WebSocket handshake was refused"
