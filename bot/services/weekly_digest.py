"""The weekly digest: opt-in (``/tandem digest on|off``), one DM on Monday at 09:00 in the
person's time zone with their roles, what changed in their scorecard over the week, and what
they owe this week.

It is a DM like any other: inside the person's working hours (a Monday off moves it to their
next working morning), held while their status says they are away, and counted in the
attention budget (3 DMs a working day) — when that is spent it waits for the next morning.
Each person's next due moment is stored (``people.weekly_digest_due_at``, indexed), so the
job reads only the digests that are due; a conditional update of that moment claims each
one, so any number of schedulers send it once.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.blocks.weekly_digest import DigestContent, DigestRole, FigureChange, digest_message
from bot.dates import slack_datetime
from bot.db import SessionFactory
from bot.models import Obligation, Person, Role, RoleStatus
from bot.services import attention, outbox
from bot.services.actors import Actor
from bot.services.people import refresh_people
from bot.services.scorecard_metrics import Scope, by_key, figures, period_days
from bot.services.work_settings import calendar_of
from bot.services.working_time import (
    WorkCalendar,
    is_away,
    next_delivery_time,
    next_working_morning,
)

DM_KIND = "weekly-digest"
DIGEST_HOUR = time(9, 0)
USAGE = (
    "Say `/tandem digest on` for one DM each Monday at 09:00 your time — your roles, what "
    "changed in your scorecard and what is due this week — or `/tandem digest off`."
)
WATCHED = (
    "feedback_on_time",
    "time_to_fill_days",
    "contract_kept:recruiter",
    "contract_kept:hm",
)


def next_monday_morning(now: datetime, calendar: WorkCalendar) -> datetime:
    """The next Monday 09:00 on the person's wall clock after ``now``."""
    local = calendar.local(now)
    monday = local.date() + timedelta(days=(7 - local.weekday()) % 7)
    moment = calendar.aware(datetime.combine(monday, DIGEST_HOUR))
    if moment <= now:
        moment = calendar.aware(datetime.combine(monday + timedelta(days=7), DIGEST_HOUR))
    return moment


def digest_command(sessions: SessionFactory, actor: Actor, text: str, *, now: datetime) -> str:
    """``/tandem digest [on|off]``: what the person asked for, said back to them only."""
    word = text.strip().lower()
    if word not in ("", "on", "off"):
        return USAGE
    with sessions.begin() as session:
        person = refresh_people(
            session, team_id=actor.team_id, user_ids=[actor.user_id], fetch=actor.fetch, now=now
        ).get(actor.user_id)
        if person is None:
            return "Tandem could not find you in this workspace; please try again in a moment."
        if word == "":
            if person.weekly_digest_due_at is None:
                return f"Your weekly digest is off. {USAGE}"
            return (
                "Your weekly digest is on: the next one comes "
                f"{slack_datetime(person.weekly_digest_due_at)}. `/tandem digest off` stops it."
            )
        if word == "off":
            person.weekly_digest_due_at = None
            return "Weekly digest off: no Monday DM. `/tandem digest on` brings it back."
        calendar = calendar_of(session, actor.team_id, actor.user_id)
        person.weekly_digest_due_at = next_monday_morning(now, calendar)
        return (
            "Weekly digest on: one DM each Monday at 09:00 your time (inside your working "
            "hours, and within your 3 DMs a day). The first comes "
            f"{slack_datetime(person.weekly_digest_due_at)}."
        )


def send_due(sessions: SessionFactory, *, now: datetime) -> int:
    """Queue every due weekly digest once; returns how many were queued."""
    with sessions() as session:
        due = list(
            session.scalars(
                select(Person.id)
                .where(Person.weekly_digest_due_at <= now)
                .order_by(Person.weekly_digest_due_at, Person.id)
            )
        )
    sent = 0
    for person_id in due:
        with sessions.begin() as session:
            sent += _send(session, person_id, now=now)
    return sent


def _move(session: Session, person: Person, was: datetime, to: datetime) -> int:
    """Move the person's due moment from ``was`` (the claim: only one transaction sees 1)."""
    return int(
        session.execute(
            update(Person)
            .where(Person.id == person.id, Person.weekly_digest_due_at == was)
            .values(weekly_digest_due_at=to)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def _send(session: Session, person_id: int, *, now: datetime) -> int:
    person = session.get(Person, person_id)
    if person is None or person.weekly_digest_due_at is None or person.weekly_digest_due_at > now:
        return 0
    was = person.weekly_digest_due_at
    calendar = calendar_of(session, person.team_id, person.user_id)
    if person.is_deleted or person.is_bot:
        _move(session, person, was, next_monday_morning(now, calendar))
        return 0
    window = next_delivery_time(now, calendar)
    if window > now:
        _move(session, person, was, window)
        return 0
    if is_away(person.status_text, person.status_emoji):
        _move(session, person, was, next_working_morning(now, calendar))
        return 0
    # A write on the person's row serialises this with their other DMs (nudges claim the
    # same row), so the budget below is read by one transaction at a time.
    session.execute(
        update(Person)
        .where(Person.id == person.id)
        .values(next_dm_at=Person.next_dm_at)
        .execution_options(synchronize_session=False)
    )
    sent_today = attention.dms_today(
        session, team_id=person.team_id, user_id=person.user_id, now=now, calendar=calendar
    )
    if len(sent_today) >= attention.DAILY_DMS:
        _move(session, person, was, next_working_morning(now, calendar))
        return 0
    if _move(session, person, was, next_monday_morning(now, calendar)) != 1:
        return 0  # another scheduler sent it
    text, blocks = digest_message(content_for(session, person, now=now))
    week = calendar.local(now).date().isocalendar()
    outbox.enqueue(
        session,
        team_id=person.team_id,
        kind=DM_KIND,
        method=outbox.POST,
        channel=person.user_id,
        payload={"text": text, "blocks": blocks},
        key=f"weekly-digest:{person.id}:{week.year}-W{week.week:02d}",
        now=now,
    )
    return 1


def _capacity(role: Role, user_id: str) -> str:
    if user_id == role.hiring_manager_id:
        return "hiring manager"
    return "recruiter" if user_id == role.recruiter_id else "interviewer"


def content_for(session: Session, person: Person, *, now: datetime) -> DigestContent:
    """What the digest says: open roles they are on, this week's change of their headline
    figures (the last 90 days now against the same span a week ago), what they owe in the
    coming 7 days (overdue first)."""
    team, user = person.team_id, person.user_id
    owed = list(
        session.scalars(
            select(Obligation)
            .where(
                Obligation.team_id == team,
                Obligation.owner_id == user,
                Obligation.resolved_at.is_(None),
                Obligation.cancelled_at.is_(None),
                Obligation.due_at < now + timedelta(days=7),
            )
            .order_by(Obligation.due_at, Obligation.id)
        )
    )
    owed_roles = {o.role_id for o in owed}
    roles = list(
        session.scalars(
            select(Role)
            .where(
                Role.team_id == team,
                Role.status == RoleStatus.OPEN,
                or_(
                    Role.recruiter_id == user,
                    Role.hiring_manager_id == user,
                    Role.id.in_(owed_roles),
                ),
            )
            .order_by(Role.created_at, Role.id)
        )
    )
    scope = Scope.person(team, user)
    current = by_key(figures(session, scope, period_days(now), now=now))
    week_ago = now - timedelta(days=7)
    before = by_key(figures(session, scope, period_days(week_ago), now=week_ago))
    changes = tuple(
        FigureChange(current[key], before.get(key)) for key in WATCHED if key in current
    )
    titles = {r.id: r.title for r in roles}
    return DigestContent(
        user_id=user,
        roles=tuple(
            DigestRole(r.title, r.channel_id, (now - r.created_at).days, _capacity(r, user))
            for r in roles
        ),
        changes=changes,
        owed=tuple(
            (titles.get(o.role_id, "a role"), o.kind, o.due_at, o.due_at <= now) for o in owed
        ),
    )
