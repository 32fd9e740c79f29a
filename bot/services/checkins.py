"""Weekly check-ins: when they are due, their claims, skips, and who is owed a reminder.

A check-in is due at the contract's weekday and time on the hiring manager's wall clock
(DST-safe: 10:00 stays 10:00), once per ISO week, for open roles whose brief is posted. The
first one is the first such slot at least two working days (HM's calendar) after the kickoff:
a role opened on Friday afternoon with Monday check-ins first meets a week later, not hours
after it was written down. Each side owes a reply within one working day of the post (in
their own calendar); whoever has not replied by then is mentioned once in the thread —
together with the other side if they are silent too, in one message.
A reply after that window still counts: the side's answer is recorded (``checkin_answered``,
with ``on_time``) and, once both sides replied, the check-in's participation is ``on_time``
or ``late`` (``bot.services.checkin_replies``). Posting and reminding go through the outbox
(``bot.services.checkin_posts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.models import (
    BriefRevision,
    CheckIn,
    CheckInParty,
    OutboxMessage,
    Role,
    RoleStatus,
    Side,
)
from bot.services import message_keys
from bot.services import roles as role_service
from bot.services.brief import Contract
from bot.services.obligations import calendar_for
from bot.services.working_time import WorkCalendar, add_working_hours, due_after

STALE_CLAIM = timedelta(minutes=5)
REPLY_WITHIN_HOURS = 24
# Working hours (HM's calendar) between the kickoff and the earliest first check-in.
FIRST_CHECKIN_AFTER_HOURS = 48
# A check-in missed by more than this (scheduler down) is not posted late.
LATEST_LATE_POST = timedelta(days=1)


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def occurrence_on_or_before(
    moment: datetime, weekday: int, at: time, calendar: WorkCalendar
) -> datetime:
    """The latest weekday-at-time (HM wall clock) not after ``moment``."""
    local = calendar.local(moment)
    day = local.date() - timedelta(days=(local.date().weekday() - weekday) % 7)
    candidate = calendar.aware(datetime.combine(day, at))
    if candidate > moment:
        candidate = calendar.aware(datetime.combine(day - timedelta(days=7), at))
    return candidate


def next_occurrence(after: datetime, weekday: int, at: time, calendar: WorkCalendar) -> datetime:
    """The first weekday-at-time (HM wall clock) strictly after ``after``."""
    previous = occurrence_on_or_before(after, weekday, at, calendar)
    return calendar.aware(datetime.combine(calendar.local(previous).date() + timedelta(days=7), at))


def first_checkin(created_at: datetime, weekday: int, at: time, calendar: WorkCalendar) -> datetime:
    """The first weekday-at-time slot at least two working days after the kickoff."""
    earliest = add_working_hours(created_at, FIRST_CHECKIN_AFTER_HOURS, calendar)
    slot = occurrence_on_or_before(earliest, weekday, at, calendar)
    return slot if slot == earliest else next_occurrence(earliest, weekday, at, calendar)


@dataclass(frozen=True)
class DueCheckIn:
    role_id: int
    team_id: str
    week: str
    scheduled_for: datetime


def due_checkins(session: Session, *, now: datetime) -> list[DueCheckIn]:
    """Open roles whose check-in of this week is due now and not yet claimed or skipped."""
    due: list[DueCheckIn] = []
    roles = session.scalars(
        select(Role).where(Role.status == RoleStatus.OPEN, Role.brief_ts.is_not(None))
    )
    for role in roles:
        contract = role_service.current_brief(session, role).contract
        calendar = calendar_for(session, role.team_id, role.hiring_manager_id)
        when = occurrence_on_or_before(
            now, contract.checkin_weekday, contract.checkin_time, calendar
        )
        first = first_checkin(
            role.created_at, contract.checkin_weekday, contract.checkin_time, calendar
        )
        if when < first or now - when > LATEST_LATE_POST:
            continue
        week = week_key(calendar.local(when).date())
        existing = session.scalar(
            select(CheckIn).where(CheckIn.role_id == role.id, CheckIn.week == week)
        )
        if existing is None or _abandoned(session, existing, now=now):
            due.append(DueCheckIn(role.id, role.team_id, week, when))
    return due


def _abandoned(session: Session, checkin: CheckIn, *, now: datetime) -> bool:
    """A claim nobody will finish: only one made before the outbox, whose post may have
    failed (a claim now commits with its outbox row, which the deliverer sees through)."""
    if checkin.posted_at is not None or checkin.skipped_at is not None:
        return False
    if checkin.claimed_at is not None and checkin.claimed_at >= now - STALE_CLAIM:
        return False
    queued = session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.team_id == checkin.team_id,
            OutboxMessage.key == message_keys.checkin(checkin.id),
        )
        .limit(1)
    )
    return queued is None


def claim_checkin(session: Session, due: DueCheckIn, *, now: datetime) -> CheckIn | None:
    """Insert (or take over an abandoned) ``(role, week)`` row; None when someone else has it.

    The caller queues the post in the same transaction, so a committed claim always has its
    outbox row and is never taken over (the deliverer retries it, or parks it).
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = session.execute(
        insert(CheckIn)
        .values(
            team_id=due.team_id,
            role_id=due.role_id,
            week=due.week,
            scheduled_for=due.scheduled_for,
            claimed_at=now,
        )
        .on_conflict_do_nothing(index_elements=["role_id", "week"])
        .returning(CheckIn.id)
    ).scalar_one_or_none()
    if inserted is not None:
        return session.get(CheckIn, inserted)
    existing = session.scalar(
        select(CheckIn).where(CheckIn.role_id == due.role_id, CheckIn.week == due.week)
    )
    if existing is None or not _abandoned(session, existing, now=now):
        return None
    # Conditional on the claim we saw: of two schedulers taking over, one wins.
    taken = session.execute(
        update(CheckIn)
        .where(
            CheckIn.id == existing.id,
            CheckIn.posted_at.is_(None),
            CheckIn.skipped_at.is_(None),
            or_(CheckIn.claimed_at.is_(None), CheckIn.claimed_at < now - STALE_CLAIM),
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        return None
    return session.get(CheckIn, existing.id, populate_existing=True)


def record_posted(
    session: Session, checkin: CheckIn, *, channel_id: str, ts: str, now: datetime
) -> None:
    """The post went out: remember where, and what each side now owes."""
    role = session.get(Role, checkin.role_id)
    assert role is not None
    checkin.posted_at, checkin.channel_id, checkin.message_ts = now, channel_id, ts
    for user_id, side in (
        (role.recruiter_id, Side.RECRUITER),
        (role.hiring_manager_id, Side.HIRING_MANAGER),
    ):
        if session.scalar(
            select(CheckInParty.id).where(
                CheckInParty.checkin_id == checkin.id, CheckInParty.user_id == user_id
            )
        ):
            continue
        calendar = calendar_for(session, role.team_id, user_id)
        session.add(
            CheckInParty(
                team_id=role.team_id,
                checkin_id=checkin.id,
                user_id=user_id,
                side=side,
                reply_due_at=due_after(now, REPLY_WITHIN_HOURS, calendar),
            )
        )


# -- reminders --------------------------------------------------------------------------------


def due_reminders(session: Session, *, now: datetime) -> list[CheckInParty]:
    """Parties who owe a reply past its due time and were not reminded (nor are being), on
    open roles (closing or holding a role stops its check-ins, reminders included)."""
    return list(
        session.scalars(
            select(CheckInParty)
            .join(CheckIn, CheckIn.id == CheckInParty.checkin_id)
            .join(Role, Role.id == CheckIn.role_id)
            .where(
                Role.status == RoleStatus.OPEN,
                CheckInParty.replied_at.is_(None),
                CheckInParty.reminded_at.is_(None),
                CheckInParty.reply_due_at <= now,
                or_(
                    CheckInParty.reminder_claimed_at.is_(None),
                    CheckInParty.reminder_claimed_at < now - STALE_CLAIM,
                ),
            )
        )
    )


def due_reminder_checkins(session: Session, *, now: datetime) -> list[tuple[int, str]]:
    """``(checkin_id, team_id)`` of check-ins with at least one party to remind now."""
    return list(dict.fromkeys((p.checkin_id, p.team_id) for p in due_reminders(session, now=now)))


def parties_to_remind(session: Session, checkin_id: int, *, now: datetime) -> list[CheckInParty]:
    """The check-in's silent parties whose reply is overdue (one reminder mentions them all)."""
    return [p for p in due_reminders(session, now=now) if p.checkin_id == checkin_id]


def claim_reminder(session: Session, party_id: int, *, now: datetime) -> bool:
    return (
        session.execute(
            update(CheckInParty)
            .where(
                CheckInParty.id == party_id,
                CheckInParty.replied_at.is_(None),
                CheckInParty.reminded_at.is_(None),
                or_(
                    CheckInParty.reminder_claimed_at.is_(None),
                    CheckInParty.reminder_claimed_at < now - STALE_CLAIM,
                ),
            )
            .values(reminder_claimed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def record_reminded(session: Session, party_id: int, *, now: datetime) -> None:
    party = session.get(CheckInParty, party_id)
    assert party is not None
    party.reminded_at = now
    checkin = session.get(CheckIn, party.checkin_id)
    if checkin is not None and checkin.both_replied_on_time is None:
        checkin.both_replied_on_time = False


def skip_week(
    session: Session,
    *,
    role: Role,
    week: str,
    scheduled_for: datetime,
    user_id: str,
    reason: str,
    now: datetime,
) -> CheckIn:
    """Skip one week's check-in (recorded with who and why)."""
    checkin = session.scalar(
        select(CheckIn).where(CheckIn.role_id == role.id, CheckIn.week == week)
    )
    if checkin is None:
        checkin = CheckIn(
            team_id=role.team_id, role_id=role.id, week=week, scheduled_for=scheduled_for
        )
        session.add(checkin)
    checkin.skipped_at, checkin.skipped_by, checkin.skip_reason = now, user_id, reason[:500]
    return checkin


def next_checkin(session: Session, role: Role, *, now: datetime) -> tuple[str, datetime]:
    """The week key and time of the role's next check-in after ``now``."""
    contract = role_service.current_brief(session, role).contract
    calendar = calendar_for(session, role.team_id, role.hiring_manager_id)
    when = max(
        next_occurrence(now, contract.checkin_weekday, contract.checkin_time, calendar),
        first_checkin(role.created_at, contract.checkin_weekday, contract.checkin_time, calendar),
    )
    return week_key(calendar.local(when).date()), when


def schedule_start(session: Session, role: Role) -> datetime:
    """The first check-in on the role's current day and time: the first slot after the
    kickoff's two working days, or after the revision that last moved the check-in."""
    revisions = list(
        session.scalars(
            select(BriefRevision)
            .where(BriefRevision.role_id == role.id)
            .order_by(BriefRevision.number.desc())
        )
    )
    contract = Contract.model_validate(revisions[0].content["contract"])
    schedule = (contract.checkin_weekday, contract.checkin_time)
    moved_at: datetime | None = None
    for newer, older in pairwise(revisions):
        before = Contract.model_validate(older.content["contract"])
        if (before.checkin_weekday, before.checkin_time) != schedule:
            moved_at = newer.created_at
            break
    calendar = calendar_for(session, role.team_id, role.hiring_manager_id)
    first = first_checkin(role.created_at, *schedule, calendar)
    if moved_at is None:
        return first
    return max(first, next_occurrence(moved_at, *schedule, calendar))
