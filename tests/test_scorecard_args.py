"""``/scorecard``'s words: every accepted form gives the right scope and period, and every bad
one gives a single line of usage that names the problem and echoes nothing dangerous."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.services.scorecard_args import (
    USAGE,
    ArgsError,
    Period,
    Scope,
    ScorecardRequest,
    parse_scorecard_args,
)

TODAY = date(2027, 2, 15)
HM = "<@U0HM1234|hana>"
REC = "<@U0REC567>"


def utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def ok(text: str, today: date = TODAY) -> ScorecardRequest:
    result = parse_scorecard_args(text, today=today)
    assert isinstance(result, ScorecardRequest), result
    return result


def refused(text: str, today: date = TODAY) -> str:
    result = parse_scorecard_args(text, today=today)
    assert isinstance(result, ArgsError), result
    message = result.message
    assert message.startswith(USAGE + "; ")
    assert "\n" not in message
    assert "<!" not in message and "<@" not in message and "<#" not in message
    assert "\x00" not in message
    return result.problem


# --- accepted -------------------------------------------------------------------------------


def test_empty_is_the_channels_role_over_the_last_90_days() -> None:
    request = ok("")
    assert request == ScorecardRequest(
        scope=Scope.CHANNEL,
        period=Period(utc(2026, 11, 18), utc(2027, 2, 16), "last 90 days"),
        export=False,
        people=(),
    )
    assert (request.period.end - request.period.start).days == 90
    assert ok("   \t ") == request


@pytest.mark.parametrize(
    ("text", "scope"),
    [("me", Scope.ME), ("team", Scope.TEAM), ("ME", Scope.ME), ("  Team ", Scope.TEAM)],
)
def test_me_and_team(text: str, scope: Scope) -> None:
    request = ok(text)
    assert request.scope is scope
    assert request.period.label == "last 90 days"
    assert request.people == ()


def test_a_pair_in_both_mention_forms() -> None:
    request = ok(f"{HM} {REC}")
    assert request.scope is Scope.PAIR
    assert request.people == ("U0HM1234", "U0REC567")


def test_a_mention_whose_name_has_spaces_and_enterprise_ids() -> None:
    request = ok("<@W0ABCDEF|Hana Ito> <@U0REC567|rei sato> 30d")
    assert request.people == ("W0ABCDEF", "U0REC567")
    assert request.period.label == "last 30 days"


@pytest.mark.parametrize(
    ("word", "start", "end", "label"),
    [
        ("30d", utc(2027, 1, 17), utc(2027, 2, 16), "last 30 days"),
        ("90d", utc(2026, 11, 18), utc(2027, 2, 16), "last 90 days"),
        ("1d", utc(2027, 2, 15), utc(2027, 2, 16), "today"),
        ("730d", utc(2025, 2, 16), utc(2027, 2, 16), "last 730 days"),
        ("quarter", utc(2027, 1, 1), utc(2027, 2, 16), "Q1 2027 so far"),
        ("last-quarter", utc(2026, 10, 1), utc(2027, 1, 1), "Q4 2026"),
        ("2027-01-01..2027-01-31", utc(2027, 1, 1), utc(2027, 2, 1), "1 Jan – 31 Jan 2027"),
        ("2026-12-01..2027-02-15", utc(2026, 12, 1), utc(2027, 2, 16), "1 Dec 2026 – 15 Feb 2027"),
        ("2027-02-03..2027-02-03", utc(2027, 2, 3), utc(2027, 2, 4), "3 Feb 2027"),
        ("2022-02-16..2027-02-15", utc(2022, 2, 16), utc(2027, 2, 16), "16 Feb 2022 – 15 Feb 2027"),
    ],
)
def test_periods(word: str, start: datetime, end: datetime, label: str) -> None:
    assert ok(word).period == Period(start, end, label)
    assert ok(word.upper()).period == Period(start, end, label)


def test_the_q1_example_label() -> None:
    assert ok("2027-01-01..2027-03-31", today=date(2027, 4, 2)).period.label == (
        "1 Jan – 31 Mar 2027"
    )


def test_quarter_on_its_first_day_and_last_quarter_across_the_year() -> None:
    first_day = date(2027, 4, 1)
    assert ok("quarter", today=first_day).period == Period(
        utc(2027, 4, 1), utc(2027, 4, 2), "Q2 2027 so far"
    )
    assert ok("last-quarter", today=first_day).period == Period(
        utc(2027, 1, 1), utc(2027, 4, 1), "Q1 2027"
    )


def test_the_period_goes_anywhere_and_export_at_the_end() -> None:
    request = ok(f"quarter {HM} {REC} export")
    assert (request.scope, request.period.label, request.export) == (
        Scope.PAIR,
        "Q1 2027 so far",
        True,
    )
    assert ok("me 30d export") == ok("30d me export")
    assert ok("export").export is True
    assert ok("export").scope is Scope.CHANNEL
    assert ok("team export").period.label == "last 90 days"


def test_periods_are_utc_and_half_open() -> None:
    period = ok("30d").period
    assert period.start.tzinfo is UTC and period.end.tzinfo is UTC
    assert period.start.time() == period.end.time() == datetime.min.time()


# --- refused --------------------------------------------------------------------------------


def test_the_example_unknown_word() -> None:
    error = parse_scorecard_args("fortnight", today=TODAY)
    assert isinstance(error, ArgsError)
    assert error.message == (
        "`/scorecard` takes `me`, `team`, two people (`@hm @recruiter`), a period "
        "(`30d`, `quarter`, `2027-01-01..2027-03-31`) and `export`; `fortnight` is not one "
        "of them."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("me team", "pick one of `me` and `team`"),
        (f"me {HM} {REC}", "`me` and two people cannot go together"),
        (HM, "a pair is two people; name the other one too"),
        (f"{HM} {REC} <@U0THIRD99>", "a pair is two people, not 3"),
        (f"{HM} <@U0HM1234>", "not the same person twice"),
        ("30d quarter", "one period, not both `30d` and `quarter`"),
        ("0d", "from `1d` to `730d`"),
        ("731d", "from `1d` to `730d`"),
        ("2027-02-30..2027-03-01", "`2027-02-30` is not a date"),
        ("2027-01-01..2027-13-01", "`2027-13-01` is not a date"),
        ("2027-02-01..2027-01-01", "starts on `2027-02-01`, after it ends on `2027-01-01`"),
        ("2027-01-01..2027-02-16", "ends on `2027-02-16`, after today (2027-02-15)"),
        ("2022-02-14..2027-02-14", "at most 5 years"),
        ("2027-01-01", "two days joined by `..`"),
        ("2027-01-01..", "is not one of them"),
        ("@hana @rei", "Slack mentions"),
        ("<#C0123|general>", "a channel, group or link"),
        ("<!subteam^S0123|@recruiters>", "a channel, group or link"),
        ("<@nobody>", "not a person it can read"),
        ("me fortnight export", "`fortnight` is not one of them"),
    ],
)
def test_bad_arguments_name_the_problem(text: str, expected: str) -> None:
    assert expected in refused(text)


def test_broadcast_mentions_are_never_echoed() -> None:
    for text in ("<!channel>", "<!here>", "me <!everyone>", "<!channel|channel> 30d"):
        assert "a channel, group or link" in refused(text)


def test_ten_thousand_characters() -> None:
    problem = refused("a" * 10_000)
    assert "10,000 characters" in problem
    assert "aaaa" not in problem


def test_a_long_unknown_word_is_cut_short() -> None:
    problem = refused("x" * 200)
    assert problem == f"`{'x' * 23}…` is not one of them."


@pytest.mark.parametrize(
    "text",
    [
        "me\x00",
        "\x00",
        "team\u202e",  # right-to-left override
        "\u200bme",  # zero-width space
        "\u2066team\u2069",  # isolates
        "me\x1b[31m",
    ],
)
def test_control_and_direction_characters(text: str) -> None:
    assert "cannot read" in refused(text)


@pytest.mark.parametrize("text", ["🎉", "me 🔥🔥", "שלום", "مرحبا", "a&b", "x`y"])
def test_emoji_and_other_scripts_are_refused_without_trouble(text: str) -> None:
    assert refused(text).endswith("is not one of them.")


def test_ampersand_is_escaped_when_echoed() -> None:
    assert refused("a&b") == "`a&amp;b` is not one of them."
    assert refused("x`y") == "that word is not one of them."
    assert refused("🎉") == "that word is not one of them."


def test_unicode_digits_are_not_days() -> None:
    assert "is not one of them" in refused("٣٠d")
