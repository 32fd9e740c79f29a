"""The candidate use cases: *Add candidate* and *Move candidate* (buttons on the brief, and
their modals), and the candidate picker's suggestions.

Each opens and commits its own transaction and checks the person may edit the role; the
note in the brief's thread is an outbox row committed with the change (it waits for the
brief if the brief is not posted yet).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.closure import close_as_filled_offer
from bot.blocks.hiring import (
    add_candidate_modal,
    candidate_note,
    candidate_options,
    move_candidate_modal,
    move_note,
)
from bot.db import SessionFactory
from bot.models import CandidateStage
from bot.services import access, hiring_forms, pipeline
from bot.services import candidates as candidate_service
from bot.services.actors import Actor, SubmittedView
from bot.services.errors import NotAllowed, RoleNotFound
from bot.services.form_values import row_id
from bot.services.hiring_forms import FormErrors
from bot.services.role_posts import full_names_in_channels, note_in_thread

NO_CANDIDATES = "This role has no candidates yet — use *Add candidate* first."
ALREADY_THERE = "The candidate is already at this stage."


def open_add_candidate(
    sessions: SessionFactory, actor: Actor, role_id: int, *, now: datetime
) -> dict[str, Any]:
    """The *Add candidate* modal, for an editor of the role."""
    with sessions.begin() as session:
        role = access.editable_role(
            session, actor, role_id, what="add candidates", now=now, open_only=True, changing=False
        )
        return add_candidate_modal(role.id, role.title)


def open_move_candidate(
    sessions: SessionFactory, actor: Actor, role_id: int, *, now: datetime
) -> dict[str, Any] | str:
    """The *Move candidate* modal, or what to do first when the role has no candidates."""
    with sessions.begin() as session:
        role = access.editable_role(
            session, actor, role_id, what="move candidates", now=now, open_only=True, changing=False
        )
        if not candidate_service.has_candidates(session, role):
            return NO_CANDIDATES
        return move_candidate_modal(role.id)


def add_candidate(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    role_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> int:
    """Add the candidate (asking the HM for a résumé review) and note it in the brief's
    thread; returns the candidate's id."""
    form = hiring_forms.check_candidate(values)
    if not form.ok:
        raise FormErrors(form.errors)
    assert form.candidate is not None
    with sessions.begin() as session:
        role = access.role_in_workspace(session, actor, role_id)
        if not access.is_editor(session, role, actor, now=now):
            raise NotAllowed(access.EDITORS_ONLY.format(what="add candidates"))
        access.require_open(role)
        access.claim_submission(session, actor, view, now=now)
        candidate = pipeline.add_candidate(
            session, role=role, new=form.candidate, actor_id=actor.user_id, now=now
        )
        text, blocks = candidate_note(
            candidate_service.label(
                candidate, full_names=full_names_in_channels(session, role.team_id)
            ),
            candidate.source,
            candidate.stage,
            actor.user_id,
        )
        note_in_thread(session, role, text, blocks, now=now)
        return candidate.id


def _checked_move(values: dict[str, Any]) -> tuple[int, CandidateStage]:
    candidate_id = row_id(values.get(hiring_forms.CANDIDATE))
    raw_stage = values.get(hiring_forms.STAGE) or ""
    errors = {}
    if candidate_id is None:
        errors[hiring_forms.CANDIDATE] = "Pick the candidate."
    if raw_stage not in {s.value for s in CandidateStage}:
        errors[hiring_forms.STAGE] = "Pick the stage."
    if errors or candidate_id is None:
        raise FormErrors(errors)
    return candidate_id, CandidateStage(raw_stage)


def move_candidate(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    role_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> None:
    """Move the candidate to another stage (settling what the move answers) and note it in
    the brief's thread."""
    candidate_id, to_stage = _checked_move(values)
    with sessions.begin() as session:
        role = access.role_in_workspace(session, actor, role_id)
        if not access.is_editor(session, role, actor, now=now):
            raise NotAllowed(access.EDITORS_ONLY.format(what="move candidates"))
        access.require_open(role)
        candidate = candidate_service.get_candidate(
            session, team_id=role.team_id, role_id=role.id, candidate_id=candidate_id
        )
        access.claim_submission(session, actor, view, now=now)
        change = pipeline.move_candidate(
            session,
            role=role,
            candidate=candidate,
            to_stage=to_stage,
            actor_id=actor.user_id,
            now=now,
        )
        if change is None:
            # Raised inside the transaction: the claim is rolled back, so the person can
            # pick another stage and submit the same modal again.
            raise FormErrors({hiring_forms.STAGE: ALREADY_THERE})
        text, blocks = move_note(
            candidate_service.label(
                candidate, full_names=full_names_in_channels(session, role.team_id)
            ),
            change.from_stage,
            change.to_stage,
            actor.user_id,
        )
        if change.to_stage == CandidateStage.HIRED:
            # Offer to close the role as filled with this hire (the editor decides).
            blocks = [*blocks, *close_as_filled_offer(candidate.id)]
        note_in_thread(session, role, text, blocks, now=now)


def candidate_suggestions(
    sessions: SessionFactory,
    actor: Actor,
    *,
    role_id: int | None,
    typed: str,
    active_only: bool,
    now: datetime,
) -> list[dict[str, Any]]:
    """The candidate picker's options as the person types: candidates of the modal's role
    only, and only for someone who may edit that role (none otherwise)."""
    with sessions.begin() as session:
        try:
            role = access.role_in_workspace(session, actor, role_id)
        except RoleNotFound:
            return []
        if not access.is_editor(session, role, actor, now=now, changing=False):
            return []
        found = candidate_service.search_candidates(session, role, typed, active_only=active_only)
        return candidate_options(found)
