"""Which bot scopes Tandem needs, and why: ``bot/data/scopes.yml``.

The file maps every Web API method Tandem calls, and every event it subscribes to, to the
scopes Slack lists for it, with a one-line reason per scope (the README's table). The
manifest's scopes must be exactly what these need; tests/test_scopes.py checks it against the
code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

DATA_FILE = "scopes.yml"


@dataclass(frozen=True)
class ScopeMap:
    methods: dict[str, tuple[str, ...]]
    events: dict[str, tuple[str, ...]]
    slash_commands: tuple[str, ...]
    reasons: dict[str, str]

    def needed(self, methods: Iterable[str], events: Iterable[str], *, commands: bool) -> set[str]:
        """The scopes ``methods``, ``events`` and (when ``commands``) slash commands need;
        raises KeyError naming a method or event the file does not know."""
        scopes: set[str] = set(self.slash_commands) if commands else set()
        for method in methods:
            scopes.update(self.methods[method])
        for event in events:
            scopes.update(self.events[event])
        return scopes


def _scopes(value: object) -> tuple[str, ...]:
    if not (isinstance(value, list) and all(isinstance(s, str) for s in value)):
        raise ValueError(f"{DATA_FILE}: expected a list of scopes, got {value!r}")
    return tuple(value)


@cache
def scope_map() -> ScopeMap:
    """The file, read once (from the installed package, like the other data files)."""
    text = resources.files("bot").joinpath("data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return ScopeMap(
        methods={name: _scopes(scopes) for name, scopes in data["methods"].items()},
        events={name: _scopes(scopes) for name, scopes in data["events"].items()},
        slash_commands=_scopes(data["slash_commands"]),
        reasons={str(scope): str(reason) for scope, reason in data["reasons"].items()},
    )
