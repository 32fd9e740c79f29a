"""Rights: who may act on a role (product.md §6), checked by every use case that changes one.

Admin rights come from Slack (``is_admin``/``is_owner`` via ``users.info``), cached on the
person's row and asked again when that answer is older than ten minutes
(``people.ADMIN_MAX_AGE``); only outsiders to the role are looked up, within the request's
budget.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.models import Role, RoleStatus
from bot.services import roles as role_service
from bot.services import submissions
from bot.services.actors import Actor, SubmittedView
from bot.services.people import is_fresh_admin
from bot.services.roles import NotAllowed

EDITORS_ONLY = "Only the role's recruiter, hiring manager or a workspace admin can {what}."
_STATE_NAMES = {
    RoleStatus.FILLED: "closed as filled",
    RoleStatus.CANCELLED: "cancelled",
    RoleStatus.ON_HOLD: "on hold",
}
NOT_OPEN = (
    "This role is {state}, so nothing was changed. To work on it again, reopen it first "
    "with *Reopen role* on the brief."
)


class RoleNotOpen(NotAllowed):
    """The role is closed or on hold: a button of its old brief was pressed (the guard)."""


def require_open(role: Role) -> None:
    """The one guard for every change to a role's work (brief, plan, candidates, interviews,
    the contract): a closed or held role is changed only by *Reopen role*. A stale button on
    an old copy of the brief gets a private answer and changes nothing."""
    if role.status != RoleStatus.OPEN:
        state = _STATE_NAMES.get(role.status, "closed")
        raise RoleNotOpen(NOT_OPEN.format(state=state))


def is_editor(
    session: Session, role: Role, actor: Actor, *, now: datetime, changing: bool = True
) -> bool:
    """Party to the role (recruiter or HM), or a workspace admin (see :func:`is_admin`)."""
    if actor.user_id in (role.recruiter_id, role.hiring_manager_id):
        return True
    return is_admin(session, actor, now=now, changing=changing)


def is_admin(session: Session, actor: Actor, *, now: datetime, changing: bool = True) -> bool:
    """A workspace admin or owner (or in the admin user group), as Slack said at most ten minutes ago for a data change
    (``changing``); opening a form (``changing=False``) may go by an older cached answer
    when Slack cannot be asked within the request's budget."""
    return is_fresh_admin(
        session,
        team_id=actor.team_id,
        user_id=actor.user_id,
        fetch=actor.fetch,
        now=now,
        changing=changing,
        fetch_group=actor.fetch_group,
    )


def role_in_workspace(session: Session, actor: Actor, role_id: int | None) -> Role:
    """The role if it exists in the actor's workspace; ``RoleNotFound`` otherwise (an id from
    another workspace, forged or stale, is simply not there)."""
    if role_id is None:
        raise role_service.RoleNotFound("no role id")
    return role_service.get_role(session, team_id=actor.team_id, role_id=role_id)


def editable_role(
    session: Session,
    actor: Actor,
    role_id: int | None,
    *,
    what: str,
    now: datetime,
    open_only: bool = False,
    changing: bool = True,
) -> Role:
    """The role, if the actor may edit it; ``NotAllowed`` (saying who may) otherwise, and
    ``RoleNotOpen`` for a closed or held role when ``open_only`` (checked after the right,
    so an outsider learns nothing about the role). ``changing=False`` for a use case that
    only opens a form (see :func:`is_admin`)."""
    role = role_in_workspace(session, actor, role_id)
    if not is_editor(session, role, actor, now=now, changing=changing):
        raise NotAllowed(EDITORS_ONLY.format(what=what))
    if open_only:
        require_open(role)
    return role


def claim_submission(session: Session, actor: Actor, view: SubmittedView, *, now: datetime) -> None:
    """Claim a modal's submission in the transaction that saves it; ``AlreadySubmitted`` when
    an earlier (or concurrent) submission of the same view was saved."""
    submissions.claim_view(
        session,
        team_id=actor.team_id,
        view_id=view.view_id,
        callback_id=view.callback_id,
        user_id=actor.user_id,
        now=now,
    )


def was_submitted(session: Session, actor: Actor, view: SubmittedView) -> bool:
    return submissions.was_submitted(session, team_id=actor.team_id, view_id=view.view_id)
