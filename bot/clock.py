"""The one place Tandem reads the time.

Everything that needs "now" calls :func:`utcnow` (or receives its result as an argument), so
freezegun in tests and ``faketime`` around a process move the whole program at once.
"""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)
