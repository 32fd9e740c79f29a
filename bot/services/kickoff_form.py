"""Validation of the kickoff (and edit) modal, one step at a time.

Each ``validate_*`` function takes the step's values keyed by block id and returns the
cleaned answers plus an error per block id; the handler sends those errors back with
``response_action: errors`` so each message appears next to its field. Nothing is stored
while any error remains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from pydantic import ValidationError

from bot.dates import plain_date
from bot.models import Person, Side
from bot.services.brief import (
    MAX_ITEM_LENGTH,
    MAX_LIST_ITEMS,
    TURNAROUND_CHOICES,
    BriefContent,
    Contract,
    PlanItem,
    Responsibility,
    Stage,
    Urgency,
    default_plan,
    default_responsibilities,
    turnaround_text,
)
from bot.services.form_values import clock_time, whole_number
from bot.services.working_time import (
    WorkCalendar,
    next_working_day,
    working_day_on_or_after,
    working_day_on_or_before,
)
from bot.slack.ids import Field, plan_date_field, plan_owner_field, responsibility_field

MAX_PANEL = 20
DEFAULT_TIME_TO_FILL = timedelta(days=60)
DEFAULT_SLATE_AFTER = timedelta(days=14)
CHANNEL_EXISTING = "existing"
CHANNEL_CREATE = "create"  # a new private channel (the default)
CHANNEL_CREATE_PUBLIC = "create-public"


@dataclass
class StepResult:
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ChannelFacts:
    """What Slack told us about a picked channel (None fields: Slack did not say)."""

    channel_id: str
    name: str
    is_private: bool
    is_member: bool
    is_archived: bool
    is_im: bool = False
    # Whether the person running the kickoff is in the channel (None: Slack did not say).
    requester_is_member: bool | None = None


@dataclass(frozen=True)
class ProposedDates:
    """The dates the contract step offers until the person picks others: all working days."""

    slate_due: date
    plan: list[PlanItem]


def default_target_date(today: date, calendar: WorkCalendar) -> date:
    """The target fill date offered at step 2: about two months out, on a working day."""
    return working_day_on_or_after(today + DEFAULT_TIME_TO_FILL, calendar)


def proposed_dates(today: date, target_fill_date: date, calendar: WorkCalendar) -> ProposedDates:
    """The first slate about two weeks out (never after the target) and the plan's stages,
    each on a working day of ``calendar``."""
    slate = working_day_on_or_after(today + DEFAULT_SLATE_AFTER, calendar)
    if slate > target_fill_date:
        slate = max(working_day_on_or_before(target_fill_date, calendar), today)
    return ProposedDates(slate, default_plan(today, target_fill_date, calendar))


def _text(values: dict[str, Any], key: str) -> str:
    return (values.get(key) or "").strip()


def _check_length(result: StepResult, key: str, text: str, limit: int, label: str) -> None:
    if len(text) > limit:
        result.errors[key] = f"{label} is {len(text)} characters; keep it under {limit}."


_LIST_MARKER = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s*")


def _lines(text: str) -> list[str]:
    """One item per line; bullets and numbering people paste in are dropped."""
    return [item for raw in text.splitlines() if (item := _LIST_MARKER.sub("", raw).strip())]


def _check_list(result: StepResult, key: str, text: str, label: str, required: bool) -> list[str]:
    items = _lines(text)
    if required and not items:
        result.errors[key] = f"Add at least one {label[:-1].lower()}, one per line."
    elif len(items) > MAX_LIST_ITEMS:
        result.errors[key] = (
            f"{len(items)} {label.lower()} — keep it to {MAX_LIST_ITEMS} or fewer, "
            "so interviewers can rate each one."
        )
    else:
        too_long = [i + 1 for i, item in enumerate(items) if len(item) > MAX_ITEM_LENGTH]
        if too_long:
            result.errors[key] = (
                f"Line {too_long[0]} is longer than {MAX_ITEM_LENGTH} characters; "
                "make each item one short line."
            )
    return items


def _date(result: StepResult, values: dict[str, Any], key: str, label: str) -> date | None:
    raw = values.get(key)
    if not raw:
        result.errors[key] = f"Pick the {label.lower()}."
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        result.errors[key] = f"{label} must be a date."
        return None


def _int(
    result: StepResult, values: dict[str, Any], key: str, label: str, low: int, high: int
) -> int | None:
    raw = (values.get(key) or "").strip()
    try:
        number = int(raw)
    except ValueError:
        result.errors[key] = f"{label} must be a whole number from {low} to {high}."
        return None
    if not low <= number <= high:
        result.errors[key] = f"{label} must be from {low} to {high}."
        return None
    return number


def validate_role_step(
    values: dict[str, Any],
    *,
    people: dict[str, Person | None],
    channel: ChannelFacts | None,
    require_membership: bool = True,
    facts_checked: bool = True,
) -> StepResult:
    """Step 1: title, level, location, headcount, the two sides, the channel, the panel.

    A new role may use an existing channel only if the person running the kickoff is in it
    (``require_membership``): Tandem invites both sides and the panel there on their word.
    An edit keeps the role's channel, so it is not asked again. With ``facts_checked``
    false only what the form itself says is checked (what Slack says of the people and the
    channel is not known yet): the checks a submission can answer before its ack.
    """
    result = StepResult()
    title = _text(values, Field.TITLE)
    if not title:
        result.errors[Field.TITLE] = "Give the role a title, e.g. Staff Data Engineer."
    _check_length(result, Field.TITLE, title, 150, "The title")
    level = _text(values, Field.LEVEL)
    _check_length(result, Field.LEVEL, level, 80, "The level")
    location = _text(values, Field.LOCATION)
    _check_length(result, Field.LOCATION, location, 150, "The location")
    headcount = _int(result, values, Field.HEADCOUNT, "Headcount", 1, 100)

    hiring_manager = values.get(Field.HIRING_MANAGER)
    recruiter = values.get(Field.RECRUITER)
    for key, user_id, label in (
        (Field.HIRING_MANAGER, hiring_manager, "hiring manager"),
        (Field.RECRUITER, recruiter, "recruiter"),
    ):
        if not user_id:
            result.errors[key] = f"Pick the {label}."
            continue
        person = people.get(user_id) if facts_checked else None
        if person is not None and person.is_bot:
            result.errors[key] = f"The {label} must be a person, not an app or bot."
        elif person is not None and person.is_deleted:
            result.errors[key] = f"That account is deactivated; pick the current {label}."
    confirmed = "yes" in (values.get(Field.SAME_PERSON) or [])
    if hiring_manager and hiring_manager == recruiter and not confirmed:
        result.errors[Field.HIRING_MANAGER] = (
            "The hiring manager and the recruiter are the same person. If that is right, "
            "tick the box below to confirm; otherwise pick the other side."
        )

    mode = values.get(Field.CHANNEL_MODE) or CHANNEL_CREATE
    if mode not in (CHANNEL_CREATE, CHANNEL_CREATE_PUBLIC, CHANNEL_EXISTING):
        result.errors[Field.CHANNEL_MODE] = "Pick how the role gets its shared channel."
    channel_id = values.get(Field.CHANNEL)
    if mode == CHANNEL_EXISTING:
        if not channel_id:
            result.errors[Field.CHANNEL] = (
                "Pick the shared channel, or choose “Create a new channel” above."
            )
        elif facts_checked and (problem := _channel_problem(channel, require_membership)):
            result.errors[Field.CHANNEL] = problem
    panel = list(dict.fromkeys(values.get(Field.PANEL) or []))
    if len(panel) > MAX_PANEL:
        result.errors[Field.PANEL] = f"A panel of {len(panel)} is a lot; keep it to {MAX_PANEL}."
    bots = [u for u in panel if (p := people.get(u)) is not None and p.is_bot]
    if bots:
        result.errors[Field.PANEL] = "Interviewers must be people; remove apps and bots."

    result.answers = {
        "title": title,
        "level": level,
        "location": location,
        "headcount": headcount or 1,
        "hiring_manager_id": hiring_manager,
        "recruiter_id": recruiter,
        "same_person_confirmed": confirmed,
        "channel_mode": mode,
        "channel_id": channel_id if mode == CHANNEL_EXISTING else None,
        "panel": panel,
        # What Slack said of the channel when the step was saved: whether Tandem must join
        # it before posting, and whether it may invite people there on this person's word
        # (any public channel; a private one only if they are in it).
        "tandem_in_channel": bool(channel and channel.is_member),
        "invites_allowed": channel is None
        or not channel.is_private
        or channel.requester_is_member is True,
    }
    return result


def _channel_problem(channel: ChannelFacts | None, require_membership: bool) -> str | None:
    """Why the picked channel cannot be the role's, from what Slack said of it."""
    if channel is None:
        return (
            "Tandem cannot see that channel. If it is private, add Tandem first: "
            "type /invite @Tandem in the channel, then submit again."
        )
    elif channel.is_im:
        return "Pick a channel both sides share, not a direct message."
    elif channel.is_archived:
        return "That channel is archived; pick another one."
    elif channel.is_private and not channel.is_member:
        return (
            f"Tandem is not a member of the private channel #{channel.name}. Add it by "
            "typing /invite @Tandem in that channel, then submit again."
        )
    elif require_membership and channel.requester_is_member is not True:
        # Tandem invites both sides and the panel there: only on the word of a member.
        return (
            f"You are not a member of #{channel.name}, so Tandem will not post the brief "
            "there or invite anyone into it. Join it first, pick a channel you are in, or "
            "choose “Create a new channel”."
            if channel.requester_is_member is False
            else f"Tandem could not check that you are a member of #{channel.name}. Try "
            "again, or pick a channel you are in."
        )
    return None


def validate_brief_step(values: dict[str, Any], *, today: date) -> StepResult:
    """Step 2: why now, the ideal profile, must-haves and nice-to-haves, date and urgency."""
    result = StepResult()
    need = _text(values, Field.BUSINESS_NEED)
    if not need:
        result.errors[Field.BUSINESS_NEED] = "Say why this role is needed now."
    _check_length(result, Field.BUSINESS_NEED, need, 2000, "The business need")
    profile = _text(values, Field.IDEAL_PROFILE)
    _check_length(result, Field.IDEAL_PROFILE, profile, 2000, "The ideal profile")
    must = _check_list(
        result, Field.MUST_HAVES, _text(values, Field.MUST_HAVES), "Must-haves", True
    )
    nice = _check_list(
        result, Field.NICE_TO_HAVES, _text(values, Field.NICE_TO_HAVES), "Nice-to-haves", False
    )
    target = _date(result, values, Field.TARGET_DATE, "Target fill date")
    if target is not None and target <= today:
        result.errors[Field.TARGET_DATE] = "The target fill date must be in the future."
    urgency = values.get(Field.URGENCY) or Urgency.NORMAL
    if urgency not in {u.value for u in Urgency}:
        result.errors[Field.URGENCY] = "Pick low, normal, high or critical."
    result.answers = {
        "business_need": need,
        "ideal_profile": profile,
        "must_haves": must,
        "nice_to_haves": nice,
        "target_fill_date": target.isoformat() if target else None,
        "urgency": urgency,
    }
    return result


def validate_plan(values: dict[str, Any], *, today: date, target_fill_date: date) -> StepResult:
    """The hiring plan's stages: an owner and a target date each, in order, by the fill date."""
    result = StepResult()
    plan: list[dict[str, Any]] = []
    previous: date | None = None
    for stage in Stage:
        owner = values.get(plan_owner_field(stage)) or ""
        if owner not in {s.value for s in Side}:
            result.errors[plan_owner_field(stage)] = "Pick who owns this stage."
        when = _date(result, values, plan_date_field(stage), "Target date")
        if when is not None:
            if when < today:
                result.errors[plan_date_field(stage)] = "This date is in the past."
            elif when > target_fill_date:
                result.errors[plan_date_field(stage)] = (
                    f"This is after the target fill date ({plain_date(target_fill_date)})."
                )
            elif previous is not None and when < previous:
                result.errors[plan_date_field(stage)] = "This stage ends before the one above it."
            previous = when
        plan.append(
            {
                "stage": stage.value,
                "owner_side": owner,
                "target_date": when.isoformat() if when else None,
            }
        )
    result.answers = {"plan": plan}
    return result


def validate_contract_step(
    values: dict[str, Any], *, today: date, target_fill_date: date, calendar: WorkCalendar
) -> StepResult:
    """Step 3: the collaboration contract, the responsibility matrix and the plan.

    ``calendar`` is the recruiter's: the first slate is due at the end of one of their working
    days, so a weekend or a public holiday is refused (with the next working day named)
    rather than silently moved — the contract then says exactly what both sides agreed to.
    """
    result = StepResult()
    turnaround = whole_number(values.get(Field.TURNAROUND) or "48", 0, 1000)
    if turnaround not in TURNAROUND_CHOICES:
        result.errors[Field.TURNAROUND] = (
            "Pick " + ", ".join(turnaround_text(h) for h in TURNAROUND_CHOICES) + "."
        )
    weekday = whole_number(values.get(Field.CHECKIN_DAY) or "0", 0, 4)
    if weekday is None:
        result.errors[Field.CHECKIN_DAY] = "Pick a weekday from Monday to Friday."
    checkin_time = clock_time(values.get(Field.CHECKIN_TIME) or "10:00")
    if checkin_time is None:
        checkin_time = time(10, 0)
        result.errors[Field.CHECKIN_TIME] = "Pick a time, e.g. 10:00."
    elif not time(8, 0) <= checkin_time <= time(18, 0):
        result.errors[Field.CHECKIN_TIME] = "Pick a time during working hours (08:00–18:00)."
    slate_size = _int(result, values, Field.SLATE_SIZE, "Slate size", 1, 50)
    slate_due = _date(result, values, Field.SLATE_DUE, "First slate date")
    if slate_due is not None and slate_due < today:
        result.errors[Field.SLATE_DUE] = "The first slate date is in the past."
    elif slate_due is not None and slate_due > target_fill_date:
        result.errors[Field.SLATE_DUE] = "The first slate is due after the target fill date."
    elif slate_due is not None and not calendar.is_working_day(slate_due):
        suggested = next_working_day(slate_due, calendar)
        if suggested > target_fill_date:
            suggested = working_day_on_or_before(slate_due, calendar)
        result.errors[Field.SLATE_DUE] = (
            f"{plain_date(slate_due)} is not a working day (weekend or public holiday); "
            f"the first slate is due at 18:00 on a working day. Pick one, e.g. "
            f"{plain_date(suggested)}."
        )
    updates = _int(result, values, Field.CANDIDATE_UPDATE_DAYS, "Candidate updates", 1, 10)
    review = _int(result, values, Field.RESUME_REVIEW_DAYS, "Résumé review", 1, 10)

    responsibilities = []
    for row in default_responsibilities():
        cells = {}
        for side in Side:
            key = responsibility_field(row.key, side)
            text = _text(values, key)
            if not text:
                result.errors[key] = "Say what this side owns here (it may be “nothing”)."
            _check_length(result, key, text, 300, "This cell")
            cells[side] = text
        responsibilities.append(
            {
                "key": row.key,
                "area": row.area,
                "recruiter": cells[Side.RECRUITER],
                "hiring_manager": cells[Side.HIRING_MANAGER],
            }
        )
    plan = validate_plan(values, today=today, target_fill_date=target_fill_date)
    result.errors.update(plan.errors)
    result.answers = {
        "contract": {
            "feedback_turnaround_hours": turnaround or 48,
            "checkin_weekday": weekday or 0,
            "checkin_time": checkin_time.strftime("%H:%M"),
            "slate_size": slate_size or 5,
            "slate_due": slate_due.isoformat() if slate_due else None,
            "candidate_update_days": updates or 3,
            "resume_review_days": review or 1,
        },
        "responsibilities": responsibilities,
        **plan.answers,
    }
    return result


def build_brief(answers: dict[str, Any]) -> BriefContent:
    """The brief from all three steps' answers (already validated step by step)."""
    try:
        return BriefContent(
            title=answers["title"],
            level=answers.get("level", ""),
            location=answers.get("location", ""),
            headcount=answers.get("headcount", 1),
            hiring_manager_id=answers["hiring_manager_id"],
            recruiter_id=answers["recruiter_id"],
            business_need=answers["business_need"],
            ideal_profile=answers.get("ideal_profile", ""),
            must_haves=answers["must_haves"],
            nice_to_haves=answers.get("nice_to_haves", []),
            target_fill_date=answers["target_fill_date"],
            urgency=answers.get("urgency", Urgency.NORMAL),
            panel=answers.get("panel", []),
            contract=Contract.model_validate(answers["contract"]),
            responsibilities=[
                Responsibility.model_validate(r) for r in answers["responsibilities"]
            ],
            plan=[PlanItem.model_validate(p) for p in answers["plan"]],
        )
    except (KeyError, ValidationError) as exc:
        raise IncompleteBrief(str(exc)) from exc


class IncompleteBrief(Exception):
    """The draft lacks a step (e.g. a stale modal was resubmitted)."""
