"""Who may do what (README's table), one row per command, button and modal, each run over
signed Slack-shaped requests for the five kinds of people: the role's recruiter, its hiring
manager, someone on its panel, a workspace admin (Slack's ``is_admin``) and anyone else in
the workspace.

The allowed people can: the effect happens. Everyone else gets a private refusal (an
ephemeral answer or the modal replaced by a message — never a channel post, never a modal)
that names neither the role, nor its candidates, nor its people, and changes no row.

Speed: the world (two roles, a candidate, an interview with its feedback request, a change
waiting for acknowledgement, a closed role with a retro poll, a summary, an action item and
a quality check) is built once per database through the app, then restored row by row
before each test (``World.restore``), so a test costs its own one or two requests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import Integer, select, text
from sqlalchemy.engine import make_url

from bot.db import make_engine, make_session_factory
from bot.models import (
    Acknowledgement,
    ActionItem,
    Base,
    Hire,
    Obligation,
    Person,
    QualityCheck,
    RetroPoll,
    Role,
    RoleClosure,
    RoleStatus,
    Workspace,
)
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from bot.slack.ids import Action, Callback
from tests import slack_requests as sr
from tests.conftest import session_today
from tests.harness import Reply, Tandem
from tests.hiring_flow import add_candidate, log_interview, next_weekday, press
from tests.kickoff_flow import (
    ADMIN,
    HM,
    PANEL,
    RECRUITER,
    STRANGER,
    Kickoff,
    add_people,
    after_ack,
    brief_step,
    role_step,
)
from tests.modals import fill, opened_view, submit

ACTORS = {
    "recruiter": RECRUITER,
    "hiring manager": HM,
    "panel member": PANEL[0],
    "workspace admin": ADMIN,
    "anyone else": STRANGER,
}
EVERYONE = frozenset(ACTORS)
EDITORS = frozenset({"recruiter", "hiring manager", "workspace admin"})
PARTIES = frozenset({"recruiter", "hiring manager"})
ON_ROLE = frozenset({"recruiter", "hiring manager", "panel member"})
ADMINS = frozenset({"workspace admin"})

TITLE = "Staff Data Engineer"
TITLE_B = "Principal Analyst"
CANDIDATE = "Jane Doe"
CANDIDATE_B = "Rosalind Okafor"
# Nothing a refusal says may name these (the role, its candidates, its people).
SECRETS = (TITLE, TITLE_B, CANDIDATE, "Jane", CANDIDATE_B, "Rosalind", RECRUITER, HM, *PANEL)
# Web API calls a refusal never makes: no post, no modal, no invitation.
LOUD_METHODS = {
    "chat.postMessage",
    "chat.update",
    "chat.delete",
    "chat.postEphemeral",
    "views.open",
    "views.push",
    "views.update",
    "conversations.invite",
    "conversations.create",
    "pins.add",
}
# The people cache (``users.info`` answers) is refreshed by any request: not a change.
UNCHECKED_TABLES = {"people"}


# -- the world -------------------------------------------------------------------------------


Rows = dict[str, list[dict[str, Any]]]


@dataclass
class World:
    tandem: Tandem
    role: int = 0
    closed_role: int = 0
    candidate: int = 0
    interview: int = 0
    feedback_request: int = 0
    own_request: int = 0  # a non-feedback request (a contract commitment) of the recruiter
    acknowledgement: int = 0
    open_poll: int = 0
    summarized_poll: int = 0
    action_item: int = 0
    quality_check: int = 0
    built_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    rows: Rows = field(default_factory=dict)

    def snapshot(self) -> Rows:
        engine = self.tandem.database.engine
        with engine.connect() as connection:
            return {
                table.name: [
                    dict(row) for row in connection.execute(table.select()).mappings().all()
                ]
                for table in Base.metadata.sorted_tables
            }

    def restore(self) -> None:
        """Every table back to the rows of the built world (ids and sequences included)."""
        engine = self.tandem.database.engine
        tables = Base.metadata.sorted_tables
        postgres = engine.dialect.name == "postgresql"
        with engine.begin() as connection:
            if postgres:
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(tables):
                    connection.execute(table.delete())
            for table in tables:
                if self.rows[table.name]:
                    connection.execute(table.insert(), self.rows[table.name])
            if postgres:
                for table in tables:
                    if "id" in table.c and isinstance(table.c.id.type, Integer):
                        connection.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'),"
                                f' COALESCE(MAX(id), 0) + 1, false) FROM "{table.name}"'
                            )
                        )


def _one(tandem: Tandem, query: Any) -> Any:
    with tandem.database.sessions() as session:
        return session.scalars(query).one()


def _build(tandem: Tandem) -> World:
    world = World(tandem)
    add_people(tandem.standin)
    # Role A, open: a candidate, an interview on the panel, a change the recruiter must
    # acknowledge.
    Kickoff(tandem).start(TITLE).complete()
    world.role = _one(tandem, select(Role.id).where(Role.title == TITLE))
    world.candidate = add_candidate(
        tandem, world.role, CANDIDATE, RECRUITER, candidate_stage="panel"
    )
    reply = log_interview(
        tandem,
        world.role,
        world.candidate,
        user=HM,
        day=next_weekday(0),
        start="09:00",
        end="10:00",
        interviewers=[PANEL[0]],
    )
    assert reply.body == "", reply.body
    world.feedback_request = _one(
        tandem,
        select(Obligation.id).where(Obligation.kind == "feedback", Obligation.owner_id == PANEL[0]),
    )
    world.interview = _one(
        tandem, select(Obligation.interview_id).where(Obligation.id == world.feedback_request)
    )
    world.own_request = _one(
        tandem,
        select(Obligation.id)
        .where(Obligation.owner_id == RECRUITER, Obligation.kind != "feedback")
        .order_by(Obligation.id)
        .limit(1),
    )
    press(tandem, HM, Action.EDIT, str(world.role))
    view = opened_view(tandem)
    for changes in ({}, brief_step(must_haves="Python\nSQL at scale\nMentoring\nGo"), {}):
        body = submit(tandem, view, user=HM, changes=changes).json or {}
        view = after_ack(tandem, body["view"]) if "view" in body else view
    world.acknowledgement = _one(
        tandem,
        select(Acknowledgement.id).where(
            Acknowledgement.role_id == world.role,
            Acknowledgement.requested_from == RECRUITER,
            Acknowledgement.acknowledged_at.is_(None),
        ),
    )
    # Role B, filled: a hire whose quality check was asked, an open retro poll, and the
    # summary of an earlier one with an action item.
    Kickoff(tandem).start(TITLE_B).complete()
    world.closed_role = _one(tandem, select(Role.id).where(Role.title == TITLE_B))
    hired = add_candidate(tandem, world.closed_role, CANDIDATE_B, RECRUITER)
    now = datetime.now(UTC)
    with tandem.database.sessions.begin() as session:
        role = session.get(Role, world.closed_role)
        assert role is not None
        role.status = RoleStatus.FILLED
        closures = []
        for _ in range(2):
            closure = RoleClosure(
                team_id=sr.TEAM_ID,
                role_id=role.id,
                outcome="filled",
                offer_accepted_on=now.date() - timedelta(days=40),
                start_on=now.date() - timedelta(days=31),
                closed_by=RECRUITER,
                closed_at=now - timedelta(days=40),
            )
            session.add(closure)
            session.flush()
            closures.append(closure)
        hire = Hire(
            team_id=sr.TEAM_ID,
            role_id=role.id,
            closure_id=closures[0].id,
            candidate_id=hired,
            offer_accepted_on=closures[0].offer_accepted_on,
            start_on=closures[0].start_on,
        )
        session.add(hire)
        session.flush()
        check = QualityCheck(
            team_id=sr.TEAM_ID,
            role_id=role.id,
            hire_id=hire.id,
            hiring_manager_id=HM,
            days_after=30,
            due_at=now - timedelta(days=1),
            asked_at=now - timedelta(hours=2),
        )
        invited = [RECRUITER, HM, PANEL[0]]
        summarized = RetroPoll(
            team_id=sr.TEAM_ID,
            role_id=role.id,
            closure_id=closures[0].id,
            invited=invited,
            anonymity_threshold=3,
            opened_at=now - timedelta(days=40),
            closes_at=now - timedelta(days=35),
            summarized_at=now - timedelta(days=35),
        )
        open_poll = RetroPoll(
            team_id=sr.TEAM_ID,
            role_id=role.id,
            closure_id=closures[1].id,
            invited=invited,
            anonymity_threshold=3,
            opened_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=5),
        )
        session.add_all([check, summarized, open_poll])
        session.flush()
        item = ActionItem(
            team_id=sr.TEAM_ID,
            role_id=role.id,
            poll_id=summarized.id,
            recruiter_id=RECRUITER,
            hiring_manager_id=HM,
            text="Share the scorecard before the first interview",
            owner_id=RECRUITER,
            created_by=HM,
            created_at=now - timedelta(days=35),
        )
        session.add(item)
        session.flush()
        world.quality_check, world.summarized_poll = check.id, summarized.id
        world.open_poll, world.action_item = open_poll.id, item.id
    # Everyone's Slack facts cached, as after their first request.
    for user in ACTORS.values():
        tandem.command("/tandem", "quiet", user=user)
    world.built_at = datetime.now(UTC)
    world.rows = world.snapshot()
    return world


@pytest.fixture(scope="session")
def built(
    request: pytest.FixtureRequest,
    migrated_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    """The world, built once per database and worker on the session's frozen "today".

    Session-scoped: xdist sends this module's tests to a worker among other modules' tests,
    and a module fixture would be built again each time the worker came back to it. Between
    its tests the world's app sits idle; other modules' tests may empty the shared PostgreSQL
    database meanwhile, which :meth:`World.restore` undoes before each test here."""
    if migrated_url.startswith("sqlite"):
        copy = tmp_path_factory.mktemp("authz") / "tandem.db"
        copy.write_bytes(Path(make_url(migrated_url).database or "").read_bytes())
        engine = make_engine(f"sqlite:///{copy}")
    else:
        # The run's shared database: other modules' tests leave their rows behind.
        engine = make_engine(migrated_url)
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    with SlackStandin() as standin:
        tandem = Tandem(Database(engine, make_session_factory(engine)), standin)
        try:
            with freeze_time(session_today(request.config), tick=True):
                world = _build(tandem)
            yield world
        finally:
            tandem.close()
            engine.dispose()


@pytest.fixture
def world(built: World) -> Iterator[World]:
    """The built world, as built, a moment after it was built."""
    built.restore()
    with freeze_time(built.built_at + timedelta(seconds=5), tick=True):
        yield built


# -- what a request did ------------------------------------------------------------------------


@dataclass
class Seen:
    reply: Reply
    calls: list[Any]

    @property
    def answers(self) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == "response_url"]

    def opened(self) -> list[str]:
        return [c.params["view"].get("callback_id") for c in self.calls if c.method == "views.open"]

    @property
    def said(self) -> str:
        """Everything the person was told: ephemeral answers and the ack (a modal's update
        or errors, a command's text)."""
        parts = [json.dumps(a, ensure_ascii=False) for a in self.answers]
        if self.reply.body:
            parts.append(self.reply.body)
        return "\n".join(parts)


def _seen(tandem: Tandem, request: Callable[[], Reply]) -> Seen:
    mark = len(tandem.standin.calls)
    reply = request()
    return Seen(reply, tandem.standin.calls_since(mark))


def _press(world: World, user: str, action: str, value: int | str) -> Seen:
    tandem = world.tandem

    def request() -> Reply:
        payload = sr.block_action_payload(
            user_id=user,
            action_id=action,
            value=str(value),
            channel_id="C0X",
            message_ts="1.1",
            response_url=tandem.standin.response_url(action),
        )
        return tandem.interact(payload)

    return _seen(tandem, request)


def _command(world: World, user: str, command: str, words: str = "") -> Seen:
    return _seen(world.tandem, lambda: world.tandem.command(command, words, user=user))


# -- rows --------------------------------------------------------------------------------------

Prepare = Callable[[World, str], Any]
Run = Callable[[World, str, Any], Seen]
Effect = Callable[[World, Seen, Rows, Rows, str], None]


@dataclass(frozen=True)
class Row:
    """One line of the table: what is done, by whom, and how to see it was done."""

    what: str
    allowed: frozenset[str]
    run: Run
    effect: Effect
    prepare: Prepare = lambda world, user: None
    note: str = ""
    # Slack shows nothing for a closed modal: a refusal there can only change nothing.
    silent: bool = False


def opens(callback: str) -> Effect:
    def effect(world: World, seen: Seen, before: Rows, after: Rows, actor: str) -> None:
        assert callback in seen.opened(), seen.said

    return effect


def changes(*tables: str) -> Effect:
    def effect(world: World, seen: Seen, before: Rows, after: Rows, actor: str) -> None:
        for table in tables:
            assert before[table] != after[table], f"{table} unchanged; said: {seen.said[:500]}"

    return effect


def says(fragment: str, *tables: str) -> Effect:
    def effect(world: World, seen: Seen, before: Rows, after: Rows, actor: str) -> None:
        assert fragment in seen.said, seen.said
        changes(*tables)(world, seen, before, after, actor)

    return effect


def button(action: str, value: Callable[[World], int | str]) -> Run:
    return lambda world, user, _: _press(world, user, action, value(world))


def command(name: str, words: str = "") -> Run:
    return lambda world, user, _: _command(world, user, name, words)


def opened_by(opener: str, action: str, value: Callable[[World], int | str]) -> Prepare:
    """The modal behind ``action`` as ``opener`` (someone allowed) opened it; the row's
    actor then submits that very view (a copied or forged submission for anyone else)."""

    def prepare(world: World, user: str) -> dict[str, Any]:
        seen = _press(world, opener, action, value(world))
        assert seen.opened(), seen.said
        return opened_view(world.tandem)

    return prepare


def submitted(values: Callable[[World], dict[str, Any]]) -> Run:
    def run(world: World, user: str, view: dict[str, Any]) -> Seen:
        return _seen(
            world.tandem,
            lambda: submit(world.tandem, view, user=user, changes=values(world)),
        )

    return run


def closed(values: dict[str, Any]) -> Run:
    """The modal closed without submitting (Slack's ``view_closed``)."""

    def run(world: World, user: str, view: dict[str, Any]) -> Seen:
        payload = {
            "type": "view_closed",
            "team": {"id": sr.TEAM_ID},
            "user": {"id": user, "team_id": sr.TEAM_ID},
            "api_app_id": sr.API_APP_ID,
            "view": {
                **view,
                "id": world.tandem.view_id_of(view),
                "state": {"values": fill(view, values)},
            },
            "is_cleared": False,
        }
        return _seen(world.tandem, lambda: world.tandem.interact(payload))

    return run


def role_a(world: World) -> int:
    return world.role


def own_kickoff(world: World, user: str, _: Any) -> Seen:
    """The person runs a whole kickoff of their own (a role created)."""
    title = f"Data Lead {user[-4:]}"
    return _seen(world.tandem, lambda: Kickoff(world.tandem, user).start(title).complete())


def someone_elses_kickoff(steps: int) -> Prepare:
    """The kickoff form of someone not in the table (``PANEL[1]``) after ``steps`` steps."""

    def prepare(world: World, user: str) -> dict[str, Any]:
        flow = Kickoff(world.tandem, PANEL[1]).start("Their Own Role")
        for changes in [role_step(), brief_step()][:steps]:
            assert flow.step(changes).json["response_action"] == "push"
        return flow.view

    return prepare


def editing_brief(world: World, user: str) -> dict[str, Any]:
    """*Edit brief* up to its last step, by the person if they may edit, else by the
    recruiter (whose form the person then submits as a copy)."""
    opener = user if user in (RECRUITER, HM, ADMIN) else RECRUITER
    view = opened_by(opener, Action.EDIT, role_a)(world, user)
    for changes in ({}, brief_step(business_need="The platform team merges with data.")):
        view = after_ack(
            world.tandem, submit(world.tandem, view, user=opener, changes=changes).json["view"]
        )
    return view


def publishes_home(world: World, seen: Seen, before: Rows, after: Rows, actor: str) -> None:
    published = [c.params.get("user_id") for c in seen.calls if c.method == "views.publish"]
    assert ACTORS[actor] in published, seen.said


FEEDBACK_VALUES = {"recommendation": "yes", "rating:0": "3"}
ROWS: list[Row] = [
    # -- slash commands
    Row(
        "`/kickoff [title]`",
        EVERYONE,
        command("/kickoff", "Data Lead"),
        opens(Callback.KICKOFF_ROLE),
    ),
    Row(
        "`/tandem help` (and `/tandem`)",
        EVERYONE,
        command("/tandem", "help"),
        says("Tandem commands"),
    ),
    Row(
        "`/tandem <unknown text>`", EVERYONE, command("/tandem", "frobnicate"), says("I don't know")
    ),
    Row("`/tandem quiet` (show own hours)", EVERYONE, command("/tandem", "quiet"), says("09:00")),
    Row(
        "`/tandem quiet HH:MM-HH:MM [days]` (own hours)",
        EVERYONE,
        command("/tandem", "quiet 08:00-17:00"),
        says("Saved", "people"),
    ),
    Row(
        "`/tandem quiet default …` (show)",
        EVERYONE,
        command("/tandem", "quiet default"),
        says("Workspace default"),
    ),
    Row(
        "`/tandem quiet default HH:MM-HH:MM` (change)",
        ADMINS,
        command("/tandem", "quiet default 08:00-17:00"),
        says("Saved", "workspaces"),
    ),
    Row(
        "`/tandem digest [on|off]` (own)",
        EVERYONE,
        command("/tandem", "digest on"),
        changes("people"),
    ),
    Row(
        "`/tandem holidays <country|off>`",
        ADMINS,
        command("/tandem", "holidays GB"),
        changes("workspaces"),
    ),
    Row(
        "`/tandem names <initials|full>`",
        ADMINS,
        command("/tandem", "names full"),
        changes("workspaces"),
    ),
    Row(
        "`/tandem retro anonymity <3–20|default>`",
        ADMINS,
        command("/tandem", "retro anonymity 5"),
        changes("workspaces"),
    ),
    Row(
        "`/tandem retro quality-checks <days|default>`",
        ADMINS,
        command("/tandem", "retro quality-checks 30,60"),
        changes("workspaces"),
    ),
    Row(
        "*Edit settings* (App Home, workspace settings)",
        ADMINS,
        button(Action.EDIT_WORKSPACE_SETTINGS, lambda w: "settings"),
        opens(Callback.WORKSPACE_SETTINGS),
    ),
    # -- buttons on the brief
    Row("*Agree to contract* (brief)", PARTIES, button(Action.AGREE, role_a), changes("roles")),
    Row("*Edit brief* (brief)", EDITORS, button(Action.EDIT, role_a), opens(Callback.KICKOFF_ROLE)),
    Row("*Change plan* (brief)", EDITORS, button(Action.CHANGE_PLAN, role_a), opens(Callback.PLAN)),
    Row(
        "*Acknowledge* a change (brief's thread)",
        frozenset({"recruiter"}),
        button(Action.ACKNOWLEDGE, lambda w: w.acknowledgement),
        changes("acknowledgements"),
        note="only the side the change waits for (here the recruiter: the HM changed it)",
    ),
    Row(
        "*Post brief again*",
        EDITORS,
        button(Action.POST_AGAIN, role_a),
        says("brief"),
        note="also whoever ran the kickoff",
    ),
    Row(
        "*Add candidate* (brief)",
        EDITORS,
        button(Action.ADD_CANDIDATE, role_a),
        opens(Callback.ADD_CANDIDATE),
    ),
    Row(
        "*Move candidate* (brief)",
        EDITORS,
        button(Action.MOVE_CANDIDATE, role_a),
        opens(Callback.MOVE_CANDIDATE),
    ),
    Row(
        "*Log interview* (brief)",
        EDITORS,
        button(Action.LOG_INTERVIEW, role_a),
        opens(Callback.LOG_INTERVIEW),
    ),
    Row(
        "*Panel focus areas* (brief)",
        EDITORS,
        button(Action.PANEL_FOCUS, role_a),
        opens(Callback.PANEL_FOCUS),
    ),
    Row(
        "*Record survey score* (brief)",
        frozenset({"recruiter", "workspace admin"}),
        button(Action.RECORD_SURVEY, role_a),
        opens(Callback.SURVEY_SCORE),
    ),
    Row(
        "*Skip next check-in* (check-in post)",
        EDITORS,
        button(Action.SKIP_CHECKIN, role_a),
        opens(Callback.SKIP_CHECKIN),
    ),
    Row(
        "*Move check-in* (check-in post)",
        EDITORS,
        button(Action.MOVE_CHECKIN, role_a),
        opens(Callback.MOVE_CHECKIN),
    ),
    Row(
        "*Close role* (brief)",
        EDITORS,
        button(Action.CLOSE_ROLE, role_a),
        opens(Callback.CLOSE_ROLE),
    ),
    Row(
        '*Close role as filled* (a "moved to Hired" note)',
        EDITORS,
        button(Action.CLOSE_AS_FILLED, lambda w: w.candidate),
        opens(Callback.CLOSE_ROLE),
    ),
    Row(
        "*Reopen role* (a closed role's brief)",
        EDITORS,
        button(Action.REOPEN_ROLE, lambda w: w.closed_role),
        changes("roles"),
    ),
    Row(
        "*Mark done* an action item (brief)",
        EDITORS,
        button(Action.ACTION_ITEM_DONE, lambda w: w.action_item),
        changes("action_items"),
        note="the pair the item belongs to, or an admin",
    ),
    # -- buttons on an interview's note
    Row(
        "*Edit interview* (interview note)",
        EDITORS,
        button(Action.EDIT_INTERVIEW, lambda w: w.interview),
        opens(Callback.EDIT_INTERVIEW),
        note="also whoever logged it",
    ),
    Row(
        "*Cancel interview* (interview note)",
        EDITORS,
        button(Action.CANCEL_INTERVIEW, lambda w: w.interview),
        changes("interviews"),
        note="also whoever logged it",
    ),
    Row(
        "*Focus areas* (interview note)",
        EDITORS,
        button(Action.FOCUS_AREAS, lambda w: w.interview),
        opens(Callback.FOCUS_AREAS),
        note="also whoever logged it",
    ),
    # -- buttons in DMs
    Row(
        "*Submit feedback* (DM)",
        frozenset({"panel member"}),
        button(Action.SUBMIT_FEEDBACK, lambda w: w.feedback_request),
        opens(Callback.FEEDBACK),
        note="only the interviewer the request is for",
    ),
    Row(
        "*Snooze 1 day* (DM)",
        frozenset({"panel member"}),
        button(Action.SNOOZE, lambda w: w.feedback_request),
        changes("obligations"),
        note="only the person the request is for",
    ),
    Row(
        "*Mute this role* (DM)",
        ON_ROLE,
        button(Action.MUTE_ROLE, role_a),
        changes("mutes"),
        note="anyone the role asks something of",
    ),
    Row(
        "*Mark done* a request (DM)",
        frozenset({"recruiter"}),
        button(Action.MARK_DONE, lambda w: w.own_request),
        changes("obligations"),
        note="only the person the request is for (here the recruiter's first-slate commitment)",
    ),
    Row(
        "*Answer the retro* (retro poll)",
        ON_ROLE,
        button(Action.RETRO_ANSWER, lambda w: w.open_poll),
        opens(Callback.RETRO_ANSWER),
        note="the people the poll invited: recruiter, HM, panel",
    ),
    Row(
        "*Add action item* (retro summary)",
        EDITORS,
        button(Action.ADD_ACTION_ITEM, lambda w: w.summarized_poll),
        opens(Callback.ACTION_ITEM),
    ),
    Row(
        "*How is the hire doing?* (quality-check DM)",
        frozenset({"hiring manager"}),
        button(Action.QUALITY_CHECK, lambda w: w.quality_check),
        opens(Callback.QUALITY_CHECK),
        note="only the HM the check asks",
    ),
    Row(
        "*More* / *Back* under a Home tab list",
        EVERYONE,
        button(Action.HOME_PAGE, lambda w: "roles:1"),
        publishes_home,
        note="each person's own Home tab only",
    ),
    # -- the kickoff modals
    Row(
        "Kickoff modals, steps 1–3 (a new role: their own form)",
        EVERYONE,
        own_kickoff,
        changes("roles"),
        note="anyone in the workspace starts a role and becomes its creator",
    ),
    Row(
        "Kickoff step 1 (someone else's form, copied)",
        frozenset(),
        submitted(lambda w: role_step()),
        changes("kickoff_drafts"),
        prepare=someone_elses_kickoff(0),
        note="a form is its opener's only",
    ),
    Row(
        "Kickoff step 2 (someone else's form, copied)",
        frozenset(),
        submitted(lambda w: brief_step()),
        changes("kickoff_drafts"),
        prepare=someone_elses_kickoff(1),
        note="a form is its opener's only",
    ),
    Row(
        "Kickoff step 3 (someone else's form, copied)",
        frozenset(),
        submitted(lambda w: {}),
        changes("roles"),
        prepare=someone_elses_kickoff(2),
        note="a form is its opener's only",
    ),
    Row(
        "Kickoff modals from *Edit brief* (saved at step 3)",
        EDITORS,
        submitted(lambda w: {}),
        changes("brief_revisions"),
        prepare=editing_brief,
        note="rights re-checked at the save, not only when the form opened",
    ),
    # -- modals (submitted as opened by someone allowed; anyone else's is a copied view)
    Row(
        "*Change plan* modal",
        EDITORS,
        submitted(
            lambda w: {
                "plan:offer:owner": "hm",
                "plan:offer:date": (date.today() + timedelta(days=50)).isoformat(),
            }
        ),
        changes("brief_revisions"),
        prepare=opened_by(RECRUITER, Action.CHANGE_PLAN, role_a),
    ),
    Row(
        "*Add candidate* modal",
        EDITORS,
        submitted(lambda w: {"candidate_name": "Kim Lee"}),
        changes("candidates"),
        prepare=opened_by(RECRUITER, Action.ADD_CANDIDATE, role_a),
    ),
    Row(
        "*Move candidate* modal",
        EDITORS,
        submitted(lambda w: {"candidate": str(w.candidate), "candidate_stage": "offer"}),
        changes("candidates"),
        prepare=opened_by(RECRUITER, Action.MOVE_CANDIDATE, role_a),
    ),
    Row(
        "*Log interview* modal",
        EDITORS,
        submitted(
            lambda w: {
                "candidate": str(w.candidate),
                "interview_kind": "technical",
                "interview_day": next_weekday(2).isoformat(),
                "interview_start": "14:00",
                "interview_end": "15:00",
                "interviewers": [PANEL[1]],
            }
        ),
        changes("interviews"),
        prepare=opened_by(RECRUITER, Action.LOG_INTERVIEW, role_a),
    ),
    Row(
        "*Edit interview* modal",
        EDITORS,
        submitted(lambda w: {"interview_start": "11:00", "interview_end": "12:00"}),
        changes("interviews"),
        prepare=opened_by(HM, Action.EDIT_INTERVIEW, lambda w: w.interview),
        note="also whoever logged it",
    ),
    Row(
        "*Focus areas* modal (an interview)",
        EDITORS,
        submitted(lambda w: {f"focus:{PANEL[0]}": ["Python"]}),
        changes("focus_areas"),
        prepare=opened_by(HM, Action.FOCUS_AREAS, lambda w: w.interview),
        note="also whoever logged it",
    ),
    Row(
        "*Panel focus areas* modal",
        EDITORS,
        submitted(lambda w: {f"focus:{PANEL[0]}": ["Python"]}),
        changes("panel_focus"),
        prepare=opened_by(RECRUITER, Action.PANEL_FOCUS, role_a),
    ),
    Row(
        "*Feedback* modal (submit)",
        frozenset({"panel member"}),
        submitted(lambda w: FEEDBACK_VALUES),
        changes("feedback"),
        prepare=opened_by(PANEL[0], Action.SUBMIT_FEEDBACK, lambda w: w.feedback_request),
        note="only the interviewer the request is for",
    ),
    Row(
        "*Feedback* modal (closed: draft kept)",
        frozenset({"panel member"}),
        closed({"recommendation": "no"}),
        changes("feedback"),
        prepare=opened_by(PANEL[0], Action.SUBMIT_FEEDBACK, lambda w: w.feedback_request),
        note="only the interviewer the request is for; anyone else's close is dropped silently",
        silent=True,
    ),
    Row(
        "*Skip next check-in* modal",
        EDITORS,
        submitted(lambda w: {"skip_reason": "Offsite week"}),
        changes("checkins"),
        prepare=opened_by(RECRUITER, Action.SKIP_CHECKIN, role_a),
    ),
    Row(
        "*Move check-in* modal",
        EDITORS,
        submitted(lambda w: {"checkin_day": "1", "checkin_time": "09:30"}),
        changes("commitments"),
        prepare=opened_by(RECRUITER, Action.MOVE_CHECKIN, role_a),
    ),
    Row(
        "*Close role* modal",
        EDITORS,
        submitted(lambda w: {"close_outcome": "on_hold", "close_reason": "Budget freeze"}),
        changes("roles"),
        prepare=opened_by(RECRUITER, Action.CLOSE_ROLE, role_a),
    ),
    Row(
        "*Retro answer* modal",
        ON_ROLE,
        submitted(
            lambda w: {"retro_partnership": "4", "retro_speed": "3", "retro_candidate_quality": "5"}
        ),
        changes("retro_answers"),
        prepare=opened_by(RECRUITER, Action.RETRO_ANSWER, lambda w: w.open_poll),
        note="the people the poll invited",
    ),
    Row(
        "*Action item* modal",
        EDITORS,
        submitted(lambda w: {"action_text": "Agree the must-haves at kickoff", "action_owner": HM}),
        changes("action_items"),
        prepare=opened_by(RECRUITER, Action.ADD_ACTION_ITEM, lambda w: w.summarized_poll),
    ),
    Row(
        "*Quality check* modal",
        frozenset({"hiring manager"}),
        submitted(lambda w: {"quality_rating": "4", "must_haves_predicted": "partly"}),
        changes("quality_checks"),
        prepare=opened_by(HM, Action.QUALITY_CHECK, lambda w: w.quality_check),
        note="only the HM the check asks",
    ),
    Row(
        "*Survey score* modal",
        frozenset({"recruiter", "workspace admin"}),
        submitted(lambda w: {"survey_candidate": str(w.candidate), "survey_score": "4"}),
        changes("candidates"),
        prepare=opened_by(RECRUITER, Action.RECORD_SURVEY, role_a),
    ),
]


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("row", ROWS, ids=[row.what for row in ROWS])
def test_who_may_do_what(world: World, row: Row, actor: str) -> None:
    context = row.prepare(world, ACTORS[actor])
    before = world.snapshot()
    seen = row.run(world, ACTORS[actor], context)
    after = world.snapshot()
    assert seen.reply.status == 200, seen.reply.body
    if actor in row.allowed:
        row.effect(world, seen, before, after, actor)
        return
    # Refused: privately, saying nothing about the role, changing nothing.
    assert row.silent or seen.said.strip(), "a refusal must say something"
    loud = [c.method for c in seen.calls if c.method in LOUD_METHODS]
    assert loud == [], f"a refusal made {loud}; said {seen.said[:300]}"
    for answer in seen.answers:
        assert answer.get("response_type") == "ephemeral", answer
    if seen.reply.body.startswith("{"):
        body = seen.reply.json
        assert body.get("response_type", "ephemeral") == "ephemeral", body
    leaked = [secret for secret in SECRETS if secret in seen.said]
    assert leaked == [], f"the refusal names {leaked}: {seen.said[:500]}"
    changed = [
        name for name in before if name not in UNCHECKED_TABLES and before[name] != after[name]
    ]
    assert changed == [], f"a refusal changed {changed}"


# -- admin rights are at most ten minutes old for a change -----------------------------------


@pytest.fixture
def demoted(world: World) -> Iterator[World]:
    """The admin, cached as an admin when the world was built, is demoted in Slack now."""
    user = world.tandem.standin.users[ADMIN]
    user.is_admin = False
    try:
        yield world
    finally:
        user.is_admin = True
        world.tandem.standin.heal("users.info")


def _workspace_setting(world: World) -> tuple[bool, str | None]:
    with world.tandem.database.sessions() as session:
        workspace = session.scalars(select(Workspace)).one()
        return workspace.full_names_in_channels, workspace.holiday_country


def _cached_admin(world: World) -> bool:
    with world.tandem.database.sessions() as session:
        return session.scalars(select(Person.is_admin).where(Person.user_id == ADMIN)).one()


def test_a_demoted_admin_keeps_the_cached_right_for_ten_minutes_then_loses_it(
    demoted: World,
) -> None:
    world = demoted
    with freeze_time(world.built_at + timedelta(minutes=9), tick=True):
        said = _command(world, ADMIN, "/tandem", "names full").said
        assert _workspace_setting(world) == (True, None), said
        assert _press(world, ADMIN, Action.REOPEN_ROLE, world.closed_role).answers == []
    with freeze_time(world.built_at + timedelta(minutes=11), tick=True):
        said = _command(world, ADMIN, "/tandem", "holidays GB").said
        assert "Only a workspace admin" in said
        assert _workspace_setting(world) == (True, None)
        refused = _press(world, ADMIN, Action.CLOSE_ROLE, world.role)
        assert refused.opened() == [] and "workspace admin can" in refused.said
        assert not _cached_admin(world)  # users.info was asked again and said so


def test_an_edit_opened_as_admin_is_refused_when_saved_after_the_demotion(
    demoted: World,
) -> None:
    world = demoted
    world.tandem.standin.users[ADMIN].is_admin = True
    view = opened_by(ADMIN, Action.EDIT, role_a)(world, ADMIN)
    revisions = world.snapshot()["brief_revisions"]
    reply = submit(world.tandem, view, user=ADMIN, changes={})
    view = after_ack(world.tandem, reply.json["view"])
    reply = submit(world.tandem, view, user=ADMIN, changes={"business_need": "Reorg"})
    view = reply.json["view"]
    world.tandem.standin.users[ADMIN].is_admin = False
    with freeze_time(world.built_at + timedelta(minutes=11), tick=True):
        reply = submit(world.tandem, view, user=ADMIN, changes={})
    assert reply.json["response_action"] == "update", reply.body
    assert "workspace admin" in reply.body and TITLE not in reply.body
    assert world.snapshot()["brief_revisions"] == revisions


def test_when_slack_cannot_say_a_stale_admin_is_refused_changes_but_may_open_forms(
    world: World,
) -> None:
    world.tandem.standin.fail("users.info", error="fatal_error", times=50)
    try:
        with freeze_time(world.built_at + timedelta(minutes=11), tick=True):
            said = _command(world, ADMIN, "/tandem", "names full").said
            assert "Only a workspace admin" in said
            assert _workspace_setting(world) == (False, None)
            opened = _press(world, ADMIN, Action.ADD_CANDIDATE, world.role)
            assert opened.opened() == [Callback.ADD_CANDIDATE]
    finally:
        world.tandem.standin.heal("users.info")
