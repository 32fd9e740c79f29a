"""The check-in's opening summary: the pipeline in numbers, computed from the data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import (
    BriefRevision,
    Candidate,
    CheckIn,
    Interview,
    Obligation,
    ObligationKind,
    Role,
)
from bot.services import roles as role_service
from bot.services.brief import BriefContent, diff_briefs
from bot.services.candidates import ACTIVE_STAGES, STAGE_NAMES
from bot.services.obligations import calendar_for


@dataclass
class Summary:
    per_stage: list[tuple[str, int]]
    interviews_last_7_days: int
    feedback_overdue: list[tuple[str, int]]
    commitments_overdue: list[tuple[str, str]]
    days_open: int
    days_to_target: int
    brief_changes: list[str] = field(default_factory=list)


COMMITMENT_NAMES = {
    ObligationKind.FIRST_SLATE: "first slate",
    ObligationKind.RESUME_REVIEW: "résumé review",
    ObligationKind.CANDIDATE_UPDATE: "candidate update",
}


def summary(session: Session, role: Role, *, now: datetime, since: datetime) -> Summary:
    """The pipeline in numbers, computed from the data, for the check-in post."""
    stages = Counter(session.scalars(select(Candidate.stage).where(Candidate.role_id == role.id)))
    per_stage = [(STAGE_NAMES[s], stages[s.value]) for s in ACTIVE_STAGES if stages[s.value]]
    interviews = session.scalar(
        select(func.count())
        .select_from(Interview)
        .where(
            Interview.role_id == role.id,
            Interview.cancelled_at.is_(None),
            Interview.ends_at <= now,
            Interview.ends_at > now - timedelta(days=7),
        )
    )
    overdue = list(
        session.scalars(
            select(Obligation).where(
                Obligation.role_id == role.id,
                Obligation.resolved_at.is_(None),
                Obligation.cancelled_at.is_(None),
                Obligation.due_at < now,
            )
        )
    )
    feedback = Counter(o.owner_id for o in overdue if o.kind == ObligationKind.FEEDBACK)
    commitments = [
        (o.owner_id, COMMITMENT_NAMES[ObligationKind(o.kind)])
        for o in overdue
        if o.kind != ObligationKind.FEEDBACK
    ]
    brief = role_service.current_brief(session, role)
    revisions = list(
        session.scalars(
            select(BriefRevision)
            .where(BriefRevision.role_id == role.id)
            .order_by(BriefRevision.number)
        )
    )
    baseline = [r for r in revisions if r.created_at <= since]
    changes: list[str] = []
    if baseline and baseline[-1].number != revisions[-1].number:
        before = BriefContent.model_validate(baseline[-1].content)
        changes = [c.label for c in diff_briefs(before, brief)]
    today = now.astimezone(calendar_for(session, role.team_id, role.hiring_manager_id).zone).date()
    return Summary(
        per_stage=per_stage,
        interviews_last_7_days=interviews or 0,
        feedback_overdue=sorted(feedback.items()),
        commitments_overdue=commitments,
        days_open=(now - role.created_at).days,
        days_to_target=(brief.target_fill_date - today).days,
        brief_changes=changes,
    )


def previous_checkin_at(session: Session, role: Role, before: datetime) -> datetime:
    """When the last check-in went out (a week ago if there was none)."""
    last = session.scalar(
        select(func.max(CheckIn.posted_at)).where(
            CheckIn.role_id == role.id, CheckIn.posted_at < before
        )
    )
    return last or before - timedelta(days=7)
