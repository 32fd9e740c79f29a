"""The anonymity rule of a retro summary, as a pure function: anonymous answers appear only
as aggregates, only at or above the poll's threshold, and never mixed into the named means
(so nobody can subtract a named answer from a combined mean to recover an anonymous one)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

RATINGS = ("partnership", "speed", "candidate_quality")


@dataclass(frozen=True)
class AnonymousRatings:
    partnership: int
    speed: int
    candidate_quality: int
    what_worked: str
    what_to_change: str


@dataclass(frozen=True)
class AnonymousAggregate:
    count: int
    threshold: int
    # Empty when withheld.
    means: dict[str, float]
    what_worked: tuple[str, ...]
    what_to_change: tuple[str, ...]

    @property
    def withheld(self) -> bool:
        return self.count < self.threshold

    def withheld_note(self) -> str:
        noun = "answer is" if self.count == 1 else "answers are"
        return f"{self.count} anonymous {noun} withheld: fewer than {self.threshold}"


def aggregate(
    answers: Sequence[AnonymousRatings], *, threshold: int, seed: int
) -> AnonymousAggregate:
    """The whole anonymous set or nothing of it. `seed` (the poll id) fixes the random
    order of the items so every re-render of one summary shows exactly the same thing."""
    count = len(answers)
    if count == 0 or count < threshold:
        return AnonymousAggregate(count, threshold, {}, (), ())
    means = {r: round(sum(getattr(a, r) for a in answers) / count, 1) for r in RATINGS}
    rng = random.Random(seed)
    worked = [a.what_worked.strip() for a in answers if a.what_worked.strip()]
    change = [a.what_to_change.strip() for a in answers if a.what_to_change.strip()]
    # Sorted first so the stored order of the rows cannot leak through the shuffle.
    worked.sort()
    change.sort()
    rng.shuffle(worked)
    rng.shuffle(change)
    return AnonymousAggregate(count, threshold, means, tuple(worked), tuple(change))
