"""`/scorecard`: one set of numbers both sides see — to the people entitled to them.

Who sees what (product.md §5, issue 13 item 7: interview details and candidate names only
for people on the role; the workspace view aggregates only; another person's per-person
figures only for the people on roles they share, and admins). "On a role" is
:func:`bot.services.roles.is_on_role`: its recruiter, its HM, its current panel, or anyone
it has ever asked for something (an interviewer of one interview); "admin" is Slack's
``is_admin``/``is_owner`` (``users.info``; when Slack cannot be asked, not an admin).

* **In a role's channel** (no scope word): only the people on that role and admins. The
  role's figures go *in the channel* — numbers in the text, the chart attached — so the
  recruiter and the HM see the same thing; they are role-level aggregates (per side, never
  per person, no candidate, no interview) because a channel may hold people outside the
  role. Anyone else gets :data:`NO_ROLE_HERE`, word for word what a channel with no role
  gets, so the refusal does not even confirm that a role lives there, let alone its title.
* **`me`**: anyone. The person's roles as recruiter or HM, and of the per-person figures
  only their own (their feedback on any role, panel roles included).
* **`team`**: anyone in the workspace. Aggregates over every role: no per-person figure, no
  role title, no candidate, no interview, no mention of anyone.
* **A pair** (`@hm @recruiter`): only one of the two people or an admin — checked before
  the pair is even looked up, so :data:`PAIR_ONLY` says nothing about whether the two work
  together. It shows the per-person figures of everyone owing feedback on the pair's roles:
  each of the two is on all of those roles. Someone on only *one* of the pair's roles (a
  panelist) is refused: the pair's figures span roles they do not share.
* **`export`**: the CSV in the asker's DM, in the asker's own rights: exactly the figures
  the same view shows, and the rows (who owed what, interview ids and times, never a
  candidate's name) only of roles the asker is on — the channel's role, the pair's roles,
  for `me` their own feedback and the contract commitments of their roles. `team export`
  lists rows for admins only (an admin may export everything); for anyone else it is the
  workspace's figures alone. A refused view is refused for export too.

No argument changes who is asked about: the period and `export` are read before any rights
are checked, and a refusal is the same text, with nothing queued, whatever the period.
A request from a workspace Tandem is not installed for is refused before it gets here; one
from another installed workspace is answered about that workspace alone (every query
filters by the asker's own ``team_id``).

Aggregates are not anonymised further: a side with a single person (one recruiter in the
whole workspace, say) or a period narrowed to a day can make an aggregate one person's
figure in effect. No minimum count is applied.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.scorecard import ScorecardView, pick, scorecard_blocks, scorecard_text
from bot.blocks.scorecard_chart import ChartData, chart_alt_text, render_chart
from bot.db import SessionFactory
from bot.models import Role
from bot.services import outbox
from bot.services import roles as role_service
from bot.services.actors import Actor
from bot.services.people import refresh_people
from bot.services.reference_figures import context_line
from bot.services.scorecard_args import ArgsError, ScorecardRequest, parse_scorecard_args
from bot.services.scorecard_args import Scope as Asked
from bot.services.scorecard_export import export_csv
from bot.services.scorecard_metrics import (
    Figure,
    Period,
    Scope,
    by_key,
    figures,
    monthly_trend,
    obligation_rows,
)

KIND_CHART = "scorecard-chart"
KIND_EXPORT = "scorecard-export"
# One answer for "no role here" and "a role you are not on": nothing told apart.
NO_ROLE_HERE = (
    "There is no role's scorecard for you in this channel: in a role's channel, `/scorecard` "
    "shows that role's figures to the people on it. Say `/scorecard me` for yours or "
    "`/scorecard team` for the workspace."
)
PAIR_ONLY = "Only the two people of a pair, or a workspace admin, can see the pair's scorecard."
NOT_A_PAIR = (
    "Those two people have no role together as recruiter and hiring manager, so there is "
    "nothing to show yet."
)


@dataclass(frozen=True)
class ScorecardAnswer:
    """What the asker is told privately (always), as text and optional blocks."""

    text: str
    blocks: list[dict[str, Any]] | None = None


def _is_admin(session: Session, actor: Actor, now: datetime) -> bool:
    person = refresh_people(
        session, team_id=actor.team_id, user_ids=[actor.user_id], fetch=actor.fetch, now=now
    ).get(actor.user_id)
    return bool(person is not None and person.is_admin)


def _share(figure: Figure | None) -> float | None:
    return None if figure is None or figure.value is None else figure.value / 100


def chart_data(
    session: Session,
    scope: Scope,
    period: Period,
    title: str,
    *,
    now: datetime,
    found: list[Figure],
) -> ChartData:
    """The chart's series: time to fill and feedback on time by month, each side's contract
    kept (shares 0–1; a month without data is a gap)."""
    trend = monthly_trend(session, scope, period, now=now)
    keyed = by_key(found)
    return ChartData(
        title=f"{title} · {period.label}",
        months=[m.first_day.strftime("%Y-%m") for m in trend],
        time_to_fill_days=[m.time_to_fill.value for m in trend],
        feedback_on_time=[_share(m.feedback_on_time) for m in trend],
        recruiter_contract_kept=_share(keyed.get("contract_kept:recruiter")),
        hm_contract_kept=_share(keyed.get("contract_kept:hm")),
    )


def _queue_chart(
    session: Session,
    actor: Actor,
    *,
    to: str,
    data: ChartData,
    comment: str,
    role_id: int | None,
    now: datetime,
) -> None:
    outbox.enqueue(
        session,
        team_id=actor.team_id,
        enterprise_id=actor.enterprise_id,
        kind=KIND_CHART,
        method=outbox.UPLOAD,
        channel=to,
        payload=outbox.upload_payload(
            render_chart(data),
            filename=f"scorecard-{uuid.uuid4().hex[:12]}.png",
            title=data.title[:200],
            initial_comment=comment,
            alt_text=chart_alt_text(data),
        ),
        role_id=role_id,
        now=now,
    )


def _pair(session: Session, team_id: str, people: tuple[str, ...]) -> tuple[str, str] | None:
    """(recruiter, HM) of the two people: the order in which they share a role (the usage
    says ``@hm @recruiter``, so that order wins when both do)."""
    first, second = people
    for recruiter, hiring_manager in ((second, first), (first, second)):
        found = session.scalar(
            select(Role.id)
            .where(
                Role.team_id == team_id,
                Role.recruiter_id == recruiter,
                Role.hiring_manager_id == hiring_manager,
            )
            .limit(1)
        )
        if found is not None:
            return recruiter, hiring_manager
    return None


@dataclass(frozen=True)
class _Resolved:
    """What was asked for, once the asker's rights are settled."""

    scope: Scope
    title: str
    who: str
    per_person: bool  # per-person feedback figures may be shown
    rows_allowed: bool  # the export may list who owed what
    role: Role | None = None  # asked in this role's channel


def _resolve(
    session: Session, actor: Actor, request: ScorecardRequest, channel_id: str | None, now: datetime
) -> _Resolved | str:
    if request.scope == Asked.CHANNEL:
        role = (
            session.scalar(
                select(Role).where(Role.team_id == actor.team_id, Role.channel_id == channel_id)
            )
            if channel_id
            else None
        )
        if role is None or not (
            role_service.is_on_role(session, role, actor.user_id) or _is_admin(session, actor, now)
        ):
            return NO_ROLE_HERE
        return _Resolved(
            Scope.role(actor.team_id, role.id),
            role.title,
            "",
            per_person=False,
            rows_allowed=True,
            role=role,
        )
    if request.scope == Asked.ME:
        return _Resolved(
            Scope.person(actor.team_id, actor.user_id),
            "You",
            f"<@{actor.user_id}>",
            per_person=True,
            rows_allowed=True,
        )
    if request.scope == Asked.TEAM:
        return _Resolved(
            Scope.workspace(actor.team_id),
            "The whole team",
            "Every role in this workspace",
            per_person=False,
            rows_allowed=_is_admin(session, actor, now),
        )
    if actor.user_id not in request.people and not _is_admin(session, actor, now):
        return PAIR_ONLY
    pair = _pair(session, actor.team_id, request.people)
    if pair is None:
        return NOT_A_PAIR
    recruiter, hiring_manager = pair
    return _Resolved(
        Scope.pair(actor.team_id, recruiter, hiring_manager),
        "A recruiter and hiring manager",
        f"<@{hiring_manager}> (hiring manager) and <@{recruiter}> (recruiter)",
        per_person=True,
        rows_allowed=True,
    )


def _shown(found: list[Figure], asked: _Resolved, actor: Actor) -> tuple[Figure, ...]:
    if asked.scope.kind == "person":
        # Their own per-person figure only (the roles' other people are not theirs to see).
        found = [
            f
            for f in found
            if not f.key.startswith("feedback_on_time:person:")
            or f.key == f"feedback_on_time:person:{actor.user_id}"
        ]
    return pick(found, per_person=asked.per_person)


def _queue_export(
    session: Session,
    actor: Actor,
    asked: _Resolved,
    period: Period,
    shown: tuple[Figure, ...],
    *,
    now: datetime,
) -> str:
    rows = obligation_rows(session, asked.scope, period, now=now) if asked.rows_allowed else []
    if asked.scope.kind == "person":
        rows = [r for r in rows if r.owner_id == actor.user_id or r.kind != "feedback"]
    outbox.enqueue(
        session,
        team_id=actor.team_id,
        enterprise_id=actor.enterprise_id,
        kind=KIND_EXPORT,
        method=outbox.UPLOAD,
        channel=actor.user_id,
        payload=outbox.upload_payload(
            export_csv(shown, rows),
            filename=f"scorecard-{uuid.uuid4().hex[:12]}.csv",
            title=f"Scorecard export — {asked.title} · {period.label}"[:200],
            initial_comment=f"Your scorecard export: {asked.title} · {period.label}",
            alt_text="The scorecard's figures and the rows they are computed from, as CSV",
        ),
        now=now,
    )
    if asked.rows_allowed:
        return (
            f"The scorecard export ({len(shown)} figures, {len(rows)} rows) is in your DM "
            "with Tandem."
        )
    return (
        f"The scorecard export ({len(shown)} figures) is in your DM with Tandem. It lists "
        "the figures only: who owed what is for the people on the roles and admins."
    )


def scorecard_command(
    sessions: SessionFactory, actor: Actor, *, text: str, channel_id: str | None, now: datetime
) -> ScorecardAnswer:
    """Answer ``/scorecard <text>`` asked in ``channel_id``: the figures privately (or a
    one-line usage), and the chart — in the channel for a role, else in the asker's DM — or,
    with ``export``, the CSV in the asker's DM, through the outbox, in one transaction."""
    with sessions.begin() as session:
        today = role_service.today_for_user(session, actor.team_id, actor.user_id, now)
        request = parse_scorecard_args(text, today=today)
        if isinstance(request, ArgsError):
            return ScorecardAnswer(request.message)
        period = request.period
        asked = _resolve(session, actor, request, channel_id, now)
        if isinstance(asked, str):
            return ScorecardAnswer(asked)
        found = figures(session, asked.scope, period, now=now)
        shown = _shown(found, asked, actor)
        if request.export:
            return ScorecardAnswer(_queue_export(session, actor, asked, period, shown, now=now))
        view = ScorecardView(asked.title, period.label, shown, who=asked.who)
        data = chart_data(session, asked.scope, period, asked.title, now=now, found=found)
        if asked.role is not None:
            _queue_chart(
                session,
                actor,
                to=asked.role.channel_id or actor.user_id,
                data=data,
                comment=scorecard_text(view, context_line),
                role_id=asked.role.id,
                now=now,
            )
            return ScorecardAnswer(
                f"Posting the scorecard of *{asked.role.title}* here, for everyone in the channel."
            )
        _queue_chart(
            session,
            actor,
            to=actor.user_id,
            data=data,
            comment=f"Your scorecard chart: {view.title} · {period.label}",
            role_id=None,
            now=now,
        )
        text_out, blocks = scorecard_blocks(view, context_line)
        return ScorecardAnswer(f"{text_out} (the chart is in your DM with Tandem)", blocks)
