"""Slack's Socket Mode end, for the stand-in: a WebSocket server on 127.0.0.1.

In Socket Mode an app calls ``apps.connections.open`` with its app-level token (``xapp-…``)
and gets a WebSocket URL; it connects, Slack greets it with ``{"type": "hello", …}`` and from
then on delivers every slash command, interaction and event as an *envelope*::

    {"envelope_id": "…", "type": "slash_commands" | "interactive" | "events_api",
     "payload": {…the body Slack would have POSTed…}, "accepts_response_payload": true}

which the app acknowledges, within 3 seconds, with ``{"envelope_id": "…", "payload": {…}}``
(the payload is what an HTTP answer's body would have been: a modal's ``response_action``, a
command's reply). Slack refreshes connections now and then by sending ``{"type":
"disconnect", "reason": "refresh_requested"}``: the app opens a new connection, then the old
one closes. A network can also just drop the TCP connection.

:class:`SocketModeStandin` serves exactly that (RFC 6455 framing, the standard library only):
:meth:`~bot.sandbox.slack_standin.SlackStandin.enable_socket_mode` makes the Web API stand-in
answer ``apps.connections.open`` with a one-use ``ws://127.0.0.1:…`` URL of this server. A test
:meth:`send`\\ s envelopes, waits for their acks (:meth:`wait_ack`, which records when each came
back), and asks for a :meth:`disconnect` or :meth:`drop`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

# RFC 6455 §1.3: the key the server hashes into Sec-WebSocket-Accept.
_WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_TEXT, _CLOSE, _PING, _PONG, _CONTINUATION = 0x1, 0x8, 0x9, 0xA, 0x0
ENVELOPE_TYPES = ("slash_commands", "interactive", "events_api")


class ProtocolError(Exception):
    """The app sent bytes that are not a WebSocket frame a client may send."""


@dataclass
class Ack:
    """The app's answer to one envelope: its ``payload`` (None when it sent none)."""

    envelope_id: str
    payload: dict[str, Any] | None
    link: int
    # time.monotonic() when it arrived, and how long after the envelope was sent.
    at: float
    after: float


@dataclass
class Envelope:
    envelope_id: str
    type: str
    payload: dict[str, Any]
    link: int
    sent_at: float


@dataclass
class Link:
    """One WebSocket connection the app opened (``number`` counts from 1)."""

    number: int
    sock: socket.socket
    greeted: bool = False
    closed: bool = False
    # Why it ended: "closed by the app", "dropped", "stopped", or what went wrong reading.
    ended_by: str = ""
    # Every text message the app sent that is not an ack (there should be none).
    other_messages: list[Any] = field(default_factory=list)
    _send_lock: threading.Lock = field(default_factory=threading.Lock)

    def send_frame(self, opcode: int, data: bytes) -> None:
        # Server frames are never masked (RFC 6455 §5.1).
        length = len(data)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self._send_lock:
            self.sock.sendall(header + data)

    def send_json(self, message: dict[str, Any]) -> None:
        self.send_frame(_TEXT, json.dumps(message).encode())


class SocketModeStandin:
    """Start with :meth:`start`; ``SlackStandin.enable_socket_mode()`` does it for you."""

    def __init__(self, *, app_id: str = "A0TANDEM") -> None:
        self.app_id = app_id
        self.links: list[Link] = []
        self.acks: dict[str, Ack] = {}
        self.envelopes: dict[str, Envelope] = {}
        # Every URL handed out by apps.connections.open (a new one for each connection).
        self.urls: list[str] = []
        self._tickets: set[str] = set()
        self._changed = threading.Condition()
        self._listener: socket.socket | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._numbers = itertools.count(1)
        self._stopping = False

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SocketModeStandin:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)
        self._listener = listener
        self._port = int(listener.getsockname()[1])
        self._thread = threading.Thread(target=self._accept, name="socket-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
        for link in list(self.links):
            self._close(link, "stopped")

    @property
    def port(self) -> int:
        """Its port (kept after :meth:`stop`: URLs handed out then lead nowhere)."""
        assert self._port is not None, "start() the Socket Mode stand-in first"
        return self._port

    def open_url(self) -> str:
        """A new one-use URL: what ``apps.connections.open`` answers."""
        ticket = uuid.uuid4().hex
        url = f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}"
        with self._changed:
            self._tickets.add(ticket)
            self.urls.append(url)
        return url

    # -- what a test does ------------------------------------------------------------------

    @property
    def current(self) -> Link | None:
        """The newest greeted connection still open (where Slack sends envelopes)."""
        with self._changed:
            live = [link for link in self.links if link.greeted and not link.closed]
        return live[-1] if live else None

    def wait_connected(self, links: int = 1, timeout: float = 30.0) -> Link:
        """Until the app has opened its ``links``-th connection (counting every one it ever
        opened) and moved onto it: greeted, open, and every older one closed. Returns it."""

        def ready() -> bool:
            greeted = [link for link in self.links if link.greeted]
            return (
                len(greeted) >= links
                and not greeted[-1].closed
                and all(link.closed for link in self.links if link is not greeted[-1])
            )

        with self._changed:
            if not self._changed.wait_for(ready, timeout):
                raise TimeoutError(
                    f"the app did not open connection {links} within {timeout:g} s "
                    f"({len(self.links)} opened, {len(self.urls)} URLs handed out; ended: "
                    f"{[link.ended_by for link in self.links if link.closed]})"
                )
        link = self.current
        assert link is not None
        return link

    def send(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
    ) -> str:
        """Deliver ``payload`` as an envelope of ``type`` on the current connection; returns
        its ``envelope_id``. Slack lets commands and interactions answer with a payload;
        events are only acknowledged."""
        if type not in ENVELOPE_TYPES:
            raise ValueError(f"Slack sends no {type!r} envelopes")
        link = self.current
        if link is None:
            raise RuntimeError("the app holds no open Socket Mode connection")
        envelope_id = str(uuid.uuid4())
        message: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": type,
            "accepts_response_payload": (
                type != "events_api"
                if accepts_response_payload is None
                else accepts_response_payload
            ),
        }
        if type == "events_api":
            message["retry_attempt"] = retry_attempt
            message["retry_reason"] = "timeout" if retry_attempt else ""
        with self._changed:
            self.envelopes[envelope_id] = Envelope(
                envelope_id, type, payload, link.number, time.monotonic()
            )
        link.send_json(message)
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> Ack:
        """The app's ack of ``envelope_id``, once it comes (TimeoutError if it does not)."""
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self.acks, timeout):
                raise TimeoutError(f"no ack of envelope {envelope_id} within {timeout:g} s")
            return self.acks[envelope_id]

    def disconnect(self, reason: str = "refresh_requested") -> Link:
        """Ask the app to move to a new connection, as Slack does every few hours. The old
        connection stays open until the app closes it (Slack closes it a little later)."""
        link = self.current
        if link is None:
            raise RuntimeError("the app holds no open Socket Mode connection")
        link.send_json(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin"}}
        )
        return link

    def drop(self) -> Link:
        """Cut the current connection's TCP stream with no WebSocket goodbye (a network
        failure, a load balancer restarting)."""
        link = self.current
        if link is None:
            raise RuntimeError("the app holds no open Socket Mode connection")
        self._close(link, "dropped")
        return link

    # -- serving ---------------------------------------------------------------------------

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopping:
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            threading.Thread(
                target=self._serve, args=(sock,), name="socket-standin-link", daemon=True
            ).start()

    def _serve(self, sock: socket.socket) -> None:
        link = Link(next(self._numbers), sock)
        with self._changed:
            self.links.append(link)
            self._changed.notify_all()
        try:
            if not self._handshake(link):
                return
            link.send_json(
                {
                    "type": "hello",
                    "num_connections": sum(1 for x in self.links if x.greeted and not x.closed) + 1,
                    "debug_info": {
                        "host": "applink-standin",
                        "build_number": 1,
                        "approximate_connection_time": 18060,
                    },
                    "connection_info": {"app_id": self.app_id},
                }
            )
            with self._changed:
                link.greeted = True
                self._changed.notify_all()
            self._read(link)
            self._close(link, "closed by the app")
        except (OSError, ProtocolError) as exc:
            self._close(link, f"{type(exc).__name__}: {exc}")
        finally:
            self._close(link, "ended")

    def _handshake(self, link: Link) -> bool:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = link.sock.recv(4096)
            if not chunk:
                return False
            request += chunk
        head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        request_line, *header_lines = head.split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        target = request_line.split(" ")[1] if " " in request_line else ""
        ticket = (parse_qs(urlsplit(target).query).get("ticket") or [""])[0]
        with self._changed:
            known = ticket in self._tickets
            self._tickets.discard(ticket)  # each URL opens one connection
        key = headers.get("sec-websocket-key")
        if not known or not key or headers.get("upgrade", "").lower() != "websocket":
            link.sock.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return False
        accept = base64.b64encode(hashlib.sha1((key + _WEBSOCKET_GUID).encode()).digest())
        link.sock.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        return True

    def _read(self, link: Link) -> None:
        buffer = bytearray()
        message = bytearray()
        while True:
            opcode, fin, data = self._frame(link.sock, buffer)
            if opcode == _PING:
                link.send_frame(_PONG, data)
            elif opcode == _PONG:
                pass
            elif opcode == _CLOSE:
                with contextlib.suppress(OSError):
                    link.send_frame(_CLOSE, data[:2])
                return
            elif opcode in (_TEXT, _CONTINUATION):
                message += data
                if fin:
                    self._received(link, bytes(message))
                    message.clear()
            else:
                raise ProtocolError(f"unexpected opcode {opcode}")

    @staticmethod
    def _frame(sock: socket.socket, buffer: bytearray) -> tuple[int, bool, bytes]:
        def take(count: int) -> bytes:
            while len(buffer) < count:
                chunk = sock.recv(65536)
                if not chunk:
                    raise OSError("the app closed the connection")
                buffer.extend(chunk)
            taken = bytes(buffer[:count])
            del buffer[:count]
            return taken

        first, second = take(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", take(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", take(8))
        if not second & 0x80:
            raise ProtocolError("a client frame must be masked")
        mask = take(4)
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(take(length)))
        return first & 0x0F, bool(first & 0x80), data

    def _received(self, link: Link, raw: bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            message = raw.decode("utf-8", "replace")
        now = time.monotonic()
        with self._changed:
            envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
            envelope = self.envelopes.get(str(envelope_id))
            if envelope is None:
                link.other_messages.append(message)
            elif envelope_id not in self.acks:
                payload = message.get("payload")
                self.acks[envelope.envelope_id] = Ack(
                    envelope.envelope_id,
                    payload if isinstance(payload, dict) else None,
                    link.number,
                    now,
                    now - envelope.sent_at,
                )
            self._changed.notify_all()

    def _close(self, link: Link, why: str) -> None:
        with self._changed:
            if link.closed:
                return
            link.closed = True
            link.ended_by = why
            self._changed.notify_all()
        with contextlib.suppress(OSError):
            link.sock.shutdown(socket.SHUT_RDWR)
        link.sock.close()
