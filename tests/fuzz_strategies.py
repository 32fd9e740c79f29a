"""Hypothesis strategies for fuzzing Tandem's inputs: hostile text, wrong-typed JSON, slash
command text, modal submissions built from the views the app really sent, and raw bodies.

Everything a person can type or a forged request can carry: random unicode (including
surrogate-free astral planes), emoji, right-to-left text, NUL and other control characters,
10,000-character text, Slack's own markup (``<!channel>``, ``<!here>``, ``<@U…>``, ``<#C…>``)
used as injection, and JSON of the wrong type where a string, a list or an object belongs.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

# Ids that Tandem never issues: if one shows up unescaped in a post, user text became markup.
INJECTED_USER = "UZZINJECT1"
INJECTED_CHANNEL = "CZZINJECT1"
INJECTIONS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^SZZINJECT1|@team>",
    "<!here|here>",
    f"<@{INJECTED_USER}>",
    f"<#{INJECTED_CHANNEL}|general>",
    "<https://evil.example|click me>",
    "@channel",
    "@here",
    "@everyone",
    "&lt;!channel&gt;",
    "<!date^1392734382^{date}|Feb 18>",
]
SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202e\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",  # RTL override, Arabic, Hebrew
    "\u200b\u200d\ufeff",  # zero-width characters
    "👩🏽‍💻🚀🇺🇦",
    "Z̷̢̛a̵̡l̶g̷o̴",
    "\n\n\t\r",
    "*bold* _it_ ~s~ `code` ```block```",
    "'; DROP TABLE roles; --",
    '{"type": "block_actions"}',
    "%s %d {0} {name}",
    "\\u0000 \\n",
    "\ud7ff\ue000\U0010fffd",
    "x" * 10_000,
    "🚀" * 3_000,
    "<!channel> " * 500,
]

hostile_text: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(SPECIAL + INJECTIONS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.lists(st.sampled_from(SPECIAL[:14] + INJECTIONS), min_size=2, max_size=5).map(" ".join),
    st.tuples(st.text(max_size=10), st.sampled_from(INJECTIONS), st.text(max_size=10)).map("".join),
)

# JSON of any type: what a forged request can put where a string belongs.
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    hostile_text,
)
json_value: st.SearchStrategy[Any] = st.recursive(
    json_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)
wrong_type = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(json_scalar, max_size=3),
    st.dictionaries(st.text(max_size=8), json_scalar, max_size=3),
)

numbers_as_text = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["0", "-1", "1e9", "NaN", "inf", "1.5", "١٢", "²", "0x10", " 3 ", "9" * 400, "+5", "1_000"]
    ),
)


def dates_as_text(today: date) -> st.SearchStrategy[str]:
    """Dates Slack's date picker never sends (and a few it does), as text."""
    return st.one_of(
        st.dates().map(date.isoformat),
        st.integers(min_value=-400, max_value=4000).map(
            lambda d: (today + timedelta(days=d)).isoformat()
        ),
        st.sampled_from(
            ["2027-02-30", "0000-01-01", "9999-12-31", "2027-13-01", "27-1-1", "today", ""]
        ),
    )


times_as_text = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.sampled_from(["24:00", "23:60", "9:5", "09:00+02:00", "09:00:00", "noon", "-1:00", ""]),
)

# -- slash commands ----------------------------------------------------------------------------

TANDEM_WORDS = [
    "",
    "help",
    "?",
    "-h",
    "--help",
    "quiet",
    "digest",
    "holidays",
    "names",
    "retro",
    "HELP",
    "Quiet",
    "payload",
    "forget-candidate",
    "export",
]
QUIET_ARGS = [
    "",
    "reset",
    "9-17",
    "09:00-17:30",
    "mon-fri",
    "sat sun",
    "off",
    "17-9",
    "25-26",
    "tz Europe/London",
    "tz Mars/Olympus",
    "lunch 12-13",
    "mon-fri 9-17 tz America/New_York",
]
SETTING_ARGS = {
    "digest": ["", "on", "off", "ON", "maybe"],
    "holidays": ["US", "gb", "off", "XX", "USA", "", "none"],
    "names": ["initials", "full", "", "FULL", "nicknames"],
    "retro": [
        "anonymity 3",
        "anonymity 0",
        "anonymity 99999999999999999999",
        "anonymity default",
        "quality-checks 30, 90",
        "quality-checks 7,14,-1",
        "quality-checks default",
        "quality-checks " + ",".join(["1"] * 200),
        "",
        "colour blue",
    ],
}
SCORECARD_WORDS = [
    "me",
    "team",
    "export",
    "30d",
    "7d",
    "0d",
    "-5d",
    "99999999999d",
    "quarter",
    "year",
    "2027-01-01..2027-03-31",
    "2027-03-31..2027-01-01",
    "2027-02-30..2027-03-01",
    "0001-01-01..9999-12-31",
    "<@U0HIRINGMGR|hank>",
    "<@U0RECRUIT|rita>",
    "<@U0HIRINGMGR>",
    f"<@{INJECTED_USER}|ghost>",
    "<@U0TANDEMBOT>",
    "<@W0ENTERPRISE>",
    "<@u0lower>",
    "<@>",
    "@hank",
    "<#C0GENERAL|general>",
    "<!channel>",
]


def _words(choices: list[str]) -> st.SearchStrategy[str]:
    word = st.one_of(st.sampled_from(choices), hostile_text) if choices else hostile_text
    return st.lists(word, max_size=4).map(" ".join)


def tandem_text() -> st.SearchStrategy[str]:
    def build(word: str, args: str) -> str:
        return f"{word} {args}" if args else word

    per_word = st.sampled_from(TANDEM_WORDS).flatmap(
        lambda word: st.one_of(
            _words(QUIET_ARGS if word.lower() == "quiet" else SETTING_ARGS.get(word.lower(), [])),
            hostile_text,
        ).map(lambda args: build(word, args))
    )
    return st.one_of(per_word, hostile_text)


def scorecard_text() -> st.SearchStrategy[str]:
    return st.one_of(_words(SCORECARD_WORDS), hostile_text)


def kickoff_text() -> st.SearchStrategy[str]:
    return st.one_of(hostile_text, st.sampled_from(["Staff Data Engineer", "  ", "x" * 151]))


# -- modal submissions -------------------------------------------------------------------------

# Slack's Web API caps: a number input sends text; selects send one of the view's options.
OPTION_TYPES = ("static_select", "radio_buttons", "external_select")
MULTI_OPTION_TYPES = ("checkboxes", "multi_static_select", "multi_external_select")
STATE_KEYS = {
    "plain_text_input": "value",
    "number_input": "value",
    "static_select": "selected_option",
    "radio_buttons": "selected_option",
    "external_select": "selected_option",
    "checkboxes": "selected_options",
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
}


def options_of(element: dict[str, Any]) -> list[str]:
    found = [o.get("value") for o in element.get("options", [])]
    for group in element.get("option_groups", []):
        found += [o.get("value") for o in group.get("options", [])]
    initial = element.get("initial_option")
    if initial:
        found.append(initial.get("value"))
    found += [o.get("value") for o in element.get("initial_options", [])]
    return [v for v in found if isinstance(v, str)]


def _option(value: Any) -> dict[str, Any]:
    return {"value": value, "text": {"type": "plain_text", "text": str(value)[:75]}}


def element_state(
    element: dict[str, Any], *, today: date, users: list[str], known_values: list[str]
) -> st.SearchStrategy[dict[str, Any]]:
    """One ``state.values`` entry for ``element``: mostly the shape Slack sends with a value a
    person could pick or type (valid or not), sometimes a shape Slack never sends."""
    kind = str(element.get("type"))
    key = STATE_KEYS.get(kind, "value")
    options = options_of(element) or known_values
    text_ish = st.one_of(hostile_text, numbers_as_text, dates_as_text(today), times_as_text)
    if kind == "plain_text_input":
        value: st.SearchStrategy[Any] = st.one_of(hostile_text, numbers_as_text, st.none())
    elif kind == "number_input":
        value = st.one_of(numbers_as_text, hostile_text, st.none())
    elif kind in OPTION_TYPES:
        value = st.one_of(
            st.sampled_from(options or ["1"]).map(_option),
            st.one_of(text_ish, st.sampled_from(known_values or ["1"])).map(_option),
            st.none(),
        )
    elif kind in MULTI_OPTION_TYPES:
        picks = st.one_of(st.sampled_from(options or ["1"]), text_ish)
        value = st.lists(picks.map(_option), max_size=6)
    elif kind == "users_select":
        value = st.one_of(st.sampled_from(users), st.text(max_size=40), st.none())
    elif kind == "multi_users_select":
        value = st.lists(st.one_of(st.sampled_from(users), st.text(max_size=12)), max_size=8)
    elif kind in ("conversations_select", "channels_select"):
        value = st.one_of(
            st.sampled_from(["C0GENERAL", "C0NOTACHANNEL", "D0DIRECT", "G0PRIVATE"]),
            st.text(max_size=40),
            st.none(),
        )
    elif kind == "datepicker":
        value = st.one_of(dates_as_text(today), st.none())
    elif kind == "timepicker":
        value = st.one_of(times_as_text, st.none())
    else:
        value = text_ish
    shaped = value.map(lambda v: {"type": kind, key: v})
    forged = st.one_of(
        wrong_type.map(lambda v: {"type": kind, key: v}),
        st.builds(lambda v: {"type": "plain_text_input", "value": v}, hostile_text),
        json_value,
    )
    return st.one_of(shaped, shaped, shaped, forged)


def state_values(
    view: dict[str, Any],
    *,
    today: date,
    users: list[str],
    known_values: list[str],
) -> st.SearchStrategy[Any]:
    """``view.state.values`` for ``view``: each input kept as Slack pre-filled it, changed,
    forged or missing; now and then an extra block, or no dict at all.

    The strategies of the view's elements are built once (building them per draw costs more
    than a request to the app)."""
    entries: dict[str, st.SearchStrategy[Any]] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block.get("element", {})
        action_id = element.get("action_id", "value")
        kept = st.just({action_id: prefilled(element)})
        changed = element_state(element, today=today, users=users, known_values=known_values)
        entries[str(block.get("block_id"))] = st.one_of(
            kept,
            kept,
            changed.map(lambda entry, a=action_id: {a: entry}),
            changed.map(lambda entry, a=action_id: {a: entry}),
            st.tuples(st.text(max_size=5), changed, json_value).map(
                lambda t: {t[0]: t[1], "other": t[2]}
            ),
        )
    # Each input present or missing (a field the modal does not have, now and then).
    values = st.fixed_dictionaries({}, optional=entries)
    extra = st.dictionaries(st.text(max_size=12), json_value, max_size=1)
    return st.one_of(
        st.tuples(values, extra).map(lambda t: {**t[1], **t[0]}),
        values,
        values,
        values,
        wrong_type,
    )


def prefilled(element: dict[str, Any]) -> dict[str, Any]:
    """What the element holds when the modal opens, in Slack's shape (sandbox.modals)."""
    from bot.sandbox.modals import element_state as slack_state
    from bot.sandbox.modals import initial_value

    try:
        value = initial_value(element, current_conversation="C0GENERAL")
        return slack_state(element, value)
    except ValueError:
        return {"type": element.get("type")}


def _forge_ids(value: Any, replacement: Any) -> Any:
    if isinstance(value, dict):
        return {k: _forge_ids(v, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_forge_ids(v, replacement) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return replacement
    return value


@st.composite
def private_metadata(draw: st.DrawFn, original: str) -> Any:
    """The view's ``private_metadata``: as sent (most often), or stale/forged: other ids,
    keys dropped, wrong JSON types, not JSON, or not even a string."""
    choice = draw(st.integers(0, 19))
    if choice <= 11:
        return original
    try:
        parsed = json.loads(original) if original else {}
    except ValueError:
        parsed = original
    if choice <= 14 and isinstance(parsed, dict | list):
        replacement = draw(
            st.one_of(
                st.integers(min_value=-(2**70), max_value=2**70),
                st.integers(min_value=0, max_value=50),
                wrong_type,
            )
        )
        return json.dumps(_forge_ids(parsed, replacement))
    if choice == 15 and isinstance(parsed, dict) and parsed:
        keys = sorted(parsed)
        drop = draw(st.sampled_from(keys))
        return json.dumps({k: v for k, v in parsed.items() if k != drop})
    if choice == 16 and isinstance(parsed, dict) and parsed:
        key = draw(st.sampled_from(sorted(parsed)))
        return json.dumps({**parsed, key: draw(json_value)})
    if choice == 17:
        return draw(st.one_of(hostile_text, st.just(""), st.just("{"), st.just("null")))
    return draw(st.one_of(json_value.map(json.dumps), wrong_type))


# -- raw bodies --------------------------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
CONTENT_TYPES = [
    FORM,
    JSON,
    "text/plain",
    "multipart/form-data; boundary=xyz",
    "application/json; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "",
    "application/xml",
    "\x00/\x00",
]
