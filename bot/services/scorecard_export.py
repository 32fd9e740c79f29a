"""`/scorecard … export`: the figures and the rows they are computed from, as one CSV.

One table, so any spreadsheet opens it: a ``record`` column says whether a line is a
``figure`` (key, label, value, count, unit) or an ``obligation`` (one feedback or contract
commitment owed, with its verdict as the figures judge it — the obligation lines add up to
the feedback-on-time and contract-kept figures). Cells that a spreadsheet would run as a
formula are defused with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from bot.services.scorecard_metrics import Figure, ObligationRow

COLUMNS = (
    "record",
    "key",
    "label",
    "value",
    "count",
    "unit",
    "obligation_id",
    "role_id",
    "kind",
    "owner_id",
    "side",
    "due_at",
    "resolved_at",
    "cancelled_at",
    "on_time",
    "interview_id",
    "interview_ends_at",
    "feedback_submitted_at",
    "working_days",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def export_csv(figures: Sequence[Figure], rows: Sequence[ObligationRow]) -> bytes:
    """The CSV (UTF-8 with a byte-order mark, so spreadsheets read the dashes and accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for figure in figures:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    "figure",
                    figure.key,
                    figure.label,
                    figure.value,
                    figure.count,
                    figure.unit,
                )
            ]
            + [""] * (len(COLUMNS) - 6)
        )
    for row in rows:
        writer.writerow(
            ["obligation", "", "", "", "", ""]
            + [
                _cell(v)
                for v in (
                    row.obligation_id,
                    row.role_id,
                    row.kind,
                    row.owner_id,
                    row.side,
                    row.due_at,
                    row.resolved_at,
                    row.cancelled_at,
                    row.on_time,
                    row.interview_id,
                    row.interview_ends_at,
                    row.feedback_submitted_at,
                    row.working_days,
                )
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
