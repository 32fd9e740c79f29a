"""The retro poll over signed HTTP: posted on close (filled or cancelled, not on hold) for the
recruiter, the HM and the panel; answered in a modal, named or anonymously, once per person
(a second submit edits); updated in place with who answered, never what; replaced by the
summary when everyone answered or after 3 working days on the HM's clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from pydantic import SecretStr
from sqlalchemy import inspect, select

from bot.config import Settings
from bot.models import RetroAnonymousAnswer, RetroAnswer, RetroPoll, TimelineEntry
from bot.services import anonymity, retro_answers
from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, press, run_jobs, start_role
from tests.kickoff_flow import HM, PANEL, RECRUITER, STRANGER, brief_step, only_role
from tests.modals import opened_view, submit

OPENED = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
# A Friday, 10:00 in New York (the HM's zone); the US changes its clocks that Sunday.
CLOSING = datetime(2027, 3, 12, 15, 0, tzinfo=UTC)
EVERYONE = [RECRUITER, HM, *PANEL]
GOOD = {"retro_partnership": "4", "retro_speed": "3", "retro_candidate_quality": "5"}
ANONYMOUSLY = {"retro_anonymous": ["anonymous"]}


def _closed(tandem: Tandem, outcome: str = "filled") -> int:
    with freeze_time(OPENED, tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-05-14"))
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
    with freeze_time(CLOSING, tick=True):
        assert press(tandem, HM, Action.CLOSE_ROLE, str(role_id)) is None
        changes = (
            {
                "close_outcome": "filled",
                "close_hires": [str(candidate)],
                "close_offer_accepted_on": "2027-03-11",
                "close_start_on": "2027-04-01",
            }
            if outcome == "filled"
            else {"close_outcome": outcome, "close_reason": "The team was reorganised"}
        )
        assert submit(tandem, opened_view(tandem), user=HM, changes=changes).body == ""
        tandem.deliver()
    return role_id


def _poll(tandem: Tandem) -> RetroPoll:
    with tandem.database.sessions() as session:
        return session.scalars(select(RetroPoll)).one()


def _poll_message(tandem: Tandem) -> dict:
    channel = only_role(tandem).channel_id
    [message] = [m for m in tandem.standin.posted(channel) if m["text"].startswith("Retro:")]
    return message


def _answer(tandem: Tandem, user: str, poll_id: int, **changes: object):
    assert press(tandem, user, Action.RETRO_ANSWER, str(poll_id)) is None
    view = opened_view(tandem)
    return view, submit(tandem, view, user=user, changes={**GOOD, **changes})


def test_the_poll_is_posted_for_everyone_and_says_who_sees_what(tandem: Tandem) -> None:
    _closed(tandem)
    poll = _poll(tandem)
    assert poll.invited == EVERYONE and poll.anonymity_threshold == 3
    message = _poll_message(tandem)
    shown = json.dumps(message["blocks"], ensure_ascii=False)
    assert "Who sees what" in shown and "at least 3 people" in shown
    assert Action.RETRO_ANSWER in shown
    assert all(f"<@{u}>" in shown for u in EVERYONE)
    assert "Answered so far (0 of 4)" in shown
    with tandem.database.sessions() as session:
        kinds = set(session.scalars(select(TimelineEntry.kind)))
    assert "retro_opened" in kinds


def test_cancelled_roles_get_a_poll_and_held_ones_do_not(tandem: Tandem) -> None:
    _closed(tandem, "on_hold")
    with tandem.database.sessions() as session:
        assert session.scalars(select(RetroPoll)).all() == []
    with freeze_time(CLOSING, tick=True):
        role_id = only_role(tandem).id
        assert press(tandem, HM, Action.REOPEN_ROLE, str(role_id)) is None
        assert press(tandem, HM, Action.CLOSE_ROLE, str(role_id)) is None
        changes = {"close_outcome": "cancelled", "close_reason": "No budget"}
        assert submit(tandem, opened_view(tandem), user=HM, changes=changes).body == ""
    assert len(_poll(tandem).invited) == 4


def test_named_answers_edit_and_the_poll_shows_who_not_what(tandem: Tandem) -> None:
    _closed(tandem)
    poll_id = _poll(tandem).id
    with freeze_time(CLOSING, tick=True):
        view, reply = _answer(tandem, HM, poll_id, retro_what_worked="Fast <!channel> slates")
        assert reply.json["response_action"] == "update"
        assert "with your name" in json.dumps(reply.json["view"], ensure_ascii=False)
        again = submit(tandem, view, user=HM, changes={**GOOD, "retro_speed": "1"})
        assert again.status == 200  # the same view twice (a double click): saved once
        _, edit = _answer(tandem, HM, poll_id, retro_speed="2")
        assert "updated" in json.dumps(edit.json["view"], ensure_ascii=False)
        tandem.deliver()
    with tandem.database.sessions() as session:
        [answer] = session.scalars(select(RetroAnswer)).all()
    assert (answer.user_id, answer.capacity, answer.speed) == (HM, "hm", 2)
    assert answer.what_worked == "Fast <!channel> slates"
    shown = json.dumps(_poll_message(tandem)["blocks"], ensure_ascii=False)
    assert "Answered so far (1 of 4)" in shown and f"<@{HM}>" in shown
    assert "slates" not in shown and "channel>" not in shown.replace("<@", "")


def test_the_partnership_question_is_two_way(tandem: Tandem) -> None:
    _closed(tandem)
    poll_id = _poll(tandem).id
    with freeze_time(CLOSING, tick=True):
        questions = {}
        for user in (HM, RECRUITER, PANEL[0]):
            assert press(tandem, user, Action.RETRO_ANSWER, str(poll_id)) is None
            [block] = [
                b for b in opened_view(tandem)["blocks"] if b.get("block_id") == "retro_partnership"
            ]
            questions[user] = block["label"]["text"]
    assert questions[HM] == "How was the recruiting partnership?"
    assert questions[RECRUITER] == "How responsive and clear was the hiring manager?"
    assert "work together" in questions[PANEL[0]]


def test_an_anonymous_answer_names_nobody_and_can_still_be_edited(tandem: Tandem) -> None:
    _closed(tandem)
    poll_id = _poll(tandem).id
    with freeze_time(CLOSING, tick=True):
        _, reply = _answer(tandem, RECRUITER, poll_id, **ANONYMOUSLY)
        assert "anonymously" in json.dumps(reply.json["view"], ensure_ascii=False)
        tandem.deliver()
        shown = json.dumps(_poll_message(tandem)["blocks"], ensure_ascii=False)
        assert "1 anonymously" in shown
        progress = [b for b in _poll_message(tandem)["blocks"] if "Answered so far" in str(b)]
        assert RECRUITER not in json.dumps(progress)
        # Their own answer comes back to them (found by the keyed hash), anonymous ticked.
        assert press(tandem, RECRUITER, Action.RETRO_ANSWER, str(poll_id)) is None
        view = opened_view(tandem)
        ticked = [b for b in view["blocks"] if b.get("block_id") == "retro_anonymous"]
        assert ticked[0]["element"]["initial_options"]
        _, edit = _answer(tandem, RECRUITER, poll_id, retro_speed="1", **ANONYMOUSLY)
        assert "updated" in json.dumps(edit.json["view"], ensure_ascii=False)
    with tandem.database.sessions() as session:
        [anonymous] = session.scalars(select(RetroAnonymousAnswer)).all()
        assert session.scalars(select(RetroAnswer)).all() == []
        columns = {c.key for c in inspect(RetroAnonymousAnswer).columns}
        entries = session.scalars(select(TimelineEntry)).all()
    assert anonymous.speed == 1 and anonymous.answered_on == CLOSING.date()
    # No user id, no capacity, no time finer than the day; the hash is not the user id.
    assert columns.isdisjoint({"user_id", "capacity", "answered_at", "updated_at"})
    assert RECRUITER not in anonymous.answerer_hash and len(anonymous.answerer_hash) == 64
    assert not [e for e in entries if e.kind == "retro_answered"]
    # Switching to a named answer replaces the anonymous one: still one answer.
    with freeze_time(CLOSING, tick=True):
        _answer(tandem, RECRUITER, poll_id, retro_anonymous=[])
    with tandem.database.sessions() as session:
        assert session.scalars(select(RetroAnonymousAnswer)).all() == []
        assert session.scalars(select(RetroAnswer.user_id)).all() == [RECRUITER]


def test_the_last_answer_replaces_the_poll_with_the_summary(tandem: Tandem) -> None:
    _closed(tandem)
    poll_id = _poll(tandem).id
    with freeze_time(CLOSING, tick=True):
        _answer(tandem, HM, poll_id, retro_what_to_change="Book the panel earlier")
        _answer(tandem, RECRUITER, poll_id, retro_what_worked="Clear brief")
        _answer(tandem, PANEL[0], poll_id, **ANONYMOUSLY)
        _answer(tandem, PANEL[1], poll_id, retro_what_worked="Secret", **ANONYMOUSLY)
        tandem.deliver()
        assert _poll(tandem).summarized_at is not None
        said = press(tandem, PANEL[1], Action.RETRO_ANSWER, str(poll_id))
    assert said == retro_answers.OVER
    summary = json.dumps(_poll_message(tandem)["blocks"], ensure_ascii=False)
    assert "What happened" in summary and "Book the panel earlier" in summary
    assert "Clear brief" in summary
    # Two anonymous answers, below the threshold of 3: withheld, and said so.
    assert "2 anonymous answers are withheld" in summary and "Secret" not in summary
    assert Action.RETRO_ANSWER not in summary


def test_after_three_working_days_on_the_hms_clock_the_summary_replaces_the_poll(
    tandem: Tandem,
) -> None:
    _closed(tandem)
    poll = _poll(tandem)
    # Friday 10:00 in New York + 3 working days = Wednesday 10:00 EDT (after the clocks
    # changed), which is 14:00 UTC.
    assert poll.closes_at.replace(microsecond=0) == datetime(2027, 3, 17, 14, 0, tzinfo=UTC)
    with freeze_time(CLOSING, tick=True):
        _answer(tandem, HM, poll.id)
    run_jobs(tandem, datetime(2027, 3, 17, 13, 55, tzinfo=UTC))
    assert _poll(tandem).summarized_at is None
    run_jobs(tandem, datetime(2027, 3, 17, 14, 1, tzinfo=UTC))
    tandem.deliver()
    assert _poll(tandem).summarized_at is not None
    assert "What happened" in json.dumps(_poll_message(tandem)["blocks"], ensure_ascii=False)


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"retro_partnership": "6"}, "retro_partnership", "1 to 5"),
        ({"retro_speed": "fast"}, "retro_speed", "1 to 5"),
        ({"retro_candidate_quality": None}, "retro_candidate_quality", "1 to 5"),
        ({"retro_what_worked": "x" * 10_000}, "retro_what_worked", "under 1000"),
    ],
)
def test_bad_ratings_and_huge_text_are_refused_field_by_field(
    tandem: Tandem, changes: dict, field: str, says: str
) -> None:
    _closed(tandem)
    poll_id = _poll(tandem).id
    with freeze_time(CLOSING, tick=True):
        _, reply = _answer(tandem, HM, poll_id, **changes)
    assert reply.json["response_action"] == "errors"
    assert says in reply.json["errors"][field]
    with tandem.database.sessions() as session:
        assert session.scalars(select(RetroAnswer)).all() == []


def test_outsiders_and_forged_polls_are_refused_and_change_nothing(tandem: Tandem) -> None:
    _closed(tandem)
    poll_id = _poll(tandem).id
    with freeze_time(CLOSING, tick=True):
        assert press(tandem, STRANGER, Action.RETRO_ANSWER, str(poll_id)) == (
            retro_answers.NOT_INVITED
        )
        assert press(tandem, HM, Action.RETRO_ANSWER, "999999") == retro_answers.NOT_YOURS
        assert press(tandem, HM, Action.RETRO_ANSWER, "'; drop") == retro_answers.NOT_YOURS
        # A view opened by the HM, submitted by a stranger, or with forged metadata.
        assert press(tandem, HM, Action.RETRO_ANSWER, str(poll_id)) is None
        view = opened_view(tandem)
        stranger = submit(tandem, view, user=STRANGER, changes=GOOD)
        assert retro_answers.NOT_INVITED in json.dumps(stranger.json["view"], ensure_ascii=False)
        for forged in (json.dumps({"poll": 424242}), "{not json", json.dumps({"poll": -1})):
            reply = submit(tandem, {**view, "private_metadata": forged}, user=HM, changes=GOOD)
            assert retro_answers.NOT_YOURS in json.dumps(reply.json["view"], ensure_ascii=False)
    with tandem.database.sessions() as session:
        assert session.scalars(select(RetroAnswer)).all() == []


def test_the_anonymity_key_comes_from_the_environment_never_the_database() -> None:
    def settings(**secrets: str) -> Settings:
        return Settings.model_construct(**{k: SecretStr(v) for k, v in secrets.items()})

    own = settings(tandem_anonymity_secret="s3cret", slack_signing_secret="x")
    derived = settings(slack_signing_secret="signing")
    socket = settings(slack_app_token="xapp-1-abc")
    assert anonymity.server_key(own) == b"s3cret"
    assert anonymity.server_key(derived) not in (b"signing", b"")
    assert anonymity.server_key(socket) != anonymity.server_key(derived)
    with pytest.raises(anonymity.NoAnonymityKey):
        anonymity.server_key(settings())
    key = anonymity.server_key(own)
    one = anonymity.answerer_hash(key, team_id="T1", poll_id=1, user_id="U1")
    assert one == anonymity.answerer_hash(key, team_id="T1", poll_id=1, user_id="U1")
    assert one != anonymity.answerer_hash(key, team_id="T1", poll_id=2, user_id="U1")
    assert one != anonymity.answerer_hash(b"other", team_id="T1", poll_id=1, user_id="U1")
