"""The facts of a role for its retro, computed from its rows (what actually happened, per
side: the recruiter's side is the recruiter; the HM's side is the HM and the panel)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Acknowledgement, BriefRevision, CheckIn, Interview, Role
from bot.models.checkins import CheckInParty
from bot.models.hiring import CandidateStage, Obligation, ObligationKind, StageChange
from bot.models.role import Side


@dataclass(frozen=True)
class RetroFacts:
    interviews_held: int
    feedback_on_time: dict[str, int]  # by side
    feedback_late: dict[str, int]  # by side
    late_by: tuple[str, ...]  # user ids, each once, sorted
    commitments_kept: dict[str, int]  # by side
    commitments_missed: dict[str, int]  # by side
    brief_revisions: int
    acknowledgements: int
    checkins_held: int
    checkins_skipped: int
    # Posted, not skipped, and nobody on either side replied.
    checkins_unanswered: int = 0
    # Stage → (average days a candidate spent in it, how many candidates), pipeline order.
    days_in_stage: tuple[tuple[str, float, int], ...] = ()

    def lines(self) -> list[str]:
        def sides(counts: dict[str, int]) -> str:
            return f"recruiter {counts.get(Side.RECRUITER, 0)}, HM {counts.get(Side.HIRING_MANAGER, 0)}"

        late = ", ".join(f"<@{u}>" for u in self.late_by)
        stages = "; ".join(
            f"{STAGE_NAMES.get(stage, stage)} {days:.1f} ({count} "
            f"{'candidate' if count == 1 else 'candidates'})"
            for stage, days, count in self.days_in_stage
        )
        return [
            "Days in each stage, on average: " + (stages or "no candidate moved yet"),
            f"Interviews held: {self.interviews_held}",
            f"Feedback on time: {sides(self.feedback_on_time)}; late: "
            f"{sides(self.feedback_late)}" + (f" ({late})" if late else ""),
            f"Commitments kept: {sides(self.commitments_kept)}; missed: "
            f"{sides(self.commitments_missed)}",
            f"Brief revisions: {self.brief_revisions}, acknowledgements: {self.acknowledgements}",
            f"Check-ins held: {self.checkins_held}, skipped: {self.checkins_skipped}, "
            f"unanswered: {self.checkins_unanswered}",
        ]


STAGE_NAMES = {
    CandidateStage.SOURCED: "sourced",
    CandidateStage.SCREENING: "screening",
    CandidateStage.HM_INTERVIEW: "HM interview",
    CandidateStage.PANEL: "panel",
    CandidateStage.OFFER: "offer",
}


def days_in_stage(
    changes: list[tuple[int, str, datetime]], *, now: datetime
) -> tuple[tuple[str, float, int], ...]:
    """From each candidate's stage changes ``(candidate, to_stage, at)`` in time order: the
    average days spent in each pipeline stage (a stage still current counts until ``now``)."""
    spent: dict[str, list[float]] = {}
    by_candidate: dict[int, list[tuple[str, datetime]]] = {}
    for candidate, stage, at in changes:
        by_candidate.setdefault(candidate, []).append((stage, at))
    for moves in by_candidate.values():
        for (stage, entered), following in zip(moves, [*moves[1:], None], strict=True):
            if stage not in STAGE_NAMES:
                continue
            left = following[1] if following is not None else now
            spent.setdefault(stage, []).append(max(0.0, (left - entered).total_seconds() / 86400))
    return tuple(
        (stage, sum(spent[stage]) / len(spent[stage]), len(spent[stage]))
        for stage in STAGE_NAMES
        if stage in spent
    )


def _verdict(
    due: datetime, resolved: datetime | None, cancelled: datetime | None, *, now: datetime
) -> bool | None:
    """True when kept on time, False when late or missed, None when it does not count (not
    due yet, or dropped before it was due — an interview cancelled, say). Work stopped by the
    close after its due time had passed still counts as missed."""
    if resolved is not None and resolved <= now:
        return resolved <= due
    if due > now:
        return None
    if cancelled is not None and cancelled < due:
        return None
    return False


def _side(role: Role, user_id: str) -> str:
    return Side.RECRUITER if user_id == role.recruiter_id else Side.HIRING_MANAGER


def _count(session: Session, model: type, *where: object) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def facts_for(session: Session, role: Role, *, now: datetime) -> RetroFacts:
    held = _count(
        session,
        Interview,
        Interview.role_id == role.id,
        Interview.cancelled_at.is_(None),
        Interview.ends_at <= now,
    )
    on_time: Counter[str] = Counter()
    late: Counter[str] = Counter()
    late_by: set[str] = set()
    kept: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    # Feedback and the contract's commitments alike, per instance owed (each résumé review,
    # each candidate update, the first slate), as the shared win counts them.
    owed = session.execute(
        select(
            Obligation.kind,
            Obligation.owner_id,
            Obligation.due_at,
            Obligation.resolved_at,
            Obligation.cancelled_at,
        ).where(Obligation.team_id == role.team_id, Obligation.role_id == role.id)
    ).all()
    for kind, owner, due, resolved, cancelled in owed:
        verdict = _verdict(due, resolved, cancelled, now=now)
        if verdict is None:
            continue
        side = _side(role, owner)
        if kind == ObligationKind.FEEDBACK:
            (on_time if verdict else late)[side] += 1
            if not verdict:
                late_by.add(owner)
        else:
            (kept if verdict else missed)[side] += 1
    changes = session.execute(
        select(StageChange.candidate_id, StageChange.to_stage, StageChange.at)
        .where(StageChange.role_id == role.id, StageChange.at <= now)
        .order_by(StageChange.candidate_id, StageChange.at, StageChange.id)
    ).all()
    replied = (
        select(CheckInParty.id)
        .where(CheckInParty.checkin_id == CheckIn.id, CheckInParty.replied_at.is_not(None))
        .exists()
    )
    return RetroFacts(
        days_in_stage=days_in_stage([tuple(c) for c in changes], now=now),
        checkins_unanswered=_count(
            session,
            CheckIn,
            CheckIn.role_id == role.id,
            CheckIn.posted_at.is_not(None),
            CheckIn.skipped_at.is_(None),
            ~replied,
        ),
        interviews_held=held,
        feedback_on_time=dict(on_time),
        feedback_late=dict(late),
        late_by=tuple(sorted(late_by)),
        commitments_kept=dict(kept),
        commitments_missed=dict(missed),
        brief_revisions=_count(session, BriefRevision, BriefRevision.role_id == role.id),
        acknowledgements=_count(session, Acknowledgement, Acknowledgement.role_id == role.id),
        checkins_held=_count(
            session, CheckIn, CheckIn.role_id == role.id, CheckIn.posted_at.is_not(None)
        ),
        checkins_skipped=_count(
            session, CheckIn, CheckIn.role_id == role.id, CheckIn.skipped_at.is_not(None)
        ),
    )
