"""Test doubles. The Slack stand-in lives in the package because ``tandem demo`` uses it too."""

from bot.sandbox.slack_standin import SlackStandin

__all__ = ["SlackStandin"]
