"""Agreement to a role's collaboration contract, and acknowledgement of brief changes.

**When the contract counts as signed.** An agreement belongs to a person and to the
contract as it stood when they pressed *Agree*. So the contract is signed only while

* whoever holds each side now has agreed — a recruiter or hiring manager put in by *Edit
  brief* starts with no agreement (the person they replace agreed, not they), and pending
  acknowledgements the replaced person owed pass to them; and
* no contract change made after a side agreed still waits for that side's acknowledgement.
  The editor's own side stands (they wrote the change); the other side signs again by
  pressing *Acknowledge* on the change, or *Agree to contract* on the brief.

Nothing else unsigns it: changes to the must-haves or the timeline are flagged for
acknowledgement but leave the contract signed. Every function works inside the caller's
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Acknowledgement, Role, Side
from bot.services import timeline
from bot.services.brief import BriefContent, Topic
from bot.services.errors import NotAllowed, RoleNotFound
from bot.services.timeline import Event


@dataclass(frozen=True)
class ContractStatus:
    """Whether the contract counts as signed, and if not, whom it waits for."""

    signed_at: datetime | None
    # Holders of a side who have not agreed (a newcomer to a side included).
    to_agree: list[str]
    # People who agreed before a contract change that still waits for their acknowledgement.
    to_acknowledge: list[str]


def _contract_acknowledgements(session: Session, role: Role) -> list[Acknowledgement]:
    return [
        ack
        for ack in session.scalars(
            select(Acknowledgement)
            .where(Acknowledgement.role_id == role.id)
            .order_by(Acknowledgement.id)
        )
        if Topic.CONTRACT.value in (ack.topics or [])
    ]


def _sides(role: Role) -> list[tuple[str, datetime | None]]:
    """``(person, agreed at)`` per distinct person holding a side (one person may hold both)."""
    if role.recruiter_id == role.hiring_manager_id:
        agreed = (
            max(role.recruiter_agreed_at, role.hiring_manager_agreed_at)
            if role.recruiter_agreed_at and role.hiring_manager_agreed_at
            else None
        )
        return [(role.recruiter_id, agreed)]
    return [
        (role.recruiter_id, role.recruiter_agreed_at),
        (role.hiring_manager_id, role.hiring_manager_agreed_at),
    ]


def contract_status(session: Session, role: Role) -> ContractStatus:
    """Signed, or waiting for agreements and acknowledgements (see the module docstring)."""
    return _status(role, _contract_acknowledgements(session, role))


def contract_statuses(session: Session, roles: list[Role]) -> dict[int, ContractStatus]:
    """:func:`contract_status` of each role, with one query for all of them (the Home tab
    of a person on 50 roles)."""
    by_role: dict[int, list[Acknowledgement]] = {role.id: [] for role in roles}
    for ack in session.scalars(
        select(Acknowledgement)
        .where(Acknowledgement.role_id.in_(list(by_role)))
        .order_by(Acknowledgement.id)
    ):
        if Topic.CONTRACT.value in (ack.topics or []):
            by_role[ack.role_id].append(ack)
    return {role.id: _status(role, by_role[role.id]) for role in roles}


def _status(role: Role, contract_acks: list[Acknowledgement]) -> ContractStatus:
    to_agree: list[str] = []
    to_acknowledge: list[str] = []
    confirmed: list[datetime] = []
    for user_id, agreed_at in _sides(role):
        if agreed_at is None:
            to_agree.append(user_id)
            continue
        later = [
            a for a in contract_acks if a.requested_from == user_id and a.created_at > agreed_at
        ]
        if any(a.acknowledged_at is None for a in later):
            to_acknowledge.append(user_id)
            continue
        confirmed.append(max([agreed_at, *(a.acknowledged_at for a in later if a.acknowledged_at)]))
    signed = max(confirmed) if not to_agree and not to_acknowledge else None
    return ContractStatus(signed, to_agree, to_acknowledge)


def hand_over_sides(
    session: Session, role: Role, previous: BriefContent, editor_id: str, now: datetime
) -> list[tuple[str, Side]]:
    """A new holder of a side starts without an agreement; what the person they replace
    still had to acknowledge passes to them (acknowledged at once if they made the change)."""
    handed: list[tuple[str, Side]] = []
    for side, old, new in (
        (Side.RECRUITER, previous.recruiter_id, role.recruiter_id),
        (Side.HIRING_MANAGER, previous.hiring_manager_id, role.hiring_manager_id),
    ):
        if old == new:
            continue
        if side == Side.RECRUITER:
            role.recruiter_agreed_at = None
        else:
            role.hiring_manager_agreed_at = None
        handed.append((new, side))
        if old in (role.recruiter_id, role.hiring_manager_id):
            continue  # still on the role, on the other side: their requests stay theirs
        owed = session.scalars(
            select(Acknowledgement).where(
                Acknowledgement.role_id == role.id,
                Acknowledgement.requested_from == old,
                Acknowledgement.acknowledged_at.is_(None),
            )
        ).all()
        for ack in owed:
            ack.requested_from = new
            if new == editor_id:
                ack.acknowledged_at = now
    return handed


# -- agreeing and acknowledging ---------------------------------------------------------------


class AgreeOutcome(StrEnum):
    RECORDED = "recorded"
    SIGNED = "signed"
    ALREADY = "already"


PARTIES_ONLY = "Only the role's recruiter and hiring manager can agree to its contract."


def agree_to_contract(session: Session, *, role: Role, user_id: str, now: datetime) -> AgreeOutcome:
    """Record one side's agreement to the contract as it stands now; the contract is signed
    when :func:`contract_status` says so. Agreeing again is needed (and recorded) only after
    a contract change this person has not acknowledged."""
    if user_id not in (role.recruiter_id, role.hiring_manager_id):
        # Says nothing about the role (not even who its two sides are) to someone not on it.
        raise NotAllowed(PARTIES_ONLY)
    before = contract_status(session, role)
    if user_id not in before.to_agree and user_id not in before.to_acknowledge:
        return AgreeOutcome.ALREADY
    if user_id == role.recruiter_id:
        role.recruiter_agreed_at = now
    if user_id == role.hiring_manager_id:
        role.hiring_manager_agreed_at = now
    timeline.record(session, role, Event.CONTRACT_AGREED, at=now, actor_id=user_id)
    if contract_status(session, role).signed_at is not None:
        timeline.record(session, role, Event.CONTRACT_SIGNED, at=now, actor_id=user_id)
        return AgreeOutcome.SIGNED
    return AgreeOutcome.RECORDED


def acknowledge_change(
    session: Session, *, team_id: str, acknowledgement_id: int, user_id: str, now: datetime
) -> tuple[Role, Acknowledgement, bool]:
    """Acknowledge a change; returns (role, acknowledgement, newly acknowledged)."""
    ack = session.get(Acknowledgement, acknowledgement_id)
    if ack is None or ack.team_id != team_id:
        raise RoleNotFound(f"acknowledgement {acknowledgement_id}")
    role = session.get(Role, ack.role_id)
    if role is None or role.team_id != team_id:
        raise RoleNotFound(f"role {ack.role_id}")
    if ack.requested_from != user_id:
        raise NotAllowed(
            "This change is waiting for someone else to acknowledge it; only the person it "
            "names can."
        )
    if ack.acknowledged_at is not None:
        return role, ack, False
    was_signed = contract_status(session, role).signed_at is not None
    ack.acknowledged_at = now
    timeline.record(
        session, role, Event.CHANGE_ACKNOWLEDGED, at=now, actor_id=user_id, topics=ack.topics
    )
    if not was_signed and contract_status(session, role).signed_at is not None:
        timeline.record(session, role, Event.CONTRACT_SIGNED, at=now, actor_id=user_id)
    return role, ack, True
