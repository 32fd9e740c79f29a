"""Tandem: a Slack bot that makes the recruiter–hiring-manager partnership accountable."""

__version__ = "0.1.0"
