"""Reading numbers, ids and clock times typed or picked in a modal, strictly.

Slack's own elements send plain ASCII ("12", "10:00"); anything else was typed into a
free-text field or forged. ``str.isdigit()`` accepts "²" (which ``int()`` refuses) and
``time.fromisoformat`` accepts "10:00+05:00" (an aware time that cannot be compared with
the naive working hours), so neither is used on what a request carries.
"""

from __future__ import annotations

import re
from datetime import time

from bot.row_ids import MAX_ROW_ID

_DIGITS = re.compile(r"[0-9]{1,10}")
_CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def whole_number(raw: object, low: int, high: int) -> int | None:
    """``raw`` as an int in ``low..high`` when it is ASCII digits, else None."""
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def row_id(raw: object) -> int | None:
    """A database id from a request (positive, within the INTEGER column), else None."""
    return whole_number(raw, 1, MAX_ROW_ID)


def clock_time(raw: object) -> time | None:
    """A timepicker's ``HH:MM`` as a naive time; None for anything else (offsets included)."""
    if not isinstance(raw, str):
        return None
    match = _CLOCK_TIME.fullmatch(raw)
    return time(int(match[1]), int(match[2])) if match else None
