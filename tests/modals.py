"""Fill and submit a modal the way a person would (the filling lives in bot.sandbox.modals)."""

from __future__ import annotations

import json
from typing import Any

from bot.sandbox.modals import fill
from tests import slack_requests as sr
from tests.harness import Reply, Tandem

__all__ = ["fill", "metadata", "opened_view", "submit"]


def submit(
    tandem: Tandem,
    view: dict[str, Any],
    *,
    user: str,
    changes: dict[str, Any] | None = None,
    team_id: str = sr.TEAM_ID,
    view_id: str | None = None,
) -> Reply:
    """Submit ``view`` as ``user``; returns the app's ack (errors, push, update …). The same
    view object submitted twice carries the same view id, as Slack's double-clicks do."""
    return tandem.submit_view(view, user=user, changes=changes, team_id=team_id, view_id=view_id)


def opened_view(tandem: Tandem) -> dict[str, Any]:
    view: dict[str, Any] = tandem.standin.last("views.open").params["view"]
    return view


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    return json.loads(view["private_metadata"])
