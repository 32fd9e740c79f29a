"""*Log interview* (on the brief), and *Edit* / *Cancel* interview (on its note in the
brief's thread)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks.hiring import (
    interview_modal,
)
from bot.blocks.hiring import interview_note as render_interview_note
from bot.blocks.kickoff import message_view
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import (
    EDITORS_ONLY,
    NOT_HERE,
    action_value,
    claim_submission,
    full_names_in_channels,
    may_edit_role,
    open_for_editors,
    open_modal,
    role_from_view,
    tell,
    thread_note,
)
from bot.models import Interview, Role
from bot.services import candidates as candidate_service
from bot.services import hiring_forms
from bot.services import interviews as interview_service
from bot.services import roles as role_service
from bot.services.candidates import CandidateNotFound, label
from bot.services.interviews import InterviewCancelled, InterviewNotFound
from bot.services.obligations import calendar_for
from bot.services.people import get_person, person_zone, refresh_people
from bot.services.roles import NotAllowed, RoleNotFound
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.ids import Action, Callback
from bot.slack.lookups import request_user_fetcher
from bot.slack.metadata import BadPayload, parse_metadata

logger = logging.getLogger(__name__)


def handle_log_interview_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    def build(session: Session, role: Role) -> dict[str, Any] | str:
        if not candidate_service.has_candidates(session, role, active_only=True):
            return "Add the candidate first (*Add candidate* on the brief), then log the interview."
        assert context.user_id is not None
        person = get_person(session, role.team_id, context.user_id)
        brief = role_service.current_brief(session, role)
        return interview_modal(
            role_id=role.id,
            interview_id=None,
            panel=brief.panel,
            today=role_service.today_for(person, utcnow()),
            zone_name=person_zone(person).key,
        )

    ack()
    open_for_editors(body, client, context, respond, sessions, what="log interviews", build=build)


def _interview_note(
    session: Session, interview: Interview, role: Role
) -> tuple[str, list[dict[str, Any]]]:
    candidate = candidate_service.get_candidate(
        session, team_id=role.team_id, role_id=role.id, candidate_id=interview.candidate_id
    )
    return render_interview_note(
        interview_id=interview.id,
        candidate_label=label(candidate, full_names=full_names_in_channels(session, role.team_id)),
        kind=interview.kind,
        starts_at=interview.starts_at,
        ends_at=interview.ends_at,
        interviewers=interview_service.interviewers_of(session, interview),
        turnaround_hours=role_service.current_brief(
            session, role
        ).contract.feedback_turnaround_hours,
        cancelled=interview.cancelled_at is not None,
    )


def _checked_interview(
    session: Session,
    values: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    *,
    with_candidate: bool,
) -> hiring_forms.InterviewForm:
    assert context.team_id is not None and context.user_id is not None
    now = utcnow()
    people = refresh_people(
        session,
        team_id=context.team_id,
        user_ids=[context.user_id, *(values.get(hiring_forms.INTERVIEWERS) or [])][:12],
        fetch=request_user_fetcher(client, context["settings"].tandem_slack_lookup_budget_seconds),
        now=now,
    )
    bots = {u for u, p in people.items() if p is not None and p.is_bot}
    today = role_service.today_for(people.get(context.user_id), now)
    return hiring_forms.check_interview(
        values, today=today, with_candidate=with_candidate, bots=bots
    )


def handle_log_interview(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    values = read_values(view)
    assert context.team_id is not None and context.user_id is not None
    try:
        with sessions.begin() as session:
            role = role_from_view(session, view, context)
            form = _checked_interview(session, values, client, context, with_candidate=True)
            if not form.ok:
                ack(response_action="errors", errors=form.errors)
                return
            if not may_edit_role(session, role, client, context):
                raise NotAllowed(EDITORS_ONLY.format(what="log interviews"))
            assert form.times is not None and form.candidate_id is not None
            candidate = candidate_service.get_candidate(
                session, team_id=role.team_id, role_id=role.id, candidate_id=form.candidate_id
            )
            calendar = calendar_for(session, role.team_id, context.user_id)
            starts_at, ends_at = form.times.resolve(calendar)
            claim_submission(session, view, context)
            interview = interview_service.log_interview(
                session,
                role=role,
                candidate=candidate,
                kind=form.kind,
                starts_at=starts_at,
                ends_at=ends_at,
                interviewers=form.interviewers,
                logged_by=context.user_id,
                logger_tz=calendar.zone.key,
                now=utcnow(),
            )
            note = _interview_note(session, interview, role)
            interview_id = interview.id
    except (BadPayload, RoleNotFound, CandidateNotFound):
        ack(response_action="update", view=message_view("Log interview", NOT_HERE))
        return
    except NotAllowed as exc:
        ack(response_action="update", view=message_view("Log interview", str(exc)))
        return
    except AlreadySubmitted:
        ack()  # the first submission logged it and closes the modal
        return
    ack()
    ts = thread_note(client, role, *note)
    if ts:
        with sessions.begin() as session:
            stored = session.get(Interview, interview_id)
            assert stored is not None
            stored.note_ts = ts


def _interview_for_action(
    session: Session, body: dict[str, Any], client: WebClient, context: BoltContext
) -> tuple[Interview, Role]:
    interview = interview_service.get_interview(
        session, team_id=context.team_id or "", interview_id=action_value(body)
    )
    role = role_service.get_role(session, team_id=interview.team_id, role_id=interview.role_id)
    if context.user_id != interview.logged_by and not may_edit_role(session, role, client, context):
        raise NotAllowed(
            "Only whoever logged this interview, the recruiter, the hiring manager or an admin can change it."
        )
    return interview, role


def handle_edit_interview_button(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    try:
        with sessions.begin() as session:
            interview, role = _interview_for_action(session, body, client, context)
            if interview.cancelled_at is not None:
                tell(respond, "This interview was cancelled.")
                return
            person = get_person(session, role.team_id, context.user_id or "")
            calendar = calendar_for(session, role.team_id, context.user_id or "")
            start, end = calendar.local(interview.starts_at), calendar.local(interview.ends_at)
            view = interview_modal(
                role_id=None,
                interview_id=interview.id,
                panel=[],
                today=role_service.today_for(person, utcnow()),
                zone_name=calendar.zone.key,
                prefill={
                    hiring_forms.KIND: interview.kind,
                    hiring_forms.DAY: start.date().isoformat(),
                    hiring_forms.START: start.strftime("%H:%M"),
                    hiring_forms.END: end.strftime("%H:%M"),
                    hiring_forms.INTERVIEWERS: interview_service.interviewers_of(
                        session, interview
                    ),
                },
            )
    except (BadPayload, InterviewNotFound, RoleNotFound):
        tell(respond, "That interview does not exist in this workspace.")
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    open_modal(client, body, respond, view)


def _update_note(
    client: WebClient, role: Role, interview: Interview, note: tuple[str, list[dict[str, Any]]]
) -> None:
    if role.channel_id and interview.note_ts:
        try:
            client.chat_update(
                channel=role.channel_id, ts=interview.note_ts, text=note[0], blocks=note[1]
            )
        except SlackApiError as exc:
            logger.info("could not update interview note: %s", exc.response.get("error"))


def handle_edit_interview(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    values = read_values(view)
    assert context.team_id is not None and context.user_id is not None
    try:
        interview_id = parse_metadata(view.get("private_metadata")).interview
        if interview_id is None:
            raise BadPayload("interview id")
        with sessions.begin() as session:
            interview = interview_service.get_interview(
                session, team_id=context.team_id, interview_id=interview_id
            )
            role = role_service.get_role(
                session, team_id=interview.team_id, role_id=interview.role_id
            )
            if interview.cancelled_at is not None:
                raise InterviewCancelled(str(interview.id))
            form = _checked_interview(session, values, client, context, with_candidate=False)
            if not form.ok:
                ack(response_action="errors", errors=form.errors)
                return
            if context.user_id != interview.logged_by and not may_edit_role(
                session, role, client, context
            ):
                raise NotAllowed(
                    "Only whoever logged this interview, the recruiter, the hiring manager or an admin can change it."
                )
            assert form.times is not None
            starts_at, ends_at = form.times.resolve(
                calendar_for(session, role.team_id, context.user_id)
            )
            claim_submission(session, view, context)
            interview_service.reschedule_interview(
                session,
                role=role,
                interview=interview,
                kind=form.kind,
                starts_at=starts_at,
                ends_at=ends_at,
                interviewers=form.interviewers,
                actor_id=context.user_id,
                now=utcnow(),
            )
            note = _interview_note(session, interview, role)
    except (BadPayload, InterviewNotFound, RoleNotFound):
        ack(
            response_action="update",
            view=message_view("Edit interview", "That interview does not exist in this workspace."),
        )
        return
    except InterviewCancelled:
        ack(
            response_action="update",
            view=message_view(
                "Edit interview",
                "This interview was cancelled, so it can no longer be changed. "
                "Log a new interview from the brief if it is happening after all.",
            ),
        )
        return
    except NotAllowed as exc:
        ack(response_action="update", view=message_view("Edit interview", str(exc)))
        return
    except AlreadySubmitted:
        ack()
        return
    ack()
    _update_note(client, role, interview, note)


def handle_cancel_interview(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    ack()
    try:
        with sessions.begin() as session:
            interview, role = _interview_for_action(session, body, client, context)
            cancelled = interview_service.cancel_interview(
                session,
                role=role,
                interview=interview,
                actor_id=context.user_id or "",
                now=utcnow(),
            )
            note = _interview_note(session, interview, role)
    except (BadPayload, InterviewNotFound, RoleNotFound):
        tell(respond, "That interview does not exist in this workspace.")
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    if not cancelled:
        tell(respond, "This interview was already cancelled.")
        return
    _update_note(client, role, interview, note)


def register(app: App) -> None:
    app.action(Action.LOG_INTERVIEW)(handle_log_interview_button)
    app.action(Action.EDIT_INTERVIEW)(handle_edit_interview_button)
    app.action(Action.CANCEL_INTERVIEW)(handle_cancel_interview)
    app.view(Callback.LOG_INTERVIEW)(handle_log_interview)
    app.view(Callback.EDIT_INTERVIEW)(handle_edit_interview)
