"""The contract and the feedback record never claim what did not happen: a replaced side must
agree afresh, a cancelled interview stays cancelled, must-haves are judged on the revision
that was rated, independence holds per interview, a snooze survives a reschedule, and a late
check-in reply still counts (as late). Every step happens at an explicit moment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.models import Acknowledgement, CheckIn, Interview, Obligation, TimelineEntry
from bot.slack.ids import Action
from tests import hiring_flow
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, dms_to, run_jobs
from tests.integrity_flow import (
    HM,
    INTERVIEWER,
    NEW_HM,
    NEW_RECRUITER,
    RECRUITER,
    SECOND,
    at,
    brief_text,
    channel_posts,
    day,
    edit_brief,
    log_interview,
    ny,
    obligation_of,
    on_brief,
    start_role,
    submit_feedback,
    thread,
)
from tests.kickoff_flow import only_role
from tests.modals import opened_view, submit


def _both_agree(tandem: Tandem, role_id: int) -> None:
    with at(ny(0, 10)):
        assert on_brief(tandem, RECRUITER, Action.AGREE, str(role_id)) is None
        assert on_brief(tandem, HM, Action.AGREE, str(role_id)) is None
    assert f"Contract signed by <@{RECRUITER}> and <@{HM}>" in brief_text(tandem)


# -- a changed side agrees afresh ---------------------------------------------------------------


def test_a_new_hiring_manager_must_agree_before_the_contract_is_signed(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    _both_agree(tandem, role_id)

    with at(ny(1, 10)):
        answer = edit_brief(tandem, RECRUITER, [{"hiring_manager": NEW_HM}, {}, {}])
    assert answer["response_action"] == "update", answer
    shown = brief_text(tandem)
    assert "Contract signed" not in shown
    assert f"waiting for <@{NEW_HM}> to agree" in shown
    assert Action.AGREE in shown
    note = str(thread(tandem)[-1]["blocks"])
    assert f"<@{NEW_HM}>" in note and "not signed" in note and "Agree to contract" in note

    with at(ny(1, 11)):
        refused = on_brief(tandem, HM, Action.AGREE, str(role_id))
        assert refused is not None and "Only the role's recruiter" in refused
        assert on_brief(tandem, NEW_HM, Action.AGREE, str(role_id)) is None
    assert f"Contract signed by <@{RECRUITER}> and <@{NEW_HM}>" in brief_text(tandem)


def test_a_new_recruiter_must_agree_and_the_hms_agreement_stands(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    _both_agree(tandem, role_id)

    with at(ny(1, 10)):
        edit_brief(tandem, HM, [{"recruiter": NEW_RECRUITER}, {}, {}])
    shown = brief_text(tandem)
    assert "Contract signed" not in shown
    assert f"waiting for <@{NEW_RECRUITER}> to agree" in shown
    assert f"<@{HM}> to agree" not in shown

    with at(ny(1, 11)):
        assert on_brief(tandem, NEW_RECRUITER, Action.AGREE, str(role_id)) is None
    assert f"Contract signed by <@{NEW_RECRUITER}> and <@{HM}>" in brief_text(tandem)


def test_a_contract_change_is_signed_again_only_once_the_other_side_acknowledges(
    tandem: Tandem,
) -> None:
    role_id = start_role(tandem)
    _both_agree(tandem, role_id)

    with at(ny(1, 10)):
        edit_brief(tandem, HM, [{}, {}, {"turnaround": "24"}])
    shown = brief_text(tandem)
    assert "Contract signed" not in shown
    assert f"<@{RECRUITER}>" in shown and "acknowledge" in shown
    with tandem.database.sessions() as session:
        pending = session.scalars(select(Acknowledgement)).one()
    message = thread(tandem)[-1]

    with at(ny(1, 11)):
        assert (
            on_brief(tandem, RECRUITER, Action.ACKNOWLEDGE, str(pending.id), message=message)
            is None
        )
    assert f"Contract signed by <@{RECRUITER}> and <@{HM}>" in brief_text(tandem)
    with tandem.database.sessions() as session:
        kinds = session.scalars(select(TimelineEntry.kind)).all()
    assert kinds.count("contract_signed") == 2


# -- cancelled interviews and dropped interviewers ----------------------------------------------


def _edit_interview(
    tandem: Tandem, interview_id: int, changes: dict[str, Any], view: dict[str, Any] | None = None
) -> Any:
    role = only_role(tandem)
    if view is None:
        hiring_flow.press(
            tandem, HM, Action.EDIT_INTERVIEW, str(interview_id), channel_id=role.channel_id or ""
        )
        view = opened_view(tandem)
    return submit(tandem, view, user=HM, changes=changes).json


def test_editing_a_cancelled_interview_reopens_no_feedback(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    role = only_role(tandem)
    with at(ny(0, 11)):
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
        interview = log_interview(
            tandem, candidate, on=day(1), start="10:00", end="11:00", interviewers=[INTERVIEWER]
        )
        # The edit modal is opened, then someone cancels the interview, then the modal is saved.
        hiring_flow.press(
            tandem, HM, Action.EDIT_INTERVIEW, str(interview), channel_id=role.channel_id or ""
        )
        stale_edit = opened_view(tandem)
        hiring_flow.press(
            tandem, HM, Action.CANCEL_INTERVIEW, str(interview), channel_id=role.channel_id or ""
        )
        answer = _edit_interview(
            tandem,
            interview,
            {"interviewers": [INTERVIEWER, SECOND], "interview_end": "11:30"},
            view=stale_edit,
        )
    assert answer is not None and answer["response_action"] == "update"
    assert "cancelled" in str(answer["view"])
    with tandem.database.sessions() as session:
        obligations = session.scalars(
            select(Obligation).where(Obligation.interview_id == interview)
        ).all()
        stored = session.get(Interview, interview)
    assert obligations and all(o.cancelled_at is not None for o in obligations)
    assert stored is not None and stored.ends_at == ny(1, 11)
    for moment in (ny(1, 11, 30), ny(2, 10), ny(3, 12), ny(4, 12)):
        run_jobs(tandem, moment)
    assert dms_to(tandem, INTERVIEWER) == [] and dms_to(tandem, SECOND) == []


def test_re_adding_a_dropped_interviewer_reopens_their_feedback(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    with at(ny(0, 11)):
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
        interview = log_interview(
            tandem,
            candidate,
            on=day(1),
            start="10:00",
            end="11:00",
            interviewers=[INTERVIEWER, SECOND],
        )
        assert _edit_interview(tandem, interview, {"interviewers": [INTERVIEWER]}) is None
        assert obligation_of(tandem, interview, SECOND).cancelled_at is not None
        assert (
            _edit_interview(
                tandem,
                interview,
                {"interviewers": [INTERVIEWER, SECOND], "interview_end": "11:30"},
            )
            is None
        )
    reopened = obligation_of(tandem, interview, SECOND)
    assert reopened.is_open and reopened.due_at == ny(3, 11, 30)
    run_jobs(tandem, ny(1, 11, 30))
    asked = dms_to(tandem, SECOND)
    assert len(asked) == 1 and "Submit feedback" in str(asked[0]["blocks"])


# -- must-haves judged on the revision that was rated -------------------------------------------


def test_unassessed_must_haves_come_from_the_interviews_revision(tandem: Tandem) -> None:
    role_id = start_role(tandem, must_haves="Python\nSQL at scale\nMentoring")
    with at(ny(0, 11)):
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
        interview = log_interview(
            tandem, candidate, on=day(1), start="10:00", end="11:00", interviewers=[INTERVIEWER]
        )
    with at(ny(2, 9)):  # revision 2 replaces "Mentoring" with "Streaming" after the interview
        edit_brief(tandem, RECRUITER, [{}, {"must_haves": "Python\nSQL at scale\nStreaming"}, {}])
    with at(ny(2, 10)):
        # The modal asks for the interview's revision: Python, SQL at scale, Mentoring.
        submit_feedback(tandem, interview, INTERVIEWER, "yes", **{"rating:0": "3", "rating:1": "2"})
    reveals = channel_posts(tandem, "Panel recommendations")
    assert len(reveals) == 1
    flagged = next(str(b) for b in reveals[0]["blocks"] if "Not assessed by anyone" in str(b))
    assert "Mentoring" in flagged
    assert "Streaming" not in flagged and "Python" not in flagged


# -- independence per interview -----------------------------------------------------------------


def test_independence_holds_for_each_interviewers_latest_interview(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    with at(ny(0, 11)):
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
        first = log_interview(
            tandem,
            candidate,
            on=day(1),
            start="10:00",
            end="11:00",
            interviewers=[INTERVIEWER, SECOND],
        )
    with at(ny(1, 12)):
        submit_feedback(tandem, first, INTERVIEWER, "yes", notes="Round one: solid")
        seen = submit_feedback(tandem, first, SECOND, "yes", notes="Round one: fine")
        assert "Round one: solid" in str(seen["view"])
        second = log_interview(
            tandem,
            candidate,
            on=day(3),
            start="10:00",
            end="11:00",
            interviewers=[INTERVIEWER, SECOND],
        )
    with at(ny(3, 12)):
        submit_feedback(tandem, second, SECOND, "strong_no", notes="Round two: doubts")
        # Nia edits her first-round feedback before giving her second-round one.
        edited = str(
            submit_feedback(tandem, first, INTERVIEWER, "yes", notes="Round one: solid!")["view"]
        )
    assert "Round two: doubts" not in edited and "Round one: fine" not in edited
    assert "latest interview" in edited
    with at(ny(3, 13)):
        done = str(submit_feedback(tandem, second, INTERVIEWER, "no")["view"])
    assert "Round two: doubts" in done


# -- snoozes survive a reschedule; late check-in replies count as late --------------------------


def test_rescheduling_keeps_an_active_snooze(tandem: Tandem) -> None:
    role_id = start_role(tandem)
    with at(ny(0, 11)):
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER, candidate_stage="panel")
        interview = log_interview(
            tandem, candidate, on=day(1), start="09:00", end="10:00", interviewers=[INTERVIEWER]
        )
    run_jobs(tandem, ny(1, 10))
    assert len(dms_to(tandem, INTERVIEWER)) == 1  # the Submit feedback request
    obligation = obligation_of(tandem, interview, INTERVIEWER)
    assert obligation.due_at == ny(3, 10)
    with at(ny(3, 7)):  # Thursday 07:00: quiet until Friday 07:00
        answer = hiring_flow.press(tandem, INTERVIEWER, Action.SNOOZE, str(obligation.id))
    assert answer is not None and "Snoozed" in answer
    with at(ny(3, 7, 30)):  # the end time is corrected: due Thursday 10:30
        assert _edit_interview(tandem, interview, {"interview_end": "10:30"}) is None
    assert obligation_of(tandem, interview, INTERVIEWER).due_at == ny(3, 10, 30)
    for moment in (ny(3, 9), ny(3, 10, 30), ny(3, 15)):
        run_jobs(tandem, moment)
    assert len(dms_to(tandem, INTERVIEWER)) == 1
    run_jobs(tandem, ny(4, 9))
    texts = [str(dm["blocks"]) for dm in dms_to(tandem, INTERVIEWER)]
    assert len(texts) == 2 and "Overdue" in texts[1]


def _checkin_reply(tandem: Tandem, user: str, ts: str, checkin_ts: str) -> None:
    event = {
        "type": "message",
        "user": user,
        "text": "Update from me",
        "ts": ts,
        "thread_ts": checkin_ts,
        "parent_user_id": "U0TANDEMBOT",
        "channel": only_role(tandem).channel_id,
        "channel_type": "channel",
        "event_ts": ts,
    }
    assert tandem.event(event, event_id=f"Ev{ts.replace('.', '')}").status == 200


def test_a_checkin_reply_after_the_window_records_participation_as_late(tandem: Tandem) -> None:
    start_role(tandem)
    run_jobs(tandem, ny(7, 10))  # the Monday check-in a week after kickoff (New York 10:00)
    posts = channel_posts(tandem, "Weekly check-in")
    assert posts
    checkin_ts = posts[-1]["ts"]
    with at(ny(7, 11)):
        _checkin_reply(tandem, RECRUITER, "1812000001.000100", checkin_ts)
    # No reminder job ran: the HM answers on Wednesday, a day after the window closed.
    with at(ny(9, 12)):
        _checkin_reply(tandem, HM, "1812000002.000100", checkin_ts)
    with tandem.database.sessions() as session:
        checkin = session.scalars(select(CheckIn).where(CheckIn.message_ts == checkin_ts)).one()
        answered = session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.kind == "checkin_answered")
            .order_by(TimelineEntry.id)
        ).all()
    assert checkin.both_replied_on_time is False
    assert checkin.participation == "late"
    assert [(e.actor_id, e.detail["on_time"]) for e in answered] == [
        (RECRUITER, True),
        (HM, False),
    ]
