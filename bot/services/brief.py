"""The kickoff brief as a value: its fields, the default contract and matrix, and diffs.

A :class:`BriefContent` is what one :class:`~bot.models.BriefRevision` stores. Everything here
is plain data with no database or Slack access.
"""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from bot.dates import plain_date
from bot.models import Side
from bot.services.working_time import (
    WorkCalendar,
    working_day_on_or_after,
    working_day_on_or_before,
)

MAX_LIST_ITEMS = 10
MAX_ITEM_LENGTH = 150
TURNAROUND_CHOICES = (24, 48, 72)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
# Working days when no workspace calendar is at hand: Monday to Friday.
WEEKDAYS_ONLY = WorkCalendar(ZoneInfo("UTC"))


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


class Stage(StrEnum):
    SOURCING = "sourcing"
    SCREENING = "screening"
    HM_INTERVIEW = "hm_interview"
    PANEL = "panel"
    OFFER = "offer"


STAGE_LABELS = {
    Stage.SOURCING: "Sourcing",
    Stage.SCREENING: "Screening",
    Stage.HM_INTERVIEW: "HM interview",
    Stage.PANEL: "Panel",
    Stage.OFFER: "Offer",
}
# Who owns each stage unless the pair decides otherwise, and how far into the time to fill
# its target date falls by default.
DEFAULT_STAGE_OWNERS = {
    Stage.SOURCING: Side.RECRUITER,
    Stage.SCREENING: Side.RECRUITER,
    Stage.HM_INTERVIEW: Side.HIRING_MANAGER,
    Stage.PANEL: Side.HIRING_MANAGER,
    Stage.OFFER: Side.RECRUITER,
}
DEFAULT_STAGE_SHARE = {
    Stage.SOURCING: 0.3,
    Stage.SCREENING: 0.45,
    Stage.HM_INTERVIEW: 0.6,
    Stage.PANEL: 0.8,
    Stage.OFFER: 1.0,
}


class Responsibility(BaseModel):
    key: str
    area: str
    recruiter: str = Field(max_length=300)
    hiring_manager: str = Field(max_length=300)


def default_responsibilities() -> list[Responsibility]:
    """The responsibility matrix of product.md §1, which either side may edit."""
    rows = [
        ("role", "Defining the role", "Market insight, improving the job description",
         "Business need, ideal candidate profile"),
        ("sourcing", "Sourcing strategy", "Outreach, building the pipeline",
         "Input on top profiles, engaging their network"),
        ("experience", "Candidate experience", "Communication, keeping the process smooth",
         "Showing up prepared, representing the brand"),
        ("interviews", "Interview process", "Logistics, advising on structure",
         "Timely feedback, informed decisions"),
        ("offer", "Offer & close", "Benchmarking, advising on pay, negotiating",
         "The final call, acting quickly"),
    ]  # fmt: skip
    return [Responsibility(key=k, area=a, recruiter=r, hiring_manager=h) for k, a, r, h in rows]


class Contract(BaseModel):
    """The collaboration contract: what each side promises the other."""

    feedback_turnaround_hours: Literal[24, 48, 72] = 48
    checkin_weekday: int = Field(default=0, ge=0, le=4)  # Monday
    checkin_time: time = time(10, 0)
    slate_size: int = Field(default=5, ge=1, le=50)
    slate_due: date
    candidate_update_days: int = Field(default=3, ge=1, le=10)
    resume_review_days: int = Field(default=1, ge=1, le=10)


class PlanItem(BaseModel):
    stage: Stage
    owner_side: Side
    target_date: date


class BriefContent(BaseModel):
    """One revision of a role's brief: everything written down at kickoff."""

    title: str = Field(min_length=1, max_length=150)
    level: str = Field(default="", max_length=80)
    location: str = Field(default="", max_length=150)
    headcount: int = Field(default=1, ge=1, le=100)
    hiring_manager_id: str
    recruiter_id: str
    business_need: str = Field(max_length=2000)
    ideal_profile: str = Field(default="", max_length=2000)
    must_haves: list[str] = Field(min_length=1, max_length=MAX_LIST_ITEMS)
    nice_to_haves: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    target_fill_date: date
    urgency: Urgency = Urgency.NORMAL
    panel: list[str] = Field(default_factory=list)
    contract: Contract
    responsibilities: list[Responsibility] = Field(default_factory=default_responsibilities)
    plan: list[PlanItem]


def default_plan(
    start: date, target_fill_date: date, calendar: WorkCalendar | None = None
) -> list[PlanItem]:
    """Stages spread over the time to fill, each with its usual owner, each on a working day
    of ``calendar`` (weekends, and the workspace's public holidays when it sets a country)."""
    calendar = calendar or WEEKDAYS_ONLY
    span = max((target_fill_date - start).days, len(Stage))
    latest = working_day_on_or_before(target_fill_date, calendar)
    plan: list[PlanItem] = []
    previous = start
    for stage in Stage:
        spread = date.fromordinal(start.toordinal() + round(span * DEFAULT_STAGE_SHARE[stage]))
        when = min(working_day_on_or_after(spread, calendar), max(latest, start))
        # Never before the stage above it, nor before today (a target days away, over a
        # weekend, leaves no working day in between).
        when = max(when, previous)
        plan.append(PlanItem(stage=stage, owner_side=DEFAULT_STAGE_OWNERS[stage], target_date=when))
        previous = when
    return plan


# -- what changed ---------------------------------------------------------------------------


class Topic(StrEnum):
    """Kinds of change that need the other side's acknowledgement."""

    MUST_HAVES = "must-haves"
    TIMELINE = "timeline"
    CONTRACT = "contract"


class Change(BaseModel):
    label: str
    before: str
    after: str
    topic: Topic | None = None


def _list_text(items: list[str]) -> str:
    return "; ".join(items) if items else "(none)"


def _people(ids: list[str]) -> str:
    return ", ".join(f"<@{i}>" for i in ids) if ids else "(none)"


def working_days(days: int) -> str:
    return f"{days} working day{'' if days == 1 else 's'}"


def turnaround_text(hours: int) -> str:
    """A turnaround as people say it: 48 hours that fall on working days is "within 2 working
    days" — "48 working hours" reads as six business days of 8 hours."""
    return f"within {working_days(hours // 24)}"


def describe_contract(contract: Contract) -> dict[str, str]:
    return {
        "Feedback turnaround": turnaround_text(contract.feedback_turnaround_hours),
        "Weekly check-in": f"{WEEKDAYS[contract.checkin_weekday]}s at "
        f"{contract.checkin_time:%H:%M}, the hiring manager's time",
        "First slate": f"{contract.slate_size} candidates by {plain_date(contract.slate_due)}",
        "Candidate updates": f"within {working_days(contract.candidate_update_days)}",
        "Résumé review": f"within {working_days(contract.resume_review_days)}",
    }


def diff_briefs(before: BriefContent, after: BriefContent) -> list[Change]:
    """Human-readable changes from ``before`` to ``after``, each tagged with its topic."""
    changes: list[Change] = []

    def compare(label: str, old: str, new: str, topic: Topic | None = None) -> None:
        if old != new:
            changes.append(Change(label=label, before=old, after=new, topic=topic))

    compare("Title", before.title, after.title)
    compare("Level", before.level, after.level)
    compare("Location", before.location, after.location)
    compare("Headcount", str(before.headcount), str(after.headcount))
    compare(
        "Hiring manager", _people([before.hiring_manager_id]), _people([after.hiring_manager_id])
    )
    compare("Recruiter", _people([before.recruiter_id]), _people([after.recruiter_id]))
    compare("Business need", before.business_need, after.business_need)
    compare("Ideal profile", before.ideal_profile, after.ideal_profile)
    compare(
        "Must-haves", _list_text(before.must_haves), _list_text(after.must_haves), Topic.MUST_HAVES
    )
    compare("Nice-to-haves", _list_text(before.nice_to_haves), _list_text(after.nice_to_haves))
    compare(
        "Target fill date",
        plain_date(before.target_fill_date),
        plain_date(after.target_fill_date),
        Topic.TIMELINE,
    )
    compare("Urgency", before.urgency.value, after.urgency.value)
    compare("Interview panel", _people(before.panel), _people(after.panel))
    old_contract, new_contract = (
        describe_contract(before.contract),
        describe_contract(after.contract),
    )
    for label, old in old_contract.items():
        compare(label, old, new_contract[label], Topic.CONTRACT)
    old_matrix = {r.key: r for r in before.responsibilities}
    for row in after.responsibilities:
        previous = old_matrix.get(row.key)
        if previous is None:
            continue
        compare(f"{row.area} (recruiter)", previous.recruiter, row.recruiter, Topic.CONTRACT)
        compare(
            f"{row.area} (hiring manager)",
            previous.hiring_manager,
            row.hiring_manager,
            Topic.CONTRACT,
        )
    old_plan = {p.stage: p for p in before.plan}
    for item in after.plan:
        previous_item = old_plan.get(item.stage)
        if previous_item is None:
            continue
        label = STAGE_LABELS[item.stage]
        compare(
            f"{label} owner", _side_label(previous_item.owner_side), _side_label(item.owner_side)
        )
        compare(
            f"{label} target",
            plain_date(previous_item.target_date),
            plain_date(item.target_date),
            Topic.TIMELINE,
        )
    return changes


def _side_label(side: Side) -> str:
    return "Recruiter" if side == Side.RECRUITER else "Hiring manager"


def topics_needing_acknowledgement(changes: list[Change]) -> list[Topic]:
    return sorted({c.topic for c in changes if c.topic is not None}, key=list(Topic).index)


def new_panel_members(before: BriefContent, after: BriefContent) -> list[str]:
    return [user for user in after.panel if user not in before.panel]
