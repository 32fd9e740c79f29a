"""Fill a modal the way a person would: keep what Slack pre-filled, change some fields.

When someone submits a modal, Slack sends ``view.state.values``: for every input block, the
value its element holds — the pre-filled one unless the person changed it. :func:`fill`
builds exactly that from the view the app sent, so a test or the demo only says what the
person typed or picked.
"""

from __future__ import annotations

from typing import Any

# Elements whose value is a list (the person may pick several).
MULTI_VALUE_ELEMENTS = {"checkboxes", "multi_users_select", "multi_static_select"}


def initial_value(element: dict[str, Any], *, current_conversation: str | None = None) -> Any:
    """What ``element`` holds when the modal opens (``current_conversation`` is where it was
    opened, which a conversations select with ``default_to_current_conversation`` shows)."""
    kind = element["type"]
    if kind in ("plain_text_input", "number_input"):
        return element.get("initial_value")
    if kind in ("static_select", "radio_buttons", "external_select"):
        option = element.get("initial_option")
        return option["value"] if option else None
    if kind == "checkboxes":
        return [o["value"] for o in element.get("initial_options", [])]
    if kind == "multi_static_select":
        return [o["value"] for o in element.get("initial_options", [])]
    if kind == "users_select":
        return element.get("initial_user")
    if kind == "multi_users_select":
        return element.get("initial_users", [])
    if kind == "conversations_select":
        initial = element.get("initial_conversation")
        if initial is None and element.get("default_to_current_conversation"):
            return current_conversation
        return initial
    if kind == "datepicker":
        return element.get("initial_date")
    if kind == "timepicker":
        return element.get("initial_time")
    raise ValueError(f"unhandled element {kind}")


def _option(element: dict[str, Any], value: str) -> dict[str, Any]:
    for option in [*element.get("options", []), element.get("initial_option") or {}]:
        if option.get("value") == value:
            return dict(option)
    return {"value": value, "text": {"type": "plain_text", "text": str(value)}}


def element_state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """One entry of ``state.values``: the element's type and its value under Slack's key."""
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "number_input"):
        state["value"] = value
    elif kind in ("static_select", "radio_buttons", "external_select"):
        state["selected_option"] = _option(element, value) if value else None
    elif kind in ("checkboxes", "multi_static_select"):
        state["selected_options"] = [_option(element, v) for v in value or []]
    elif kind == "users_select":
        state["selected_user"] = value
    elif kind == "multi_users_select":
        state["selected_users"] = value or []
    elif kind == "conversations_select":
        state["selected_conversation"] = value
    elif kind == "datepicker":
        state["selected_date"] = value
    elif kind == "timepicker":
        state["selected_time"] = value
    return state


def input_blocks(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The view's input blocks, in order."""
    return [b for b in view.get("blocks", []) if b.get("type") == "input"]


def fill(
    view: dict[str, Any],
    changes: dict[str, Any] | None = None,
    *,
    current_conversation: str | None = None,
) -> dict[str, dict[str, Any]]:
    """``view.state.values`` for ``view`` with pre-filled values, some replaced by ``changes``
    (keyed by block id). An unknown block id is an error: the person cannot type into a field
    the modal does not have."""
    changes = changes or {}
    unknown = set(changes) - {b.get("block_id") for b in input_blocks(view)}
    if unknown:
        raise KeyError(f"the modal has no such fields: {sorted(unknown)}")
    values: dict[str, dict[str, Any]] = {}
    for block in input_blocks(view):
        element = block["element"]
        if block["block_id"] in changes:
            value = changes[block["block_id"]]
        else:
            value = initial_value(element, current_conversation=current_conversation)
        values[block["block_id"]] = {element["action_id"]: element_state(element, value)}
    return values
