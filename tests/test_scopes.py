"""Minimal, explained scopes: the manifest's bot scopes are exactly what the Web API methods
Tandem calls, the events it subscribes to and its slash commands need (bot/data/scopes.yml,
from Slack's reference), and each has a one-line reason.

The methods are found in the code itself: every call of a WebClient method (and
``api_call("…")``) anywhere in ``bot/``, resolved to the Web API methods it makes through
slack_sdk's own source, plus the methods the outbox sends by name and those Bolt makes for
Tandem. A flow through the app checks the scan against what Slack actually receives.
"""

from __future__ import annotations

import ast
import inspect
import re
from functools import cache
from pathlib import Path

from slack_sdk import WebClient

import bot
from bot.manifest import bot_scopes, load_manifest
from bot.services.outbox import METHODS, UPLOAD
from bot.slack.scopes import scope_map
from tests.harness import Tandem
from tests.kickoff_flow import RECRUITER, Kickoff, add_people

BOT = Path(bot.__file__).resolve().parent
# Calls Bolt makes on Tandem's behalf: auth.test (single-workspace authorization) and
# oauth.v2.access (an OAuth install).
LIBRARY_CALLS = {"auth.test", "oauth.v2.access"}
# Listed before the code that calls them lands (the admin settings' user group of admins).
LISTED_AHEAD = {"usergroups.users.list"}
# What the stand-in records besides Web API calls: answers through a response_url, and the
# file bytes sent to the URL files.getUploadURLExternal gave (neither takes a scope).
NOT_WEB_API = {"response_url", "upload"}
_API_CALL = re.compile(r"api_call\(\s*\"([a-zA-Z0-9.]+)\"")
_SELF_CALL = re.compile(r"self\.([a-zA-Z0-9_]+)\(")


@cache
def web_api_methods(attribute: str) -> frozenset[str]:
    """The Web API methods one WebClient method makes, read from slack_sdk's source (a
    helper such as ``files_upload_v2`` makes several)."""
    source = inspect.getsource(getattr(WebClient, attribute))
    found = set(_API_CALL.findall(source))
    for helper in _SELF_CALL.findall(source):
        if helper != attribute and helper in vars(WebClient):
            found |= web_api_methods(helper)
    return frozenset(found)


@cache
def calls_in_source() -> dict[str, frozenset[str]]:
    """Web API method → the files of ``bot/`` that call it."""
    found: dict[str, set[str]] = {}
    for path in sorted(BOT.rglob("*.py")):
        where = str(path.relative_to(BOT.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            if name == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
                methods = frozenset({str(node.args[0].value)})
            elif name in vars(WebClient) and not name.startswith("_"):
                methods = web_api_methods(name)
            else:
                continue
            for method in methods:
                found.setdefault(method, set()).add(where)
    return {method: frozenset(files) for method, files in found.items()}


def outbox_methods() -> set[str]:
    """The methods the deliverer calls by name (``getattr(client, method)``); an upload row
    goes through ``files_upload_v2``, which the scan sees in bot/delivery/sender.py."""
    return {method for method in METHODS if method != UPLOAD}


def called_methods() -> set[str]:
    return set(calls_in_source()) | outbox_methods() | LIBRARY_CALLS


def subscribed_events() -> list[str]:
    return list(load_manifest()["settings"]["event_subscriptions"]["bot_events"])


def needed_scopes() -> set[str]:
    has_commands = bool(load_manifest()["features"].get("slash_commands"))
    return scope_map().needed(called_methods(), subscribed_events(), commands=has_commands)


def test_the_scan_finds_the_calls_it_must() -> None:
    """A scan that found nothing would pass everything below: it sees the calls made
    directly, through a helper (files_upload_v2) and from the middleware."""
    calls = calls_in_source()
    assert "bot/slack/lookups.py" in calls["users.info"]
    assert "bot/app.py" in calls["chat.postMessage"]
    assert "bot/delivery/sender.py" in calls["conversations.open"]
    for method in ("files.getUploadURLExternal", "files.completeUploadExternal"):
        assert "bot/delivery/sender.py" in calls[method]
    for method in outbox_methods():
        assert method.replace(".", "_") in vars(WebClient), method


def test_every_method_the_code_calls_has_its_scopes_listed() -> None:
    unknown = {
        method: sorted(calls_in_source().get(method, {"bot/services/outbox.py"}))
        for method in called_methods() - set(scope_map().methods)
    }
    assert unknown == {}, (
        "Web API methods called but not in bot/data/scopes.yml (add each with the bot "
        f"scopes Slack's reference lists for it): {unknown}"
    )


def test_every_event_subscribed_to_has_its_scopes_listed() -> None:
    assert set(subscribed_events()) <= set(scope_map().events)


def test_every_scope_needed_is_in_the_manifest() -> None:
    missing = needed_scopes() - set(bot_scopes())
    assert missing == set(), f"add to manifest.yml's bot scopes: {sorted(missing)}"


def test_no_scope_in_the_manifest_is_unused() -> None:
    unused = set(bot_scopes()) - needed_scopes()
    assert unused == set(), f"nothing Tandem calls or subscribes to needs {sorted(unused)}"
    assert len(bot_scopes()) == len(set(bot_scopes())), "a scope is listed twice"


def test_every_scope_has_a_one_line_reason() -> None:
    reasons = scope_map().reasons
    assert set(bot_scopes()) <= set(reasons)
    listed = {s for scopes in scope_map().methods.values() for s in scopes}
    listed |= {s for scopes in scope_map().events.values() for s in scopes}
    listed |= set(scope_map().slash_commands)
    assert set(reasons) <= listed, "a reason for a scope nothing needs"
    for scope, reason in reasons.items():
        assert reason.strip() and "\n" not in reason and len(reason) <= 200, scope


def test_the_map_lists_nothing_stale() -> None:
    """A method nothing calls any more leaves the map (and its scope the manifest)."""
    assert set(scope_map().methods) - called_methods() <= LISTED_AHEAD


def test_a_dm_to_a_user_id_needs_no_im_write() -> None:
    """chat.postMessage to a user id posts in their DM with chat:write alone; im:write is
    for opening that DM's id (conversations.open), which uploads need."""
    assert scope_map().methods["chat.postMessage"] == ("chat:write",)
    assert scope_map().methods["conversations.open"] == ("im:write",)


def test_what_slack_receives_in_a_flow_is_what_the_scan_found(tandem: Tandem) -> None:
    """A kickoff (a channel created, people invited, the brief posted and pinned), the Home
    tab, a scorecard export to a DM and a scheduler tick: every method Slack receives is one
    the scan found, and is in the map."""
    add_people(tandem.standin)
    Kickoff(tandem).start().complete()
    tandem.event({"type": "app_home_opened", "user": RECRUITER, "channel": "D0H", "tab": "home"})
    assert tandem.command("/scorecard", "me export", user=RECRUITER).status == 200
    tandem.run_jobs()
    tandem.deliver()
    received = {c.method for c in tandem.standin.calls} - NOT_WEB_API
    assert {"conversations.create", "pins.add", "files.completeUploadExternal"} <= received
    assert received <= called_methods()
    assert received <= set(scope_map().methods)
