"""Fuzzed request bodies: raw bytes that are not what Slack sends (not JSON, bad form
encoding, invalid UTF-8, deep nesting, bodies beyond cheroot's 1 MB limit, ``payload=``
missing, empty or garbled, wrong or missing content types), signed and unsigned; then
Slack-shaped requests with forged parts: every button (each ``Action``) pressed with forged
values (ids that do not exist, belong to nothing, overflow the id column, are not numbers)
by anyone, Events API envelopes with generated events, and interaction payloads whose
fields have the wrong JSON type.

Besides the properties of tests/fuzz_support.py (no 5xx, no traceback, nothing logged at
ERROR, no broadcast mention posted):

* raw bodies: an unsigned one is 401; a signed one Slack never sends is 400 (or 413 past
  1 MB, cheroot's limit), never reaching a listener, so Slack is sent nothing;
* a button pressed with a forged value: the person gets one private answer they can see —
  the modal it opens, or an ephemeral message (Tandem's own refusal, such as "that role is
  not here"); never the generic apology (the traceback check rejects it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sandbox import requests as slack_requests
from bot.slack.ids import Action
from tests.conftest import session_today
from tests.fuzz_strategies import CONTENT_TYPES, FORM, JSON, hostile_text, json_value, wrong_type
from tests.fuzz_support import World, fuzz_settings, world
from tests.hiring_flow import add_candidate, start_role
from tests.kickoff_flow import ADMIN, HM, PANEL, RECRUITER, STRANGER

# Cases per test in CI's run on SQLite (a tenth of that on PostgreSQL: fuzz_support).
RAW_CASES = 6600
BUTTON_CASES = 400
SHAPE_CASES = 700
PEOPLE = [RECRUITER, HM, PANEL[0], ADMIN, STRANGER, "U0NOBODY"]
# Events that change nothing a later case relies on (app_uninstalled would remove the token).
EVENT_TYPES = ["app_home_opened", "message", "app_mention", "member_joined_channel", "whatever"]


@pytest.fixture(scope="module")
def fuzz_world(
    migrated_url: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[World]:
    backend = "sqlite" if migrated_url.startswith("sqlite") else "postgresql"
    directory: Path = tmp_path_factory.mktemp("fuzz-bodies")
    with world(migrated_url, directory, session_today(request.config), backend) as built:
        role_id = start_role(built.tandem)
        built.ids["role"] = role_id
        built.ids["candidate"] = add_candidate(built.tandem, role_id, "Dana Scully", RECRUITER)
        yield built


# -- raw bodies --------------------------------------------------------------------------------

raw_text = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"",
            b"payload=",
            b"payload=%7B",
            b"payload=%ZZ",
            b"payload=" + quote(json.dumps([1, 2])).encode(),
            b"payload=" + quote('{"type": 5}').encode(),
            b"payload=" + quote('{"type": "block_actions"}').encode() + b"&payload=x",
            b"payload=%FF%FE",
            b"\xff\xfe\x00\x00",
            b"\xc3\x28",
            b"command=tandem&text=hi",
            b"command=%2Ftandem&text=%FF",
            b"command=/tandem&&&==&text",
            b"a=b&&c=%",
            b"{",
            b'{"type": null}',
            b'{"type": "event_callback", "event": []}',
            b"[" * 50_000 + b"]" * 50_000,
            b'{"type": "event_callback", "event": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
            b"payload=" + quote("[" * 20_000 + "]" * 20_000).encode(),
            b"ssl_check=1&token=x",
            b"\x00" * 100,
        ]
    ),
    st.integers(min_value=1000, max_value=1_300_000).map(lambda n: b"payload=" + b"%7B" + b"a" * n),
)


@st.composite
def raw_case(draw: st.DrawFn) -> tuple[bytes, str, bool, bool]:
    body = draw(raw_text)
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    signed = draw(st.integers(0, 4)) > 0
    # Past 1 MB only cheroot sees the body (it answers 413 before the app reads it).
    http = len(body) > 100_000 or draw(st.integers(0, 9)) == 0
    return body, content_type, signed, http


def test_fuzzed_raw_bodies_are_refused_without_reaching_a_listener(
    fuzz_world: World, record_property: Any
) -> None:
    fuzzer = fuzz_world.fuzzer

    @fuzz_settings(RAW_CASES, fuzz_world.backend)
    @given(raw_case())
    def run(case: tuple[bytes, str, bool, bool]) -> None:
        body, content_type, signed, http = case
        outcome = fuzzer.post(body, content_type, signed=signed, http=http)
        fuzzer.check(outcome)
        status = outcome.reply.status
        if len(body) > 1024 * 1024 and http:
            assert status == 413, status
        elif not signed:
            assert status in (200, 401), status  # 200: Slack's unsigned ssl_check probe
        else:
            assert status in (200, 400), status
        if status != 200:
            assert outcome.calls == [], [c.method for c in outcome.calls]
            assert (
                outcome.reply.body
                in ("", '{"error": "bad request"}', '{"error": "invalid request"}')
                or status == 413
            )

    before = fuzz_world.fuzzer.cases
    with fuzz_world.clock():
        run()
    record_property("fuzz_cases", fuzz_world.fuzzer.cases - before)


# -- every button, with forged values ----------------------------------------------------------


def button_values(world_ids: dict[str, Any]) -> st.SearchStrategy[Any]:
    real = [str(v) for v in world_ids.values() if isinstance(v, int)]
    return st.one_of(
        st.sampled_from(real),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.integers(min_value=0, max_value=60).map(str),
        st.sampled_from(["", "0", "-1", "1.5", "1e3", "null", "{}", "9" * 40, "1:2", "role:1"]),
        st.tuples(st.sampled_from(["open", "done", "feedback", "interviews"]), st.integers()).map(
            lambda t: f"{t[0]}:{t[1]}"
        ),
        hostile_text,
        wrong_type,
    )


@st.composite
def button_case(draw: st.DrawFn, world_ids: dict[str, Any]) -> dict[str, Any]:
    action = draw(st.sampled_from(list(Action)))
    user = draw(st.sampled_from(PEOPLE))
    payload = slack_requests.block_action_payload(
        user_id=user,
        action_id=action,
        value="",
        channel_id=draw(st.sampled_from(["C0GENERAL", f"D{user}", "C0UNKNOWN"])),
        message_ts=draw(st.sampled_from(["1.1", "1700000001.000001", "", "x"])),
        response_url="",
        trigger_id=draw(st.sampled_from(["111.222.valid", "111.222.valid", ""])),
    )
    payload["actions"][0]["value"] = draw(button_values(world_ids))
    return payload


def test_fuzzed_button_values_get_one_private_answer(
    fuzz_world: World, record_property: Any
) -> None:
    fuzzer = fuzz_world.fuzzer
    response_url = fuzz_world.tandem.standin.response_url("button")

    @fuzz_settings(BUTTON_CASES, fuzz_world.backend)
    @given(button_case(fuzz_world.ids))
    def run(payload: dict[str, Any]) -> None:
        payload["response_url"] = response_url
        outcome = fuzzer.interact(payload)
        fuzzer.check(outcome)
        assert outcome.reply.status == 200, outcome.reply
        seen = [c for c in outcome.calls if c.method in ("views.open", "views.push")]
        seen += [c for c in outcome.calls if c.method == "response_url"]
        seen += [c for c in outcome.calls if c.method == "chat.postEphemeral"]
        assert seen or _changed_in_place(outcome), (payload["actions"], outcome.calls)
        for call in outcome.calls:
            if call.method == "response_url" and not call.params.get("replace_original"):
                assert call.params.get("response_type", "ephemeral") == "ephemeral", call.params
                assert str(call.params.get("text") or "").strip(), call.params

    before = fuzz_world.fuzzer.cases
    with fuzz_world.clock():
        run()
    record_property("fuzz_cases", fuzz_world.fuzzer.cases - before)


def _changed_in_place(outcome: Any) -> bool:
    """A press that changed the message it is on (acknowledge, mark done, paging …): the
    person sees the message change."""
    return any(
        c.method in ("chat.update", "views.publish", "views.update", "chat.postMessage")
        for c in outcome.calls
    )


# -- Slack-shaped payloads with parts of the wrong type ----------------------------------------


def _interaction(kind: str, user: str, response_url: str) -> dict[str, Any]:
    if kind == "view_submission":
        return slack_requests.view_submission_payload(
            user_id=user, callback_id="plan", values={}, private_metadata="{}"
        )
    if kind == "block_suggestion":
        return slack_requests.block_suggestion_payload(
            user_id=user, action_id="candidate-search", block_id="candidate", value="a", view={}
        )
    payload = slack_requests.block_action_payload(
        user_id=user, action_id=Action.AGREE, value="1", response_url=response_url
    )
    payload["type"] = kind
    return payload


@st.composite
def shaped_case(draw: st.DrawFn, response_url: str) -> tuple[str, str]:
    """A body Slack could send, one or two of its fields replaced by any JSON."""
    user = draw(st.sampled_from(PEOPLE))
    if draw(st.booleans()):
        event = {
            "type": draw(st.sampled_from(EVENT_TYPES)),
            "user": user,
            "channel": "C0GENERAL",
            "text": draw(hostile_text),
            "ts": "1700000001.000001",
            "tab": "home",
        }
        if draw(st.booleans()):
            event[draw(st.sampled_from(sorted(event)))] = draw(json_value)
        envelope = json.loads(
            slack_requests.event_envelope(event, event_id=f"Ev{draw(st.integers(0, 10**9))}FUZZ")
        )
        if draw(st.integers(0, 3)) == 0:
            envelope[draw(st.sampled_from(sorted(envelope)))] = draw(json_value)
        return json.dumps(envelope), JSON
    kind = draw(
        st.sampled_from(
            ["block_actions", "view_submission", "view_closed", "shortcut", "block_suggestion"]
        )
    )
    payload = _interaction(kind, user, response_url)
    for _ in range(draw(st.integers(1, 2))):
        payload[draw(st.sampled_from(sorted(payload)))] = draw(json_value)
    return slack_requests.interactive_body(payload), FORM


def test_fuzzed_payload_shapes_never_fail(fuzz_world: World, record_property: Any) -> None:
    fuzzer = fuzz_world.fuzzer

    @fuzz_settings(SHAPE_CASES, fuzz_world.backend)
    @given(shaped_case(fuzz_world.tandem.standin.response_url("shaped")))
    def run(case: tuple[str, str]) -> None:
        body, content_type = case
        outcome = fuzzer.post(body, content_type)
        fuzzer.check(outcome)
        assert outcome.reply.status in (200, 400), outcome.reply

    before = fuzz_world.fuzzer.cases
    with fuzz_world.clock():
        run()
    record_property("fuzz_cases", fuzz_world.fuzzer.cases - before)


# -- regressions: examples the fuzzer found, kept as ordinary tests -----------------------------

FOUND = {
    # Bolt indexes actions[0] to route a block action, before any middleware of ours.
    "actions is null": ("block_actions", "actions", None),
    "actions is empty": ("block_actions", "actions", []),
    "actions is an object": ("block_actions", "actions", {}),
    "an action without an action_id": ("block_actions", "actions", [{}]),
    # Bolt looks inside event and view to route, too.
    "event is text": ("event_callback", "event", "x"),
    "event is null": ("event_callback", "event", None),
    "event is a list": ("event_callback", "event", [1]),
    "view is null": ("view_submission", "view", None),
    # Handlers answer through the response_url; one that is not a URL made them fail.
    "response_url is not a URL": ("block_actions", "response_url", "x"),
    "response_url is a number": ("block_actions", "response_url", 5),
    # An options request without a user reached the handler, which needs one.
    "block_suggestion without a user": ("block_suggestion", "user", None),
}


@pytest.mark.parametrize("name", list(FOUND))
def test_signed_body_the_fuzzer_found_is_ignored_with_one_line(
    tandem: Any, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    kind, field, value = FOUND[name]
    caplog.set_level(logging.WARNING)
    response_url = tandem.standin.response_url("found")
    if kind == "event_callback":
        envelope = json.loads(
            slack_requests.event_envelope({"type": "message", "text": "hi"}, event_id="Ev1FOUND")
        )
        envelope[field] = value
        reply = tandem.post_signed(json.dumps(envelope), JSON)
    else:
        payload = _interaction(kind, RECRUITER, response_url)
        payload[field] = value
        reply = tandem.post_signed(slack_requests.interactive_body(payload), FORM)
    assert reply.status == 200 and reply.body == ""
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    # Nothing sent (Bolt's authorization asks auth.test once, before any middleware of ours).
    assert [c.method for c in tandem.standin.calls if c.method != "auth.test"] == []
