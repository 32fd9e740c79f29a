"""Dates and times in Slack text: ``<!date^…|fallback>`` so each reader sees their own zone."""

from __future__ import annotations

from datetime import UTC, date, datetime


def slack_datetime(when: datetime, token: str = "{date_short_pretty} at {time}") -> str:
    """A timestamp every reader sees in their own time zone (fallback in UTC)."""
    fallback = when.astimezone(UTC).strftime("%a %d %b %Y %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{token}|{fallback}>"


def plain_date(day: date) -> str:
    """A calendar date (no time zone applies), e.g. ``Tue 1 Dec 2026``."""
    return f"{day:%a} {day.day} {day:%b %Y}"
