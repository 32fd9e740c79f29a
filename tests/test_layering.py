"""The layers stay apart, checked on the package's import statements and calls (parsed with
``ast``, so a comment or a string that mentions a module counts for nothing):

* a handler never touches the database itself: no ``bot.models``, no ``sqlalchemy``
  (services open and commit the transactions);
* a service never talks to Slack: no ``slack_sdk``, no ``slack_bolt``;
* ``bot/slack/`` is Slack plumbing only (client, ids, payload parsing): no database;
* only the deliverer makes the Web API calls that send or change messages, channels and pins;
  handlers keep the calls bound to a person's trigger (``views.*``, ``respond``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "bot"

# Web API methods (as WebClient attributes) that deliver something because a change happened.
DELIVERY_CALLS = frozenset(
    {
        "chat_postMessage",
        "chat_update",
        "chat_delete",
        "chat_scheduleMessage",
        "pins_add",
        "conversations_create",
        "conversations_invite",
        "conversations_join",
        "files_upload_v2",
    }
)


# Modules still being moved onto their side of the line. Each entry must still break its
# rule (the test says so when it no longer does): the list only ever shrinks.
NOT_YET: set[str] = set()
# Sends that answer the person's own request, like ``respond``: not caused by a change.
TRIGGER_BOUND = {
    # The error handler's last word to the person whose request failed, when the request
    # has no response_url: it must not depend on the database, which may be what failed.
    "app.py": {"chat_postMessage"},
}
SENDERS_NOT_YET: set[str] = set()


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).glob("*.py"))


def _check(path: Path, offences: list[str]) -> None:
    name = str(path.relative_to(PACKAGE))
    if name in NOT_YET:
        assert offences, f"{name} keeps the rule now: take it off NOT_YET"
        pytest.xfail(f"{name} is still being moved: {offences}")
    assert offences == []


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute names (``from . import x`` resolved)."""
    names: set[str] = set()
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def called_attributes(path: Path) -> set[str]:
    """Names of every attribute called in ``path`` (``client.chat_postMessage(...)``)."""
    return {
        node.func.attr
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


def _touches(names: set[str], *roots: str) -> list[str]:
    return sorted(n for n in names if any(n == r or n.startswith(f"{r}.") for r in roots))


@pytest.mark.parametrize("path", _modules("handlers"), ids=lambda p: p.name)
def test_a_handler_never_touches_the_database(path: Path) -> None:
    _check(path, _touches(imported(path), "bot.models", "sqlalchemy"))


@pytest.mark.parametrize("path", _modules("services"), ids=lambda p: p.name)
def test_a_service_never_talks_to_slack(path: Path) -> None:
    # ``bot.slack.ids`` (block and action ids) is a table of names, not a way to Slack.
    offences = _touches(imported(path), "slack_sdk", "slack_bolt", "bot.delivery", "bot.handlers")
    offences += [
        n for n in _touches(imported(path), "bot.slack") if not n.startswith("bot.slack.ids")
    ]
    _check(path, offences)


@pytest.mark.parametrize("path", _modules("slack"), ids=lambda p: p.name)
def test_bot_slack_is_plumbing(path: Path) -> None:
    _check(path, _touches(imported(path), "bot.models", "sqlalchemy", "bot.db"))


def test_only_the_deliverer_sends() -> None:
    senders = {
        str(path.relative_to(PACKAGE.parent)): sorted(
            called_attributes(path)
            & DELIVERY_CALLS - TRIGGER_BOUND.get(str(path.relative_to(PACKAGE)), set())
        )
        for path in sorted(PACKAGE.rglob("*.py"))
        if "delivery" not in path.relative_to(PACKAGE).parts
        and "sandbox" not in path.relative_to(PACKAGE).parts
    }
    offending = {path: calls for path, calls in senders.items() if calls}
    stale = {p for p in SENDERS_NOT_YET if f"bot/{p}" not in offending}
    assert not stale, f"these send nothing themselves now: take them off SENDERS_NOT_YET: {stale}"
    assert {
        p: c for p, c in offending.items() if p.removeprefix("bot/") not in SENDERS_NOT_YET
    } == {}


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """The parsers see real imports and calls, and nothing in comments or strings."""
    module = tmp_path / "bot" / "handlers" / "sample.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "# from sqlalchemy import select\n"
        "'''import bot.models'''\n"
        "from ..models import Role\n"
        "import sqlalchemy.orm\n"
        "client.chat_postMessage(channel='C1')\n"
        "text = 'client.pins_add()'\n"
    )
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "bot"
    try:
        names = imported(module)
    finally:
        PACKAGE = saved
    assert _touches(names, "bot.models", "sqlalchemy") == [
        "bot.models",
        "bot.models.Role",
        "sqlalchemy.orm",
    ]
    assert called_attributes(module) & DELIVERY_CALLS == {"chat_postMessage"}


def test_every_hook_module_is_registered_for_every_deliverer() -> None:
    """A kind's ``on_sent`` hook must run in any process that delivers it, so each module
    that registers hooks is imported by ``bot.services.outbox_hooks``."""
    hooks = PACKAGE / "services" / "outbox_hooks.py"
    registered = {n.removeprefix("bot.services.") for n in imported(hooks)}
    registering = {
        path.stem
        for path in _modules("services")
        if {"on_sent", "on_parked"} & called_attributes(path) and path.stem != "outbox"
    }
    assert registering and registering <= registered
