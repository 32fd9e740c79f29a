"""Slack surface only: each listener acks, parses, calls one service and renders blocks."""

from slack_bolt import App

from bot.handlers import (
    action_items,
    admin_settings,
    brief_actions,
    candidates,
    checkins,
    closure,
    commands,
    events,
    feedback,
    focus_areas,
    followups,
    home,
    interviews,
    kickoff,
    retro,
)


def register(app: App) -> None:
    """Wire every listener onto ``app`` (the one place listeners are registered)."""
    commands.register(app)
    kickoff.register(app)
    brief_actions.register(app)
    candidates.register(app)
    interviews.register(app)
    feedback.register(app)
    followups.register(app)
    checkins.register(app)
    closure.register(app)
    retro.register(app)
    action_items.register(app)
    focus_areas.register(app)
    events.register(app)
    home.register(app)
    admin_settings.register(app)
