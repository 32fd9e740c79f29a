"""What ``/tandem quiet …`` says: working hours, working days, the digest choice, or reset.

A pure parser: text in, a :class:`QuietChange` out, or :class:`QuietSyntaxError` whose
message tells the person exactly what was wrong and how to say it. Words may come in any
order: ``/tandem quiet 08:30-16:30 mon-thu``, ``/tandem quiet sun-thu``, ``/tandem quiet
digest morning``, ``/tandem quiet reset``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

MAX_LENGTH = 200
# A day of less than an hour cannot hold a reminder and its overdue notice apart.
MIN_DAY_MINUTES = 60

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
USAGE = (
    "Usage: `/tandem quiet` shows your settings; `/tandem quiet 08:30-16:30 mon-thu` sets your "
    "working hours and days (either one alone works too); `/tandem quiet digest morning` or "
    "`/tandem quiet digest twice`; `/tandem quiet reset` goes back to the default."
)

_HOURS = re.compile(r"^(\d{1,2})(?::(\d{2}))?[-–—](\d{1,2})(?::(\d{2}))?$")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
_DAYS = re.compile(r"^[a-z,\-–—]+$")
_DAY_PREFIXES = {name[:3] for name in DAY_NAMES}
_NO_DAYS = {"none", "no", "nodays", "no-days", "-"}
_DIGEST = {"morning": True, "twice": False}


class QuietSyntaxError(ValueError):
    """The text is not a setting; ``str(error)`` is the answer to show the person."""


@dataclass(frozen=True)
class QuietChange:
    """What to change; None leaves a setting as it is. ``reset`` clears every setting."""

    start: time | None = None
    end: time | None = None
    workdays: frozenset[int] | None = None
    morning_digest_only: bool | None = None
    reset: bool = False

    @property
    def is_empty(self) -> bool:
        return self == QuietChange()


def shown(text: str) -> str:
    """A piece of what the person typed, safe to echo: short, no mentions, no code breaks."""
    text = text if len(text) <= 40 else text[:39] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "`" + text.replace("`", "'") + "`"


def parse_quiet(text: str) -> QuietChange:
    """The change that ``text`` (what follows ``quiet`` or ``quiet default``) asks for."""
    if len(text) > MAX_LENGTH:
        raise QuietSyntaxError(f"That is too long to be a setting. {USAGE}")
    words = text.lower().split()
    if not words:
        return QuietChange()
    if words[0] == "reset":
        if len(words) > 1:
            raise QuietSyntaxError(f"`reset` goes alone: `/tandem quiet reset`. {USAGE}")
        return QuietChange(reset=True)
    found: dict[str, object] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if word == "digest":
            choice = words[index + 1] if index + 1 < len(words) else ""
            if choice not in _DIGEST:
                raise QuietSyntaxError(
                    "Say `/tandem quiet digest morning` (what can wait comes in one digest at "
                    "the start of your working day) or `/tandem quiet digest twice` (the default)."
                )
            _once(found, "digest", _DIGEST[choice])
            index += 2
            continue
        if any(ch.isdigit() for ch in word):
            _once(found, "hours", parse_hours(word))
        elif word in _NO_DAYS:
            raise QuietSyntaxError(
                "Name at least one working day, such as `mon-fri`: Tandem needs a day on which "
                "to reach you."
            )
        elif _DAYS.match(word) and (word == "weekdays" or word[:3] in _DAY_PREFIXES):
            _once(found, "days", parse_days(word))
        else:
            raise QuietSyntaxError(f"I don't understand {shown(word)}. {USAGE}")
        index += 1
    hours = found.get("hours")
    start, end = hours if isinstance(hours, tuple) else (None, None)
    days = found.get("days")
    digest = found.get("digest")
    return QuietChange(
        start=start,
        end=end,
        workdays=days if isinstance(days, frozenset) else None,
        morning_digest_only=digest if isinstance(digest, bool) else None,
    )


def _once(found: dict[str, object], what: str, value: object) -> None:
    if what in found:
        raise QuietSyntaxError(f"Give your {what} once. {USAGE}")
    found[what] = value


def parse_hours(word: str) -> tuple[time, time]:
    """``08:30-16:30`` (or ``8-17``): a start and an end on the same day, at least an hour."""
    match = _HOURS.match(word)
    single = _TIME.match(word)
    if single is not None:
        _time(single.group(1), single.group(2))  # refuses 25:00 as not a time of day
        raise QuietSyntaxError(
            f"Give your working hours as a range, start and end, such as `{word}-18:00`."
            if int(single.group(1)) < 17
            else f"Give your working hours as a range, start and end, such as `09:00-{word}`."
        )
    if match is None:
        raise QuietSyntaxError(
            f"{shown(word)} is not a range of hours: write it as 24-hour `HH:MM-HH:MM`, "
            "such as `08:30-16:30`."
        )
    start = _time(match.group(1), match.group(2))
    end = _time(match.group(3), match.group(4))
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes <= 0:
        raise QuietSyntaxError(
            f"Your working day must end after it starts ({shown(word)} does not): Tandem "
            "does not support working hours past midnight. Try `09:00-18:00`."
        )
    if minutes < MIN_DAY_MINUTES:
        raise QuietSyntaxError(
            f"{shown(word)} is shorter than an hour: give your working hours at least one "
            "hour, such as `09:00-16:30`."
        )
    return start, end


def _time(hours: str, minutes: str | None) -> time:
    hour, minute = int(hours), int(minutes or 0)
    if hour > 23 or minute > 59:
        typed = f"{hours}:{minutes or '00'}"
        raise QuietSyntaxError(
            f"{shown(typed)} is not a time of day: hours go from 00:00 to 23:59, such as "
            "`08:30-16:30`."
        )
    return time(hour, minute)


def parse_days(word: str) -> frozenset[int]:
    """``mon-thu``, ``sun-thu`` (ranges wrap round the week), ``mon,wed,fri``, ``weekdays``."""
    if word == "weekdays":
        return frozenset(range(5))
    days: set[int] = set()
    for part in word.split(","):
        if not part:
            continue
        ends = re.split(r"[-–—]", part)
        if len(ends) > 2 or not all(ends):
            raise QuietSyntaxError(
                f"{shown(part)} is not a range of days: write it like `mon-fri` or `mon,wed,fri`."
            )
        first, last = (_day(ends[0]), _day(ends[-1]))
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    if not days:
        raise QuietSyntaxError(
            "Name at least one working day, such as `mon-fri`: Tandem needs a day on which to "
            "reach you."
        )
    return frozenset(days)


def _day(word: str) -> int:
    if len(word) >= 3:
        for number, name in enumerate(DAY_NAMES):
            if name.startswith(word):
                return number
    raise QuietSyntaxError(
        f"{shown(word)} is not a day: use mon, tue, wed, thu, fri, sat or sun, as a range "
        "(`mon-thu`) or a list (`mon,wed,fri`)."
    )


def describe_days(days: frozenset[int]) -> str:
    """``Monday–Friday``, ``Sunday–Thursday``, ``Monday, Wednesday, Friday``, ``every day``."""
    if len(days) == 7:
        return "every day"
    names = [name.capitalize() for name in DAY_NAMES]
    # A run of consecutive days (wrapping round the week) reads as a range.
    for first in days:
        if (first - 1) % 7 not in days:
            run = [(first + step) % 7 for step in range(len(days))]
            if set(run) == days and len(days) > 2:
                return f"{names[run[0]]}–{names[run[-1]]}"
            break
    return ", ".join(names[day] for day in sorted(days))


def describe_hours(start: time, end: time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"
