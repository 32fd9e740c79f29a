"""Slack plumbing shared by handlers and jobs: the Web API client and Block Kit ids."""
