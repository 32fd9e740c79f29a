"""Describing a failure in one log line: what went wrong and where, never a traceback.

Operators read one clear line per failure; the traceback is logged at DEBUG for developers.
"""

from __future__ import annotations

import traceback
from pathlib import Path


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line, with the innermost Tandem frame when there is one."""
    text = " ".join(str(exc).split())[:300]
    described = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    where = _innermost_tandem_frame(exc)
    return f"{described} (at {where})" if where else described


def _innermost_tandem_frame(exc: BaseException) -> str | None:
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        parts = Path(frame.filename).parts
        if "bot" in parts and "site-packages" not in parts:
            start = len(parts) - 1 - parts[::-1].index("bot")
            found = f"{'/'.join(parts[start:])}:{frame.lineno}"
    return found
