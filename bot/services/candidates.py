"""Candidates: adding them, moving them between stages, and how they are named where."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.models import Candidate, CandidateStage, Role, StageChange
from bot.services import timeline
from bot.services.timeline import Event

ACTIVE_STAGES = (
    CandidateStage.SOURCED,
    CandidateStage.SCREENING,
    CandidateStage.HM_INTERVIEW,
    CandidateStage.PANEL,
    CandidateStage.OFFER,
)
CLOSED_STAGES = (CandidateStage.HIRED, CandidateStage.REJECTED, CandidateStage.WITHDRAWN)
STAGE_NAMES = {
    CandidateStage.SOURCED: "Sourced",
    CandidateStage.SCREENING: "Screening",
    CandidateStage.HM_INTERVIEW: "HM interview",
    CandidateStage.PANEL: "Panel",
    CandidateStage.OFFER: "Offer",
    CandidateStage.HIRED: "Hired",
    CandidateStage.REJECTED: "Rejected",
    CandidateStage.WITHDRAWN: "Withdrew",
}
SOURCES = {
    "referral": "Referral",
    "sourced": "Sourced by recruiter",
    "inbound": "Applied",
    "agency": "Agency",
    "internal": "Internal",
    "other": "Other",
}


class CandidateNotFound(Exception):
    """No such candidate on this role in this workspace."""


@dataclass(frozen=True)
class NewCandidate:
    name: str
    source: str
    ats_url: str | None
    stage: CandidateStage


def initials_of(name: str) -> str:
    """``"Jane van der Berg"`` → ``"J.v.d.B."``; used wherever the name itself must not go."""
    parts = [p for p in re.split(r"[\s\-]+", name.strip()) if p]
    letters = [p[0] for p in parts if p[0].isalpha()] or ["?"]
    return ".".join(letters[:4]) + "."


INITIALS_LENGTH = 8  # ``candidates.initials`` column


def distinct_initials(session: Session, role_id: int, initials: str) -> str:
    """``initials``, or — when another candidate of the role already has them — the same with
    a number (``C.P.2``), so two candidates are never told apart by nothing in a channel."""
    taken = set(session.scalars(select(Candidate.initials).where(Candidate.role_id == role_id)))
    number = 1
    candidate = initials
    while candidate in taken:
        number += 1
        suffix = str(number)
        candidate = initials[: INITIALS_LENGTH - len(suffix)] + suffix
    return candidate


def label(candidate: Candidate, *, full_names: bool) -> str:
    """How a candidate is named: full name to people on the role, initials in channels."""
    if candidate.erased_at is not None or candidate.name is None:
        return f"Candidate #{candidate.id}"
    return candidate.name if full_names else candidate.initials


def add_candidate(
    session: Session, *, role: Role, new: NewCandidate, actor_id: str, now: datetime
) -> Candidate:
    candidate = Candidate(
        team_id=role.team_id,
        role_id=role.id,
        name=new.name,
        initials=distinct_initials(session, role.id, initials_of(new.name)),
        source=new.source,
        ats_url=new.ats_url,
        stage=new.stage,
        created_by=actor_id,
        created_at=now,
        updated_at=now,
    )
    session.add(candidate)
    session.flush()
    session.add(
        StageChange(
            team_id=role.team_id,
            role_id=role.id,
            candidate_id=candidate.id,
            from_stage=None,
            to_stage=new.stage,
            actor_id=actor_id,
            at=now,
        )
    )
    timeline.record(
        session,
        role,
        Event.CANDIDATE_ADDED,
        at=now,
        actor_id=actor_id,
        candidate_id=candidate.id,
        stage=new.stage,
        source=new.source,
    )
    return candidate


def move_candidate(
    session: Session,
    *,
    candidate: Candidate,
    role: Role,
    to_stage: CandidateStage,
    actor_id: str,
    now: datetime,
) -> StageChange | None:
    """Record a stage change (None when the candidate is already there)."""
    if candidate.stage == to_stage:
        return None
    change = StageChange(
        team_id=candidate.team_id,
        role_id=candidate.role_id,
        candidate_id=candidate.id,
        from_stage=candidate.stage,
        to_stage=to_stage,
        actor_id=actor_id,
        at=now,
    )
    session.add(change)
    candidate.stage = to_stage
    candidate.updated_at = now
    timeline.record(
        session,
        role,
        Event.CANDIDATE_MOVED,
        at=now,
        actor_id=actor_id,
        candidate_id=candidate.id,
        from_stage=change.from_stage,
        to_stage=to_stage,
    )
    return change


def get_candidate(session: Session, *, team_id: str, role_id: int, candidate_id: int) -> Candidate:
    candidate = session.get(Candidate, candidate_id)
    if candidate is None or candidate.team_id != team_id or candidate.role_id != role_id:
        raise CandidateNotFound(str(candidate_id))
    return candidate


def candidate_count(session: Session, role_id: int) -> int:
    """Every candidate the role ever had (the first slate counts them all)."""
    return (
        session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.role_id == role_id)
        )
        or 0
    )


MAX_SUGGESTIONS = 100


def search_candidates(
    session: Session, role: Role, typed: str, *, active_only: bool, limit: int = MAX_SUGGESTIONS
) -> list[Candidate]:
    """The role's candidates whose name contains ``typed`` (any case), by name; all of them
    (up to ``limit``) when nothing is typed. Erased candidates match their ``#id``."""
    query = select(Candidate).where(Candidate.team_id == role.team_id, Candidate.role_id == role.id)
    if active_only:
        query = query.where(Candidate.stage.in_([s.value for s in ACTIVE_STAGES]))
    typed = " ".join(typed.split())[:120]
    if typed:
        pattern = (
            "%" + typed.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        matches = func.lower(Candidate.name).like(pattern, escape="\\")
        number = typed.lstrip("#")
        if number.isascii() and number.isdigit() and len(number) < 10:
            matches = or_(matches, Candidate.id == int(number))
        query = query.where(matches)
    return list(session.scalars(query.order_by(Candidate.name, Candidate.id).limit(limit)))


def has_candidates(session: Session, role: Role, *, active_only: bool = False) -> bool:
    query = select(Candidate.id).where(
        Candidate.team_id == role.team_id, Candidate.role_id == role.id
    )
    if active_only:
        query = query.where(Candidate.stage.in_([s.value for s in ACTIVE_STAGES]))
    return session.scalar(query.limit(1)) is not None
