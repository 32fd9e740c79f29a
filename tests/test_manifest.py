"""manifest.yml is valid for Slack and complete for the product."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.cli import main
from bot.manifest import bot_scopes, load_manifest, render_manifest
from tests.harness import Tandem

# Slack's v1 manifest JSON Schema (slackapi/manifest-schema), copied from shared/slack/.
SCHEMA = json.loads((Path(__file__).parent / "data" / "slack-manifest.schema.json").read_text())


@pytest.mark.parametrize("url", [None, "https://tandem.example.org"])
def test_rendered_manifest_validates_against_slacks_schema(url: str | None) -> None:
    jsonschema.validate(render_manifest(url), SCHEMA)


def test_rules_the_schema_does_not_enforce() -> None:
    manifest = load_manifest()
    info = manifest["display_information"]
    assert 1 <= len(info["name"]) <= 35
    assert len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", info["background_color"])
    for command in manifest["features"]["slash_commands"]:
        assert 2 <= len(command["command"]) <= 32 and command["command"].startswith("/")
        assert 1 <= len(command["description"]) <= 2000


def _effects(tandem: Tandem, command: str) -> list[str]:
    """What a person would see of ``command``: an answer in the HTTP reply, or the Web API
    calls it caused (a modal opened, an answer sent to the response_url)."""
    before = len(tandem.standin.calls)
    reply = tandem.command(command, "help", user="U0MANIFEST")
    assert reply.status == 200, (command, reply.body)
    # auth.test is Bolt's own look-up of the token, made for any request.
    calls = [c.method for c in tandem.standin.calls_since(before) if c.method != "auth.test"]
    return ([f"reply: {reply.body[:40]}"] if reply.body else []) + calls


def test_every_declared_command_is_answered_by_the_app(tandem: Tandem) -> None:
    """Each slash command in the manifest reaches a listener that answers the person."""
    declared = {c["command"] for c in load_manifest()["features"]["slash_commands"]}
    assert declared == {"/kickoff", "/scorecard", "/tandem"}
    for command in sorted(declared):
        assert _effects(tandem, command), f"{command} reached no listener"


def test_a_command_the_manifest_does_not_declare_is_not_answered(tandem: Tandem) -> None:
    """The check above can fail: a command no listener handles shows nothing."""
    assert _effects(tandem, "/not-a-tandem-command") == []


def test_scopes_and_events_cover_the_product() -> None:
    manifest = load_manifest()
    scopes = set(bot_scopes())
    needed = {
        "commands",  # slash commands
        "chat:write",  # briefs, nudges, check-ins
        "channels:manage",  # create #hire-<slug>, invite the panel
        "groups:write",  # invite into private shared channels
        "channels:join",  # join an existing public channel
        "channels:read",  # check a picked channel
        "groups:read",
        "channels:history",  # thread replies to check-ins (message.channels)
        "groups:history",  # … in private channels (message.groups)
        "pins:write",  # pin the brief
        "im:write",  # DMs to interviewers
        "im:history",  # find a DM whose send had an unknown outcome before sending it again
        "users:read",  # time zones and away status
        "files:write",  # scorecard chart image
    }
    assert needed <= scopes
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
        "message.channels",
        "message.groups",
    } <= events
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_url_fills_every_request_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest", "--url", "https://host.example/"]) == 0
    printed = capsys.readouterr().out
    assert "tandem.example.com" not in printed
    rendered = render_manifest("https://host.example/")
    for command in rendered["features"]["slash_commands"]:
        assert command["url"] == "https://host.example/slack/events"
    settings = rendered["settings"]
    assert settings["event_subscriptions"]["request_url"] == "https://host.example/slack/events"
    assert settings["interactivity"]["request_url"] == "https://host.example/slack/events"
    assert rendered["oauth_config"]["redirect_urls"] == [
        "https://host.example/slack/oauth_redirect"
    ]
    assert settings["socket_mode_enabled"] is False


def test_without_url_prints_the_socket_mode_manifest() -> None:
    rendered = render_manifest(None)
    assert rendered["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in rendered["settings"]["event_subscriptions"]
    assert all("url" not in c for c in rendered["features"]["slash_commands"])


def _urls(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (path, value) in a manifest whose value is a URL, however deep."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _urls(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _urls(value, f"{path}[{index}]")
    elif isinstance(node, str) and "://" in node:
        yield path, node


def test_tandem_manifest_prints_a_socket_mode_manifest_with_no_url_at_all(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The first install needs no public host: nothing in it points anywhere."""
    assert main(["manifest"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    jsonschema.validate(printed, SCHEMA)
    assert printed["settings"]["socket_mode_enabled"] is True
    assert list(_urls(printed)) == []
    # manifest.yml itself is that manifest: pasting the file works the same.
    assert printed == load_manifest()


def test_tandem_manifest_url_fills_every_url_field_and_turns_socket_mode_off(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["manifest", "--url", "https://tandem.acme.example"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    jsonschema.validate(printed, SCHEMA)
    assert printed["settings"]["socket_mode_enabled"] is False
    urls = dict(_urls(printed))
    commands = len(printed["features"]["slash_commands"])
    assert len(urls) == commands + 4, urls  # + events, interactivity, options, OAuth redirect
    assert all(u.startswith("https://tandem.acme.example/slack/") for u in urls.values())
    # Apart from its URLs and the mode, it is the Socket Mode manifest.
    assert _without_urls(printed) == _without_urls(render_manifest(None))


def _without_urls(manifest: dict[str, Any]) -> dict[str, Any]:
    stripped = json.loads(json.dumps(manifest))
    for command in stripped["features"]["slash_commands"]:
        command.pop("url", None)
    settings = stripped["settings"]
    settings.pop("socket_mode_enabled")
    settings["event_subscriptions"].pop("request_url", None)
    for key in ("request_url", "message_menu_options_url"):
        settings["interactivity"].pop(key, None)
    stripped["oauth_config"].pop("redirect_urls", None)
    return stripped


def test_bad_url_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest", "--url", "host.example"]) == 2
    assert "is not an https URL" in capsys.readouterr().err


def test_an_http_url_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Slack sends requests only to https:// URLs: a manifest with http:// ones would be
    accepted by nothing."""
    assert main(["manifest", "--url", "http://tandem.example.org"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("tandem manifest: 'http://tandem.example.org' is http://")
    assert "https://" in line
