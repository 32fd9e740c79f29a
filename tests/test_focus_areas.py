"""Interview focus areas over signed HTTP: the brief's *Panel focus areas*, copied into each
interview its members are logged for; an interview's own *Focus areas* overriding it; the
feedback form asking an interviewer's focus first; the reveal and the retro summary naming
the must-haves nobody was asked to cover; and the refusals (forged ids, outsiders, a closed
role, forged picks, double submits). On both databases."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.models import (
    Feedback,
    FocusArea,
    Interview,
    PanelFocus,
    RetroPoll,
    Role,
    RoleStatus,
    TimelineEntry,
)
from bot.services import focus_areas, retro_summary
from bot.services.access import EDITORS_ONLY
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import (
    add_candidate,
    feedback_obligation,
    log_interview,
    next_weekday,
    press,
    start_role,
)
from tests.kickoff_flow import (
    ADMIN,
    HM,
    NEW_INTERVIEWER,
    PANEL,
    RECRUITER,
    STRANGER,
    after_ack,
    brief_step,
    only_role,
    role_step,
)
from tests.modals import metadata, opened_view, submit
from tests.summary_flow import seed_poll

P1, P2 = PANEL
MUST_HAVES = ["Python", "SQL at scale", "Mentoring"]
MONDAY = next_weekday(0)
NOT_HERE = "That role does not exist in this workspace (or was removed)."
NO_SUCH_INTERVIEW = "That interview does not exist in this workspace."


def _views_opened(tandem: Tandem) -> int:
    return len(tandem.standin.calls_to("views.open"))


def _open_panel_focus(tandem: Tandem, role_id: int, user: str = RECRUITER) -> dict[str, Any]:
    before = _views_opened(tandem)
    assert press(tandem, user, Action.PANEL_FOCUS, str(role_id)) is None
    assert _views_opened(tandem) == before + 1
    return opened_view(tandem)


def _set_panel_focus(tandem: Tandem, role_id: int, focus: dict[str, list[str]]) -> None:
    view = _open_panel_focus(tandem, role_id)
    reply = submit(
        tandem, view, user=RECRUITER, changes={f"focus:{u}": m for u, m in focus.items()}
    )
    assert reply.body == "", reply.body


def _log(tandem: Tandem, role_id: int, candidate: int, interviewers: list[str]) -> int:
    reply = log_interview(
        tandem,
        role_id,
        candidate,
        user=HM,
        day=MONDAY,
        start="09:00",
        end="10:00",
        interviewers=interviewers,
    )
    assert reply.body == "", reply.body
    with tandem.database.sessions() as session:
        return session.scalars(select(Interview.id).order_by(Interview.id.desc())).first()


def _focus(tandem: Tandem, interview_id: int) -> dict[str, list[str]]:
    with tandem.database.sessions() as session:
        rows = session.scalars(select(FocusArea).where(FocusArea.interview_id == interview_id))
        return {r.interviewer_id: list(r.must_haves) for r in rows}


def _panel_focus(tandem: Tandem) -> dict[str, list[str]]:
    with tandem.database.sessions() as session:
        return {p.interviewer_id: list(p.must_haves) for p in session.scalars(select(PanelFocus))}


def _focus_entries(tandem: Tandem) -> list[TimelineEntry]:
    with tandem.database.sessions() as session:
        return list(
            session.scalars(
                select(TimelineEntry)
                .where(TimelineEntry.kind == "focus_areas_set")
                .order_by(TimelineEntry.id)
            )
        )


def _open_feedback(tandem: Tandem, user: str) -> dict[str, Any]:
    obligation = feedback_obligation(tandem, user)
    assert press(tandem, user, Action.SUBMIT_FEEDBACK, str(obligation.id)) is None
    return opened_view(tandem)


def _input_ids(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b["type"] == "input"]


def _options(block: dict[str, Any]) -> list[str]:
    return [o["value"] for o in block["element"]["options"]]


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return block


def _buttons(message: dict[str, Any]) -> list[str]:
    return [
        e.get("action_id")
        for b in message.get("blocks", [])
        if b.get("type") == "actions"
        for e in b["elements"]
    ]


def _role_with_candidate(tandem: Tandem) -> tuple[int, int]:
    role_id = start_role(tandem)
    return role_id, add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")


def _reveals(tandem: Tandem) -> list[dict[str, Any]]:
    channel = only_role(tandem).channel_id
    return [
        m
        for m in tandem.standin.posted(channel)
        if str(m.get("text", "")).startswith("Panel recommendations")
    ]


def test_panel_focus_is_set_from_the_brief_and_copied_into_each_logged_interview(
    tandem: Tandem,
) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    brief = next(
        m
        for m in tandem.standin.posted(only_role(tandem).channel_id)
        if m["text"].startswith("Kickoff brief")
    )
    assert Action.PANEL_FOCUS in _buttons(brief)
    view = _open_panel_focus(tandem, role_id)
    assert metadata(view) == {"role": role_id}
    assert _input_ids(view) == [f"focus:{P1}", f"focus:{P2}"]
    assert _options(_block(view, f"focus:{P1}")) == MUST_HAVES
    assert f"<@{P1}>" in str(view["blocks"])
    reply = submit(
        tandem,
        view,
        user=RECRUITER,
        changes={f"focus:{P1}": ["Python", "Mentoring"], f"focus:{P2}": ["SQL at scale"]},
    )
    assert reply.body == "", reply.body
    assert _panel_focus(tandem) == {P1: ["Python", "Mentoring"], P2: ["SQL at scale"]}
    [entry] = _focus_entries(tandem)
    assert entry.actor_id == RECRUITER and entry.detail["scope"] == "panel"
    # Opened again, the modal shows what was saved.
    again = _open_panel_focus(tandem, role_id, user=HM)
    initial = _block(again, f"focus:{P1}")["element"]["initial_options"]
    assert [o["value"] for o in initial] == ["Python", "Mentoring"]

    interview = _log(tandem, role_id, candidate, [P1, P2, NEW_INTERVIEWER])
    assert _focus(tandem, interview) == {P1: ["Python", "Mentoring"], P2: ["SQL at scale"]}
    # The interview's note offers its own *Focus areas*.
    note = [
        m
        for m in tandem.standin.posted(only_role(tandem).channel_id)
        if m.get("thread_ts") and Action.FOCUS_AREAS in _buttons(m)
    ]
    assert len(note) == 1
    assert f"*Focus areas* — <@{P1}>: Python, Mentoring · <@{P2}>: SQL at scale" in str(
        note[0]["blocks"]
    )
    # Clearing a member's panel focus leaves interviews already logged as they were.
    _set_panel_focus(tandem, role_id, {P1: []})
    assert _panel_focus(tandem) == {P2: ["SQL at scale"]}
    assert _focus(tandem, interview)[P1] == ["Python", "Mentoring"]


def test_an_interview_sets_its_own_focus_and_the_feedback_form_asks_it_first(
    tandem: Tandem,
) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    _set_panel_focus(tandem, role_id, {P1: ["Python"], P2: ["SQL at scale"]})
    interview = _log(tandem, role_id, candidate, [P1, P2, NEW_INTERVIEWER])
    assert press(tandem, HM, Action.FOCUS_AREAS, str(interview)) is None
    view = opened_view(tandem)
    assert metadata(view) == {"interview": interview}
    assert _input_ids(view) == [f"focus:{u}" for u in (P1, P2, NEW_INTERVIEWER)]
    prefilled = _block(view, f"focus:{P1}")["element"]["initial_options"]
    assert [o["value"] for o in prefilled] == ["Python"]
    reply = submit(
        tandem,
        view,
        user=HM,
        changes={f"focus:{P1}": [], f"focus:{NEW_INTERVIEWER}": ["Mentoring", "Python"]},
    )
    assert reply.body == "", reply.body
    assert _focus(tandem, interview) == {
        P1: [],
        P2: ["SQL at scale"],
        NEW_INTERVIEWER: ["Python", "Mentoring"],  # in the brief's order
    }
    assert _focus_entries(tandem)[-1].detail["interview_id"] == interview
    # The interview's note in the brief's thread is edited to show who covers what.
    edited = tandem.standin.calls_to("chat.update")[-1].params
    shown = str(edited["blocks"])
    assert f"<@{P2}>: SQL at scale · <@{NEW_INTERVIEWER}>: Python, Mentoring" in shown
    assert f"<@{P1}>:" not in shown
    # The panel's standing focus is untouched by one interview's override.
    assert _panel_focus(tandem) == {P1: ["Python"], P2: ["SQL at scale"]}

    # P2 was asked to cover "SQL at scale" (must-have 1): asked first, before the verdict.
    form = _open_feedback(tandem, P2)
    assert _input_ids(form) == [
        "rating:1",
        "recommendation",
        "rating:0",
        "rating:2",
        "nice_notes",
        "notes",
    ]
    assert "You were asked to cover:* SQL at scale" in str(form["blocks"])
    assert _block(form, "rating:1")["label"]["text"] == "Your focus: SQL at scale"
    assert _block(form, "rating:0")["label"]["text"] == "Must-have: Python"
    # Two focus must-haves keep the brief's order.
    form = _open_feedback(tandem, NEW_INTERVIEWER)
    assert _input_ids(form)[:3] == ["rating:0", "rating:2", "recommendation"]
    # No focus (cleared here): the form as it always was.
    form = _open_feedback(tandem, P1)
    assert _input_ids(form)[:2] == ["recommendation", "rating:0"]
    assert "asked to cover" not in str(form["blocks"])
    # Ratings still land on the right must-have whatever the order.
    reply = submit(
        tandem,
        _open_feedback(tandem, P2),
        user=P2,
        changes={"recommendation": "yes", "rating:1": "4"},
    )
    assert reply.status == 200 and "errors" not in reply.body
    with tandem.database.sessions() as session:
        feedback = session.scalars(select(Feedback).where(Feedback.submitted_at.is_not(None))).one()
    assert feedback.ratings == {"SQL at scale": 4}


def test_focus_after_feedback_is_in_keeps_what_that_interviewer_was_asked(tandem: Tandem) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    _set_panel_focus(tandem, role_id, {P1: ["Python"]})
    interview = _log(tandem, role_id, candidate, [P1, P2])
    submit(tandem, _open_feedback(tandem, P1), user=P1, changes={"recommendation": "yes"})
    assert press(tandem, RECRUITER, Action.FOCUS_AREAS, str(interview)) is None
    view = opened_view(tandem)
    assert _input_ids(view) == [f"focus:{P2}"]
    assert "feedback already in; was asked to cover: Python" in str(view["blocks"])
    # A forged block for P1 is ignored: what P1 was asked stays.
    forged = copy.deepcopy(view)
    forged["blocks"].append(
        copy.deepcopy(_block(view, f"focus:{P2}")) | {"block_id": f"focus:{P1}"}
    )
    reply = submit(
        tandem,
        forged,
        user=RECRUITER,
        changes={f"focus:{P1}": ["Mentoring"], f"focus:{P2}": ["Mentoring"]},
    )
    assert reply.body == "", reply.body
    assert _focus(tandem, interview) == {P1: ["Python"], P2: ["Mentoring"]}


def test_an_edit_gives_a_new_interviewer_their_panel_focus_and_drops_a_removed_ones(
    tandem: Tandem,
) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    _set_panel_focus(tandem, role_id, {P1: ["Python"], P2: ["Mentoring"]})
    interview = _log(tandem, role_id, candidate, [P1])
    assert _focus(tandem, interview) == {P1: ["Python"]}
    assert press(tandem, HM, Action.EDIT_INTERVIEW, str(interview)) is None
    reply = submit(tandem, opened_view(tandem), user=HM, changes={"interviewers": [P2]})
    assert reply.body == "", reply.body
    assert _focus(tandem, interview) == {P2: ["Mentoring"]}


def test_the_reveal_names_the_must_haves_nobody_was_asked_to_cover(tandem: Tandem) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    _set_panel_focus(tandem, role_id, {P1: ["Python"], P2: ["Python", "Mentoring"]})
    _log(tandem, role_id, candidate, [P1, P2])
    for user in (P1, P2):
        reply = submit(
            tandem,
            _open_feedback(tandem, user),
            user=user,
            changes={"recommendation": "yes", "rating:0": "3"},
        )
        assert reply.status == 200
    [reveal] = _reveals(tandem)
    assert "Must-haves nobody was asked to cover:* SQL at scale" in str(reveal["blocks"])
    assert "Mentoring" not in str(reveal["blocks"]).split("nobody was asked")[1]


def test_a_reveal_without_focus_areas_says_nothing_about_them(tandem: Tandem) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    _log(tandem, role_id, candidate, [P1])
    submit(tandem, _open_feedback(tandem, P1), user=P1, changes={"recommendation": "no"})
    [reveal] = _reveals(tandem)
    assert "asked to cover" not in str(reveal["blocks"])


def test_uncovered_must_haves_of_a_role(tandem: Tandem) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    other = add_candidate(tandem, role_id, "John Roe", RECRUITER, candidate_stage="panel")

    def uncovered() -> list[str]:
        with tandem.database.sessions() as session:
            role = session.get(Role, role_id)
            assert role is not None
            return focus_areas.uncovered_must_haves(session, role)

    # Never used: nothing is reported as uncovered (not every must-have).
    assert uncovered() == []
    _log(tandem, role_id, candidate, [P1])
    assert uncovered() == []
    first = _log(tandem, role_id, other, [P2])
    assert press(tandem, HM, Action.FOCUS_AREAS, str(first)) is None
    submit(tandem, opened_view(tandem), user=HM, changes={f"focus:{P2}": ["Mentoring"]})
    assert uncovered() == ["Python", "SQL at scale"]  # the brief's order
    _set_panel_focus(tandem, role_id, {P1: ["SQL at scale"]})
    second = _log(tandem, role_id, candidate, [P1])
    assert uncovered() == ["Python"]
    # A cancelled interview's focus counts for nothing.
    assert press(tandem, HM, Action.CANCEL_INTERVIEW, str(second)) is None
    assert uncovered() == ["Python", "SQL at scale"]
    with tandem.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(FocusArea)) == 2


def test_outsiders_forged_ids_and_other_workspaces_are_refused_privately(tandem: Tandem) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    interview = _log(tandem, role_id, candidate, [P1])
    opened = _views_opened(tandem)
    editors_only = EDITORS_ONLY.format(what="set the panel's focus areas")
    assert press(tandem, STRANGER, Action.PANEL_FOCUS, str(role_id)) == editors_only
    assert press(tandem, P1, Action.PANEL_FOCUS, str(role_id)) == editors_only
    assert press(tandem, RECRUITER, Action.PANEL_FOCUS, "999999") == NOT_HERE
    assert press(tandem, RECRUITER, Action.PANEL_FOCUS, "x1") == NOT_HERE
    # Another workspace (not installed here) is refused before anything is looked up.
    said = press(tandem, RECRUITER, Action.PANEL_FOCUS, str(role_id), team_id="T0OTHER")
    assert said is None or "Staff Data Engineer" not in said
    assert press(tandem, STRANGER, Action.FOCUS_AREAS, str(interview)).startswith("Only whoever")
    assert press(tandem, RECRUITER, Action.FOCUS_AREAS, "999999") == NO_SUCH_INTERVIEW
    assert press(tandem, RECRUITER, Action.FOCUS_AREAS, "-3") == NO_SUCH_INTERVIEW
    said = press(tandem, RECRUITER, Action.FOCUS_AREAS, str(interview), team_id="T0OTHER")
    assert said is None or "Jane" not in said
    assert _views_opened(tandem) == opened
    # An admin may.
    assert press(tandem, ADMIN, Action.PANEL_FOCUS, str(role_id)) is None
    # A modal submitted by someone else, or with its metadata forged: refused, nothing saved.
    view = _open_panel_focus(tandem, role_id)
    reply = submit(tandem, view, user=STRANGER, changes={f"focus:{P1}": ["Python"]})
    assert editors_only in str(reply.json)
    forged = view | {"private_metadata": '{"role": 999999}'}
    reply = submit(tandem, forged, user=RECRUITER, changes={f"focus:{P1}": ["Python"]})
    assert NOT_HERE in str(reply.json)
    reply = submit(tandem, forged | {"private_metadata": "{oops"}, user=RECRUITER)
    assert NOT_HERE in str(reply.json)
    assert press(tandem, RECRUITER, Action.FOCUS_AREAS, str(interview)) is None
    focus_view = opened_view(tandem)
    reply = submit(
        tandem, focus_view | {"private_metadata": '{"interview": 999999}'}, user=RECRUITER
    )
    assert NO_SUCH_INTERVIEW in str(reply.json)
    reply = submit(tandem, focus_view, user=STRANGER, changes={f"focus:{P1}": ["Python"]})
    assert "Only whoever" in str(reply.json)
    assert _panel_focus(tandem) == {} and _focus(tandem, interview) == {}
    assert _focus_entries(tandem) == []


def test_bad_picks_and_people_not_on_the_panel(tandem: Tandem) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    view = _open_panel_focus(tandem, role_id)
    reply = submit(
        tandem, view, user=RECRUITER, changes={f"focus:{P1}": ["Python", "<!channel> Cobol"]}
    )
    assert reply.json is not None and reply.json["response_action"] == "errors"
    assert list(reply.json["errors"]) == [f"focus:{P1}"]
    assert "not one of the must-haves" in reply.json["errors"][f"focus:{P1}"]
    assert _panel_focus(tandem) == {}
    # A block for someone not on the panel is ignored.
    forged = copy.deepcopy(view)
    forged["blocks"].append(
        copy.deepcopy(_block(view, f"focus:{P1}")) | {"block_id": f"focus:{STRANGER}"}
    )
    reply = submit(
        tandem,
        forged,
        user=RECRUITER,
        changes={f"focus:{STRANGER}": ["Python"], f"focus:{P2}": ["Python"]},
    )
    assert reply.body == "", reply.body
    assert _panel_focus(tandem) == {P2: ["Python"]}
    # The interview's modal refuses a forged pick the same way.
    interview = _log(tandem, role_id, candidate, [P1])
    assert press(tandem, HM, Action.FOCUS_AREAS, str(interview)) is None
    reply = submit(tandem, opened_view(tandem), user=HM, changes={f"focus:{P1}": ["x" * 10_000]})
    assert reply.json is not None and list(reply.json["errors"]) == [f"focus:{P1}"]
    assert _focus(tandem, interview) == {}


def test_a_double_submit_saves_once(tandem: Tandem) -> None:
    role_id, _ = _role_with_candidate(tandem)
    view = _open_panel_focus(tandem, role_id)
    for _ in range(2):
        reply = submit(tandem, view, user=RECRUITER, changes={f"focus:{P1}": ["Python"]})
        assert reply.status == 200 and "errors" not in reply.body
    assert len(_focus_entries(tandem)) == 1
    assert _panel_focus(tandem) == {P1: ["Python"]}


def test_a_closed_role_refuses_and_a_cancelled_interview_has_no_focus(tandem: Tandem) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    interview = _log(tandem, role_id, candidate, [P1])
    view = _open_panel_focus(tandem, role_id)
    assert press(tandem, HM, Action.FOCUS_AREAS, str(interview)) is None
    focus_view = opened_view(tandem)
    assert press(tandem, HM, Action.CANCEL_INTERVIEW, str(interview)) is None
    assert "cancelled" in press(tandem, HM, Action.FOCUS_AREAS, str(interview))
    reply = submit(tandem, focus_view, user=HM, changes={f"focus:{P1}": ["Python"]})
    assert "cancelled" in str(reply.json)
    with tandem.database.sessions.begin() as session:
        role = session.get(Role, role_id)
        assert role is not None
        role.status = RoleStatus.ON_HOLD
    said = press(tandem, RECRUITER, Action.PANEL_FOCUS, str(role_id))
    assert said is not None and "on hold" in said and "Reopen role" in said
    reply = submit(tandem, view, user=RECRUITER, changes={f"focus:{P1}": ["Python"]})
    assert "on hold" in str(reply.json)
    # A stranger still learns nothing about the role's state.
    said = press(tandem, STRANGER, Action.PANEL_FOCUS, str(role_id))
    assert said is not None and "on hold" not in said
    assert _panel_focus(tandem) == {} and _focus(tandem, interview) == {}


def test_a_role_without_a_panel_gets_a_clear_message(tandem: Tandem) -> None:
    role_id = start_role(tandem, role=role_step(panel=[]))
    said = press(tandem, RECRUITER, Action.PANEL_FOCUS, str(role_id))
    assert said is not None and "no interview panel" in said


def test_the_retro_summary_names_the_must_haves_nobody_was_asked_to_cover(
    tandem: Tandem,
) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    _set_panel_focus(tandem, role_id, {P1: ["Mentoring"]})
    _log(tandem, role_id, candidate, [P1, P2])
    now = datetime.now(UTC)
    poll_id = seed_poll(
        tandem, role_id, invited=[RECRUITER, HM], opened_at=now, closes_at=now + timedelta(days=3)
    )
    with tandem.database.sessions() as session:
        role = session.get(Role, role_id)
        poll = session.get(RetroPoll, poll_id)
        assert role is not None and poll is not None
        facts = retro_summary.summary_view(session, role, poll).facts
    assert "Must-haves nobody was asked to cover: Python, SQL at scale" in facts


def _edit_brief(tandem: Tandem, role_id: int, steps: list[dict[str, Any]]) -> None:
    assert press(tandem, RECRUITER, Action.EDIT, str(role_id)) is None
    view = opened_view(tandem)
    for changes in steps:
        body = submit(tandem, view, user=RECRUITER, changes=changes).json
        if body and body.get("response_action") == "push":
            view = after_ack(tandem, body["view"])


def test_a_standing_focus_follows_the_brief(tandem: Tandem) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    _set_panel_focus(tandem, role_id, {P1: ["Python", "Mentoring"], P2: ["SQL at scale"]})
    # P2 leaves the panel and "Mentoring" leaves the must-haves.
    _edit_brief(tandem, role_id, [{"panel": [P1]}, {"must_haves": "Python\nSQL at scale"}, {}])
    interview = _log(tandem, role_id, candidate, [P1, P2])
    assert _focus(tandem, interview) == {P1: ["Python"]}
    view = _open_panel_focus(tandem, role_id)
    assert _input_ids(view) == [f"focus:{P1}"]
    assert _options(_block(view, f"focus:{P1}")) == ["Python", "SQL at scale"]
    # A pick from the form as it was before the edit is refused, not saved half.
    reply = submit(tandem, view, user=RECRUITER, changes={f"focus:{P1}": ["Mentoring"]})
    assert reply.json is not None and list(reply.json["errors"]) == [f"focus:{P1}"]


def test_once_everyone_submitted_there_is_nothing_to_set(tandem: Tandem) -> None:
    role_id, candidate = _role_with_candidate(tandem)
    interview = _log(tandem, role_id, candidate, [P1])
    submit(tandem, _open_feedback(tandem, P1), user=P1, changes={"recommendation": "yes"})
    said = press(tandem, HM, Action.FOCUS_AREAS, str(interview))
    assert said is not None and "Everyone on this interview has submitted feedback" in said


def test_long_and_hostile_must_haves_stay_within_slack_limits_and_escaped(tandem: Tandem) -> None:
    hostile = "<!channel> & <@U0ADMIN> " + "x" * 120
    assert len(hostile) <= 150
    role_id = start_role(tandem, brief=brief_step(must_haves=f"Python\n{hostile}"))
    candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
    view = _open_panel_focus(tandem, role_id)
    [option] = [
        o for o in _block(view, f"focus:{P1}")["element"]["options"] if o["value"] == hostile
    ]
    assert len(option["text"]["text"]) == 75 and option["text"]["text"].endswith("…")
    _set_panel_focus(tandem, role_id, {P1: [hostile]})
    _log(tandem, role_id, candidate, [P1, P2])
    [note] = [
        m
        for m in tandem.standin.posted(only_role(tandem).channel_id)
        if m.get("thread_ts") and Action.FOCUS_AREAS in _buttons(m)
    ]
    shown = str(note["blocks"])
    assert "&lt;!channel&gt; &amp; &lt;@U0ADMIN&gt;" in shown and "<!channel>" not in shown
    form = _open_feedback(tandem, P1)
    assert _input_ids(form)[:2] == ["rating:1", "recommendation"]
    assert "<!channel>" not in str([b for b in form["blocks"] if b["type"] == "section"])
