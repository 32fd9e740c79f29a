"""Typed values carried in ``private_metadata`` and button values.

Both come back from Slack in requests, so they are checked as strictly as anything a person
typed: ids must be positive integers that fit the database's INTEGER columns.
"""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import BaseModel, Field, ValidationError

from bot.row_ids import MAX_ROW_ID
from bot.services.form_values import row_id

RowId = Annotated[int, Field(strict=True, gt=0, le=MAX_ROW_ID)]


class ModalMetadata(BaseModel):
    draft: RowId | None = None
    role: RowId | None = None
    interview: RowId | None = None
    obligation: RowId | None = None
    week: Annotated[str, Field(max_length=32)] | None = None
    thread: Annotated[str, Field(max_length=32)] | None = None
    poll: RowId | None = None
    candidate: RowId | None = None
    quality_check: RowId | None = None
    # What the modal was opened from (e.g. "hired": Close role from a Move candidate note).
    origin: Annotated[str, Field(max_length=16)] | None = None


class BadPayload(Exception):
    """A payload field Tandem wrote is missing or was tampered with."""


def parse_metadata(raw: object) -> ModalMetadata:
    if raw is not None and not isinstance(raw, str):
        raise BadPayload("private_metadata")
    try:
        return ModalMetadata.model_validate(json.loads(raw or "{}"))
    except (ValueError, RecursionError, ValidationError) as exc:
        raise BadPayload("private_metadata") from exc


def parse_id(raw: object) -> int:
    """A row id from a button value."""
    value = row_id(raw)
    if value is None:
        raise BadPayload("button value")
    return value
