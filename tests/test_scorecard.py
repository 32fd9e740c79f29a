"""`/scorecard` over signed HTTP: in a role's channel the role's figures and chart are posted
there (both sides see the same); `me`, `team` and a pair answer privately with the chart in
the asker's DM; bad arguments get one line of usage and nothing is posted."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from freezegun import freeze_time

from bot.slack.ids import Action
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, press, start_role
from tests.kickoff_flow import HM, RECRUITER, STRANGER, brief_step, only_role
from tests.modals import opened_view, submit

OPENED = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
CLOSING = datetime(2027, 3, 12, 15, 0, tzinfo=UTC)
LATER = datetime(2027, 3, 15, 15, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


def _filled(tandem: Tandem) -> str:
    with freeze_time(OPENED, tick=True):
        role_id = start_role(tandem, brief=brief_step(target_fill_date="2027-05-14"))
        candidate = add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
    with freeze_time(CLOSING, tick=True):
        assert press(tandem, HM, Action.CLOSE_ROLE, str(role_id)) is None
        changes = {
            "close_outcome": "filled",
            "close_hires": [str(candidate)],
            "close_offer_accepted_on": "2027-03-11",
            "close_start_on": "2027-04-01",
        }
        assert submit(tandem, opened_view(tandem), user=HM, changes=changes).body == ""
        tandem.deliver()
    return str(only_role(tandem).channel_id)


def _ask(tandem: Tandem, user: str, text: str = "", channel_id: str = "C0ELSEWHERE") -> dict:
    before = len(tandem.standin.calls_to("response_url"))
    assert tandem.command("/scorecard", text, user=user, channel_id=channel_id).status == 200
    answers = tandem.standin.calls_to("response_url")[before:]
    assert len(answers) == 1
    return answers[0].params


def _charts(tandem: Tandem, channel: str) -> list[dict]:
    return [m for m in tandem.standin.posted(channel) if m.get("files")]


def _png(tandem: Tandem, message: dict) -> bytes:
    return tandem.standin.uploads[message["files"][0]["id"]]["content"]


def test_in_the_roles_channel_both_sides_see_the_same_figures_and_chart(tandem: Tandem) -> None:
    channel = _filled(tandem)
    with freeze_time(LATER, tick=True):
        said = _ask(tandem, RECRUITER, channel_id=channel)
        assert "Posting the scorecard" in said["text"]
        tandem.deliver()
        _ask(tandem, HM, channel_id=channel)
        tandem.deliver()
    first, second = _charts(tandem, channel)
    assert first["text"] == second["text"]
    assert "Time to fill: *10 days* (1)" in first["text"]
    assert "about 44 days" in first["text"]  # the reference, as context
    assert "Offer acceptance: *100%* (1)" in first["text"]
    assert "no data yet" in first["text"]
    assert "<@" not in first["text"]  # no per-person figures in a channel
    assert _png(tandem, first).startswith(PNG)


def test_me_team_and_a_pair_answer_privately_with_the_chart_in_a_dm(tandem: Tandem) -> None:
    _filled(tandem)
    with freeze_time(LATER, tick=True):
        mine = _ask(tandem, HM, "me 30d")
        team = _ask(tandem, STRANGER, "team")
        pair = _ask(tandem, RECRUITER, f"<@{HM}|hank> <@{RECRUITER}|rita> quarter")
        tandem.deliver()
    assert mine["response_type"] == "ephemeral" and "last 30 days" in str(mine["blocks"])
    assert "Time to fill" in str(team["blocks"]) and "<@" not in str(team["blocks"])
    assert f"<@{HM}> (hiring manager) and <@{RECRUITER}> (recruiter)" in str(pair["blocks"])
    for user in (HM, STRANGER, RECRUITER):
        [chart] = _charts(tandem, user)
        assert _png(tandem, chart).startswith(PNG)


def test_a_pair_is_only_for_its_two_people(tandem: Tandem) -> None:
    _filled(tandem)
    with freeze_time(LATER, tick=True):
        refused = _ask(tandem, STRANGER, f"<@{HM}> <@{RECRUITER}>")
        nobody = _ask(tandem, HM, f"<@{HM}> <@{STRANGER}>")
        tandem.deliver()
    assert "Only the two people of a pair" in refused["text"]
    assert "no role together" in nobody["text"]
    assert _charts(tandem, STRANGER) == [] and _charts(tandem, HM) == []


def test_bad_arguments_and_other_channels_get_one_line_and_post_nothing(tandem: Tandem) -> None:
    channel = _filled(tandem)
    with freeze_time(LATER, tick=True):
        for text in ("fortnight", "<!channel>", "x" * 10_000, "2027-02-30..2027-03-01"):
            said = _ask(tandem, HM, text, channel_id=channel)
            assert "\n" not in said["text"] and "`/scorecard` takes" in said["text"]
            assert "<!channel>" not in said["text"]
        elsewhere = _ask(tandem, HM, channel_id="C0NOTAROLE")
        assert "no role's scorecard for you in this channel" in elsewhere["text"]
        tandem.deliver()
    assert _charts(tandem, channel) == []


def _csv(tandem: Tandem, user: str) -> list[dict[str, str]]:
    [message] = [m for m in tandem.standin.posted(user) if m.get("files")]
    raw = tandem.standin.uploads[message["files"][0]["id"]]["content"].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(raw)))


def test_export_is_a_csv_of_the_figures_and_their_rows_in_the_askers_dm(tandem: Tandem) -> None:
    channel = _filled(tandem)
    with freeze_time(LATER, tick=True):
        said = _ask(tandem, RECRUITER, "export", channel_id=channel)
        outsider = _ask(tandem, STRANGER, "export", channel_id=channel)
        tandem.deliver()
    assert "is in your DM" in said["text"]
    # Someone not on the role gets no export of it (tests/test_scorecard_visibility.py).
    assert "no role's scorecard for you" in outsider["text"]
    assert _charts(tandem, channel) == []  # an export posts nothing in the channel
    lines = _csv(tandem, RECRUITER)
    figures = {r["key"]: r for r in lines if r["record"] == "figure"}
    owed = [r for r in lines if r["record"] == "obligation"]
    assert figures["time_to_fill_days"]["value"] == "10.00"
    judged = [r for r in owed if r["kind"] == "feedback" and r["on_time"]]
    assert str(len(judged)) == figures["feedback_on_time"]["count"]
    kept = [r for r in owed if r["kind"] != "feedback" and r["on_time"]]
    counts = int(figures["contract_kept:recruiter"]["count"]) + int(
        figures["contract_kept:hm"]["count"]
    )
    assert len(kept) == counts
    assert [m for m in tandem.standin.posted(STRANGER) if m.get("files")] == []


def test_the_csv_defuses_formulas_and_keeps_no_data_empty() -> None:
    from bot.services.scorecard_export import export_csv
    from bot.services.scorecard_metrics import Figure

    raw = export_csv(
        [Figure("x", '=HYPERLINK("http://evil")', None, 0, "%"), Figure("y", "Y", 50.0, 2, "%")],
        [],
    ).decode("utf-8-sig")
    first, second = list(csv.DictReader(io.StringIO(raw)))
    assert first["label"].startswith("'=") and first["value"] == "" and first["count"] == "0"
    assert second["value"] == "50.00"
