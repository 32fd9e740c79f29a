"""``/kickoff`` and its three-step modal (also used to edit a brief).

Each step validates before it acks: errors go back next to their fields and nothing is
stored; a valid step saves its answers in the draft and pushes the next step. The last step
saves the role (or the new revision) in one transaction, acks, and only then talks to Slack.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.brief import post_failed_message
from bot.blocks.kickoff import (
    brief_step_view,
    contract_step_view,
    message_view,
    role_step_view,
)
from bot.clock import utcnow
from bot.db import SessionFactory
from bot.handlers.common import ALREADY_SAVED, already_submitted, claim_submission, open_modal
from bot.handlers.common import view_id as view_id_of
from bot.handlers.revisions import announce_revision
from bot.models import KickoffDraft
from bot.services import drafts as draft_service
from bot.services import roles as role_service
from bot.services.kickoff_form import (
    CHANNEL_EXISTING,
    IncompleteBrief,
    build_brief,
    default_target_date,
    proposed_dates,
    validate_brief_step,
    validate_contract_step,
    validate_role_step,
)
from bot.services.obligations import calendar_for
from bot.services.people import ensure_workspace, refresh_people
from bot.services.roles import NotAllowed, RevisionStatus, RoleNotFound
from bot.services.submissions import AlreadySubmitted
from bot.services.working_time import WorkCalendar
from bot.slack.briefs import PublishStatus, publish_brief
from bot.slack.forms import read_values
from bot.slack.ids import Callback, Command, Field
from bot.slack.lookups import channel_facts, quick_client, request_user_fetcher, with_requester
from bot.slack.metadata import BadPayload, parse_metadata

logger = logging.getLogger(__name__)

STALE_MODAL = (
    "This form is out of date (it was already submitted, or it belongs to someone else). "
    "Close it and start again with /kickoff."
)


def _close_with(ack: Ack, title: str, text: str) -> None:
    ack(response_action="update", view=message_view(title, text))


def handle_kickoff_command(
    ack: Ack,
    command: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    sessions: SessionFactory,
) -> None:
    """``/kickoff [role title]``: open step 1, title pre-filled (a recent unfinished draft resumes)."""
    ack()
    now = utcnow()
    assert context.team_id is not None and context.user_id is not None
    with sessions.begin() as session:
        ensure_workspace(session, context.team_id, now, context.enterprise_id)
        draft = draft_service.resume_or_start_draft(
            session,
            team_id=context.team_id,
            user_id=context.user_id,
            now=now,
            title=(command.get("text") or "").strip(),
            origin_channel_id=command.get("channel_id"),
        )
        view = role_step_view(
            draft_id=draft.id, answers=draft.answers, submitter_id=context.user_id, editing=False
        )
    open_modal(client, command, respond, view)


def _recruiter_calendar(session: Any, draft: KickoffDraft) -> WorkCalendar:
    """The first slate's owner's working days (the workspace's holidays apply to everyone)."""
    recruiter = draft.answers.get("recruiter_id") or draft.user_id
    return calendar_for(session, draft.team_id, recruiter)


def _draft(session: Any, context: BoltContext, view: dict[str, Any]) -> KickoffDraft:
    meta = parse_metadata(view.get("private_metadata"))
    if meta.draft is None:
        raise BadPayload("draft id")
    assert context.team_id is not None and context.user_id is not None
    draft = draft_service.get_draft(
        session, team_id=context.team_id, user_id=context.user_id, draft_id=meta.draft
    )
    if draft.submitted_at is not None:
        if already_submitted(session, view, context):
            raise AlreadySubmitted(view_id_of(view))
        raise RoleNotFound("draft already submitted")
    return draft


def handle_role_step(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """Step 1 → step 2."""
    values = read_values(view)
    now = utcnow()
    assert context.team_id is not None and context.user_id is not None
    picked = [values.get(Field.HIRING_MANAGER), values.get(Field.RECRUITER), context.user_id]
    channel_id = values.get(Field.CHANNEL)
    # The ack needs these answers (field errors): what the picked channel is and whether the
    # person is in it, asked of Slack within the request's budget (skipped when Tandem
    # creates the channel, and outside the database transaction).
    wants_channel = values.get(Field.CHANNEL_MODE) == CHANNEL_EXISTING and channel_id
    channel = None
    if wants_channel:
        quick = quick_client(client)
        channel = channel_facts(quick, channel_id)
        if channel is not None:
            channel = with_requester(quick, channel, context.user_id)
    try:
        with sessions.begin() as session:
            draft = _draft(session, context, view)
            people = refresh_people(
                session,
                team_id=context.team_id,
                user_ids=[u for u in picked if u],
                fetch=request_user_fetcher(
                    client, context["settings"].tandem_slack_lookup_budget_seconds
                ),
                now=now,
            )
            creating = draft.role_id is None
            result = validate_role_step(
                values, people=people, channel=channel, require_membership=creating
            )
            if not result.ok:
                ack(response_action="errors", errors=result.errors)
                return
            draft_service.save_answers(draft, result.answers, now)
            today = role_service.today_for(people.get(context.user_id), now)
            next_view = brief_step_view(
                draft_id=draft.id,
                answers=draft.answers,
                default_target=default_target_date(today, _recruiter_calendar(session, draft)),
                editing=draft.role_id is not None,
            )
    except (BadPayload, RoleNotFound, AlreadySubmitted):
        _close_with(ack, "Kickoff", STALE_MODAL)
        return
    ack(response_action="push", view=next_view)


def handle_brief_step(
    ack: Ack, view: dict[str, Any], context: BoltContext, sessions: SessionFactory
) -> None:
    """Step 2 → step 3."""
    values = read_values(view)
    now = utcnow()
    try:
        with sessions.begin() as session:
            draft = _draft(session, context, view)
            today = role_service.today_for_user(session, draft.team_id, draft.user_id, now)
            result = validate_brief_step(values, today=today)
            if not result.ok:
                ack(response_action="errors", errors=result.errors)
                return
            draft_service.save_answers(draft, result.answers, now)
            target = role_service.parse_date(draft.answers["target_fill_date"])
            next_view = contract_step_view(
                draft_id=draft.id,
                answers=draft.answers,
                proposed=proposed_dates(today, target, _recruiter_calendar(session, draft)),
                editing=draft.role_id is not None,
            )
    except (BadPayload, RoleNotFound, AlreadySubmitted):
        _close_with(ack, "Kickoff", STALE_MODAL)
        return
    ack(response_action="push", view=next_view)


def handle_contract_step(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    sessions: SessionFactory,
) -> None:
    """Step 3: save the role (or the revision) in one transaction, ack, then post in Slack."""
    values = read_values(view)
    now = utcnow()
    assert context.team_id is not None and context.user_id is not None
    try:
        with sessions.begin() as session:
            draft = _draft(session, context, view)
            today = role_service.today_for_user(session, draft.team_id, draft.user_id, now)
            target = draft.answers.get("target_fill_date")
            if not target:
                raise IncompleteBrief("no target date")
            result = validate_contract_step(
                values,
                today=today,
                target_fill_date=role_service.parse_date(target),
                calendar=_recruiter_calendar(session, draft),
            )
            if not result.ok:
                ack(response_action="errors", errors=result.errors)
                return
            draft_service.save_answers(draft, result.answers, now)
            brief = build_brief(draft.answers)
            people = role_service.cached_people(
                session, draft.team_id, [brief.recruiter_id, brief.hiring_manager_id]
            )
            claim_submission(session, view, context)
            if draft.role_id is None:
                role = role_service.create_role(
                    session, draft=draft, brief=brief, people=people, now=now
                )
                editing = False
                outcome = None
            else:
                role = role_service.get_role(session, team_id=draft.team_id, role_id=draft.role_id)
                editor = role_service.cached_people(session, draft.team_id, [context.user_id])
                if not role_service.may_edit(role, context.user_id, editor.get(context.user_id)):
                    raise NotAllowed(
                        "Only the role's recruiter, hiring manager or a workspace admin can edit its brief."
                    )
                outcome = role_service.revise_brief(
                    session,
                    role=role,
                    brief=brief,
                    editor_id=context.user_id,
                    people=people,
                    now=now,
                )
                draft.submitted_at = now
                editing = True
            role_id, title = role.id, role.title
    except (BadPayload, RoleNotFound, IncompleteBrief):
        _close_with(ack, "Kickoff", STALE_MODAL)
        return
    except NotAllowed as exc:
        _close_with(ack, "Edit brief", str(exc))
        return
    except AlreadySubmitted:
        _close_with(ack, "Already saved", ALREADY_SAVED)
        return

    if not editing:
        _close_with(
            ack, "Kickoff saved", f"*{title}* is saved. Posting its brief in the shared channel…"
        )
        _post_new_brief(client, sessions, body, context, role_id)
        return
    assert outcome is not None
    if outcome.status == RevisionStatus.UNCHANGED:
        _close_with(ack, "Edit brief", "Nothing changed, so no new revision was made.")
        return
    _close_with(
        ack,
        "Brief revised",
        f"Revision {outcome.revision.number if outcome.revision else ''} saved.",
    )
    announce_revision(client, sessions, team_id=context.team_id, role_id=role_id, outcome=outcome)


def _post_new_brief(
    client: WebClient,
    sessions: SessionFactory,
    body: dict[str, Any],
    context: BoltContext,
    role_id: int,
) -> None:
    assert context.team_id is not None and context.user_id is not None
    result = publish_brief(client, sessions, team_id=context.team_id, role_id=role_id, now=utcnow())
    view_id = body["view"]["id"]
    with sessions() as session:
        role = role_service.get_role(session, team_id=context.team_id, role_id=role_id)
        title = role.title
    if result.status == PublishStatus.POSTED:
        text = (
            f"The brief of *{title}* is pinned in <#{result.channel_id}>. The recruiter and the "
            "hiring manager each press *Agree to contract* there to sign it."
        )
        _update_quietly(client, view_id, message_view("Brief posted", text))
        return
    where = f"in <#{result.channel_id}>" if result.channel_id else "in its channel"
    text, blocks = post_failed_message(role, where, result.error or "unknown_error")
    _update_quietly(client, view_id, message_view("Brief not posted yet", text))
    try:
        client.chat_postMessage(channel=context.user_id, text=text, blocks=blocks)
    except SlackApiError as exc:
        logger.warning("could not tell %s about the failed post: %s", context.user_id, exc)


def _update_quietly(client: WebClient, view_id: str, view: dict[str, Any]) -> None:
    # The person may already have closed the modal; that is fine.
    try:
        client.views_update(view_id=view_id, view=view)
    except SlackApiError as exc:
        logger.info("views.update %s: %s", view_id, exc.response.get("error"))


def register(app: App) -> None:
    app.command(Command.KICKOFF)(handle_kickoff_command)
    app.view(Callback.KICKOFF_ROLE)(handle_role_step)
    app.view(Callback.KICKOFF_BRIEF)(handle_brief_step)
    app.view(Callback.KICKOFF_CONTRACT)(handle_contract_step)
