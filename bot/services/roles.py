"""Roles: creating a role, reading and revising its brief, who may edit it.

Every function takes the session and ``now`` and works inside the caller's transaction.
Everything is scoped by ``team_id``: a role id from another workspace is simply not found.
Agreement to the contract and acknowledgements of changes live in ``bot.services.agreement``;
``RoleNotFound`` and ``NotAllowed`` (from ``bot.services.errors``) are importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import (
    Acknowledgement,
    BriefRevision,
    Commitment,
    CommitmentKind,
    CommitmentState,
    KickoffDraft,
    Person,
    Role,
    RoleStatus,
    Side,
)
from bot.services import agreement, timeline
from bot.services import obligations as obligation_service
from bot.services.brief import (
    BriefContent,
    Change,
    Topic,
    diff_briefs,
    new_panel_members,
    topics_needing_acknowledgement,
)
from bot.services.errors import NotAllowed as NotAllowed
from bot.services.errors import RoleNotFound
from bot.services.kickoff_form import CHANNEL_CREATE_PUBLIC
from bot.services.people import get_person, person_zone
from bot.services.timeline import Event
from bot.services.work_settings import calendar_of
from bot.services.working_time import end_of_working_day

# -- reading ----------------------------------------------------------------------------------


def get_role(session: Session, *, team_id: str, role_id: int) -> Role:
    role = session.get(Role, role_id)
    if role is None or role.team_id != team_id:
        raise RoleNotFound(f"role {role_id}")
    return role


def current_revision(session: Session, role: Role) -> BriefRevision:
    revision = session.scalar(
        select(BriefRevision)
        .where(BriefRevision.role_id == role.id)
        .order_by(BriefRevision.number.desc())
        .limit(1)
    )
    assert revision is not None, "every role has revision 1"
    return revision


def current_brief(session: Session, role: Role) -> BriefContent:
    return BriefContent.model_validate(current_revision(session, role).content)


def open_commitments(session: Session, role: Role) -> list[Commitment]:
    return list(
        session.scalars(
            select(Commitment)
            .where(
                Commitment.role_id == role.id,
                Commitment.state.in_([CommitmentState.OPEN, CommitmentState.MISSED]),
            )
            .order_by(Commitment.id)
        )
    )


def pending_acknowledgements(session: Session, role: Role) -> list[Acknowledgement]:
    return list(
        session.scalars(
            select(Acknowledgement)
            .where(Acknowledgement.role_id == role.id, Acknowledgement.acknowledged_at.is_(None))
            .order_by(Acknowledgement.id)
        )
    )


def revision_numbers(session: Session, acks: list[Acknowledgement]) -> dict[int, int]:
    ids = {a.revision_id for a in acks}
    if not ids:
        return {}
    rows = session.execute(
        select(BriefRevision.id, BriefRevision.number).where(BriefRevision.id.in_(ids))
    )
    return {revision_id: number for revision_id, number in rows}  # noqa: C416


# -- permissions ------------------------------------------------------------------------------


def is_on_role(session: Session, role: Role, user_id: str) -> bool:
    """The recruiter, the HM, someone on the current panel, or anyone the role has asked for
    something (an interviewer added to one interview, say)."""
    if user_id in (role.recruiter_id, role.hiring_manager_id):
        return True
    if user_id in current_brief(session, role).panel:
        return True
    return obligation_service.has_obligation(session, role=role, user_id=user_id)


# -- creating and revising --------------------------------------------------------------------


def _commitments(
    brief: BriefContent,
    *,
    role: Role,
    revision: BriefRevision,
    session: Session,
    now: datetime,
) -> list[Commitment]:
    contract = brief.contract
    # A date-only commitment is due at the end of that working day, on the owner's clock
    # (the end of their own working hours when they set them).
    slate_due = end_of_working_day(
        contract.slate_due, calendar_of(session, role.team_id, brief.recruiter_id)
    )
    specs: list[tuple[CommitmentKind, Side, str, dict[str, Any], datetime | None]] = [
        (
            CommitmentKind.FIRST_SLATE,
            Side.RECRUITER,
            brief.recruiter_id,
            {"candidates": contract.slate_size, "date": contract.slate_due.isoformat()},
            slate_due,
        ),
        (
            CommitmentKind.CANDIDATE_UPDATES,
            Side.RECRUITER,
            brief.recruiter_id,
            {"working_days": contract.candidate_update_days},
            None,
        ),
        (
            CommitmentKind.RESUME_REVIEW,
            Side.HIRING_MANAGER,
            brief.hiring_manager_id,
            {"working_days": contract.resume_review_days},
            None,
        ),
        (
            CommitmentKind.FEEDBACK,
            Side.HIRING_MANAGER,
            brief.hiring_manager_id,
            {"working_hours": contract.feedback_turnaround_hours},
            None,
        ),
    ]
    return [
        Commitment(
            team_id=role.team_id,
            role_id=role.id,
            revision_id=revision.id,
            kind=kind,
            owner_side=side,
            owner_id=owner,
            terms=terms,
            due_at=due,
            state=CommitmentState.OPEN,
            created_at=now,
        )
        for kind, side, owner, terms, due in specs
    ]


def create_role(
    session: Session,
    *,
    draft: KickoffDraft,
    brief: BriefContent,
    people: dict[str, Person | None],
    now: datetime,
) -> Role:
    """Role, revision 1, the contract's commitments and a timeline entry, in one transaction.

    Submitting the same draft twice returns the role the first submission made.
    """
    if draft.submitted_at is not None and draft.role_id is not None:
        return get_role(session, team_id=draft.team_id, role_id=draft.role_id)
    role = Role(
        team_id=draft.team_id,
        title=brief.title,
        status=RoleStatus.OPEN,
        recruiter_id=brief.recruiter_id,
        hiring_manager_id=brief.hiring_manager_id,
        created_by=draft.user_id,
        created_at=now,
        channel_id=draft.answers.get("channel_id"),
        channel_private=draft.answers.get("channel_mode") != CHANNEL_CREATE_PUBLIC,
        brief_post_attempts=0,
    )
    session.add(role)
    session.flush()
    revision = BriefRevision(
        team_id=role.team_id,
        role_id=role.id,
        number=1,
        content=brief.model_dump(mode="json"),
        created_by=draft.user_id,
        created_at=now,
    )
    session.add(revision)
    session.flush()
    session.add_all(_commitments(brief, role=role, revision=revision, session=session, now=now))
    timeline.record(session, role, Event.ROLE_CREATED, at=now, actor_id=draft.user_id, revision=1)
    session.flush()
    obligation_service.sync_commitment_obligations(session, role, now=now)
    draft.role_id = role.id
    draft.submitted_at = now
    return role


class RevisionStatus(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"


@dataclass
class RevisionOutcome:
    status: RevisionStatus
    revision: BriefRevision | None = None
    previous: BriefContent | None = None
    changes: list[Change] = field(default_factory=list)
    acknowledgements: list[Acknowledgement] = field(default_factory=list)
    new_panel: list[str] = field(default_factory=list)
    # People who took over a side with this revision, and must agree to the contract.
    new_sides: list[tuple[str, Side]] = field(default_factory=list)
    # The contract counted as signed before this revision and does not any more.
    unsigned: agreement.ContractStatus | None = None


def _acknowledgers(role: Role, editor_id: str) -> list[str]:
    """Who must acknowledge a change: the other side; both sides when an admin edited."""
    if role.recruiter_id == role.hiring_manager_id:
        return [] if editor_id == role.recruiter_id else [role.recruiter_id]
    side = role.side_of(editor_id)
    if side == Side.RECRUITER:
        return [role.hiring_manager_id]
    if side == Side.HIRING_MANAGER:
        return [role.recruiter_id]
    return [role.recruiter_id, role.hiring_manager_id]


def revise_brief(
    session: Session,
    *,
    role: Role,
    brief: BriefContent,
    editor_id: str,
    people: dict[str, Person | None],
    now: datetime,
) -> RevisionOutcome:
    """A new revision (nothing overwritten), what changed, and who must acknowledge it or
    agree to the contract afresh."""
    previous_revision = current_revision(session, role)
    previous = BriefContent.model_validate(previous_revision.content)
    changes = diff_briefs(previous, brief)
    if not changes:
        return RevisionOutcome(RevisionStatus.UNCHANGED, previous=previous)
    revision = BriefRevision(
        team_id=role.team_id,
        role_id=role.id,
        number=previous_revision.number + 1,
        content=brief.model_dump(mode="json"),
        created_by=editor_id,
        created_at=now,
    )
    session.add(revision)
    session.flush()
    was_signed = agreement.contract_status(session, role).signed_at is not None
    role.title = brief.title
    role.recruiter_id = brief.recruiter_id
    role.hiring_manager_id = brief.hiring_manager_id
    new_sides = agreement.hand_over_sides(session, role, previous, editor_id, now)
    topics = topics_needing_acknowledgement(changes)
    contract_changed = Topic.CONTRACT in topics or previous.recruiter_id != brief.recruiter_id
    if contract_changed or previous.hiring_manager_id != brief.hiring_manager_id:
        session.execute(
            update(Commitment)
            .where(Commitment.role_id == role.id, Commitment.state == CommitmentState.OPEN)
            .values(state=CommitmentState.SUPERSEDED)
        )
        session.add_all(_commitments(brief, role=role, revision=revision, session=session, now=now))
        session.flush()
        obligation_service.sync_commitment_obligations(session, role, now=now)
    acknowledgements = [
        Acknowledgement(
            team_id=role.team_id,
            role_id=role.id,
            revision_id=revision.id,
            requested_from=user_id,
            topics=[t.value for t in topics],
            created_at=now,
        )
        for user_id in (_acknowledgers(role, editor_id) if topics else [])
    ]
    session.add_all(acknowledgements)
    timeline.record(
        session,
        role,
        Event.BRIEF_REVISED,
        at=now,
        actor_id=editor_id,
        revision=revision.number,
        changed=[c.label for c in changes],
        needs_acknowledgement=[t.value for t in topics],
        new_sides={side.value: user_id for user_id, side in new_sides},
    )
    session.flush()
    status = agreement.contract_status(session, role)
    return RevisionOutcome(
        RevisionStatus.CREATED,
        revision=revision,
        previous=previous,
        changes=changes,
        acknowledgements=acknowledgements,
        new_panel=new_panel_members(previous, brief),
        new_sides=new_sides,
        unsigned=status if was_signed and status.signed_at is None else None,
    )


def today_for(person: Person | None, now: datetime) -> date:
    return now.astimezone(person_zone(person)).date()


def today_for_user(session: Session, team_id: str, user_id: str, now: datetime) -> date:
    return today_for(get_person(session, team_id, user_id), now)


def cached_people(session: Session, team_id: str, user_ids: list[str]) -> dict[str, Person | None]:
    """People as last seen (no Slack call): for time zones inside a transaction."""
    return {user_id: get_person(session, team_id, user_id) for user_id in user_ids}


def parse_date(value: str) -> date:
    return date.fromisoformat(value)
