"""Slack's Block Kit limits (slack-platform.md §4), checked on everything the app sends."""

from __future__ import annotations

from typing import Any

MESSAGE_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"}
VIEW_METHODS = {"views.open", "views.push", "views.update", "views.publish"}


def _text(obj: dict[str, Any] | None, limit: int, where: str, problems: list[str]) -> None:
    if obj is None:
        return
    text = obj.get("text", "")
    if not text:
        problems.append(f"{where}: empty text")
    if len(text) > limit:
        problems.append(f"{where}: text {len(text)} > {limit}")


def _options(options: list[dict[str, Any]], where: str, problems: list[str]) -> None:
    if len(options) > 100:
        problems.append(f"{where}: {len(options)} options > 100")
    for option in options:
        _text(option.get("text"), 75, f"{where} option", problems)
        if len(option.get("value", "")) > 150:
            problems.append(f"{where}: option value > 150")


def _element(element: dict[str, Any], where: str, problems: list[str]) -> None:
    if len(element.get("action_id", "")) > 255:
        problems.append(f"{where}: action_id > 255")
    kind = element.get("type")
    if kind == "button":
        _text(element.get("text"), 75, f"{where} button", problems)
        if len(element.get("value", "")) > 2000:
            problems.append(f"{where}: button value > 2000")
    if "placeholder" in element:
        _text(element["placeholder"], 150, f"{where} placeholder", problems)
    if kind in ("static_select", "radio_buttons", "checkboxes", "multi_static_select"):
        _options(element.get("options", []), where, problems)
    if kind == "plain_text_input":
        if not 1 <= element.get("max_length", 3000) <= 3000:
            problems.append(f"{where}: max_length out of range")
        if len(element.get("initial_value", "")) > element.get("max_length", 3000):
            problems.append(f"{where}: initial_value longer than max_length")


def check_blocks(blocks: list[dict[str, Any]], limit: int, where: str) -> list[str]:
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"{where}: {len(blocks)} blocks > {limit}")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        problems.append(f"{where}: duplicate block_id")
    for index, block in enumerate(blocks):
        here = f"{where} block {index} ({block.get('type')})"
        if len(block.get("block_id", "")) > 255:
            problems.append(f"{here}: block_id > 255")
        kind = block.get("type")
        if kind == "header":
            _text(block.get("text"), 150, here, problems)
        elif kind == "section":
            if "text" in block:
                _text(block["text"], 3000, here, problems)
            fields = block.get("fields", [])
            if len(fields) > 10:
                problems.append(f"{here}: {len(fields)} fields > 10")
            for field in fields:
                _text(field, 2000, f"{here} field", problems)
            if "accessory" in block:
                _element(block["accessory"], here, problems)
        elif kind == "actions":
            elements = block.get("elements", [])
            if len(elements) > 25:
                problems.append(f"{here}: {len(elements)} elements > 25")
            ids = [e.get("action_id") for e in elements]
            if len(ids) != len(set(ids)):
                problems.append(f"{here}: duplicate action_id")
            for element in elements:
                _element(element, here, problems)
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 10:
                problems.append(f"{here}: {len(elements)} elements")
            for element in elements:
                if element.get("type") in ("mrkdwn", "plain_text"):
                    _text(element, 3000, here, problems)
        elif kind == "input":
            _text(block.get("label"), 2000, f"{here} label", problems)
            if "hint" in block:
                _text(block["hint"], 2000, f"{here} hint", problems)
            _element(block.get("element", {}), here, problems)
    return problems


def check_view(view: dict[str, Any], where: str) -> list[str]:
    problems = check_blocks(view.get("blocks", []), 100, where)
    if view.get("type") == "modal":
        _text(view.get("title"), 24, f"{where} title", problems)
        for key in ("submit", "close"):
            if key in view:
                _text(view[key], 24, f"{where} {key}", problems)
        has_inputs = any(b.get("type") == "input" for b in view.get("blocks", []))
        if has_inputs and "submit" not in view:
            problems.append(f"{where}: inputs without a submit button")
    if len(view.get("private_metadata", "")) > 3000:
        problems.append(f"{where}: private_metadata > 3000")
    if len(view.get("callback_id", "")) > 255:
        problems.append(f"{where}: callback_id > 255")
    return problems


def check_message(message: dict[str, Any], where: str) -> list[str]:
    blocks = message.get("blocks") or []
    problems = check_blocks(blocks, 50, where)
    if blocks and not message.get("text"):
        problems.append(f"{where}: blocks without a notification text")
    return problems


def check_call(method: str, params: dict[str, Any]) -> list[str]:
    if method in MESSAGE_METHODS:
        return check_message(params, method)
    if method in VIEW_METHODS and isinstance(params.get("view"), dict):
        return check_view(params["view"], method)
    return []


def check_ack_body(body: Any) -> list[str]:
    """What the app answers in the HTTP response: a message or a response_action view."""
    if not isinstance(body, dict):
        return []
    if isinstance(body.get("view"), dict):
        return check_view(body["view"], "ack view")
    if "blocks" in body or "text" in body:
        return check_message(body, "ack message")
    return []
