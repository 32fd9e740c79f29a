"""``/tandem forget-candidate`` through signed Slack requests: the recruiter of the role or a
workspace admin (as Slack says at most 10 minutes ago) erases a candidate's name, link and
the free text about them, and Tandem's own messages in Slack stop showing the name; the
scorecard's figures do not move. Everyone else — the HM, the panel, anyone else in the
workspace, anyone in another workspace — gets one private answer that says nothing about
the candidate (the same for a candidate that does not exist), and nothing changes."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.blocks.forget_candidate import done_text
from bot.models import (
    ActionItem,
    Candidate,
    CheckIn,
    CheckInReply,
    Feedback,
    OutboxMessage,
    OutboxState,
    Person,
    ProcessedEvent,
    TimelineEntry,
)
from bot.services import forget_candidate as forget_service
from bot.services import outbox
from bot.services.actors import Actor, SubmittedView
from bot.services.errors import NotAllowed
from bot.services.scorecard_metrics import Scope, by_key, figures, period_days
from bot.slack.ids import Action, Callback
from tests import slack_requests as sr
from tests.clock import advance_clock_to
from tests.harness import Tandem
from tests.hiring_flow import (
    add_candidate,
    feedback_obligation,
    log_interview,
    press,
    run_jobs,
    start_role,
)
from tests.kickoff_flow import ADMIN, HM, PANEL, RECRUITER, STRANGER, only_role
from tests.modals import metadata, opened_view, submit
from tests.test_nudge_ladder import INTERVIEWER, MONDAY, at

NAME = "Jane Doe-Smith"
INITIALS = "J.D.S."
LINK = "https://ats.example.com/candidates/jane-doe-smith"
NOTES = "Jane Doe-Smith explained the migration well; weak on Kafka."
OTHER = "John Roe"
OTHER_ADMIN = "U0OTHERADMIN"


# -- the story the tests share ---------------------------------------------------------------


def _later() -> None:
    """A few seconds on, as between a person's clicks: the role channel's one-post-a-second
    pace is over, so the next step's note leaves at once (the test does not wait for it)."""
    advance_clock_to(datetime.now(UTC) + timedelta(seconds=5))


def _scene(tandem: Tandem) -> dict[str, int]:
    """A role with two candidates; the erased-to-be one interviewed, with feedback (notes)
    and the panel's reveal posted; everything delivered."""
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    role_id = start_role(tandem)
    _later()
    jane = add_candidate(
        tandem,
        role_id,
        NAME,
        RECRUITER,
        candidate_stage="panel",
        candidate_ats_url=LINK,
    )
    _later()
    john = add_candidate(tandem, role_id, OTHER, RECRUITER, candidate_stage="panel")
    _later()
    reply = log_interview(
        tandem,
        role_id,
        jane,
        user=HM,
        day=MONDAY,
        start="09:00",
        end="10:00",
        interviewers=[INTERVIEWER],
    )
    assert reply.body == "", reply.body
    run_jobs(tandem, at(0, 10, 5))  # the interview ended: the feedback DM goes out
    _later()
    obligation = feedback_obligation(tandem, INTERVIEWER)
    press(tandem, INTERVIEWER, Action.SUBMIT_FEEDBACK, str(obligation.id), channel_id="D0NIA")
    reply = submit(
        tandem,
        opened_view(tandem),
        user=INTERVIEWER,
        changes={"recommendation": "yes", "rating:0": "3", "notes": NOTES, "nice_notes": NOTES},
    )
    assert reply.json["response_action"] == "update", reply.body
    tandem.deliver()
    return {"role": role_id, "jane": jane, "john": john}


def _shows(message: dict[str, Any], *needles: str) -> bool:
    text = json.dumps({k: message.get(k) for k in ("text", "blocks")}, ensure_ascii=False)
    return any(n in text for n in needles)


def _messages_naming(tandem: Tandem, *needles: str) -> list[dict[str, Any]]:
    return [m for m in tandem.standin.posted() if _shows(m, *needles)]


def _answer(tandem: Tandem) -> str:
    calls = tandem.standin.calls_to("response_url")
    return str(calls[-1].params.get("text")) if calls else ""


def _open(tandem: Tandem, user: str, team_id: str = sr.TEAM_ID) -> dict[str, Any] | None:
    """``/tandem forget-candidate`` as ``user``: the picker, or None (a private answer)."""
    before = len(tandem.standin.calls_to("views.open"))
    reply = tandem.command("/tandem", "forget-candidate", user=user, team_id=team_id)
    assert reply.status == 200 and reply.body == "", reply.body
    if len(tandem.standin.calls_to("views.open")) == before:
        return None
    view = opened_view(tandem)
    assert view["callback_id"] == Callback.FORGET_PICK
    return view


def _confirmation(tandem: Tandem, user: str, candidate_id: int) -> dict[str, Any]:
    """``user`` picks the candidate: the confirmation modal that replaces the picker."""
    picker = _open(tandem, user)
    assert picker is not None
    options = tandem.suggest(picker, "forget_candidate", "", user=user).json["options"]
    assert str(candidate_id) in [o["value"] for o in options]
    reply = submit(tandem, picker, user=user, changes={"forget_candidate": str(candidate_id)})
    body = reply.json
    assert body["response_action"] == "update", body
    view: dict[str, Any] = body["view"]
    assert view["callback_id"] == Callback.FORGET_CONFIRM
    return view


def _state(tandem: Tandem) -> dict[str, Any]:
    """Everything an erasure could change, to show a refusal changed nothing."""
    with tandem.database.sessions() as session:
        return {
            "candidates": [
                (c.id, c.name, c.initials, c.ats_url, c.erased_at)
                for c in session.scalars(select(Candidate).order_by(Candidate.id))
            ],
            "feedback": [
                (f.id, f.notes, f.nice_to_have_notes)
                for f in session.scalars(select(Feedback).order_by(Feedback.id))
            ],
            "outbox": session.scalar(select(func.count()).select_from(OutboxMessage)),
            "timeline": session.scalar(select(func.count()).select_from(TimelineEntry)),
            "messages": [(m["ts"], m["text"]) for m in tandem.standin.posted()],
        }


def _figures(tandem: Tandem, role_id: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC) + timedelta(days=1)
    with tandem.database.sessions() as session:
        return [
            {
                k: (f.value, f.count)
                for k, f in by_key(figures(session, scope, period_days(now), now=now)).items()
            }
            for scope in (Scope.workspace(sr.TEAM_ID), Scope.role(sr.TEAM_ID, role_id))
        ]


# -- allowed ----------------------------------------------------------------------------------


def test_the_recruiter_erases_the_candidate_everywhere_and_the_scorecard_keeps_its_figures(
    tandem: Tandem,
) -> None:
    ids = _scene(tandem)
    named = _messages_naming(tandem, NAME, INITIALS)
    assert len(named) >= 3  # the "added" note, the interview note, the DMs, the reveal …
    assert any(m["channel"].startswith("C") for m in named)  # in the role's channel too
    before = _figures(tandem, ids["role"])
    assert before[1]["feedback_turnaround_working_days"][1] == 1  # the feedback counts
    # A message still waiting in the outbox (due in an hour) leaves without the name.
    with tandem.database.sessions.begin() as session:
        waiting = outbox.enqueue(
            session,
            team_id=sr.TEAM_ID,
            kind="test-note",
            method=outbox.POST,
            channel=only_role(tandem).channel_id,
            payload={"text": f"A word about {NAME}", "blocks": []},
            now=datetime.now(UTC),
            not_before=datetime.now(UTC) + timedelta(hours=1),
        ).id

    confirmation = _confirmation(tandem, RECRUITER, ids["jane"])
    said = json.dumps(confirmation["blocks"])
    for erased in ("the name", "ATS profile link", "free-text notes", "cannot be undone"):
        assert erased in said, erased
    assert f"Candidate #{ids['jane']}" in said and NAME in said
    assert metadata(confirmation) == {"candidate": ids["jane"]}

    reply = submit(tandem, confirmation, user=RECRUITER)
    assert reply.json["response_action"] == "update"
    assert "Erased" in json.dumps(reply.json["view"])
    assert NAME not in json.dumps(reply.json["view"])
    tandem.deliver()

    advance_clock_to(datetime.now(UTC) + timedelta(hours=2))
    tandem.deliver()
    [late] = [m for m in tandem.standin.posted() if m["text"].startswith("A word about")]
    assert late["text"] == f"A word about Candidate #{ids['jane']}" and not late.get("edited")
    assert waiting

    # Slack shows the name (or, in channels, the initials) nowhere any more.
    assert _messages_naming(tandem, NAME, INITIALS, LINK) == []
    edited = [m for m in tandem.standin.posted() if m.get("edited")]
    assert len(edited) >= len(named)
    assert all(
        _shows(m, f"Candidate #{ids['jane']}")
        for m in edited
        if m["ts"] in {n["ts"] for n in named}
    )
    assert _messages_naming(tandem, "J.R.") or _messages_naming(tandem, OTHER)  # the other stays

    with tandem.database.sessions() as session:
        jane = session.get(Candidate, ids["jane"])
        john = session.get(Candidate, ids["john"])
        assert jane is not None and john is not None
        assert (jane.name, jane.initials, jane.ats_url) == (None, "", None)
        assert jane.erased_at is not None and jane.stage == "panel"
        assert john.name == OTHER and john.erased_at is None
        [feedback] = session.scalars(select(Feedback)).all()
        assert (feedback.notes, feedback.nice_to_have_notes) == ("", "")
        assert feedback.recommendation == "yes" and feedback.ratings
        assert feedback.submitted_at is not None
        entries = list(session.scalars(select(TimelineEntry).order_by(TimelineEntry.id)))
        erasure = entries[-1]
        assert erasure.kind == forget_service.ERASED_EVENT
        assert erasure.actor_id == RECRUITER and erasure.detail == {"candidate_id": ids["jane"]}
        stored = json.dumps([e.detail for e in entries], ensure_ascii=False)
        rows = json.dumps(
            [r.payload for r in session.scalars(select(OutboxMessage))], ensure_ascii=False
        )
        for needle in (NAME, LINK, NOTES[:20]):
            assert needle not in stored and needle not in rows, needle
        edits = list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == forget_service.EDIT_KIND)
            )
        )
        assert edits and all(r.state == OutboxState.SENT for r in edits)

    assert _figures(tandem, ids["role"]) == before
    assert tandem.block_kit_problems() == []


def test_a_workspace_admin_may_erase_a_candidate_of_any_role_while_slack_says_so(
    tandem: Tandem,
) -> None:
    """The admin recruits for no role. Slack takes their rights away after they opened the
    confirmation: 11 minutes later Tandem asks Slack again and refuses; given back, they
    erase."""
    ids = _scene(tandem)
    picker = _open(tandem, ADMIN)
    assert picker is not None
    options = tandem.suggest(picker, "forget_candidate", "jane", user=ADMIN).json["options"]
    assert [o["value"] for o in options] == [str(ids["jane"])]
    confirmation = _confirmation(tandem, ADMIN, ids["jane"])

    tandem.standin.users[ADMIN].is_admin = False
    advance_clock_to(datetime.now(UTC) + timedelta(minutes=11))
    before = _state(tandem)
    reply = submit(tandem, confirmation, user=ADMIN)
    assert forget_service.NOT_ALLOWED in json.dumps(reply.json["view"])
    assert _state(tandem) == before
    with tandem.database.sessions() as session:
        person = session.scalars(select(Person).where(Person.user_id == ADMIN)).one()
        assert person.is_admin is False  # Slack's answer is kept

    typed = _typed_about(tandem, ids["role"])
    tandem.standin.users[ADMIN].is_admin = True
    advance_clock_to(datetime.now(UTC) + timedelta(minutes=11))
    confirmation = _confirmation(tandem, ADMIN, ids["jane"])
    assert submit(tandem, confirmation, user=ADMIN).json["response_action"] == "update"
    tandem.deliver()
    assert _messages_naming(tandem, NAME, INITIALS) == []
    placeholder = f"Candidate #{ids['jane']}"
    with tandem.database.sessions() as session:
        reply = session.get(CheckInReply, typed["reply"])
        item = session.get(ActionItem, typed["item"])
        event = session.get(ProcessedEvent, typed["event"])
        assert reply is not None and item is not None and event is not None
        assert reply.text == f"{placeholder} accepted the call; Johnny Roe too"
        assert item.text == f"Ask {placeholder}'s referrer sooner"
        assert event.payload == {"event": {"text": f"{placeholder} accepted the call"}}
    with tandem.database.sessions() as session:
        entry = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == forget_service.ERASED_EVENT)
        ).one()
        assert entry.actor_id == ADMIN


def _typed_about(tandem: Tandem, role_id: int) -> dict[str, Any]:
    """What people typed about the role naming the candidate: a check-in reply, a retro
    action item, an event delivery kept for a retry (rows written as their services would)."""
    now = datetime.now(UTC)
    with tandem.database.sessions.begin() as session:
        checkin = CheckIn(team_id=sr.TEAM_ID, role_id=role_id, week="2099-W01", scheduled_for=now)
        session.add(checkin)
        session.flush()
        reply = CheckInReply(
            team_id=sr.TEAM_ID,
            checkin_id=checkin.id,
            user_id=HM,
            ts="1.000001",
            text=f"{NAME} accepted the call; Johnny Roe too",
            from_party=True,
            posted_at=now,
        )
        item = ActionItem(
            team_id=sr.TEAM_ID,
            role_id=role_id,
            recruiter_id=RECRUITER,
            hiring_manager_id=HM,
            text=f"Ask {NAME}'s referrer sooner",
            owner_id=RECRUITER,
            created_by=RECRUITER,
            created_at=now,
        )
        event = ProcessedEvent(
            event_id="Ev0TYPED",
            team_id=sr.TEAM_ID,
            event_type="message",
            claimed_at=now,
            payload={"event": {"text": f"{NAME} accepted the call"}},
        )
        session.add_all([reply, item, event])
        session.flush()
        return {"reply": reply.id, "item": item.id, "event": event.event_id}


def test_a_double_click_and_a_second_confirmation_change_nothing_more(tandem: Tandem) -> None:
    ids = _scene(tandem)
    first = _confirmation(tandem, RECRUITER, ids["jane"])
    second = _confirmation(tandem, RECRUITER, ids["jane"])  # another window, same person
    assert submit(tandem, first, user=RECRUITER).json["response_action"] == "update"
    tandem.deliver()
    after = _state(tandem)
    assert submit(tandem, first, user=RECRUITER).body == ""  # Slack's double-click: closes
    reply = submit(tandem, second, user=RECRUITER)
    assert forget_service.ALREADY_ERASED in json.dumps(reply.json["view"])
    tandem.deliver()
    assert _state(tandem) == after
    # The candidate is no longer offered.
    picker = _open(tandem, RECRUITER)
    assert picker is not None
    values = [
        o["value"]
        for o in tandem.suggest(picker, "forget_candidate", "", user=RECRUITER).json["options"]
    ]
    assert values == [str(ids["john"])]


# -- refused ----------------------------------------------------------------------------------


def test_anyone_else_is_refused_the_same_way_whether_the_candidate_exists_or_not(
    tandem: Tandem,
) -> None:
    """The HM, a panel member, the round's interviewer and anyone else in the workspace; and
    someone of another workspace (its admin, even), through the app and the use cases."""
    tandem.standin.add_user(OTHER_ADMIN, "oda", is_admin=True, team_id=sr.OTHER_TEAM_ID)
    ids = _scene(tandem)
    picker = _open(tandem, RECRUITER)
    confirmation = _confirmation(tandem, RECRUITER, ids["jane"])
    assert picker is not None
    before = _state(tandem)
    refusals = set()
    forged_ids = (ids["jane"], ids["john"], 999_999)
    for user in (HM, PANEL[0], INTERVIEWER, STRANGER):
        assert _open(tandem, user) is None
        assert _answer(tandem) == forget_service.NOT_ALLOWED
        assert tandem.suggest(picker, "forget_candidate", "", user=user).json["options"] == []
        for candidate_id in forged_ids:
            # A forged pick, and a forged confirmation (the id copied into private_metadata).
            reply = submit(
                tandem,
                picker,
                user=user,
                changes={"forget_candidate": str(candidate_id)},
                view_id=f"V0PICK{user}{candidate_id}",
            )
            refusals.add(json.dumps(reply.json["view"]))
            forged = {**confirmation, "private_metadata": json.dumps({"candidate": candidate_id})}
            reply = submit(tandem, forged, user=user, view_id=f"V0FORGED{user}{candidate_id}")
            refusals.add(json.dumps(reply.json["view"]))
    assert len(refusals) == 1 and forget_service.NOT_ALLOWED in refusals.pop()

    # Another workspace: this single-workspace install refuses its requests outright …
    reply = tandem.command(
        "/tandem", "forget-candidate", user=OTHER_ADMIN, team_id=sr.OTHER_TEAM_ID
    )
    assert "another Slack workspace" in reply.body
    reply = submit(tandem, confirmation, user=OTHER_ADMIN, team_id=sr.OTHER_TEAM_ID)
    assert "view" not in (reply.json or {}) or NAME not in json.dumps(reply.json)
    # … and the use cases themselves, for a workspace that is installed (distribution).
    elsewhere = Actor(team_id=sr.OTHER_TEAM_ID, user_id=OTHER_ADMIN, fetch=_admin)
    now = datetime.now(UTC)
    sessions = tandem.database.sessions
    assert (
        forget_service.open_picker(sessions, elsewhere, now=now) == forget_service.NOTHING_TO_ERASE
    )
    assert forget_service.candidate_options(sessions, elsewhere, "", now=now) == []
    for candidate_id in forged_ids:
        with pytest.raises(NotAllowed, match="Only the recruiter"):
            forget_service.confirm_view(
                sessions, elsewhere, {"forget_candidate": str(candidate_id)}, now=now
            )
        with pytest.raises(NotAllowed, match="Only the recruiter"):
            forget_service.forget(
                sessions,
                elsewhere,
                SubmittedView(f"V0ELSE{candidate_id}", Callback.FORGET_CONFIRM),
                candidate_id=candidate_id,
                now=now,
            )
    assert _state(tandem) == before
    assert NAME not in json.dumps([c.params for c in tandem.standin.calls_to("response_url")])


def _slack_user(tandem: Tandem) -> Any:
    """``users.info`` answered from the stand-in's people (as the app's lookup would)."""

    def fetch(user_id: str) -> dict[str, Any] | None:
        user = tandem.standin.users.get(user_id)
        if user is None:
            return None
        return {"id": user.id, "tz": user.tz, "is_admin": user.is_admin}

    return fetch


def _admin(user_id: str) -> dict[str, Any]:
    """Slack's ``users.info`` in the other workspace: an admin there."""
    return {"id": user_id, "tz": "UTC", "is_admin": True}


def test_two_confirmations_at_the_same_moment_erase_once(tandem: Tandem) -> None:
    """The recruiter and an admin confirm at once (two threads, two views): one erasure,
    one set of edits, one timeline entry; the other is told it was already done."""
    ids = _scene(tandem)
    named = len(_messages_naming(tandem, NAME, INITIALS))
    now = datetime.now(UTC)
    start = threading.Barrier(2)
    answers: list[str] = []

    def confirm(user: str) -> None:
        actor = Actor(team_id=sr.TEAM_ID, user_id=user, fetch=_slack_user(tandem))
        start.wait(timeout=10)
        answers.append(
            forget_service.forget(
                tandem.database.sessions,
                actor,
                SubmittedView(f"V0RACE{user}", Callback.FORGET_CONFIRM),
                candidate_id=ids["jane"],
                now=now,
            )
        )

    threads = [threading.Thread(target=confirm, args=(u,)) for u in (RECRUITER, ADMIN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == sorted([forget_service.ALREADY_ERASED, done_text(ids["jane"])])
    with tandem.database.sessions() as session:
        erased = session.scalar(
            select(func.count())
            .select_from(TimelineEntry)
            .where(TimelineEntry.kind == forget_service.ERASED_EVENT)
        )
        edits = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == forget_service.EDIT_KIND)
        )
    assert (erased, edits) == (1, named)
    tandem.deliver()
    assert _messages_naming(tandem, NAME, INITIALS) == []
