"""Reading a modal's ``view.state.values`` into plain Python values keyed by block id.

Every value has the type its element sends (text, a list of texts, or None) whatever the
request carries, so validation never meets a number where it expects text.
"""

from __future__ import annotations

import re
from typing import Any

# A picked user or conversation is a Slack id; anything else was forged (and would not fit
# the 32-character columns that keep ids).
_SLACK_ID = re.compile(r"[A-Z0-9]{2,32}")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _slack_id(value: Any) -> str | None:
    return value if isinstance(value, str) and _SLACK_ID.fullmatch(value) else None


def _slack_ids(values: Any) -> list[str]:
    return [v for v in values if _slack_id(v)] if isinstance(values, list) else []


def _option(option: Any) -> str | None:
    return _text(option.get("value")) if isinstance(option, dict) else None


def element_value(element: dict[str, Any]) -> Any:
    """The value of one input element, whatever its type (None when empty)."""
    kind = element.get("type")
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        return _text(element.get("value"))
    if kind in ("static_select", "radio_buttons", "external_select"):
        return _option(element.get("selected_option"))
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        options = element.get("selected_options")
        return (
            [v for o in options if (v := _option(o)) is not None]
            if isinstance(options, list)
            else []
        )
    if kind == "users_select":
        return _slack_id(element.get("selected_user"))
    if kind == "multi_users_select":
        return _slack_ids(element.get("selected_users"))
    if kind == "conversations_select":
        return _slack_id(element.get("selected_conversation"))
    if kind == "channels_select":
        return _slack_id(element.get("selected_channel"))
    if kind == "datepicker":
        return _text(element.get("selected_date"))
    if kind == "timepicker":
        return _text(element.get("selected_time"))
    return _text(element.get("value"))


def read_values(view: dict[str, Any]) -> dict[str, Any]:
    """``{block_id: value}`` for every input of ``view`` (one element per block)."""
    values: dict[str, Any] = {}
    state = view.get("state")
    blocks = state.get("values") if isinstance(state, dict) else None
    if not isinstance(blocks, dict):
        return values
    for block_id, elements in blocks.items():
        if not isinstance(elements, dict):
            continue
        for element in elements.values():
            if isinstance(element, dict):
                values[block_id] = element_value(element)
    return values
