"""Typed values carried in ``private_metadata`` and button values."""

from __future__ import annotations

import json

from pydantic import BaseModel, ValidationError


class ModalMetadata(BaseModel):
    draft: int | None = None
    role: int | None = None
    interview: int | None = None
    obligation: int | None = None
    week: str | None = None
    thread: str | None = None


class BadPayload(Exception):
    """A payload field Tandem wrote is missing or was tampered with."""


def parse_metadata(raw: str | None) -> ModalMetadata:
    try:
        return ModalMetadata.model_validate(json.loads(raw or "{}"))
    except (ValueError, ValidationError) as exc:
        raise BadPayload("private_metadata") from exc


def parse_id(raw: str | None) -> int:
    """A row id from a button value."""
    try:
        value = int(raw or "")
    except ValueError:
        raise BadPayload("button value") from None
    if value <= 0:
        raise BadPayload("button value")
    return value
