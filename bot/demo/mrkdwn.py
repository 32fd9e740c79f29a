"""Slack's text as one reader sees it: names for ids, dates in their own time zone, links,
escapes undone, emoji drawn.

Tandem's messages carry Slack's control sequences (``<@U…>``, ``<#C…>``, ``<!date^…|…>``,
``<https://…|label>``) and escapes (``&amp; &lt; &gt;``); Slack resolves them differently for
each reader. The text transcript (:mod:`bot.demo.render`) and the HTML page
(:mod:`bot.demo.html`) both read text through this module, so they always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.demo.transcript import Transcript

# The emoji Tandem uses, and a few it is likely to; others stay as :name:, as Slack's
# plain-text notifications show them.
EMOJI = {
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "hourglass_flowing_sand": "⏳",
    "hourglass": "⌛",
    "warning": "⚠️",
    "pencil2": "✏️",
    "pencil": "📝",
    "memo": "📝",
    "pushpin": "📌",
    "calendar": "📆",
    "date": "📅",
    "bar_chart": "📊",
    "chart_with_upwards_trend": "📈",
    "bell": "🔔",
    "alarm_clock": "⏰",
    "wave": "👋",
    "tada": "🎉",
    "x": "❌",
    "no_entry": "⛔",
    "eyes": "👀",
    "raised_hands": "🙌",
    "thumbsup": "👍",
    "+1": "👍",
    "speech_balloon": "💬",
    "mag": "🔍",
    "zzz": "💤",
    "star": "⭐",
    "handshake": "🤝",
    "rotating_light": "🚨",
    "information_source": "ℹ️",
    "bulb": "💡",
    "clipboard": "📋",
    "inbox_tray": "📥",
    "busts_in_silhouette": "👥",
    "bust_in_silhouette": "👤",
    "spiral_calendar_pad": "🗓️",
    "ballot_box_with_ballot": "🗳️",
    "fast_forward": "⏩",
    "arrow_right": "➡️",
    "mute": "🔇",
    "thermometer": "🌡️",
    "face_with_thermometer": "🤒",
    "mask": "😷",
    "palm_tree": "🌴",
    "desert_island": "🏝️",
    "beach_with_umbrella": "🏖️",
    "airplane": "✈️",
    "baby": "👶",
}

# What Slack treats as a control sequence: mentions, specials and dates, links. Anything
# else between < and > is left as it is.
_CONTROL = re.compile(r"<([@#!][^<>\n]*|(?:https?://|mailto:)[^<>\n]+)>")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def zone(tz: str) -> ZoneInfo:
    """The IANA zone ``tz``, UTC if this machine does not know it."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def city(tz: str) -> str:
    """``America/New_York`` → ``New York``: how people name a time zone in conversation."""
    return tz.rsplit("/", 1)[-1].replace("_", " ") if "/" in tz else tz


def unescape(text: str) -> str:
    """Undo Slack's three escapes (``&`` last, so ``&amp;lt;`` stays ``&lt;``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def emojize(text: str) -> str:
    """``:white_check_mark:`` → ✅ for the emoji we know; the rest stay as written."""
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


# -- names, dates and links ---------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """Who is reading, and when: decides names, time zone and "today"/"yesterday"."""

    transcript: Transcript
    user_id: str
    now: datetime

    @property
    def tz(self) -> str:
        person = self.transcript.people.get(self.user_id)
        return person.tz if person else "UTC"

    def local(self, when: datetime) -> datetime:
        return when.astimezone(zone(self.tz))

    def user(self, user_id: str) -> str:
        person = self.transcript.people.get(user_id)
        return f"@{person.handle}" if person else f"@{user_id}"

    def channel(self, channel_id: str) -> str:
        name = self.transcript.channels.get(channel_id)
        return f"#{name}" if name else f"#{channel_id}"

    def where(self, channel_id: str | None) -> str:
        """A channel id as Slack names it: ``#name``, or the DM with Tandem."""
        if not channel_id:
            return "Slack"
        dm_user = dm_partner(channel_id, self.transcript)
        if dm_user is not None:
            return f"the DM between {self.user(dm_user)} and Tandem"
        return self.channel(channel_id)


def dm_partner(channel_id: str, transcript: Transcript) -> str | None:
    """The person a DM channel id belongs to (``U…`` as channel, or the stand-in's ``D<U…>``)."""
    if channel_id.startswith("U"):
        return channel_id
    if channel_id.startswith("D") and channel_id[1:] in transcript.people:
        return channel_id[1:]
    return None


def _ordinal(day: int) -> str:
    return f"{day}{_ORDINAL.get(day, 'th')}"


def format_date_token(token: str, when: datetime, now: datetime) -> str:
    """One of Slack's ``<!date>`` tokens, for a reader whose local time is ``now``'s zone."""
    if token == "date_num":
        return when.strftime("%Y-%m-%d")
    if token == "date":
        return f"{when:%B} {_ordinal(when.day)}, {when.year}"
    if token == "date_short":
        return f"{when:%b} {when.day}, {when.year}"
    if token == "date_long":
        return f"{when:%A}, {when:%B} {_ordinal(when.day)}, {when.year}"
    if token in ("date_pretty", "date_short_pretty", "date_long_pretty"):
        days = (when.date() - now.date()).days
        relative = {0: "today", -1: "yesterday", 1: "tomorrow"}.get(days)
        return relative or format_date_token(token.removesuffix("_pretty"), when, now)
    if token == "time":
        return when.strftime("%H:%M")
    if token == "time_secs":
        return when.strftime("%H:%M:%S")
    if token == "ago":
        return _ago(now - when)
    return "{" + token + "}"


def _ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 0:
        return "in the future"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


@dataclass(frozen=True)
class Ref:
    """A resolved control sequence: what the reader sees, and where it points."""

    kind: str  # user, channel, date, link, special
    text: str
    href: str | None = None
    title: str | None = None


def resolve(token: str, reader: Reader) -> Ref:
    """The inside of ``<…>`` as Slack shows it to ``reader``."""
    body, _, label = token.partition("|")
    if body.startswith("@"):
        return Ref("user", reader.user(body[1:]) if not label else f"@{label}")
    if body.startswith("#"):
        return Ref("channel", f"#{label}" if label else reader.channel(body[1:]))
    if body.startswith("!date^"):
        parts = body.split("^")
        try:
            when = datetime.fromtimestamp(int(parts[1]), UTC)
        except (IndexError, ValueError):
            return Ref("date", unescape(label))
        local = reader.local(when)
        now = reader.local(reader.now)
        template = parts[2] if len(parts) > 2 else "{date_short} {time}"
        shown = re.sub(r"\{(\w+)\}", lambda m: format_date_token(m.group(1), local, now), template)
        link = parts[3] if len(parts) > 3 else None
        return Ref("date", shown, href=link, title=f"{city(reader.tz)} time · {unescape(label)}")
    if body.startswith("!subteam^"):
        return Ref("special", label or "@team")
    if body.startswith("!"):
        return Ref("special", "@" + body[1:].split("^")[0])
    if body.startswith(("http://", "https://", "mailto:")):
        return Ref("link", unescape(label) if label else body, href=body)
    return Ref("special", unescape(token))


def split_mrkdwn(text: str) -> list[str | Ref]:
    """Plain runs (still escaped) and control sequences, in order — the raw material of both
    renderings. Callers resolve :class:`Ref` through :func:`resolve`."""
    parts: list[str | Ref] = []
    position = 0
    for match in _CONTROL.finditer(text):
        if match.start() > position:
            parts.append(text[position : match.start()])
        parts.append(Ref("raw", match.group(1)))
        position = match.end()
    if position < len(text):
        parts.append(text[position:])
    return parts


def mrkdwn_to_text(text: str, reader: Reader) -> str:
    """Readable plain text: names and dates resolved, escapes undone, emoji drawn.

    Emphasis markers (``*bold*``, ``_italic_``, ``~struck~``) stay: they are how people write
    emphasis in plain text, and a struck-out "before" must stay visibly struck.
    """
    out = []
    for part in split_mrkdwn(text):
        if isinstance(part, Ref):
            ref = resolve(part.text, reader)
            out.append(ref.text if ref.kind != "link" or ref.text == ref.href else
                       f"{ref.text} ({ref.href})")  # fmt: skip
        else:
            out.append(emojize(unescape(part)))
    return "".join(out)


def plain_text(obj: dict[str, Any] | None, reader: Reader) -> str:
    """A text object (``plain_text`` or ``mrkdwn``) as the reader sees it."""
    if not obj:
        return ""
    text = str(obj.get("text", ""))
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_text(text, reader)
    return emojize(text) if obj.get("emoji", True) else text


# -- moments and days ---------------------------------------------------------------------


def readable_date(iso: str) -> str:
    """``2027-02-05`` → ``Fri 5 Feb 2027``: a calendar date needs no time zone."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day:%a} {day.day} {day:%b %Y}"


def when_for(person_tz: str, at: datetime, *, with_day: bool = True) -> str:
    """``Mon 7 Dec, 14:05 in London``: a moment as the person it concerns would say it."""
    local = at.astimezone(zone(person_tz))
    day = f"{local:%a} {local.day} {local:%b}, " if with_day else ""
    return f"{day}{local:%H:%M} in {city(person_tz)}"


def story_day(when: datetime) -> str:
    """``Monday 30 November 2026``, the day the story starts in New York."""
    local = when.astimezone(zone("America/New_York"))
    return f"{local:%A} {local.day} {local:%B %Y}"
