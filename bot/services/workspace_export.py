"""``tandem export --team T…``: a workspace's data as one JSON document, for its admin.

Every table with a ``team_id`` column contributes the rows of that workspace, and only
those (the query filters each table by its own ``team_id``; nothing is joined in from
elsewhere). What is left out, and why:

* credentials — any column whose name holds ``token`` or ``secret``, and the incoming
  webhook URL (anyone holding it can post): a dump of an export must reveal no token;
* the same inside JSON values (a stored Events API delivery carries Slack's verification
  ``token``): keys named like a token are dropped;
* ``retro_anonymous_answers.answerer_hash``: the only thing that could tie an anonymous
  answer to a person (with the server's secret); the answers themselves are exported.

Values: datetimes as ISO 8601 in UTC (``2027-06-07T14:00:00+00:00``; slack_sdk's own naive
columns are UTC too), dates and times as ISO 8601, JSON columns as JSON. Rows are written
table by table, in primary-key order, streamed (a big workspace is not held in memory).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, TextIO

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from bot.models import Base

FORMAT = "tandem-workspace-export"
VERSION = 1
# Columns never exported, by table (see the module docstring).
_LEFT_OUT = {"retro_anonymous_answers": {"answerer_hash"}}
_ROWS_PER_FETCH = 500


class NothingToExport(Exception):
    """No table holds a row of that workspace."""


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return "token" in lowered or "secret" in lowered or lowered == "incoming_webhook_url"


def workspace_tables() -> list[Table]:
    """Every table that belongs to workspaces (has ``team_id``), parents before children."""
    return [t for t in Base.metadata.sorted_tables if "team_id" in t.c]


def exported_columns(table: Table) -> list[str]:
    left_out = _LEFT_OUT.get(table.name, set())
    return [c.name for c in table.c if not _is_secret(c.name) and c.name not in left_out]


def _value(value: Any) -> Any:
    """A database value as JSON (datetimes ISO 8601 in UTC; secrets inside JSON dropped)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items() if not _is_secret(str(k))}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def table_rows(session: Session, table: Table, team_id: str) -> Iterator[dict[str, Any]]:
    """The workspace's rows of ``table``, primary-key order, secrets left out."""
    names = exported_columns(table)
    order = list(table.primary_key.columns) or [table.c[names[0]]]
    query = (
        select(*(table.c[n] for n in names))
        .where(table.c.team_id == team_id)
        .order_by(*order)
        .execution_options(yield_per=_ROWS_PER_FETCH)
    )
    for row in session.execute(query):
        yield {name: _value(value) for name, value in zip(names, row, strict=True)}


def has_data(session: Session, team_id: str) -> bool:
    return any(
        session.execute(select(t.c.team_id).where(t.c.team_id == team_id).limit(1)).first()
        for t in workspace_tables()
    )


def write_export(session: Session, team_id: str, out: TextIO, *, now: datetime) -> dict[str, int]:
    """Write workspace ``team_id``'s export to ``out``; returns the rows written per table.
    ``NothingToExport`` (nothing written) when Tandem holds nothing of that workspace."""
    if not has_data(session, team_id):
        raise NothingToExport(team_id)
    counts: dict[str, int] = {}
    header = {"format": FORMAT, "version": VERSION, "team_id": team_id, "exported_at": _value(now)}
    fields = ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in header.items())
    out.write("{" + fields + ', "tables": {')
    for number, table in enumerate(workspace_tables()):
        out.write(f"{', ' if number else ''}\n{json.dumps(table.name)}: [")
        count = 0
        for row in table_rows(session, table, team_id):
            out.write(("," if count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
            count += 1
        out.write("\n]" if count else "]")
        counts[table.name] = count
    out.write("\n}}\n")
    return counts
