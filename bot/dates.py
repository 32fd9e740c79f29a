"""Dates and times as people read them (pure text: Block Kit builders and the services' own
messages both use it), in one shape everywhere: "Monday, December 7th, 2026".

A moment (a due time, when something was posted) goes out as ``<!date^…|fallback>`` so each
reader sees it in their own time zone; Slack renders ``{date_long_pretty}`` as that shape (or
"today", "tomorrow"). A calendar date (a target date, a plan stage) has no time zone and is
written out in the same shape. Modals cannot render ``<!date>`` in plain text, and nothing a
person reads shows an ISO date or an IANA zone name.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

MOMENT = "{date_long_pretty} at {time}"
_ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def _ordinal(day: int) -> str:
    return f"{day}{_ORDINAL.get(day, 'th')}"


def slack_datetime(when: datetime, token: str = MOMENT) -> str:
    """A timestamp every reader sees in their own time zone (fallback in UTC)."""
    utc = when.astimezone(UTC)
    fallback = f"{plain_date(utc.date())} at {utc:%H:%M} UTC"
    return f"<!date^{int(when.timestamp())}^{token}|{fallback}>"


def plain_date(day: date) -> str:
    """A calendar date (no time zone applies), e.g. ``Tuesday, December 1st, 2026``."""
    return f"{day:%A}, {day:%B} {_ordinal(day.day)}, {day.year}"


def zone_label(zone: ZoneInfo, at: datetime) -> str:
    """A time zone as people say it: ``New York time (UTC−05:00)``, never ``America/New_York``.

    For a modal's plain text, where ``<!date>`` cannot show each reader their own time.
    """
    key = zone.key
    place = key.rsplit("/", 1)[-1].replace("_", " ") if "/" in key else key
    offset = at.astimezone(zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    if place in ("UTC", "GMT", "Etc/UTC", "Universal", "Zulu"):
        return "UTC"
    return f"{place} time (UTC{sign}{hours:02d}:{rest:02d})"
