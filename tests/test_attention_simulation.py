"""Two simulated weeks of a small hiring team, driven through the real app and scheduler:
nobody gets more than 3 DMs on a working day, none outside their working hours or while
away, no channel reads the same post twice within 24 hours, and every overdue feedback still
reaches its owner within one working day and the channel within two.

Three roles share one recruiter (London) and one hiring manager (New York); six interviewers
in New York, Berlin and Tokyo are prompt, late or never answer; one is away for two days;
Monday 18 January 2027 is a US public holiday (``/tandem holidays US``). Seeded: every run
plays the same two weeks.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun import freeze_time
from sqlalchemy import select

from bot.models import Nudge, Obligation, OutboxMessage, Role
from bot.services.working_time import WorkCalendar, add_working_hours
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, log_interview, press, run_jobs
from tests.kickoff_flow import ADMIN, HM, RECRUITER, Kickoff, add_people, brief_step, role_step
from tests.modals import opened_view, submit

MONDAY = date(2027, 1, 11)
HOLIDAY = date(2027, 1, 18)  # Martin Luther King Jr. Day
SETUP = datetime(2027, 1, 11, 5, 0, tzinfo=UTC)
END = datetime(2027, 1, 23, 0, 0, tzinfo=UTC)  # the second Friday has ended everywhere
# Ticks come every 20–30 minutes: a bound is checked with one tick of slack.
SLACK = timedelta(minutes=30)
TITLES = ("Data Engineer", "Product Designer", "Backend Engineer")
KINDS = ("technical", "panel", "culture", "case")


@dataclass(frozen=True)
class Interviewer:
    user_id: str
    tz: str
    habit: str  # "prompt", "late" or "never"


PANEL = (
    Interviewer("U0SIMNY1", "America/New_York", "prompt"),
    Interviewer("U0SIMNY2", "America/New_York", "late"),
    Interviewer("U0SIMBE1", "Europe/Berlin", "prompt"),
    Interviewer("U0SIMBE2", "Europe/Berlin", "never"),
    Interviewer("U0SIMTK1", "Asia/Tokyo", "late"),
    Interviewer("U0SIMTK2", "Asia/Tokyo", "never"),
)
AWAY = "U0SIMTK1"
# Set and cleared at night in Tokyo: away Tuesday 19 and Wednesday 20 January.
AWAY_FROM = datetime(2027, 1, 18, 20, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
AWAY_UNTIL = datetime(2027, 1, 20, 20, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
ZONES = {
    RECRUITER: "Europe/London",
    HM: "America/New_York",
    **{p.user_id: p.tz for p in PANEL},
}


def _name(number: int) -> str:
    """A candidate name with initials of its own (channel posts show initials only)."""
    return f"{chr(65 + number % 26)}ve {chr(65 + number // 26)}oe"


def _at_work(user_id: str, moment: datetime) -> bool:
    """09:00–18:00 on a working day of the person (weekends and the holiday are off)."""
    local = moment.astimezone(ZoneInfo(ZONES[user_id]))
    return local.weekday() < 5 and local.date() != HOLIDAY and time(9) <= local.time() < time(18)


def _calendar(user_id: str) -> WorkCalendar:
    return WorkCalendar(ZoneInfo(ZONES[user_id]), "US")


def _set_up(tandem: Tandem, rng: random.Random) -> list[tuple[datetime, int]]:
    """Three roles with three candidates each; interviews logged for both weeks. Returns
    when the recruiter adds a new (sourced) candidate, to which role: one or two a day, each
    a résumé review for the HM."""
    add_people(tandem.standin)
    for person in PANEL:
        tandem.standin.add_user(person.user_id, person.user_id.lower(), tz=person.tz)
    assert tandem.command("/tandem", "holidays US", user=ADMIN).body == ""
    assert "Public holidays of US" in tandem.standin.last("response_url").params["text"]
    target = (MONDAY + timedelta(days=70)).isoformat()
    panels = {}
    for title in TITLES:
        panels[title] = [p.user_id for p in rng.sample(PANEL, 4)]
        Kickoff(tandem).start(title=title).complete(
            role=role_step(panel=panels[title]), brief=brief_step(target_fill_date=target)
        )
    with tandem.database.sessions() as session:
        roles = {r.id: panels[r.title] for r in session.scalars(select(Role).order_by(Role.id))}
    candidates: dict[int, list[int]] = {}
    for number, role_id in enumerate(roles):
        candidates[role_id] = [
            add_candidate(
                tandem, role_id, _name(3 * number + c), RECRUITER, candidate_stage="panel"
            )
            for c in range(3)
        ]
    sourced = []
    day = MONDAY
    while day < END.date():
        if day.weekday() < 5 and day != HOLIDAY:
            for _ in range(rng.choice([1, 2])):
                hour = rng.randrange(9, 17)
                sourced.append(
                    (
                        datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/London")),
                        rng.choice(list(roles)),
                    )
                )
            for _ in range(2):
                role_id = rng.choice(list(roles))
                start = rng.randrange(9, 17)
                reply = log_interview(
                    tandem,
                    role_id,
                    rng.choice(candidates[role_id]),
                    user=HM,
                    day=day,
                    start=f"{start:02d}:00",
                    end=f"{start + 1:02d}:00",
                    # The HM sits on some rounds: feedback requests on top of their digests.
                    interviewers=rng.sample(list(roles[role_id]), rng.choice([1, 2]))
                    + ([HM] if rng.random() < 0.5 else []),
                    kind=rng.choice(KINDS),
                )
                assert reply.body == "", reply.body
        day += timedelta(days=1)
    return sorted(sourced)


def _open_obligations(tandem: Tandem) -> list[Obligation]:
    with tandem.database.sessions() as session:
        return list(
            session.scalars(
                select(Obligation).where(
                    Obligation.resolved_at.is_(None), Obligation.cancelled_at.is_(None)
                )
            )
        )


def _act(tandem: Tandem, now: datetime, rng: random.Random) -> None:
    """What people do at this tick: answer feedback (by habit), tick off commitments."""
    habits = {HM: "prompt", **{p.user_id: p.habit for p in PANEL}}
    for obligation in _open_obligations(tandem):
        owner = obligation.owner_id
        if not _at_work(owner, now) or obligation.starts_at > now:
            continue
        if obligation.kind == "feedback":
            habit = habits[owner]
            ready = {
                "prompt": obligation.starts_at + timedelta(hours=3),
                "late": obligation.due_at + timedelta(hours=5),
            }.get(habit)
            if ready is None or now < ready or (owner == AWAY and AWAY_FROM <= now <= AWAY_UNTIL):
                continue
            assert press(tandem, owner, Action.SUBMIT_FEEDBACK, str(obligation.id)) is None
            reply = submit(
                tandem,
                opened_view(tandem),
                user=owner,
                changes={"recommendation": rng.choice(["yes", "no"]), "rating:0": "3"},
            )
            assert reply.json["response_action"] == "update"
        elif now > obligation.due_at + timedelta(hours=30) and rng.random() < 0.3:
            # The recruiter and the HM get to their commitments late, and not always.
            press(tandem, owner, Action.MARK_DONE, str(obligation.id))


def _dms(tandem: Tandem) -> list[tuple[str, datetime, dict[str, Any]]]:
    return [
        (c.params["channel"], datetime.fromtimestamp(c.at, UTC), c.params)
        for c in tandem.standin.calls_to("chat.postMessage")
        if str(c.params.get("channel", "")).startswith("U")
    ]


def _items(params: dict[str, Any]) -> int:
    return sum(1 for block in params.get("blocks") or [] if block.get("type") == "actions")


def _carries(params: dict[str, Any], obligation_id: int) -> bool:
    return any(
        element.get("value") == str(obligation_id)
        for block in params.get("blocks") or []
        for element in block.get("elements") or []
        if isinstance(element, dict)
    )


def test_two_weeks_of_hiring_stay_within_the_attention_budget(tandem: Tandem) -> None:
    rng = random.Random(7)
    with freeze_time(SETUP, tick=True):
        sourced = _set_up(tandem, rng)
        now = SETUP
        while now < END:
            now += timedelta(minutes=rng.choice([20, 25, 30]))
            while sourced and sourced[0][0] <= now:
                _, role_id = sourced.pop(0)
                name = _name(100 + len(sourced))
                add_candidate(tandem, role_id, name, RECRUITER, candidate_stage="sourced")
            if now - SLACK < AWAY_FROM <= now:
                tandem.standin.users[AWAY].status_text = "On vacation"
                tandem.standin.users[AWAY].status_emoji = ":palm_tree:"
            if now - SLACK < AWAY_UNTIL <= now:
                tandem.standin.users[AWAY].status_text = ""
                tandem.standin.users[AWAY].status_emoji = ""
            run_jobs(tandem, now)
            _act(tandem, now, rng)
    assert tandem.block_kit_problems() == []

    dms = _dms(tandem)
    per_day: dict[tuple[str, date], int] = defaultdict(int)
    for user, at, _ in dms:
        assert _at_work(user, at), f"DM to {user} at {at} is outside their working hours"
        assert not (user == AWAY and AWAY_FROM <= at <= AWAY_UNTIL), f"DM to {user} while away"
        per_day[(user, at.astimezone(ZoneInfo(ZONES[user])).date())] += 1
    assert max(per_day.values()) <= 3, {k: v for k, v in per_day.items() if v > 3}
    # The budget is what holds them back: the HM, on every role and some panels, reaches it,
    # and digests carry what would have been many DMs.
    assert max(per_day[(u, d)] for u, d in per_day if u == HM) == 3
    assert max(_items(params) for _, _, params in dms) >= 4

    posts: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for call in tandem.standin.calls_to("chat.postMessage"):
        channel = str(call.params.get("channel", ""))
        if channel.startswith("C"):
            posts[(channel, call.params.get("text", ""))].append(
                datetime.fromtimestamp(call.at, UTC)
            )
    for (channel, text), times in posts.items():
        for earlier, later in itertools.pairwise(times):
            assert later - earlier >= timedelta(hours=24), f"{text!r} twice in {channel}"

    _assert_overdue_feedback_is_surfaced(tandem, dms)


def _assert_overdue_feedback_is_surfaced(
    tandem: Tandem, dms: list[tuple[str, datetime, dict[str, Any]]]
) -> None:
    with tandem.database.sessions() as session:
        feedback = list(session.scalars(select(Obligation).where(Obligation.kind == "feedback")))
        escalations = {
            n.obligation_id: n
            for n in session.scalars(select(Nudge).where(Nudge.kind == "escalation"))
        }
        delivered = {
            row.id: row.sent_at
            for row in session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "escalation")
            )
        }
    told = escalated = 0
    for obligation in feedback:
        calendar = _calendar(obligation.owner_id)
        one_day = add_working_hours(obligation.due_at, 24, calendar)
        two_days = add_working_hours(obligation.due_at, 48, calendar)
        still_open = obligation.resolved_at is None or obligation.resolved_at > one_day
        away = (
            obligation.owner_id == AWAY and obligation.due_at <= AWAY_UNTIL and one_day >= AWAY_FROM
        )
        if still_open and not away and one_day + SLACK <= END:
            assert any(
                user == obligation.owner_id
                and obligation.due_at <= at <= one_day + SLACK
                and _carries(params, obligation.id)
                for user, at, params in dms
            ), f"overdue feedback {obligation.id} never reached {obligation.owner_id} in time"
            told += 1
        if (obligation.resolved_at is None or obligation.resolved_at > two_days) and (
            two_days + SLACK <= END
        ):
            nudge = escalations[obligation.id]
            assert nudge.outbox_id is not None and nudge.message_ts is not None
            assert delivered[nudge.outbox_id] <= two_days + SLACK, obligation.id
            escalated += 1
    # The scenario does exercise both: late and silent interviewers.
    assert told >= 3 and escalated >= 3, (told, escalated)
