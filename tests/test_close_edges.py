"""The close's and the follow-ups' edges over signed HTTP: a cancelled close and its reason,
forged role ids, the candidate-experience score, the retro settings' bad input, and
check-ins that stop on hold and come back on reopen."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import select

from bot.models import Candidate, CheckIn, RetroPoll, RoleClosure, Workspace
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, press, run_jobs, start_role
from tests.kickoff_flow import ADMIN, HM, RECRUITER, STRANGER, brief_step, only_role
from tests.modals import opened_view, submit

OPENED = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # a Monday
CLOSING = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def _role(tandem: Tandem) -> tuple[int, int]:
    with freeze_time(OPENED, tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-05-14"))
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
    return role_id, candidate


def _said(tandem: Tandem) -> str:
    return str(tandem.standin.calls_to("response_url")[-1].params.get("text"))


def test_a_cancelled_close_needs_a_reason_and_shows_it_escaped(tandem: Tandem) -> None:
    role_id, _ = _role(tandem)
    with freeze_time(CLOSING, tick=True):
        assert press(tandem, RECRUITER, Action.CLOSE_ROLE, str(role_id)) is None
        view = opened_view(tandem)
        empty = submit(tandem, view, user=RECRUITER, changes={"close_outcome": "cancelled"})
        assert "why the role is cancelled" in empty.json["errors"]["close_reason"]
        huge = submit(
            tandem,
            view,
            user=RECRUITER,
            changes={"close_outcome": "cancelled", "close_reason": "x" * 10_000},
        )
        assert huge.json["response_action"] == "errors"
        assert only_role(tandem).status == "open"
        reason = "Reorg <!channel> moved the team"
        good = submit(
            tandem,
            view,
            user=RECRUITER,
            changes={"close_outcome": "cancelled", "close_reason": reason},
        )
        assert good.body == ""
        tandem.deliver()
    role = only_role(tandem)
    assert role.status == "cancelled"
    with tandem.database.sessions() as session:
        assert session.scalars(select(RoleClosure.reason)).one() == reason
        assert session.scalars(select(RetroPoll)).one().role_id == role_id
    posted = json.dumps([m.get("blocks") for m in tandem.standin.posted(role.channel_id)])
    assert "<!channel>" not in posted and "moved the team" in posted


def test_forged_and_foreign_role_ids_change_nothing(tandem: Tandem) -> None:
    role_id, _ = _role(tandem)
    with freeze_time(CLOSING, tick=True):
        assert press(tandem, HM, Action.CLOSE_ROLE, "987654") is not None
        assert press(tandem, HM, Action.CLOSE_ROLE, "-1") is not None
        assert press(tandem, HM, Action.REOPEN_ROLE, "abc") is not None
        assert press(tandem, HM, Action.CLOSE_ROLE, str(role_id)) is None
        view = opened_view(tandem)
        changes = {"close_outcome": "on_hold", "close_reason": "Budget"}
        forged = {**view, "private_metadata": json.dumps({"role": 987654})}
        reply = submit(tandem, forged, user=HM, changes=changes)
        assert reply.status == 200 and "Budget" not in reply.body
        stranger = submit(tandem, view, user=STRANGER, changes=changes)
        assert stranger.status == 200
        assert "Only the role's recruiter" in json.dumps(stranger.json, ensure_ascii=False)
    assert only_role(tandem).status == "open"
    with tandem.database.sessions() as session:
        assert session.scalars(select(RoleClosure)).all() == []


def test_the_recruiter_records_a_survey_score_and_others_cannot(tandem: Tandem) -> None:
    role_id, candidate = _role(tandem)
    with freeze_time(CLOSING, tick=True):
        said = press(tandem, HM, Action.RECORD_SURVEY, str(role_id))
        assert said is not None and "Only the role's recruiter" in said
        assert press(tandem, RECRUITER, Action.RECORD_SURVEY, str(role_id)) is None
        view = opened_view(tandem)
        bad = submit(
            tandem,
            view,
            user=RECRUITER,
            changes={"survey_candidate": str(candidate), "survey_score": "9"},
        )
        assert bad.json["response_action"] == "errors"
        forged = submit(
            tandem,
            view,
            user=RECRUITER,
            changes={"survey_candidate": "424242", "survey_score": "4"},
        )
        assert forged.json["response_action"] == "errors"
        good = submit(
            tandem,
            view,
            user=RECRUITER,
            changes={"survey_candidate": str(candidate), "survey_score": "4"},
        )
        assert good.body == ""
    with tandem.database.sessions() as session:
        row = session.get(Candidate, candidate)
        assert row is not None and (row.experience_score, row.experience_recorded_by) == (
            4,
            RECRUITER,
        )


def test_retro_settings_refuse_bad_values_and_non_admins(tandem: Tandem) -> None:
    _role(tandem)
    for text, says in (
        ("retro anonymity 2", "`2` is not a threshold"),
        ("retro anonymity lots", "`lots` is not a threshold"),
        ("retro quality-checks 0,5", "`0` is not a number of days"),
        ("retro sometimes", "/tandem retro anonymity"),
    ):
        assert tandem.command("/tandem", text, user=ADMIN).status == 200
        assert says in _said(tandem), (text, _said(tandem))
    tandem.command("/tandem", "retro anonymity 5", user=RECRUITER)
    assert "admin" in _said(tandem).lower()
    with tandem.database.sessions() as session:
        workspace = session.scalars(select(Workspace)).one()
    assert workspace.anonymity_threshold in (None, 3)
    tandem.command("/tandem", "retro anonymity 5", user=ADMIN)
    with tandem.database.sessions() as session:
        assert session.scalars(select(Workspace)).one().anonymity_threshold == 5


def test_check_ins_stop_on_hold_and_come_back_on_reopen(tandem: Tandem) -> None:
    role_id, _ = _role(tandem)
    with freeze_time(CLOSING, tick=True):
        assert press(tandem, HM, Action.CLOSE_ROLE, str(role_id)) is None
        changes = {"close_outcome": "on_hold", "close_reason": "Budget review"}
        assert submit(tandem, opened_view(tandem), user=HM, changes=changes).body == ""

    def posted_checkins() -> int:
        with tandem.database.sessions() as session:
            return len(session.scalars(select(CheckIn).where(CheckIn.posted_at.is_not(None))).all())

    before = posted_checkins()
    moment = CLOSING
    for _ in range(7 * 4):  # a week, every six hours: no check-in while on hold
        moment += timedelta(hours=6)
        run_jobs(tandem, moment)
    assert posted_checkins() == before
    assert press(tandem, HM, Action.REOPEN_ROLE, str(role_id)) is None
    for _ in range(8 * 4):  # the next week's check-in comes again
        moment += timedelta(hours=6)
        run_jobs(tandem, moment)
    assert posted_checkins() == before + 1
