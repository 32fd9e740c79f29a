"""The kickoff (and *Edit brief*) modal's use cases: open it, save each step, save the role.

Each step validates before anything is stored: errors go back next to their fields. The last
step saves the role (or the revision) and every message it causes — the channel, the
invitations, the brief and its pin, or the revision's note and the brief's update — as
outbox rows in one transaction, so the modal never waits for Slack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.action_items import kickoff_items_blocks
from bot.blocks.kickoff import brief_step_view, contract_step_view, role_step_view
from bot.db import SessionFactory
from bot.models import KickoffDraft
from bot.services import action_items, brief_changes, brief_delivery
from bot.services import drafts as draft_service
from bot.services import roles as role_service
from bot.services.access import claim_submission, is_editor, require_open, was_submitted
from bot.services.actors import Actor, SubmittedView
from bot.services.brief_posts import channel_name_for
from bot.services.kickoff_form import (
    ChannelFacts,
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
from bot.services.workspace_defaults import contract_defaults

EDITORS_ONLY = "Only the role's recruiter, hiring manager or a workspace admin can edit its brief."


@dataclass(frozen=True)
class StepOutcome:
    """Either the field errors to show, or the next step's view."""

    errors: dict[str, str] = field(default_factory=dict)
    view: dict[str, Any] | None = None


@dataclass(frozen=True)
class KickoffSaved:
    """What the last step's modal says: a title and a text."""

    title: str
    text: str
    errors: dict[str, str] = field(default_factory=dict)


def start_kickoff(
    sessions: SessionFactory,
    actor: Actor,
    *,
    title: str,
    origin_channel_id: str | None,
    now: datetime,
) -> dict[str, Any]:
    """``/kickoff [title]``: step 1, title pre-filled (a recent unfinished draft resumes)."""
    with sessions.begin() as session:
        ensure_workspace(session, actor.team_id, now, actor.enterprise_id)
        draft = draft_service.resume_or_start_draft(
            session,
            team_id=actor.team_id,
            user_id=actor.user_id,
            now=now,
            title=title,
            origin_channel_id=origin_channel_id,
        )
        return role_step_view(
            draft_id=draft.id, answers=draft.answers, submitter_id=actor.user_id, editing=False
        )


def _recruiter_calendar(session: Session, draft: KickoffDraft) -> WorkCalendar:
    """The first slate's owner's working days (the workspace's holidays apply to everyone)."""
    recruiter = draft.answers.get("recruiter_id") or draft.user_id
    return calendar_for(session, draft.team_id, recruiter)


def _draft(
    session: Session, actor: Actor, view: SubmittedView, draft_id: int | None
) -> KickoffDraft:
    if draft_id is None:
        raise RoleNotFound("no draft id")
    draft = draft_service.get_draft(
        session, team_id=actor.team_id, user_id=actor.user_id, draft_id=draft_id
    )
    if draft.submitted_at is not None:
        if was_submitted(session, actor, view):
            raise AlreadySubmitted(view.view_id)
        raise RoleNotFound("draft already submitted")
    return draft


def check_draft(
    sessions: SessionFactory, actor: Actor, view: SubmittedView, draft_id: int | None
) -> None:
    """Whether the form is the person's open draft (a read, so it may run before the ack):
    ``RoleNotFound`` / ``AlreadySubmitted`` for a stale or someone else's form."""
    with sessions() as session:
        _draft(session, actor, view, draft_id)


def role_step_form_errors(values: dict[str, Any]) -> dict[str, str]:
    """Step 1's errors that the form alone shows (nothing asked of Slack or the database):
    what the ack can answer next to the fields."""
    return validate_role_step(values, people={}, channel=None, facts_checked=False).errors


def save_role_step(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    draft_id: int | None,
    values: dict[str, Any],
    channel: ChannelFacts | None,
    now: datetime,
) -> StepOutcome:
    """Step 1 → step 2. ``channel`` is what Slack said of a picked channel (asked by the
    handler, outside the transaction)."""
    picked = [values.get("hiring_manager"), values.get("recruiter"), actor.user_id]
    with sessions.begin() as session:
        draft = _draft(session, actor, view, draft_id)
        people = refresh_people(
            session,
            team_id=actor.team_id,
            user_ids=[u for u in picked if u],
            fetch=actor.fetch,
            now=now,
        )
        result = validate_role_step(
            values, people=people, channel=channel, require_membership=draft.role_id is None
        )
        if not result.ok:
            return StepOutcome(errors=result.errors)
        draft_service.save_answers(draft, result.answers, now)
        today = role_service.today_for(people.get(actor.user_id), now)
        return StepOutcome(
            view=brief_step_view(
                draft_id=draft.id,
                answers=draft.answers,
                default_target=default_target_date(today, _recruiter_calendar(session, draft)),
                editing=draft.role_id is not None,
                retro=_retro_blocks(session, actor, draft),
            )
        )


def _retro_blocks(session: Session, actor: Actor, draft: KickoffDraft) -> list[dict[str, Any]]:
    """A new kickoff by a pair that held a retro together opens with their open action
    items (an edit does not: the brief already shows them)."""
    recruiter = draft.answers.get("recruiter_id")
    manager = draft.answers.get("hiring_manager_id")
    if draft.role_id is not None or not recruiter or not manager:
        return []
    items = action_items.for_kickoff(
        session,
        team_id=draft.team_id,
        viewer_id=actor.user_id,
        recruiter_id=recruiter,
        hiring_manager_id=manager,
    )
    partner = manager if actor.user_id == recruiter else recruiter
    return kickoff_items_blocks(partner, items)


def save_brief_step(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    draft_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> StepOutcome:
    """Step 2 → step 3."""
    with sessions.begin() as session:
        draft = _draft(session, actor, view, draft_id)
        today = role_service.today_for_user(session, draft.team_id, draft.user_id, now)
        result = validate_brief_step(values, today=today)
        if not result.ok:
            return StepOutcome(errors=result.errors)
        draft_service.save_answers(draft, result.answers, now)
        target = role_service.parse_date(draft.answers["target_fill_date"])
        return StepOutcome(
            view=contract_step_view(
                draft_id=draft.id,
                answers=draft.answers,
                proposed=proposed_dates(today, target, _recruiter_calendar(session, draft)),
                editing=draft.role_id is not None,
                defaults=contract_defaults(session, draft.team_id),
            )
        )


def _posting_text(title: str, channel_id: str | None, channel_name: str) -> str:
    where = f"<#{channel_id}>" if channel_id else f"a new channel, #{channel_name}"
    return (
        f"*{title}* is saved. Tandem is posting its brief in {where} and pinning it there. "
        "The recruiter and the hiring manager each press *Agree to contract* on it to sign."
    )


def submit_kickoff(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    draft_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> KickoffSaved:
    """Step 3: the role and its brief's publication (or the revision and its announcement)
    in one transaction. Raises ``RoleNotFound`` (stale modal), ``NotAllowed``,
    ``AlreadySubmitted``."""
    with sessions.begin() as session:
        draft = _draft(session, actor, view, draft_id)
        today = role_service.today_for_user(session, draft.team_id, draft.user_id, now)
        target = draft.answers.get("target_fill_date")
        if not target:
            raise RoleNotFound("the draft has no target date")
        result = validate_contract_step(
            values,
            today=today,
            target_fill_date=role_service.parse_date(target),
            calendar=_recruiter_calendar(session, draft),
        )
        if not result.ok:
            return KickoffSaved("", "", errors=result.errors)
        draft_service.save_answers(draft, result.answers, now)
        try:
            brief = build_brief(draft.answers)
        except IncompleteBrief as exc:
            raise RoleNotFound(str(exc)) from exc
        people = role_service.cached_people(
            session, draft.team_id, [brief.recruiter_id, brief.hiring_manager_id]
        )
        claim_submission(session, actor, view, now=now)
        if draft.role_id is None:
            role = role_service.create_role(
                session, draft=draft, brief=brief, people=people, now=now
            )
            join = role.channel_id is not None and not draft.answers.get("tandem_in_channel")
            brief_delivery.queue_publication(session, role, now=now, join=join)
            return KickoffSaved(
                "Brief on its way",
                _posting_text(role.title, role.channel_id, channel_name_for(role.title)),
            )
        role = role_service.get_role(session, team_id=draft.team_id, role_id=draft.role_id)
        # Admin rights re-checked here (at most ten minutes old), not taken from the draft.
        if not is_editor(session, role, actor, now=now):
            raise NotAllowed(EDITORS_ONLY)
        require_open(role)
        outcome = role_service.revise_brief(
            session, role=role, brief=brief, editor_id=actor.user_id, people=people, now=now
        )
        draft.submitted_at = now
        if outcome.status == RevisionStatus.UNCHANGED:
            return KickoffSaved("Edit brief", "Nothing changed, so no new revision was made.")
        assert outcome.revision is not None
        brief_changes.announce_revision(
            session,
            role,
            outcome,
            now=now,
            may_invite=draft.answers.get("invites_allowed") is not False,
        )
        return KickoffSaved("Brief revised", f"Revision {outcome.revision.number} saved.")
