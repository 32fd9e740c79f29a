"""The shared scorecard's figures (product.md §5), computed in the database.

One set of numbers both sides see, for a role, a recruiter–HM pair, a person or the whole
workspace, over a period. Every figure comes from a handful of set-based queries (aggregates,
``CASE``, ``GROUP BY`` and window functions, SQLAlchemy Core); no query returns the rows a
figure is made of, only their aggregates. Every value is derived in Python from *integer*
aggregates (sums and counts), so SQLite and PostgreSQL give exactly the same figures.

The history tables are the source, not the current state of a row. They record the same
facts as the role's timeline (``timeline_entries``), typed and indexed, where the timeline
keeps them in a JSON ``detail`` that each database reads with its own functions:

* a **reopened** role keeps its closes (``RoleClosure.reopened_at`` is only stamped), so each
  close as filled is a fill; reopening a filled role is for another position, so the next
  fill's clock starts at that reopening (a hold or a cancel reopened does not restart it);
* **feedback** is judged by its first submission (``Obligation.resolved_at``, set once, equal
  to ``Feedback.submitted_at``), never by ``Feedback.updated_at``, so an edit after the due
  time does not make on-time feedback late (nor late feedback on time);
* an **erased** candidate (``Candidate.erased_at``) keeps its stage changes, interviews and
  score rows: it still counts, anonymously (no query here reads a name);
* a role **on hold** is neither filled nor cancelled: its work so far counts like any other
  role's, its obligations dropped at the hold before they were due count for nothing.

Definitions and approximations (also in the figures' docstrings below):

* "kickoff" is ``Role.created_at``; days to fill are whole UTC calendar days from the kickoff
  day to ``offer_accepted_on`` (the shared-win message uses the HM's local kickoff day, which
  can differ by one for a kickoff near midnight UTC);
* an **offer made** is a candidate who reached stage *offer* or *hired* (a ``StageChange``),
  dated by the first such change; **accepted** is one who reached *hired* (up to ``now``);
  a pending offer counts as made and not (yet) accepted;
* an obligation's verdict (feedback and contract commitments alike, as the retro's facts
  count them): resolved by ``now`` → on time iff resolved by its due time; not resolved and
  not due yet → not counted; dropped (cancelled) before its due time → not counted;
  otherwise late/missed. Its period is given by its due time. Side: the commitment's
  ``owner_side`` when it has one, else the recruiter's side for the role's recruiter and
  the HM's side for everyone else (the HM and the panel);
* feedback turnaround counts **weekdays (Mon–Fri)** from the interview's end to the first
  submission, by UTC calendar date: weekdays in ``[end date, submitted date)`` — so same-day
  feedback is 0, Friday → Monday is 1. Holidays and personal working hours are not known to
  SQL and are not subtracted;
* check-in participation is judged from the ``CheckInParty`` rows (the source the
  ``CheckIn.both_replied_on_time`` flag is derived from): on time when every party replied by
  their reply due time, not on time as soon as one replied late or did not reply by then,
  undecided (not counted) while a party can still reply on time;
* HM and recruiter satisfaction read *named* retro answers only (``RetroAnswer.capacity``):
  an anonymous answer (``RetroAnonymousAnswer``) has no capacity by design, so it cannot be
  told an HM's from a recruiter's and is left out of both;
* percentages are 0–100; a figure with no rows has value ``None`` ("no data yet", never 0)
  and count 0, and every ``None`` has count 0. A share's or a ratio's count is its
  denominator (obligations judged, check-ins decided, offers made), a mean's or a median's
  the values it is taken over.

Which moment puts a row in the period ``[start, end)`` (and nothing after ``now`` counts):
a fill its offer-accepted day (by that day's midnight UTC), an offer its first stage change
to offer or hired, an interview its end, feedback owed and a commitment their due time,
feedback turnaround the first submission, a check-in its posting, a candidate score its
recording, a retro answer its first answer (``answered_at``; an edit moves ``updated_at``),
a quality check its answer.

Medians (time to fill, feedback turnaround) are taken from a histogram of the values — one
row per distinct day count, with running counts from window functions — so only the row or
two holding the middle positions come back, by the same SQL on both databases.

:func:`figures` runs ten statements whatever the data (a test counts them);
:func:`monthly_trend` two more for the chart's lines. :func:`obligation_rows` is the one
function that returns rows — for the export, judged by the same SQL expressions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from bot.models import (
    Candidate,
    CandidateStage,
    CheckIn,
    CheckInParty,
    Commitment,
    Feedback,
    Interview,
    Obligation,
    ObligationKind,
    Outcome,
    QualityCheck,
    RetroAnswer,
    RetroPoll,
    Role,
    RoleClosure,
    StageChange,
)
from bot.models.retro import Capacity
from bot.models.role import Side

DEFAULT_DAYS = 90

# -- shared data shapes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Half-open ``[start, end)`` in UTC; ``label`` is for people ("last 90 days")."""

    start: datetime
    end: datetime
    label: str


@dataclass(frozen=True)
class Figure:
    """One metric: value ``None`` means "no data yet" (never 0)."""

    key: str  # e.g. "time_to_fill_days", "offer_acceptance", "feedback_on_time"
    label: str  # "Time to fill"
    value: float | None
    count: int  # how many rows it is based on
    unit: str  # "days", "%", "/5", "ratio", "working days"


# -- periods ----------------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given for a period")
    return moment.astimezone(UTC)


def period_days(now: datetime, days: int = DEFAULT_DAYS) -> Period:
    """The last ``days`` days up to ``now`` (the scorecard's default is the last 90)."""
    if days < 1:
        raise ValueError("a period is at least one day")
    now = _aware(now)
    return Period(now - timedelta(days=days), now, f"last {days} days")


def period_dates(first: date, last: date, label: str | None = None) -> Period:
    """The calendar days ``first``..``last`` inclusive, UTC (``2027-01-01..2027-03-31``)."""
    if last < first:
        raise ValueError("a period ends on or after its first day")
    start = datetime.combine(first, time(), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC)
    return Period(start, end, label or f"{first.isoformat()} to {last.isoformat()}")


def period_quarter(now: datetime) -> Period:
    """The calendar quarter (UTC) that contains ``now``, labelled like "Q1 2027"."""
    now = _aware(now)
    quarter = (now.month - 1) // 3
    first = date(now.year, 3 * quarter + 1, 1)
    after = date(now.year + 1, 1, 1) if quarter == 3 else date(now.year, 3 * quarter + 4, 1)
    return period_dates(first, after - timedelta(days=1), f"Q{quarter + 1} {now.year}")


def _first_day_from(moment: datetime) -> date:
    """The first calendar day whose midnight (UTC) is at or after ``moment``: a date column
    is in ``[start, end)`` when its midnight is."""
    day = moment.astimezone(UTC).date()
    return day if moment.astimezone(UTC).time() == time() else day + timedelta(days=1)


# -- scopes -----------------------------------------------------------------------------------

ScopeKind = Literal["role", "pair", "person", "workspace"]


@dataclass(frozen=True)
class Scope:
    """Whose figures: one role, a recruiter–HM pair, a person, or the workspace — always
    inside one workspace (``team_id``). Every query filters each fact table's own
    ``team_id`` (tenant isolation) and picks the scope's roles among the team's roles; a
    role joined only for its recruiter is found by its primary key (no second team filter
    there, which would tempt PostgreSQL without statistics into scanning the team's roles
    for every row)."""

    team_id: str
    kind: ScopeKind
    role_id: int | None = None
    recruiter_id: str | None = None
    hiring_manager_id: str | None = None
    user_id: str | None = None

    def __post_init__(self) -> None:
        needed = {
            "role": (self.role_id,),
            "pair": (self.recruiter_id, self.hiring_manager_id),
            "person": (self.user_id,),
            "workspace": (),
        }[self.kind]
        if not self.team_id or any(v is None for v in needed):
            raise ValueError(f"a {self.kind} scope needs its ids")

    @classmethod
    def role(cls, team_id: str, role_id: int) -> Scope:
        return cls(team_id, "role", role_id=role_id)

    @classmethod
    def pair(cls, team_id: str, recruiter_id: str, hiring_manager_id: str) -> Scope:
        return cls(team_id, "pair", recruiter_id=recruiter_id, hiring_manager_id=hiring_manager_id)

    @classmethod
    def person(cls, team_id: str, user_id: str) -> Scope:
        return cls(team_id, "person", user_id=user_id)

    @classmethod
    def workspace(cls, team_id: str) -> Scope:
        return cls(team_id, "workspace")


def scope_roles(scope: Scope) -> Select[tuple[int]]:
    """The ids of the roles in ``scope`` (a subquery for ``IN``): the role; the pair's roles;
    the roles the person is recruiter or HM on (as they are now); every role of the team."""
    query = select(Role.id).where(Role.team_id == scope.team_id)
    if scope.kind == "role":
        return query.where(Role.id == scope.role_id)
    if scope.kind == "pair":
        return query.where(
            Role.recruiter_id == scope.recruiter_id,
            Role.hiring_manager_id == scope.hiring_manager_id,
        )
    if scope.kind == "person":
        return query.where(
            or_(Role.recruiter_id == scope.user_id, Role.hiring_manager_id == scope.user_id)
        )
    return query


def _in_scope(role_id: Any, scope: Scope) -> ColumnElement[bool]:
    """A fact row's role is in the scope. For the workspace that is every role of the team,
    which the fact table's own ``team_id`` filter already says: no lookup per row."""
    return true() if scope.kind == "workspace" else role_id.in_(scope_roles(scope))


# -- SQL helpers --------------------------------------------------------------------------------

# A Monday: day numbers count from it, so ``n % 7`` is the weekday (0 = Monday).
_EPOCH = "2000-01-03"
_EPOCH_JULIAN_DAY = 2451547


class utc_day(FunctionElement[int]):  # an SQL function, named like one
    """Whole days from Monday 2000-01-03 to a UTC timestamp's calendar date."""

    type = Integer()
    inherit_cache = True
    name = "utc_day"


class day_number(FunctionElement[int]):
    """Whole days from Monday 2000-01-03 to a ``DATE``."""

    type = Integer()
    inherit_cache = True
    name = "day_number"


def _argument(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(utc_day, "sqlite")
@compiles(day_number, "sqlite")
def _day_sqlite(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps UTC timestamps as naive text and dates as 'YYYY-MM-DD'; julianday() reads
    # both and is x.5 at midnight, so + 0.5 truncated is the day's number (2451547 is Monday
    # 2000-01-03's): one date parse per value.
    arg = _argument(element, compiler, **kw)
    return f"(CAST(julianday({arg}) + 0.5 AS INTEGER) - {_EPOCH_JULIAN_DAY})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    # timestamptz → the UTC wall clock, whatever the session's time zone.
    arg = _argument(element, compiler, **kw)
    return f"(CAST(timezone('UTC', {arg}) AS DATE) - DATE '{_EPOCH}')"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"({_argument(element, compiler, **kw)} - DATE '{_EPOCH}')"


class utc_month(FunctionElement[int]):
    """A UTC timestamp's month as ``year * 12 + month - 1`` (a number to group by)."""

    type = Integer()
    inherit_cache = True
    name = "utc_month"


class month_number(FunctionElement[int]):
    """A ``DATE``'s month as ``year * 12 + month - 1``."""

    type = Integer()
    inherit_cache = True
    name = "month_number"


@compiles(utc_month, "sqlite")
@compiles(month_number, "sqlite")
def _month_sqlite(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps timestamps (naive UTC) and dates as 'YYYY-MM-DD…' text: the year and the
    # month are read from their places, without parsing the whole value twice (strftime).
    arg = _argument(element, compiler, **kw)
    return f"(CAST(substr({arg}, 1, 4) AS INTEGER) * 12 + CAST(substr({arg}, 6, 2) AS INTEGER) - 1)"


def _month_postgresql(arg: str) -> str:
    return f"CAST(EXTRACT(YEAR FROM {arg}) * 12 + EXTRACT(MONTH FROM {arg}) - 1 AS INTEGER)"


@compiles(utc_month, "postgresql")
def _utc_month_postgresql(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return _month_postgresql(f"timezone('UTC', {_argument(element, compiler, **kw)})")


@compiles(month_number, "postgresql")
def _month_number_postgresql(
    element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any
) -> str:
    return _month_postgresql(_argument(element, compiler, **kw))


def _weekdays_before(day: ColumnElement[int]) -> ColumnElement[int]:
    """Mondays to Fridays in ``[epoch, day)`` for a day number ≥ 0: five a full week, plus
    the part week's days up to Friday."""
    rest = day % 7
    return (day // 7) * 5 + case((rest > 5, 5), else_=rest)


def _working_days(start: ColumnElement[datetime], end: ColumnElement[datetime]) -> Any:
    """Weekdays in ``[start's UTC date, end's UTC date)``, never negative."""
    return _working_days_between(utc_day(start), utc_day(end))


def _working_days_between(start_day: Any, end_day: Any) -> Any:
    """Weekdays in ``[start_day, end_day)`` for two day numbers, never negative."""
    days = _weekdays_before(end_day) - _weekdays_before(start_day)
    return case((days < 0, 0), else_=days)


def _in_period(column: Any, period: Period, now: datetime) -> ColumnElement[bool]:
    """A timestamp in ``[start, end)`` that has already happened."""
    return and_(column >= period.start, column < period.end, column <= now)


def _date_in_period(column: Any, period: Period, now: datetime) -> ColumnElement[bool]:
    """A date whose midnight (UTC) is in ``[start, end)`` and not after ``now``."""
    return and_(
        column >= _first_day_from(period.start),
        column < _first_day_from(period.end),
        column <= now.astimezone(UTC).date(),
    )


def _verdict(obligation: type[Obligation], now: datetime) -> Any:
    """1 kept on time, 0 late or missed, NULL when it does not count (see the module doc)."""
    resolved, due, cancelled = obligation.resolved_at, obligation.due_at, obligation.cancelled_at
    done = and_(resolved.is_not(None), resolved <= now)
    return case(
        (and_(done, resolved <= due), 1),
        (done, 0),
        (due > now, null()),
        (and_(cancelled.is_not(None), cancelled < due), null()),
        else_=0,
    )


def _side(*, commitments: bool = True) -> Any:
    """The side an obligation is owed by: its commitment's ``owner_side`` when it has one
    (``Commitment`` outer-joined), else the recruiter's for the role's recruiter and the HM's
    for anyone else (``Role`` joined). Feedback has no commitment."""
    by_owner = case(
        (Obligation.owner_id == Role.recruiter_id, literal(Side.RECRUITER.value)),
        else_=literal(Side.HIRING_MANAGER.value),
    )
    return func.coalesce(Commitment.owner_side, by_owner) if commitments else by_owner


def _positions(values: Any, *, grouped: bool, weighted: bool = False) -> Any:
    """The values as a histogram — one row per distinct value (per group), with how many
    rows have it and how many have it or less — so that finding a median sorts a few dozen
    distinct day counts, not every row (``count`` and running ``sum`` windows). Weighted
    values (a ``w`` column) each stand for ``w`` rows."""
    columns = [values.c.g] if grouped else []
    how_many = func.sum(values.c.w) if weighted else func.count()
    histogram = (
        select(*columns, values.c.v, how_many.label("c")).group_by(*columns, values.c.v).subquery()
    )
    partition = {"partition_by": histogram.c.g} if grouped else {}
    return select(
        *([histogram.c.g] if grouped else []),
        histogram.c.v,
        histogram.c.c,
        # Integers on both databases (PostgreSQL sums a count as NUMERIC, and NUMERIC / 2
        # would not truncate).
        cast(func.sum(histogram.c.c).over(order_by=histogram.c.v, **partition), Integer).label(
            "upto"
        ),
        cast(func.sum(histogram.c.c).over(**partition), Integer).label("n"),
    ).subquery()


def _median_parts(ranked: Any) -> tuple[Any, Any, ColumnElement[bool]]:
    """Twice the median (the values at positions ⌊(n+1)/2⌋ and ⌊(n+2)/2⌋ added: the same
    position twice for an odd ``n``), the count, and which histogram rows hold them."""
    low, high = (ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2
    first = ranked.c.upto - ranked.c.c  # rows before this value

    def holds(position: Any) -> ColumnElement[bool]:
        return and_(first < position, ranked.c.upto >= position)

    twice = func.sum(
        case((holds(low), ranked.c.v), else_=0) + case((holds(high), ranked.c.v), else_=0)
    )
    return twice, func.max(ranked.c.n), or_(holds(low), holds(high))


def _median_of(twice: Any, count: Any) -> tuple[float | None, int]:
    return (None, 0) if not count else (int(twice) / 2, int(count))


def _median(
    session: Session, values: Select[Any], *, weighted: bool = False
) -> tuple[float | None, int]:
    """The median of a one-column integer query, and how many values it has; ``weighted``:
    a ``(value, how many rows have it)`` query instead.

    Computed on both databases by the same SQL (no ``percentile_cont``, PostgreSQL only):
    only the one histogram row or two that hold the middle positions are summed, and the
    median is halved in Python from that integer sum, so both give exactly the same figure.
    """
    inner = values.subquery()
    columns = [inner.c[0].label("v")] + ([inner.c[1].label("w")] if weighted else [])
    ranked = _positions(select(*columns).subquery(), grouped=False, weighted=weighted)
    twice, count, middle = _median_parts(ranked)
    return _median_of(*session.execute(select(twice, count).where(middle)).one())


def _medians(session: Session, values: Select[Any]) -> dict[int, tuple[float | None, int]]:
    """The median of each group of a ``(group, integer value)`` query, by group."""
    inner = values.subquery()
    ranked = _positions(
        select(inner.c[0].label("g"), inner.c[1].label("v")).subquery(), grouped=True
    )
    twice, count, middle = _median_parts(ranked)
    rows = session.execute(select(ranked.c.g, twice, count).where(middle).group_by(ranked.c.g))
    return {int(g): _median_of(t, n) for g, t, n in rows}


def _share(kept: Any, judged: Any) -> tuple[float | None, int]:
    """A percentage (0–100) from integer aggregates; None when nothing was judged."""
    judged = int(judged or 0)
    return (None, 0) if judged == 0 else (100 * int(kept or 0) / judged, judged)


def _mean(total: Any, count: Any) -> tuple[float | None, int]:
    count = int(count or 0)
    return (None, 0) if count == 0 else (int(total or 0) / count, count)


# -- the figures --------------------------------------------------------------------------------

CONTRACT_KINDS = (
    ObligationKind.FIRST_SLATE,
    ObligationKind.RESUME_REVIEW,
    ObligationKind.CANDIDATE_UPDATE,
)
SIDES = (Side.RECRUITER, Side.HIRING_MANAGER)
SIDE_LABELS = {Side.RECRUITER: "recruiter's side", Side.HIRING_MANAGER: "HM's side"}
KIND_LABELS = {
    ObligationKind.FIRST_SLATE: "First slate",
    ObligationKind.RESUME_REVIEW: "Résumé review",
    ObligationKind.CANDIDATE_UPDATE: "Candidate updates",
}
QUALITY_DAYS = (90, 60, 30)  # 90-day shown first
PERCENT, PER_FIVE = "%", "/5"


def _figure(key: str, label: str, unit: str, result: tuple[float | None, int]) -> Figure:
    value, count = result
    return Figure(
        key=key, label=label, value=value, count=count if value is not None else 0, unit=unit
    )


def _fills(scope: Scope, now: datetime) -> Any:
    """Each fill (a close as filled, reopened or not) with its offer day and its days from
    kickoff — or, after an earlier fill was reopened, from that reopening — to that day."""
    filled = (
        select(
            RoleClosure.offer_accepted_on.label("accepted_on"),
            Role.created_at.label("kickoff_at"),
            # The reopening of an earlier fill starts the clock for the next position.
            func.lag(RoleClosure.reopened_at)
            .over(
                partition_by=RoleClosure.role_id, order_by=(RoleClosure.closed_at, RoleClosure.id)
            )
            .label("restarted_at"),
        )
        .join(Role, Role.id == RoleClosure.role_id)
        .where(
            RoleClosure.team_id == scope.team_id,
            _in_scope(RoleClosure.role_id, scope),
            RoleClosure.outcome == Outcome.FILLED,
            RoleClosure.offer_accepted_on.is_not(None),
            RoleClosure.closed_at <= now,
        )
        .subquery()
    )
    started = func.coalesce(filled.c.restarted_at, filled.c.kickoff_at)
    days = day_number(filled.c.accepted_on) - utc_day(started)
    return filled, case((days < 0, 0), else_=days)


TIME_TO_FILL = ("time_to_fill_days", "Time to fill", "days")
FEEDBACK_ON_TIME = ("feedback_on_time", "Feedback on time", "%")


def time_to_fill(session: Session, scope: Scope, period: Period, *, now: datetime) -> Figure:
    """Median whole days from kickoff to offer accepted over the fills whose offer was
    accepted in the period (each close as filled, reopened or not, is one fill)."""
    filled, days = _fills(scope, now)
    values = select(days).where(_date_in_period(filled.c.accepted_on, period, now))
    return _figure(*TIME_TO_FILL, _median(session, values))


def _offers(session: Session, scope: Scope, period: Period, now: datetime) -> tuple[int, int]:
    """(offers made in the period, how many of them were accepted by ``now``)."""
    reached = (
        select(
            StageChange.candidate_id,
            func.min(StageChange.at).label("offered_at"),
            func.max(case((StageChange.to_stage == CandidateStage.HIRED, 1), else_=0)).label(
                "accepted"
            ),
        )
        .where(
            StageChange.team_id == scope.team_id,
            _in_scope(StageChange.role_id, scope),
            StageChange.to_stage.in_([CandidateStage.OFFER, CandidateStage.HIRED]),
            StageChange.at <= now,
        )
        .group_by(StageChange.candidate_id)
        .subquery()
    )
    made, accepted = session.execute(
        select(func.count(), func.sum(reached.c.accepted)).where(
            _in_period(reached.c.offered_at, period, now)
        )
    ).one()
    return int(made or 0), int(accepted or 0)


def _interviewed(session: Session, scope: Scope, period: Period, now: datetime) -> int:
    """Candidates with at least one interview held (not cancelled) in the period."""
    return int(
        session.scalar(
            select(func.count(func.distinct(Interview.candidate_id))).where(
                Interview.team_id == scope.team_id,
                _in_scope(Interview.role_id, scope),
                Interview.cancelled_at.is_(None),
                _in_period(Interview.ends_at, period, now),
            )
        )
        or 0
    )


def offer_figures(session: Session, scope: Scope, period: Period, *, now: datetime) -> list[Figure]:
    """Interview-to-offer ratio (interviewed ÷ offers made) and offer acceptance (accepted ÷
    made); both are based on the offers made, so both say "no data yet" without offers."""
    made, accepted = _offers(session, scope, period, now)
    interviewed = _interviewed(session, scope, period, now)
    ratio = (None, 0) if made == 0 else (interviewed / made, made)
    return [
        _figure("interview_to_offer", "Interview-to-offer ratio", "ratio", ratio),
        _figure("offer_acceptance", "Offer acceptance", PERCENT, _share(accepted, made)),
    ]


def _obligations(
    scope: Scope, now: datetime, *columns: Any, commitments: bool = True
) -> Select[Any]:
    """Obligation verdict aggregates, joined to their role and — for the contract's kinds,
    whose first slate names its side — their commitment (both for the side)."""
    verdict = _verdict(Obligation, now)
    query = (
        select(*columns, func.count(verdict), func.sum(verdict))
        .select_from(Obligation)
        .join(Role, Role.id == Obligation.role_id)
        .where(Obligation.team_id == scope.team_id)
    )
    if commitments:
        query = query.outerjoin(Commitment, Commitment.id == Obligation.commitment_id)
    return query


def feedback_on_time(
    session: Session, scope: Scope, period: Period, *, now: datetime
) -> list[Figure]:
    """Share of feedback owed (due in the period) submitted by its due time: overall, per
    side, then per person (sorted by user id). A person scope's per-person figure for that
    person covers all their own feedback, on any role of the workspace.

    One query: the verdicts are first summed per owner and role — in the order of the
    ``(team, kind, owner, role, …)`` index, so without a sort of every obligation — and only
    those few rows are joined to their role for the side, then grouped by owner and side
    (and, for a person, whether the role is theirs): the figures are sums of those
    aggregate rows, one per person and side.
    """
    verdict = _verdict(Obligation, now)
    if scope.kind == "person":
        whose = or_(
            Obligation.role_id.in_(scope_roles(scope)), Obligation.owner_id == scope.user_id
        )
    else:
        whose = _in_scope(Obligation.role_id, scope)
    per_role = (
        select(
            Obligation.owner_id,
            Obligation.role_id,
            func.count(verdict).label("judged"),
            func.sum(verdict).label("kept"),
        )
        .where(
            Obligation.team_id == scope.team_id,
            Obligation.kind == ObligationKind.FEEDBACK,
            _in_period_due(period, now),
            whose,
        )
        .group_by(Obligation.owner_id, Obligation.role_id)
        .subquery()
    )
    side = case(
        (per_role.c.owner_id == Role.recruiter_id, literal(Side.RECRUITER.value)),
        else_=literal(Side.HIRING_MANAGER.value),
    )
    columns: list[Any] = [per_role.c.owner_id, side]
    if scope.kind == "person":
        columns.append(case((per_role.c.role_id.in_(scope_roles(scope)), 1), else_=0))
    grouped = (
        select(*columns, func.sum(per_role.c.judged), func.sum(per_role.c.kept))
        .join(Role, Role.id == per_role.c.role_id)
        .group_by(*columns)
    )
    # (judged, kept) summed by what each figure is about: everything, a side, a person.
    sums: dict[tuple[str, str], tuple[int, int]] = {}

    def add(key: tuple[str, str], judged: int, kept: int) -> None:
        before = sums.get(key, (0, 0))
        sums[key] = (before[0] + judged, before[1] + kept)

    for row in session.execute(grouped):
        owner, on_side, judged, kept = row[0], row[1], int(row[-2] or 0), int(row[-1] or 0)
        if judged == 0:
            continue
        if scope.kind != "person" or row[2]:
            add(("all", ""), judged, kept)
            add(("side", on_side), judged, kept)
        add(("person", owner), judged, kept)

    def share(key: tuple[str, str]) -> tuple[float | None, int]:
        judged, kept = sums.get(key, (0, 0))
        return _share(kept, judged)

    figures = [_figure(*FEEDBACK_ON_TIME, share(("all", "")))]
    figures.extend(
        _figure(
            f"feedback_on_time:{s.value}",
            f"Feedback on time, {SIDE_LABELS[s]}",
            PERCENT,
            share(("side", s.value)),
        )
        for s in SIDES
    )
    figures.extend(
        _figure(
            f"feedback_on_time:person:{owner}",
            f"Feedback on time, <@{owner}>",
            PERCENT,
            share(("person", owner)),
        )
        for kind, owner in sorted(sums)
        if kind == "person"
    )
    return figures


def _in_period_due(period: Period, now: datetime) -> ColumnElement[bool]:
    """An obligation belongs to the period its due time is in (judged or not yet)."""
    return and_(Obligation.due_at >= period.start, Obligation.due_at < period.end)


def feedback_turnaround(session: Session, scope: Scope, period: Period, *, now: datetime) -> Figure:
    """Median working days (weekdays, UTC dates) from an interview's end to each feedback's
    first submission, over feedback first submitted in the period (interviews not
    cancelled).

    The feedback is first counted by (interview end day, submission day) — two day numbers
    per row, one sort — and the working days are computed once per pair of days: SQLite
    does not share a repeated expression, and the weekday arithmetic repeated per row was
    most of this figure's time on a big workspace."""
    ended, submitted = utc_day(Interview.ends_at), utc_day(Feedback.submitted_at)
    pairs = (
        select(ended.label("ended"), submitted.label("submitted"), func.count().label("n"))
        .select_from(Feedback)
        .join(Interview, Interview.id == Feedback.interview_id)
        .where(
            Feedback.team_id == scope.team_id,
            Interview.team_id == scope.team_id,
            _in_scope(Interview.role_id, scope),
            Interview.cancelled_at.is_(None),
            Feedback.submitted_at.is_not(None),
            _in_period(Feedback.submitted_at, period, now),
        )
        .group_by(ended, submitted)
        .subquery()
    )
    values = select(_working_days_between(pairs.c.ended, pairs.c.submitted), pairs.c.n)
    return _figure(
        "feedback_turnaround_working_days",
        "Feedback turnaround",
        "working days",
        _median(session, values, weighted=True),
    )


def checkin_participation(
    session: Session, scope: Scope, period: Period, *, now: datetime
) -> Figure:
    """Share of the check-ins posted (not skipped) in the period where both sides replied
    within one working day (each party's ``reply_due_at``), among those already decided."""
    replied = CheckInParty.replied_at
    due = CheckInParty.reply_due_at
    in_time = and_(replied.is_not(None), replied <= now, replied <= due)
    too_late = or_(
        and_(replied.is_not(None), replied <= now, replied > due),
        and_(or_(replied.is_(None), replied > now), due <= now),
    )
    # One row per check-in of the scope and period, with its parties counted (a plain join
    # and GROUP BY: no aggregate over the whole team's parties to join back).
    parties = (
        select(
            func.count().label("n"),
            func.sum(case((in_time, 1), else_=0)).label("on_time"),
            func.sum(case((too_late, 1), else_=0)).label("late"),
        )
        .select_from(CheckIn)
        .join(CheckInParty, CheckInParty.checkin_id == CheckIn.id)
        .where(
            CheckIn.team_id == scope.team_id,
            CheckInParty.team_id == scope.team_id,
            _in_scope(CheckIn.role_id, scope),
            CheckIn.posted_at.is_not(None),
            CheckIn.skipped_at.is_(None),
            _in_period(CheckIn.posted_at, period, now),
        )
        .group_by(CheckIn.id)
        .subquery()
    )
    everyone = parties.c.on_time == parties.c.n
    judged, kept = session.execute(
        select(func.count(), func.sum(case((everyone, 1), else_=0))).where(
            or_(everyone, parties.c.late > 0)
        )
    ).one()
    return _figure("checkin_participation", "Check-in participation", PERCENT, _share(kept, judged))


def satisfaction(session: Session, scope: Scope, period: Period, *, now: datetime) -> list[Figure]:
    """Candidate satisfaction (experience scores recorded in the period, erased candidates
    included), then HM and recruiter satisfaction (named retro answers given in the period
    by capacity; anonymous answers have no capacity and are left out)."""
    total, count = session.execute(
        select(func.sum(Candidate.experience_score), func.count(Candidate.experience_score)).where(
            Candidate.team_id == scope.team_id,
            _in_scope(Candidate.role_id, scope),
            Candidate.experience_score.is_not(None),
            _in_period(Candidate.experience_recorded_at, period, now),
        )
    ).one()
    retro = {
        capacity: (t, c)
        for capacity, t, c in session.execute(
            select(RetroAnswer.capacity, func.sum(RetroAnswer.partnership), func.count())
            .join(RetroPoll, RetroPoll.id == RetroAnswer.poll_id)
            .where(
                RetroAnswer.team_id == scope.team_id,
                RetroPoll.team_id == scope.team_id,
                _in_scope(RetroPoll.role_id, scope),
                RetroAnswer.capacity.in_([Capacity.HIRING_MANAGER, Capacity.RECRUITER]),
                _in_period(RetroAnswer.answered_at, period, now),
            )
            .group_by(RetroAnswer.capacity)
        )
    }
    return [
        _figure("candidate_satisfaction", "Candidate satisfaction", PER_FIVE, _mean(total, count)),
        _figure(
            "hm_satisfaction",
            "HM satisfaction",
            PER_FIVE,
            _mean(*retro.get(Capacity.HIRING_MANAGER.value, (0, 0))),
        ),
        _figure(
            "recruiter_satisfaction",
            "Recruiter satisfaction",
            PER_FIVE,
            _mean(*retro.get(Capacity.RECRUITER.value, (0, 0))),
        ),
    ]


def quality_of_hire(
    session: Session, scope: Scope, period: Period, *, now: datetime
) -> list[Figure]:
    """Mean 1–5 rating of the quality checks answered in the period: all together, then the
    90-, 60- and 30-day checks separately (90 first)."""
    rows = {
        days: (t, c)
        for days, t, c in session.execute(
            select(QualityCheck.days_after, func.sum(QualityCheck.rating), func.count())
            .where(
                QualityCheck.team_id == scope.team_id,
                _in_scope(QualityCheck.role_id, scope),
                QualityCheck.rating.is_not(None),
                _in_period(QualityCheck.answered_at, period, now),
            )
            .group_by(QualityCheck.days_after)
        )
    }
    total = sum(int(t or 0) for t, _ in rows.values())
    count = sum(int(c or 0) for _, c in rows.values())
    figures = [_figure("quality_of_hire", "Quality of hire", PER_FIVE, _mean(total, count))]
    figures.extend(
        _figure(
            f"quality_of_hire:{days}",
            f"Quality of hire, {days}-day",
            PER_FIVE,
            _mean(*rows.get(days, (0, 0))),
        )
        for days in QUALITY_DAYS
    )
    return figures


def contract_kept(session: Session, scope: Scope, period: Period, *, now: datetime) -> list[Figure]:
    """For each side, the share of its contract commitments (every first slate, résumé
    review and candidate update owed, due in the period) kept on time: per side over all
    kinds first, then per kind and side."""
    side = _side()
    rows = {
        (kind, s): (int(j or 0), int(k or 0))
        for kind, s, j, k in session.execute(
            _obligations(scope, now, Obligation.kind, side)
            .where(
                Obligation.kind.in_(CONTRACT_KINDS),
                _in_scope(Obligation.role_id, scope),
                _in_period_due(period, now),
            )
            .group_by(Obligation.kind, side)
        )
    }
    figures = []
    for s in SIDES:
        judged = sum(j for (_, rs), (j, _) in rows.items() if rs == s.value)
        kept = sum(k for (_, rs), (_, k) in rows.items() if rs == s.value)
        figures.append(
            _figure(
                f"contract_kept:{s.value}",
                f"Contract kept, {SIDE_LABELS[s]}",
                PERCENT,
                _share(kept, judged),
            )
        )
    for kind in CONTRACT_KINDS:
        for s in SIDES:
            j, k = rows.get((kind.value, s.value), (0, 0))
            figures.append(
                _figure(
                    f"contract_kept:{kind.value}:{s.value}",
                    f"{KIND_LABELS[kind]} kept, {SIDE_LABELS[s]}",
                    PERCENT,
                    _share(k, j),
                )
            )
    return figures


def figures(session: Session, scope: Scope, period: Period, *, now: datetime) -> list[Figure]:
    """Every figure of the scorecard, in a fixed order: time to fill, interview-to-offer,
    offer acceptance, feedback on time (overall, per side, per person), feedback turnaround,
    check-in participation, candidate / HM / recruiter satisfaction, quality of hire (all,
    90, 60, 30), contract kept (per side, then per kind and side)."""
    now = _aware(now)
    found: list[Figure] = [time_to_fill(session, scope, period, now=now)]
    found += offer_figures(session, scope, period, now=now)
    found += feedback_on_time(session, scope, period, now=now)
    found.append(feedback_turnaround(session, scope, period, now=now))
    found.append(checkin_participation(session, scope, period, now=now))
    found += satisfaction(session, scope, period, now=now)
    found += quality_of_hire(session, scope, period, now=now)
    found += contract_kept(session, scope, period, now=now)
    return found


@dataclass(frozen=True)
class Month:
    """One calendar month (UTC) of the chart's trend."""

    first_day: date
    label: str  # "Jan 2027"
    time_to_fill: Figure  # the fills whose offer was accepted that month
    feedback_on_time: Figure  # the feedback due that month


def _months(period: Period, now: datetime) -> list[date]:
    """The first day of every month the period touches, up to ``now``."""
    last_moment = min(period.end - timedelta(microseconds=1), now)
    first, last = period.start.astimezone(UTC), last_moment.astimezone(UTC)
    count = (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1
    index = first.year * 12 + first.month - 1
    return [date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(max(count, 0))]


def monthly_trend(session: Session, scope: Scope, period: Period, *, now: datetime) -> list[Month]:
    """Time to fill and feedback on time month by month over the period (the chart's two
    lines), every month present — a month without data has ``None`` figures. Two grouped
    queries, whatever the number of months."""
    now = _aware(now)
    filled, days = _fills(scope, now)
    month = month_number(filled.c.accepted_on)
    fills = _medians(
        session, select(month, days).where(_date_in_period(filled.c.accepted_on, period, now))
    )
    due = utc_month(Obligation.due_at)
    verdict = _verdict(Obligation, now)
    # No side here, so no role joined: the team's feedback obligations alone.
    shares = {
        int(m): _share(kept, judged)
        for m, judged, kept in session.execute(
            select(due, func.count(verdict), func.sum(verdict))
            .where(
                Obligation.team_id == scope.team_id,
                Obligation.kind == ObligationKind.FEEDBACK,
                _in_scope(Obligation.role_id, scope),
                _in_period_due(period, now),
            )
            .group_by(due)
        )
    }
    trend = []
    for first in _months(period, now):
        index = first.year * 12 + first.month - 1
        trend.append(
            Month(
                first_day=first,
                label=first.strftime("%b %Y"),
                time_to_fill=_figure(*TIME_TO_FILL, fills.get(index, (None, 0))),
                feedback_on_time=_figure(*FEEDBACK_ON_TIME, shares.get(index, (None, 0))),
            )
        )
    return trend


@dataclass(frozen=True)
class ObligationRow:
    """One thing owed (feedback or a contract commitment) as the figures judge it: for the
    export, so that its rows add up to the feedback-on-time and contract-kept figures."""

    obligation_id: int
    role_id: int
    kind: str
    owner_id: str
    side: str
    due_at: datetime
    resolved_at: datetime | None
    cancelled_at: datetime | None
    on_time: bool | None  # None: not counted (not due yet, or dropped before its due time)
    interview_id: int | None
    interview_ends_at: datetime | None
    feedback_submitted_at: datetime | None
    working_days: int | None  # interview end → first submission, as in feedback turnaround


def obligation_rows(
    session: Session, scope: Scope, period: Period, *, now: datetime
) -> list[ObligationRow]:
    """Every feedback and contract obligation of the scope due in the period, with its
    verdict and side computed by the same SQL expressions as the figures, in due order.
    (For a person scope, their own feedback on other roles too, as their per-person
    figure counts it.) This reads rows on purpose — the export lists them — and is not
    used by the figures."""
    now = _aware(now)
    whose = _in_scope(Obligation.role_id, scope)
    if scope.kind == "person":
        whose = or_(
            whose,
            and_(Obligation.kind == ObligationKind.FEEDBACK, Obligation.owner_id == scope.user_id),
        )
    verdict = _verdict(Obligation, now)
    submitted = Feedback.submitted_at
    rows = session.execute(
        select(
            Obligation.id,
            Obligation.role_id,
            Obligation.kind,
            Obligation.owner_id,
            _side(),
            Obligation.due_at,
            Obligation.resolved_at,
            Obligation.cancelled_at,
            verdict,
            Interview.id,
            Interview.ends_at,
            submitted,
            case(
                (submitted.is_(None), null()),
                else_=_working_days(Interview.ends_at, submitted),
            ),
        )
        .select_from(Obligation)
        .join(Role, Role.id == Obligation.role_id)
        .outerjoin(Commitment, Commitment.id == Obligation.commitment_id)
        .outerjoin(Interview, Interview.id == Obligation.interview_id)
        .outerjoin(Feedback, Feedback.obligation_id == Obligation.id)
        .where(
            Obligation.team_id == scope.team_id,
            Obligation.kind.in_([ObligationKind.FEEDBACK, *CONTRACT_KINDS]),
            _in_period_due(period, now),
            whose,
        )
        .order_by(Obligation.due_at, Obligation.id)
    )
    return [
        ObligationRow(
            obligation_id=r[0],
            role_id=r[1],
            kind=r[2],
            owner_id=r[3],
            side=r[4],
            due_at=r[5],
            resolved_at=r[6],
            cancelled_at=r[7],
            on_time=None if r[8] is None else bool(r[8]),
            interview_id=r[9],
            interview_ends_at=r[10],
            feedback_submitted_at=r[11],
            working_days=None if r[12] is None else int(r[12]),
        )
        for r in rows
    ]


def by_key(found: Sequence[Figure]) -> dict[str, Figure]:
    """The figures by key (for callers that pick a few)."""
    return {f.key: f for f in found}


__all__ = [
    "DEFAULT_DAYS",
    "Figure",
    "Month",
    "ObligationRow",
    "Period",
    "Scope",
    "by_key",
    "figures",
    "monthly_trend",
    "obligation_rows",
    "period_dates",
    "period_days",
    "period_quarter",
    "scope_roles",
]
