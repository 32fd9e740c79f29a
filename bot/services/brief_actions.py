"""The brief's buttons as use cases: agree, edit, change the plan, acknowledge a change,
post the brief again. Each opens its own transaction and writes the brief's update (and any
other message the change causes) as outbox rows in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.blocks.kickoff import plan_view, role_step_view
from bot.db import SessionFactory
from bot.services import access, agreement, brief_changes, brief_delivery, home_refresh
from bot.services import drafts as draft_service
from bot.services import roles as role_service
from bot.services.actors import Actor, SubmittedView
from bot.services.agreement import AgreeOutcome
from bot.services.brief import PlanItem
from bot.services.kickoff_form import validate_plan
from bot.services.roles import RevisionStatus


def agree(
    sessions: SessionFactory, actor: Actor, role_id: int | None, *, now: datetime
) -> AgreeOutcome:
    """*Agree to contract*: HM and recruiter only; the brief is updated in place."""
    with sessions.begin() as session:
        role = access.role_in_workspace(session, actor, role_id)
        # The right first, then the state: an outsider learns nothing about the role.
        if actor.user_id not in (role.recruiter_id, role.hiring_manager_id):
            raise role_service.NotAllowed(agreement.PARTIES_ONLY)
        access.require_open(role)
        outcome = agreement.agree_to_contract(session, role=role, user_id=actor.user_id, now=now)
        if outcome != AgreeOutcome.ALREADY:
            brief_delivery.queue_brief_update(session, role, now=now)
        return outcome


def edit_view(
    sessions: SessionFactory, actor: Actor, role_id: int | None, *, now: datetime
) -> dict[str, Any]:
    """*Edit brief*: the kickoff modal pre-filled with the current revision (editors only)."""
    with sessions.begin() as session:
        role = access.editable_role(
            session, actor, role_id, what="edit the brief", now=now, open_only=True, changing=False
        )
        draft = draft_service.start_draft(
            session, team_id=role.team_id, user_id=actor.user_id, now=now, role=role
        )
        return role_step_view(
            draft_id=draft.id, answers=draft.answers, submitter_id=actor.user_id, editing=True
        )


def change_plan_view(
    sessions: SessionFactory, actor: Actor, role_id: int | None, *, now: datetime
) -> dict[str, Any]:
    """*Change plan*: each stage's owner and target date (editors only)."""
    with sessions.begin() as session:
        role = access.editable_role(
            session, actor, role_id, what="change the plan", now=now, open_only=True, changing=False
        )
        brief = role_service.current_brief(session, role)
        plan = [item.model_dump(mode="json") for item in brief.plan]
        return plan_view(role_id=role.id, title=role.title, plan=plan)


@dataclass(frozen=True)
class PlanSaved:
    errors: dict[str, str] = field(default_factory=dict)
    revised: bool = False


def submit_plan(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    role_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> PlanSaved:
    """A changed plan is a new revision, announced in the brief's thread."""
    with sessions.begin() as session:
        role = access.editable_role(
            session, actor, role_id, what="change the plan", now=now, open_only=True
        )
        brief = role_service.current_brief(session, role)
        today = role_service.today_for_user(session, actor.team_id, actor.user_id, now)
        result = validate_plan(values, today=today, target_fill_date=brief.target_fill_date)
        if not result.ok:
            return PlanSaved(errors=result.errors)
        changed = brief.model_copy(
            update={"plan": [PlanItem.model_validate(p) for p in result.answers["plan"]]}
        )
        people = role_service.cached_people(session, role.team_id, [role.recruiter_id])
        access.claim_submission(session, actor, view, now=now)
        outcome = role_service.revise_brief(
            session, role=role, brief=changed, editor_id=actor.user_id, people=people, now=now
        )
        if outcome.status != RevisionStatus.CREATED:
            return PlanSaved()
        # The plan names no one new, so there is nobody to invite.
        brief_changes.announce_revision(session, role, outcome, now=now, may_invite=True)
        return PlanSaved(revised=True)


def acknowledge(
    sessions: SessionFactory,
    actor: Actor,
    acknowledgement_id: int,
    *,
    message: dict[str, Any] | None,
    now: datetime,
) -> bool:
    """*Acknowledge* a change (only the person it waits for); False if already done. The
    change message (``message``, from the button's request) and the brief are updated."""
    with sessions.begin() as session:
        role, acknowledgement, fresh = agreement.acknowledge_change(
            session,
            team_id=actor.team_id,
            acknowledgement_id=acknowledgement_id,
            user_id=actor.user_id,
            now=now,
        )
        if fresh:
            brief_changes.queue_acknowledged(
                session, role, acknowledgement, message=message, now=now
            )
            home_refresh.queue_refresh(
                session, team_id=actor.team_id, user_id=actor.user_id, now=now
            )
        return fresh


class PostAgain(StrEnum):
    QUEUED = "queued"
    BUSY = "busy"
    POSTED = "posted"


@dataclass(frozen=True)
class PostAgainResult:
    status: PostAgain
    title: str
    channel_id: str | None


def post_again(
    sessions: SessionFactory, actor: Actor, role_id: int | None, *, now: datetime
) -> PostAgainResult:
    """*Post brief again*: the role's parked channel and brief rows go back in the queue.
    Whoever ran the kickoff, or an editor of the role, may press it."""
    with sessions.begin() as session:
        role = access.role_in_workspace(session, actor, role_id)
        if actor.user_id != role.created_by and not access.is_editor(session, role, actor, now=now):
            raise role_service.NotAllowed(access.EDITORS_ONLY.format(what="post the brief"))
        if role.brief_ts is not None:
            status = PostAgain.POSTED
        elif brief_delivery.requeue_publication(session, role, now=now):
            status = PostAgain.QUEUED
        else:
            status = PostAgain.BUSY
        return PostAgainResult(status, role.title, role.channel_id)
