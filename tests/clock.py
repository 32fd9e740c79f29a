"""The test's clock: every test runs on a ticking frozen clock (``tests/conftest.py``); a test
that runs the scheduler at a future moment moves its clock there, so the buttons it presses
next are pressed at that simulated time too, as a person would press them."""

from __future__ import annotations

from datetime import UTC, datetime

from freezegun import api as freezegun_api


def advance_clock_to(moment: datetime) -> None:
    """Move the innermost frozen clock forward to ``moment``; never back, never unfrozen."""
    factories = freezegun_api.freeze_factories
    if factories and moment > datetime.now(UTC):
        factories[-1].move_to(moment)
