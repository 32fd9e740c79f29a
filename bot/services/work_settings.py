"""Working hours a person controls (``/tandem quiet``), and the workspace default.

Each setting (hours, days, the morning-only digest) falls back on its own: the person's,
else the workspace default an admin set (``/tandem quiet default …``), else Tandem's
standard 09:00–18:00, Monday to Friday, with digests as items come up. Changing the hours
moves nothing already due: a due time is a promise made when the work was asked for; what
follows the new hours is when Tandem DMs the person, and the due times of work asked later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import SessionFactory
from bot.models import Person, Workspace
from bot.services.actors import Actor
from bot.services.people import ensure_workspace, get_person, person_zone, refresh_people
from bot.services.quiet_syntax import (
    USAGE,
    QuietChange,
    QuietSyntaxError,
    describe_days,
    describe_hours,
    parse_quiet,
)
from bot.services.working_time import DAY_END, DAY_START, WORKDAYS, WorkCalendar

ADMINS_ONLY = (
    "Only a workspace admin can change the workspace default. `/tandem quiet …` without "
    "`default` changes your own hours."
)
UNKNOWN_PERSON = "Slack did not tell Tandem who you are just now; try again in a minute."

# Where a setting comes from, as the answer says it.
OWN, WORKSPACE, STANDARD = "your own setting", "the workspace default", "Tandem's standard"


@dataclass(frozen=True)
class WorkSettings:
    """The settings in force, and where the hours and days come from."""

    start: time
    end: time
    workdays: frozenset[int]
    morning_digest_only: bool
    hours_from: str
    days_from: str


def _days(stored: str | None) -> frozenset[int] | None:
    days = frozenset(int(d) for d in stored or "" if d.isdigit() and int(d) < 7)
    return days or None


def _store_days(days: frozenset[int]) -> str:
    return "".join(str(d) for d in sorted(days))


def _workspace(session: Session, team_id: str) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.team_id == team_id))


def resolve(person: Person | None, workspace: Workspace | None) -> WorkSettings:
    """Each setting from the person, else the workspace, else the standard."""
    start, end, hours_from = DAY_START, DAY_END, STANDARD
    for source, label in ((workspace, WORKSPACE), (person, OWN)):
        # Stored as a pair (start before end); a half or an inverted pair is ignored.
        if source is None or source.work_start is None or source.work_end is None:
            continue
        if source.work_start < source.work_end:
            start, end, hours_from = source.work_start, source.work_end, label
    workdays, days_from = WORKDAYS, STANDARD
    for source, label in ((workspace, WORKSPACE), (person, OWN)):
        days = _days(source.workdays) if source is not None else None
        if days is not None:
            workdays, days_from = days, label
    digest = False
    for source in (workspace, person):
        if source is not None and source.morning_digest_only is not None:
            digest = source.morning_digest_only
    return WorkSettings(start, end, workdays, digest, hours_from, days_from)


def holiday_country_of(person: Person | None, workspace: Workspace | None) -> str | None:
    """Whose public holidays are the person's days off: their own country's, else the
    workspace's (None: weekends only)."""
    if person is not None and person.holiday_country:
        return person.holiday_country
    return workspace.holiday_country if workspace is not None else None


def calendar_of(session: Session, team_id: str, user_id: str) -> WorkCalendar:
    """The person's working calendar: their Slack time zone, their own country's holidays
    (else the workspace's), and the working hours, days and digest choice in force for them."""
    workspace = _workspace(session, team_id)
    person = get_person(session, team_id, user_id)
    settings = resolve(person, workspace)
    return WorkCalendar(
        person_zone(person),
        holiday_country_of(person, workspace),
        morning_digest_only=settings.morning_digest_only,
        start=settings.start,
        end=settings.end,
        workdays=settings.workdays,
    )


def _apply(target: Person | Workspace, change: QuietChange) -> None:
    if change.reset:
        target.work_start = target.work_end = target.workdays = None
        target.morning_digest_only = None
        return
    if change.start is not None and change.end is not None:
        target.work_start, target.work_end = change.start, change.end
    if change.workdays is not None:
        target.workdays = _store_days(change.workdays)
    if change.morning_digest_only is not None:
        target.morning_digest_only = change.morning_digest_only


def _digest_line(morning_only: bool) -> str:
    if morning_only:
        return "*Digest:* morning only — what can wait comes in one DM at the start of the day."
    return "*Digest:* twice a day — in the morning, and later in the day when more is waiting."


def describe_person(settings: WorkSettings) -> str:
    """The answer to ``/tandem quiet``: the person's hours, days and digest, and how to change."""
    return "\n".join(
        [
            f"*Your working hours:* {describe_hours(settings.start, settings.end)} "
            f"({settings.hours_from}), in the time zone of your Slack profile.",
            f"*Your working days:* {describe_days(settings.workdays)} ({settings.days_from}).",
            _digest_line(settings.morning_digest_only),
            "Tandem DMs you only in these hours on these days, and what you are asked for from "
            "now on falls due inside them.",
            USAGE,
        ]
    )


def describe_workspace(settings: WorkSettings) -> str:
    """The answer to ``/tandem quiet default``: what everyone gets unless they set their own."""
    return "\n".join(
        [
            f"*Workspace default hours:* {describe_hours(settings.start, settings.end)}, "
            f"{describe_days(settings.workdays)}, in each person's own time zone "
            f"({settings.hours_from}).",
            _digest_line(settings.morning_digest_only),
            "People who set their own with `/tandem quiet` keep theirs. Admins: "
            "`/tandem quiet default 08:30-16:30 mon-fri`, `/tandem quiet default digest "
            "morning`, `/tandem quiet default reset`.",
        ]
    )


def quiet_command(sessions: SessionFactory, actor: Actor, text: str, *, now: datetime) -> str:
    """``/tandem quiet [default] …``: show or change working hours; returns the answer.

    Everyone may see and change their own, and see the workspace default; only a workspace
    admin (Slack's ``is_admin``/``is_owner``, looked up fresh) may change the default. Bad
    input changes nothing and gets a one-line reason with the usage.
    """
    words = text.split(maxsplit=1)
    for_workspace = bool(words) and words[0].lower() == "default"
    rest = (words[1] if len(words) > 1 else "") if for_workspace else text
    try:
        change = parse_quiet(rest)
    except QuietSyntaxError as error:
        return str(error)
    with sessions.begin() as session:
        person = refresh_people(
            session,
            team_id=actor.team_id,
            user_ids=[actor.user_id],
            fetch=actor.fetch,
            now=now,
            force=for_workspace and not change.is_empty,
        ).get(actor.user_id)
        workspace = ensure_workspace(session, actor.team_id, now, actor.enterprise_id)
        if for_workspace:
            if not change.is_empty:
                if person is None or not person.is_admin:
                    return ADMINS_ONLY
                _apply(workspace, change)
            answer = describe_workspace(resolve(None, workspace))
        else:
            if person is None:
                return UNKNOWN_PERSON
            _apply(person, change)
            answer = describe_person(resolve(person, workspace))
        session.flush()
    return answer if change.is_empty else f"Saved. {answer}"
