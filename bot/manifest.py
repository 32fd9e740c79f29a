"""Tandem's Slack app manifest: loaded from ``manifest.yml``, rendered for a host or Socket Mode.

``manifest.yml`` is the Socket Mode manifest (no URL anywhere: the first install, on a laptop
or a private server, needs none); ``--url`` adds every request URL and turns Socket Mode off.
The manifest is the single source of the bot scopes; OAuth installs request exactly those.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

import bot

EVENTS_PATH = "/slack/events"
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"


def manifest_path() -> Path:
    package_dir = Path(bot.__file__).resolve().parent
    for candidate in (package_dir.parent / "manifest.yml", package_dir / "manifest.yml"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("manifest.yml is missing from this installation")


def load_manifest() -> dict[str, Any]:
    with manifest_path().open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def bot_scopes() -> list[str]:
    return list(load_manifest()["oauth_config"]["scopes"]["bot"])


def normalise_base_url(url: str) -> str:
    """``https://host.example/`` → ``https://host.example``; refuse anything but https."""
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.netloc:
        # Slack sends commands, clicks and events only to HTTPS request URLs.
        raise ValueError(
            f"{url!r} is http://, and Slack only sends requests to https:// URLs "
            "(put Tandem behind HTTPS, or leave out --url for Socket Mode)"
        )
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"{url!r} is not an https URL such as https://tandem.example.org")
    return url.rstrip("/")


def render_manifest(base_url: str | None = None) -> dict[str, Any]:
    """The manifest for an HTTP deployment at ``base_url``, or for Socket Mode when None.

    Raises ``ValueError`` (one line, for the operator) for a ``base_url`` that is not one.
    """
    manifest = copy.deepcopy(load_manifest())
    features = manifest["features"]
    settings = manifest["settings"]
    if base_url is None:
        for command in features["slash_commands"]:
            command.pop("url", None)
        settings["event_subscriptions"].pop("request_url", None)
        settings["interactivity"].pop("request_url", None)
        settings["interactivity"].pop("message_menu_options_url", None)
        manifest["oauth_config"].pop("redirect_urls", None)
        settings["socket_mode_enabled"] = True
        return manifest
    base = normalise_base_url(base_url)
    for command in features["slash_commands"]:
        command["url"] = base + EVENTS_PATH
    settings["event_subscriptions"]["request_url"] = base + EVENTS_PATH
    settings["interactivity"]["request_url"] = base + EVENTS_PATH
    # Candidate pickers load their options from here (``block_suggestion`` requests).
    settings["interactivity"]["message_menu_options_url"] = base + EVENTS_PATH
    manifest["oauth_config"]["redirect_urls"] = [base + OAUTH_REDIRECT_PATH]
    settings["socket_mode_enabled"] = False
    return manifest


def manifest_yaml(base_url: str | None = None) -> str:
    return yaml.safe_dump(render_manifest(base_url), sort_keys=False, allow_unicode=True)
