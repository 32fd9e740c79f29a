"""Builders for modal input blocks. Every element's action_id is ``VALUE``; the block id names
the field (see ``bot.slack.ids.Field``)."""

from __future__ import annotations

from typing import Any

from bot.blocks.text import plain
from bot.slack.ids import VALUE

Option = tuple[str, str]  # (value, label)


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool, hint: str | None
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label[:2000]),
        "element": {"action_id": VALUE, **element},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint[:2000])
    return block


def text_input(
    block_id: str,
    label: str,
    *,
    initial: str | None = None,
    multiline: bool = False,
    placeholder: str | None = None,
    optional: bool = False,
    max_length: int = 3000,
    hint: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder[:150])
    return _input(block_id, label, element, optional=optional, hint=hint)


def number_input(
    block_id: str, label: str, *, initial: int | None, low: int, high: int, hint: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": str(low),
        "max_value": str(high),
    }
    if initial is not None:
        element["initial_value"] = str(initial)
    return _input(block_id, label, element, optional=False, hint=hint)


def options(choices: list[Option]) -> list[dict[str, Any]]:
    return [{"text": plain(label[:75]), "value": value[:150]} for value, label in choices]


def static_select(
    block_id: str,
    label: str,
    choices: list[Option],
    *,
    initial: str | None = None,
    hint: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "static_select", "options": options(choices)}
    chosen = [o for o in options(choices) if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return _input(block_id, label, element, optional=False, hint=hint)


def external_select(
    block_id: str,
    label: str,
    *,
    action_id: str,
    placeholder: str,
    hint: str | None = None,
) -> dict[str, Any]:
    """A menu whose options Tandem serves as the person types (no 100-option cap): the
    ``action_id`` names the options listener; ``min_query_length`` 0 lists some at once."""
    element: dict[str, Any] = {
        "type": "external_select",
        "action_id": action_id,
        "min_query_length": 0,
        "placeholder": plain(placeholder[:150]),
    }
    return _input(block_id, label, element, optional=False, hint=hint)


def option_list(choices: list[Option]) -> list[dict[str, Any]]:
    """Options for a ``block_suggestion`` answer: at most 100, labels cut to 75 characters."""
    return [
        {"text": plain(label if len(label) <= 75 else label[:74] + "…"), "value": value[:150]}
        for value, label in choices[:100]
    ]


def radio_buttons(
    block_id: str, label: str, choices: list[Option], *, initial: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "radio_buttons", "options": options(choices)}
    chosen = [o for o in options(choices) if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return _input(block_id, label, element, optional=False, hint=None)


def checkbox(block_id: str, label: str, value: str, text: str, *, checked: bool) -> dict[str, Any]:
    option = options([(value, text)])
    element: dict[str, Any] = {"type": "checkboxes", "options": option}
    if checked:
        element["initial_options"] = option
    return _input(block_id, label, element, optional=True, hint=None)


def user_select(
    block_id: str, label: str, *, initial: str | None = None, hint: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "users_select"}
    if initial:
        element["initial_user"] = initial
    return _input(block_id, label, element, optional=False, hint=hint)


def users_select(
    block_id: str, label: str, *, initial: list[str] | None = None, hint: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "multi_users_select"}
    if initial:
        element["initial_users"] = initial
    return _input(block_id, label, element, optional=True, hint=hint)


def channel_select(
    block_id: str, label: str, *, initial: str | None = None, hint: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if initial:
        element["initial_conversation"] = initial
    else:
        element["default_to_current_conversation"] = True
    return _input(block_id, label, element, optional=True, hint=hint)


def date_picker(
    block_id: str, label: str, *, initial: str | None = None, hint: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker"}
    if initial:
        element["initial_date"] = initial
    return _input(block_id, label, element, optional=False, hint=hint)


def time_picker(
    block_id: str, label: str, *, initial: str | None = None, hint: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "timepicker"}
    if initial:
        # Slack accepts only "HH:mm"; a time saved in a brief comes back as "HH:MM:SS".
        element["initial_time"] = initial[:5]
    return _input(block_id, label, element, optional=False, hint=hint)
