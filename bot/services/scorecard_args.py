"""What a person typed after ``/scorecard``, read into a request or a one-line usage answer.

Pure: the text and today's date in, a :class:`ScorecardRequest` or an :class:`ArgsError` out.
No database, no Slack, no clock of its own (the caller passes ``today``), so every branch is a
plain unit test and the handler's only job is to pass the result on.

Grammar (words in any order, case-insensitive; at most one of each kind):

* who: nothing (the role of the channel it was typed in), ``me``, ``team`` (the workspace),
  or exactly two different people as Slack mentions ``<@U123|name> <@U456>`` (a pair);
* a period: ``30d`` (1–730 days, today included), ``90d``, ``quarter`` (the current calendar
  quarter so far), ``last-quarter``, or ``YYYY-MM-DD..YYYY-MM-DD`` (both days included, start
  not after end, end not after today, at most five years); the default is the last 90 days;
* ``export``, written last by convention (accepted anywhere: it cannot be mistaken).

Mentions arrive as ``<@U…>`` only when the slash command has escaping turned on
(``should_escape: true`` in the manifest); plain ``@name`` text gets an answer that says so.
Nothing the person typed is echoed back unless it is short, printable and escaped, so a
``<!channel>`` or a right-to-left override never reaches the channel as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from bot.blocks.text import escape_mrkdwn
from bot.services.scorecard_metrics import Period

USAGE = (
    "`/scorecard` takes `me`, `team`, two people (`@hm @recruiter`), a period "
    "(`30d`, `quarter`, `2027-01-01..2027-03-31`) and `export`"
)

DEFAULT_DAYS = 90
MAX_DAYS = 730
MAX_RANGE_YEARS = 5
# Longer than any sensible command (two mentions with names, a range and `export` are
# about 100 characters): anything longer is refused before it is read at all.
MAX_TEXT = 300
# An unknown word is quoted back only up to this length.
MAX_ECHO = 24

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# A token is a whole Slack angle-bracket item (which may contain spaces after `|`) or a run
# of non-space characters.
_TOKEN = re.compile(r"<[^<>]*>|[^\s<>]+|[<>]")
_USER = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|[^<>]*)?>", re.ASCII)
_DAYS = re.compile(r"([0-9]{1,6})d", re.ASCII)
_RANGE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\.\.([0-9]{4}-[0-9]{2}-[0-9]{2})", re.ASCII)
_DATE_LIKE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", re.ASCII)


class Scope(StrEnum):
    """Whose scorecard: the channel's role, the asker's own, the workspace's, or a pair's."""

    CHANNEL = "channel"
    ME = "me"
    TEAM = "team"
    PAIR = "pair"


@dataclass(frozen=True)
class ScorecardRequest:
    """A well-formed ``/scorecard`` request; permissions are the service's business."""

    scope: Scope
    period: Period
    export: bool = False
    # The two Slack user ids of a pair, in the order typed; empty for other scopes.
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArgsError:
    """Why the text could not be read; ``message`` is the one-line answer to show."""

    problem: str

    @property
    def message(self) -> str:
        return f"{USAGE}; {self.problem}"


def parse_scorecard_args(text: str, *, today: date) -> ScorecardRequest | ArgsError:
    """Read the text after ``/scorecard`` typed on ``today`` (the asker's calendar day)."""
    if len(text) > MAX_TEXT:
        return ArgsError(f"that is {len(text):,} characters, more than it can read.")
    if any(_unreadable(ch) for ch in text):
        return ArgsError("the text has characters it cannot read (control or direction marks).")

    who: str | None = None
    people: list[str] = []
    period: Period | None = None
    period_word = ""
    export = False

    for token in _TOKEN.findall(text):
        word = token.casefold()
        if user := _USER.fullmatch(token):
            people.append(user.group(1))
            continue
        if word in {"me", "team"}:
            if who is not None and who != word:
                return ArgsError("pick one of `me` and `team`, not both.")
            who = word
            continue
        if word == "export":
            export = True
            continue
        parsed = _period(word, today)
        if isinstance(parsed, ArgsError):
            return parsed
        if parsed is not None:
            if period is not None:
                return ArgsError(f"give one period, not both `{period_word}` and `{word}`.")
            period, period_word = parsed, word
            continue
        return ArgsError(_unknown(token))

    if people and who is not None:
        return ArgsError(f"`{who}` and two people cannot go together; pick one.")
    if len(people) == 1:
        return ArgsError("a pair is two people; name the other one too.")
    if len(people) > 2:
        return ArgsError(f"a pair is two people, not {len(people)}.")
    if len(people) == 2 and people[0] == people[1]:
        return ArgsError("a pair is two different people, not the same person twice.")

    scope = Scope.PAIR if people else Scope(who) if who else Scope.CHANNEL
    return ScorecardRequest(
        scope=scope,
        period=period or last_days(DEFAULT_DAYS, today),
        export=export,
        people=tuple(people),
    )


def last_days(days: int, today: date) -> Period:
    """The ``days`` calendar days that end with today (today included)."""
    start = today - timedelta(days=days - 1)
    label = "today" if days == 1 else f"last {days} days"
    return Period(_midnight(start), _midnight(today + timedelta(days=1)), label)


def quarter_so_far(today: date) -> Period:
    """From the first day of today's calendar quarter up to the end of today."""
    first = _quarter_start(today)
    label = f"Q{_quarter(today)} {today.year} so far"
    return Period(_midnight(first), _midnight(today + timedelta(days=1)), label)


def last_quarter(today: date) -> Period:
    """The whole calendar quarter before today's."""
    end = _quarter_start(today)
    first = _quarter_start(end - timedelta(days=1))
    return Period(_midnight(first), _midnight(end), f"Q{_quarter(first)} {first.year}")


def date_range(first: date, last: date) -> Period:
    """``first`` to ``last``, both days included ("1 Jan – 31 Mar 2027")."""
    return Period(_midnight(first), _midnight(last + timedelta(days=1)), _range_label(first, last))


def _period(word: str, today: date) -> Period | ArgsError | None:
    """The period ``word`` names, an error if it is a malformed one, None if it is no period."""
    if word == "quarter":
        return quarter_so_far(today)
    if word == "last-quarter":
        return last_quarter(today)
    if days := _DAYS.fullmatch(word):
        count = int(days.group(1))
        if not 1 <= count <= MAX_DAYS:
            return ArgsError(f"a number of days goes from `1d` to `{MAX_DAYS}d`.")
        return last_days(count, today)
    if dates := _RANGE.fullmatch(word):
        return _range(dates.group(1), dates.group(2), today)
    if _DATE_LIKE.fullmatch(word):
        return ArgsError(
            f"a period of dates is two days joined by `..`, e.g. `{word}..{today.isoformat()}`."
        )
    return None


def _range(first_text: str, last_text: str, today: date) -> Period | ArgsError:
    try:
        first = date.fromisoformat(first_text)
    except ValueError:
        return ArgsError(f"`{first_text}` is not a date.")
    try:
        last = date.fromisoformat(last_text)
    except ValueError:
        return ArgsError(f"`{last_text}` is not a date.")
    if first > last:
        return ArgsError(f"the period starts on `{first_text}`, after it ends on `{last_text}`.")
    if last > today:
        return ArgsError(f"the period ends on `{last_text}`, after today ({today.isoformat()}).")
    if last >= _add_years(first, MAX_RANGE_YEARS):
        return ArgsError(f"a period is at most {MAX_RANGE_YEARS} years long.")
    return date_range(first, last)


def _unknown(token: str) -> str:
    """The problem with a word that is none of the grammar's, quoted only when it is safe."""
    if token.startswith("<@"):
        return "one of the mentions is not a person it can read; pick people with `@`."
    if token.startswith("<"):
        return "a channel, group or link cannot go in it; name people with `@`."
    if token.startswith("@"):
        return (
            "people must come as Slack mentions: pick each one from the list Slack offers "
            "as you type `@`."
        )
    return f"{_quoted(token)} is not one of them."


def _quoted(token: str) -> str:
    """``token`` in backticks, escaped and cut short; a neutral phrase if it is no plain word."""
    if any(unicodedata.category(ch)[0] not in "LNP" for ch in token) or "`" in token:
        return "that word"
    shown = token if len(token) <= MAX_ECHO else token[: MAX_ECHO - 1] + "…"
    return f"`{escape_mrkdwn(shown)}`"


def _unreadable(ch: str) -> bool:
    """Control, format (direction marks, zero-width) and unassigned characters."""
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _quarter(day: date) -> int:
    return (day.month - 1) // 3 + 1


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * (_quarter(day) - 1) + 1, 1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _range_label(first: date, last: date) -> str:
    def day_month(day: date) -> str:
        return f"{day.day} {_MONTHS[day.month - 1]}"

    if first == last:
        return f"{day_month(first)} {first.year}"
    if first.year == last.year:
        return f"{day_month(first)} – {day_month(last)} {last.year}"
    return f"{day_month(first)} {first.year} – {day_month(last)} {last.year}"
