"""Action items: what a recruiter and HM agreed to do differently, from a retro's *what to
change*; they return at the pair's next kickoff until one of them marks one done.

Who sees them where:

* the retro summary lists every item added from it (open or done) and has *Add action item*;
* a role's brief shows the pair's open items from the retros of their *other* roles, and only
  while the role is open (the retro of a role comes after its close, so its own items belong
  to the next role, not to its own brief);
* the kickoff modal's second step (the first that knows both the recruiter and the HM) shows
  the pair's open items to either of them, read-only.

Adding and marking done are for the pair (the role's recruiter and HM) or a workspace admin;
anyone else, and any forged or foreign id, gets the same private refusal, which names nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.blocks.action_items import TEXT_LIMIT, action_item_modal
from bot.blocks.retro_summary import change_items
from bot.blocks.text import escape_mrkdwn
from bot.db import SessionFactory
from bot.models import ActionItem, RetroPoll, Role, RoleStatus
from bot.services import access, brief_delivery, retro_summary, timeline
from bot.services.actors import Actor, SubmittedView
from bot.services.errors import NotAllowed
from bot.services.hiring_forms import FormErrors
from bot.services.roles import cached_people, today_for
from bot.services.timeline import Event
from bot.slack.ids import Field

# One refusal for "not yours", "forged" and "gone" (a deleted role takes its retro and its
# action items with it): it names nothing.
NOT_YOURS_TO_ADD = (
    "Only the role's recruiter, hiring manager or a workspace admin can add action items "
    "to this retro (or the retro no longer exists, with its role). Nothing was saved."
)
NOT_YOURS_TO_MARK = (
    "Only the recruiter or hiring manager who agreed on this action item (or a workspace "
    "admin) can mark it done (or it no longer exists, with its role). Nothing changed."
)
# A retro whose role row is missing (the foreign keys cascade, so only a database restored
# or edited by hand has one).
ROLE_GONE = (
    "The role of this retro was deleted, so action items can no longer be added to it. "
    "Nothing was saved."
)
NOT_SUMMARIZED = "This retro is still open: action items are added from its summary."
ALREADY_DONE = "This action item is already marked done. Nothing changed."
ONE_YEAR = timedelta(days=366)


def open_for_pair(
    session: Session,
    *,
    team_id: str,
    recruiter_id: str,
    hiring_manager_id: str,
    exclude_role_id: int | None = None,
) -> list[ActionItem]:
    """The pair's action items not done yet, oldest first (without those of one role)."""
    query = select(ActionItem).where(
        ActionItem.team_id == team_id,
        ActionItem.recruiter_id == recruiter_id,
        ActionItem.hiring_manager_id == hiring_manager_id,
        ActionItem.done_at.is_(None),
    )
    if exclude_role_id is not None:
        query = query.where(ActionItem.role_id != exclude_role_id)
    return list(session.scalars(query.order_by(ActionItem.created_at, ActionItem.id)))


def shown_on_brief(session: Session, role: Role) -> list[ActionItem]:
    """What ``role``'s brief shows: the pair's open items from their other roles' retros,
    while the role is open (a closed brief only offers *Reopen role*)."""
    if role.status != RoleStatus.OPEN:
        return []
    return open_for_pair(
        session,
        team_id=role.team_id,
        recruiter_id=role.recruiter_id,
        hiring_manager_id=role.hiring_manager_id,
        exclude_role_id=role.id,
    )


def for_kickoff(
    session: Session, *, team_id: str, viewer_id: str, recruiter_id: str, hiring_manager_id: str
) -> list[ActionItem]:
    """The pair's open items for the kickoff modal: only when the person running it is one
    of the pair (someone else naming them learns nothing of their retros)."""
    if viewer_id not in (recruiter_id, hiring_manager_id):
        return []
    return open_for_pair(
        session, team_id=team_id, recruiter_id=recruiter_id, hiring_manager_id=hiring_manager_id
    )


def _refresh_pair_briefs(session: Session, item: ActionItem, *, now: datetime) -> None:
    """Re-render every open brief of the pair that shows (or now shows) ``item``."""
    roles = session.scalars(
        select(Role)
        .where(
            Role.team_id == item.team_id,
            Role.recruiter_id == item.recruiter_id,
            Role.hiring_manager_id == item.hiring_manager_id,
            Role.status == RoleStatus.OPEN,
            Role.id != item.role_id,
        )
        .order_by(Role.id)
    ).all()
    for role in roles:
        brief_delivery.queue_brief_update(session, role, now=now)


# -- adding from the summary -----------------------------------------------------------------


def _poll_and_role(
    session: Session, actor: Actor, poll_id: int | None, *, now: datetime, changing: bool = True
) -> tuple[RetroPoll, Role]:
    poll = session.get(RetroPoll, poll_id) if poll_id is not None else None
    if poll is None or poll.team_id != actor.team_id:
        raise NotAllowed(NOT_YOURS_TO_ADD)
    role = session.get(Role, poll.role_id)
    if role is None or role.team_id != actor.team_id:
        raise NotAllowed(ROLE_GONE)
    if not access.is_editor(session, role, actor, now=now, changing=changing):
        raise NotAllowed(NOT_YOURS_TO_ADD)
    if poll.summarized_at is None:
        raise NotAllowed(NOT_SUMMARIZED)
    return poll, role


def add_form(
    sessions: SessionFactory, actor: Actor, poll_id: int, *, now: datetime
) -> dict[str, Any]:
    """The modal behind the summary's *Add action item* (``NotAllowed`` otherwise)."""
    with sessions.begin() as session:
        poll, role = _poll_and_role(session, actor, poll_id, now=now, changing=False)
        view = retro_summary.summary_view(session, role, poll)
        return action_item_modal(
            poll_id=poll.id,
            role_title=role.title,
            changes=change_items(view),
            recruiter_id=role.recruiter_id,
            hiring_manager_id=role.hiring_manager_id,
            owner_id=actor.user_id,
        )


def _one_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + timedelta(days=365)


def _validated(
    session: Session, role: Role, poll: RetroPoll, values: dict[str, Any], *, now: datetime
) -> tuple[str, str, date | None]:
    errors: dict[str, str] = {}
    chosen: str | None = None
    picked = values.get(Field.ACTION_FROM_RETRO)
    if picked is not None:
        changes = change_items(retro_summary.summary_view(session, role, poll))
        index = int(picked) if isinstance(picked, str) and picked.isdigit() else -1
        if 0 <= index < len(changes):
            chosen = " ".join(changes[index].split())
        else:
            errors[Field.ACTION_FROM_RETRO] = "Pick one of the retro's items, or none."
    text = (values.get(Field.ACTION_TEXT) or "").strip()
    if len(text) > TEXT_LIMIT:
        errors[Field.ACTION_TEXT] = (
            f"Keep it to {TEXT_LIMIT} characters (this has {len(text)}): one concrete change."
        )
    elif not text and chosen is not None:
        text = chosen if len(chosen) <= TEXT_LIMIT else chosen[: TEXT_LIMIT - 1] + "…"
    elif not text and Field.ACTION_FROM_RETRO not in errors:
        errors[Field.ACTION_TEXT] = (
            "Say what you will do differently, or pick an item from the retro above."
        )
    owner = values.get(Field.ACTION_OWNER)
    if owner not in (role.recruiter_id, role.hiring_manager_id):
        errors[Field.ACTION_OWNER] = "The owner is the role's recruiter or its hiring manager."
    due: date | None = None
    raw_due = values.get(Field.ACTION_DUE)
    if raw_due:
        try:
            due = date.fromisoformat(raw_due)
        except ValueError:
            errors[Field.ACTION_DUE] = "Pick the due date from the calendar."
    if due is not None and Field.ACTION_OWNER not in errors:
        today = today_for(cached_people(session, role.team_id, [owner]).get(owner), now)
        if due < today:
            errors[Field.ACTION_DUE] = (
                f"That date is in the past: it is already {today:%d %B %Y} where the owner is."
            )
        elif due > _one_year_on(today):
            errors[Field.ACTION_DUE] = "Pick a date within a year from today."
    if errors:
        raise FormErrors(errors)
    assert isinstance(owner, str)
    return text, owner, due


def save_item(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    poll_id: int | None,
    values: dict[str, Any],
    now: datetime,
) -> ActionItem:
    """The action item, its timeline entry, the summary's and the pair's open briefs'
    re-render, in one transaction; ``FormErrors``, ``NotAllowed``, ``AlreadySubmitted``."""
    with sessions.begin() as session:
        poll, role = _poll_and_role(session, actor, poll_id, now=now)
        text, owner, due = _validated(session, role, poll, values, now=now)
        access.claim_submission(session, actor, view, now=now)
        item = ActionItem(
            team_id=role.team_id,
            role_id=role.id,
            poll_id=poll.id,
            recruiter_id=role.recruiter_id,
            hiring_manager_id=role.hiring_manager_id,
            text=text,
            owner_id=owner,
            due_on=due,
            created_by=actor.user_id,
            created_at=now,
        )
        session.add(item)
        session.flush()
        timeline.record(
            session,
            role,
            Event.ACTION_ITEM_ADDED,
            at=now,
            actor_id=actor.user_id,
            item_id=item.id,
            poll=poll.id,
            owner_id=owner,
            due_on=due.isoformat() if due else None,
        )
        retro_summary.queue_summary(session, role, poll, now=now)
        _refresh_pair_briefs(session, item, now=now)
        return item


# -- marking done ----------------------------------------------------------------------------


def mark_done(sessions: SessionFactory, actor: Actor, item_id: int, *, now: datetime) -> str:
    """*Mark done* on a brief: stamp the item, record it, refresh the briefs that show it
    and the summary it came from; returns the clicker's private confirmation."""
    with sessions.begin() as session:
        item = session.get(ActionItem, item_id)
        if item is None or item.team_id != actor.team_id:
            raise NotAllowed(NOT_YOURS_TO_MARK)
        pair = (item.recruiter_id, item.hiring_manager_id)
        if actor.user_id not in pair and not access.is_admin(session, actor, now=now):
            raise NotAllowed(NOT_YOURS_TO_MARK)
        marked = session.execute(
            update(ActionItem)
            .where(ActionItem.id == item.id, ActionItem.done_at.is_(None))
            .values(done_at=now, done_by=actor.user_id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if marked != 1:
            raise NotAllowed(ALREADY_DONE)
        session.refresh(item)
        role = session.get(Role, item.role_id)
        if role is not None:
            timeline.record(
                session,
                role,
                Event.ACTION_ITEM_DONE,
                at=now,
                actor_id=actor.user_id,
                item_id=item.id,
            )
            poll = session.get(RetroPoll, item.poll_id) if item.poll_id is not None else None
            if poll is not None and poll.summarized_at is not None:
                retro_summary.queue_summary(session, role, poll, now=now)
        _refresh_pair_briefs(session, item, now=now)
        shown = escape_mrkdwn(" ".join(item.text.split()))
        return f"Marked done: “{shown.rstrip('.')}” — it no longer shows on your briefs."
