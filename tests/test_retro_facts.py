"""The retro's facts from a role's rows, against hand-computed values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import delete, select

from bot.models import BriefRevision, Role
from bot.models.hiring import Obligation, ObligationKind
from bot.models.role import Side
from bot.services.retro_facts import facts_for
from tests.harness import Tandem
from tests.hiring_flow import start_role
from tests.kickoff_flow import HM, PANEL, RECRUITER, brief_step

OPENED = datetime(2027, 4, 9, 15, 0, tzinfo=UTC)


def test_a_fresh_role_has_one_revision_and_nothing_else(tandem: Tandem) -> None:
    with freeze_time(OPENED - timedelta(days=30), tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-04-30"))
    with tandem.database.sessions() as session:
        role = session.get(Role, role_id)
        assert role is not None
        facts = facts_for(session, role, now=OPENED)
    assert facts.brief_revisions == 1
    assert facts.interviews_held == 0
    assert facts.feedback_late == {} and facts.late_by == ()
    assert facts.checkins_skipped == 0
    assert "Interviews held: 0" in facts.lines()


def test_seeded_feedback_and_commitments_per_side(tandem: Tandem) -> None:
    with freeze_time(OPENED - timedelta(days=30), tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-04-30"))
    day = OPENED - timedelta(days=10)
    with tandem.database.sessions.begin() as session:
        role = session.get(Role, role_id)
        assert role is not None
        revision = session.scalars(
            select(BriefRevision).where(BriefRevision.role_id == role_id)
        ).first()
        assert revision is not None

        # Only what is seeded here: drop what the kickoff itself made the sides owe.
        session.execute(delete(Obligation).where(Obligation.role_id == role_id))

        def obligation(
            key: str,
            owner: str,
            resolved: datetime | None,
            *,
            kind: str = ObligationKind.FEEDBACK,
            due: datetime = day + timedelta(days=1),
            cancelled: datetime | None = None,
        ) -> Obligation:
            return Obligation(
                team_id=role.team_id,
                role_id=role_id,
                kind=kind,
                subject_key=key,
                owner_id=owner,
                starts_at=day,
                due_at=due,
                resolved_at=resolved,
                cancelled_at=cancelled,
                created_at=day,
            )

        review, update, slate = (
            ObligationKind.RESUME_REVIEW,
            ObligationKind.CANDIDATE_UPDATE,
            ObligationKind.FIRST_SLATE,
        )
        session.add_all(
            [
                obligation("f1", PANEL[0], day + timedelta(hours=5)),  # on time, HM side
                obligation("f2", PANEL[1], day + timedelta(days=2)),  # late, HM side
                obligation("f3", HM, None),  # never given, overdue: late, HM side
                obligation("f4", RECRUITER, day + timedelta(hours=1)),  # on time, recruiter
                # Dropped before it was due (the interview was cancelled): not counted.
                obligation("f5", PANEL[0], None, cancelled=day + timedelta(hours=2)),
                obligation("c1", RECRUITER, day, kind=update),  # kept
                obligation("c2", RECRUITER, day + timedelta(days=3), kind=slate),  # missed
                obligation("c3", HM, day, kind=review),  # kept
                obligation("c4", HM, day + timedelta(hours=3), kind=review),  # kept
                # Not due until after the close: not counted either way.
                obligation("c5", HM, None, kind=review, due=OPENED + timedelta(days=1)),
            ]
        )
    with tandem.database.sessions() as session:
        role = session.get(Role, role_id)
        assert role is not None
        facts = facts_for(session, role, now=OPENED)
    assert facts.feedback_on_time == {Side.RECRUITER: 1, Side.HIRING_MANAGER: 1}
    assert facts.feedback_late == {Side.HIRING_MANAGER: 2}
    assert facts.late_by == tuple(sorted([PANEL[1], HM]))
    assert facts.commitments_kept == {Side.RECRUITER: 1, Side.HIRING_MANAGER: 2}
    assert facts.commitments_missed == {Side.RECRUITER: 1}


def test_days_in_each_stage_average_over_candidates_and_count_the_current_one() -> None:
    from datetime import UTC, datetime

    from bot.services.retro_facts import days_in_stage

    day = datetime(2027, 3, 1, tzinfo=UTC)
    moves = [
        (1, "sourced", day),
        (1, "screening", day.replace(day=3)),  # 2 days sourced
        (1, "hired", day.replace(day=7)),  # 4 days screening
        (2, "screening", day.replace(day=5)),  # still there on the 9th: 4 days
    ]
    assert days_in_stage(moves, now=day.replace(day=9)) == (
        ("sourced", 2.0, 1),
        ("screening", 4.0, 2),
    )
