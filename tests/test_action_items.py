"""Action items over signed HTTP: added from the retro summary (recruiter, HM, admin), refused
for anyone else and for forged ids, field errors, double submit; shown at the same pair's next
kickoff and on its brief, marked done from there (once); a different pair never sees them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import delete, select

from bot.blocks.brief import action_item_blocks
from bot.models import (
    ActionItem,
    OutboxMessage,
    RetroAnonymousAnswer,
    RetroAnswer,
    RetroPoll,
    Role,
    TimelineEntry,
)
from bot.services import action_items, retro_summary
from bot.services.actors import Actor
from bot.services.errors import NotAllowed
from bot.slack.ids import Action
from tests import slack_requests as sr
from tests.harness import Tandem
from tests.hiring_flow import press, start_role
from tests.kickoff_flow import ADMIN, HM, PANEL, RECRUITER, STRANGER, Kickoff, brief_step, role_step
from tests.modals import metadata, opened_view, submit
from tests.summary_flow import seed_poll

OPENED = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # a Monday
CLOSING = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
SUMMARY = datetime(2027, 3, 15, 15, 0, tzinfo=UTC)  # 3 working days after the close
LATER = SUMMARY + timedelta(hours=1)
# 03:00 in London is still the evening before in New York.
NIGHT = datetime(2027, 3, 16, 3, 0, tzinfo=UTC)
NEXT_KICKOFF = datetime(2027, 3, 17, 14, 0, tzinfo=UTC)
OTHER_HM = "U0OTHERHM"
CHANGE_RECRUITER = "Share the scorecard before the first interview"
CHANGE_HM = "Block two review slots a week & keep them <!channel>"
TEXT = "Agree the must-haves in the kickoff, not after the first slate"


def _answer(tandem: Tandem, poll_id: int, user: str, capacity: str, change: str) -> None:
    with tandem.database.sessions.begin() as session:
        session.add(
            RetroAnswer(
                team_id=sr.TEAM_ID,
                poll_id=poll_id,
                user_id=user,
                capacity=capacity,
                partnership=4,
                speed=3,
                candidate_quality=4,
                what_worked="Quick feedback",
                what_to_change=change,
                answered_at=CLOSING,
                updated_at=CLOSING,
            )
        )


def _anonymous(tandem: Tandem, poll_id: int, key: str, change: str) -> None:
    with tandem.database.sessions.begin() as session:
        session.add(
            RetroAnonymousAnswer(
                id=key * 32,
                team_id=sr.TEAM_ID,
                poll_id=poll_id,
                answerer_hash=key * 32,
                partnership=3,
                speed=3,
                candidate_quality=3,
                what_worked="",
                what_to_change=change,
                answered_on=CLOSING.date(),
            )
        )


def _summarized_retro(tandem: Tandem, *, anonymous: int = 0) -> tuple[int, int]:
    """A role kicked off by RECRUITER with HM, cancelled over HTTP, its retro answered and
    summarized; returns (role id, poll id)."""
    tandem.standin.add_user(OTHER_HM, "olga", tz="Europe/Berlin")
    with freeze_time(OPENED, tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-05-14"))
        tandem.deliver()
    with freeze_time(CLOSING, tick=True):
        assert press(tandem, RECRUITER, Action.CLOSE_ROLE, str(role_id)) is None
        reply = submit(
            tandem,
            opened_view(tandem),
            user=RECRUITER,
            changes={"close_outcome": "cancelled", "close_reason": "The team was merged"},
        )
        assert reply.body == "", reply.body
        tandem.deliver()
    with tandem.database.sessions.begin() as session:
        # The poll the close opened (once the retro poll is built), due to close at SUMMARY.
        poll = session.scalars(select(RetroPoll).where(RetroPoll.role_id == role_id)).first()
        if poll is not None:
            poll.closes_at = SUMMARY
    poll_id = (
        poll.id
        if poll is not None
        else seed_poll(
            tandem,
            role_id,
            invited=[RECRUITER, HM, *PANEL],
            opened_at=CLOSING,
            closes_at=SUMMARY,
        )
    )
    _answer(tandem, poll_id, RECRUITER, "recruiter", CHANGE_RECRUITER)
    _answer(tandem, poll_id, HM, "hm", CHANGE_HM)
    for key in "abc"[:anonymous]:
        _anonymous(tandem, poll_id, key, f"Anonymous idea {key}")
    with freeze_time(SUMMARY, tick=True):
        assert retro_summary.summarize_due(tandem.database.sessions, now=SUMMARY) == 1
    return role_id, poll_id


def _summary(tandem: Tandem) -> dict[str, Any]:
    """The latest render of the retro summary (an outbox update of the poll message)."""
    with tandem.database.sessions() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == retro_summary.KIND_SUMMARY)
            .order_by(OutboxMessage.id)
        ).all()
        return rows[-1].payload


def _items(tandem: Tandem) -> list[ActionItem]:
    with tandem.database.sessions() as session:
        return list(session.scalars(select(ActionItem).order_by(ActionItem.id)))


def _open_modal(tandem: Tandem, user: str, poll_id: int) -> dict[str, Any]:
    assert press(tandem, user, Action.ADD_ACTION_ITEM, str(poll_id)) is None
    return opened_view(tandem)


def _choices(view: dict[str, Any]) -> list[str]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == "action_from_retro"]
    return [o["text"]["text"] for o in block["element"]["options"]]


def _kinds(tandem: Tandem, kind: str) -> list[dict[str, Any]]:
    with tandem.database.sessions() as session:
        return [
            e.detail
            for e in session.scalars(select(TimelineEntry).where(TimelineEntry.kind == kind))
        ]


def test_the_summary_offers_add_and_the_recruiter_adds_from_a_retro_item(tandem: Tandem) -> None:
    role_id, poll_id = _summarized_retro(tandem)
    summary = _summary(tandem)
    [button] = summary["blocks"][-1]["elements"]
    assert button["action_id"] == Action.ADD_ACTION_ITEM and button["value"] == str(poll_id)
    assert "Action items" not in str(summary["blocks"])
    with freeze_time(LATER, tick=True):
        view = _open_modal(tandem, RECRUITER, poll_id)
        assert metadata(view) == {"poll": poll_id}
        # The named what-to-change items; the two people of the pair are the only owners.
        assert _choices(view) == [CHANGE_RECRUITER, CHANGE_HM]
        [owner] = [b for b in view["blocks"] if b.get("block_id") == "action_owner"]
        assert [o["value"] for o in owner["element"]["options"]] == [RECRUITER, HM]
        reply = submit(
            tandem,
            view,
            user=RECRUITER,
            changes={"action_from_retro": "1", "action_owner": HM, "action_due_on": "2027-04-01"},
        )
        assert reply.body == "", reply.body
    [item] = _items(tandem)
    assert (item.text, item.owner_id, item.due_on.isoformat()) == (CHANGE_HM, HM, "2027-04-01")
    assert (item.role_id, item.poll_id, item.created_by) == (role_id, poll_id, RECRUITER)
    assert (item.recruiter_id, item.hiring_manager_id, item.done_at) == (RECRUITER, HM, None)
    assert _kinds(tandem, "action_item_added") == [
        {"item_id": item.id, "poll": poll_id, "owner_id": HM, "due_on": "2027-04-01"}
    ]
    shown = str(_summary(tandem)["blocks"])
    assert "*Action items*" in shown and f"<@{HM}>" in shown
    assert "April 1st, 2027" in shown and "_open_" in shown
    # User text stays text: no channel ping from the retro item.
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert tandem.block_kit_problems() == []


def test_the_hm_and_an_admin_add_with_their_own_words(tandem: Tandem) -> None:
    _, poll_id = _summarized_retro(tandem)
    with freeze_time(LATER, tick=True):
        view = _open_modal(tandem, HM, poll_id)
        reply = submit(tandem, view, user=HM, changes={"action_text": f"  {TEXT}  "})
        assert reply.body == "", reply.body
        admin_view = _open_modal(tandem, ADMIN, poll_id)
        reply = submit(
            tandem,
            admin_view,
            user=ADMIN,
            changes={"action_text": "Weekly pipeline review", "action_owner": RECRUITER},
        )
        assert reply.body == "", reply.body
    first, second = _items(tandem)
    # The HM's modal offers the HM as owner first.
    assert (first.text, first.owner_id, first.due_on, first.created_by) == (TEXT, HM, None, HM)
    assert (second.owner_id, second.created_by) == (RECRUITER, ADMIN)
    assert (second.recruiter_id, second.hiring_manager_id) == (RECRUITER, HM)


def test_panel_outsider_and_forged_ids_are_refused_alike(tandem: Tandem) -> None:
    _, poll_id = _summarized_retro(tandem)
    opened = len(tandem.standin.calls_to("views.open"))
    with freeze_time(LATER, tick=True):
        answers = [
            press(tandem, PANEL[0], Action.ADD_ACTION_ITEM, str(poll_id)),
            press(tandem, STRANGER, Action.ADD_ACTION_ITEM, str(poll_id)),
            press(tandem, RECRUITER, Action.ADD_ACTION_ITEM, "999999"),
            press(tandem, RECRUITER, Action.ADD_ACTION_ITEM, "not-a-number"),
        ]
        assert answers == [action_items.NOT_YOURS_TO_ADD] * 4
        # Another workspace is stopped at the door; its people, were they let in, would get
        # the same refusal (the poll is not in their workspace).
        other = press(
            tandem, "U0OTHER", Action.ADD_ACTION_ITEM, str(poll_id), team_id=sr.OTHER_TEAM_ID
        )
        assert other is None
        with pytest.raises(NotAllowed, match="add action items to this retro"):
            action_items.add_form(
                tandem.database.sessions,
                Actor(team_id=sr.OTHER_TEAM_ID, user_id=RECRUITER),
                poll_id,
                now=LATER,
            )
        assert len(tandem.standin.calls_to("views.open")) == opened
        # A modal opened by the recruiter and submitted by someone else saves nothing.
        view = _open_modal(tandem, RECRUITER, poll_id)
        reply = submit(tandem, view, user=STRANGER, changes={"action_text": TEXT})
        assert reply.json["response_action"] == "update"
        assert action_items.NOT_YOURS_TO_ADD in str(reply.json["view"])
        forged = {**view, "private_metadata": '{"poll": 999999}'}
        reply = submit(tandem, forged, user=RECRUITER, changes={"action_text": TEXT})
        assert action_items.NOT_YOURS_TO_ADD in str(reply.json["view"])
        tampered = {**view, "private_metadata": '{"poll": "1 OR 1=1"}'}
        reply = submit(tandem, tampered, user=RECRUITER, changes={"action_text": TEXT})
        assert action_items.NOT_YOURS_TO_ADD in str(reply.json["view"])
    assert _items(tandem) == []
    assert _kinds(tandem, "action_item_added") == []


def test_bad_fields_get_specific_errors_and_save_nothing(tandem: Tandem) -> None:
    _, poll_id = _summarized_retro(tandem)
    with freeze_time(NIGHT, tick=True):
        view = _open_modal(tandem, RECRUITER, poll_id)

        def errors(**changes: Any) -> dict[str, str]:
            reply = submit(tandem, view, user=RECRUITER, changes=changes)
            assert reply.json["response_action"] == "errors", reply.body
            return reply.json["errors"]

        assert "Say what you will do differently" in errors(action_text="   ")["action_text"]
        long = errors(action_text="x" * 10_000)["action_text"]
        assert "300 characters" in long and "10000" in long
        assert (
            "owner is the role's recruiter"
            in errors(action_text=TEXT, action_owner=STRANGER)["action_owner"]
        )
        assert "retro's items" in errors(action_from_retro="7")["action_from_retro"]
        # 16 March in London, still 15 March in New York: the owner's day counts.
        past = errors(action_text=TEXT, action_owner=RECRUITER, action_due_on="2027-03-15")
        assert "in the past" in past["action_due_on"] and "16 March 2027" in past["action_due_on"]
        far = errors(action_text=TEXT, action_owner=HM, action_due_on="2028-03-16")
        assert "within a year" in far["action_due_on"]
        assert "calendar" in errors(action_text=TEXT, action_due_on="soon")["action_due_on"]
        assert _items(tandem) == []
        reply = submit(
            tandem,
            view,
            user=RECRUITER,
            changes={"action_text": TEXT, "action_owner": HM, "action_due_on": "2027-03-15"},
        )
        assert reply.body == "", reply.body
    [item] = _items(tandem)
    assert (item.owner_id, item.due_on.isoformat()) == (HM, "2027-03-15")
    assert tandem.block_kit_problems() == []


def test_a_double_submit_adds_once(tandem: Tandem) -> None:
    _, poll_id = _summarized_retro(tandem)
    with freeze_time(LATER, tick=True):
        view = _open_modal(tandem, RECRUITER, poll_id)
        first = submit(tandem, view, user=RECRUITER, changes={"action_text": TEXT})
        again = submit(tandem, view, user=RECRUITER, changes={"action_text": TEXT})
    assert (first.status, first.body, again.status, again.body) == (200, "", 200, "")
    assert len(_items(tandem)) == 1
    assert len(_kinds(tandem, "action_item_added")) == 1


def test_anonymous_items_are_offered_only_when_shown(tandem: Tandem) -> None:
    _, poll_id = _summarized_retro(tandem, anonymous=3)
    with freeze_time(LATER, tick=True):
        choices = _choices(_open_modal(tandem, HM, poll_id))
    assert choices[:2] == [CHANGE_RECRUITER, CHANGE_HM]
    assert sorted(choices[2:]) == ["Anonymous idea a", "Anonymous idea b", "Anonymous idea c"]


def test_withheld_anonymous_items_are_not_offered(tandem: Tandem) -> None:
    _, poll_id = _summarized_retro(tandem, anonymous=2)
    with freeze_time(LATER, tick=True):
        assert _choices(_open_modal(tandem, HM, poll_id)) == [CHANGE_RECRUITER, CHANGE_HM]


def test_a_deleted_role_saves_nothing_and_says_so(tandem: Tandem) -> None:
    role_id, poll_id = _summarized_retro(tandem)
    with freeze_time(LATER, tick=True):
        view = _open_modal(tandem, RECRUITER, poll_id)
        with tandem.database.sessions.begin() as session:
            session.execute(delete(Role).where(Role.id == role_id))
        reply = submit(tandem, view, user=RECRUITER, changes={"action_text": TEXT})
        assert reply.status == 200 and reply.json["response_action"] == "update"
        assert "no longer exists, with its role" in str(reply.json["view"])
        said = press(tandem, RECRUITER, Action.ADD_ACTION_ITEM, str(poll_id))
        assert said == action_items.NOT_YOURS_TO_ADD
    assert _items(tandem) == []


def _add(tandem: Tandem, poll_id: int, text: str, owner: str = RECRUITER) -> int:
    view = _open_modal(tandem, RECRUITER, poll_id)
    reply = submit(
        tandem, view, user=RECRUITER, changes={"action_text": text, "action_owner": owner}
    )
    assert reply.body == "", reply.body
    return _items(tandem)[-1].id


def _brief(tandem: Tandem, role_id: int) -> dict[str, Any]:
    with tandem.database.sessions() as session:
        role = session.get(Role, role_id)
        assert role is not None and role.channel_id is not None
        channel = role.channel_id
    [brief] = [m for m in tandem.standin.posted(channel) if m["text"].startswith("Kickoff brief")]
    return brief


def _done_buttons(message: dict[str, Any]) -> list[str]:
    return [
        b["accessory"]["value"]
        for b in message["blocks"]
        if b.get("accessory", {}).get("action_id") == Action.ACTION_ITEM_DONE
    ]


def test_the_next_kickoff_by_the_pair_shows_them_and_mark_done_refreshes(tandem: Tandem) -> None:
    old_role, poll_id = _summarized_retro(tandem)
    with freeze_time(LATER, tick=True):
        first = _add(tandem, poll_id, TEXT, owner=HM)
        second = _add(tandem, poll_id, "Weekly pipeline review <@U0PANEL1>")
        tandem.deliver()
    # The closed role's own brief does not show its retro's items.
    assert _done_buttons(_brief(tandem, old_role)) == []
    with freeze_time(NEXT_KICKOFF, tick=True):
        # The HM starting a kickoff with the recruiter sees them too, naming the recruiter.
        by_hm = Kickoff(tandem, user=HM).start("Data Analyst")
        by_hm.step(role_step(recruiter=RECRUITER))
        assert f"From your last retro with <@{RECRUITER}>" in str(by_hm.view["blocks"])
        kickoff = Kickoff(tandem).start("Analytics Engineer")
        kickoff.step(role_step())
        step_two = kickoff.view
        top = step_two["blocks"][0]["text"]["text"]
        assert top.startswith(f"*From your last retro with <@{HM}>:*")
        assert TEXT in top and "&lt;@U0PANEL1&gt;" in top and f"<@{HM}>" in top
        assert len(step_two["blocks"]) <= 100
        assert kickoff.step(brief_step(target_fill_date="2027-06-30")).json["response_action"]
        assert kickoff.step({}).status == 200
        tandem.deliver()
        with tandem.database.sessions() as session:
            new_role = session.scalars(
                select(Role.id).where(Role.title == "Analytics Engineer")
            ).one()
        brief = _brief(tandem, new_role)
        assert _done_buttons(brief) == [str(first), str(second)]
        assert TEXT in str(brief["blocks"]) and "App Home" not in str(brief["blocks"])

        refused = press(tandem, STRANGER, Action.ACTION_ITEM_DONE, str(first))
        assert refused == action_items.NOT_YOURS_TO_MARK
        assert press(tandem, HM, Action.ACTION_ITEM_DONE, "999999") == refused
        with pytest.raises(NotAllowed, match="can mark it done"):
            action_items.mark_done(
                tandem.database.sessions,
                Actor(team_id=sr.OTHER_TEAM_ID, user_id=HM),
                first,
                now=NEXT_KICKOFF,
            )
        said = press(tandem, HM, Action.ACTION_ITEM_DONE, str(first))
        assert said is not None and said.startswith("Marked done") and TEXT in said
        assert press(tandem, RECRUITER, Action.ACTION_ITEM_DONE, str(first)) == (
            action_items.ALREADY_DONE
        )
        tandem.deliver()
    assert _done_buttons(_brief(tandem, new_role)) == [str(second)]
    done = {i.id: i for i in _items(tandem)}[first]
    assert done.done_by == HM and done.done_at is not None
    assert _kinds(tandem, "action_item_done") == [{"item_id": first}]
    with tandem.database.sessions() as session:
        [entry] = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "action_item_done")
        ).all()
        assert (entry.role_id, entry.actor_id) == (old_role, HM)
    summary = str(_summary(tandem)["blocks"])
    assert "done_" in summary and "_open_" in summary
    with freeze_time(NEXT_KICKOFF + timedelta(hours=1), tick=True):
        # An item added now from the old retro reaches the open brief at once; an admin may
        # mark one done too.
        third = _add(tandem, poll_id, "Pair on the first screen")
        tandem.deliver()
        assert _done_buttons(_brief(tandem, new_role)) == [str(second), str(third)]
        said = press(tandem, ADMIN, Action.ACTION_ITEM_DONE, str(second))
        assert said is not None and said.startswith("Marked done")
        tandem.deliver()
    assert _done_buttons(_brief(tandem, new_role)) == [str(third)]
    assert tandem.block_kit_problems() == []


def test_a_different_pair_does_not_see_them(tandem: Tandem) -> None:
    _, poll_id = _summarized_retro(tandem)
    with freeze_time(LATER, tick=True):
        _add(tandem, poll_id, TEXT)
    with freeze_time(NEXT_KICKOFF, tick=True):
        kickoff = Kickoff(tandem).start("Platform Engineer")
        kickoff.step(role_step(hiring_manager=OTHER_HM))
        assert kickoff.view["callback_id"] == "kickoff-brief"
        assert "From your last retro" not in str(kickoff.view["blocks"])
        assert kickoff.step(brief_step(target_fill_date="2027-06-30")).status == 200
        assert kickoff.step({}).status == 200
        tandem.deliver()
        with tandem.database.sessions() as session:
            role_id = session.scalars(
                select(Role.id).where(Role.title == "Platform Engineer")
            ).one()
        brief = _brief(tandem, role_id)
        assert _done_buttons(brief) == [] and TEXT not in str(brief["blocks"])
        # And the other HM may not mark the pair's item done.
        [item] = _items(tandem)
        assert (
            press(tandem, OTHER_HM, Action.ACTION_ITEM_DONE, str(item.id))
            == action_items.NOT_YOURS_TO_MARK
        )
    assert _items(tandem)[0].done_at is None


def test_a_long_retro_item_is_cut_to_fit_and_the_brief_says_what_is_left(tandem: Tandem) -> None:
    _, poll_id = _summarized_retro(tandem)
    _answer(tandem, poll_id, PANEL[0], "panel", "Debrief " + "x" * 400)
    with freeze_time(LATER, tick=True):
        view = _open_modal(tandem, HM, poll_id)
        assert len(_choices(view)[2]) == 75
        assert submit(tandem, view, user=HM, changes={"action_from_retro": "2"}).body == ""
    [item] = _items(tandem)
    assert len(item.text) == 300 and item.text.startswith("Debrief x") and item.text[-1] == "…"
    items = [ActionItem(id=n, text=f"Item {n}", owner_id=HM, due_on=None) for n in range(1, 8)]
    blocks = action_item_blocks(items)
    assert [b["accessory"]["value"] for b in blocks if "accessory" in b] == list("12345")
    assert blocks[-1]["elements"][0]["text"] == "…and 2 more, shown here as these are marked done"
