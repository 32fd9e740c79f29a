"""Deciding which nudges go out now, to whom, and claiming them so each is sent once.

For a recipient with due DMs: drop rungs whose obligation was met or cancelled, or that the
person muted; keep only the latest due rung per obligation (a late morning sends "overdue",
not "reminder" and "overdue"); wait for 09:00–18:00 on their working day and for an away
status to clear; respect one DM per person per hour (several items become one digest); then
claim. Escalations are channel posts: they wait for the owner's working hours but are not
paced or snoozed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.models import Nudge, NudgeKind, Obligation, Person
from bot.services.obligations import is_muted
from bot.services.working_time import (
    WorkCalendar,
    is_away,
    next_delivery_time,
    next_working_morning,
)

STALE_CLAIM = timedelta(minutes=5)
DM_PACE = timedelta(hours=1)
MAX_DIGEST_ITEMS = 10
RUNG_ORDER = [NudgeKind.REQUEST, NudgeKind.REMINDER, NudgeKind.OVERDUE]


def _claimable(now: datetime) -> object:
    return or_(Nudge.claimed_at.is_(None), Nudge.claimed_at < now - STALE_CLAIM)


def _pending(now: datetime) -> list[object]:
    return [
        Nudge.sent_at.is_(None),
        Nudge.cancelled_at.is_(None),
        Nudge.send_after <= now,
        _claimable(now),
    ]


def due_recipients(session: Session, *, now: datetime) -> list[tuple[str, str]]:
    """``(team_id, recipient_id)`` pairs with at least one nudge due now."""
    rows = session.execute(
        select(Nudge.team_id, Nudge.recipient_id).where(*_pending(now)).distinct()
    )
    return [(team_id, recipient_id) for team_id, recipient_id in rows]


def _cancel(session: Session, nudges: list[Nudge], now: datetime, reason: str) -> None:
    for nudge in nudges:
        nudge.cancelled_at = now
        nudge.cancel_reason = reason


def _defer(nudges: list[Nudge], until: datetime) -> None:
    for nudge in nudges:
        nudge.send_after = max(nudge.send_after, until)


def _claim(session: Session, nudges: list[Nudge], now: datetime) -> list[Nudge]:
    claimed = []
    for nudge in nudges:
        won = session.execute(
            update(Nudge)
            .where(
                Nudge.id == nudge.id,
                Nudge.sent_at.is_(None),
                Nudge.cancelled_at.is_(None),
                _claimable(now),
            )
            .values(claimed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won == 1:
            claimed.append(nudge)
    return claimed


def _live(session: Session, nudges: list[Nudge], now: datetime) -> list[Nudge]:
    """Drop rungs whose obligation is over or that the recipient muted."""
    live = []
    for nudge in nudges:
        obligation = session.get(Obligation, nudge.obligation_id)
        if obligation is None or not obligation.is_open:
            _cancel(session, [nudge], now, "resolved")
        elif not nudge.essential and is_muted(
            session, team_id=nudge.team_id, role_id=nudge.role_id, user_id=nudge.recipient_id
        ):
            _cancel(session, [nudge], now, "muted")
        else:
            live.append(nudge)
    return live


@dataclass
class Prepared:
    """Claimed nudges ready to send, and how to undo the claim if sending fails."""

    nudges: list[Nudge]
    person_id: int | None = None
    previous_next_dm_at: datetime | None = None


def prepare_dm(
    session: Session,
    *,
    team_id: str,
    recipient_id: str,
    person: Person | None,
    calendar: WorkCalendar,
    now: datetime,
) -> Prepared:
    """Claim the recipient's due DMs (as one digest), or defer them; may return nothing."""
    due = list(
        session.scalars(
            select(Nudge)
            .where(
                Nudge.team_id == team_id,
                Nudge.recipient_id == recipient_id,
                Nudge.kind != NudgeKind.ESCALATION,
                *_pending(now),
            )
            .order_by(Nudge.scheduled_for, Nudge.id)
        )
    )
    due = _live(session, due, now)
    latest: dict[int, Nudge] = {}
    for nudge in due:
        current = latest.get(nudge.obligation_id)
        if current is None or RUNG_ORDER.index(NudgeKind(nudge.kind)) > RUNG_ORDER.index(
            NudgeKind(current.kind)
        ):
            latest[nudge.obligation_id] = nudge
    _cancel(session, [n for n in due if latest.get(n.obligation_id) is not n], now, "superseded")
    due = sorted(latest.values(), key=lambda n: (n.scheduled_for, n.id))
    if not due:
        return Prepared([])
    window = next_delivery_time(now, calendar)
    if window > now:
        _defer(due, window)
        return Prepared([])
    if person is not None and is_away(person.status_text, person.status_emoji):
        _defer(due, next_working_morning(now, calendar))
        return Prepared([])
    previous = person.next_dm_at if person is not None else None
    if person is not None:
        paced = session.execute(
            update(Person)
            .where(
                Person.id == person.id, or_(Person.next_dm_at.is_(None), Person.next_dm_at <= now)
            )
            .values(next_dm_at=now + DM_PACE)
            .execution_options(synchronize_session=False)
        ).rowcount
        if paced != 1:
            session.refresh(person)
            _defer(due, person.next_dm_at or now + DM_PACE)
            return Prepared([])
    claimed = _claim(session, due[:MAX_DIGEST_ITEMS], now)
    return Prepared(claimed, person.id if person else None, previous)


def prepare_escalations(
    session: Session, *, team_id: str, owner_id: str, calendar: WorkCalendar, now: datetime
) -> list[Nudge]:
    due = list(
        session.scalars(
            select(Nudge)
            .where(
                Nudge.team_id == team_id,
                Nudge.recipient_id == owner_id,
                Nudge.kind == NudgeKind.ESCALATION,
                *_pending(now),
            )
            .order_by(Nudge.id)
        )
    )
    due = _live(session, due, now)
    if not due:
        return []
    window = next_delivery_time(now, calendar)
    if window > now:
        _defer(due, window)
        return []
    return _claim(session, due, now)


def mark_sent(session: Session, nudge_ids: list[int], *, outbox_id: int, now: datetime) -> None:
    """The nudges' message is in the outbox (row ``outbox_id``), committed with this mark."""
    session.execute(
        update(Nudge)
        .where(Nudge.id.in_(nudge_ids))
        .values(sent_at=now, outbox_id=outbox_id)
        .execution_options(synchronize_session=False)
    )


def release(session: Session, prepared: Prepared) -> None:
    """Undo claims (and the hourly pace) of nudges that cannot be queued yet, so a later tick
    retries them."""
    ids = [n.id for n in prepared.nudges]
    if ids:
        session.execute(
            update(Nudge).where(Nudge.id.in_(ids), Nudge.sent_at.is_(None)).values(claimed_at=None)
        )
    if prepared.person_id is not None:
        session.execute(
            update(Person)
            .where(Person.id == prepared.person_id)
            .values(next_dm_at=prepared.previous_next_dm_at)
        )
