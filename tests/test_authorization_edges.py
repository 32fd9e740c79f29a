"""Every button resolves its role and checks the person may act on it before saying anything
about it; a kickoff posts (and invites) only into a channel the person running it is in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.models import Mute, Role
from bot.sandbox.slack_standin import BOT_USER_ID
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
    Kickoff,
    add_people,
    after_ack,
    only_role,
    role_step,
)
from tests.modals import opened_view, submit


def _edit(tandem: Tandem, role_id: int, user: str, steps: list[dict[str, Any]]) -> None:
    """*Edit brief*, then each step's changes, as ``user``."""
    press(tandem, user, Action.EDIT, str(role_id))
    view = opened_view(tandem)
    for changes in steps:
        body = submit(tandem, view, user=user, changes=changes).json or {}
        if body.get("response_action") == "push":
            view = after_ack(tandem, body["view"])
        else:
            assert body.get("response_action") == "update", body


def _roles(tandem: Tandem) -> int:
    with tandem.database.sessions() as session:
        return session.scalar(select(func.count()).select_from(Role)) or 0


def _mutes(tandem: Tandem) -> list[tuple[int, str]]:
    with tandem.database.sessions() as session:
        return [(m.role_id, m.user_id) for m in session.scalars(select(Mute))]


# -- buttons ------------------------------------------------------------------------------


def test_mute_with_another_roles_id_says_nothing_about_that_role(tandem: Tandem) -> None:
    role_id = start_role(tandem, role=role_step())
    with tandem.database.sessions() as session:
        session.get(Role, role_id).title = "Secret Reorg: VP Sales"  # type: ignore[union-attr]
        session.commit()

    answer = press(tandem, STRANGER, Action.MUTE_ROLE, str(role_id))

    assert answer is not None and "Secret Reorg" not in answer and "muted" not in answer
    assert answer == press(tandem, STRANGER, Action.MUTE_ROLE, "999999")  # same as no role
    assert _mutes(tandem) == []


def test_people_on_the_role_can_mute_it(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    for user in (PANEL[0], HM):
        answer = press(tandem, user, Action.MUTE_ROLE, str(role_id))
        assert answer is not None and "are muted for you" in answer
    assert _mutes(tandem) == [(role_id, PANEL[0]), (role_id, HM)]


def test_refusals_do_not_name_the_people_of_the_role(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    refused = press(tandem, STRANGER, Action.AGREE, str(role_id))
    assert refused is not None and "Only the role's recruiter and hiring manager" in refused
    assert RECRUITER not in refused and HM not in refused


def test_someone_elses_feedback_request_does_not_name_its_owner(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    candidate_id = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
    log_interview(
        tandem,
        role_id,
        candidate_id,
        user=HM,
        day=next_weekday(0),
        start="09:00",
        end="10:00",
        interviewers=[PANEL[0]],
    )
    obligation = feedback_obligation(tandem, PANEL[0])
    for action in (Action.SUBMIT_FEEDBACK, Action.SNOOZE):
        refused = press(tandem, STRANGER, action, str(obligation.id))
        assert refused is not None and PANEL[0] not in refused and "someone else" in refused


# -- the kickoff's channel ------------------------------------------------------------------


def test_kickoff_refuses_an_existing_channel_the_person_is_not_in(tandem: Tandem) -> None:
    add_people(tandem.standin)
    tandem.standin.add_channel("C0SALES", "sales-leadership", members={HM})
    flow = Kickoff(tandem).start()

    reply = flow.step(role_step(channel_mode="existing", channel="C0SALES"))

    assert reply.json["response_action"] == "push"  # "Checking…", then what to fix
    assert "not a member of #sales-leadership" in flow.shown_text()
    assert _roles(tandem) == 0
    assert tandem.standin.calls_to("conversations.join") == []
    assert tandem.standin.calls_to("conversations.invite") == []
    assert tandem.standin.channels["C0SALES"].members == {HM}


def test_kickoff_never_invites_into_a_private_channel_its_members_did_not_choose(
    tandem: Tandem,
) -> None:
    """Tandem is in the private channel (someone invited it once); the recruiter is not."""
    add_people(tandem.standin)
    tandem.standin.add_channel(
        "G0EXEC", "exec-hiring", is_private=True, members={BOT_USER_ID, ADMIN}
    )
    flow = Kickoff(tandem).start()

    reply = flow.step(role_step(channel_mode="existing", channel="G0EXEC"))

    assert reply.json["response_action"] == "push"
    assert "not a member of #exec-hiring" in flow.shown_text()
    assert tandem.standin.calls_to("conversations.invite") == []
    assert tandem.standin.channels["G0EXEC"].members == {BOT_USER_ID, ADMIN}


def test_a_member_may_use_a_big_channel(tandem: Tandem) -> None:
    """conversations.members pages; the person may be on a later page."""
    add_people(tandem.standin)
    crowd = {f"U{n:08d}" for n in range(1500)}
    tandem.standin.add_channel("C0BIG", "hiring-all", members={*crowd, RECRUITER})

    Kickoff(tandem).start().complete(role=role_step(channel_mode="existing", channel="C0BIG"))

    assert only_role(tandem).channel_id == "C0BIG"
    pages = tandem.standin.calls_to("conversations.members")
    assert len(pages) == 2 and {HM, *PANEL} <= tandem.standin.channels["C0BIG"].members


def test_private_channel_member_runs_the_kickoff(tandem: Tandem) -> None:
    add_people(tandem.standin)
    tandem.standin.add_channel(
        "G0HIRE", "hire-private", is_private=True, members={BOT_USER_ID, RECRUITER}
    )
    Kickoff(tandem).start().complete(role=role_step(channel_mode="existing", channel="G0HIRE"))
    assert {HM, *PANEL} <= tandem.standin.channels["G0HIRE"].members


def test_an_outsider_edit_does_not_invite_into_a_private_channel(tandem: Tandem) -> None:
    add_people(tandem.standin)
    tandem.standin.add_channel(
        "G0HIRE", "hire-private", is_private=True, members={BOT_USER_ID, RECRUITER}
    )
    Kickoff(tandem).start().complete(role=role_step(channel_mode="existing", channel="G0HIRE"))
    role_id = only_role(tandem).id

    # A workspace admin may edit the brief, but is not in the channel.
    _edit(tandem, role_id, ADMIN, [{"panel": [*PANEL, NEW_INTERVIEWER]}, {}, {}])

    assert NEW_INTERVIEWER not in tandem.standin.channels["G0HIRE"].members
    note = tandem.standin.posted("G0HIRE")[-1]["text"]
    assert f"<@{NEW_INTERVIEWER}>" in note and "private" in note and f"<@{ADMIN}>" in note

    # The recruiter, who is in it, adds someone: they are invited.
    _edit(tandem, role_id, RECRUITER, [{"panel": [*PANEL, NEW_INTERVIEWER, STRANGER]}, {}, {}])
    assert STRANGER in tandem.standin.channels["G0HIRE"].members


def test_an_edit_keeps_the_roles_channel_without_asking_again(tandem: Tandem) -> None:
    """The HM is not in the channel the recruiter picked; editing the brief still works."""
    add_people(tandem.standin)
    tandem.standin.add_channel("C0HIRING", "hiring-data", members={RECRUITER})
    Kickoff(tandem).start().complete(role=role_step(channel_mode="existing", channel="C0HIRING"))
    role_id = only_role(tandem).id
    tandem.standin.channels["C0HIRING"].members.discard(HM)
    press(tandem, HM, Action.EDIT, str(role_id))
    reply = submit(tandem, opened_view(tandem), user=HM, changes={"level": "Staff"})
    assert reply.json["response_action"] == "push"
    assert after_ack(tandem, reply.json["view"])["callback_id"] == "kickoff-brief"
