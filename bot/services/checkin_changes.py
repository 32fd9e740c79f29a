"""What a person changes about a role's check-ins from the post's buttons: skip next week
(with a reason, noted in the check-in's thread) or move the day and time (a contract
revision). Each use case checks the person's rights and owns its transaction."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.checkins import move_modal, skip_modal, skipped_note
from bot.db import SessionFactory
from bot.models import Role
from bot.services import access, brief_changes, outbox
from bot.services import checkins as checkin_service
from bot.services import roles as role_service
from bot.services.actors import Actor, SubmittedView
from bot.services.checkin_posts import thread_reply
from bot.services.checkin_replies import checkin_for_thread
from bot.services.form_values import clock_time, whole_number
from bot.services.roles import RevisionOutcome, RevisionStatus

SKIP = "skip a check-in"
MOVE = "move the check-in"
SKIP_NOTE_KIND = "checkin-skip"
EARLIEST, LATEST = time(8, 0), time(18, 0)


class CheckinMoved(Exception):
    """The check-in a form was opened for is no longer the role's next one."""


def skip_form(
    sessions: SessionFactory,
    actor: Actor,
    role_id: int,
    *,
    thread: str | None,
    now: datetime,
) -> dict[str, Any]:
    """The *Skip next week* modal for the role's next check-in (``NotAllowed`` for people
    who may not edit the role); ``thread`` is the check-in post it was opened from."""
    with sessions.begin() as session:
        role = access.editable_role(
            session, actor, role_id, what=SKIP, now=now, open_only=True, changing=False
        )
        week, when = checkin_service.next_checkin(session, role, now=now)
        return skip_modal(role.id, week, when, thread)


def skip_checkin(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    role_id: int | None,
    week: str | None,
    thread: str | None,
    reason: str,
    now: datetime,
) -> None:
    """Skip the role's next check-in, with who and why, and queue the note saying so.

    ``CheckinMoved`` when the next check-in is no longer the one the form showed;
    ``AlreadySubmitted`` when this submission was saved already (the note went with it).
    """
    with sessions.begin() as session:
        role = access.editable_role(session, actor, role_id, what=SKIP, now=now, open_only=True)
        next_week, when = checkin_service.next_checkin(session, role, now=now)
        if week is None or week != next_week:
            raise CheckinMoved(f"the next check-in is {next_week}, not {week}")
        access.claim_submission(session, actor, view, now=now)
        checkin_service.skip_week(
            session,
            role=role,
            week=week,
            scheduled_for=when,
            user_id=actor.user_id,
            reason=reason,
            now=now,
        )
        if role.channel_id is None:
            return
        text, blocks = skipped_note(actor.user_id, when, reason)
        outbox.enqueue(
            session,
            team_id=role.team_id,
            kind=SKIP_NOTE_KIND,
            method=outbox.POST,
            role_id=role.id,
            now=now,
            **_note_target(session, role, thread, {"text": text, "blocks": blocks}),
        )


def _note_target(
    session: Session, role: Role, thread: str | None, payload: dict[str, Any]
) -> dict[str, Any]:
    """In the thread of the check-in post the form came from; in the channel when that is
    not one of the role's check-ins (the form's thread is whatever Slack sent back)."""
    assert role.channel_id is not None
    checkin = (
        checkin_for_thread(
            session, team_id=role.team_id, channel_id=role.channel_id, thread_ts=thread
        )
        if thread
        else None
    )
    if checkin is None or checkin.role_id != role.id:
        return {"channel": role.channel_id, "payload": payload}
    return thread_reply(session, checkin, payload)


def move_form(
    sessions: SessionFactory, actor: Actor, role_id: int, *, now: datetime
) -> dict[str, Any]:
    """The *Change day or time* modal, filled with the contract's current schedule."""
    with sessions.begin() as session:
        role = access.editable_role(
            session, actor, role_id, what=MOVE, now=now, open_only=True, changing=False
        )
        contract = role_service.current_brief(session, role).contract
        return move_modal(
            role.id, contract.checkin_weekday, contract.checkin_time.strftime("%H:%M")
        )


def read_schedule(raw_day: object, raw_time: object) -> tuple[int, time] | dict[str, str]:
    """The form's weekday (Monday–Friday) and time (working hours), or its field errors."""
    day = whole_number(raw_day, 0, 4)
    at = clock_time(raw_time)
    errors = {}
    if day is None:
        errors["checkin_day"] = "Pick a weekday from Monday to Friday."
    if at is None or not EARLIEST <= at <= LATEST:
        errors["checkin_time"] = "Pick a time during working hours (08:00–18:00)."
    if errors or day is None or at is None:
        return errors
    return day, at


def move_checkin(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    role_id: int | None,
    weekday: int,
    at: time,
    now: datetime,
) -> RevisionOutcome:
    """Move the check-in: a new brief revision of the contract, which the other side
    acknowledges, announced in the brief's thread and the brief updated in the same
    transaction (``AlreadySubmitted`` when this submission was saved already)."""
    with sessions.begin() as session:
        role = access.editable_role(session, actor, role_id, what=MOVE, now=now, open_only=True)
        brief = role_service.current_brief(session, role)
        contract = brief.contract.model_copy(
            update={"checkin_weekday": weekday, "checkin_time": at}
        )
        access.claim_submission(session, actor, view, now=now)
        outcome = role_service.revise_brief(
            session,
            role=role,
            brief=brief.model_copy(update={"contract": contract}),
            editor_id=actor.user_id,
            people=role_service.cached_people(session, role.team_id, [role.recruiter_id]),
            now=now,
        )
        if outcome.status == RevisionStatus.CREATED:
            # A moved check-in names no one new, so there is nobody to invite.
            brief_changes.announce_revision(session, role, outcome, now=now, may_invite=True)
        return outcome
