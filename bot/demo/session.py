"""The demo's hands and eyes: what a step can do (type a command, press a button, fill a
modal, let time pass) and look at (the pinned brief, a thread), each recorded as it happens.

Every action is what a person does in Slack — so it reaches the app as a signed request —
and every look is at the stand-in's copy of the workspace, as a person would look at their
screen. Steps never touch the app's database or call its functions; that is what makes the
demo a faithful picture of the product.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.text import escape_mrkdwn
from bot.clock import utcnow
from bot.demo.capture import Capture, Context
from bot.demo.clock import SimulatedClock
from bot.demo.mrkdwn import readable_date
from bot.demo.transcript import Action, Item, Note, Person, Section, Transcript
from bot.sandbox import requests as slack_requests
from bot.sandbox.driver import Reply, SandboxApp
from bot.sandbox.modals import input_blocks
from bot.sandbox.slack_standin import SlackStandin

# Between two moments of the story, the scheduler's jobs run at this interval of simulated
# time (``tandem run`` ticks every minute; hourly is fine-grained enough for reminders that
# are due at a working hour, and keeps weeks of story fast).
JOB_TICK = timedelta(hours=1)


# The story's steps are minutes apart; the clock also runs while the sandbox starts (a
# second or more on a busy machine), so the first step may find its moment just passed.
SETUP_SLACK = timedelta(seconds=30)


class DemoError(RuntimeError):
    """The app did not do what the story needs (a button missing, a modal refused)."""


@dataclass(frozen=True)
class Message:
    """A message as a person sees it in Slack (the stand-in's copy)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None

    def buttons(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Button label → (block id, button element)."""
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        for index, block in enumerate(self.blocks):
            block_id = str(block.get("block_id") or f"block-{index}")
            elements = list(block.get("elements", []))
            if block.get("accessory"):
                elements.append(block["accessory"])
            for element in elements:
                if element.get("type") == "button":
                    found[str(element["text"]["text"])] = (block_id, element)
        return found


@dataclass
class OpenModal:
    """The modal in front of one person, and the conversation it was opened from."""

    view: dict[str, Any]
    view_id: str
    channel: str | None


@dataclass(frozen=True)
class Cast:
    """The people of the story."""

    recruiter: Person
    hiring_manager: Person
    interviewers: tuple[Person, ...]

    @property
    def everyone(self) -> tuple[Person, ...]:
        return (self.recruiter, self.hiring_manager, *self.interviewers)


@dataclass
class Demo:
    """One run of the story: the app, the clock, the transcript being written."""

    app: SandboxApp
    clock: SimulatedClock
    transcript: Transcript
    cast: Cast
    general: str = "C0GENERAL"
    capture: Capture = field(init=False)
    section: Section | None = field(init=False, default=None)
    _modals: dict[str, OpenModal] = field(init=False, default_factory=dict)
    _view_ids: Iterator[int] = field(init=False, default_factory=lambda: itertools.count(1))
    # Labels of options picked from searchable menus, by (block id, value), for the narration.
    _picked: dict[tuple[str, str], str] = field(init=False, default_factory=dict)
    jobs_run: set[str] = field(init=False, default_factory=set)
    on_section_end: Callable[[Section], None] | None = None

    def __post_init__(self) -> None:
        self.capture = Capture(self.transcript, self.app.standin)

    @property
    def standin(self) -> SlackStandin:
        return self.app.standin

    # -- the workspace ---------------------------------------------------------------------

    def set_up_workspace(self) -> None:
        """Register the people with the stand-in (as Slack knows them) and a #general."""
        for person in self.cast.everyone:
            self.standin.add_user(
                person.id, person.handle, real_name=person.real_name, tz=person.tz
            )
            self.transcript.people[person.id] = person
        members = {p.id for p in self.cast.everyone}
        self.standin.add_channel(self.general, "general", members=members)
        self.capture.sync_names()

    # -- sections --------------------------------------------------------------------------

    def begin(self, number: int, total: int, title: str, about: str) -> Section:
        """Start recording a step; channel messages are shown as the hiring manager sees them
        unless the step says otherwise with :meth:`read_as`."""
        self.section = Section(
            number=number,
            total=total,
            title=title,
            about=about,
            started_at=self.clock.now(),
            reader=self.cast.hiring_manager.id,
        )
        self.transcript.sections.append(self.section)
        return self.section

    def end(self) -> Section:
        section = self._current()
        self.capture.sync_names()
        if self.on_section_end is not None:
            self.on_section_end(section)
        self.section = None
        return section

    def read_as(self, person: Person) -> None:
        """Show this step's channel messages as ``person`` sees them (names, time zone)."""
        self._current().reader = person.id

    def _current(self) -> Section:
        if self.section is None:
            raise RuntimeError("no step is being recorded")
        return self.section

    # -- time ------------------------------------------------------------------------------

    def day(self, number: int, person: Person, clock_time: str) -> datetime:
        """Day ``number`` of the story (0 is the first Monday) at ``clock_time`` in
        ``person``'s time zone: "on day 1 at 09:15 in London"."""
        first = self.clock.start.astimezone(ZoneInfo(person.tz)).date()
        day = first + timedelta(days=number)
        return datetime.combine(day, time.fromisoformat(clock_time), tzinfo=ZoneInfo(person.tz))

    def today(self, person: Person) -> date:
        """The date on ``person``'s calendar now."""
        return self.clock.now().astimezone(ZoneInfo(person.tz)).date()

    def wait_until(self, when: datetime, *, tick: timedelta = JOB_TICK) -> None:
        """Let time pass until ``when``, the scheduler's jobs running on the hour (every
        :data:`JOB_TICK` of simulated time) as ``tandem run`` would run them, and once more at
        ``when``; whatever they post is recorded. A long quiet stretch (weeks after a hire)
        may pass with a coarser ``tick``; every job is idempotent, so it only runs less often."""
        now = self.clock.now()
        if when < now - SETUP_SLACK:
            raise DemoError(f"time only moves forward: {when:%a %d %b %H:%M %Z} has passed")
        seconds = tick.total_seconds()
        moment = datetime.fromtimestamp((now.timestamp() // seconds + 1) * seconds, UTC)
        while moment < when:
            self.clock.move_to(moment)
            self.run_jobs()
            moment += tick
        self.clock.move_to(when)
        self.run_jobs()

    def run_jobs(self) -> dict[str, int]:
        """One scheduler tick at the simulated now (``bot.scheduler.runner.run_all_once``)."""
        mark = self.capture.mark()
        done = self.app.run_jobs()
        self.jobs_run.update(done)
        items = self.capture.from_calls(
            self.capture.calls_since(mark), Context(actor=None, reader=self._current().reader)
        )
        if items:
            busy = ", ".join(f"{name} ({count})" for name, count in done.items() if count)
            self._record(Action(self.clock.now(), None, f"runs its jobs: {busy or 'no changes'}"))
            self._record(*items)
        return done

    # -- doing things in Slack -------------------------------------------------------------

    def slash(
        self, person: Person, command: str, text: str = "", *, channel: str | None = None
    ) -> Reply:
        """``person`` types ``command text`` in ``channel`` (default #general)."""
        channel = channel or self.general
        typed = f"{command} {text}".strip()
        self._record(Action(self.clock.now(), person.id, f"runs `{typed}` in <#{channel}>"))
        mark = self.capture.mark()
        reply = self.app.command(
            command,
            text,
            user=person.id,
            channel_id=channel,
            channel_name=self.transcript.channels.get(channel, channel),
            trigger_id=slack_requests.new_trigger_id(),
            response_url=self.standin.response_url(command.strip("/")),
        )
        self._after(reply, person, mark, Context(person.id, self._current().reader, channel))
        return reply

    def open_home(self, person: Person) -> Reply:
        """``person`` opens Tandem's Home tab (Slack sends ``app_home_opened``)."""
        self._record(Action(self.clock.now(), person.id, "opens Tandem's Home tab"))
        mark = self.capture.mark()
        event = {
            "type": "app_home_opened",
            "user": person.id,
            "channel": f"D{person.id}",
            "tab": "home",
            "event_ts": f"{self.clock.now().timestamp():.6f}",
        }
        reply = self.app.event(event)
        self._after(reply, person, mark, Context(person.id, self._current().reader))
        return reply

    def press(self, person: Person, message: Message, label: str, *, on: str) -> Reply:
        """``person`` presses the button labelled ``label`` on ``message`` (described in the
        narration as ``on``, e.g. "the brief")."""
        buttons = message.buttons()
        if label not in buttons:
            raise DemoError(f"no [{label}] button on {on}; it has {sorted(buttons)}")
        block_id, button = buttons[label]
        self._record(Action(self.clock.now(), person.id, f"presses [{label}] on {on}"))
        mark = self.capture.mark()
        payload = slack_requests.block_action_payload(
            user_id=person.id,
            action_id=str(button["action_id"]),
            value=str(button.get("value", "")),
            block_id=block_id,
            channel_id=message.channel,
            message_ts=message.ts,
            message={
                "text": message.text,
                "blocks": message.blocks,
                "thread_ts": message.thread_ts,
            },
            response_url=self.standin.response_url(str(button["action_id"])),
            button_text=label,
            trigger_id=slack_requests.new_trigger_id(),
        )
        reply = self.app.interact(payload)
        context = Context(person.id, self._current().reader, message.channel, message.ts)
        self._after(reply, person, mark, context)
        return reply

    def modal(self, person: Person) -> dict[str, Any]:
        """The modal in front of ``person`` now."""
        opened = self._modals.get(person.id)
        if opened is None:
            raise DemoError(f"{person.first_name} has no modal open")
        return opened.view

    def pick(self, person: Person, block_id: str, typed: str) -> str:
        """``person`` types ``typed`` into the searchable menu ``block_id`` of their modal (Slack
        asks the app for the options) and picks the first one offered; its value."""
        opened = self._modals.get(person.id)
        if opened is None:
            raise DemoError(f"{person.first_name} has no modal open")
        reply = self.app.suggest(
            opened.view, block_id, typed, user=person.id, view_id=opened.view_id
        )
        offered = (reply.json or {}).get("options") or [] if reply.body.startswith("{") else []
        if not offered:
            raise DemoError(f"nothing offered for {typed!r} in {block_id}")
        choice = offered[0]
        self._picked[(block_id, str(choice["value"]))] = str(choice["text"]["text"])
        return str(choice["value"])

    def submit(
        self, person: Person, changes: dict[str, Any] | None = None, *, expect_errors: bool = False
    ) -> Reply:
        """``person`` changes some fields (by block id) of their modal and presses its submit
        button; everything else keeps the value Slack pre-filled."""
        opened = self._modals.get(person.id)
        if opened is None:
            raise DemoError(f"{person.first_name} has no modal open")
        view = opened.view
        button = str((view.get("submit") or {}).get("text", "Submit"))
        details = self._describe_changes(view, changes or {})
        if details:
            text = f"fills in the modal and presses [{button}]:"
        else:
            text = f"keeps what is pre-filled and presses [{button}]"
        self._record(Action(self.clock.now(), person.id, text, details))
        mark = self.capture.mark()
        reply = self.app.submit_view(
            view,
            user=person.id,
            changes=changes,
            view_id=opened.view_id,
            current_conversation=opened.channel,
        )
        body = reply.json if reply.body.startswith("{") else None
        if isinstance(body, dict) and body.get("response_action") == "errors" and not expect_errors:
            raise DemoError(f"the modal refused {person.first_name}'s answers: {body['errors']}")
        context = Context(person.id, self._current().reader, opened.channel)
        self._after(reply, person, mark, context, submitted=True)
        return reply

    # -- looking at Slack ------------------------------------------------------------------

    def channel_named(self, name: str) -> str:
        """The id of the channel called ``name``."""
        for channel_id, channel_name in self.standin.channel_names().items():
            if channel_name == name:
                return channel_id
        raise DemoError(f"there is no #{name}")

    def pinned(self, channel: str) -> Message:
        """The message pinned in ``channel`` (the most recent pin)."""
        pins = sorted(ts for c, ts in self.standin.pins if c == channel)
        if not pins:
            raise DemoError(f"nothing is pinned in {channel}")
        return self._message(channel, pins[-1])

    def replies(self, parent: Message) -> list[Message]:
        """The replies in ``parent``'s thread, oldest first."""
        return [
            self._message(parent.channel, m["ts"])
            for m in self.standin.posted(parent.channel)
            if m.get("thread_ts") == parent.ts
        ]

    def latest_dm(self, person: Person, containing: str = "") -> Message:
        """The newest DM Tandem sent ``person`` (whose text has ``containing``)."""
        for raw in reversed(self.standin.posted(person.id)):
            if containing in str(raw.get("text") or "") + str(raw.get("blocks") or ""):
                return self._message(person.id, raw["ts"])
        raise DemoError(f"Tandem sent {person.first_name} no DM with {containing!r}")

    def latest_post(self, channel: str, starting: str) -> Message:
        """The newest top-level message in ``channel`` whose text starts with ``starting``."""
        for raw in reversed(self.standin.posted(channel)):
            if not raw.get("thread_ts") and str(raw.get("text") or "").startswith(starting):
                return self._message(channel, raw["ts"])
        raise DemoError(f"no message starting {starting!r} in {channel}")

    def reply_in_thread(self, person: Person, parent: Message, text: str) -> Reply:
        """``person`` replies in ``parent``'s thread (Slack sends a ``message`` event)."""
        self._record(Action(self.clock.now(), person.id, f"replies in the thread: “{text}”"))
        mark = self.capture.mark()
        ts = f"{self.clock.now().timestamp():.6f}"
        event = {
            "type": "message",
            "user": person.id,
            "text": text,
            "ts": ts,
            "thread_ts": parent.ts,
            "parent_user_id": "U0TANDEMBOT",
            "channel": parent.channel,
            "channel_type": "channel",
            "event_ts": ts,
        }
        reply = self.app.event(event)
        self._after(reply, person, mark, Context(person.id, self._current().reader, parent.channel))
        return reply

    def _message(self, channel: str, ts: str) -> Message:
        raw = self.standin.messages.get((channel, ts))
        if raw is None:
            raise DemoError(f"no message {ts} in {channel}")
        return Message(
            channel=channel,
            ts=ts,
            text=str(raw.get("text") or ""),
            blocks=list(raw.get("blocks") or []),
            thread_ts=raw.get("thread_ts"),
        )

    # -- recording -------------------------------------------------------------------------

    def note(self, text: str) -> None:
        """A line of narration that is not an action (what a person notices, say)."""
        self._record(Note(self.clock.now(), text))

    def _record(self, *items: Item) -> None:
        self._current().items.extend(items)

    def _after(
        self, reply: Reply, person: Person, mark: int, context: Context, *, submitted: bool = False
    ) -> None:
        """Record the ack and the Web API calls, and follow the person's modal."""
        if reply.status != 200:
            raise DemoError(f"the app answered HTTP {reply.status}: {reply.body[:200]}")
        body = reply.json if reply.body.startswith("{") else None
        opened = self._modals.get(person.id)
        new_id = f"V0DEMO{next(self._view_ids):04d}"
        items, next_view = self.capture.from_ack(
            body, context, current_view=opened.view if opened else None, new_view_id=new_id
        )
        if next_view is not None:
            channel = opened.channel if opened else context.channel
            self._modals[person.id] = OpenModal(next_view, new_id, channel)
        elif submitted and (not body or body.get("response_action") == "clear"):
            self._modals.pop(person.id, None)  # an empty answer closes the modal
            items.append(Note(utcnow(), "The modal closes."))
        calls = self.capture.calls_since(mark)
        for call in calls:
            view = dict(call.params.get("view") or {})
            if call.method in ("views.open", "views.push") and call.response:
                view_id = str((call.response.get("view") or {}).get("id", ""))
                self._modals[person.id] = OpenModal(view, view_id, context.channel)
            elif call.method == "views.update" and call.response:
                external_id = call.params.get("external_id")
                for modal in self._modals.values():
                    if modal.view_id == call.params.get("view_id") or (
                        external_id and modal.view.get("external_id") == external_id
                    ):
                        modal.view = view
        self._record(*items, *self.capture.from_calls(calls, context))

    def _describe_changes(self, view: dict[str, Any], changes: dict[str, Any]) -> list[str]:
        """``Hiring manager: @hank`` for each changed field, in the modal's order."""
        lines = []
        for block in input_blocks(view):
            block_id = block.get("block_id")
            if block_id not in changes:
                continue
            label = str(block["label"]["text"])
            value = changes[block_id]
            picked = self._picked.get((str(block_id), str(value)))
            shown = escape_mrkdwn(picked) if picked else self._shown_value(block["element"], value)
            lines.append(f"{label}: {shown}")
        return lines

    def _shown_value(self, element: dict[str, Any], value: Any) -> str:
        kind = element.get("type")
        if value in (None, "", []):
            return "(empty)"
        if kind == "users_select":
            return f"<@{value}>"
        if kind == "multi_users_select":
            return ", ".join(f"<@{v}>" for v in value)
        if kind in ("conversations_select", "channels_select"):
            return f"<#{value}>"
        if kind == "datepicker":
            return readable_date(str(value))
        if kind in ("static_select", "radio_buttons", "checkboxes"):
            labels = {o["value"]: o["text"]["text"] for o in element.get("options", [])}
            values = value if isinstance(value, list) else [value]
            return ", ".join(labels.get(v, str(v)) for v in values)
        lines = [escape_mrkdwn(line) for line in str(value).split("\n") if line.strip()]
        return " / ".join(lines)
