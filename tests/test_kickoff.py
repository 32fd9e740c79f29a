"""/kickoff end to end over signed HTTP: the modal, validation, the role, the pinned brief."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.models import (
    BriefRevision,
    Commitment,
    CommitmentKind,
    KickoffDraft,
    Role,
    TimelineEntry,
)
from bot.sandbox.slack_standin import BOT_USER_ID
from bot.services.brief import BriefContent
from bot.slack.ids import Action
from tests import slack_requests as sr
from tests.harness import Tandem
from tests.kickoff_flow import (
    HM,
    PANEL,
    RECRUITER,
    SOME_BOT,
    TARGET,
    TODAY,
    Kickoff,
    add_people,
    brief_step,
    only_role,
    role_step,
)


@pytest.fixture(autouse=True)
def people(tandem: Tandem) -> None:
    add_people(tandem.standin)


def _count(tandem: Tandem, model: type) -> int:
    with tandem.database.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_kickoff_opens_the_modal_with_the_title_prefilled(tandem: Tandem) -> None:
    flow = Kickoff(tandem).start("Staff Data Engineer")

    opened = tandem.standin.last("views.open")
    assert opened.params["trigger_id"]
    title = next(b for b in flow.view["blocks"] if b.get("block_id") == "title")
    assert title["element"]["initial_value"] == "Staff Data Engineer"
    recruiter = next(b for b in flow.view["blocks"] if b.get("block_id") == "recruiter")
    assert recruiter["element"]["initial_user"] == RECRUITER
    assert flow.view["title"]["text"] == "Kickoff · 1 of 3"


def test_whole_kickoff_creates_the_role_and_pins_the_brief(tandem: Tandem) -> None:
    reply = Kickoff(tandem).start().complete()

    assert reply.json["response_action"] == "update"
    role = only_role(tandem)
    assert role.title == "Staff Data Engineer"
    assert (role.recruiter_id, role.hiring_manager_id) == (RECRUITER, HM)
    standin = tandem.standin
    created = standin.last("conversations.create")
    assert created.params["name"] == "hire-staff-data-engineer"
    assert role.channel_id == standin.channels[role.channel_id].id
    members = standin.channels[role.channel_id].members
    assert {HM, RECRUITER, *PANEL} <= members
    post = standin.last("chat.postMessage")
    assert post.params["channel"] == role.channel_id
    assert role.brief_ts == standin.posted(role.channel_id)[0]["ts"]
    assert (role.channel_id, role.brief_ts) in standin.pins
    text = str(post.params["blocks"])
    for expected in (
        "Python",
        "SQL at scale",
        "Mentoring",
        "Kafka",
        "within 2 working days",
        "Agree to contract",
    ):
        assert expected in text
    assert "&amp; needs a lead" in text
    # The modal does not wait for Slack: it says the brief is on its way, where, and what
    # the two sides do there.
    closing = str(reply.json["view"])
    assert "posting its brief" in closing and "#hire-staff-data-engineer" in closing
    assert "Agree to contract" in closing
    # The one views.update is step 1's "Checking…" becoming step 2; none after the submit.
    updates = standin.calls_to("views.update")
    assert [u.params["view"]["callback_id"] for u in updates] == ["kickoff-brief"]

    with tandem.database.sessions() as session:
        revisions = session.scalars(select(BriefRevision)).all()
        assert [r.number for r in revisions] == [1]
        brief = BriefContent.model_validate(revisions[0].content)
        assert brief.must_haves == ["Python", "SQL at scale", "Mentoring"]
        assert brief.target_fill_date == TARGET
        assert [p.stage for p in brief.plan] == [
            "sourcing",
            "screening",
            "hm_interview",
            "panel",
            "offer",
        ]
        assert all(TODAY <= p.target_date <= TARGET for p in brief.plan)
        commitments = session.scalars(select(Commitment)).all()
        kinds = {c.kind: c for c in commitments}
        assert sorted(kinds) == ["candidate_updates", "feedback", "first_slate", "resume_review"]
        assert kinds[CommitmentKind.FIRST_SLATE].owner_id == RECRUITER
        # Due on the proposed date, within the recruiter's London working day.
        slate = kinds[CommitmentKind.FIRST_SLATE]
        slate_local = slate.due_at.astimezone(ZoneInfo("Europe/London"))  # type: ignore[union-attr]
        assert slate_local.date().isoformat() == slate.terms["date"]
        assert time(9) < slate_local.time() <= time(18)
        assert kinds[CommitmentKind.RESUME_REVIEW].owner_id == HM
        assert kinds[CommitmentKind.FEEDBACK].terms == {"working_hours": 48}
        kinds_logged = session.scalars(select(TimelineEntry.kind).order_by(TimelineEntry.id)).all()
        assert kinds_logged == ["role_created", "brief_posted"]


def test_submitting_the_last_step_twice_makes_one_role(tandem: Tandem) -> None:
    flow = Kickoff(tandem).start()
    flow.complete()
    again = flow.step({})
    assert again.json["response_action"] == "update"
    assert "already saved" in str(again.json["view"])
    assert _count(tandem, Role) == 1


def test_existing_public_channel_is_joined(tandem: Tandem) -> None:
    tandem.standin.add_channel("C0HIRING", "hiring-data", members={RECRUITER})
    Kickoff(tandem).start().complete(role=role_step(channel_mode="existing", channel="C0HIRING"))

    role = only_role(tandem)
    assert role.channel_id == "C0HIRING"
    assert tandem.standin.calls_to("conversations.create") == []
    assert tandem.standin.last("conversations.join").params["channel"] == "C0HIRING"
    assert BOT_USER_ID in tandem.standin.channels["C0HIRING"].members


def test_channel_name_collision_gets_a_suffix(tandem: Tandem) -> None:
    tandem.standin.add_channel("C0TAKEN", "hire-staff-data-engineer")
    Kickoff(tandem).start().complete()
    role = only_role(tandem)
    assert tandem.standin.channels[role.channel_id].name == "hire-staff-data-engineer-2"


@pytest.mark.parametrize(
    ("step", "changes", "field", "message"),
    [
        (2, {"must_haves": "  \n "}, "must_haves", "at least one must-have"),
        (
            2,
            {"must_haves": "\n".join(f"skill {i}" for i in range(11))},
            "must_haves",
            "11 must-haves",
        ),
        (
            2,
            {"nice_to_haves": "\n".join(f"n{i}" for i in range(12))},
            "nice_to_haves",
            "12 nice-to-haves",
        ),
        (2, {"must_haves": "x" * 151}, "must_haves", "longer than 150"),
        (
            2,
            {"target_fill_date": (TODAY - timedelta(days=2)).isoformat()},
            "target_fill_date",
            "future",
        ),
        (2, {"business_need": "y" * 2001}, "business_need", "2001 characters"),
        (2, {"business_need": ""}, "business_need", "why this role is needed"),
        (1, {"recruiter": HM}, "hiring_manager", "same person"),
        (1, {"title": ""}, "title", "Give the role a title"),
        (1, {"headcount": "lots"}, "headcount", "whole number"),
        (1, {"channel_mode": "existing", "channel": None}, "channel", "Pick the shared channel"),
        (
            3,
            {"slate_due": (TARGET + timedelta(days=1)).isoformat()},
            "slate_due",
            "after the target",
        ),
        (
            3,
            {"plan:offer:date": (TODAY - timedelta(days=1)).isoformat()},
            "plan:offer:date",
            "past",
        ),
        (3, {"resp:offer:hm": ""}, "resp:offer:hm", "Say what this side owns"),
        (3, {"checkin_time": "23:00"}, "checkin_time", "working hours"),
    ],
)
def test_each_refusal_is_next_to_its_field_and_stores_nothing(
    tandem: Tandem, step: int, changes: dict[str, object], field: str, message: str
) -> None:
    flow = Kickoff(tandem).start()
    steps = [role_step(), brief_step(), {}]
    for number in range(1, step):
        flow.step(steps[number - 1])
    with tandem.database.sessions() as session:
        before = session.scalars(select(KickoffDraft.answers)).one()

    merged = {**steps[step - 1], **changes}
    reply = flow.step(merged)

    assert reply.json["response_action"] == "errors"
    assert message in reply.json["errors"][field]
    assert _count(tandem, Role) == 0
    with tandem.database.sessions() as session:
        assert session.scalars(select(KickoffDraft.answers)).one() == before
    assert tandem.standin.calls_to("chat.postMessage") == []


def test_a_bot_as_hiring_manager_is_refused_after_asking_slack(tandem: Tandem) -> None:
    flow = Kickoff(tandem).start()
    with tandem.database.sessions() as session:
        before = session.scalars(select(KickoffDraft.answers)).one()

    reply = flow.step(role_step(hiring_manager=SOME_BOT))

    assert reply.json["response_action"] == "push"
    assert "Hiring manager" in flow.shown_text() and "not an app or bot" in flow.shown_text()
    assert _count(tandem, Role) == 0
    with tandem.database.sessions() as session:
        assert session.scalars(select(KickoffDraft.answers)).one() == before
    flow.back().step(role_step())
    assert flow.view["callback_id"] == "kickoff-brief"


def test_same_person_on_both_sides_is_allowed_once_confirmed(tandem: Tandem) -> None:
    Kickoff(tandem).start().complete(role=role_step(recruiter=HM, same_person=["yes"]))
    role = only_role(tandem)
    assert role.recruiter_id == role.hiring_manager_id == HM


def test_private_channel_without_tandem_says_how_to_add_it(tandem: Tandem) -> None:
    tandem.standin.add_channel("G0SECRET", "exec-hiring", is_private=True, members={HM})
    flow = Kickoff(tandem).start()
    reply = flow.step(role_step(channel_mode="existing", channel="G0SECRET"))

    # Only Slack can say so: the ack pushed "Checking…", which became the list of fixes.
    assert reply.json["response_action"] == "push"
    assert flow.view["title"]["text"] == "Step 1 needs a fix"
    assert "#exec-hiring" in flow.shown_text() and "/invite @Tandem" in flow.shown_text()
    assert _count(tandem, Role) == 0
    # *Back* returns to step 1 with the answers; with Tandem invited, Next goes on.
    tandem.standin.channels["G0SECRET"].members |= {BOT_USER_ID, RECRUITER}
    flow.back().step(role_step(channel_mode="existing", channel="G0SECRET"))
    assert flow.view["callback_id"] == "kickoff-brief"


def test_user_text_is_escaped_and_cannot_mention_channel(tandem: Tandem) -> None:
    Kickoff(tandem).start("Lead <!channel> & Co").complete(
        brief=brief_step(must_haves="Knows <@U0HIRINGMGR> & <!here>")
    )
    post = str(tandem.standin.last("chat.postMessage").params["blocks"])
    assert "<!channel>" not in post and "<!here>" not in post
    assert "&lt;!channel&gt; &amp; Co" in post
    assert "Knows &lt;@U0HIRINGMGR&gt; &amp; &lt;!here&gt;" in post


def test_slack_failing_after_commit_keeps_the_role_and_offers_post_again(tandem: Tandem) -> None:
    tandem.standin.fail("conversations.create", error="restricted_action")
    Kickoff(tandem).start().complete()

    role = only_role(tandem)
    assert role.brief_ts is None and role.brief_post_error == "restricted_action"
    dm = tandem.standin.last("chat.postMessage")
    assert dm.params["channel"] == RECRUITER
    assert "restricted_action" in dm.params["text"]
    button = dm.params["blocks"][-1]["elements"][0]
    assert button["action_id"] == Action.POST_AGAIN
    # Told once, however many of the brief's rows waited for the refused channel.
    assert len(tandem.standin.posted(RECRUITER)) == 1

    reply = tandem.interact(
        sr.block_action_payload(
            user_id=RECRUITER,
            action_id=Action.POST_AGAIN,
            value=button["value"],
            channel_id=f"D{RECRUITER}",
            response_url=tandem.standin.response_url("post-again"),
        )
    )
    assert reply.status == 200
    role = only_role(tandem)
    assert role.brief_ts is not None and role.channel_id is not None
    assert "posting the brief again" in tandem.standin.last("response_url").params["text"]
    # The DM with the button says where the brief is once it is there.
    resolved = tandem.standin.last("chat.update")
    assert resolved.params["channel"] == RECRUITER
    assert "posted and pinned" in resolved.params["text"]
    assert len(tandem.standin.calls_to("conversations.create")) == 2
    assert (role.channel_id, role.brief_ts) in tandem.standin.pins
    assert {HM, RECRUITER, *PANEL} <= tandem.standin.channels[role.channel_id].members


def test_kickoff_from_another_workspace_changes_nothing(tandem: Tandem) -> None:
    reply = tandem.command("/kickoff", "Spy", user="U0OTHER", team_id=sr.OTHER_TEAM_ID)
    assert "another Slack workspace" in reply.json["text"]
    assert tandem.standin.calls_to("views.open") == []
    assert _count(tandem, KickoffDraft) == 0


def test_closed_modal_resumes_from_the_saved_draft(tandem: Tandem) -> None:
    flow = Kickoff(tandem).start("Data Lead")
    flow.step(role_step(level="Staff"))
    # The person closes the modal, then types /kickoff again.
    again = Kickoff(tandem).start("")
    level = next(b for b in again.view["blocks"] if b.get("block_id") == "level")
    assert level["element"]["initial_value"] == "Staff"
    assert _count(tandem, KickoffDraft) == 1


def test_a_channel_tandem_creates_is_private_unless_the_kickoff_chose_public(
    tandem: Tandem,
) -> None:
    Kickoff(tandem).start("Staff Data Engineer").complete()
    created = tandem.standin.last("conversations.create").params
    assert created["is_private"] in (True, "true", "1", 1)
    channel = tandem.standin.channels[only_role(tandem).channel_id or ""]
    assert channel.is_private and {HM, RECRUITER, *PANEL} <= channel.members

    Kickoff(tandem).start("Open Source Advocate").complete(
        role=role_step(channel_mode="create-public")
    )
    created = tandem.standin.last("conversations.create").params
    assert created["is_private"] in (False, "false", "0", 0)


def test_an_unknown_channel_choice_is_refused_next_to_its_field(tandem: Tandem) -> None:
    flow = Kickoff(tandem).start()
    reply = flow.step(role_step(channel_mode="create-secret"))
    assert reply.json["response_action"] == "errors"
    assert "shared channel" in reply.json["errors"]["channel_mode"]
    assert _count(tandem, Role) == 0
