"""The close rules and the shared-win figures, with plain arguments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.models import Outcome
from bot.services.closure_rules import (
    HIRES,
    OFFER,
    REASON,
    START,
    CloseErrors,
    CloseFacts,
    CloseRequest,
    Promise,
    check_close,
    shared_win,
    tally,
)

TODAY = date(2027, 3, 13)
FACTS = CloseFacts(
    hireable_ids=frozenset({1, 2, 3}),
    headcount_open=2,
    kickoff_day=date(2027, 1, 4),
    today=TODAY,
)


def errors(**request: object) -> dict[str, str]:
    with pytest.raises(CloseErrors) as raised:
        check_close(CloseRequest(**request), FACTS)  # type: ignore[arg-type]
    return raised.value.errors


def test_filled_close_follows_the_rules() -> None:
    checked = check_close(CloseRequest("filled", [1, 1, 2], "2027-03-10", "2027-04-01"), FACTS)
    assert checked.outcome == Outcome.FILLED and checked.hire_ids == [1, 2]
    assert checked.start_on == date(2027, 4, 1)


@pytest.mark.parametrize(
    ("request_", "field", "words"),
    [
        (
            {"outcome": "filled", "offer_accepted_on": "2027-03-10", "start_on": "2027-04-01"},
            HIRES,
            "Pick the candidate",
        ),
        (
            {
                "outcome": "filled",
                "hire_ids": [9],
                "offer_accepted_on": "2027-03-10",
                "start_on": "2027-04-01",
            },
            HIRES,
            "in the list",
        ),
        (
            {
                "outcome": "filled",
                "hire_ids": [1, 2, 3],
                "offer_accepted_on": "2027-03-10",
                "start_on": "2027-04-01",
            },
            HIRES,
            "2 positions left",
        ),
        (
            {
                "outcome": "filled",
                "hire_ids": [1],
                "offer_accepted_on": "2027-03-10",
                "start_on": "2027-03-09",
            },
            START,
            "before the offer",
        ),
        (
            {
                "outcome": "filled",
                "hire_ids": [1],
                "offer_accepted_on": "2027-03-14",
                "start_on": "2027-04-01",
            },
            OFFER,
            "future",
        ),
        (
            {
                "outcome": "filled",
                "hire_ids": [1],
                "offer_accepted_on": "2025-03-10",
                "start_on": "2025-04-01",
            },
            OFFER,
            "more than a year ago",
        ),
        (
            {
                "outcome": "filled",
                "hire_ids": [1],
                "offer_accepted_on": "2027-03-10",
                "start_on": "2029-04-01",
            },
            START,
            "more than a year after",
        ),
        (
            {
                "outcome": "filled",
                "hire_ids": [1],
                "offer_accepted_on": "2027-01-01",
                "start_on": "2027-04-01",
            },
            OFFER,
            "before the role's kickoff",
        ),
        (
            {
                "outcome": "filled",
                "hire_ids": [1],
                "offer_accepted_on": "not a day",
                "start_on": None,
            },
            OFFER,
            "Pick the day",
        ),
        ({"outcome": "cancelled", "reason": "  "}, REASON, "why the role is cancelled"),
        ({"outcome": "on_hold", "reason": "x" * 501}, REASON, "500 characters"),
    ],
)
def test_bad_closes_are_refused_with_a_specific_message(
    request_: dict[str, object], field: str, words: str
) -> None:
    assert words in errors(**request_)[field]


def test_cancel_and_hold_keep_their_reason() -> None:
    assert check_close(CloseRequest("on_hold", reason=" budget  freeze "), FACTS).reason == (
        "budget freeze"
    )
    assert "outcome" in errors(outcome="closed")


def test_full_headcount_cannot_be_filled_again() -> None:
    full = CloseFacts(frozenset({1}), 0, FACTS.kickoff_day, TODAY)
    with pytest.raises(CloseErrors) as raised:
        check_close(CloseRequest("filled", [1], "2027-03-10", "2027-04-01"), full)
    assert "already filled" in raised.value.errors[HIRES]


def test_shared_win_counts_promises_kept_on_time_by_both_sides_alike() -> None:
    at = datetime(2027, 3, 13, 12, tzinfo=UTC)
    due = at - timedelta(days=5)
    promises = [
        Promise(due, resolved_at=due - timedelta(hours=1)),  # kept
        Promise(due, resolved_at=due + timedelta(hours=1)),  # late
        Promise(due, cancelled_at=at),  # due, never kept: missed
        Promise(due, cancelled_at=due - timedelta(days=1)),  # dropped before due: not owed
        Promise(at + timedelta(days=1)),  # not due yet: not owed
    ]
    assert (tally(promises, at=at).kept, tally(promises, at=at).total) == (1, 3)
    win = shared_win(
        kickoff_day=date(2027, 1, 4),
        offer_accepted_on=date(2027, 3, 1),
        target_day=date(2027, 3, 5),
        feedback=promises,
        commitments=[],
        at=at,
    )
    assert win.days_to_offer == 56 and win.target_days == 60 and win.days_against_target == 4
    assert win.feedback.share == 33 and win.commitments.share is None
