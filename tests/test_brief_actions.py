"""The brief's life after kickoff: agreement, edits with acknowledgement, plan, panel, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Acknowledgement, BriefRevision, Commitment, CommitmentState, TimelineEntry
from bot.runtime import job_context
from bot.scheduler.runner import run_all_once
from bot.services import agreement
from bot.services import roles as role_service
from bot.slack.ids import Action
from tests import hiring_flow
from tests import slack_requests as sr
from tests.harness import Tandem
from tests.kickoff_flow import (
    ADMIN,
    HM,
    NEW_INTERVIEWER,
    PANEL,
    RECRUITER,
    STRANGER,
    TODAY,
    Kickoff,
    add_people,
    after_ack,
    only_role,
)
from tests.modals import opened_view, submit


@pytest.fixture
def role_id(tandem: Tandem) -> int:
    add_people(tandem.standin)
    Kickoff(tandem).start().complete()
    return only_role(tandem).id


def press(
    tandem: Tandem,
    user: str,
    action: str,
    value: str,
    *,
    message: dict[str, Any] | None = None,
    team_id: str = sr.TEAM_ID,
) -> str | None:
    """Press a button on the role's brief (or on ``message``); returns the private answer."""
    role = only_role(tandem)
    return hiring_flow.press(
        tandem,
        user,
        action,
        value,
        channel_id=role.channel_id or "C0X",
        message=message,
        message_ts=role.brief_ts or "1.1",
        team_id=team_id,
    )


def brief_blocks(tandem: Tandem) -> str:
    role = only_role(tandem)
    return str(tandem.standin.messages[(role.channel_id, role.brief_ts)]["blocks"])


def test_both_sides_agree_and_the_brief_says_signed(tandem: Tandem, role_id: int) -> None:
    assert "waiting for <@U0RECRUIT> and <@U0HIRINGMGR> to agree" in brief_blocks(tandem)

    refused = press(tandem, STRANGER, Action.AGREE, str(role_id))
    assert refused is not None and "Only the role's recruiter" in refused
    assert only_role(tandem).recruiter_agreed_at is None

    assert press(tandem, RECRUITER, Action.AGREE, str(role_id)) is None
    assert "waiting for <@U0HIRINGMGR> to agree" in brief_blocks(tandem)
    again = press(tandem, RECRUITER, Action.AGREE, str(role_id))
    assert again is not None and "already agreed" in again

    press(tandem, HM, Action.AGREE, str(role_id))
    with tandem.database.sessions() as session:
        role = role_service.get_role(session, team_id=sr.TEAM_ID, role_id=role_id)
        assert agreement.contract_status(session, role).signed_at is not None
    shown = brief_blocks(tandem)
    assert "Contract signed by <@U0RECRUIT> and <@U0HIRINGMGR>" in shown
    assert Action.AGREE not in shown
    with tandem.database.sessions() as session:
        kinds = session.scalars(select(TimelineEntry.kind).order_by(TimelineEntry.id)).all()
    assert kinds[-3:] == ["contract_agreed", "contract_agreed", "contract_signed"]


def _edit(
    tandem: Tandem, role_id: int, user: str, step_changes: list[dict[str, Any]]
) -> dict[str, Any]:
    press(tandem, user, Action.EDIT, str(role_id))
    view = opened_view(tandem)
    assert view["title"]["text"] == "Edit brief · 1 of 3"
    reply = None
    for changes in step_changes:
        reply = submit(tandem, view, user=user, changes=changes)
        body = reply.json
        if body.get("response_action") == "push":
            view = after_ack(tandem, body["view"])
    assert reply is not None
    return reply.json


def test_edit_makes_revision_two_with_a_diff_and_a_pending_acknowledgement(
    tandem: Tandem, role_id: int
) -> None:
    answer = _edit(
        tandem, role_id, RECRUITER, [{}, {"must_haves": "Python\nSQL at scale\nStreaming"}, {}]
    )
    assert answer["response_action"] == "update"

    with tandem.database.sessions() as session:
        numbers = session.scalars(select(BriefRevision.number).order_by(BriefRevision.number)).all()
        assert numbers == [1, 2]
        first = session.scalars(select(BriefRevision).where(BriefRevision.number == 1)).one()
        assert "Mentoring" in first.content["must_haves"]  # nothing overwritten
        pending = session.scalars(select(Acknowledgement)).one()
        assert pending.requested_from == HM and pending.topics == ["must-haves"]
    role = only_role(tandem)
    thread = [
        m for m in tandem.standin.posted(role.channel_id) if m.get("thread_ts") == role.brief_ts
    ]
    assert len(thread) == 1
    diff = str(thread[0]["blocks"])
    assert (
        "revision 2" in diff and "~Python; SQL at scale; Mentoring~" in diff and "Streaming" in diff
    )
    assert "waiting for <@U0HIRINGMGR> to acknowledge" in brief_blocks(tandem)
    assert "Revision 2" in brief_blocks(tandem)

    ack_value = str(pending.id)
    message = {"ts": thread[0]["ts"], "text": thread[0]["text"], "blocks": thread[0]["blocks"]}
    refused = press(tandem, RECRUITER, Action.ACKNOWLEDGE, ack_value, message=message)
    assert refused is not None and "waiting for someone else" in refused

    assert press(tandem, HM, Action.ACKNOWLEDGE, ack_value, message=message) is None
    updated = tandem.standin.messages[(role.channel_id, thread[0]["ts"])]
    assert "acknowledged the change to the must-haves" in str(updated["blocks"])
    assert Action.ACKNOWLEDGE not in str(updated["blocks"])
    assert "to acknowledge" not in brief_blocks(tandem)


def test_editing_without_changes_makes_no_revision(tandem: Tandem, role_id: int) -> None:
    answer = _edit(tandem, role_id, HM, [{}, {}, {}])
    assert "Nothing changed" in str(answer["view"])
    with tandem.database.sessions() as session:
        assert session.scalars(select(BriefRevision.number)).all() == [1]


def test_contract_change_supersedes_commitments_and_needs_the_recruiters_ack(
    tandem: Tandem, role_id: int
) -> None:
    _edit(tandem, role_id, HM, [{}, {}, {"turnaround": "24"}])
    with tandem.database.sessions() as session:
        states = session.scalars(select(Commitment.state).order_by(Commitment.id)).all()
        assert states.count(CommitmentState.SUPERSEDED) == 4
        assert states.count(CommitmentState.OPEN) == 4
        pending = session.scalars(select(Acknowledgement)).one()
    assert pending.requested_from == RECRUITER and pending.topics == ["contract"]
    assert "within 1 working day" in brief_blocks(tandem)


def test_admin_edit_asks_both_sides(tandem: Tandem, role_id: int) -> None:
    _edit(
        tandem,
        role_id,
        ADMIN,
        [{}, {"target_fill_date": (TODAY + timedelta(days=90)).isoformat()}, {}],
    )
    with tandem.database.sessions() as session:
        asked = sorted(session.scalars(select(Acknowledgement.requested_from)).all())
    assert asked == sorted([RECRUITER, HM])


def test_stranger_cannot_edit_or_change_the_plan(tandem: Tandem, role_id: int) -> None:
    opened_before = len(tandem.standin.calls_to("views.open"))
    for action in (Action.EDIT, Action.CHANGE_PLAN):
        refused = press(tandem, STRANGER, action, str(role_id))
        assert (
            refused is not None
            and "Only the role's recruiter, hiring manager or a workspace admin" in refused
        )
    assert len(tandem.standin.calls_to("views.open")) == opened_before


def test_panel_change_invites_the_new_interviewer(tandem: Tandem, role_id: int) -> None:
    _edit(tandem, role_id, RECRUITER, [{"panel": [*PANEL, NEW_INTERVIEWER]}, {}, {}])
    role = only_role(tandem)
    assert NEW_INTERVIEWER in tandem.standin.channels[role.channel_id].members
    assert tandem.standin.last("conversations.invite").params["users"] == NEW_INTERVIEWER


def test_plan_change_is_a_new_revision(tandem: Tandem, role_id: int) -> None:
    press(tandem, HM, Action.CHANGE_PLAN, str(role_id))
    view = opened_view(tandem)
    assert view["title"]["text"] == "Hiring plan"
    new_date = (TODAY + timedelta(days=50)).isoformat()
    reply = submit(
        tandem, view, user=HM, changes={"plan:offer:owner": "hm", "plan:offer:date": new_date}
    )
    assert reply.body == ""

    with tandem.database.sessions() as session:
        latest = session.scalars(
            select(BriefRevision).order_by(BriefRevision.number.desc())
        ).first()
        assert latest is not None and latest.number == 2
        offer = next(p for p in latest.content["plan"] if p["stage"] == "offer")
        assert offer == {"stage": "offer", "owner_side": "hm", "target_date": new_date}
        pending = session.scalars(select(Acknowledgement)).one()
    assert pending.requested_from == RECRUITER and pending.topics == ["timeline"]
    thread = str(tandem.standin.last("chat.postMessage").params["blocks"])
    assert "Offer owner" in thread and "Offer target" in thread


def test_plan_dates_out_of_order_are_refused(tandem: Tandem, role_id: int) -> None:
    press(tandem, RECRUITER, Action.CHANGE_PLAN, str(role_id))
    view = opened_view(tandem)
    late = (TODAY + timedelta(days=59)).isoformat()
    reply = submit(tandem, view, user=RECRUITER, changes={"plan:sourcing:date": late})
    assert reply.json["response_action"] == "errors"
    assert "before the one above" in reply.json["errors"]["plan:screening:date"]


def test_another_workspace_cannot_see_or_change_the_role(tandem: Tandem, role_id: int) -> None:
    answer = press(tandem, "U0OTHER", Action.AGREE, str(role_id), team_id=sr.OTHER_TEAM_ID)
    assert answer is None  # refused by the workspace guard before any listener ran
    assert only_role(tandem).recruiter_agreed_at is None
    with tandem.database.sessions() as session, pytest.raises(role_service.RoleNotFound):
        role_service.get_role(session, team_id=sr.OTHER_TEAM_ID, role_id=role_id)


def test_a_refused_brief_waits_for_post_again_and_is_posted_once(tandem: Tandem) -> None:
    """Slack will not take the brief (the outbox parks it): no job posts it blindly again;
    the recruiter is told once, and *Post brief again* delivers it into the same channel."""
    add_people(tandem.standin)
    tandem.standin.fail("chat.postMessage", error="channel_not_found")
    Kickoff(tandem).start().complete()
    role = only_role(tandem)
    assert role.brief_ts is None and role.brief_post_error == "channel_not_found"
    [dm] = tandem.standin.posted(RECRUITER)
    button = dm["blocks"][-1]["elements"][0]
    assert button["action_id"] == Action.POST_AGAIN

    context = job_context(tandem.settings, tandem.database)
    run_all_once(context, datetime.now(UTC) + timedelta(minutes=3))
    assert only_role(tandem).brief_ts is None
    assert len(tandem.standin.posted(RECRUITER)) == 1  # told once

    answer = hiring_flow.press(
        tandem, RECRUITER, Action.POST_AGAIN, button["value"], channel_id=f"D{RECRUITER}"
    )
    assert answer is not None and "posting the brief again" in answer
    role = only_role(tandem)
    assert role.brief_ts is not None and role.brief_post_error is None
    assert [m["ts"] for m in tandem.standin.posted(role.channel_id)] == [role.brief_ts]
    assert (role.channel_id, role.brief_ts) in tandem.standin.pins
    # One channel, however many attempts.
    assert len(tandem.standin.calls_to("conversations.create")) == 1
