"""The interview use cases: *Log interview* (on the brief), *Edit* and *Cancel* (on the
interview's note in the brief's thread).

Each opens and commits its own transaction, checks who may act, and writes the interview's
note (or its edit) to the outbox with the change: the note is a reply in the brief's thread
keyed ``interview-note:<id>``, and an edit is a ``chat.update`` of that key, so an edit made
before the note reached Slack waits for it and only the latest edit is sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.hiring import interview_modal, interview_note
from bot.db import SessionFactory
from bot.models import Interview, Role
from bot.services import access, focus_areas, hiring_forms, message_keys, outbox
from bot.services import candidates as candidate_service
from bot.services import interviews as interview_service
from bot.services import roles as role_service
from bot.services.actors import Actor, SubmittedView
from bot.services.errors import NotAllowed
from bot.services.hiring_forms import FormErrors
from bot.services.interviews import NOTE_KIND, NOTE_UPDATE_KIND, InterviewCancelled
from bot.services.obligations import calendar_for
from bot.services.people import get_person, person_zone, refresh_people
from bot.services.role_posts import full_names_in_channels, note_in_thread

NOT_THEIRS = (
    "Only whoever logged this interview, the recruiter, the hiring manager or an admin can "
    "change it."
)
FOCUS_CANCELLED = "This interview was cancelled, so it has no focus areas to set."
NO_CANDIDATES = "Add the candidate first (*Add candidate* on the brief), then log the interview."
CANCELLED = "This interview was cancelled."


def _note(session: Session, interview: Interview, role: Role) -> tuple[str, list[dict[str, Any]]]:
    candidate = candidate_service.get_candidate(
        session, team_id=role.team_id, role_id=role.id, candidate_id=interview.candidate_id
    )
    return interview_note(
        interview_id=interview.id,
        candidate_label=candidate_service.label(
            candidate, full_names=full_names_in_channels(session, role.team_id)
        ),
        kind=interview.kind,
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        interviewers=interview_service.interviewers_of(session, interview),
        turnaround_hours=role_service.current_brief(
            session, role
        ).contract.feedback_turnaround_hours,
        cancelled=interview.cancelled_at is not None,
        focus=focus_areas.focus_by_interviewer(session, interview),
    )


def _update_note(session: Session, role: Role, interview: Interview, now: datetime) -> None:
    key = message_keys.interview_note(interview.id)
    # A note never queued (its brief was not out yet, before the outbox) has nothing to
    # edit; one posted before the outbox has its sent row from a migration.
    if not outbox.has_message(session, team_id=role.team_id, key=key):
        return
    text, blocks = _note(session, interview, role)
    outbox.enqueue(
        session,
        team_id=role.team_id,
        kind=NOTE_UPDATE_KIND,
        method=outbox.UPDATE,
        payload={"text": text, "blocks": blocks},
        parent_key=key,
        role_id=role.id,
        now=now,
    )


def _checked_form(
    session: Session, actor: Actor, values: dict[str, Any], *, with_candidate: bool, now: datetime
) -> hiring_forms.InterviewForm:
    """The form checked against the people in it (apps and bots are not interviewers)."""
    people = refresh_people(
        session,
        team_id=actor.team_id,
        user_ids=[actor.user_id, *(values.get(hiring_forms.INTERVIEWERS) or [])][:12],
        fetch=actor.fetch,
        now=now,
    )
    form = hiring_forms.check_interview(
        values,
        today=role_service.today_for(people.get(actor.user_id), now),
        with_candidate=with_candidate,
        bots={u for u, p in people.items() if p is not None and p.is_bot},
    )
    if not form.ok:
        raise FormErrors(form.errors)
    return form


def open_log_interview(
    sessions: SessionFactory, actor: Actor, role_id: int, *, now: datetime
) -> dict[str, Any] | str:
    """The *Log interview* modal for an editor of the role (or what to do first)."""
    with sessions.begin() as session:
        role = access.editable_role(
            session, actor, role_id, what="log interviews", now=now, open_only=True, changing=False
        )
        if not candidate_service.has_candidates(session, role, active_only=True):
            return NO_CANDIDATES
        person = get_person(session, role.team_id, actor.user_id)
        return interview_modal(
            role_id=role.id,
            interview_id=None,
            panel=role_service.current_brief(session, role).panel,
            today=role_service.today_for(person, now),
            zone_name=person_zone(person).key,
        )


def log_interview(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    role_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> int:
    """Log the interview, its feedback requests and its note in the brief's thread; returns
    the interview's id. ``FormErrors`` for bad input, ``AlreadySubmitted`` for a repeat."""
    with sessions.begin() as session:
        role = access.role_in_workspace(session, actor, role_id)
        form = _checked_form(session, actor, values, with_candidate=True, now=now)
        if not access.is_editor(session, role, actor, now=now):
            raise NotAllowed(access.EDITORS_ONLY.format(what="log interviews"))
        access.require_open(role)
        assert form.times is not None and form.candidate_id is not None
        candidate = candidate_service.get_candidate(
            session, team_id=role.team_id, role_id=role.id, candidate_id=form.candidate_id
        )
        calendar = calendar_for(session, role.team_id, actor.user_id)
        starts_at, ends_at = form.times.resolve(calendar)
        access.claim_submission(session, actor, view, now=now)
        interview = interview_service.log_interview(
            session,
            role=role,
            candidate=candidate,
            kind=form.kind,
            starts_at=starts_at,
            ends_at=ends_at,
            interviewers=form.interviewers,
            logged_by=actor.user_id,
            logger_tz=calendar.zone.key,
            now=now,
        )
        # Each interviewer's standing focus from the brief's panel, copied into this one.
        focus_areas.follow_panel(session, role, interview)
        text, blocks = _note(session, interview, role)
        note_in_thread(
            session,
            role,
            text,
            blocks,
            now=now,
            kind=NOTE_KIND,
            key=message_keys.interview_note(interview.id),
        )
        return interview.id


def _changeable(
    session: Session, actor: Actor, interview_id: int, *, now: datetime, changing: bool = True
) -> tuple[Interview, Role]:
    interview = interview_service.get_interview(
        session, team_id=actor.team_id, interview_id=interview_id
    )
    role = role_service.get_role(session, team_id=interview.team_id, role_id=interview.role_id)
    if actor.user_id != interview.logged_by and not access.is_editor(
        session, role, actor, now=now, changing=changing
    ):
        raise NotAllowed(NOT_THEIRS)
    return interview, role


def open_edit_interview(
    sessions: SessionFactory, actor: Actor, interview_id: int, *, now: datetime
) -> dict[str, Any] | str:
    """The *Edit interview* modal, filled in with the interview as it is."""
    with sessions.begin() as session:
        interview, role = _changeable(session, actor, interview_id, now=now, changing=False)
        if interview.cancelled_at is not None:
            return CANCELLED
        person = get_person(session, role.team_id, actor.user_id)
        calendar = calendar_for(session, role.team_id, actor.user_id)
        start, end = calendar.local(interview.starts_at), calendar.local(interview.ends_at)
        return interview_modal(
            role_id=None,
            interview_id=interview.id,
            panel=[],
            today=role_service.today_for(person, now),
            zone_name=calendar.zone.key,
            prefill={
                hiring_forms.KIND: interview.kind,
                hiring_forms.DAY: start.date().isoformat(),
                hiring_forms.START: start.strftime("%H:%M"),
                hiring_forms.END: end.strftime("%H:%M"),
                hiring_forms.INTERVIEWERS: interview_service.interviewers_of(session, interview),
            },
        )


def edit_interview(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    interview_id: int,
    values: dict[str, Any],
    now: datetime,
) -> None:
    """Move the interview and its due times, change its panel, and edit its note."""
    with sessions.begin() as session:
        interview = interview_service.get_interview(
            session, team_id=actor.team_id, interview_id=interview_id
        )
        # The right first, then the state and the form: an outsider learns nothing.
        _changeable(session, actor, interview_id, now=now)
        role = role_service.get_role(session, team_id=interview.team_id, role_id=interview.role_id)
        access.require_open(role)
        if interview.cancelled_at is not None:
            raise InterviewCancelled(str(interview.id))
        form = _checked_form(session, actor, values, with_candidate=False, now=now)
        assert form.times is not None
        starts_at, ends_at = form.times.resolve(calendar_for(session, role.team_id, actor.user_id))
        access.claim_submission(session, actor, view, now=now)
        interview_service.reschedule_interview(
            session,
            role=role,
            interview=interview,
            kind=form.kind,
            starts_at=starts_at,
            ends_at=ends_at,
            interviewers=form.interviewers,
            actor_id=actor.user_id,
            now=now,
        )
        focus_areas.follow_panel(session, role, interview)
        _update_note(session, role, interview, now)


def cancel_interview(
    sessions: SessionFactory, actor: Actor, interview_id: int, *, now: datetime
) -> bool:
    """Cancel the interview (its requests and reminders are dropped) and strike its note;
    False when it was already cancelled."""
    with sessions.begin() as session:
        interview, role = _changeable(session, actor, interview_id, now=now)
        access.require_open(role)
        cancelled = interview_service.cancel_interview(
            session, role=role, interview=interview, actor_id=actor.user_id, now=now
        )
        if cancelled:
            _update_note(session, role, interview, now)
        return cancelled


def open_focus_areas(
    sessions: SessionFactory, actor: Actor, interview_id: int, *, now: datetime
) -> dict[str, Any] | str:
    """The interview's *Focus areas* modal (whoever may change the interview, while the
    role is open), pre-filled with what each interviewer is to cover."""
    with sessions.begin() as session:
        interview, role = _changeable(session, actor, interview_id, now=now, changing=False)
        access.require_open(role)
        if interview.cancelled_at is not None:
            return FOCUS_CANCELLED
        return focus_areas.interview_focus_view(session, interview)


def save_focus_areas(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    interview_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> None:
    """Store each interviewer's focus in the interview and show it on the interview's note.
    Interviewers whose feedback is already in keep what they were asked."""
    with sessions.begin() as session:
        if interview_id is None:
            raise interview_service.InterviewNotFound("no interview id")
        interview, role = _changeable(session, actor, interview_id, now=now)
        access.require_open(role)
        if interview.cancelled_at is not None:
            raise InterviewCancelled(str(interview.id))
        chosen = focus_areas.check_interview_focus(session, interview, values)
        access.claim_submission(session, actor, view, now=now)
        focus_areas.store_interview_focus(
            session, role, interview, chosen, actor_id=actor.user_id, now=now
        )
        _update_note(session, role, interview, now)
