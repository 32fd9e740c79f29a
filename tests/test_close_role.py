"""Close role over signed HTTP: filled (shared win, work stopped), hold and reopen,
refusals (outsiders, bad dates, double submit), stale buttons on a closed role."""

from __future__ import annotations

from datetime import UTC, datetime

from freezegun import freeze_time
from sqlalchemy import select

from bot.models import Hire, Nudge, Role, RoleClosure, TimelineEntry
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, press, start_role
from tests.kickoff_flow import HM, RECRUITER, STRANGER, brief_step, only_role
from tests.modals import opened_view, submit

OPENED = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
CLOSING = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
FILLED = {
    "close_outcome": "filled",
    "close_offer_accepted_on": "2027-03-09",
    "close_start_on": "2027-04-01",
}


def _role(tandem: Tandem) -> tuple[int, int]:
    with freeze_time(OPENED, tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-05-14"))
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
    return role_id, candidate


def test_close_as_filled_posts_the_shared_win_and_stops_the_work(tandem: Tandem) -> None:
    role_id, candidate = _role(tandem)
    with freeze_time(CLOSING, tick=True):
        assert press(tandem, STRANGER, Action.CLOSE_ROLE, str(role_id)) is not None
        assert press(tandem, HM, Action.CLOSE_ROLE, str(role_id)) is None
        view = opened_view(tandem)
        bad = submit(
            tandem,
            view,
            user=HM,
            changes={**FILLED, "close_hires": [str(candidate)], "close_start_on": "2027-03-01"},
        )
        assert "before the offer" in bad.json["errors"]["close_start_on"]
        good = submit(tandem, view, user=HM, changes={**FILLED, "close_hires": [str(candidate)]})
        assert good.body == ""
        again = submit(tandem, view, user=HM, changes={**FILLED, "close_hires": [str(candidate)]})
        assert again.status == 200
        tandem.deliver()
    role = only_role(tandem)
    assert role.status == "filled"
    with tandem.database.sessions() as session:
        assert len(session.scalars(select(RoleClosure)).all()) == 1
        assert session.scalars(select(Hire.candidate_id)).all() == [candidate]
        kinds = set(session.scalars(select(TimelineEntry.kind)))
        assert {"role_closed", "candidate_hired"} <= kinds
        pending = session.scalars(
            select(Nudge).where(Nudge.sent_at.is_(None), Nudge.cancelled_at.is_(None))
        ).all()
        assert pending == []
    posts = [m["text"] for m in tandem.standin.posted(role.channel_id)]
    win = [t for t in posts if "shared win" in t]
    assert len(win) == 1 and "finally" not in win[0].lower()
    assert f"<@{HM}>" in win[0] and f"<@{RECRUITER}>" in win[0]
    with freeze_time(CLOSING, tick=True):
        said = press(tandem, RECRUITER, Action.ADD_CANDIDATE, str(role_id))
    assert said is not None and "reopen it first" in said


def test_hold_then_reopen(tandem: Tandem) -> None:
    role_id, _ = _role(tandem)
    with freeze_time(CLOSING, tick=True):
        assert press(tandem, RECRUITER, Action.CLOSE_ROLE, str(role_id)) is None
        reply = submit(
            tandem,
            opened_view(tandem),
            user=RECRUITER,
            changes={"close_outcome": "on_hold", "close_reason": "Budget freeze"},
        )
        assert reply.body == ""
        assert only_role(tandem).status == "on_hold"
        assert press(tandem, STRANGER, Action.REOPEN_ROLE, str(role_id)) is not None
        assert only_role(tandem).status == "on_hold"
        assert press(tandem, HM, Action.REOPEN_ROLE, str(role_id)) is None
        assert "already open" in (press(tandem, HM, Action.REOPEN_ROLE, str(role_id)) or "")
    with tandem.database.sessions() as session:
        closure = session.scalars(select(RoleClosure)).one()
        assert closure.reopened_by == HM and closure.reason == "Budget freeze"
        role = session.get(Role, role_id)
        assert role is not None and role.status == "open"


def test_moving_a_candidate_to_hired_offers_close_as_filled(tandem: Tandem) -> None:
    from bot.services import hiring_forms

    role_id, candidate = _role(tandem)
    with freeze_time(CLOSING, tick=True):
        assert press(tandem, RECRUITER, Action.MOVE_CANDIDATE, str(role_id)) is None
        reply = submit(
            tandem,
            opened_view(tandem),
            user=RECRUITER,
            changes={hiring_forms.CANDIDATE: str(candidate), hiring_forms.STAGE: "hired"},
        )
        assert reply.body == ""
        tandem.deliver()
        notes = [
            m
            for m in tandem.standin.posted(only_role(tandem).channel_id)
            if Action.CLOSE_AS_FILLED in str(m.get("blocks"))
        ]
        assert len(notes) == 1
        assert press(tandem, STRANGER, Action.CLOSE_AS_FILLED, str(candidate)) is not None
        assert press(tandem, HM, Action.CLOSE_AS_FILLED, str(candidate)) is None
        view = opened_view(tandem)
    hires = next(b for b in view["blocks"] if b.get("block_id") == "close_hires")
    assert [o["value"] for o in hires["element"]["initial_options"]] == [str(candidate)]
