"""Dates read one way wherever a person reads them — the brief, its revision diffs, DMs, thread
notes and modals: "Friday, December 18th, 2026" (Slack's ``{date_long_pretty}`` renders the
same shape, in each reader's own time zone), never an ISO date or an IANA zone name; and a
turnaround reads "within 2 working days", never "48 working hours"."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from freezegun import freeze_time

from bot.slack.ids import Action, Field, plan_date_field
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, log_interview, press, run_jobs
from tests.kickoff_flow import (
    HM,
    PANEL,
    RECRUITER,
    Kickoff,
    add_people,
    after_ack,
    brief_step,
    only_role,
)
from tests.modals import opened_view, submit

WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DATE_TOKEN = re.compile(r"<!date\^\d+\^([^^|]*)(?:\^[^|]*)?\|([^>]*)>")
LONG_DATE = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), [A-Z][a-z]+ "
    r"\d{1,2}(st|nd|rd|th), \d{4}\b"
)
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo")
# Machine values a person never reads.
NOT_READ = {"initial_date", "private_metadata", "value", "action_id", "block_id", "callback_id"}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in NOT_READ for s in _strings(v)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


class Reading:
    """Everything Tandem showed people: messages, updates, ephemeral answers, modals."""

    def __init__(self, tandem: Tandem) -> None:
        self.tandem = tandem
        self.acks: list[Any] = []

    def ack(self, body: Any) -> Any:
        self.acks.append(body)
        return body

    def texts(self) -> list[str]:
        shown = [
            c.params
            for c in self.tandem.standin.calls
            if c.method.startswith(("chat.", "views.")) or c.method == "response_url"
        ]
        return _strings(shown) + _strings(self.acks)


def _edit_dates(tandem: Tandem, reading: Reading, role_id: int) -> None:
    press(tandem, RECRUITER, Action.EDIT, str(role_id))
    view = opened_view(tandem)
    for changes in (
        {},
        {Field.TARGET_DATE: "2027-03-05"},
        {
            Field.SLATE_DUE: "2026-12-18",
            plan_date_field("offer"): "2027-03-05",
            Field.TURNAROUND: "72",
        },
    ):
        body = reading.ack(submit(tandem, view, user=RECRUITER, changes=changes).json)
        view = after_ack(tandem, body["view"]) if "view" in body else view


def _hire(tandem: Tandem) -> Reading:
    """A kickoff, an edit of its dates, a candidate, an interview, its nudges, a check-in."""
    reading = Reading(tandem)
    add_people(tandem.standin)
    with freeze_time(WEDNESDAY, tick=True):
        flow = Kickoff(tandem).start()
        reading.ack(flow.step({"hiring_manager": HM, "recruiter": RECRUITER, "panel": PANEL}).json)
        reading.ack(flow.step(brief_step(target_fill_date="2027-02-26")).json)
        reading.ack(flow.step({Field.SLATE_DUE: "2026-12-11"}).json)
        role_id = only_role(tandem).id
        _edit_dates(tandem, reading, role_id)
        candidate_id = add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
        log_interview(
            tandem,
            role_id,
            candidate_id,
            user=RECRUITER,
            day=date(2026, 12, 7),
            start="14:00",
            end="15:00",
            interviewers=PANEL,
        )
    for moment in (
        datetime(2026, 12, 7, 15, 1, tzinfo=UTC),  # the feedback requests (held for Tokyo)
        datetime(2026, 12, 8, 0, 5, tzinfo=UTC),  # Tokyo morning
        datetime(2026, 12, 14, 15, 0, tzinfo=UTC),  # check-in, reminders, overdue
        datetime(2026, 12, 15, 16, 0, tzinfo=UTC),
    ):
        run_jobs(tandem, moment)
    return reading


def test_nothing_a_person_reads_shows_an_iso_date_or_a_zone_name(tandem: Tandem) -> None:
    texts = _hire(tandem).texts()
    assert texts
    for text in texts:
        assert not ISO_DATE.search(text), text
        assert not any(zone in text for zone in ZONES), text


def test_dates_take_one_shape_in_the_brief_its_diffs_and_the_dms(tandem: Tandem) -> None:
    reading = _hire(tandem)
    texts = reading.texts()
    tokens = [m for text in texts for m in DATE_TOKEN.findall(text)]
    assert tokens
    for template, fallback in tokens:
        assert template in ("{date_long_pretty} at {time}", "{time}"), template
        assert LONG_DATE.search(fallback) and fallback.endswith("UTC"), fallback
    role = only_role(tandem)
    thread = [
        m for m in tandem.standin.posted(role.channel_id) if m.get("thread_ts") == role.brief_ts
    ]
    diff = json.dumps(next(m for m in thread if "revision 2" in str(m["blocks"]))["blocks"])
    for shown in (
        "Friday, February 26th, 2027",
        "Friday, March 5th, 2027",
        "5 candidates by Friday, December 11th, 2026",
        "5 candidates by Friday, December 18th, 2026",
        "within 2 working days",
        "within 3 working days",
    ):
        assert shown in diff, shown
    brief = json.dumps(tandem.standin.messages[(role.channel_id, role.brief_ts)]["blocks"])
    assert "*Target fill date*\\nFriday, March 5th, 2027" in brief
    assert "by Friday, March 5th, 2027" in brief  # the offer stage of the plan


def test_turnarounds_read_as_working_days_everywhere(tandem: Tandem) -> None:
    reading = _hire(tandem)
    texts = reading.texts()
    assert not [t for t in texts if re.search(r"\d+ working hours", t)]
    step3 = next(a["view"] for a in reading.acks if "Step 3 of 3" in json.dumps(a))
    turnaround = next(b for b in step3["blocks"] if b.get("block_id") == Field.TURNAROUND)
    assert [o["text"]["text"] for o in turnaround["element"]["options"]] == [
        "within 1 working day",
        "within 2 working days",
        "within 3 working days",
    ]
    requests = [t for t in texts if "The contract asks for feedback by" in t]
    assert requests and all("(within 3 working days)" in t for t in requests)


def test_the_interview_modal_names_the_zone_as_people_say_it(tandem: Tandem) -> None:
    add_people(tandem.standin)
    with freeze_time(WEDNESDAY, tick=True):
        Kickoff(tandem).start().complete(brief=brief_step(target_fill_date="2027-02-26"))
        role_id = only_role(tandem).id
        add_candidate(tandem, role_id, "Jane Doe", RECRUITER)
        press(tandem, HM, Action.LOG_INTERVIEW, str(role_id))
        hint = json.dumps(opened_view(tandem)["blocks"], ensure_ascii=False)
    assert "America/New_York" not in hint and "New York time (UTC−05:00)" in hint


def test_the_readme_says_it_the_way_people_do() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert not re.search(r"\d+ working hours|24/48/72", readme)
    assert "17:00" not in readme and "18:00" in readme
    assert "within 2 working days" in readme
