"""Who sees what of the scorecard (issue 13 item 7), over signed slash commands and events.

The matrix: a recruiter, an HM and a panelist of role A, a workspace admin on no role, an
outsider in the workspace (a member of A's channel, on no role) and a person from another
workspace, times every `/scorecard` view — in A's channel, `me`, `team`, the pair of A's HM
and recruiter — each also with `export`. For each cell: what came back (posted in the
channel, a private answer with the chart in the DM, a CSV, or a refusal that changes
nothing), whose per-person figures it holds, which obligation rows the CSV lists, and that
nothing anyone received names a candidate, a role the viewer is not entitled to, or
another role's people. The rules themselves are in bot/services/scorecard.py's docstring.

Every test seeds the same two roles row by row (tests/scorecard_seed.py's builder), so each
one asks one thing of a fresh app on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import count
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from bot.models import BriefRevision, Candidate, OutboxMessage, Role
from bot.sandbox.slack_standin import BOT_USER_ID
from bot.services.actors import Actor
from bot.services.brief import BriefContent, Contract, default_plan
from bot.services.scorecard import NO_ROLE_HERE, NOT_A_PAIR, PAIR_ONLY, scorecard_command
from tests import slack_requests as sr
from tests.harness import Tandem
from tests.kickoff_flow import ADMIN, HM, PANEL, RECRUITER, STRANGER, add_people
from tests.scorecard_seed import Seed, at

NOW = datetime(2027, 4, 1, 12, 0, tzinfo=UTC)  # Thursday; the default period is 90 days back
ROLE_A, ROLE_B = "Quantum Llama Wrangler", "Clandestine Yak Herder"
CANDIDATE_A, CANDIDATE_B = "Zelda Quixote", "Bartholomew Hush"
CHANNEL_A, CHANNEL_B, ELSEWHERE = "C0ROLEA", "C0ROLEB", "C0RANDOM"
PANELIST = PANEL[0]
RECRUITER_B, HM_B, PANELIST_B = "U0RECRUITB", "U0HMB", "U0PANELB"
FOREIGN = "U0FOREIGN"
PEOPLE_B = (RECRUITER_B, HM_B, PANELIST_B)
ROWS_A = frozenset({"fb_panel", "fb_hm", "slate_a", "review_a"})
ROWS_B = frozenset({"fb_panel_b", "fb_hm_b", "slate_b"})
# What no scorecard view ever says, to anyone: candidates are counted, never named.
NEVER = (CANDIDATE_A, "Zelda", "Quixote", CANDIDATE_B, "Bartholomew", "Hush")
PER_PERSON = re.compile(r"Feedback on time, <@(\w+)>|feedback_on_time:person:(\w+)")
OUTPUT_METHODS = {
    "response_url",
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "files.completeUploadExternal",
    "views.publish",
    "views.open",
}

ACTORS = {
    "recruiter": RECRUITER,
    "hm": HM,
    "panelist": PANELIST,
    "admin": ADMIN,
    "outsider": STRANGER,
    "foreign": FOREIGN,
}
PAIR = f"<@{HM}|hank> <@{RECRUITER}|rita>"
VIEWS = {
    "channel": ("", CHANNEL_A),
    "me": ("me", ELSEWHERE),
    "team": ("team", ELSEWHERE),
    "pair": (PAIR, ELSEWHERE),
    "channel-export": ("export", CHANNEL_A),
    "me-export": ("me export", ELSEWHERE),
    "team-export": ("team export", ELSEWHERE),
    "pair-export": (f"{PAIR} export", ELSEWHERE),
}
ON_A = {"recruiter", "hm", "panelist"}


# -- the seeded workspace ------------------------------------------------------------------------


def _brief(title: str, recruiter: str, hm: str, panel: list[str], kickoff: date) -> dict:
    target = date(2027, 6, 30)
    return BriefContent(
        title=title,
        hiring_manager_id=hm,
        recruiter_id=recruiter,
        business_need="The platform team doubles next year.",
        must_haves=["Python"],
        target_fill_date=target,
        panel=panel,
        contract=Contract(slate_due=date(2027, 1, 20)),
        plan=default_plan(kickoff, target),
    ).model_dump(mode="json")


def _role(seed: Seed, name: str, title: str, channel: str, panel: list[str]) -> None:
    role = seed.session.get(Role, seed.ids[name])
    assert role is not None
    role.title, role.channel_id = title, channel
    revision = seed.session.scalars(
        select(BriefRevision).where(BriefRevision.role_id == role.id)
    ).one()
    revision.content = _brief(
        title, role.recruiter_id, role.hiring_manager_id, panel, role.created_at.date()
    )


def _name(seed: Seed, candidate: str, name: str) -> None:
    row = seed.session.get(Candidate, seed.ids[candidate])
    assert row is not None
    row.name = name


def seed_workspace(tandem: Tandem) -> dict[str, int]:
    """Role A (RECRUITER, HM, panel PANELIST; filled) and role B (its own three people), each
    with a named candidate, an interview, feedback on time and late, and contract items."""
    add_people(tandem.standin)
    for user, name in ((RECRUITER_B, "rob"), (HM_B, "hedy"), (PANELIST_B, "pat")):
        tandem.standin.add_user(user, name, tz="UTC")
    members = {BOT_USER_ID, RECRUITER, HM, PANELIST, STRANGER}
    tandem.standin.add_channel(CHANNEL_A, "hire-quantum", members=members)
    tandem.standin.add_channel(CHANNEL_B, "hire-yak", members={BOT_USER_ID, *PEOPLE_B})
    tandem.standin.add_channel(ELSEWHERE, "random", members={BOT_USER_ID, *ACTORS.values()})
    with tandem.database.sessions.begin() as session:
        seed = Seed(session, sr.TEAM_ID)
        seed.role("A", RECRUITER, HM, at(1, 4))
        _role(seed, "A", ROLE_A, CHANNEL_A, [PANELIST])
        seed.candidate(
            "a1", "A", [("sourced", at(1, 10)), ("offer", at(3, 1)), ("hired", at(3, 5))]
        )
        _name(seed, "a1", CANDIDATE_A)
        seed.interview("ia", "a1", at(2, 15))
        seed.obligation(
            "fb_panel", "A", "feedback", PANELIST, at(2, 17), interview="ia", resolved=at(2, 16)
        )
        seed.feedback("fb_panel", at(2, 16))
        seed.obligation("fb_hm", "A", "feedback", HM, at(2, 17), interview="ia", resolved=at(2, 20))
        seed.feedback("fb_hm", at(2, 20))
        seed.obligation(
            "slate_a",
            "A",
            "first_slate",
            RECRUITER,
            at(1, 20),
            resolved=at(1, 19),
            commitment_side="recruiter",
        )
        seed.obligation("review_a", "A", "resume_review", HM, at(2, 1))
        # Owed after "now" and after the period: in the panelist's Home, in no figure.
        seed.interview("ia2", "a1", at(4, 1, 9))
        seed.obligation("fb_open", "A", "feedback", PANELIST, at(4, 3), interview="ia2")
        seed.closure("close_a", "A", "filled", at(3, 6), offer=date(2027, 3, 5), hires=("a1",))

        seed.role("B", RECRUITER_B, HM_B, at(1, 11))
        _role(seed, "B", ROLE_B, CHANNEL_B, [PANELIST_B])
        seed.candidate("b1", "B", [("sourced", at(1, 12))])
        _name(seed, "b1", CANDIDATE_B)
        seed.interview("ib", "b1", at(3, 10))
        seed.obligation(
            "fb_panel_b", "B", "feedback", PANELIST_B, at(3, 12), interview="ib", resolved=at(3, 11)
        )
        seed.feedback("fb_panel_b", at(3, 11))
        seed.obligation("fb_hm_b", "B", "feedback", HM_B, at(3, 12), interview="ib")
        seed.obligation(
            "slate_b",
            "B",
            "first_slate",
            RECRUITER_B,
            at(2, 1),
            resolved=at(2, 3),
            commitment_side="recruiter",
        )
        return dict(seed.ids)


# -- what a request made the app say ----------------------------------------------------------------


@dataclass
class Seen:
    """Everything the app sent Slack (and acked) for one request."""

    ack: dict[str, Any]
    answers: list[dict[str, Any]]  # the private answers (response_url)
    files: list[dict[str, Any]]  # messages carrying a file: channel, text, file title
    csv_rows: list[dict[str, str]]
    outbox_rows: int  # rows the request queued
    everything: str = field(default="")

    @property
    def answer(self) -> str:
        [answer] = self.answers
        return str(answer["text"])

    def per_person(self) -> set[str]:
        return {a or b for a, b in PER_PERSON.findall(self.everything)}

    def rows(self, ids: dict[str, int]) -> set[str]:
        names = {v: k for k, v in ids.items() if k in ROWS_A | ROWS_B}
        return {
            names[int(r["obligation_id"])] for r in self.csv_rows if r["record"] == "obligation"
        }


def _outbox(tandem: Tandem) -> int:
    with tandem.database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def ask(tandem: Tandem, user: str, text: str, channel_id: str) -> Seen:
    team_id = sr.OTHER_TEAM_ID if user == FOREIGN else sr.TEAM_ID
    calls, outbox = len(tandem.standin.calls), _outbox(tandem)
    earlier = {(m["channel"], m["ts"]) for m in tandem.standin.posted()}
    with freeze_time(NOW, tick=True):
        reply = tandem.command(
            "/scorecard", text, user=user, channel_id=channel_id, team_id=team_id
        )
        queued = _outbox(tandem) - outbox
        tandem.deliver()
    assert reply.status == 200
    sent = [c for c in tandem.standin.calls[calls:] if c.method in OUTPUT_METHODS]
    files, csv_rows = [], []
    for message in tandem.standin.posted():
        if (message["channel"], message["ts"]) in earlier:
            continue
        for shared in message.get("files") or []:
            content = tandem.standin.uploads[shared["id"]].get("content", b"")
            files.append({**message, "title": shared.get("title")})
            if str(shared.get("name", "")).endswith(".csv"):
                raw = content.decode("utf-8-sig")
                csv_rows += list(csv.DictReader(io.StringIO(raw)))
    seen = Seen(
        ack=reply.json if reply.body.startswith("{") else {},
        answers=[c.params for c in sent if c.method == "response_url"],
        files=files,
        csv_rows=csv_rows,
        outbox_rows=queued,
    )
    seen.everything = "\n".join(
        [reply.body, *(str(c.params) for c in sent), *(str(r) for r in csv_rows)]
    )
    return seen


# -- the matrix ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    outcome: str  # "channel", "private", "csv", "refused", "foreign"
    refusal: str = ""
    per_person: frozenset[str] = frozenset()
    rows: frozenset[str] = frozenset()
    title_a: bool = False  # may name role A


def expected(actor: str, view: str) -> Expect:
    """The rules of bot/services/scorecard.py, cell by cell."""
    if actor == "foreign":
        return Expect("foreign")
    entitled_a = actor in ON_A or actor == "admin"
    export = view.endswith("-export")
    base = view.removesuffix("-export")
    if base == "channel":
        if not entitled_a:
            return Expect("refused", NO_ROLE_HERE)
        return Expect("csv" if export else "channel", rows=ROWS_A, title_a=True)
    if base == "pair":
        if actor not in ("recruiter", "hm", "admin"):
            return Expect("refused", PAIR_ONLY)
        both = frozenset({HM, PANELIST})  # everyone owing feedback on the pair's role
        return Expect("csv" if export else "private", per_person=both, rows=ROWS_A)
    if base == "me":
        own = {"hm": {HM}, "panelist": {PANELIST}}.get(actor, set())
        mine = {
            "recruiter": {"slate_a", "review_a"},  # the contract of their role
            "hm": {"fb_hm", "slate_a", "review_a"},
            "panelist": {"fb_panel"},  # their own feedback only
        }.get(actor, set())
        return Expect(
            "csv" if export else "private", per_person=frozenset(own), rows=frozenset(mine)
        )
    # team: aggregates only; rows for admins only
    rows = ROWS_A | ROWS_B if actor == "admin" else frozenset()
    return Expect("csv" if export else "private", rows=rows)


CELLS = [(a, v) for a in ACTORS for v in VIEWS]


@pytest.mark.parametrize(("actor", "view"), CELLS, ids=[f"{a}-{v}" for a, v in CELLS])
def test_who_sees_what(tandem: Tandem, actor: str, view: str) -> None:
    ids = seed_workspace(tandem)
    user = ACTORS[actor]
    text, channel = VIEWS[view]
    seen = ask(tandem, user, text, channel)
    want = expected(actor, view)

    # Nobody is ever told a candidate's name, nor anything of role B or its people.
    for secret in (*NEVER, ROLE_B, CHANNEL_B):
        assert secret not in seen.everything
    if not (actor == "admin" and view == "team-export"):
        for person in PEOPLE_B:
            assert person not in seen.everything
    assert (ROLE_A in seen.everything) == want.title_a
    assert seen.per_person() == set(want.per_person)

    if want.outcome == "foreign":
        assert "another Slack workspace" in seen.ack["text"]
        assert seen.answers == [] and seen.files == [] and seen.outbox_rows == 0
        return
    if want.outcome == "refused":
        # Private, word for word the same whatever the role, and nothing queued or posted.
        assert seen.answer == want.refusal
        assert seen.files == [] and seen.outbox_rows == 0
        return
    [answer] = seen.answers
    assert answer["response_type"] == "ephemeral"
    [shared] = seen.files
    if want.outcome == "channel":
        assert shared["channel"] == CHANNEL_A  # for everyone in the role's channel
        assert ROLE_A in shared["text"] and "Time to fill: *" in shared["text"]
        assert "<@" not in shared["text"]
        assert f"Posting the scorecard of *{ROLE_A}*" in seen.answer
        return
    assert shared["channel"] == user  # the asker's DM, nobody else's
    if want.outcome == "private":
        assert "Time to fill" in str(answer["blocks"]) and "(the chart is in your DM" in seen.answer
        return
    assert "is in your DM" in seen.answer
    assert seen.rows(ids) == set(want.rows)
    if actor != "admin" and view == "team-export":
        assert "figures only" in seen.answer
    if not want.rows:
        # No interview details at all: no interview ids or times, nobody's obligations.
        assert all(r["interview_id"] == "" and r["owner_id"] == "" for r in seen.csv_rows)


# -- refusals cannot be used to probe ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "30d", "quarter", "2027-01-01..2027-03-31 export", "last-quarter export"],
)
def test_a_refusal_in_a_roles_channel_is_the_same_as_where_there_is_no_role(
    tandem: Tandem, text: str
) -> None:
    seed_workspace(tandem)
    # The outsider in A's channel, A's recruiter in B's channel (on a role, not that one),
    # and anyone in a channel with no role at all: one answer, whatever the period.
    said = {
        ask(tandem, STRANGER, text, CHANNEL_A).answer,
        ask(tandem, RECRUITER, text, CHANNEL_B).answer,
        ask(tandem, STRANGER, text, ELSEWHERE).answer,
    }
    assert said == {NO_ROLE_HERE}
    assert tandem.standin.posted() == []
    assert _outbox(tandem) == 0


def test_a_pair_refusal_does_not_say_whether_the_two_work_together(tandem: Tandem) -> None:
    seed_workspace(tandem)
    together = ask(tandem, STRANGER, f"<@{HM}> <@{RECRUITER}>", ELSEWHERE)
    apart = ask(tandem, STRANGER, f"<@{HM_B}> <@{RECRUITER}> 30d export", ELSEWHERE)
    # A panelist of the pair's role does not share the pair's other roles.
    panelist = ask(tandem, PANELIST, f"<@{HM}> <@{RECRUITER}>", ELSEWHERE)
    assert together.answer == apart.answer == panelist.answer == PAIR_ONLY
    # One of the two learns only what they know: they have no role together.
    mine = ask(tandem, RECRUITER, f"<@{HM_B}> <@{RECRUITER}>", ELSEWHERE)
    assert mine.answer == NOT_A_PAIR
    assert tandem.standin.posted() == [] and _outbox(tandem) == 0


def test_bad_arguments_get_the_same_usage_in_a_roles_channel_and_elsewhere(
    tandem: Tandem,
) -> None:
    seed_workspace(tandem)
    for text in ("fortnight", "2027-02-30..2027-03-01", "me team", "9999d"):
        inside = ask(tandem, STRANGER, text, CHANNEL_A)
        outside = ask(tandem, STRANGER, text, ELSEWHERE)
        assert inside.answer == outside.answer and inside.answer.startswith("`/scorecard` takes")
        assert inside.outbox_rows == outside.outbox_rows == 0


def test_one_person_alone_is_no_view_of_them(tandem: Tandem) -> None:
    seed_workspace(tandem)
    said = ask(tandem, STRANGER, f"<@{HM}>", ELSEWHERE)
    assert said.answer.startswith("`/scorecard` takes") and "two people" in said.answer
    assert HM not in said.answer and said.outbox_rows == 0


def test_another_workspace_past_the_front_door_finds_nothing_of_this_one(
    tandem: Tandem,
) -> None:
    """Installed in two workspaces, the app lets the other one's requests through: every
    answer is then about that workspace alone (the same user ids, none of this one's data)."""
    ids = seed_workspace(tandem)
    assert ids  # this workspace has roles, figures and rows

    def as_foreign(text: str, channel: str) -> str:
        actor = Actor(team_id=sr.OTHER_TEAM_ID, user_id=RECRUITER)
        with freeze_time(NOW, tick=True):
            answer = scorecard_command(
                tandem.database.sessions, actor, text=text, channel_id=channel, now=NOW
            )
        return f"{answer.text} {answer.blocks}"

    assert as_foreign("", CHANNEL_A).startswith(NO_ROLE_HERE)
    assert as_foreign(f"<@{HM}> <@{RECRUITER}>", ELSEWHERE).startswith(NOT_A_PAIR)
    for text in ("me", "team"):
        said = as_foreign(text, ELSEWHERE)
        assert "Time to fill: *no data yet*" in said and "<@U0HIRINGMGR>" not in said
    assert "0 rows" in as_foreign("me export", ELSEWHERE)
    with tandem.database.sessions() as session:
        queued = session.scalars(select(OutboxMessage.team_id)).all()
    assert set(queued) == {sr.OTHER_TEAM_ID}


# -- the App Home ---------------------------------------------------------------------------------

_events = count(1)


def open_home(tandem: Tandem, user: str, team_id: str = sr.TEAM_ID) -> str:
    before = len(tandem.standin.calls_to("views.publish"))
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
    with freeze_time(NOW, tick=True):
        reply = tandem.event(event, event_id=f"Ev0VIS{next(_events)}", team_id=team_id)
    assert reply.status == 200
    published = tandem.standin.calls_to("views.publish")[before:]
    return "\n".join(str(c.params) for c in published)


@pytest.mark.parametrize("actor", ["outsider", "admin", "panelist", "hm", "foreign"])
def test_the_app_home_names_only_the_viewers_own_roles_and_candidates(
    tandem: Tandem, actor: str
) -> None:
    seed_workspace(tandem)
    user = ACTORS[actor]
    home = open_home(tandem, user, sr.OTHER_TEAM_ID if actor == "foreign" else sr.TEAM_ID)
    for secret in (ROLE_B, CANDIDATE_B, *PEOPLE_B):
        assert secret not in home
    if actor == "foreign":
        assert home == ""
        return
    assert (ROLE_A in home) == (actor in ON_A)
    # The panelist's own feedback item names its candidate (they interviewed them).
    assert (CANDIDATE_A in home) == (actor == "panelist")
    if actor not in ON_A:
        assert CANDIDATE_A not in home and "Your roles" not in home
    # Per-person figures: the viewer's own, never anyone else's.
    assert {a or b for a, b in PER_PERSON.findall(home)} <= {user}
    for other in (RECRUITER, HM, PANELIST, ADMIN, STRANGER):
        if other != user:
            assert f"<@{other}>" not in home or actor in ON_A
