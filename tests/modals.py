"""Fill a modal the way a person would: keep what Slack pre-filled, change some fields."""

from __future__ import annotations

import json
from typing import Any

from tests import slack_requests as sr
from tests.harness import Reply, Tandem


def _initial(element: dict[str, Any]) -> Any:
    kind = element["type"]
    if kind in ("plain_text_input", "number_input"):
        return element.get("initial_value")
    if kind in ("static_select", "radio_buttons"):
        option = element.get("initial_option")
        return option["value"] if option else None
    if kind == "checkboxes":
        return [o["value"] for o in element.get("initial_options", [])]
    if kind == "users_select":
        return element.get("initial_user")
    if kind == "multi_users_select":
        return element.get("initial_users", [])
    if kind == "conversations_select":
        return element.get("initial_conversation")
    if kind == "datepicker":
        return element.get("initial_date")
    if kind == "timepicker":
        return element.get("initial_time")
    raise AssertionError(f"unhandled element {kind}")


def _state(kind: str, value: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"type": kind}
    if kind in ("plain_text_input", "number_input"):
        state["value"] = value
    elif kind in ("static_select", "radio_buttons"):
        state["selected_option"] = (
            {"value": value, "text": {"type": "plain_text", "text": str(value)}} if value else None
        )
    elif kind == "checkboxes":
        state["selected_options"] = [{"value": v} for v in value or []]
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


def fill(view: dict[str, Any], changes: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """``view.state.values`` for ``view`` with pre-filled values, some replaced by ``changes``."""
    changes = changes or {}
    unknown = set(changes) - {b.get("block_id") for b in view["blocks"]}
    assert not unknown, f"no such fields: {unknown}"
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        value = changes.get(block["block_id"], _initial(element))
        values[block["block_id"]] = {element["action_id"]: _state(element["type"], value)}
    return values


def submit(
    tandem: Tandem,
    view: dict[str, Any],
    *,
    user: str,
    changes: dict[str, Any] | None = None,
    team_id: str = sr.TEAM_ID,
    view_id: str = "V0KICKOFF",
) -> Reply:
    """Submit ``view`` as ``user``; returns the app's ack (errors, push, update …)."""
    payload = sr.view_submission_payload(
        user_id=user,
        callback_id=view["callback_id"],
        values=fill(view, changes),
        private_metadata=view.get("private_metadata", ""),
        team_id=team_id,
        view_id=view_id,
    )
    return tandem.interact(payload)


def opened_view(tandem: Tandem) -> dict[str, Any]:
    view: dict[str, Any] = tandem.standin.last("views.open").params["view"]
    return view


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    return json.loads(view["private_metadata"])
