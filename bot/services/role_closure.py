"""Closing a role (filled, cancelled, on hold) and reopening it: one transaction each.

Only the role's recruiter, its hiring manager or a workspace admin may; anyone else is
refused privately. The status changes by a conditional update (``… WHERE status = 'open'``),
so a double click, or two people closing at once, closes the role once: the second is told
it is already closed. Closing stops the role's work — its open obligations and their pending
nudges and escalations are dropped, and check-ins (which run for open roles only) stop; the
brief is updated in place; a filled role's result is posted in its channel as the pair's
shared win. Reopening keeps the history: check-ins come back, and a filled role's hires stay
counted against the headcount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.blocks.closure import (
    close_modal,
    closed_note,
    reopened_note,
    shared_win_message,
)
from bot.db import SessionFactory
from bot.models import (
    Candidate,
    CandidateStage,
    Hire,
    Obligation,
    ObligationKind,
    Outcome,
    Role,
    RoleClosure,
    RoleStatus,
)
from bot.services import (
    access,
    brief_delivery,
    closures,
    message_keys,
    outbox,
    pipeline,
    quality_checks,
    retro_polls,
    timeline,
)
from bot.services import candidates as candidate_service
from bot.services import obligations as obligation_service
from bot.services import roles as role_service
from bot.services.actors import Actor, SubmittedView
from bot.services.brief import Stage
from bot.services.closure_rules import (
    HIRES,
    OFFER,
    OUTCOME,
    REASON,
    START,
    CheckedClose,
    CloseErrors,
    CloseFacts,
    CloseRequest,
    Promise,
    check_close,
    shared_win,
)
from bot.services.errors import NotAllowed, RoleNotFound
from bot.services.form_values import row_id
from bot.services.hiring_forms import FormErrors
from bot.services.role_posts import full_names_in_channels, note_in_thread
from bot.services.timeline import Event
from bot.slack.ids import Field as F

WHAT_CLOSE = "close this role"
WHAT_REOPEN = "reopen this role"
ALREADY_OPEN = "This role is already open — nothing to reopen."
SHARED_WIN = "shared-win"
CLOSE_NOTE = "role-closed-note"
_STATUS = {
    Outcome.FILLED: RoleStatus.FILLED,
    Outcome.CANCELLED: RoleStatus.CANCELLED,
    Outcome.ON_HOLD: RoleStatus.ON_HOLD,
}
_EVENT = {
    Outcome.FILLED: Event.ROLE_CLOSED,
    Outcome.CANCELLED: Event.ROLE_CLOSED,
    Outcome.ON_HOLD: Event.ROLE_HELD,
}
# The modal's block ids of the rules' fields.
_BLOCKS = {
    OUTCOME: F.CLOSE_OUTCOME,
    HIRES: F.CLOSE_HIRES,
    OFFER: F.CLOSE_OFFER_DATE,
    START: F.CLOSE_START_DATE,
    REASON: F.CLOSE_REASON,
}
_NOT_HIREABLE = (CandidateStage.REJECTED, CandidateStage.WITHDRAWN)
ORIGIN_HIRED = "hired"


# -- what the role allows ------------------------------------------------------------------


def _hired_ids(session: Session, role: Role) -> set[int]:
    """Candidates already hired by an earlier close of the role (they stay counted)."""
    return set(
        session.scalars(
            select(Hire.candidate_id).where(Hire.team_id == role.team_id, Hire.role_id == role.id)
        )
    )


def _hireable(session: Session, role: Role) -> list[Candidate]:
    hired = _hired_ids(session, role)
    candidates = session.scalars(
        select(Candidate)
        .where(
            Candidate.team_id == role.team_id,
            Candidate.role_id == role.id,
            Candidate.erased_at.is_(None),
            Candidate.stage.not_in([s.value for s in _NOT_HIREABLE]),
        )
        .order_by(Candidate.name, Candidate.id)
    )
    # Those already marked hired (through *Move candidate*) first: they are the likely picks.
    found = [c for c in candidates if c.id not in hired]
    return sorted(found, key=lambda c: c.stage != CandidateStage.HIRED)


def _headcount_open(session: Session, role: Role) -> int:
    headcount = role_service.current_brief(session, role).headcount
    hired = session.scalar(
        select(func.count())
        .select_from(Hire)
        .where(Hire.team_id == role.team_id, Hire.role_id == role.id)
    )
    return headcount - int(hired or 0)


def _today(session: Session, role: Role, now: datetime) -> Any:
    return role_service.today_for_user(session, role.team_id, role.hiring_manager_id, now)


def _kickoff_day(session: Session, role: Role) -> Any:
    calendar = obligation_service.calendar_for(session, role.team_id, role.hiring_manager_id)
    return calendar.local(role.created_at).date()


# -- opening the modal ----------------------------------------------------------------------


def _modal(
    session: Session, role: Role, *, now: datetime, candidate_id: int | None = None
) -> dict[str, Any]:
    hireable = _hireable(session, role)
    preselected = candidate_id if any(c.id == candidate_id for c in hireable) else None
    return close_modal(
        role_id=role.id,
        title=role.title,
        candidates=[
            (str(c.id), f"{candidate_service.label(c, full_names=True)} · {c.stage}")
            for c in hireable
        ],
        headcount_open=_headcount_open(session, role),
        today=_today(session, role, now),
        preselected=preselected,
        origin=ORIGIN_HIRED if preselected else None,
    )


def open_close(
    sessions: SessionFactory, actor: Actor, role_id: int, *, now: datetime
) -> dict[str, Any]:
    """*Close role* on the brief: the modal, for an editor of an open role."""
    with sessions.begin() as session:
        role = access.editable_role(
            session, actor, role_id, what=WHAT_CLOSE, now=now, changing=False
        )
        access.require_open(role)
        return _modal(session, role, now=now)


def open_close_as_filled(
    sessions: SessionFactory, actor: Actor, candidate_id: int, *, now: datetime
) -> dict[str, Any]:
    """*Close role as filled* on a "moved to Hired" note: the modal with that hire picked."""
    with sessions.begin() as session:
        candidate = session.get(Candidate, candidate_id)
        if candidate is None or candidate.team_id != actor.team_id:
            raise RoleNotFound("no such candidate here")
        role = access.editable_role(
            session, actor, candidate.role_id, what=WHAT_CLOSE, now=now, changing=False
        )
        access.require_open(role)
        return _modal(session, role, now=now, candidate_id=candidate.id)


# -- closing ------------------------------------------------------------------------------


def _request(values: dict[str, Any]) -> CloseRequest:
    raw_hires = values.get(F.CLOSE_HIRES) or []
    hire_ids = [row_id(v) for v in raw_hires] if isinstance(raw_hires, list) else [None]
    return CloseRequest(
        outcome=values.get(F.CLOSE_OUTCOME),
        # A forged id is kept as -1 so the rules say "pick from the list" instead of ignoring it.
        hire_ids=[h if h is not None else -1 for h in hire_ids],
        offer_accepted_on=values.get(F.CLOSE_OFFER_DATE),
        start_on=values.get(F.CLOSE_START_DATE),
        reason=values.get(F.CLOSE_REASON),
    )


def _take_status(session: Session, role: Role, status: RoleStatus, *, was_open: bool) -> bool:
    """Change the role's status only if it still is what the caller saw (open, or not
    open): of two concurrent closes (or reopens) exactly one wins."""
    condition = Role.status == RoleStatus.OPEN if was_open else Role.status != RoleStatus.OPEN
    won = session.execute(
        update(Role)
        .where(Role.id == role.id, Role.team_id == role.team_id, condition)
        .values(status=status)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        return False
    session.refresh(role)
    return True


def _stop_work(session: Session, role: Role, *, now: datetime) -> int:
    """Drop the role's open obligations (feedback, slate, reviews, updates) and with them
    every pending nudge and escalation; check-ins stop by themselves (open roles only)."""
    open_ones = obligation_service.open_for(session, team_id=role.team_id, role_id=role.id)
    obligation_service.cancel(session, open_ones, now=now)
    return len(open_ones)


def _hire(
    session: Session,
    role: Role,
    closure: RoleClosure,
    checked: CheckedClose,
    actor_id: str,
    now: datetime,
) -> list[Hire]:
    assert checked.offer_accepted_on is not None and checked.start_on is not None
    hires = []
    for candidate_id in checked.hire_ids:
        candidate = candidate_service.get_candidate(
            session, team_id=role.team_id, role_id=role.id, candidate_id=candidate_id
        )
        if candidate.stage != CandidateStage.HIRED:
            pipeline.move_candidate(
                session,
                role=role,
                candidate=candidate,
                to_stage=CandidateStage.HIRED,
                actor_id=actor_id,
                now=now,
            )
        hire = Hire(
            team_id=role.team_id,
            role_id=role.id,
            closure_id=closure.id,
            candidate_id=candidate.id,
            offer_accepted_on=checked.offer_accepted_on,
            start_on=checked.start_on,
        )
        session.add(hire)
        hires.append(hire)
        timeline.record(
            session,
            role,
            Event.CANDIDATE_HIRED,
            at=now,
            actor_id=actor_id,
            candidate_id=candidate.id,
            closure_id=closure.id,
            offer_accepted_on=checked.offer_accepted_on.isoformat(),
            start_on=checked.start_on.isoformat(),
        )
    session.flush()
    return hires


def _promises(session: Session, role: Role, *, feedback: bool) -> list[Promise]:
    kind = Obligation.kind == ObligationKind.FEEDBACK
    rows = session.scalars(
        select(Obligation).where(
            Obligation.team_id == role.team_id,
            Obligation.role_id == role.id,
            kind if feedback else ~kind,
        )
    )
    return [Promise(o.due_at, o.resolved_at, o.cancelled_at) for o in rows]


def _post_shared_win(
    session: Session, role: Role, closure: RoleClosure, hires: list[Hire], *, now: datetime
) -> None:
    assert closure.offer_accepted_on is not None and closure.start_on is not None
    brief = role_service.current_brief(session, role)
    offer_stage = [item.target_date for item in brief.plan if item.stage == Stage.OFFER]
    win = shared_win(
        kickoff_day=_kickoff_day(session, role),
        offer_accepted_on=closure.offer_accepted_on,
        target_day=offer_stage[0] if offer_stage else brief.target_fill_date,
        feedback=_promises(session, role, feedback=True),
        commitments=_promises(session, role, feedback=False),
        at=now,
    )
    text, blocks = shared_win_message(
        title=role.title,
        recruiter_id=role.recruiter_id,
        hiring_manager_id=role.hiring_manager_id,
        hires=closures.hire_labels(
            session, hires, full_names=full_names_in_channels(session, role.team_id)
        ),
        start_on=closure.start_on,
        win=win,
    )
    target: dict[str, Any] = (
        {"channel": role.channel_id}
        if role.channel_id
        else {"parent_key": message_keys.role_channel(role.id)}
    )
    outbox.enqueue(
        session,
        team_id=role.team_id,
        kind=SHARED_WIN,
        method=outbox.POST,
        payload={"text": text, "blocks": blocks},
        key=message_keys.shared_win(closure.id),
        role_id=role.id,
        now=now,
        **target,
    )


@dataclass(frozen=True)
class Closed:
    closure_id: int
    outcome: Outcome


def close_role(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    role_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> Closed:
    """Close (or hold) the role as the modal says. ``FormErrors`` for a close that breaks a
    rule, ``NotAllowed`` for someone who may not, ``RoleNotOpen`` when it is already closed
    (a second person, or a second click), ``AlreadySubmitted`` for a repeat of this modal."""
    request = _request(values)
    with sessions.begin() as session:
        role = access.role_in_workspace(session, actor, role_id)
        if not access.is_editor(session, role, actor, now=now):
            raise NotAllowed(access.EDITORS_ONLY.format(what=WHAT_CLOSE))
        access.claim_submission(session, actor, view, now=now)
        access.require_open(role)
        facts = CloseFacts(
            hireable_ids=frozenset(c.id for c in _hireable(session, role)),
            headcount_open=_headcount_open(session, role),
            kickoff_day=_kickoff_day(session, role),
            today=_today(session, role, now),
        )
        try:
            checked = check_close(request, facts)
        except CloseErrors as exc:
            # Raised inside the transaction: the claim is rolled back, so the same modal
            # can be corrected and submitted again.
            raise FormErrors({_BLOCKS[k]: v for k, v in exc.errors.items()}) from exc
        if not _take_status(session, role, _STATUS[checked.outcome], was_open=True):
            # Someone else closed it between our read and our update.
            session.refresh(role)
            access.require_open(role)
            raise access.RoleNotOpen(access.NOT_OPEN.format(state="closed"))
        closure = RoleClosure(
            team_id=role.team_id,
            role_id=role.id,
            outcome=checked.outcome,
            reason=checked.reason,
            offer_accepted_on=checked.offer_accepted_on,
            start_on=checked.start_on,
            closed_by=actor.user_id,
            closed_at=now,
        )
        session.add(closure)
        session.flush()
        hires = (
            _hire(session, role, closure, checked, actor.user_id, now)
            if checked.outcome == Outcome.FILLED
            else []
        )
        stopped = _stop_work(session, role, now=now)
        timeline.record(
            session,
            role,
            _EVENT[checked.outcome],
            at=now,
            actor_id=actor.user_id,
            closure_id=closure.id,
            outcome=checked.outcome,
            reason=checked.reason,
            hires=[h.candidate_id for h in hires],
            obligations_stopped=stopped,
        )
        brief_delivery.queue_brief_update(session, role, now=now)
        text, blocks = closed_note(closure)
        note_in_thread(session, role, text, blocks, now=now, kind=CLOSE_NOTE)
        if checked.outcome == Outcome.FILLED:
            _post_shared_win(session, role, closure, hires, now=now)
            quality_checks.schedule_for_hires(session, role, hires, now=now)
        if checked.outcome in (Outcome.FILLED, Outcome.CANCELLED):
            retro_polls.open_poll(session, role, closure, now=now)
        return Closed(closure.id, checked.outcome)


# -- reopening ------------------------------------------------------------------------------


def reopen_role(
    sessions: SessionFactory, actor: Actor, role_id: int | None, *, now: datetime
) -> str | None:
    """*Reopen role*: back to open with its history; None when reopened, else what to say
    (already open). Hires of a filled role stay counted (and their follow-ups stay planned:
    they were hired), so reopening a filled role is for another position."""
    with sessions.begin() as session:
        role = access.editable_role(session, actor, role_id, what=WHAT_REOPEN, now=now)
        closure = closures.current_closure(session, role)
        if role.status == RoleStatus.OPEN or not _take_status(
            session, role, RoleStatus.OPEN, was_open=False
        ):
            return ALREADY_OPEN
        if closure is not None:
            closure.reopened_by, closure.reopened_at = actor.user_id, now
        timeline.record(
            session,
            role,
            Event.ROLE_REOPENED,
            at=now,
            actor_id=actor.user_id,
            closure_id=closure.id if closure else None,
            outcome=closure.outcome if closure else None,
        )
        brief_delivery.queue_brief_update(session, role, now=now)
        text, blocks = reopened_note(actor.user_id, now)
        note_in_thread(session, role, text, blocks, now=now, kind=CLOSE_NOTE)
        return None
