"""The App Home dashboard over signed ``app_home_opened`` events: the welcome on a first
visit; what a recruiter and an HM owe today (with the DMs' buttons), then their roles with
health, then their scorecard; 50 roles stay within 100 blocks; an outsider sees no role and
no candidate name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import (
    Acknowledgement,
    BriefRevision,
    CheckIn,
    CheckInParty,
    Commitment,
    Obligation,
    Role,
)
from bot.sandbox.requests import block_action_payload
from bot.services.obligations import sync_commitment_obligations
from bot.slack.ids import Action
from tests.clock import advance_clock_to
from tests.harness import Tandem
from tests.hiring_flow import (
    add_candidate,
    dms_to,
    log_interview,
    next_weekday,
    press,
    start_role,
)
from tests.kickoff_flow import HM, PANEL, RECRUITER, STRANGER
from tests.slack_requests import TEAM_ID
from tests.summary_flow import answer, seed_poll

_events = count(1)


def open_home(tandem: Tandem, user: str) -> list[dict[str, Any]]:
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
    assert tandem.event(event, event_id=f"Ev0HOME{next(_events)}").status == 200
    call = tandem.standin.last("views.publish")
    assert call.params["user_id"] == user
    view = call.params["view"]
    assert view["type"] == "home"
    blocks: list[dict[str, Any]] = view["blocks"]
    assert len(blocks) <= 100
    return blocks


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for block in blocks:
        elements = [block["accessory"]] if "accessory" in block else block.get("elements", [])
        found += [(e["action_id"], e["value"]) for e in elements if e.get("type") == "button"]
    return found


def _role_with_work(tandem: Tandem) -> int:
    """A role with a candidate and an interview next week: the HM owes its feedback, the
    recruiter the first slate."""
    role_id = start_role(tandem)
    candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
    reply = log_interview(
        tandem,
        role_id,
        candidate,
        user=RECRUITER,
        day=next_weekday(1),
        start="10:00",
        end="11:00",
        interviewers=[HM],
    )
    assert reply.body == "", reply.body
    return role_id


def test_a_person_on_no_role_gets_the_welcome(tandem: Tandem) -> None:
    text = str(open_home(tandem, STRANGER))
    assert "Welcome to Tandem" in text
    assert "/kickoff" in text and "/tandem help" in text
    assert "What you owe" not in text and "Your roles" not in text


def test_recruiter_and_hm_see_what_they_owe_then_their_roles_then_their_scorecard(
    tandem: Tandem,
) -> None:
    role_id = _role_with_work(tandem)
    now = datetime.now(UTC)
    with tandem.database.sessions.begin() as session:
        revision = session.scalars(
            select(BriefRevision).where(BriefRevision.role_id == role_id)
        ).first()
        assert revision is not None
        session.add(
            Acknowledgement(
                team_id=TEAM_ID,
                role_id=role_id,
                revision_id=revision.id,
                requested_from=HM,
                topics=["timeline"],
                created_at=now,
            )
        )
        checkin = CheckIn(
            team_id=TEAM_ID,
            role_id=role_id,
            week="2027-W10",
            scheduled_for=now - timedelta(hours=1),
            posted_at=now - timedelta(hours=1),
            channel_id="C0X",
            message_ts="9.9",
        )
        session.add(checkin)
        session.flush()
        for user, side in ((RECRUITER, "recruiter"), (HM, "hm")):
            session.add(
                CheckInParty(
                    team_id=TEAM_ID,
                    checkin_id=checkin.id,
                    user_id=user,
                    side=side,
                    reply_due_at=now + timedelta(days=1),
                    replied_at=now if user == RECRUITER else None,
                )
            )
    poll = seed_poll(
        tandem,
        role_id,
        invited=[RECRUITER, HM],
        opened_at=now - timedelta(hours=2),
        closes_at=now + timedelta(days=5),
    )
    answer(tandem, poll, RECRUITER, "recruiter", now - timedelta(hours=1))

    hm = open_home(tandem, HM)
    hm_text = str(hm)
    pressable = buttons(hm)
    # What they owe comes first: the feedback (the DM's own button), the check-in, the retro
    # (not answered with their name), the change to acknowledge.
    assert hm[0]["text"]["text"] == "What you owe (2)"  # the feedback and the profile review
    assert "review of *Jane Doe*" in hm_text.replace("A review", "review")
    assert any(action == Action.SUBMIT_FEEDBACK for action, _ in pressable)
    assert "Feedback on *Jane Doe*" in hm_text
    assert "Check-ins waiting for your reply" in hm_text and "2027-W10" in hm_text
    assert (Action.RETRO_ANSWER, str(poll)) in pressable
    assert any(action == Action.ACKNOWLEDGE for action, _ in pressable)
    assert "revision 1 changed the timeline" in hm_text
    # Then the role with its health, then the scorecard ("no data yet" where there is none).
    assert "Your roles (1)" in hm_text and "Staff Data Engineer" in hm_text
    assert "you are the hiring manager" in hm_text and "of 60" in hm_text
    assert "Contract" in hm_text
    assert "Your scorecard" in hm_text and "no data yet" in hm_text
    assert "Your feedback on time" in hm_text
    assert (
        hm_text.index("What you owe")
        < hm_text.index("Your roles")
        < hm_text.index("Your scorecard")
    )

    recruiter = open_home(tandem, RECRUITER)
    recruiter_text = str(recruiter)
    # The first slate is theirs, with the DM's *Mark done*; they replied to the check-in and
    # answered the retro, and no change waits for them.
    assert any(action == Action.MARK_DONE for action, _ in buttons(recruiter))
    assert "first slate" in recruiter_text
    assert "2027-W10" not in recruiter_text
    assert Action.RETRO_ANSWER.value not in recruiter_text
    assert Action.ACKNOWLEDGE.value not in recruiter_text
    assert "you are the recruiter" in recruiter_text

    # Someone on the panel sees the role too, and owes nothing.
    panel = str(open_home(tandem, PANEL[0]))
    assert "you are on the panel" in panel and "You owe nothing right now" in panel


def test_an_outsider_sees_no_role_and_no_candidate(tandem: Tandem) -> None:
    _role_with_work(tandem)
    text = str(open_home(tandem, STRANGER))
    assert "Jane Doe" not in text and "Staff Data Engineer" not in text
    assert "Welcome to Tandem" in text


def test_fifty_roles_stay_within_a_hundred_blocks(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    now = datetime.now(UTC)
    with tandem.database.sessions.begin() as session:
        original = session.get(Role, role_id)
        assert original is not None
        revision = session.scalars(
            select(BriefRevision).where(BriefRevision.role_id == role_id)
        ).one()
        commitments = list(session.scalars(select(Commitment).where(Commitment.role_id == role_id)))
        for number in range(2, 51):
            role = Role(
                team_id=TEAM_ID,
                title=f"Role {number:02d}",
                status="open",
                recruiter_id=RECRUITER,
                hiring_manager_id=HM,
                created_by=RECRUITER,
                created_at=now,
                brief_post_attempts=0,
            )
            session.add(role)
            session.flush()
            copy = BriefRevision(
                team_id=TEAM_ID,
                role_id=role.id,
                number=1,
                content=revision.content,
                created_by=RECRUITER,
                created_at=now,
            )
            session.add(copy)
            session.flush()
            for c in commitments:
                session.add(
                    Commitment(
                        team_id=TEAM_ID,
                        role_id=role.id,
                        revision_id=copy.id,
                        kind=c.kind,
                        owner_side=c.owner_side,
                        owner_id=c.owner_id,
                        terms=c.terms,
                        due_at=c.due_at,
                        state=c.state,
                        created_at=now,
                    )
                )
            session.flush()
            sync_commitment_obligations(session, role, now=now)

    blocks = open_home(tandem, RECRUITER)
    text = str(blocks)
    assert "What you owe (50)" in text and "1–15 of 50 items owed." in text
    assert "Your roles (50)" in text and "1–20 of 50 roles." in text
    assert "Role 02" in text and "Role 25" not in text
    assert "Your scorecard" in text
    assert (Action.HOME_PAGE.value, "items:1") in buttons(blocks)
    assert (Action.HOME_PAGE.value, "roles:1") in buttons(blocks)

    # *More* under the roles, twice: 21–40, then the last ten and a way back.
    _press_in_home(tandem, RECRUITER, Action.HOME_PAGE, "roles:1")
    second = _published(tandem, RECRUITER)
    assert "21–40 of 50 roles." in str(second) and "Role 25" in str(second)
    assert "1–15 of 50 items owed." in str(second)  # the other lists stay on their first page
    _press_in_home(tandem, RECRUITER, Action.HOME_PAGE, "roles:2")
    last = _published(tandem, RECRUITER)
    assert "41–50 of 50 roles." in str(last) and "Role 50" in str(last)
    assert (Action.HOME_PAGE.value, "roles:0") in buttons(last)  # *Back to the first*
    assert (Action.HOME_PAGE.value, "roles:3") not in buttons(last)


@pytest.mark.parametrize("value", ["roles:99", "secrets:1", "roles:-1", "roles:1e9", "", "x" * 900])
def test_a_forged_page_value_shows_a_page_that_exists(tandem: Tandem, value: str) -> None:
    _role_with_work(tandem)
    open_home(tandem, RECRUITER)
    _press_in_home(tandem, RECRUITER, Action.HOME_PAGE, value)
    blocks = _published(tandem, RECRUITER)
    assert "Your roles (1)" in str(blocks) and "What you owe" in str(blocks)
    assert dms_to(tandem, RECRUITER) == []


def test_the_home_tab_refreshes_after_the_persons_own_action(tandem: Tandem) -> None:
    """Marking something done from a DM (not the tab) publishes the tab again — for a person
    who has opened it; someone who never has gets no publish."""
    _role_with_work(tandem)
    value = next(v for a, v in buttons(open_home(tandem, RECRUITER)) if a == Action.MARK_DONE)
    before = len(tandem.standin.calls_to("views.publish"))
    said = press(tandem, RECRUITER, Action.MARK_DONE, value, channel_id="D0REC")
    assert said is not None and "Marked done" in said
    assert len(tandem.standin.calls_to("views.publish")) == before + 1
    assert (Action.MARK_DONE.value, value) not in buttons(_published(tandem, RECRUITER))

    # The HM never opened the tab: their own actions publish nothing.
    hm_value = next(str(o.id) for o in _open_obligations(tandem, HM) if o.kind != "feedback")
    publishes = len(tandem.standin.calls_to("views.publish"))
    said = press(tandem, HM, Action.MARK_DONE, hm_value, channel_id="D0HM")
    assert said is not None and "Marked done" in said
    assert len(tandem.standin.calls_to("views.publish")) == publishes


def test_a_rolled_back_action_publishes_nothing(tandem: Tandem) -> None:
    """Marking done someone else's item is refused, and the refusal changes no tab."""
    _role_with_work(tandem)
    open_home(tandem, HM)
    mine = next(str(o.id) for o in _open_obligations(tandem, RECRUITER) if o.kind != "feedback")
    publishes = len(tandem.standin.calls_to("views.publish"))
    press(tandem, HM, Action.MARK_DONE, mine, channel_id="D0HM")
    assert len(tandem.standin.calls_to("views.publish")) == publishes
    with tandem.database.sessions() as session:
        obligation = session.get(Obligation, int(mine))
        assert obligation is not None and obligation.resolved_at is None


def _published(tandem: Tandem, user: str) -> list[dict[str, Any]]:
    call = tandem.standin.last("views.publish")
    assert call.params["user_id"] == user
    blocks: list[dict[str, Any]] = call.params["view"]["blocks"]
    assert len(blocks) <= 100
    return blocks


def _open_obligations(tandem: Tandem, owner: str) -> list[Obligation]:
    with tandem.database.sessions() as session:
        return list(
            session.scalars(
                select(Obligation)
                .where(Obligation.owner_id == owner, Obligation.resolved_at.is_(None))
                .order_by(Obligation.id)
            )
        )


def test_a_roles_health_counts_overdue_items_per_side_and_the_signed_contract(
    tandem: Tandem,
) -> None:
    role_id = _role_with_work(tandem)
    assert press(tandem, RECRUITER, Action.AGREE, str(role_id)) is None
    assert press(tandem, HM, Action.AGREE, str(role_id)) is None
    # The HM's profile review is due one working day after the candidate was added.
    advance_clock_to(datetime.now(UTC) + timedelta(days=4))

    hm = str(open_home(tandem, HM))
    assert ":warning: *Overdue:* A review of *Jane Doe*" in hm
    assert "Overdue: recruiter side 0, HM side 1" in hm
    assert "Contract signed" in hm and "not signed" not in hm
    assert "Day 4 of 60" in hm


def _press_in_home(tandem: Tandem, user: str, action: str, value: str) -> None:
    """A button pressed in the Home tab: Slack sends the view, and no response_url."""
    payload = block_action_payload(
        user_id=user, action_id=action, value=value, view={"id": "V0HOME", "type": "home"}
    )
    del payload["response_url"]
    assert tandem.interact(payload).status == 200


def test_mark_done_in_the_home_tab_publishes_it_again_with_the_answer(tandem: Tandem) -> None:
    _role_with_work(tandem)
    value = next(v for a, v in buttons(open_home(tandem, RECRUITER)) if a == Action.MARK_DONE)
    _press_in_home(tandem, RECRUITER, Action.MARK_DONE, value)

    with tandem.database.sessions() as session:
        obligation = session.get(Obligation, int(value))
        assert obligation is not None and obligation.resolved_at is not None
    home = tandem.standin.last("views.publish").params
    assert home["user_id"] == RECRUITER
    assert home["view"]["blocks"][0]["type"] == "context"  # the answer, on top
    assert (Action.MARK_DONE.value, value) not in buttons(home["view"]["blocks"])
    # No "unexpected problem" DM: the press had nothing to answer through but the tab.
    assert dms_to(tandem, RECRUITER) == []


def test_acknowledge_in_the_home_tab_is_recorded_without_an_error(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    with tandem.database.sessions.begin() as session:
        revision = session.scalars(
            select(BriefRevision).where(BriefRevision.role_id == role_id)
        ).one()
        acknowledgement = Acknowledgement(
            team_id=TEAM_ID,
            role_id=role_id,
            revision_id=revision.id,
            requested_from=HM,
            topics=["timeline"],
            created_at=datetime.now(UTC),
        )
        session.add(acknowledgement)
        session.flush()
        ack_id = acknowledgement.id
    assert (Action.ACKNOWLEDGE.value, str(ack_id)) in buttons(open_home(tandem, HM))
    _press_in_home(tandem, HM, Action.ACKNOWLEDGE, str(ack_id))
    _press_in_home(tandem, HM, Action.ACKNOWLEDGE, str(ack_id))  # a double click

    with tandem.database.sessions() as session:
        stored = session.get(Acknowledgement, ack_id)
        assert stored is not None and stored.acknowledged_at is not None
    assert not any("unexpected problem" in str(dm) for dm in dms_to(tandem, HM))
    assert "Changes to acknowledge" not in str(open_home(tandem, HM))
