"""Interview focus areas: the must-haves each interviewer is to cover.

Two places set them, both for the recruiter, the HM or an admin (an interview's also for
whoever logged it, as with *Edit interview*), and only while the role is open:

* the brief's *Panel focus areas*: a panel member's standing focus for the role
  (``PanelFocus``), copied into each interview they are logged for (``FocusArea``) when it
  is logged, or when an edit adds them to it. An interview logged before the panel focus
  was set keeps what it had.
* an interview's *Focus areas* (on its note in the brief's thread): each interviewer's
  focus in that interview, pre-filled with what was copied; it overrides the copy. An
  interviewer whose feedback is already in keeps what they were asked (the modal shows it
  and the save leaves it), so their feedback is read against what they were asked.

The interviewer's feedback form asks their focus must-haves first. *Uncovered* must-haves
are the ones nobody was asked to cover; they are reported only once focus areas were used
at all (some interviewer of the role — or of the candidate, for the reveal — was given
some), otherwise every must-have of a role that never used them would be "uncovered".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.focus_areas import (
    FocusRow,
    interview_focus_modal,
    panel_focus_modal,
    person_of,
)
from bot.db import SessionFactory
from bot.models import (
    Candidate,
    FocusArea,
    Interview,
    Obligation,
    ObligationKind,
    PanelFocus,
    Role,
)
from bot.models import Feedback as FeedbackRow
from bot.services import access, timeline
from bot.services import feedback as feedback_service
from bot.services import roles as role_service
from bot.services.actors import Actor, SubmittedView
from bot.services.candidates import label
from bot.services.hiring_forms import FormErrors
from bot.services.interviews import KINDS
from bot.services.timeline import Event

WHAT = "set the panel's focus areas"
NO_PANEL = (
    "This role has no interview panel yet. Add the panel with *Edit brief*, then give each "
    "member the must-haves to cover."
)
NO_MUST_HAVES = (
    "The brief has no must-haves yet, so there is nothing to cover. Add them with *Edit "
    "brief*, then set the focus areas."
)
NO_INTERVIEW_MUST_HAVES = "This interview's brief has no must-haves, so there is nothing to cover."
ALL_IN = (
    "Everyone on this interview has submitted feedback, so what each was asked to cover "
    "stays as it was."
)
NOT_A_MUST_HAVE = (
    "{item} is not one of the must-haves (the brief may have changed since this form "
    "opened): choose from the list."
)


# -- reading ----------------------------------------------------------------------------------


def _active_obligations(session: Session, interview_id: int) -> list[Obligation]:
    """The interview's feedback requests still in force (a dropped interviewer's are not)."""
    return list(
        session.scalars(
            select(Obligation)
            .where(
                Obligation.interview_id == interview_id,
                Obligation.kind == ObligationKind.FEEDBACK,
                Obligation.cancelled_at.is_(None),
            )
            .order_by(Obligation.id)
        )
    )


def _focus_rows(session: Session, interview_id: int) -> dict[str, FocusArea]:
    return {
        row.interviewer_id: row
        for row in session.scalars(select(FocusArea).where(FocusArea.interview_id == interview_id))
    }


def focus_of(session: Session, interview_id: int, interviewer_id: str) -> list[str]:
    """What ``interviewer_id`` was asked to cover in the interview ([] when nothing)."""
    row = session.scalar(
        select(FocusArea).where(
            FocusArea.interview_id == interview_id, FocusArea.interviewer_id == interviewer_id
        )
    )
    return list(row.must_haves or []) if row is not None else []


def _covered(session: Session, interview_ids: list[int]) -> set[str] | None:
    """Every must-have someone was asked to cover in these interviews; None when no focus
    area was set in any of them (the feature was not used)."""
    if not interview_ids:
        return None
    rows = list(
        session.scalars(
            select(FocusArea.must_haves).where(FocusArea.interview_id.in_(interview_ids))
        )
    )
    if not rows:
        return None
    return {m for must_haves in rows for m in (must_haves or [])}


def _live_interviews(session: Session, *where: Any) -> list[int]:
    return list(
        session.scalars(select(Interview.id).where(Interview.cancelled_at.is_(None), *where))
    )


def uncovered_must_haves(session: Session, role: Role) -> list[str]:
    """The role's current must-haves no interviewer was asked to cover in any of its
    (not cancelled) interviews, in the brief's order; [] when the role never used focus
    areas."""
    covered = _covered(session, _live_interviews(session, Interview.role_id == role.id))
    if covered is None:
        return []
    must_haves = role_service.current_brief(session, role).must_haves
    return [m for m in dict.fromkeys(must_haves) if m not in covered]


def uncovered_for_candidate(session: Session, interview: Interview) -> list[str]:
    """For the reveal: must-haves of the interview's brief that nobody was asked to cover in
    any of the candidate's (not cancelled) interviews; [] when none of them used focus
    areas."""
    covered = _covered(
        session, _live_interviews(session, Interview.candidate_id == interview.candidate_id)
    )
    if covered is None:
        return []
    must_haves = feedback_service.rated_must_haves(session, interview)
    return [m for m in dict.fromkeys(must_haves) if m not in covered]


# -- copying the panel's focus into an interview ------------------------------------------------


def follow_panel(session: Session, role: Role, interview: Interview) -> None:
    """Give each interviewer of the interview who has no focus there yet their standing
    panel focus (kept to the interview's must-haves); drop the focus of interviewers no
    longer on it. Called when an interview is logged and when an edit changes its panel."""
    active = [o.owner_id for o in _active_obligations(session, interview.id)]
    rows = _focus_rows(session, interview.id)
    for user_id, row in rows.items():
        if user_id not in active:
            session.delete(row)
    # A standing focus is a panel member's: someone who left the panel is not given theirs.
    members = set(role_service.current_brief(session, role).panel)
    standing = {
        p.interviewer_id: p
        for p in session.scalars(
            select(PanelFocus).where(
                PanelFocus.role_id == role.id, PanelFocus.interviewer_id.in_(active)
            )
        )
        if p.interviewer_id in members
    }
    must_haves = feedback_service.rated_must_haves(session, interview)
    for user_id in active:
        standing_focus = standing.get(user_id)
        if user_id in rows or standing_focus is None:
            continue
        kept = [m for m in standing_focus.must_haves or [] if m in must_haves]
        if kept:
            session.add(
                FocusArea(
                    team_id=role.team_id,
                    interview_id=interview.id,
                    interviewer_id=user_id,
                    must_haves=kept,
                )
            )
    session.flush()


# -- the forms ---------------------------------------------------------------------------------


def _chosen(
    values: dict[str, Any], people: list[str], must_haves: list[str]
) -> dict[str, list[str]]:
    """Each listed person's picks, checked against the must-haves (``FormErrors`` for a
    pick that is not one, e.g. forged or removed from the brief since the form opened).
    Blocks of anyone not listed are ignored."""
    allowed = set(must_haves)
    chosen: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    for block_id, picked in values.items():
        user_id = person_of(block_id)
        if user_id is None or user_id not in people:
            continue
        picks = [p for p in picked if isinstance(p, str)] if isinstance(picked, list) else []
        wrong = [p for p in picks if p not in allowed]
        if wrong:
            errors[block_id] = NOT_A_MUST_HAVE.format(item=f"“{wrong[0][:80]}”")
            continue
        chosen[user_id] = [m for m in dict.fromkeys(must_haves) if m in picks]
    if errors:
        raise FormErrors(errors)
    return chosen


def _panel_role(
    session: Session, actor: Actor, role_id: int | None, *, now: datetime, changing: bool = True
) -> Role:
    return access.editable_role(
        session, actor, role_id, what=WHAT, now=now, open_only=True, changing=changing
    )


def panel_focus_form(
    sessions: SessionFactory, actor: Actor, role_id: int, *, now: datetime
) -> dict[str, Any] | str:
    """The *Panel focus areas* modal, or why there is nothing to set."""
    with sessions.begin() as session:
        role = _panel_role(session, actor, role_id, now=now, changing=False)
        brief = role_service.current_brief(session, role)
        if not brief.panel:
            return NO_PANEL
        if not brief.must_haves:
            return NO_MUST_HAVES
        standing = {
            p.interviewer_id: list(p.must_haves or [])
            for p in session.scalars(select(PanelFocus).where(PanelFocus.role_id == role.id))
        }
        rows = [FocusRow(u, standing.get(u, [])) for u in brief.panel]
        return panel_focus_modal(role.id, role.title, brief.must_haves, rows)


def save_panel_focus(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    role_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> None:
    """Store each panel member's standing focus (an empty pick clears it) and a timeline
    entry. Members who left the panel since the form opened are left out."""
    with sessions.begin() as session:
        role = _panel_role(session, actor, role_id, now=now)
        brief = role_service.current_brief(session, role)
        chosen = _chosen(values, brief.panel, brief.must_haves)
        access.claim_submission(session, actor, view, now=now)
        standing = {
            p.interviewer_id: p
            for p in session.scalars(select(PanelFocus).where(PanelFocus.role_id == role.id))
        }
        for user_id, must_haves in chosen.items():
            row = standing.get(user_id)
            if not must_haves:
                if row is not None:
                    session.delete(row)
                continue
            if row is None:
                row = PanelFocus(team_id=role.team_id, role_id=role.id, interviewer_id=user_id)
                session.add(row)
            row.must_haves = must_haves
            row.updated_by = actor.user_id
            row.updated_at = now
        timeline.record(
            session,
            role,
            Event.FOCUS_AREAS_SET,
            at=now,
            actor_id=actor.user_id,
            scope="panel",
            focus=chosen,
        )


def submitted_interviewers(session: Session, interview: Interview) -> set[str]:
    """Interviewers whose feedback on the interview is in."""
    return set(
        session.scalars(
            select(FeedbackRow.interviewer_id).where(
                FeedbackRow.interview_id == interview.id, FeedbackRow.submitted_at.is_not(None)
            )
        )
    )


def focus_by_interviewer(session: Session, interview: Interview) -> dict[str, list[str]]:
    """Each current interviewer's focus in the interview (only those given some)."""
    active = {o.owner_id for o in _active_obligations(session, interview.id)}
    return {
        user_id: list(row.must_haves or [])
        for user_id, row in _focus_rows(session, interview.id).items()
        if user_id in active and row.must_haves
    }


def interview_focus_view(session: Session, interview: Interview) -> dict[str, Any] | str:
    """The interview's *Focus areas* modal, pre-filled, or why there is nothing to set
    (the caller checked who may and that the interview is not cancelled)."""
    must_haves = feedback_service.rated_must_haves(session, interview)
    if not must_haves:
        return NO_INTERVIEW_MUST_HAVES
    done = submitted_interviewers(session, interview)
    rows = _focus_rows(session, interview.id)
    focus = [
        FocusRow(
            o.owner_id,
            list(rows[o.owner_id].must_haves or []) if o.owner_id in rows else [],
            locked=o.owner_id in done,
        )
        for o in _active_obligations(session, interview.id)
    ]
    if all(row.locked for row in focus):
        return ALL_IN
    candidate = session.get(Candidate, interview.candidate_id)
    about = KINDS.get(interview.kind, interview.kind)
    if candidate is not None:
        about += f" with {label(candidate, full_names=True)}"
    return interview_focus_modal(interview.id, about, must_haves, focus)


def check_interview_focus(
    session: Session, interview: Interview, values: dict[str, Any]
) -> dict[str, list[str]]:
    """The submitted picks of the interviewers who may still be given a focus (on the
    interview, feedback not in yet); ``FormErrors`` for a pick that is not a must-have."""
    done = submitted_interviewers(session, interview)
    open_to_change = [
        o.owner_id for o in _active_obligations(session, interview.id) if o.owner_id not in done
    ]
    return _chosen(values, open_to_change, feedback_service.rated_must_haves(session, interview))


def store_interview_focus(
    session: Session,
    role: Role,
    interview: Interview,
    chosen: dict[str, list[str]],
    *,
    actor_id: str,
    now: datetime,
) -> None:
    """Store each interviewer's focus in the interview (an empty pick means "nothing in
    particular", which overrides the panel's) and a timeline entry."""
    rows = _focus_rows(session, interview.id)
    for user_id, must_haves in chosen.items():
        row = rows.get(user_id)
        if row is None:
            row = FocusArea(team_id=role.team_id, interview_id=interview.id, interviewer_id=user_id)
            session.add(row)
        row.must_haves = must_haves
    session.flush()
    timeline.record(
        session,
        role,
        Event.FOCUS_AREAS_SET,
        at=now,
        actor_id=actor_id,
        scope="interview",
        interview_id=interview.id,
        focus=chosen,
    )
