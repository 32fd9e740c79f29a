"""Fuzzed modal submissions: every modal Tandem opens (each ``Callback``), taken as the app
really sent it (a button pressed, a command typed), then submitted over and over with
generated ``state.values`` — the pre-filled values, hostile text, numbers, dates and times
out of range, options the modal never offered, users and channels that are not Slack ids,
fields missing or of the wrong JSON type — and with the view's ``private_metadata`` kept,
stale or forged (other ids, keys dropped, not JSON), a fresh or a reused view id and a
forged view hash, by the person who opened it or by someone else.

What every submission gets, besides the properties of tests/fuzz_support.py:

* an answer Slack accepts: the modal closes (empty body), or ``response_action`` is
  ``errors`` (each message non-empty, keyed by an input block of the modal, so it shows next
  to the field), ``update`` or ``push`` (a view with text in it);
  A step that asks Slack first (kickoff step 1) pushes "Checking…" and replaces it once,
  after the ack, with a view that says something;
* "specific": a refused value is named next to its field, a refused request says why in the
  modal it leaves (never Tandem's generic apology, which the traceback check rejects);
* nothing half-written: after an ``errors`` answer, the main tables hold the rows they held.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from bot.models import Candidate, Interview, Obligation, QualityCheck, RetroPoll, Role
from bot.sandbox import requests as slack_requests
from bot.services import retro_summary
from bot.slack.ids import Action, Callback
from tests.conftest import session_today
from tests.followups_flow import seed_hire
from tests.fuzz_strategies import hostile_text, private_metadata, state_values
from tests.fuzz_support import Outcome, World, fuzz_settings, texts_in, world
from tests.hiring_flow import add_candidate, log_interview, next_weekday, press
from tests.kickoff_flow import (
    ADMIN,
    HM,
    PANEL,
    RECRUITER,
    STRANGER,
    Kickoff,
    add_people,
    brief_step,
    role_step,
)
from tests.modals import opened_view, submit

# Cases per modal in CI's run on SQLite (a tenth of that on PostgreSQL: fuzz_support).
CASES = 50
OTHERS = [RECRUITER, HM, PANEL[0], ADMIN, STRANGER, "U0NOBODY"]
USERS = [RECRUITER, HM, *PANEL, ADMIN, STRANGER, "U0SOMEBOT", "U0NOBODY", "W0ENTERPRISE1"]


def _new_role(tandem: Any, title: str) -> int:
    Kickoff(tandem).start(title).complete()
    with tandem.database.sessions() as session:
        return session.scalars(select(Role.id).where(Role.title == title)).one()


def _open(built: World, callback: Callback, user: str, action: str, value: Any, **kw: Any) -> None:
    """Press ``action`` as ``user``; the modal it opens is kept for ``callback``."""
    before = len(built.tandem.standin.calls_to("views.open"))
    said = press(built.tandem, user, action, str(value), **kw)
    opened = built.tandem.standin.calls_to("views.open")[before:]
    assert opened, f"{action} opened no modal: {said}"
    view = opened[-1].params["view"]
    assert view["callback_id"] == callback, view["callback_id"]
    built.views[callback] = {"view": view, "user": user}


def _build(built: World) -> None:
    tandem = built.tandem
    add_people(tandem.standin)
    # Kickoff steps: the views as the recruiter moves through them.
    kickoff = Kickoff(tandem).start("Fuzzed Role")
    built.views[Callback.KICKOFF_ROLE] = {"view": kickoff.view, "user": RECRUITER}
    kickoff.step(role_step())
    built.views[Callback.KICKOFF_BRIEF] = {"view": kickoff.view, "user": RECRUITER}
    kickoff.step(brief_step())
    built.views[Callback.KICKOFF_CONTRACT] = {"view": kickoff.view, "user": RECRUITER}
    kickoff.step({})
    with tandem.database.sessions() as session:
        role_id = session.scalars(select(Role.id).where(Role.title == "Fuzzed Role")).one()
    candidate = add_candidate(tandem, role_id, "Dana Scully", RECRUITER)
    day = next_weekday(1)
    log_interview(
        tandem, role_id, candidate, user=RECRUITER, day=day, start="10:00", end="11:00",
        interviewers=PANEL,
    )  # fmt: skip
    with tandem.database.sessions() as session:
        interview = session.scalars(select(Interview.id)).one()
        obligation = session.scalars(
            select(Obligation.id).where(
                Obligation.kind == "feedback", Obligation.owner_id == PANEL[0]
            )
        ).first()
    built.ids.update(role=role_id, candidate=candidate, interview=interview)
    _open(built, Callback.PLAN, RECRUITER, Action.CHANGE_PLAN, role_id)
    _open(built, Callback.WORKSPACE_SETTINGS, ADMIN, Action.EDIT_WORKSPACE_SETTINGS, "settings")
    _open(built, Callback.ADD_CANDIDATE, RECRUITER, Action.ADD_CANDIDATE, role_id)
    _open(built, Callback.MOVE_CANDIDATE, RECRUITER, Action.MOVE_CANDIDATE, role_id)
    _open(built, Callback.LOG_INTERVIEW, RECRUITER, Action.LOG_INTERVIEW, role_id)
    _open(built, Callback.EDIT_INTERVIEW, HM, Action.EDIT_INTERVIEW, interview)
    _open(built, Callback.FOCUS_AREAS, HM, Action.FOCUS_AREAS, interview)
    _open(built, Callback.PANEL_FOCUS, HM, Action.PANEL_FOCUS, role_id)
    _open(built, Callback.SKIP_CHECKIN, HM, Action.SKIP_CHECKIN, role_id)
    _open(built, Callback.MOVE_CHECKIN, HM, Action.MOVE_CHECKIN, role_id)
    if obligation is not None:
        _open(
            built, Callback.FEEDBACK, PANEL[0], Action.SUBMIT_FEEDBACK, obligation,
            channel_id=f"D{PANEL[0]}",
        )  # fmt: skip
    # A role to close (the close modal), and closed roles for the follow-ups.
    closing = _new_role(tandem, "Role To Close")
    _open(built, Callback.CLOSE_ROLE, RECRUITER, Action.CLOSE_ROLE, closing)
    answered = _new_role(tandem, "Role For Retro")
    _close(built, answered)
    _open(built, Callback.SURVEY_SCORE, RECRUITER, Action.RECORD_SURVEY, answered)
    poll = _poll(built, answered)
    _open(built, Callback.RETRO_ANSWER, HM, Action.RETRO_ANSWER, poll)
    summarized = _new_role(tandem, "Role With Summary")
    _close(built, summarized)
    summary_poll = _poll(built, summarized)
    now = datetime.now(UTC)
    with tandem.database.sessions.begin() as session:
        session.execute(update(RetroPoll).where(RetroPoll.id == summary_poll).values(closes_at=now))
    retro_summary.summarize_due(tandem.database.sessions, now=now + timedelta(seconds=1))
    tandem.deliver()
    _open(built, Callback.ACTION_ITEM, RECRUITER, Action.ADD_ACTION_ITEM, summary_poll)
    hired = _new_role(tandem, "Role With Hire")
    hire_candidate = add_candidate(tandem, hired, "Fox Mulder", RECRUITER)
    seed_hire(tandem, hired, hire_candidate, start_on=date.today() - timedelta(days=40))
    with tandem.database.sessions.begin() as session:
        check = session.scalars(select(QualityCheck).order_by(QualityCheck.id)).first()
        assert check is not None
        check.asked_at = now
        check_id = check.id
    _open(built, Callback.QUALITY_CHECK, HM, Action.QUALITY_CHECK, check_id, channel_id=f"D{HM}")
    # Erasing a candidate: the picker, and the confirmation it leads to (a candidate of its
    # own, so an erasure a fuzzed confirmation manages changes no other modal's world).
    forgettable = add_candidate(tandem, closing, "Walter Skinner", RECRUITER)
    before = len(tandem.standin.calls_to("views.open"))
    tandem.command("/tandem", "forget-candidate", user=RECRUITER)
    [picker_call] = tandem.standin.calls_to("views.open")[before:]
    picker = picker_call.params["view"]
    assert picker["callback_id"] == Callback.FORGET_PICK
    built.views[Callback.FORGET_PICK] = {"view": picker, "user": RECRUITER}
    reply = submit(tandem, picker, user=RECRUITER, changes={"forget_candidate": str(forgettable)})
    confirmation = reply.json["view"]
    assert confirmation["callback_id"] == Callback.FORGET_CONFIRM
    built.views[Callback.FORGET_CONFIRM] = {"view": confirmation, "user": RECRUITER}
    with tandem.database.sessions() as session:
        built.ids["candidates"] = [str(c) for c in session.scalars(select(Candidate.id))]


def _close(built: World, role_id: int) -> None:
    tandem = built.tandem
    assert press(tandem, RECRUITER, Action.CLOSE_ROLE, str(role_id)) is None
    changes = {"close_outcome": "cancelled", "close_reason": "The team was merged"}
    reply = tandem.submit_view(opened_view(tandem), user=RECRUITER, changes=changes)
    assert reply.body == "", reply.body
    tandem.deliver()


def _poll(built: World, role_id: int) -> int:
    with built.tandem.database.sessions() as session:
        return session.scalars(select(RetroPoll.id).where(RetroPoll.role_id == role_id)).one()


@pytest.fixture(scope="module")
def fuzz_world(
    migrated_url: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[World]:
    backend = "sqlite" if migrated_url.startswith("sqlite") else "postgresql"
    directory: Path = tmp_path_factory.mktemp("fuzz-modals")
    with world(migrated_url, directory, session_today(request.config), backend) as built:
        _build(built)
        yield built


_view_numbers = itertools.count(1)


def submission(opened: dict[str, Any], world_ids: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A ``view_submission`` payload for the opened modal, fuzzed."""
    view = opened["view"]
    today = datetime.now(UTC).date()
    known = [str(v) for v in world_ids.values() if isinstance(v, int)]
    known += world_ids.get("candidates", [])
    values = state_values(view, today=today, users=USERS, known_values=known)
    return _submission(opened, values)


@st.composite
def _submission(draw: st.DrawFn, opened: dict[str, Any], values_of: Any) -> Any:
    view = opened["view"]
    values = draw(values_of)
    metadata = draw(private_metadata(view.get("private_metadata", "")))
    user = draw(
        st.one_of(st.just(opened["user"]), st.just(opened["user"]), st.sampled_from(OTHERS))
    )
    view_id = draw(
        st.one_of(
            st.just(f"V0FUZZ{next(_view_numbers):07d}"),
            st.just("V0FUZZSTALE"),
            st.sampled_from(["", "V" * 40, "v0lower"]),
        )
    )
    payload = slack_requests.view_submission_payload(
        user_id=user,
        callback_id=view["callback_id"],
        values={},
        private_metadata="",
        view_id=view_id,
        title=view.get("title", {}).get("text", "Tandem"),
    )
    payload["view"]["state"]["values"] = values
    payload["view"]["private_metadata"] = metadata
    payload["view"]["blocks"] = view.get("blocks", [])
    payload["view"]["hash"] = draw(st.one_of(st.just("1596530361.3wRYuk3R"), hostile_text))
    return payload


def input_block_ids(view: dict[str, Any]) -> set[str]:
    return {b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"}


def check_submission(fuzz_world: World, opened: dict[str, Any], payload: Any) -> None:
    outcome: Outcome = fuzz_world.fuzzer.interact(payload)
    fuzz_world.fuzzer.check(outcome)
    assert outcome.reply.status == 200, outcome.reply
    body = outcome.reply.body
    refused = False
    if body:
        answer = outcome.ack_json()
        assert isinstance(answer, dict), body[:300]
        action = answer.get("response_action")
        assert action in ("errors", "update", "push", "clear"), answer
        if action == "errors":
            refused = True
            errors = answer["errors"]
            assert errors and isinstance(errors, dict), answer
            assert set(errors) <= input_block_ids(opened["view"]), errors
            assert all(isinstance(m, str) and m.strip() for m in errors.values()), errors
        elif action in ("update", "push"):
            shown = [t for t in texts_in(answer["view"].get("blocks")) if t.strip()]
            assert shown, answer
            external_id = answer["view"].get("external_id")
            if action == "push" and external_id:
                # "Checking…": the work after the ack replaces it, once, with a view that
                # says something (the next step, what to fix, or why the form is stale).
                replaced = [
                    c
                    for c in outcome.calls
                    if c.method == "views.update" and c.params.get("external_id") == external_id
                ]
                assert len(replaced) == 1, [c.method for c in outcome.calls]
                assert [t for t in texts_in(replaced[0].params["view"].get("blocks")) if t.strip()]
                refused = replaced[0].params["view"].get("callback_id") is None
    fuzz_world.check_records(refused=refused)


# Two xdist groups: each builds its worlds once (per backend), and the two run side by side.
MODALS = [
    pytest.param(c, id=c.value, marks=pytest.mark.xdist_group(f"fuzz-modals-{n % 2}"))
    for n, c in enumerate(Callback)
]


@pytest.mark.parametrize("callback", MODALS)
def test_fuzzed_modal_submission_is_answered_in_the_modal(
    fuzz_world: World, callback: Callback, record_property: Any
) -> None:
    opened = fuzz_world.views.get(callback)
    assert opened is not None, f"the world opened no {callback} modal"

    @fuzz_settings(CASES, fuzz_world.backend)
    @given(submission(opened, fuzz_world.ids))
    def run(payload: Any) -> None:
        check_submission(fuzz_world, opened, payload)

    before = fuzz_world.fuzzer.cases
    with fuzz_world.clock():
        run()
    record_property("fuzz_cases", fuzz_world.fuzzer.cases - before)
