"""The HM's quality-of-hire follow-ups: a DM poll N days after each hire's start date.

Planned at close (``schedule_for_hires``: one :class:`QualityCheck` per hire per day of the
workspace's ``quality_check_days``, due at the start of the HM's working day on that date,
or the next working day), cancelled when a reopen undoes the hire (``cancel_for_hires``).

Asked once: ``ask_due`` claims a due check with a conditional UPDATE of ``asked_at`` in the
transaction that queues the DM, so two schedulers never both ask; the outbox then delivers
it effectively once. The DM goes only inside the HM's working hours and counts towards their
attention budget (``bot.services.attention``): a spent day waits for the next morning.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.blocks.followups import CheckContent, quality_check_dm, quality_check_thanks
from bot.db import SessionFactory
from bot.models import Candidate, Hire, Person, QualityCheck, Role, RoleClosure
from bot.services import attention, message_keys, outbox
from bot.services.people import get_person
from bot.services.retro_settings import quality_check_days
from bot.services.work_settings import calendar_of
from bot.services.working_time import (
    WorkCalendar,
    is_away,
    next_delivery_time,
    next_working_morning,
)

DM_KIND = "quality-check"


def due_moment(start_on: date, days_after: int, calendar: WorkCalendar) -> datetime:
    """The start of the HM's working day ``days_after`` the start date (a day off moves it
    to the next working day)."""
    day = start_on + timedelta(days=days_after)
    return next_delivery_time(calendar.aware(datetime.combine(day, time())), calendar)


def schedule_for_hires(session: Session, role: Role, hires: list[Hire], *, now: datetime) -> None:
    """Plan the HM's 30/60/90-day polls for each new hire, in the caller's transaction.

    A check whose day is already over when the hire is recorded (a late close) is not
    planned: asking about day 30 on day 200 tells nobody anything."""
    if not hires:
        return
    calendar = calendar_of(session, role.team_id, role.hiring_manager_id)
    today = calendar.local(now).date()
    days = quality_check_days(session, role.team_id)
    for hire in hires:
        planned = set(
            session.scalars(select(QualityCheck.days_after).where(QualityCheck.hire_id == hire.id))
        )
        for days_after in days:
            if days_after in planned or hire.start_on + timedelta(days=days_after) < today:
                continue
            session.add(
                QualityCheck(
                    team_id=role.team_id,
                    role_id=role.id,
                    hire_id=hire.id,
                    hiring_manager_id=role.hiring_manager_id,
                    days_after=days_after,
                    due_at=due_moment(hire.start_on, days_after, calendar),
                )
            )
    session.flush()


def cancel_for_hires(session: Session, hires: list[Hire], *, now: datetime) -> None:
    """Cancel the unasked polls of hires undone by a reopen, in the caller's transaction."""
    ids = [hire.id for hire in hires]
    if not ids:
        return
    session.execute(
        update(QualityCheck)
        .where(
            QualityCheck.hire_id.in_(ids),
            QualityCheck.asked_at.is_(None),
            QualityCheck.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )


def ask_due(sessions: SessionFactory, *, now: datetime) -> int:
    """Queue each due quality-of-hire DM once (inside the HM's working hours); returns how
    many were queued."""
    with sessions() as session:
        due = list(
            session.scalars(
                select(QualityCheck.id)
                .where(
                    QualityCheck.asked_at.is_(None),
                    QualityCheck.cancelled_at.is_(None),
                    QualityCheck.due_at <= now,
                )
                .order_by(QualityCheck.due_at, QualityCheck.id)
            )
        )
    asked = 0
    for check_id in due:
        with sessions.begin() as session:
            asked += _ask(session, check_id, now=now)
    return asked


def _ask(session: Session, check_id: int, *, now: datetime) -> int:
    check = session.get(QualityCheck, check_id)
    if check is None or check.asked_at is not None or check.cancelled_at is not None:
        return 0
    hire = session.get(Hire, check.hire_id)
    role = session.get(Role, check.role_id)
    closure = session.get(RoleClosure, hire.closure_id) if hire is not None else None
    # A filled role reopened for another headcount keeps its hires (they were really hired),
    # so their follow-ups go on; only a hire whose rows are gone is not asked about.
    if hire is None or role is None or closure is None:
        _postpone(session, check, cancelled_at=now)
        return 0
    calendar = calendar_of(session, check.team_id, check.hiring_manager_id)
    window = next_delivery_time(now, calendar)
    if window > now:
        _postpone(session, check, due_at=window)
        return 0
    person = get_person(session, check.team_id, check.hiring_manager_id)
    if person is not None and is_away(person.status_text, person.status_emoji):
        _postpone(session, check, due_at=next_working_morning(now, calendar))
        return 0
    if person is not None:
        # A write on the HM's row serialises this with their other DMs (nudges claim the same
        # row), so the budget below is read by one transaction at a time.
        session.execute(
            update(Person)
            .where(Person.id == person.id)
            .values(next_dm_at=Person.next_dm_at)
            .execution_options(synchronize_session=False)
        )
    sent_today = attention.dms_today(
        session, team_id=check.team_id, user_id=check.hiring_manager_id, now=now, calendar=calendar
    )
    if len(sent_today) >= attention.DAILY_DMS:
        _postpone(session, check, due_at=next_working_morning(now, calendar))
        return 0
    claimed = session.execute(
        update(QualityCheck)
        .where(
            QualityCheck.id == check.id,
            QualityCheck.asked_at.is_(None),
            QualityCheck.cancelled_at.is_(None),
        )
        .values(asked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return 0  # another scheduler asked it first
    candidate = session.get(Candidate, hire.candidate_id)
    text, blocks = quality_check_dm(_content(role, hire, candidate, check))
    outbox.enqueue(
        session,
        team_id=check.team_id,
        kind=DM_KIND,
        method=outbox.POST,
        channel=check.hiring_manager_id,
        payload={"text": text, "blocks": blocks},
        key=message_keys.quality_check(check.id),
        role_id=role.id,
        now=now,
    )
    return 1


def _postpone(
    session: Session,
    check: QualityCheck,
    *,
    due_at: datetime | None = None,
    cancelled_at: datetime | None = None,
) -> None:
    values: dict[str, datetime] = {}
    if due_at is not None:
        values["due_at"] = due_at
    if cancelled_at is not None:
        values["cancelled_at"] = cancelled_at
    session.execute(
        update(QualityCheck)
        .where(QualityCheck.id == check.id, QualityCheck.asked_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _content(
    role: Role, hire: Hire, candidate: Candidate | None, check: QualityCheck
) -> CheckContent:
    # DMs to the HM name the candidate in full (only channel posts use initials).
    name = (candidate.name if candidate is not None else None) or f"Candidate #{hire.candidate_id}"
    return CheckContent(
        check_id=check.id,
        role_title=role.title,
        candidate_name=name,
        days_after=check.days_after,
        start_on=hire.start_on,
        rating=check.rating,
        predicted=check.must_haves_predicted,
    )


def content_of(session: Session, check: QualityCheck) -> CheckContent | None:
    """What the check's DM and modal show (None if its hire or role is gone)."""
    hire = session.get(Hire, check.hire_id)
    role = session.get(Role, check.role_id)
    if hire is None or role is None:
        return None
    return _content(role, hire, session.get(Candidate, hire.candidate_id), check)


def thanks_payload(session: Session, check: QualityCheck) -> dict[str, object] | None:
    """The DM's "thanks" text once the HM answered (None if its hire or role is gone)."""
    content = content_of(session, check)
    if content is None:
        return None
    text, blocks = quality_check_thanks(content)
    return {"text": text, "blocks": blocks}
