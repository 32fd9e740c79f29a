"""What a person would see after a request: the app's HTTP answer and its Web API calls,
turned into transcript items.

Slack shows the effect of a request in two ways: the ack itself (an ephemeral answer to a
slash command, the next screen of a modal) and the Web API calls the app makes (messages,
edits, modals, pins). Plumbing calls (``users.info``, ``conversations.info``, ``auth.test``)
show nothing to anyone and are left out; so is anything Slack refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.clock import utcnow
from bot.demo.mrkdwn import dm_partner
from bot.demo.transcript import Item, Note, Post, SharedFile, Surface, Transcript
from bot.sandbox.slack_standin import Call, SlackStandin

# Calls that change nothing a person can see.
PLUMBING = {
    "auth.test",
    "users.info",
    "users.list",
    "conversations.info",
    "conversations.open",
    "conversations.members",
    "conversations.history",
    "conversations.replies",
    "files.getUploadURLExternal",
    "upload",
}


@dataclass(frozen=True)
class Context:
    """Where and by whom the request was made: decides who reads what came back."""

    actor: str | None  # who acted (None: the scheduler)
    reader: str  # whose eyes channel messages are shown through
    channel: str | None = None  # the channel the person acted in
    message_ts: str | None = None  # the message whose button was pressed


class Capture:
    """Keeps what has been shown so far, so edits can be shown as edits."""

    def __init__(self, transcript: Transcript, standin: SlackStandin) -> None:
        self.transcript = transcript
        self.standin = standin
        self._messages: dict[tuple[str, str], Post] = {}
        self._views: dict[str, Post] = {}
        self._view_readers: dict[str, str] = {}
        self._callbacks_shown: dict[str, str] = {}

    # -- bookkeeping -----------------------------------------------------------------------

    def mark(self) -> int:
        """A bookmark in the stand-in's call log; :meth:`calls_since` reads from it."""
        return len(self.standin.calls)

    def calls_since(self, mark: int) -> list[Call]:
        return self.standin.calls_since(mark)

    def sync_names(self) -> None:
        """Channel names as the stand-in knows them now (channels appear during the story)."""
        self.transcript.channels.update(self.standin.channel_names())

    def view_reader(self, view_id: str) -> str | None:
        return self._view_readers.get(view_id)

    def remember_view(self, view_id: str, reader: str, post: Post | None = None) -> None:
        self._view_readers[view_id] = reader
        if post is not None:
            self._views[view_id] = post

    def _modal(self, view: dict[str, Any], reader: str, at: datetime, **extra: Any) -> Post:
        callback = str(view.get("callback_id") or "")
        title = str((view.get("title") or {}).get("text", ""))
        repeat_of = self._callbacks_shown.get(callback) if callback and view.get("submit") else None
        if callback and callback not in self._callbacks_shown:
            self._callbacks_shown[callback] = title
        return Post(Surface.MODAL, at, reader, view=view, repeat_of=repeat_of, **extra)

    # -- the ack ---------------------------------------------------------------------------

    def from_ack(
        self,
        body: Any,
        context: Context,
        *,
        current_view: dict[str, Any] | None = None,
        new_view_id: str | None = None,
    ) -> tuple[list[Item], dict[str, Any] | None]:
        """Items for the app's HTTP answer, and the view it puts in front of the person
        (``push``/``update``; recorded under ``new_view_id``), if any."""
        now = utcnow()
        reader = context.actor or context.reader
        if not isinstance(body, dict):
            return [], None
        action = body.get("response_action")
        if action in ("push", "update") and isinstance(body.get("view"), dict):
            view = body["view"]
            post = self._modal(view, reader, now, edited=action == "update")
            if new_view_id is not None:
                self.remember_view(new_view_id, reader, post)
            return [post], view
        if action == "errors":
            errors = dict(body.get("errors") or {})
            return [Post(Surface.MODAL, now, reader, view=current_view or {}, errors=errors)], None
        if "text" in body or "blocks" in body:
            in_channel = body.get("response_type") == "in_channel"
            post = Post(
                Surface.CHANNEL if in_channel else Surface.EPHEMERAL,
                now,
                reader if not in_channel else context.reader,
                channel=context.channel,
                text=str(body.get("text") or ""),
                blocks=list(body.get("blocks") or []),
            )
            return [post], None
        return [], None

    # -- Web API calls ---------------------------------------------------------------------

    def from_calls(self, calls: list[Call], context: Context) -> list[Item]:
        """Items for the Web API calls made while handling one request (or one job run)."""
        self.sync_names()
        items: list[Item] = []
        for call in calls:
            if call.method in PLUMBING or call.response is None:
                continue
            if not call.response.get("ok", False):
                continue  # Slack refused: nobody sees anything
            items += self._from_call(call, context)
        return items

    def _from_call(self, call: Call, context: Context) -> list[Item]:
        p = call.params
        at = datetime.fromtimestamp(call.at, UTC)
        method = call.method
        if method == "chat.postMessage":
            return [self._message(call, at, context)]
        if method == "chat.update":
            key = (str(p.get("channel")), str(p.get("ts")))
            previous = self._messages.get(key)
            post = self._message(call, at, context, edited=True, previous=previous)
            post.pinned = key in self.standin.pins
            return [post]
        if method == "chat.postEphemeral":
            return [
                Post(
                    Surface.EPHEMERAL,
                    at,
                    str(p.get("user")),
                    channel=str(p.get("channel")),
                    text=str(p.get("text") or ""),
                    blocks=list(p.get("blocks") or []),
                )
            ]
        if method == "response_url":
            return self._response_url(call, at, context)
        if method in ("views.open", "views.push"):
            reader = context.actor or context.reader
            view = dict(p.get("view") or {})
            post = self._modal(view, reader, at)
            view_id = str(((call.response or {}).get("view") or {}).get("id") or "")
            if view_id:
                self.remember_view(view_id, reader, post)
            return [post]
        if method == "views.update":
            view_id = str(p.get("view_id") or "")
            reader = self._view_readers.get(view_id) or context.actor or context.reader
            view = dict(p.get("view") or {})
            post = self._modal(view, reader, at, edited=True, previous=self._views.get(view_id))
            self.remember_view(view_id, reader, post)
            return [post]
        if method == "views.publish":
            return [Post(Surface.HOME, at, str(p.get("user_id")), view=dict(p.get("view") or {}))]
        if method == "conversations.create":
            channel = ((call.response or {}).get("channel") or {}).get("id")
            return [Note(at, f"Tandem created <#{channel}>.")]
        if method == "conversations.join":
            return [Note(at, f"Tandem joined <#{p.get('channel')}>.")]
        if method == "conversations.invite":
            users = [u for u in str(p.get("users", "")).split(",") if u]
            mentions = ", ".join(f"<@{u}>" for u in users)
            return [Note(at, f"Tandem invited {mentions} to <#{p.get('channel')}>.")]
        if method == "pins.add":
            key = (str(p.get("channel")), str(p.get("timestamp")))
            if key in self._messages:
                self._messages[key].pinned = True
            return [Note(at, f":pushpin: Tandem pinned its message in <#{p.get('channel')}>.")]
        if method == "chat.delete":
            return [Note(at, f"Tandem deleted one of its messages in <#{p.get('channel')}>.")]
        if method == "files.completeUploadExternal":
            return self._files(call, at, context)
        return []

    def _surface(self, channel: str, thread_ts: Any) -> tuple[Surface, str | None]:
        partner = dm_partner(channel, self.transcript)
        if partner is not None:
            return Surface.DM, partner
        return (Surface.THREAD if thread_ts else Surface.CHANNEL), None

    def _message(
        self,
        call: Call,
        at: datetime,
        context: Context,
        *,
        edited: bool = False,
        previous: Post | None = None,
    ) -> Post:
        p = call.params
        channel = str(p.get("channel") or (call.response or {}).get("channel") or "")
        thread_ts = p.get("thread_ts")
        if previous is not None:
            surface, partner = previous.surface, None
            if surface == Surface.DM:
                partner = previous.reader
        else:
            surface, partner = self._surface(channel, thread_ts)
        post = Post(
            surface,
            at,
            partner or context.reader,
            channel=channel,
            text=str(p.get("text") or ""),
            blocks=list(p.get("blocks") or []),
            edited=edited,
            previous=previous,
        )
        ts = str((call.response or {}).get("ts") or p.get("ts") or "")
        if ts:
            self._messages[(channel, ts)] = post
        return post

    def _response_url(self, call: Call, at: datetime, context: Context) -> list[Item]:
        p = call.params
        reader = context.actor or context.reader
        key = (context.channel or "", context.message_ts or "")
        if p.get("delete_original") in (True, "true"):
            return [Note(at, "Tandem removed the message.")]
        if p.get("replace_original") in (True, "true") and key in self._messages:
            previous = self._messages[key]
            post = Post(
                previous.surface,
                at,
                previous.reader,
                channel=previous.channel,
                text=str(p.get("text") or ""),
                blocks=list(p.get("blocks") or []),
                edited=True,
                previous=previous,
            )
            self._messages[key] = post
            return [post]
        in_channel = p.get("response_type") == "in_channel"
        return [
            Post(
                Surface.CHANNEL if in_channel else Surface.EPHEMERAL,
                at,
                context.reader if in_channel else reader,
                channel=context.channel,
                text=str(p.get("text") or ""),
                blocks=list(p.get("blocks") or []),
            )
        ]

    def _files(self, call: Call, at: datetime, context: Context) -> list[Item]:
        p = call.params
        files = []
        for shared in (call.response or {}).get("files") or []:
            upload = self.standin.uploads.get(str(shared.get("id")), {})
            files.append(
                SharedFile(
                    id=str(shared.get("id")),
                    name=str(upload.get("filename") or shared.get("name") or "file"),
                    title=str(shared.get("title") or upload.get("filename") or ""),
                    content=upload.get("content"),
                )
            )
        channel = str(p.get("channel_id") or "")
        if not channel:
            return [Note(at, f"Tandem uploaded {len(files)} file(s) without sharing them.")]
        surface, partner = self._surface(channel, p.get("thread_ts"))
        return [
            Post(
                surface,
                at,
                partner or context.reader,
                channel=channel,
                text=str(p.get("initial_comment") or ""),
                files=files,
            )
        ]
