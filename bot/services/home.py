"""The App Home: what a person owes today, then the roles they are on, then their scorecard.

Read-only: one read transaction, no outbox. What a person owes comes first, most urgent
first — open obligations (feedback, résumé reviews, candidate updates, the first slate) by
due time, the current check-in of a role still waiting for their reply, open retro polls
they were invited to and have not answered *with their name*, and brief changes waiting for
their acknowledgement. An anonymous retro answer cannot be told from anyone else's without
its key (that is the point of it), so a poll answered anonymously stays listed, saying so.

Roles: those the person is on as recruiter, hiring manager or on the current panel (the
latest brief revision), open or on hold — a closed role owes nothing any more. Nobody sees a
role they are not on, so nothing here names a candidate to someone outside the role; the
items are the person's own, named in full as in their DMs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Generic, TypeVar

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from bot.blocks.nudges import NudgeItem
from bot.db import SessionFactory
from bot.models import (
    Acknowledgement,
    BriefRevision,
    CheckIn,
    CheckInParty,
    Commitment,
    NudgeKind,
    Obligation,
    RetroAnswer,
    RetroPoll,
    Role,
)
from bot.models.role import RoleStatus, Side
from bot.services import agreement, workspace_defaults
from bot.services.nudge_delivery import obligation_item
from bot.services.obligations import open_for
from bot.services.roles import revision_numbers
from bot.services.scorecard_metrics import Figure, Scope, figures, period_days
from bot.services.workspace_defaults import AdminSettings

# How many of each list the Home tab shows (it must stay within Slack's 100 blocks); the
# rest are counted ("… and N more").
MAX_ITEMS = 15
MAX_OTHERS = 5
MAX_ROLES = 20
ACTIVE = (RoleStatus.OPEN, RoleStatus.ON_HOLD)
T = TypeVar("T")


@dataclass(frozen=True)
class CheckInLine:
    role_title: str
    week: str
    reply_due_at: datetime


@dataclass(frozen=True)
class PollLine:
    poll_id: int
    role_title: str
    closes_at: datetime


@dataclass(frozen=True)
class AckLine:
    ack_id: int
    role_title: str
    revision: int
    topics: tuple[str, ...]


@dataclass(frozen=True)
class RoleLine:
    role_id: int
    title: str
    status: str
    capacity: str  # "recruiter", "hiring manager", "panel"
    days_open: int
    target_days: int | None  # kickoff to target fill date
    target_date: date | None
    overdue: dict[str, int]  # Side value -> open items past due
    signed: bool


@dataclass(frozen=True)
class Capped(Generic[T]):
    """One page of a list: ``shown`` from ``offset``, ``more`` left after it."""

    shown: list[T]
    more: int
    page: int = 0
    offset: int = 0

    @property
    def total(self) -> int:
        return self.offset + len(self.shown) + self.more


# The lists of the Home tab, each paged on its own with a *More* button.
SECTIONS = ("items", "checkins", "polls", "acks", "roles")


@dataclass(frozen=True)
class Dashboard:
    items: Capped[NudgeItem]
    checkins: Capped[CheckInLine]
    polls: Capped[PollLine]
    acks: Capped[AckLine]
    roles: Capped[RoleLine]
    scorecard: tuple[Figure, ...]
    period_label: str
    now: datetime
    # The workspace settings, for an admin's tab only (bot/services/admin_settings.py).
    workspace_settings: AdminSettings | None = None

    @property
    def first_visit(self) -> bool:
        """On no role and owing nothing: the welcome is all there is to show."""
        owed = self.items.shown or self.checkins.shown or self.polls.shown or self.acks.shown
        return not owed and not self.roles.shown


def _cap(rows: list[T], limit: int, page: int = 0) -> Capped[T]:
    """Page ``page`` of ``rows`` (the last page when ``page`` is past the end: a list that
    shrank since the *More* button was drawn)."""
    last = max((len(rows) - 1) // limit, 0)
    page = min(max(page, 0), last)
    offset = page * limit
    return Capped(rows[offset : offset + limit], max(len(rows) - offset - limit, 0), page, offset)


def _items(
    session: Session, team_id: str, user_id: str, now: datetime, *, limit: int | None, page: int = 0
) -> Capped[NudgeItem]:
    owed = sorted(
        open_for(session, team_id=team_id, owner_id=user_id), key=lambda o: (o.due_at, o.id)
    )
    # Only the page shown is turned into items (each reads its role and candidate).
    paged = _cap(owed, limit if limit is not None else max(len(owed), 1), page)
    items = [
        obligation_item(
            session,
            obligation,
            nudge_id=0,
            kind=NudgeKind.OVERDUE if obligation.due_at <= now else NudgeKind.REMINDER,
            in_channel=False,
        )
        for obligation in paged.shown
    ]
    return Capped(items, paged.more, paged.page, paged.offset)


def _checkins(session: Session, team_id: str, user_id: str) -> list[CheckInLine]:
    """The latest posted check-in of each open role that still waits for this person."""
    # Only the roles where this person has a reply outstanding, not every check-in held.
    waiting = (
        select(CheckIn.role_id)
        .join(CheckInParty, CheckInParty.checkin_id == CheckIn.id)
        .where(
            CheckInParty.team_id == team_id,
            CheckInParty.user_id == user_id,
            CheckInParty.replied_at.is_(None),
        )
    )
    latest = (
        select(CheckIn.role_id, func.max(CheckIn.scheduled_for).label("last"))
        .where(
            CheckIn.team_id == team_id,
            CheckIn.posted_at.is_not(None),
            CheckIn.role_id.in_(waiting),
        )
        .group_by(CheckIn.role_id)
        .subquery()
    )
    rows = session.execute(
        select(Role.title, CheckIn.week, CheckInParty.reply_due_at)
        .join(CheckIn, CheckIn.id == CheckInParty.checkin_id)
        .join(
            latest,
            and_(latest.c.role_id == CheckIn.role_id, latest.c.last == CheckIn.scheduled_for),
        )
        .join(Role, Role.id == CheckIn.role_id)
        .where(
            CheckInParty.team_id == team_id,
            CheckInParty.user_id == user_id,
            CheckInParty.replied_at.is_(None),
            CheckIn.skipped_at.is_(None),
            Role.status == RoleStatus.OPEN,
        )
        .order_by(CheckInParty.reply_due_at, CheckIn.id)
    )
    return [CheckInLine(title, week, due) for title, week, due in rows]


def _polls(session: Session, team_id: str, user_id: str, now: datetime) -> list[PollLine]:
    answered = select(RetroAnswer.poll_id).where(
        RetroAnswer.team_id == team_id, RetroAnswer.user_id == user_id
    )
    rows = session.execute(
        select(RetroPoll.id, RetroPoll.invited, RetroPoll.closes_at, Role.title)
        .join(Role, Role.id == RetroPoll.role_id)
        .where(
            RetroPoll.team_id == team_id,
            RetroPoll.summarized_at.is_(None),
            RetroPoll.closes_at > now,
            RetroPoll.id.not_in(answered),
        )
        .order_by(RetroPoll.closes_at, RetroPoll.id)
    )
    return [
        PollLine(poll_id, title, closes_at)
        for poll_id, invited, closes_at, title in rows
        if user_id in (invited or [])
    ]


def _acks(session: Session, team_id: str, user_id: str) -> list[AckLine]:
    acks = list(
        session.scalars(
            select(Acknowledgement)
            .join(Role, Role.id == Acknowledgement.role_id)
            .where(
                Acknowledgement.team_id == team_id,
                Acknowledgement.requested_from == user_id,
                Acknowledgement.acknowledged_at.is_(None),
                Role.status.in_(ACTIVE),
            )
            .order_by(Acknowledgement.created_at, Acknowledgement.id)
        )
    )
    numbers = revision_numbers(session, acks)
    ids = {a.role_id for a in acks}
    rows = session.execute(select(Role.id, Role.title).where(Role.id.in_(ids)))
    titles = {role_id: title for role_id, title in rows}  # noqa: C416
    return [
        AckLine(a.id, titles[a.role_id], numbers.get(a.revision_id, 0), tuple(a.topics or ()))
        for a in acks
    ]


def _capacity(role: Role, user_id: str) -> str:
    if user_id == role.recruiter_id == role.hiring_manager_id:
        return "recruiter and hiring manager"
    if user_id == role.recruiter_id:
        return "recruiter"
    if user_id == role.hiring_manager_id:
        return "hiring manager"
    return "panel"


def _roles(session: Session, team_id: str, user_id: str, now: datetime) -> list[RoleLine]:
    """The open and on-hold roles the person is recruiter, HM or on the current panel of."""
    latest = (
        select(BriefRevision.role_id, func.max(BriefRevision.number).label("number"))
        .where(BriefRevision.team_id == team_id)
        .group_by(BriefRevision.role_id)
        .subquery()
    )
    # The panel lives in the brief's JSON: the text match narrows the rows in the database
    # (the same on SQLite and PostgreSQL), the check below decides.
    named = cast(BriefRevision.content, String).contains(f'"{user_id}"', autoescape=True)
    rows = session.execute(
        select(Role, BriefRevision.content)
        .join(latest, latest.c.role_id == Role.id)
        .join(
            BriefRevision,
            and_(BriefRevision.role_id == Role.id, BriefRevision.number == latest.c.number),
        )
        .where(
            Role.team_id == team_id,
            Role.status.in_(ACTIVE),
            or_(Role.recruiter_id == user_id, Role.hiring_manager_id == user_id, named),
        )
        .order_by(Role.created_at, Role.id)
    ).all()
    mine = [
        (role, content)
        for role, content in rows
        if user_id in (role.recruiter_id, role.hiring_manager_id)
        or user_id in (content.get("panel") or [])
    ]
    if not mine:
        return []
    overdue = _overdue(session, team_id, [role.id for role, _ in mine], now)
    statuses = agreement.contract_statuses(session, [role for role, _ in mine])
    # Whole UTC calendar days, as the scorecard counts time to fill.
    today = now.astimezone(UTC).date()
    lines = []
    for role, content in mine:
        kickoff = role.created_at.date()
        target = content.get("target_fill_date")
        target_date = date.fromisoformat(target) if target else None
        lines.append(
            RoleLine(
                role_id=role.id,
                title=role.title,
                status=role.status,
                capacity=_capacity(role, user_id),
                days_open=max((today - kickoff).days, 0),
                target_days=(target_date - kickoff).days if target_date else None,
                target_date=target_date,
                overdue=overdue.get(role.id, {}),
                signed=statuses[role.id].signed_at is not None,
            )
        )
    # Open roles before those on hold, then the oldest kickoff first.
    lines.sort(key=lambda line: line.status != RoleStatus.OPEN)
    return lines


def _overdue(
    session: Session, team_id: str, role_ids: list[int], now: datetime
) -> dict[int, dict[str, int]]:
    """Open obligations past their due time, per role and side: a commitment's own side,
    else the recruiter's side for the role's recruiter and the HM's for everyone else."""
    by_recruiter = Obligation.owner_id == Role.recruiter_id
    rows = session.execute(
        select(Obligation.role_id, Commitment.owner_side, by_recruiter, func.count())
        .join(Role, Role.id == Obligation.role_id)
        .outerjoin(Commitment, Commitment.id == Obligation.commitment_id)
        .where(
            Obligation.team_id == team_id,
            Obligation.role_id.in_(role_ids),
            Obligation.resolved_at.is_(None),
            Obligation.cancelled_at.is_(None),
            Obligation.due_at <= now,
        )
        .group_by(Obligation.role_id, Commitment.owner_side, by_recruiter)
    )
    found: dict[int, dict[str, int]] = {}
    for role_id, owner_side, by_recruiter, count in rows:
        side_of = owner_side or (
            Side.RECRUITER.value if by_recruiter else Side.HIRING_MANAGER.value
        )
        per_role = found.setdefault(role_id, {})
        per_role[side_of] = per_role.get(side_of, 0) + int(count)
    return found


HEADLINE = ("time_to_fill_days", "feedback_on_time", "contract_kept:recruiter", "contract_kept:hm")


def _scorecard(
    session: Session, team_id: str, user_id: str, now: datetime
) -> tuple[tuple[Figure, ...], str]:
    """A few headline figures of the person's own scorecard (their roles as recruiter or HM,
    their own feedback): time to fill, feedback on time (theirs too), contract kept per side."""
    period = period_days(now)
    found = {f.key: f for f in figures(session, Scope.person(team_id, user_id), period, now=now)}
    own_key = f"feedback_on_time:person:{user_id}"
    own = found.get(own_key) or Figure(own_key, "Your feedback on time", None, 0, "%")
    own = Figure(own.key, "Your feedback on time", own.value, own.count, own.unit)
    picked = [found[key] for key in HEADLINE if key in found]
    picked.insert(2, own)
    return tuple(picked), period.label


def dashboard(
    sessions: SessionFactory,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    pages: dict[str, int] | None = None,
) -> Dashboard:
    """Everything the person's Home tab shows, in a read transaction of its own."""
    with sessions() as session:
        return dashboard_in(session, team_id=team_id, user_id=user_id, now=now, pages=pages)


def dashboard_in(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    pages: dict[str, int] | None = None,
) -> Dashboard:
    """Everything the person's Home tab shows, each list one page long (the MAX_ constants;
    ``pages`` says which page of each list, the first by default)."""
    page = {name: int((pages or {}).get(name, 0)) for name in SECTIONS}
    items = _items(session, team_id, user_id, now, limit=MAX_ITEMS, page=page["items"])
    roles = _cap(_roles(session, team_id, user_id, now), MAX_ROLES, page["roles"])
    checkins = _cap(_checkins(session, team_id, user_id), MAX_OTHERS, page["checkins"])
    polls = _cap(_polls(session, team_id, user_id, now), MAX_OTHERS, page["polls"])
    acks = _cap(_acks(session, team_id, user_id), MAX_OTHERS, page["acks"])
    if roles.shown or items.shown:
        scorecard, label = _scorecard(session, team_id, user_id, now)
    else:
        scorecard, label = (), ""
    return Dashboard(
        items=items,
        checkins=checkins,
        polls=polls,
        acks=acks,
        roles=roles,
        scorecard=scorecard,
        period_label=label,
        now=now,
        workspace_settings=workspace_defaults.shown_to(
            session, team_id=team_id, user_id=user_id, now=now
        ),
    )
