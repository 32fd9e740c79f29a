"""Domain rules of the brief, tested with plain arguments."""

from __future__ import annotations

from datetime import date, time

from bot.models import Side
from bot.services.brief import (
    BriefContent,
    Contract,
    Stage,
    Topic,
    default_plan,
    diff_briefs,
    new_panel_members,
    topics_needing_acknowledgement,
)
from bot.services.brief_posts import channel_name_for
from bot.services.kickoff_form import _lines

START = date(2026, 11, 25)
TARGET = date(2027, 1, 25)


def brief(**changes: object) -> BriefContent:
    values: dict[str, object] = {
        "title": "Staff Data Engineer",
        "hiring_manager_id": "UHM",
        "recruiter_id": "UREC",
        "business_need": "Growth",
        "must_haves": ["Python", "SQL"],
        "target_fill_date": TARGET,
        "contract": Contract(slate_due=date(2026, 12, 9)),
        "plan": default_plan(START, TARGET),
        "panel": ["UP1"],
    }
    values.update(changes)
    return BriefContent.model_validate(values)


def test_default_plan_is_ordered_owned_and_ends_on_the_target() -> None:
    plan = default_plan(START, TARGET)
    assert [p.stage for p in plan] == list(Stage)
    dates = [p.target_date for p in plan]
    assert dates == sorted(dates) and dates[-1] == TARGET and dates[0] > START
    assert plan[0].owner_side == Side.RECRUITER and plan[3].owner_side == Side.HIRING_MANAGER


def test_default_plan_when_the_target_is_very_close() -> None:
    plan = default_plan(START, date(2026, 11, 27))
    assert all(START <= p.target_date <= date(2026, 11, 27) for p in plan)


def test_diff_tags_topics_that_need_acknowledgement() -> None:
    before = brief()
    after = brief(
        must_haves=["Python", "Kafka"],
        level="Staff",
        contract=Contract(slate_due=date(2026, 12, 9), checkin_time=time(11, 0)),
    )
    changes = diff_briefs(before, after)
    labels = {c.label: c for c in changes}
    assert (
        labels["Must-haves"].before == "Python; SQL"
        and labels["Must-haves"].after == "Python; Kafka"
    )
    assert labels["Level"].topic is None
    assert labels["Weekly check-in"].topic == Topic.CONTRACT
    assert topics_needing_acknowledgement(changes) == [Topic.MUST_HAVES, Topic.CONTRACT]


def test_no_changes_no_diff() -> None:
    assert diff_briefs(brief(), brief()) == []


def test_new_panel_members_only_lists_newcomers() -> None:
    assert new_panel_members(brief(panel=["UP1"]), brief(panel=["UP2", "UP1", "UP3"])) == [
        "UP2",
        "UP3",
    ]


def test_channel_names_are_slack_safe_and_suffixed() -> None:
    assert channel_name_for("Staff Data Engineer") == "hire-staff-data-engineer"
    assert channel_name_for("Sr. C++ / Rust Dev (Berlin)") == "hire-sr-c-rust-dev-berlin"
    assert channel_name_for("Ingénieur·e données") == "hire-ing-nieur-e-donn-es"
    assert channel_name_for("!!!") == "hire-role"
    assert (
        channel_name_for("x" * 200).startswith("hire-") and len(channel_name_for("x" * 200)) <= 80
    )
    assert channel_name_for("Data Lead", attempt=2) == "hire-data-lead-3"


def test_pasted_lists_lose_their_bullets() -> None:
    assert _lines("- Python\n* SQL\n• Kafka\n1. Mentoring\n2) Hiring\n\n   ") == [
        "Python",
        "SQL",
        "Kafka",
        "Mentoring",
        "Hiring",
    ]
