"""Deciding which nudges go out now, to whom, and claiming them so each is sent once.

For a recipient with due DMs: drop rungs whose obligation was met or cancelled, or that the
person muted; keep only the latest due rung per obligation (a late morning sends "overdue",
not "reminder" and "overdue"); wait for their working hours and for an away status to clear;
then follow the attention budget (``bot.services.attention``: at most 3 DMs a working day, a
morning and an early-afternoon digest, feedback requests at once) and one DM per person per
hour; then claim, most urgent first. Escalations are channel posts: one per role, at the
start of the hiring manager's working day, never snoozed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.models import Nudge, NudgeKind, Obligation, ObligationKind, Person
from bot.services import attention
from bot.services.obligations import is_muted
from bot.services.working_time import (
    WorkCalendar,
    is_away,
    next_delivery_time,
    next_working_morning,
)

STALE_CLAIM = timedelta(minutes=5)
DM_PACE = timedelta(hours=1)
# Two blocks an item, plus a header and two context lines: 43 of Block Kit's 50 blocks.
MAX_DIGEST_ITEMS = 20
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
    """``(team_id, recipient_id)`` pairs with at least one DM nudge due now."""
    rows = session.execute(
        select(Nudge.team_id, Nudge.recipient_id)
        .where(Nudge.kind != NudgeKind.ESCALATION, *_pending(now))
        .distinct()
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
    # Due items left out of a full digest (they wait, listed in the App Home).
    more: int = 0


def _urgency(session: Session, nudge: Nudge) -> tuple[datetime, int]:
    """Most urgent first: the earliest due time (overdue items lead), then the oldest."""
    obligation = session.get(Obligation, nudge.obligation_id)
    assert obligation is not None
    return obligation.due_at, nudge.id


def _is_feedback_request(session: Session, nudge: Nudge) -> bool:
    obligation = session.get(Obligation, nudge.obligation_id)
    return (
        nudge.kind == NudgeKind.REQUEST
        and obligation is not None
        and obligation.kind == ObligationKind.FEEDBACK
    )


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
        # Claiming the person's pace row is also what serialises their DMs: a second
        # scheduler waits on this row, then finds it taken, so the budget below is read by
        # one transaction at a time.
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
    wait = attention.dm_wait(
        now=now,
        calendar=calendar,
        sent_today=attention.dms_today(
            session, team_id=team_id, user_id=recipient_id, now=now, calendar=calendar
        ),
        urgent=any(_is_feedback_request(session, n) for n in due),
    )
    if wait is not None:
        if person is not None:
            session.execute(
                update(Person).where(Person.id == person.id).values(next_dm_at=previous)
            )
        _defer(due, wait)
        return Prepared([])
    due.sort(key=lambda n: _urgency(session, n))
    claimed = _claim(session, due[:MAX_DIGEST_ITEMS], now)
    more = len(due) - MAX_DIGEST_ITEMS if len(due) > MAX_DIGEST_ITEMS else 0
    return Prepared(claimed, person.id if person else None, previous, more)


def due_escalation_roles(session: Session, *, now: datetime) -> list[tuple[str, int]]:
    """``(team_id, role_id)`` pairs with at least one escalation due now."""
    rows = session.execute(
        select(Nudge.team_id, Nudge.role_id)
        .where(Nudge.kind == NudgeKind.ESCALATION, *_pending(now))
        .distinct()
    )
    return [(team_id, role_id) for team_id, role_id in rows]


def prepare_escalations(
    session: Session,
    *,
    team_id: str,
    role_id: int,
    hm_calendar: WorkCalendar,
    posted_since: datetime | None,
    now: datetime,
) -> list[Nudge]:
    """Claim the role's escalations for its one post of the day, most urgent first.

    The post goes at the start of the hiring manager's working day and lists what was late
    by then; what becomes due later waits for the next HM morning, and so does everything
    if the role already had its post today (``posted_since`` is that day's start, when it
    did).
    """
    due = list(
        session.scalars(
            select(Nudge)
            .where(
                Nudge.team_id == team_id,
                Nudge.role_id == role_id,
                Nudge.kind == NudgeKind.ESCALATION,
                *_pending(now),
            )
            .order_by(Nudge.id)
        )
    )
    due = _live(session, due, now)
    if not due:
        return []
    morning = attention.escalation_morning(now, hm_calendar)
    if morning is None:
        _defer(due, next_delivery_time(now, hm_calendar))
        return []
    tomorrow = next_working_morning(now, hm_calendar)
    if posted_since is not None:
        _defer(due, tomorrow)
        return []
    _defer([n for n in due if n.send_after > morning], tomorrow)
    ready = sorted((n for n in due if n.send_after <= morning), key=lambda n: _urgency(session, n))
    # Claimed in id order, so two schedulers racing for one role never deadlock.
    claimed = {n.id for n in _claim(session, sorted(ready, key=lambda n: n.id), now)}
    return [n for n in ready if n.id in claimed]


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
