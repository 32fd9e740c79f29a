"""The rules of closing a role, as plain functions: what a close must say, and the figures
of the shared win. No database here; the use cases in ``role_closure`` gather the facts.

Dates are the hiring manager's calendar days (the role is theirs): an offer accepted "today"
in New York is today even when it is already tomorrow in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.models import Outcome

MAX_REASON = 500
# An offer recorded a year after it was accepted is a typo, not a history lesson; a start
# date more than a year after the offer is one too (and the 90-day follow-up would be far).
OFFER_AT_MOST_DAYS_AGO = 365
START_AT_MOST_DAYS_AFTER_OFFER = 365

# Field names the errors are keyed by (the modal maps them to its block ids).
OUTCOME = "outcome"
HIRES = "hires"
OFFER = "offer_accepted_on"
START = "start_on"
REASON = "reason"


@dataclass(frozen=True)
class CloseRequest:
    """What the person asked for, as typed (strings from the modal, ids from the picker)."""

    outcome: str | None
    hire_ids: list[int] = field(default_factory=list)
    offer_accepted_on: str | None = None
    start_on: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class CloseFacts:
    """What the role allows: the candidates who may be marked hired, the headcount still
    open, the kickoff day and today (both on the HM's calendar)."""

    hireable_ids: frozenset[int]
    headcount_open: int
    kickoff_day: date
    today: date


@dataclass(frozen=True)
class CheckedClose:
    outcome: Outcome
    hire_ids: list[int] = field(default_factory=list)
    offer_accepted_on: date | None = None
    start_on: date | None = None
    reason: str | None = None


class CloseErrors(Exception):
    """The request breaks a rule; ``errors`` says which field and why."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def check_close(request: CloseRequest, facts: CloseFacts) -> CheckedClose:
    """The close, if it follows the rules; ``CloseErrors`` (every broken rule) otherwise."""
    try:
        outcome = Outcome(request.outcome or "")
    except ValueError:
        raise CloseErrors(
            {OUTCOME: "Pick how the role ends: filled, cancelled or on hold."}
        ) from None
    if outcome == Outcome.FILLED:
        return _check_filled(request, facts)
    reason = " ".join((request.reason or "").split())
    if not reason:
        what = "cancelled" if outcome == Outcome.CANCELLED else "put on hold"
        raise CloseErrors({REASON: f"Say in a few words why the role is {what}."})
    if len(reason) > MAX_REASON:
        raise CloseErrors({REASON: f"Keep the reason to {MAX_REASON} characters."})
    return CheckedClose(outcome=outcome, reason=reason)


def _check_filled(request: CloseRequest, facts: CloseFacts) -> CheckedClose:
    errors: dict[str, str] = {}
    hires = list(dict.fromkeys(request.hire_ids))
    if facts.headcount_open <= 0:
        errors[HIRES] = (
            "Every position of this role is already filled. Raise the headcount with "
            "*Edit brief* to hire again."
        )
    elif not hires:
        errors[HIRES] = "Pick the candidate (or candidates) who accepted the offer."
    elif any(h not in facts.hireable_ids for h in hires):
        errors[HIRES] = "Pick the hires from this role's candidates in the list."
    elif len(hires) > facts.headcount_open:
        errors[HIRES] = (
            f"The role has {_plural(facts.headcount_open, 'position')} left to fill; "
            f"you picked {_plural(len(hires), 'candidate')}."
        )
    offer = _day(request.offer_accepted_on)
    start = _day(request.start_on)
    if offer is None:
        errors[OFFER] = "Pick the day the offer was accepted."
    elif offer > facts.today:
        errors[OFFER] = "The offer-accepted date can't be in the future."
    elif offer < facts.today - timedelta(days=OFFER_AT_MOST_DAYS_AGO):
        errors[OFFER] = "That date is more than a year ago — check the year."
    elif offer < facts.kickoff_day:
        errors[OFFER] = (
            f"That is before the role's kickoff ({facts.kickoff_day:%d %b %Y}) — check the date."
        )
    if start is None:
        errors[START] = "Pick the start date (an expected one is fine)."
    elif offer is not None and OFFER not in errors:
        if start < offer:
            errors[START] = "The start date can't be before the offer was accepted."
        elif start > offer + timedelta(days=START_AT_MOST_DAYS_AFTER_OFFER):
            errors[START] = "That is more than a year after the offer — check the year."
    if errors:
        raise CloseErrors(errors)
    return CheckedClose(
        outcome=Outcome.FILLED, hire_ids=hires, offer_accepted_on=offer, start_on=start
    )


# -- the shared win ------------------------------------------------------------------------


@dataclass(frozen=True)
class Promise:
    """Something one side owed (feedback, a résumé review, the first slate …): when it was
    due, and when it was kept or dropped (an interview cancelled, say)."""

    due_at: datetime
    resolved_at: datetime | None = None
    cancelled_at: datetime | None = None


@dataclass(frozen=True)
class Tally:
    kept: int
    total: int

    @property
    def share(self) -> int | None:
        """Kept, as a whole percentage (None when nothing was owed)."""
        return round(100 * self.kept / self.total) if self.total else None


def tally(promises: Iterable[Promise], *, at: datetime) -> Tally:
    """Promises kept on time out of those that counted by ``at``: kept ones, and unkept ones
    already due. Dropped ones (cancelled before they fell due) and ones not yet due owed
    nothing."""
    kept = total = 0
    for promise in promises:
        if promise.resolved_at is not None:
            total += 1
            kept += promise.resolved_at <= promise.due_at
        elif promise.due_at <= (promise.cancelled_at or at) and promise.due_at <= at:
            total += 1
    return Tally(kept, total)


@dataclass(frozen=True)
class SharedWin:
    """The pair's joint result: days from kickoff to the offer accepted against the plan's
    days, and the promises both sides kept."""

    days_to_offer: int
    target_days: int | None
    feedback: Tally
    commitments: Tally

    @property
    def days_against_target(self) -> int | None:
        """Days ahead of the plan (positive), or behind it (negative)."""
        return None if self.target_days is None else self.target_days - self.days_to_offer


def shared_win(
    *,
    kickoff_day: date,
    offer_accepted_on: date,
    target_day: date | None,
    feedback: Iterable[Promise],
    commitments: Iterable[Promise],
    at: datetime,
) -> SharedWin:
    """The figures of the shared win (both sides' promises counted together: a joint
    result, credited alike)."""
    return SharedWin(
        days_to_offer=max(0, (offer_accepted_on - kickoff_day).days),
        target_days=None if target_day is None else max(0, (target_day - kickoff_day).days),
        feedback=tally(feedback, at=at),
        commitments=tally(commitments, at=at),
    )
