"""The scorecard's figures against hand-computed values on a seeded dataset, on SQLite and
on PostgreSQL (the ``db`` fixture runs every test on both).

The dataset is tests/scorecard_seed.py; "now" is Thursday 2027-04-01 12:00 UTC and the
period the last 90 days, ``[2027-01-01 12:00, 2027-04-01 12:00)``. Each expected value is
worked out in a comment from the seeded rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.models import Candidate, Feedback
from bot.runtime import Database
from bot.services.scorecard_metrics import (
    Figure,
    Period,
    Scope,
    by_key,
    figures,
    monthly_trend,
    period_dates,
    period_days,
    period_quarter,
)
from tests.scorecard_seed import H1, H2, NOW, P1, R1, R2, T1, T2, seed_t1, seed_t2

PERIOD = period_days(NOW)
THIRD = 100 / 3


@pytest.fixture
def seeded(db: Database) -> dict[str, int]:
    with db.sessions.begin() as session:
        ids = seed_t1(session)
        ids.update({f"T2:{k}": v for k, v in seed_t2(session).items()})
    return ids


def _figures(db: Database, scope: Scope, period: Period = PERIOD) -> dict[str, Figure]:
    with db.sessions() as session:
        found = figures(session, scope, period, now=NOW)
    # Every "no data yet" is based on nothing, and a key appears once.
    assert all(f.count == 0 for f in found if f.value is None)
    assert len({f.key for f in found}) == len(found)
    return by_key(found)


def _values(found: dict[str, Figure]) -> dict[str, tuple[float | None, int]]:
    return {
        key: (None if f.value is None else round(f.value, 4), f.count) for key, f in found.items()
    }


def _r(value: float) -> float:
    return round(value, 4)


# -- the whole workspace ----------------------------------------------------------------------


def test_workspace_figures_match_the_hand_computed_values(
    db: Database, seeded: dict[str, int]
) -> None:
    found = _figures(db, Scope.workspace(T1))
    assert _values(found) == {
        # Fills with the offer accepted in the period: A's first (01-04 → 02-03: 30 days),
        # A's second, after the reopening (02-10 → 03-22: 40), B's (kickoff 2026-12-01 →
        # 03-01: 90; the hold in between does not restart the clock). E's is in 2026.
        "time_to_fill_days": (40.0, 3),
        # Offers made in the period: a1, a2, a3, b1 (b2's and e1's are in 2026); candidates
        # interviewed in it: a1, a2, a3, a4, b1, c1 (b2's interview is in 2026, I7 was
        # cancelled) → 6 / 4.
        "interview_to_offer": (1.5, 4),
        # Accepted (reached hired): a1, a3, b1 of the 4; a2 withdrew.
        "offer_acceptance": (75.0, 4),
        # Feedback due in the period: F1 ✓, F2 late, F3 ✓ (edited later), F4 late (edited
        # later), F5 ✓, F6 missed, F8 late, F11 missed (dropped by the hold after its due
        # time); F9 is due in 2026; F10 and F12 were dropped before they were due.
        "feedback_on_time": (37.5, 8),
        "feedback_on_time:recruiter": (50.0, 2),  # F3 ✓, F8 late
        "feedback_on_time:hm": (_r(THIRD), 6),  # F1 ✓, F5 ✓ of F1 F2 F4 F5 F6 F11
        "feedback_on_time:person:UH1": (_r(THIRD), 3),  # F1 ✓, F4, F6
        "feedback_on_time:person:UH2": (0.0, 1),  # F11: a real 0, not "no data"
        "feedback_on_time:person:UP1": (50.0, 2),  # F2, F5 ✓
        "feedback_on_time:person:UR1": (50.0, 2),  # F3 ✓, F8
        # Weekdays from the interview's end to the first submission: F1 Mon→Tue 1, F2
        # Mon→Fri 4, F3 Fri→Fri 0, F4 Fri→Tue 2 (the weekend does not count), F5 Wed→Thu 1,
        # F8 Mon→Wed 2 → 0 1 1 2 2 4 → (1 + 2) / 2.
        "feedback_turnaround_working_days": (1.5, 6),
        # Posted, not skipped, decided: A W02 ✓, A W03 (H1 late), A W04 (H1 silent), B W05
        # ✓ (H1 exactly at the due time), C W13 (H2 silent); C W14 is still open, A W05 was
        # skipped, B W50 is in 2026.
        "checkin_participation": (40.0, 5),
        # a1 5, a2 2, a3 4 (erased, still counted); b2's score is from 2026.
        "candidate_satisfaction": (_r(11 / 3), 3),
        # Named HM answers 4, 5, 2 (the panel's 1 and B's anonymous 1s are not the HM's).
        "hm_satisfaction": (_r(11 / 3), 3),
        "recruiter_satisfaction": (3.5, 2),  # 3, 4
        # Answered in the period: e1's 90-day 5, a1's 30-day 4, b1's 30-day 2.
        "quality_of_hire": (_r(11 / 3), 3),
        "quality_of_hire:90": (5.0, 1),
        "quality_of_hire:60": (None, 0),
        "quality_of_hire:30": (3.0, 2),
        # Recruiter's side: S1 ✓, U1 ✓, U2 missed, U4 ✓, S2 late (R9's, who handed over:
        # the commitment says recruiter). HM's side: RV1 late, RV2 ✓ (RV3, RV4 dropped
        # before they were due).
        "contract_kept:recruiter": (60.0, 5),
        "contract_kept:hm": (50.0, 2),
        "contract_kept:first_slate:recruiter": (50.0, 2),
        "contract_kept:first_slate:hm": (None, 0),
        "contract_kept:resume_review:recruiter": (None, 0),
        "contract_kept:resume_review:hm": (50.0, 2),
        "contract_kept:candidate_update:recruiter": (_r(200 / 3), 3),
        "contract_kept:candidate_update:hm": (None, 0),
    }


def test_figures_come_in_a_fixed_order_with_labels_and_units(
    db: Database, seeded: dict[str, int]
) -> None:
    with db.sessions() as session:
        found = figures(session, Scope.workspace(T1), PERIOD, now=NOW)
    keys = [f.key for f in found]
    assert keys[:3] == ["time_to_fill_days", "interview_to_offer", "offer_acceptance"]
    assert keys[3:6] == ["feedback_on_time", "feedback_on_time:recruiter", "feedback_on_time:hm"]
    assert keys[6:10] == [f"feedback_on_time:person:{u}" for u in (H1, H2, P1, R1)]
    assert keys[10:14] == [
        "feedback_turnaround_working_days",
        "checkin_participation",
        "candidate_satisfaction",
        "hm_satisfaction",
    ]
    assert keys[15:19] == [
        "quality_of_hire",
        "quality_of_hire:90",
        "quality_of_hire:60",
        "quality_of_hire:30",
    ]
    assert keys[19:21] == ["contract_kept:recruiter", "contract_kept:hm"]
    units = {f.key: f.unit for f in found}
    assert units["time_to_fill_days"] == "days"
    assert units["interview_to_offer"] == "ratio"
    assert units["offer_acceptance"] == "%"
    assert units["feedback_turnaround_working_days"] == "working days"
    assert units["hm_satisfaction"] == "/5"
    assert all(f.label for f in found)


# -- the cases the issue names ----------------------------------------------------------------


def test_no_offers_is_no_data_not_zero(db: Database, seeded: dict[str, int]) -> None:
    """Role C interviewed c1 but made no offer: both offer figures say "no data yet"."""
    found = _figures(db, Scope.role(T1, seeded["C"]))
    assert found["interview_to_offer"].value is None
    assert found["offer_acceptance"].value is None
    assert found["time_to_fill_days"].value is None
    assert found["interview_to_offer"].count == found["offer_acceptance"].count == 0


def test_an_empty_workspace_has_no_data_for_every_figure(db: Database) -> None:
    found = _figures(db, Scope.workspace("T-empty"))
    assert all(f.value is None and f.count == 0 for f in found.values())
    assert not any(key.startswith("feedback_on_time:person:") for key in found)


def test_a_reopened_role_counts_each_fill_from_its_own_start(
    db: Database, seeded: dict[str, int]
) -> None:
    """A was filled (30 days after kickoff), reopened for another position on 02-10 and
    filled again on 03-22 (40 days after the reopening): two fills, median 35."""
    found = _figures(db, Scope.role(T1, seeded["A"]))
    assert _values(found)["time_to_fill_days"] == (35.0, 2)
    # Both fills' offers and hires count: a1, a2, a3 made, a1 and a3 accepted.
    assert _values(found)["offer_acceptance"] == (_r(200 / 3), 3)
    assert _values(found)["interview_to_offer"] == (_r(4 / 3), 3)  # a1 a2 a3 a4 / 3


def test_a_role_on_hold(db: Database, seeded: dict[str, int]) -> None:
    """C went on hold on 03-15: its feedback missed before the hold counts, what the hold
    dropped before it was due does not; B's earlier hold did not restart its clock."""
    found = _values(_figures(db, Scope.role(T1, seeded["C"])))
    assert found["feedback_on_time"] == (0.0, 1)  # F11 missed; F12 not owed
    assert found["feedback_on_time:hm"] == (0.0, 1)
    assert found["feedback_on_time:recruiter"] == (None, 0)
    assert found["feedback_on_time:person:UH2"] == (0.0, 1)
    assert "feedback_on_time:person:UP1" not in found  # F12 only: nothing owed
    assert found["checkin_participation"] == (0.0, 1)  # W13; W14 undecided
    assert found["contract_kept:recruiter"] == (50.0, 2)  # U4 ✓, S2 late
    assert found["contract_kept:hm"] == (None, 0)  # RV4 dropped before its due time
    assert found["feedback_turnaround_working_days"] == (None, 0)
    held_then_filled = _values(_figures(db, Scope.role(T1, seeded["B"])))
    assert held_then_filled["time_to_fill_days"] == (90.0, 1)


def test_feedback_after_its_due_time_is_late_and_an_edit_changes_nothing(
    db: Database, seeded: dict[str, int]
) -> None:
    """F3 was on time and edited after its due time; F4 was late and edited: on-time is
    judged by the first submission, so moving every edit later still changes nothing."""
    scope = Scope.role(T1, seeded["A"])
    before = _values(_figures(db, scope))
    assert before["feedback_on_time:person:UR1"] == (100.0, 1)  # F3
    assert before["feedback_on_time:person:UH1"] == (_r(THIRD), 3)  # F1 ✓, F4 late, F6
    assert before["feedback_on_time:person:UP1"] == (50.0, 2)  # F2 late, F5 ✓
    assert before["feedback_on_time"] == (50.0, 6)
    assert before["feedback_turnaround_working_days"] == (1.0, 5)  # 0 1 1 2 4
    with db.sessions.begin() as session:
        session.execute(
            update(Feedback)
            .where(Feedback.submitted_at.is_not(None))
            .values(updated_at=NOW, edit_count=Feedback.edit_count + 1)
        )
    assert _values(_figures(db, scope)) == before


def test_an_erased_candidate_still_counts_anonymously(db: Database, seeded: dict[str, int]) -> None:
    """a3 (offer, hire, interview, score 4) is erased: the figures are what they would be
    had a3 not been erased."""
    scope = Scope.role(T1, seeded["A"])
    erased = _values(_figures(db, scope))
    assert erased["candidate_satisfaction"] == (_r(11 / 3), 3)  # 5, 2 and a3's 4
    with db.sessions.begin() as session:
        session.execute(
            update(Candidate)
            .where(Candidate.id == seeded["a3"])
            .values(erased_at=None, name="Candidate a3")
        )
    assert _values(_figures(db, scope)) == erased


def test_anonymous_retro_answers_are_not_anyones_satisfaction(
    db: Database, seeded: dict[str, int]
) -> None:
    """B's retro has named answers (HM 2, recruiter 4) and two anonymous 1s: an anonymous
    answer has no capacity, so it counts for neither side."""
    found = _values(_figures(db, Scope.role(T1, seeded["B"])))
    assert found["hm_satisfaction"] == (2.0, 1)
    assert found["recruiter_satisfaction"] == (4.0, 1)


# -- scopes and tenants -----------------------------------------------------------------------


def test_a_pair_is_the_roles_of_that_recruiter_and_hm(db: Database, seeded: dict[str, int]) -> None:
    found = _values(_figures(db, Scope.pair(T1, R1, H1)))  # A, B, E
    assert found["time_to_fill_days"] == (40.0, 3)
    assert found["feedback_on_time"] == (_r(300 / 7), 7)  # F1–F6, F8: F1 F3 F5 on time
    assert found["checkin_participation"] == (50.0, 4)
    assert _values(_figures(db, Scope.pair(T1, H1, R1)))["feedback_on_time"] == (None, 0)
    other = _values(_figures(db, Scope.pair(T1, R2, H2)))  # C only
    assert other["feedback_on_time"] == (0.0, 1)


def test_a_person_sees_their_roles_and_all_their_own_feedback(
    db: Database, seeded: dict[str, int]
) -> None:
    hm = _values(_figures(db, Scope.person(T1, H1)))  # HM of A, B, E
    assert hm["feedback_on_time"] == (_r(300 / 7), 7)
    assert hm["feedback_on_time:person:UH1"] == (_r(THIRD), 3)
    assert hm["feedback_on_time:person:UR1"] == (50.0, 2)
    assert "feedback_on_time:person:UH2" not in hm
    # P1 is on no role as recruiter or HM: no role figures, but their own feedback on any
    # role (F2 late, F5 on time; F10 and F12 were never owed).
    panel = _values(_figures(db, Scope.person(T1, P1)))
    assert panel["feedback_on_time"] == (None, 0)
    assert panel["time_to_fill_days"] == (None, 0)
    assert panel["feedback_on_time:person:UP1"] == (50.0, 2)
    assert [k for k in panel if k.startswith("feedback_on_time:person:")] == [
        "feedback_on_time:person:UP1"
    ]
    recruiter = _values(_figures(db, Scope.person(T1, R2)))
    assert recruiter["contract_kept:recruiter"] == (50.0, 2)


def test_nothing_leaks_between_workspaces(db: Database, seeded: dict[str, int]) -> None:
    """T2 has the same user ids and a role full of rows in T1's period."""
    t2 = _values(_figures(db, Scope.workspace(T2)))
    assert t2["time_to_fill_days"] == (6.0, 1)  # 01-05 → 01-11
    assert t2["offer_acceptance"] == (50.0, 2)
    assert t2["interview_to_offer"] == (0.5, 2)
    assert t2["feedback_on_time"] == (100.0, 1)
    assert t2["checkin_participation"] == (100.0, 1)
    assert t2["candidate_satisfaction"] == (1.0, 1)
    assert t2["hm_satisfaction"] == (1.0, 1)
    assert t2["quality_of_hire:90"] == (1.0, 1)
    assert t2["contract_kept:recruiter"] == (100.0, 1)
    # T1's figures (checked in full above) are untouched by T2's rows, for every scope.
    t1 = _values(_figures(db, Scope.workspace(T1)))
    assert t1["time_to_fill_days"] == (40.0, 3)
    assert t1["feedback_on_time:person:UH1"] == (_r(THIRD), 3)
    assert _values(_figures(db, Scope.person(T1, H1)))["feedback_on_time:person:UH1"] == (
        _r(THIRD),
        3,
    )
    # A T2 role's id named in a T1 scope finds nothing.
    forged = _figures(db, Scope.role(T1, seeded["T2:X"]))
    assert all(f.value is None for f in forged.values())


# -- periods ----------------------------------------------------------------------------------


def test_the_period_decides_what_counts(db: Database, seeded: dict[str, int]) -> None:
    """The whole of 2026: E's fill (2026-08-03 → 09-15: 43 days), b2's and e1's offers, F9."""
    year = period_dates(date(2026, 1, 1), date(2026, 12, 31))
    found = _values(_figures(db, Scope.workspace(T1), year))
    assert found["time_to_fill_days"] == (43.0, 1)
    assert found["offer_acceptance"] == (50.0, 2)  # e1 accepted, b2 rejected
    assert found["feedback_on_time"] == (0.0, 1)  # F9
    assert found["feedback_turnaround_working_days"] == (2.0, 1)  # Thu 12-10 → Mon 12-14
    assert found["quality_of_hire"] == (1.5, 2)  # e1's 30-day 1, 60-day 2
    assert found["hm_satisfaction"] == (1.0, 1)
    # Ten days ending at "now": only what happened from 03-22 12:00.
    recent = _values(_figures(db, Scope.workspace(T1), period_days(NOW, 10)))
    assert recent["time_to_fill_days"] == (None, 0)  # A2's offer day 03-22 starts before
    assert recent["feedback_on_time"] == (0.0, 1)  # F6
    assert recent["hm_satisfaction"] == (5.0, 1)  # PA2, 03-23


def test_period_constructors() -> None:
    assert period_days(NOW) == Period(NOW - timedelta(days=90), NOW, "last 90 days")
    assert period_days(NOW, 30).label == "last 30 days"
    first = period_dates(date(2027, 1, 1), date(2027, 3, 31))
    assert first.start == datetime(2027, 1, 1, tzinfo=UTC)
    assert first.end == datetime(2027, 4, 1, tzinfo=UTC)
    assert first.label == "2027-01-01 to 2027-03-31"
    assert period_quarter(NOW) == Period(
        datetime(2027, 4, 1, tzinfo=UTC), datetime(2027, 7, 1, tzinfo=UTC), "Q2 2027"
    )
    q4 = period_quarter(datetime(2026, 12, 3, 9, tzinfo=UTC))
    assert (q4.start, q4.end, q4.label) == (
        datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
        "Q4 2026",
    )
    with pytest.raises(ValueError):
        period_days(NOW, 0)
    with pytest.raises(ValueError):
        period_dates(date(2027, 2, 1), date(2027, 1, 1))
    with pytest.raises(ValueError):
        period_days(datetime(2027, 1, 1))


def test_scopes_need_their_ids() -> None:
    assert Scope.pair(T1, R1, H1).kind == "pair"
    with pytest.raises(ValueError):
        Scope(T1, "role")
    with pytest.raises(ValueError):
        Scope("", "workspace")


# -- the chart's trend ----------------------------------------------------------------------


def _trend(db: Database, scope: Scope, period: Period = PERIOD) -> list[tuple[str, object, object]]:
    with db.sessions() as session:
        months = monthly_trend(session, scope, period, now=NOW)
    return [
        (
            m.label,
            (m.time_to_fill.value, m.time_to_fill.count),
            (
                None if m.feedback_on_time.value is None else round(m.feedback_on_time.value, 4),
                m.feedback_on_time.count,
            ),
        )
        for m in months
    ]


def test_monthly_trend_of_time_to_fill_and_feedback_on_time(
    db: Database, seeded: dict[str, int]
) -> None:
    """Every month the period touches (up to "now"), fills by their offer's month and
    feedback by its due month; a month without data says so."""
    assert _trend(db, Scope.workspace(T1)) == [
        ("Jan 2027", (None, 0), (50.0, 2)),  # F1 ✓ F2
        ("Feb 2027", (30.0, 1), (50.0, 2)),  # A's first fill; F3 ✓ F8
        ("Mar 2027", (65.0, 2), (25.0, 4)),  # B 90, A 40; F4 F5 ✓ F6 F11
        ("Apr 2027", (None, 0), (None, 0)),
    ]
    assert _trend(db, Scope.role(T1, seeded["A"]))[:3] == [
        ("Jan 2027", (None, 0), (50.0, 2)),
        ("Feb 2027", (30.0, 1), (100.0, 1)),
        ("Mar 2027", (40.0, 1), (_r(THIRD), 3)),
    ]
    assert [label for label, _, _ in _trend(db, Scope.workspace(T2))] == [
        "Jan 2027",
        "Feb 2027",
        "Mar 2027",
        "Apr 2027",
    ]
    assert _trend(db, Scope.workspace(T2))[0][1:] == ((6.0, 1), (100.0, 1))
    year = _trend(db, Scope.workspace(T1), period_dates(date(2026, 1, 1), date(2026, 12, 31)))
    assert len(year) == 12
    assert year[8] == ("Sep 2026", (43.0, 1), (None, 0))
    assert year[11] == ("Dec 2026", (None, 0), (0.0, 1))  # F9
