"""What a demo run saw, as data: who did what, and what Tandem showed whom, step by step.

The runner fills a :class:`Transcript` while it drives the app; ``render`` turns it into
text for the terminal and ``html`` into one page that looks like a Slack channel. Keeping
the record separate from both renderings means the two can never tell different stories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Surface(StrEnum):
    """Where in Slack something appears, which decides who sees it and how."""

    CHANNEL = "channel"  # a message in a channel
    THREAD = "thread"  # a reply in a message's thread
    DM = "dm"  # a direct message from Tandem
    EPHEMERAL = "ephemeral"  # only visible to one person, in a channel
    MODAL = "modal"  # a modal window in front of one person
    HOME = "home"  # one person's App Home tab


@dataclass(frozen=True)
class Person:
    """Someone in the demo workspace."""

    id: str
    handle: str  # what Slack shows after @
    real_name: str
    tz: str  # IANA zone, as Slack's users.info gives it
    role: str = ""  # "recruiter", "hiring manager", "interviewer"

    @property
    def first_name(self) -> str:
        return self.real_name.split()[0]

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.real_name.split()[:2]).upper()

    @property
    def label(self) -> str:
        """``Rita (recruiter)``: how the narration names a person."""
        return f"{self.first_name} ({self.role})" if self.role else self.first_name


@dataclass
class SharedFile:
    """A file Tandem uploaded (a chart image, say), with its bytes when the stand-in kept them."""

    id: str
    name: str
    title: str
    content: bytes | None = None


@dataclass
class Post:
    """Something Tandem showed: a message, an ephemeral answer, a modal, a Home tab.

    ``reader`` is the person whose time zone renders the dates in it (the recipient, or for
    a channel message the person the step follows). ``previous`` is the same message before
    an edit (``chat.update``, ``views.update``, a modal replaced in place).
    """

    surface: Surface
    at: datetime
    reader: str
    channel: str | None = None
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    view: dict[str, Any] | None = None
    edited: bool = False
    previous: Post | None = None
    files: list[SharedFile] = field(default_factory=list)
    pinned: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    # A modal with the same callback as one shown before (printed briefly in text).
    repeat_of: str | None = None


@dataclass
class Action:
    """Something a person did (or the scheduler), in the words of the narration.

    ``text`` is mrkdwn-like: ``<@U…>`` and ``<#C…>`` are resolved when rendered.
    ``actor`` is None for Tandem's scheduler.
    """

    at: datetime
    actor: str | None
    text: str
    details: list[str] = field(default_factory=list)


@dataclass
class Note:
    """A plain fact about what Tandem did: created a channel, invited people, pinned a message."""

    at: datetime
    text: str


Item = Action | Post | Note


@dataclass
class Section:
    """One step of the demo: its title, why it matters, and everything that happened in it."""

    number: int
    total: int
    title: str
    about: str
    started_at: datetime
    reader: str
    items: list[Item] = field(default_factory=list)

    def posts(self) -> list[Post]:
        return [item for item in self.items if isinstance(item, Post)]


@dataclass
class Transcript:
    """A whole demo run."""

    workspace: str
    people: dict[str, Person] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)  # id -> name
    sections: list[Section] = field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    elapsed_seconds: float | None = None
    next_steps: list[str] = field(default_factory=list)
