"""Offline stand-ins for Slack, used by the test suite and by ``tandem demo``."""
