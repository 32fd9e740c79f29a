"""A seeded dataset for the scorecard's figures, inserted row by row through the models.

Workspace ``T1`` (the one under test), "now" is Thursday 2027-04-01 12:00 UTC and the
default period is the 90 days before it, ``[2027-01-01 12:00, 2027-04-01 12:00)``:

* role **A** (recruiter R1, HM H1, panel P1): kicked off Mon 2027-01-04; filled (offer
  accepted 02-03), **reopened** 02-10, filled again (offer accepted 03-22); candidate a3,
  hired by the second fill, is **erased**;
* role **B** (R1/H1): kicked off 2026-12-01, **held** 01-15, reopened 01-25, filled (offer
  accepted 03-01); its retro has two **anonymous** answers;
* role **C** (R2/H2): kicked off 2027-02-01, **on hold** since 03-15, **no offers**;
* role **E** (R1/H1): filled in 2026 (outside the period), its hire's 90-day check answered
  in the period;
* workspace ``T2``: one role with the same user ids and different numbers everywhere, which
  must never show in ``T1``'s figures.

The expected figures are worked out by hand in tests/test_scorecard_metrics.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.models import (
    BriefRevision,
    Candidate,
    CheckIn,
    CheckInParty,
    Commitment,
    Feedback,
    Hire,
    Interview,
    Obligation,
    QualityCheck,
    RetroAnonymousAnswer,
    RetroAnswer,
    RetroPoll,
    Role,
    RoleClosure,
    StageChange,
)

T1, T2 = "T1", "T2"
R1, H1, P1, R2, H2, R9 = "UR1", "UH1", "UP1", "UR2", "UH2", "UR9"
NOW = datetime(2027, 4, 1, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Seed:
    """Inserts rows for one workspace and remembers their ids by name."""

    session: Session
    team_id: str
    ids: dict[str, int] = field(default_factory=dict)
    _revisions: dict[int, int] = field(default_factory=dict)
    _keys: int = 0

    def _add(self, name: str | None, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        if name:
            self.ids[name] = row.id
        return row

    def role(
        self, name: str, recruiter: str, hm: str, kickoff: datetime, status: str = "open"
    ) -> int:
        role = self._add(
            name,
            Role(
                team_id=self.team_id,
                title=f"Role {name}",
                status=status,
                recruiter_id=recruiter,
                hiring_manager_id=hm,
                created_by=recruiter,
                created_at=kickoff,
            ),
        )
        revision = self._add(
            None,
            BriefRevision(
                team_id=self.team_id,
                role_id=role.id,
                number=1,
                content={},
                created_by=recruiter,
                created_at=kickoff,
            ),
        )
        self._revisions[role.id] = revision.id
        return int(role.id)

    def candidate(
        self,
        name: str,
        role: str,
        stages: Sequence[tuple[str, datetime]] = (),
        *,
        score: int | None = None,
        scored_at: datetime | None = None,
        erased: datetime | None = None,
    ) -> int:
        created = stages[0][1] if stages else at(1, 2)
        candidate = self._add(
            name,
            Candidate(
                team_id=self.team_id,
                role_id=self.ids[role],
                name=None if erased else f"Candidate {name}",
                initials=name.upper(),
                source="sourced",
                stage=stages[-1][0] if stages else "sourced",
                created_by=R1,
                created_at=created,
                updated_at=created,
                erased_at=erased,
                experience_score=score,
                experience_recorded_by=R1 if score else None,
                experience_recorded_at=scored_at,
            ),
        )
        previous = None
        for stage, moved in stages:
            self._add(
                None,
                StageChange(
                    team_id=self.team_id,
                    role_id=self.ids[role],
                    candidate_id=candidate.id,
                    from_stage=previous,
                    to_stage=stage,
                    actor_id=R1,
                    at=moved,
                ),
            )
            previous = stage
        return int(candidate.id)

    def interview(
        self, name: str, candidate: str, ends: datetime, *, cancelled: datetime | None = None
    ) -> int:
        role_id = self._role_of_candidate(candidate)
        return int(
            self._add(
                name,
                Interview(
                    team_id=self.team_id,
                    role_id=role_id,
                    candidate_id=self.ids[candidate],
                    revision_id=self._revisions[role_id],
                    kind="panel",
                    starts_at=ends,
                    ends_at=ends,
                    logged_by=R1,
                    logger_tz="UTC",
                    created_at=ends,
                    cancelled_at=cancelled,
                ),
            ).id
        )

    def _role_of_candidate(self, candidate: str) -> int:
        row = self.session.get(Candidate, self.ids[candidate])
        assert row is not None
        return int(row.role_id)

    def obligation(
        self,
        name: str,
        role: str,
        kind: str,
        owner: str,
        due: datetime,
        *,
        resolved: datetime | None = None,
        cancelled: datetime | None = None,
        interview: str | None = None,
        commitment_side: str | None = None,
    ) -> int:
        self._keys += 1
        commitment_id = None
        if commitment_side is not None:
            commitment_id = self._add(
                None,
                Commitment(
                    team_id=self.team_id,
                    role_id=self.ids[role],
                    revision_id=self._revisions[self.ids[role]],
                    kind="first_slate",
                    owner_side=commitment_side,
                    owner_id=owner,
                    terms={"candidates": 3},
                    due_at=due,
                    created_at=due,
                ),
            ).id
        interview_row = self.session.get(Interview, self.ids[interview]) if interview else None
        return int(
            self._add(
                name,
                Obligation(
                    team_id=self.team_id,
                    role_id=self.ids[role],
                    kind=kind,
                    subject_key=f"{name}:{self._keys}",
                    owner_id=owner,
                    interview_id=interview_row.id if interview_row else None,
                    candidate_id=interview_row.candidate_id if interview_row else None,
                    commitment_id=commitment_id,
                    starts_at=due,
                    due_at=due,
                    resolved_at=resolved,
                    cancelled_at=cancelled,
                    created_at=due,
                ),
            ).id
        )

    def feedback(
        self,
        obligation: str,
        submitted: datetime | None,
        *,
        edited: datetime | None = None,
    ) -> None:
        row = self.session.get(Obligation, self.ids[obligation])
        assert row is not None and row.interview_id is not None and row.candidate_id is not None
        self._add(
            None,
            Feedback(
                team_id=self.team_id,
                obligation_id=row.id,
                interview_id=row.interview_id,
                candidate_id=row.candidate_id,
                interviewer_id=row.owner_id,
                recommendation="yes" if submitted else None,
                ratings={},
                draft=None if submitted else {"notes": "half-typed"},
                submitted_at=submitted,
                updated_at=edited or submitted,
                edit_count=1 if edited else 0,
            ),
        )

    def closure(
        self,
        name: str,
        role: str,
        outcome: str,
        closed: datetime,
        *,
        offer: date | None = None,
        reopened: datetime | None = None,
        hires: tuple[str, ...] = (),
    ) -> int:
        closure = self._add(
            name,
            RoleClosure(
                team_id=self.team_id,
                role_id=self.ids[role],
                outcome=outcome,
                offer_accepted_on=offer,
                start_on=offer,
                closed_by=R1,
                closed_at=closed,
                reopened_by=R1 if reopened else None,
                reopened_at=reopened,
            ),
        )
        for hire in hires:
            assert offer is not None
            self._add(
                f"hire:{hire}",
                Hire(
                    team_id=self.team_id,
                    role_id=self.ids[role],
                    closure_id=closure.id,
                    candidate_id=self.ids[hire],
                    offer_accepted_on=offer,
                    start_on=offer,
                ),
            )
        return int(closure.id)

    def checkin(
        self,
        role: str,
        week: str,
        posted: datetime | None,
        parties: list[tuple[str, str, datetime, datetime | None]],
        *,
        skipped: datetime | None = None,
    ) -> None:
        checkin = self._add(
            None,
            CheckIn(
                team_id=self.team_id,
                role_id=self.ids[role],
                week=week,
                scheduled_for=posted or skipped or at(1, 1),
                posted_at=posted,
                skipped_at=skipped,
                skipped_by=R1 if skipped else None,
            ),
        )
        for user, side, due, replied in parties:
            self._add(
                None,
                CheckInParty(
                    team_id=self.team_id,
                    checkin_id=checkin.id,
                    user_id=user,
                    side=side,
                    reply_due_at=due,
                    replied_at=replied,
                ),
            )

    def poll(self, name: str, closure: str, opened: datetime) -> None:
        role_id = self.session.get(RoleClosure, self.ids[closure])
        assert role_id is not None
        self._add(
            name,
            RetroPoll(
                team_id=self.team_id,
                role_id=role_id.role_id,
                closure_id=self.ids[closure],
                invited=[R1, H1, P1],
                anonymity_threshold=3,
                opened_at=opened,
                closes_at=opened,
            ),
        )

    def answer(
        self,
        poll: str,
        user: str,
        capacity: str,
        partnership: int,
        answered: datetime,
        *,
        edited: datetime | None = None,
    ) -> None:
        self._add(
            None,
            RetroAnswer(
                team_id=self.team_id,
                poll_id=self.ids[poll],
                user_id=user,
                capacity=capacity,
                partnership=partnership,
                speed=3,
                candidate_quality=3,
                answered_at=answered,
                updated_at=edited or answered,
            ),
        )

    def anonymous_answer(self, poll: str, partnership: int, answered: date) -> None:
        self.session.add(
            RetroAnonymousAnswer(
                id=uuid.uuid4().hex,
                team_id=self.team_id,
                poll_id=self.ids[poll],
                answerer_hash=uuid.uuid4().hex * 2,
                partnership=partnership,
                speed=1,
                candidate_quality=1,
                answered_on=answered,
            )
        )
        self.session.flush()

    def quality(self, hire: str, days: int, rating: int | None, answered: datetime | None) -> None:
        row = self.session.get(Hire, self.ids[f"hire:{hire}"])
        assert row is not None
        self._add(
            None,
            QualityCheck(
                team_id=self.team_id,
                role_id=row.role_id,
                hire_id=row.id,
                hiring_manager_id=H1,
                days_after=days,
                due_at=answered or NOW,
                asked_at=answered,
                rating=rating,
                answered_by=H1 if rating else None,
                answered_at=answered,
            ),
        )


FEEDBACK, SLATE, REVIEW, UPDATE = "feedback", "first_slate", "resume_review", "candidate_update"
OFFER, HIRED = "offer", "hired"


def seed_t1(session: Session) -> dict[str, int]:
    """Workspace T1: the dataset the hand-computed figures are about (see the module doc)."""
    s = Seed(session, T1)
    s.role("A", R1, H1, at(1, 4, 9), status="filled")
    s.role("B", R1, H1, at(12, 1, 9, year=2026), status="filled")
    s.role("C", R2, H2, at(2, 1, 9), status="on_hold")
    s.role("E", R1, H1, at(8, 3, 9, year=2026), status="filled")

    # Candidates and their stages: offers made in the period are a1, a2, a3, b1.
    s.candidate(
        "a1",
        "A",
        [("sourced", at(1, 5)), ("panel", at(1, 20)), (OFFER, at(1, 28)), (HIRED, at(2, 3))],
        score=5,
        scored_at=at(2, 10),
    )
    s.candidate(
        "a2", "A", [(OFFER, at(3, 1)), ("withdrawn", at(3, 5))], score=2, scored_at=at(3, 6)
    )
    s.candidate(
        "a3",
        "A",
        [(OFFER, at(3, 15)), (HIRED, at(3, 22))],
        score=4,
        scored_at=at(3, 25),
        erased=at(3, 30),
    )
    s.candidate("a4", "A", [("screening", at(3, 1)), ("rejected", at(3, 26))])
    s.candidate("b1", "B", [(OFFER, at(2, 20)), (HIRED, at(3, 1))])
    s.candidate(
        "b2",
        "B",
        [(OFFER, at(12, 20, year=2026)), ("rejected", at(12, 22, year=2026))],
        score=3,
        scored_at=at(12, 20, year=2026),
    )
    s.candidate("c1", "C", [("screening", at(3, 1))])
    s.candidate("e1", "E", [(OFFER, at(9, 1, year=2026)), (HIRED, at(9, 15, year=2026))])

    # Interviews: held in the period for a1 (twice), a2, a3, a4, b1, c1; b2's is before
    # the period and I7 was cancelled.
    s.interview("I1", "a1", at(1, 18, 15))  # Monday
    s.interview("I2", "a1", at(1, 29, 16))  # Friday
    s.interview("I3", "a2", at(2, 26, 11))  # Friday
    s.interview("I4", "a3", at(3, 10, 14))  # Wednesday
    s.interview("I5", "a4", at(3, 25, 15))  # Thursday
    s.interview("I6", "b1", at(2, 15, 10))  # Monday
    s.interview("I0", "b2", at(12, 10, 10, year=2026))
    s.interview("I7", "b2", at(3, 5, 10), cancelled=at(3, 4))
    s.interview("I8", "c1", at(3, 8, 10))  # Monday

    # Feedback owed (see the test for each one's verdict).
    s.obligation("F1", "A", FEEDBACK, H1, at(1, 19, 15), resolved=at(1, 19, 10), interview="I1")
    s.feedback("F1", at(1, 19, 10))
    s.obligation("F2", "A", FEEDBACK, P1, at(1, 19, 15), resolved=at(1, 22, 9), interview="I1")
    s.feedback("F2", at(1, 22, 9))
    # On time, edited after its due time: still on time.
    s.obligation("F3", "A", FEEDBACK, R1, at(2, 1, 16), resolved=at(1, 29, 17), interview="I2")
    s.feedback("F3", at(1, 29, 17), edited=at(2, 10))
    # Late, then edited: still late.
    s.obligation("F4", "A", FEEDBACK, H1, at(3, 1, 11), resolved=at(3, 2, 9), interview="I3")
    s.feedback("F4", at(3, 2, 9), edited=at(3, 3))
    s.obligation("F5", "A", FEEDBACK, P1, at(3, 11, 14), resolved=at(3, 11, 9), interview="I4")
    s.feedback("F5", at(3, 11, 9))
    # Never submitted (a draft only): missed.
    s.obligation("F6", "A", FEEDBACK, H1, at(3, 26, 15), interview="I5")
    s.feedback("F6", None)
    s.obligation("F8", "B", FEEDBACK, R1, at(2, 16, 10), resolved=at(2, 17, 12), interview="I6")
    s.feedback("F8", at(2, 17, 12))
    s.obligation(
        "F9",
        "B",
        FEEDBACK,
        H1,
        at(12, 11, 10, year=2026),
        resolved=at(12, 14, 10, year=2026),
        interview="I0",
    )
    s.feedback("F9", at(12, 14, 10, year=2026))
    s.obligation("F10", "B", FEEDBACK, P1, at(3, 6, 10), cancelled=at(3, 4), interview="I7")
    # Role C's hold (03-15) dropped F11 after its due time (missed) and F12 before (not owed).
    s.obligation("F11", "C", FEEDBACK, H2, at(3, 9, 10), cancelled=at(3, 15), interview="I8")
    s.obligation("F12", "C", FEEDBACK, P1, at(3, 16, 10), cancelled=at(3, 15), interview="I8")

    # Contract commitments coming due.
    s.obligation("S1", "A", SLATE, R1, at(1, 18), resolved=at(1, 15), commitment_side="recruiter")
    s.obligation("RV1", "A", REVIEW, H1, at(1, 20), resolved=at(1, 21))
    s.obligation("RV2", "A", REVIEW, H1, at(2, 5), resolved=at(2, 4))
    s.obligation("U1", "A", UPDATE, R1, at(2, 10), resolved=at(2, 9))
    s.obligation("U2", "A", UPDATE, R1, at(3, 12))
    s.obligation("RV3", "B", REVIEW, H1, at(2, 20), cancelled=at(2, 19))
    s.obligation("U3", "B", UPDATE, R1, at(12, 20, year=2026))
    s.obligation("RV4", "C", REVIEW, H2, at(3, 16), cancelled=at(3, 15))
    s.obligation("U4", "C", UPDATE, R2, at(3, 12, 15), resolved=at(3, 12, 9))
    # The first slate of a recruiter who has since handed the role over: still the
    # recruiter's side (the commitment says so), though R9 is no longer the role's recruiter.
    s.obligation("S2", "C", SLATE, R9, at(2, 20), resolved=at(2, 25), commitment_side="recruiter")

    # Closes: A filled, reopened, filled again; B held, reopened, filled; C on hold; E 2026.
    s.closure(
        "A1", "A", "filled", at(2, 4), offer=date(2027, 2, 3), reopened=at(2, 10), hires=("a1",)
    )
    s.closure("A2", "A", "filled", at(3, 22), offer=date(2027, 3, 22), hires=("a3",))
    s.closure("B0", "B", "on_hold", at(1, 15), reopened=at(1, 25))
    s.closure("B1", "B", "filled", at(3, 1), offer=date(2027, 3, 1), hires=("b1",))
    s.closure("C0", "C", "on_hold", at(3, 15))
    s.closure("E1", "E", "filled", at(9, 15, year=2026), offer=date(2026, 9, 15), hires=("e1",))

    # Check-ins (parties: user, side, reply due, replied).
    s.checkin("A", "2027-W02", at(1, 11, 10), [
        (R1, "recruiter", at(1, 12, 10), at(1, 11, 12)),
        (H1, "hm", at(1, 12, 10), at(1, 12, 9)),
    ])  # fmt: skip
    s.checkin("A", "2027-W03", at(1, 18, 10), [
        (R1, "recruiter", at(1, 19, 10), at(1, 18, 11)),
        (H1, "hm", at(1, 19, 10), at(1, 20, 10)),
    ])  # fmt: skip
    s.checkin("A", "2027-W04", at(1, 25, 10), [
        (R1, "recruiter", at(1, 26, 10), at(1, 25, 11)),
        (H1, "hm", at(1, 26, 10), None),
    ])  # fmt: skip
    s.checkin("A", "2027-W05", None, [], skipped=at(2, 1, 9))
    s.checkin("B", "2027-W05", at(2, 1, 10), [
        (R1, "recruiter", at(2, 2, 10), at(2, 1, 11)),
        (H1, "hm", at(2, 2, 10), at(2, 2, 10)),
    ])  # fmt: skip
    s.checkin("B", "2026-W50", at(12, 7, 10, year=2026), [
        (R1, "recruiter", at(12, 8, 10, year=2026), at(12, 7, 11, year=2026)),
        (H1, "hm", at(12, 8, 10, year=2026), at(12, 7, 11, year=2026)),
    ])  # fmt: skip
    s.checkin("C", "2027-W13", at(3, 29, 10), [
        (R2, "recruiter", at(3, 30, 10), at(3, 29, 11)),
        (H2, "hm", at(3, 30, 10), None),
    ])  # fmt: skip
    # Posted this morning: both can still reply on time (undecided).
    s.checkin("C", "2027-W14", at(4, 1, 9), [
        (R2, "recruiter", at(4, 2, 9), None),
        (H2, "hm", at(4, 2, 9), None),
    ])  # fmt: skip

    # Retros: named answers by capacity; B's poll also has two anonymous answers.
    s.poll("PA1", "A1", at(2, 4))
    s.answer("PA1", H1, "hm", 4, at(2, 5))
    s.answer("PA1", R1, "recruiter", 3, at(2, 5))
    s.answer("PA1", P1, "panel", 1, at(2, 5))
    s.poll("PA2", "A2", at(3, 22))
    s.answer("PA2", H1, "hm", 5, at(3, 23), edited=at(3, 28))
    s.poll("PB1", "B1", at(3, 1))
    s.answer("PB1", H1, "hm", 2, at(3, 2))
    s.answer("PB1", R1, "recruiter", 4, at(3, 2))
    s.anonymous_answer("PB1", 1, date(2027, 3, 2))
    s.anonymous_answer("PB1", 1, date(2027, 3, 3))
    s.poll("PE1", "E1", at(9, 15, year=2026))
    s.answer("PE1", H1, "hm", 1, at(9, 16, year=2026))

    # Quality of hire.
    s.quality("e1", 30, 1, at(11, 1, year=2026))
    s.quality("e1", 60, 2, at(12, 1, year=2026))
    s.quality("e1", 90, 5, at(1, 5))
    s.quality("a1", 30, 4, at(3, 11))
    s.quality("a1", 60, None, None)
    s.quality("b1", 30, 2, at(3, 31))
    return s.ids


def seed_t2(session: Session) -> dict[str, int]:
    """Workspace T2: the same user ids, other numbers, all inside T1's period."""
    s = Seed(session, T2)
    s.role("X", R1, H1, at(1, 5, 9), status="filled")
    s.candidate("x1", "X", [(OFFER, at(1, 10)), (HIRED, at(1, 11))], score=1, scored_at=at(2, 1))
    s.candidate("x2", "X", [(OFFER, at(1, 10)), ("withdrawn", at(1, 12))])
    s.interview("XI", "x1", at(1, 8, 10))
    s.obligation("XF", "X", FEEDBACK, H1, at(1, 9, 10), resolved=at(1, 8, 11), interview="XI")
    s.feedback("XF", at(1, 8, 11))
    s.obligation("XU", "X", UPDATE, R1, at(1, 9), resolved=at(1, 8))
    s.obligation("XR", "X", REVIEW, H1, at(1, 9), resolved=at(1, 8))
    s.closure("X1", "X", "filled", at(1, 12), offer=date(2027, 1, 11), hires=("x1",))
    s.checkin("X", "2027-W02", at(1, 11, 10), [
        (R1, "recruiter", at(1, 12, 10), at(1, 11, 11)),
        (H1, "hm", at(1, 12, 10), at(1, 11, 11)),
    ])  # fmt: skip
    s.poll("PX", "X1", at(1, 12))
    s.answer("PX", H1, "hm", 1, at(1, 13))
    s.answer("PX", R1, "recruiter", 1, at(1, 13))
    s.quality("x1", 90, 1, at(3, 1))
    return s.ids
