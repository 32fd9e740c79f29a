"""Candidate events and the obligations they start or settle.

Adding a candidate at *sourced* or *screening* asks the hiring manager for a résumé review
within the contract's working days, and may complete the recruiter's first slate. Any stage
change settles the candidate's open résumé review and candidate update.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.models import Candidate, CandidateStage, ObligationKind, Role, StageChange
from bot.services import candidates as candidate_service
from bot.services import obligations as obligation_service
from bot.services import roles as role_service
from bot.services.candidates import NewCandidate
from bot.services.obligations import calendar_for
from bot.services.working_time import due_after

NEEDS_REVIEW = {CandidateStage.SOURCED, CandidateStage.SCREENING}


def add_candidate(
    session: Session, *, role: Role, new: NewCandidate, actor_id: str, now: datetime
) -> Candidate:
    candidate = candidate_service.add_candidate(
        session, role=role, new=new, actor_id=actor_id, now=now
    )
    if new.stage in NEEDS_REVIEW:
        days = role_service.current_brief(session, role).contract.resume_review_days
        calendar = calendar_for(session, role.team_id, role.hiring_manager_id)
        obligation_service.open_obligation(
            session,
            role=role,
            kind=ObligationKind.RESUME_REVIEW,
            subject_key=f"candidate:{candidate.id}",
            owner_id=role.hiring_manager_id,
            starts_at=now,
            due_at=due_after(now, 24 * days, calendar),
            now=now,
            candidate_id=candidate.id,
        )
    obligation_service.check_first_slate(session, role, now=now, actor_id=actor_id)
    return candidate


def move_candidate(
    session: Session,
    *,
    role: Role,
    candidate: Candidate,
    to_stage: CandidateStage,
    actor_id: str,
    now: datetime,
) -> StageChange | None:
    change = candidate_service.move_candidate(
        session, candidate=candidate, role=role, to_stage=to_stage, actor_id=actor_id, now=now
    )
    if change is None:
        return None
    for kind in (ObligationKind.RESUME_REVIEW, ObligationKind.CANDIDATE_UPDATE):
        for obligation in obligation_service.open_for(
            session, team_id=role.team_id, candidate_id=candidate.id, kind=kind
        ):
            obligation_service.resolve(session, obligation, now=now, actor_id=actor_id)
    return change
