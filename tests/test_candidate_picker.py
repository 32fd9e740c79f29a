"""Candidate pickers search the role's candidates (Slack's ``external_select``), so a role with
more than 100 candidates — the most a static menu can hold — still offers every one of them,
and only to people who may see that role."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from sqlalchemy import select

from bot.manifest import render_manifest
from bot.models import Candidate, CandidateStage, Interview, Role
from bot.services import candidates as candidate_service
from bot.services import roles as role_service
from bot.services.candidates import NewCandidate
from bot.slack.ids import Action
from tests import hiring_flow
from tests.harness import Tandem
from tests.integrity_flow import HM, RECRUITER, at, day, ny, start_role
from tests.kickoff_flow import STRANGER, only_role
from tests.modals import opened_view, submit
from tests.test_manifest import SCHEMA

LONG_NAME = "Maximiliana " + "Wolfeschlegelsteinhausenbergerdorff " * 3 + "Jr"


def _many_candidates(tandem: Tandem, role_id: int, count: int) -> str:
    """``count`` candidates at the panel stage (setup straight through the service: fast),
    and a long-named one; returns the role's channel."""
    with tandem.database.sessions.begin() as session:
        role = role_service.get_role(session, team_id=only_role(tandem).team_id, role_id=role_id)
        channel = role.channel_id or ""
        for number in range(1, count + 1):
            candidate_service.add_candidate(
                session,
                role=role,
                new=NewCandidate(
                    f"Candidate {number:03d} Example", "sourced", None, CandidateStage.PANEL
                ),
                actor_id=RECRUITER,
                now=ny(0, 12),
            )
        candidate_service.add_candidate(
            session,
            role=role,
            new=NewCandidate(LONG_NAME[:120], "referral", None, CandidateStage.PANEL),
            actor_id=RECRUITER,
            now=ny(0, 12),
        )
    return channel


def _other_role_with_a_candidate(tandem: Tandem) -> int:
    """Another role of the workspace, which the HM is not on, with one candidate."""
    team_id = only_role(tandem).team_id
    with tandem.database.sessions.begin() as session:
        other = Role(
            team_id=team_id,
            title="Office Manager",
            status="open",
            recruiter_id=STRANGER,
            hiring_manager_id=STRANGER,
            created_by=STRANGER,
            created_at=ny(0, 12),
            brief_post_attempts=0,
        )
        session.add(other)
        session.flush()
        candidate_service.add_candidate(
            session,
            role=other,
            new=NewCandidate("Zed Otherrole", "inbound", None, CandidateStage.PANEL),
            actor_id=STRANGER,
            now=ny(0, 12),
        )
        return other.id


def _candidate_id(tandem: Tandem, name: str) -> int:
    with tandem.database.sessions() as session:
        return session.scalars(select(Candidate.id).where(Candidate.name == name)).one()


def _options(tandem: Tandem, view: dict[str, Any], typed: str, user: str = HM) -> list[Any]:
    reply = tandem.suggest(view, "candidate", typed, user=user)
    assert reply.status == 200, reply.body
    options: list[Any] = reply.json["options"]
    assert len(options) <= 100
    for option in options:
        assert 1 <= len(option["text"]["text"]) <= 75 and len(option["value"]) <= 150
    return options


def _open(tandem: Tandem, role_id: int, action: str, channel: str) -> dict[str, Any]:
    assert hiring_flow.press(tandem, HM, action, str(role_id), channel_id=channel) is None
    return opened_view(tandem)


def test_log_interview_finds_any_of_121_candidates_by_searching(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    channel = _many_candidates(tandem, role_id, 120)
    with at(ny(0, 13)):
        view = _open(tandem, role_id, Action.LOG_INTERVIEW, channel)
        picker = next(b for b in view["blocks"] if b.get("block_id") == "candidate")["element"]
        assert picker["type"] == "external_select" and picker["min_query_length"] == 0
        assert "options" not in picker

        opened = _options(tandem, view, "")
        assert len(opened) == 100
        labels = [o["text"]["text"] for o in _options(tandem, view, "candidate 117")]
        assert labels == ["Candidate 117 Example — Panel"]
        long_one = _options(tandem, view, "maximiliana")
        assert len(long_one) == 1 and long_one[0]["text"]["text"].endswith("…")

        wanted = _candidate_id(tandem, "Candidate 117 Example")
        reply = submit(
            tandem,
            view,
            user=HM,
            changes={
                "candidate": str(wanted),
                "interview_day": day(1).isoformat(),
                "interview_start": "10:00",
                "interview_end": "11:00",
            },
        )
    assert reply.body == "", reply.body
    with tandem.database.sessions() as session:
        assert session.scalars(select(Interview.candidate_id)).one() == wanted


def test_move_candidate_searches_every_stage(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    channel = _many_candidates(tandem, role_id, 105)
    with at(ny(0, 13)):
        view = _open(tandem, role_id, Action.MOVE_CANDIDATE, channel)
        found = _options(tandem, view, "Candidate 104")
        assert [o["text"]["text"] for o in found] == ["Candidate 104 Example — Panel"]
        reply = submit(
            tandem,
            view,
            user=HM,
            changes={"candidate": found[0]["value"], "candidate_stage": "offer"},
        )
    assert reply.body == "", reply.body
    with tandem.database.sessions() as session:
        moved = session.get(Candidate, int(found[0]["value"]))
        assert moved is not None and moved.stage == "offer"


def test_pickers_answer_only_for_the_role_and_people_who_may_see_it(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    channel = _many_candidates(tandem, role_id, 3)
    other_role = _other_role_with_a_candidate(tandem)
    with at(ny(0, 13)):
        view = _open(tandem, role_id, Action.LOG_INTERVIEW, channel)
        assert _options(tandem, view, "Zed") == []  # another role's candidate
        assert _options(tandem, view, "", user=STRANGER) == []  # not on the role, not an admin
        forged = {**view, "private_metadata": json.dumps({"role": other_role})}
        assert _options(tandem, forged, "") == []  # the HM is not on that role
        assert _options(tandem, forged, "", user=STRANGER) != []  # its own people see it
        assert len(_options(tandem, view, "")) == 4


def test_the_manifest_declares_where_menus_load_their_options() -> None:
    rendered = render_manifest("https://host.example")
    jsonschema.validate(rendered, SCHEMA)
    interactivity = rendered["settings"]["interactivity"]
    assert interactivity["message_menu_options_url"] == "https://host.example/slack/events"
    socket_mode = render_manifest(None)["settings"]["interactivity"]
    assert "message_menu_options_url" not in socket_mode
