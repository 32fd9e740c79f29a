"""Tenant isolation: one distribution-mode Tandem, two installed workspaces, each with its own
roles, candidates, interview, feedback, commitments, check-ins, retro and quality check.

(a) Every handler — each slash command and subcommand, each button of ``Action``, each modal
of ``Callback`` (submitted and closed), the candidate search, each event — is sent from
workspace B carrying workspace A's ids: the button values A was sent, the modals A's people
opened (``private_metadata`` and all), A's channels and people. Nothing B is told names
anything of A, every call goes out with B's token, and every row of A is unchanged.

(b) Every scheduler job runs at every tick of a week in which both workspaces hold due work:
each call to Slack goes with the token of the workspace whose channel or person it addresses,
and what one workspace's digest, Home tab and scorecard count never includes the other's.

The two workspaces are seeded once per module and database (see ``tests/tenancy_world.py``).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.db import make_engine, make_session_factory
from bot.migrate import upgrade_database
from bot.models import CheckIn
from bot.runtime import Database
from bot.sandbox.slack_standin import BOT_USER_ID, Call, SlackStandin
from bot.scheduler.registry import all_jobs
from bot.slack.ids import Action, Callback, Suggestion
from tests import slack_requests as sr
from tests.harness import Reply, Tandem
from tests.tenancy_world import (
    BRIEF,
    OPENED,
    Workspace,
    a_calls,
    add_action_item,
    add_people,
    dump,
    harvest_buttons,
    install,
    oauth_tandem,
    open_modals,
    run_job_timeline,
    seed_workspace,
    snapshot,
    token_of,
)
from tests.tenancy_world import (
    A as A_TEMPLATE,
)
from tests.tenancy_world import (
    B as B_TEMPLATE,
)
from tests.test_checkins import reply_event

# One worker builds the two workspaces once per database and runs every case on them.
pytestmark = pytest.mark.xdist_group("tenancy")


@dataclass
class World:
    tandem: Tandem
    a: Workspace
    b: Workspace
    now: datetime
    buttons: dict[str, list[str]]
    views: dict[str, list[dict[str, Any]]]
    job_calls: dict[str, list[Call]]
    checkin: tuple[str, str]  # A's check-in post: channel, ts
    checkin_reply_ts: str


def _database(migrated_url: str, tmp: Path, request: pytest.FixtureRequest) -> Database:
    if migrated_url.startswith("sqlite"):
        copy_path = tmp / "tenancy.db"
        shutil.copyfile(Path(make_url(migrated_url).database or ""), copy_path)
        engine = make_engine(f"sqlite:///{copy_path}")
    else:
        url = request.getfixturevalue("postgres_databases").create("tandem_tenancy")
        engine = make_engine(url)
        upgrade_database(engine)
    return Database(engine, make_session_factory(engine))


def _kickoff_views(tandem: Tandem, ws: Workspace) -> list[dict[str, Any]]:
    """A's recruiter half-way through a kickoff: the three steps' modals as Slack holds them."""
    general = f"C0{ws.letter}GENERAL"
    tandem.command(
        "/kickoff", "Draft Only", user=ws.recruiter, channel_id=general, team_id=ws.team_id
    )
    views = [tandem.standin.last("views.open").params["view"]]
    from tests.kickoff_flow import after_ack, role_step

    for changes in (
        role_step(hiring_manager=ws.hm, recruiter=ws.recruiter, panel=ws.panel),
        BRIEF,
    ):
        reply = tandem.submit_view(
            views[-1], user=ws.recruiter, changes=changes, team_id=ws.team_id
        )
        views.append(after_ack(tandem, reply.json["view"]))
    return views


def _forget_views(tandem: Tandem, ws: Workspace) -> list[dict[str, Any]]:
    """``/tandem forget-candidate`` by A's recruiter, where it exists: its picker and, with A's
    candidate picked, its confirmation (not confirmed)."""
    mark = len(tandem.standin.calls)
    tandem.command("/tandem", "forget-candidate", user=ws.recruiter, team_id=ws.team_id)
    opened = [c for c in tandem.standin.calls_since(mark) if c.method == "views.open"]
    if not opened:
        return []
    views = [opened[-1].params["view"]]
    reply = tandem.submit_view(
        views[0],
        user=ws.recruiter,
        team_id=ws.team_id,
        changes={"forget_candidate": str(ws.candidate_id)},
    )
    pushed = (reply.json or {}).get("view") if reply.body.startswith("{") else None
    return views + ([pushed] if pushed else [])


@pytest.fixture(scope="module")
def world(
    migrated_url: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[World]:
    db = _database(migrated_url, tmp_path_factory.mktemp("tenancy"), request)
    a, b = copy.deepcopy(A_TEMPLATE), copy.deepcopy(B_TEMPLATE)
    standin = SlackStandin().start()
    tandem = oauth_tandem(db, standin)
    try:
        with freeze_time(OPENED, tick=True):
            install(db, a.team_id)
            install(db, b.team_id)
            for ws in (a, b):
                add_people(standin, ws)
                seed_workspace(tandem, ws)
            job_calls: dict[str, list[Call]] = {}
            opened: list[dict[str, Any]] = []

            def after_tick(number: int) -> None:
                if number == 2:  # the retro is still open: A's people open its answer modal
                    buttons = harvest_buttons(a_calls(tandem, a))
                    opened.extend(open_modals(tandem, a, buttons, {Action.RETRO_ANSWER}))

            run_job_timeline(tandem, job_calls, after_tick)
            add_action_item(tandem, a)
            with db.sessions() as session:
                checkin = session.scalars(
                    select(CheckIn).where(
                        CheckIn.team_id == a.team_id, CheckIn.message_ts.is_not(None)
                    )
                ).first()
                assert checkin is not None and checkin.channel_id and checkin.message_ts
                where = (checkin.channel_id, checkin.message_ts)
            reply_ts = "1800000000.000101"
            tandem.event(
                reply_event(a.hm, "On track", channel=where[0], thread_ts=where[1], ts=reply_ts),
                team_id=a.team_id,
            )
            for ws in (a, b):
                for user in ws.people:
                    tandem.event(_home_opened(user), team_id=ws.team_id)
            buttons = harvest_buttons(a_calls(tandem, a))
            views: dict[str, list[dict[str, Any]]] = {}
            for view in opened:
                views.setdefault(view["callback_id"], []).append(view)
            for view in _kickoff_views(tandem, a):
                views.setdefault(view["callback_id"], []).append(view)
            for view in _forget_views(tandem, a):
                views.setdefault(view["callback_id"], []).append(view)
            # A's admin opens the workspace settings (its button needs no row id).
            guessed = {**buttons, Action.EDIT_WORKSPACE_SETTINGS: ["settings"]}
            for view in open_modals(tandem, a, guessed):
                views.setdefault(view["callback_id"], []).append(view)
            now = datetime.now(UTC)
        yield World(tandem, a, b, now, buttons, views, job_calls, where, reply_ts)
    finally:
        tandem.close()
        standin.stop()
        db.engine.dispose()


@pytest.fixture
def at_seeded_time(world: World) -> Iterator[None]:
    with freeze_time(world.now, tick=True):
        yield


def _home_opened(user: str) -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}


# -- what B may be told, and what of A must stay put ----------------------------------------


def _forbidden(world: World, caller: str) -> set[str]:
    return world.a.secrets() - {caller}


def _check_isolated(world: World, caller: str, run: Any) -> None:
    """Run ``run`` (one request from workspace B); then nothing B's side saw names A, every
    Web API call used B's token, and A's rows are as they were."""
    tandem, a, b = world.tandem, world.a, world.b
    before = snapshot(tandem.database, a.team_id)
    mark = len(tandem.standin.calls)
    reply: Reply | None = run()
    calls = tandem.standin.calls_since(mark)
    # What B's people are shown; lookups (conversations.*, users.info) of ids B sent are
    # questions to Slack, asked with B's token (checked below), which Slack answers for B.
    shown = [c for c in calls if c.method.startswith(SHOWN)]
    said = [reply.body if reply is not None else ""] + [dump(c) for c in shown]
    leaked = {s for s in _forbidden(world, caller) for text in said if s in text}
    assert leaked == set(), f"workspace B was told {leaked}: {said}"
    tokens = {token_of(c) for c in calls if c.method not in ("response_url", "upload")}
    assert tokens <= {b.token}, f"calls made with {tokens - {b.token}}"
    assert snapshot(tandem.database, a.team_id) == before, "a row of workspace A changed"


SHOWN = ("response_url", "chat.", "views.", "files.", "upload")


# Who in B sends the request: B's workspace admin, and A's recruiter's own user id arriving
# through B's installation (a forged or copied id).
CALLERS = ["b-admin", "a-recruiter-via-b"]


def _caller(world: World, who: str) -> str:
    return world.b.admin if who == "b-admin" else world.a.recruiter


# -- (a) slash commands ---------------------------------------------------------------------

COMMANDS = [
    ("/kickoff", "Spy {a_role_id}"),
    ("/scorecard", ""),
    ("/scorecard", "me"),
    ("/scorecard", "team"),
    ("/scorecard", "<@{a_hm}>"),
    ("/scorecard", "<@{a_recruiter}> <@{a_hm}>"),
    ("/scorecard", "export"),
    ("/tandem", "help"),
    ("/tandem", "quiet"),
    ("/tandem", "quiet 08:00-17:00"),
    ("/tandem", "digest"),
    ("/tandem", "digest on"),
    ("/tandem", "holidays US"),
    ("/tandem", "names full"),
    ("/tandem", "retro 5"),
    ("/tandem", "forget-candidate"),
    ("/tandem", "nonsense {a_role_id}"),
]


@pytest.mark.usefixtures("at_seeded_time")
@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize(("command", "text"), COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_command_from_b_sees_nothing_of_a(world: World, who: str, command: str, text: str) -> None:
    a, b = world.a, world.b
    typed = text.format(a_title=a.title, a_hm=a.hm, a_recruiter=a.recruiter, a_role_id=a.role_id)
    channel = sorted(c for c in a.channels if "GENERAL" not in c)[0]  # A's role channel
    caller = _caller(world, who)
    _check_isolated(
        world,
        caller,
        lambda: world.tandem.command(
            command,
            typed,
            user=caller,
            team_id=b.team_id,
            channel_id=channel,
            response_url=world.tandem.standin.response_url(command.strip("/")),
        ),
    )


# -- (a) buttons ----------------------------------------------------------------------------


def _values(world: World, action: str) -> list[str]:
    """What A was sent on this button; for a button A was never sent, A's role ids (the
    value most buttons carry) and its candidate id."""
    a = world.a
    guesses = [a.role_id, a.closed_role_id, a.candidate_id, a.hired_id, 1, 2, 3]
    return world.buttons.get(action) or [str(g) for g in guesses]


@pytest.mark.usefixtures("at_seeded_time")
@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("action", list(Action), ids=[a.value for a in Action])
def test_button_from_b_with_a_ids_sees_nothing_of_a(world: World, who: str, action: Action) -> None:
    caller = _caller(world, who)
    channel = sorted(c for c in world.a.channels if "GENERAL" not in c)[0]
    for value in _values(world, action):
        payload = sr.block_action_payload(
            user_id=caller,
            action_id=action,
            value=value,
            channel_id=channel,
            team_id=world.b.team_id,
            response_url=world.tandem.standin.response_url(action),
        )
        _check_isolated(world, caller, lambda p=payload: world.tandem.interact(p))


def test_every_button_was_tried_with_a_value_a_was_really_sent(world: World) -> None:
    """The harvest found the buttons A's messages carry (not just the guessed role ids)."""
    missing = {a.value for a in Action} - set(world.buttons)
    # Not seeded (a changed brief to acknowledge, a move to "hired", a failed brief post, a
    # second Home page): tried with A's guessed ids instead.
    # The admin's settings button is only on a Home tab Tandem knows to be an admin's.
    expected = {
        Action.ACKNOWLEDGE,
        Action.CLOSE_AS_FILLED,
        Action.POST_AGAIN,
        Action.HOME_PAGE,
        Action.EDIT_WORKSPACE_SETTINGS,
    }
    assert missing == expected, missing


# -- (a) modals -----------------------------------------------------------------------------

# Values a person of A could have typed: a complete submission wherever the modal needs one.
SUBMISSIONS: dict[str, dict[str, Any]] = {
    Callback.FEEDBACK: {"recommendation": "no", "notes": "copied by B"},
    Callback.CLOSE_ROLE: {"close_outcome": "cancelled", "close_reason": "B says so"},
    Callback.ADD_CANDIDATE: {"candidate_name": "Mallory Copycat"},
    Callback.SKIP_CHECKIN: {"skip_reason": "B skipped it"},
    Callback.ACTION_ITEM: {"action_text": "B's item"},
}


def _view_cases() -> list[str]:
    return [c.value for c in Callback]


@pytest.mark.usefixtures("at_seeded_time")
@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("callback", _view_cases())
def test_modal_submitted_from_b_with_a_metadata_sees_nothing_of_a(
    world: World, who: str, callback: str
) -> None:
    caller = _caller(world, who)
    views = world.views.get(callback)
    if not views:
        # A never had this modal open: B forges one naming A's role, candidate and interview.
        guess = {"role_id": world.a.role_id, "candidate_id": world.a.candidate_id}
        views = [{"callback_id": callback, "private_metadata": json.dumps(guess), "blocks": []}]
    for view in views:
        forged = copy.deepcopy(view)
        forged.pop("id", None)
        changes = SUBMISSIONS.get(callback)
        _check_isolated(
            world,
            caller,
            lambda v=forged, c=changes: world.tandem.submit_view(
                v, user=caller, team_id=world.b.team_id, changes=c
            ),
        )


def test_every_modal_was_tried_with_metadata_a_was_really_given(world: World) -> None:
    missing = {c.value for c in Callback} - set(world.views)
    assert missing == set(), missing


@pytest.mark.usefixtures("at_seeded_time")
@pytest.mark.parametrize("who", CALLERS)
def test_feedback_modal_closed_from_b_changes_nothing_of_a(world: World, who: str) -> None:
    caller = _caller(world, who)
    view = world.views[Callback.FEEDBACK][0]
    payload = sr.view_submission_payload(
        user_id=caller,
        callback_id=view["callback_id"],
        values={},
        private_metadata=view.get("private_metadata", ""),
        team_id=world.b.team_id,
    )
    payload["type"] = "view_closed"
    _check_isolated(world, caller, lambda: world.tandem.interact(payload))


@pytest.mark.usefixtures("at_seeded_time")
@pytest.mark.parametrize("who", CALLERS)
def test_candidate_search_from_b_lists_none_of_a(world: World, who: str) -> None:
    caller = _caller(world, who)
    offered: list[Any] = []
    for callback in (Callback.LOG_INTERVIEW, Callback.MOVE_CANDIDATE, Callback.CLOSE_ROLE):
        for view in world.views.get(callback, []):
            for block in view.get("blocks", []):
                element = block.get("element") or {}
                if element.get("action_id") != Suggestion.CANDIDATE:
                    continue
                for typed in ("", world.a.candidate[:3]):
                    forged = {k: v for k, v in view.items() if k != "id"}

                    def run(v: dict[str, Any] = forged, t: str = typed, b=block) -> Reply:
                        reply = world.tandem.suggest(
                            v, b["block_id"], t, user=caller, team_id=world.b.team_id
                        )
                        offered.append(reply.json)
                        return reply

                    _check_isolated(world, caller, run)
    assert offered, "no candidate search was found in A's modals"


# -- (a) events -----------------------------------------------------------------------------


def _events(world: World) -> list[tuple[str, dict[str, Any]]]:
    a = world.a
    channel, ts = world.checkin
    return [
        ("home-opened", _home_opened(a.hm)),
        (
            "checkin-reply",
            reply_event(a.hm, "B's reply", channel=channel, thread_ts=ts, ts="1800000000.000202"),
        ),
        (
            "reply-edited",
            {
                "type": "message",
                "subtype": "message_changed",
                "channel": channel,
                "message": {
                    "type": "message",
                    "user": a.hm,
                    "text": "edited by B",
                    "ts": world.checkin_reply_ts,
                    "thread_ts": ts,
                },
                "ts": "1800000000.000303",
            },
        ),
        (
            "reply-deleted",
            {
                "type": "message",
                "subtype": "message_deleted",
                "channel": channel,
                "deleted_ts": world.checkin_reply_ts,
                "ts": "1800000000.000404",
            },
        ),
        (
            "tokens-revoked",
            {"type": "tokens_revoked", "tokens": {"oauth": [a.recruiter], "bot": [BOT_USER_ID]}},
        ),
        ("app-uninstalled", {"type": "app_uninstalled"}),
    ]


EVENTS = [
    "home-opened",
    "checkin-reply",
    "reply-edited",
    "reply-deleted",
    "tokens-revoked",
    "app-uninstalled",
]


@pytest.mark.usefixtures("at_seeded_time")
@pytest.mark.parametrize("name", EVENTS)
def test_event_from_b_about_a_changes_nothing_of_a(world: World, name: str) -> None:
    event = dict(_events(world))[name]
    try:
        _check_isolated(
            world, world.a.hm, lambda: world.tandem.event(event, team_id=world.b.team_id)
        )
    finally:
        if name in ("tokens-revoked", "app-uninstalled"):
            _reinstall(world.tandem.database, world.b.team_id)


def _reinstall(db: Database, team_id: str) -> None:
    from sqlalchemy import text

    with db.engine.connect() as connection:
        bots = connection.execute(
            text("SELECT count(*) FROM slack_bots WHERE team_id = :t"), {"t": team_id}
        ).scalar_one()
    if bots == 0:
        with db.engine.begin() as connection:
            connection.execute(
                text("DELETE FROM slack_installations WHERE team_id = :t"), {"t": team_id}
            )
        install(db, team_id)


# -- (b) scheduler jobs ---------------------------------------------------------------------

JOBS = [job.name for job in all_jobs()]
_CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]+$")


def _addressed(call: Call) -> str | None:
    params = call.params
    return (
        params.get("channel")
        or params.get("channel_id")
        or params.get("user_id")
        or (params.get("users") or params.get("user"))
    )


@pytest.mark.parametrize("job", JOBS)
def test_job_speaks_to_each_workspace_with_its_own_token(world: World, job: str) -> None:
    owner: dict[str, str] = {}
    for ws in (world.a, world.b):
        for thing in [*ws.people, *ws.channels, *(f"D{p}" for p in ws.people)]:
            owner[thing] = ws.token
    for call in world.job_calls[job]:
        if call.method in ("response_url", "upload"):
            continue
        token = token_of(call)
        assert token in (world.a.token, world.b.token), (job, call.method, token)
        where = _addressed(call)
        if where is not None and str(where) in owner:
            assert owner[str(where)] == token, (job, call.method, where, token)
        other = world.b if token == world.a.token else world.a
        leaked = {s for s in other.secrets() if s in dump(call)}
        assert leaked == set(), (job, call.method, leaked)


def test_the_week_gave_both_workspaces_due_work(world: World) -> None:
    """Each job that speaks to Slack spoke to both workspaces during the week."""
    spoke = {
        job: {token_of(c) for c in calls if c.method not in ("response_url", "upload")}
        for job, calls in world.job_calls.items()
    }
    both = {world.a.token, world.b.token}
    silent = {job for job, tokens in spoke.items() if not both <= tokens}
    assert silent <= {
        "purge-processed-events",
        "purge-view-submissions",
        "purge-oauth-states",
        "purge-uninstalled",
        "retry-events",
        "deliver-outbox",
    }, spoke


# -- (c) Enterprise Grid: an org-wide install -----------------------------------------------

ORG = "E0ACMEORG"
ORG_WS = "T0ORGWS1"


class OrgTandem(Tandem):
    """Requests as Slack sends them for an org-wide install: the org named, the flag set."""

    def __init__(self, *args: Any, team_known: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team_known = team_known

    def command(self, command: str, text: str = "", *, user: str, **kwargs: Any) -> Reply:
        kwargs.setdefault("response_url", self.standin.response_url("command"))
        body = sr.slash_command_body(command, text, user_id=user, **kwargs)
        body = body.replace("is_enterprise_install=false", "is_enterprise_install=true")
        body += f"&enterprise_id={ORG}&enterprise_name=Acme+Org"
        return self.post_signed(body, "application/x-www-form-urlencoded")

    def interact(self, payload: dict[str, Any]) -> Reply:
        payload = copy.deepcopy(payload)
        payload["is_enterprise_install"] = True
        payload["enterprise"] = {"id": ORG, "name": "Acme Org"}
        if "team" in payload:
            payload["team"] = {**payload["team"], "enterprise_id": ORG}
        if not self.team_known:
            # Org-level surfaces: Slack sends ``team: null`` and no team on the user.
            payload["team"] = None
            payload["user"] = {k: v for k, v in payload["user"].items() if k != "team_id"}
            if isinstance(payload.get("view"), dict):
                payload["view"].pop("app_installed_team_id", None)
                payload["view"].pop("team_id", None)
        return super().interact(payload)


def _org_tandem(db: Database, standin: SlackStandin, **kwargs: Any) -> OrgTandem:
    return OrgTandem(
        db,
        standin,
        slack_bot_token=None,
        slack_client_id="1111.2222",
        slack_client_secret="client-secret",
        **kwargs,
    )


def test_org_wide_install_serves_a_command_a_button_and_the_jobs(
    db: Database, standin: SlackStandin
) -> None:
    from bot.models import OutboxMessage, Role
    from bot.models import Workspace as WorkspaceRow
    from tests.hiring_flow import press
    from tests.kickoff_flow import Kickoff, role_step

    ws = copy.deepcopy(A_TEMPLATE)
    ws.team_id = ORG_WS
    install(db, None, enterprise_id=ORG)  # org-wide: no team id on the install
    tandem = _org_tandem(db, standin)
    try:
        with freeze_time(OPENED, tick=True):
            add_people(standin, ws)
            standin.add_channel("C0AGENERAL", "general", members={BOT_USER_ID})
            people = role_step(hiring_manager=ws.hm, recruiter=ws.recruiter, panel=ws.panel)
            Kickoff(tandem, ws.recruiter, team_id=ORG_WS).start(
                ws.title, channel_id="C0AGENERAL"
            ).complete(role=people, brief=BRIEF)
            with db.sessions() as session:
                role = session.scalars(select(Role)).one()
                row = session.scalars(select(WorkspaceRow)).one()
                assert (role.team_id, row.team_id, row.enterprise_id) == (ORG_WS, ORG_WS, ORG)
            answer = press(tandem, ws.hm, Action.AGREE, str(role.id), team_id=ORG_WS)
            assert answer is None or "agreed" in answer.lower(), answer
            posts = [c for c in standin.calls if c.method.startswith("chat.")]
            assert posts, "the kickoff's brief was not posted"
            assert {token_of(c) for c in posts} == {f"xoxb-{ORG}"}
            with db.sessions() as session:
                states = set(session.scalars(select(OutboxMessage.state)))
            assert states == {"sent"}, states
    finally:
        tandem.close()


def test_org_level_request_without_a_workspace_gets_a_clear_answer(
    db: Database, standin: SlackStandin
) -> None:
    from bot.app import NO_WORKSPACE_MESSAGE

    install(db, None, enterprise_id=ORG)
    tandem = _org_tandem(db, standin, team_known=False)
    try:
        payload = sr.block_action_payload(
            user_id="U0ORGUSER",
            action_id=Action.AGREE,
            value="1",
            team_id=ORG_WS,
            response_url=standin.response_url("agree"),
        )
        assert tandem.interact(payload).status == 200
        assert standin.last("response_url").params["text"] == NO_WORKSPACE_MESSAGE
        view = {"callback_id": Callback.FEEDBACK, "private_metadata": "{}", "blocks": []}
        reply = tandem.submit_view(view, user="U0ORGUSER", team_id=ORG_WS)
        assert NO_WORKSPACE_MESSAGE in reply.body
        with db.sessions() as session:
            from bot.models import Workspace as WorkspaceRow

            assert session.scalars(select(WorkspaceRow)).all() == []
    finally:
        tandem.close()


def test_nothing_either_workspace_was_ever_shown_names_the_other(world: World) -> None:
    """Every call the week made (posts, DMs, digests, Home tabs, scorecards, modals), by the
    token it went with: none names the other workspace's roles, candidates, people or
    channels."""
    # A's recruiter's and HM's ids are also callers through B's installation (the forged
    # commands, clicks and events above), answered at that id.
    secrets = {
        world.a.token: world.b.secrets(),
        world.b.token: world.a.secrets() - {world.a.recruiter, world.a.hm},
    }
    shown = 0
    for call in world.tandem.standin.calls:
        other = secrets.get(token_of(call))
        if other is None or not call.method.startswith(SHOWN):
            continue
        shown += 1
        leaked = {s for s in other if s in dump(call)}
        assert leaked == set(), (call.method, leaked)
    assert shown >= 50, shown
    home = {token_of(c) for c in world.tandem.standin.calls_to("views.publish")}
    assert home == {world.a.token, world.b.token}
