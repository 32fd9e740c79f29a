"""Listeners of issue 12 (being built)."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Wire this module's listeners onto ``app``."""
