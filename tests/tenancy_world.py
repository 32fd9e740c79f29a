"""Two workspaces served by one distribution-mode Tandem (OAuth, two installations), each with
its own roles, candidates, interview, feedback, commitments, check-ins, retro and quality check,
driven through the app and the scheduler the way Slack and ``tandem run`` would.

Workspace A's ids (buttons it was sent, modals it opened) are harvested from what the Slack
stand-in recorded, so a request from workspace B can carry them exactly as a copied or guessed
value would arrive.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, text

from bot.models import Base, Obligation, Role
from bot.runtime import Database
from bot.sandbox.slack_standin import BOT_ID, BOT_USER_ID, Call, SlackStandin
from bot.scheduler.registry import all_jobs
from bot.slack.ids import Action
from tests import slack_requests as sr
from tests.clock import advance_clock_to
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, log_interview, press
from tests.kickoff_flow import Kickoff, brief_step, role_step
from tests.modals import opened_view, submit

CLIENT_ID = "1111.2222"
# A Wednesday; the open role's interview is the next morning, check-ins on Monday 10:00 (NY).
OPENED = datetime(2027, 3, 10, 14, 0, tzinfo=UTC)
INTERVIEW_DAY = date(2027, 3, 11)
BRIEF = brief_step(target_fill_date="2027-05-14")
# Scheduler ticks: after the interview, when feedback is late, the Monday digest (09:00 NY)
# and check-in (10:00 NY), the retro's end, the check-in reminder, the quality check.
TICKS = [
    OPENED + timedelta(minutes=5),
    datetime(2027, 3, 11, 15, 30, tzinfo=UTC),
    datetime(2027, 3, 12, 16, 0, tzinfo=UTC),
    datetime(2027, 3, 15, 13, 5, tzinfo=UTC),
    datetime(2027, 3, 15, 14, 5, tzinfo=UTC),
    datetime(2027, 3, 16, 15, 0, tzinfo=UTC),
    datetime(2027, 3, 17, 15, 0, tzinfo=UTC),
    # Day 30 after the hire's start: the HM's quality-of-hire poll.
    datetime(2027, 4, 9, 15, 0, tzinfo=UTC),
]
# Pressed as a person of A while seeding, to harvest the modals (and their private_metadata)
# these buttons open.
MODAL_BUTTONS = {
    Action.EDIT,
    Action.CHANGE_PLAN,
    Action.ADD_CANDIDATE,
    Action.MOVE_CANDIDATE,
    Action.LOG_INTERVIEW,
    Action.EDIT_INTERVIEW,
    Action.SUBMIT_FEEDBACK,
    Action.SKIP_CHECKIN,
    Action.MOVE_CHECKIN,
    Action.CLOSE_ROLE,
    Action.RECORD_SURVEY,
    Action.PANEL_FOCUS,
    Action.EDIT_WORKSPACE_SETTINGS,
    Action.FOCUS_AREAS,
    Action.RETRO_ANSWER,
    Action.ADD_ACTION_ITEM,
    Action.QUALITY_CHECK,
}


@dataclass
class Workspace:
    """One workspace's people, what it was given, and the secrets that must stay in it."""

    team_id: str
    letter: str
    title: str
    closed_title: str
    candidate: str
    hired: str
    recruiter: str = ""
    hm: str = ""
    panel: list[str] = field(default_factory=list)
    admin: str = ""
    role_id: int = 0
    closed_role_id: int = 0
    candidate_id: int = 0
    hired_id: int = 0
    channels: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        x = self.letter
        self.recruiter, self.hm, self.admin = f"U0{x}RECRUIT", f"U0{x}HM", f"U0{x}ADMIN"
        self.panel = [f"U0{x}PANEL1", f"U0{x}PANEL2"]

    @property
    def token(self) -> str:
        return f"xoxb-{self.team_id}"

    @property
    def people(self) -> list[str]:
        return [self.recruiter, self.hm, *self.panel, self.admin]

    def secrets(self) -> set[str]:
        """What a message to the other workspace must never contain."""
        return {
            self.title,
            self.closed_title,
            self.candidate,
            self.hired,
            *self.people,
            *self.channels,
        }


A = Workspace(
    "T0ALPHA", "A", "Zephyr Quantum Lead", "Zircon Ledger Lead", "Alice Aardvark", "Amber Aardwolf"
)
B = Workspace(
    "T0BRAVO", "B", "Basil Beta Lead", "Birch Bravo Lead", "Bob Bumblebee", "Bella Bumble"
)
WORKSPACES = (A, B)


def install(db: Database, team_id: str | None, *, enterprise_id: str | None = None) -> None:
    """The rows slack_sdk's installation store keeps after an OAuth install (an org-wide
    install has no team_id)."""
    when = datetime.now(UTC).replace(tzinfo=None)
    org_wide = team_id is None
    token = f"xoxb-{team_id or enterprise_id}"
    with db.engine.begin() as connection:
        for table, extra in (("slack_installations", ", user_id"), ("slack_bots", "")):
            columns = (
                "client_id, app_id, enterprise_id, team_id, bot_token, bot_id, bot_user_id, "
                "is_enterprise_install, installed_at" + extra
            )
            values = (
                ":client_id, :app_id, :enterprise_id, :team_id, :bot_token, :bot_id, "
                ":bot_user_id, :org_wide, :at" + (", :user_id" if extra else "")
            )
            connection.execute(
                text(f"INSERT INTO {table} ({columns}) VALUES ({values})"),
                {
                    "client_id": CLIENT_ID,
                    "app_id": sr.API_APP_ID,
                    "enterprise_id": enterprise_id,
                    "team_id": team_id,
                    "bot_token": token,
                    "bot_id": BOT_ID,
                    "bot_user_id": BOT_USER_ID,
                    "org_wide": org_wide,
                    "at": when,
                    "user_id": "U0INSTALLER",
                },
            )


def oauth_tandem(db: Database, standin: SlackStandin) -> Tandem:
    return Tandem(
        db,
        standin,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
    )


def add_people(standin: SlackStandin, ws: Workspace) -> None:
    standin.add_user(ws.recruiter, f"{ws.letter}rita", tz="America/New_York", team_id=ws.team_id)
    standin.add_user(ws.hm, f"{ws.letter}hank", tz="America/New_York", team_id=ws.team_id)
    for number, user in enumerate(ws.panel, start=1):
        standin.add_user(user, f"{ws.letter}pan{number}", tz="America/New_York", team_id=ws.team_id)
    standin.add_user(
        ws.admin, f"{ws.letter}ada", tz="America/New_York", is_admin=True, team_id=ws.team_id
    )


def _role_id(tandem: Tandem, ws: Workspace, title: str) -> int:
    with tandem.database.sessions() as session:
        role = session.scalars(
            select(Role).where(Role.team_id == ws.team_id, Role.title == title)
        ).one()
        ws.channels.add(role.channel_id)
        return role.id


def seed_workspace(tandem: Tandem, ws: Workspace) -> None:
    """Two roles: one open (candidate, interview, feedback, check-ins), one closed as filled
    (hire, retro poll, quality check); the HM asks for the weekly digest."""
    general = f"C0{ws.letter}GENERAL"
    tandem.standin.add_channel(general, f"general-{ws.letter.lower()}", members={BOT_USER_ID})
    ws.channels.add(general)
    people = role_step(hiring_manager=ws.hm, recruiter=ws.recruiter, panel=ws.panel)
    for title in (ws.title, ws.closed_title):
        kickoff = Kickoff(tandem, ws.recruiter, team_id=ws.team_id)
        kickoff.start(title, channel_id=general).complete(role=people, brief=BRIEF)
    ws.role_id = _role_id(tandem, ws, ws.title)
    ws.closed_role_id = _role_id(tandem, ws, ws.closed_title)
    for user in (ws.recruiter, ws.hm):
        press(tandem, user, Action.AGREE, str(ws.role_id), team_id=ws.team_id)
    ws.candidate_id = add_candidate(
        tandem, ws.role_id, ws.candidate, ws.recruiter, team_id=ws.team_id, candidate_stage="panel"
    )
    ws.hired_id = add_candidate(
        tandem, ws.closed_role_id, ws.hired, ws.recruiter, team_id=ws.team_id
    )
    reply = log_interview(
        tandem,
        ws.role_id,
        ws.candidate_id,
        user=ws.hm,
        day=INTERVIEW_DAY,
        start="09:00",
        end="10:00",
        interviewers=ws.panel,
        team_id=ws.team_id,
    )
    assert reply.body == "", reply.body
    assert (
        press(tandem, ws.hm, Action.CLOSE_ROLE, str(ws.closed_role_id), team_id=ws.team_id) is None
    )
    reply = submit(
        tandem,
        opened_view(tandem),
        user=ws.hm,
        team_id=ws.team_id,
        changes={
            "close_outcome": "filled",
            "close_hires": [str(ws.hired_id)],
            "close_offer_accepted_on": "2027-03-10",
            "close_start_on": "2027-03-10",
        },
    )
    assert reply.body == "", reply.body
    reply = tandem.command("/tandem", "digest on", user=ws.hm, team_id=ws.team_id)
    assert reply.status == 200


def give_feedback(tandem: Tandem, ws: Workspace) -> None:
    """The first panelist submits their feedback (the second stays late: nudges)."""
    with tandem.database.sessions() as session:
        obligation = session.scalars(
            select(Obligation).where(
                Obligation.team_id == ws.team_id,
                Obligation.kind == "feedback",
                Obligation.owner_id == ws.panel[0],
            )
        ).one()
    user = ws.panel[0]
    assert (
        press(tandem, user, Action.SUBMIT_FEEDBACK, str(obligation.id), team_id=ws.team_id) is None
    )
    reply = submit(
        tandem,
        opened_view(tandem),
        user=user,
        team_id=ws.team_id,
        changes={"recommendation": "yes", "notes": f"{ws.candidate} was solid"},
    )
    assert reply.status == 200 and "errors" not in reply.body, reply.body


def token_of(call: Call) -> str:
    return call.headers.get("authorization", "").removeprefix("Bearer ").strip()


def run_job_timeline(
    tandem: Tandem, tagged: dict[str, list[Call]], after_tick: Callable[[int], None]
) -> None:
    """Every job at every tick, one at a time; each job's outbox rows delivered right after it
    ran, so every Slack call is tagged with the job that caused it. ``after_tick(number)``
    runs after each tick (people acting on what they were just sent)."""
    ctx = tandem.job_context()
    jobs = [j for j in all_jobs() if j.name != "deliver-outbox"]
    for number, tick in enumerate(TICKS):
        advance_clock_to(tick)
        if number == 1:
            for ws in WORKSPACES:
                give_feedback(tandem, ws)
        for job in jobs:
            mark = len(tandem.standin.calls)
            job.func(ctx, tick)
            ctx.new_deliverer().run_until_idle()
            tagged.setdefault(job.name, []).extend(tandem.standin.calls_since(mark))
        after_tick(number)
    tagged.setdefault("deliver-outbox", [])


def buttons_in(value: Any) -> Iterator[tuple[str, str]]:
    """Every (action_id, value) of every button in a Web API call's parameters."""
    if isinstance(value, dict):
        if value.get("type") == "button" and "action_id" in value:
            yield str(value["action_id"]), str(value.get("value", ""))
        for item in value.values():
            yield from buttons_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from buttons_in(item)


def harvest_buttons(calls: list[Call]) -> dict[str, list[str]]:
    """Action id → the distinct values workspace A was sent on it."""
    found: dict[str, list[str]] = {}
    for call in calls:
        for action, value in buttons_in(call.params):
            if value not in found.setdefault(action, []):
                found[action].append(value)
    return found


def open_modals(
    tandem: Tandem,
    ws: Workspace,
    buttons: dict[str, list[str]],
    actions: set[Action] = MODAL_BUTTONS,
) -> list[dict[str, Any]]:
    """The modals A's people opened (as Slack sent them, ``private_metadata`` and all): each
    modal-opening button, with each value A was sent on it, pressed by whoever of A may."""
    views: list[dict[str, Any]] = []
    for action in sorted(actions):
        for value in buttons.get(action, []):
            for user in (ws.hm, ws.recruiter, *ws.panel, ws.admin):
                mark = len(tandem.standin.calls)
                press(tandem, user, action, value, team_id=ws.team_id)
                opened = [
                    c
                    for c in tandem.standin.calls_since(mark)
                    if c.method in ("views.open", "views.push")
                ]
                if opened:
                    views.append(opened[-1].params["view"])
                    break
    return views


def snapshot(db: Database, team_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the workspace, every column, in a stable order."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "team_id" not in table.c:
                continue
            found = connection.execute(select(table).where(table.c.team_id == team_id)).all()
            rows[table.name] = sorted((tuple(r) for r in found), key=repr)
    return rows


def dump(call: Call) -> str:
    return json.dumps(call.params, default=str)


def a_calls(tandem: Tandem, ws: Workspace) -> list[Call]:
    """What Slack was asked to show in ``ws`` (its token), and the ephemeral answers."""
    return [
        c for c in tandem.standin.calls if token_of(c) == ws.token or c.method == "response_url"
    ]


def add_action_item(tandem: Tandem, ws: Workspace) -> None:
    """The HM adds an action item from the retro summary (its *Mark done* button follows)."""
    for value in harvest_buttons(a_calls(tandem, ws)).get(Action.ADD_ACTION_ITEM, []):
        press(tandem, ws.hm, Action.ADD_ACTION_ITEM, value, team_id=ws.team_id)
        reply = submit(
            tandem,
            opened_view(tandem),
            user=ws.hm,
            team_id=ws.team_id,
            changes={
                "action_text": f"{ws.letter}: debrief the panel",
                "action_owner": ws.recruiter,
                "action_due_on": "2027-04-30",
            },
        )
        assert reply.body == "", reply.body
        return
    raise AssertionError("no retro summary with an Add action item button")
