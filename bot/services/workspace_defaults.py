"""The workspace's settings as they are in force (the product's defaults where an admin set
none), and the check of the settings modal's answers. The use cases that open and save them
are in ``bot.services.admin_settings``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Workspace
from bot.services.brief import TURNAROUND_CHOICES, WEEKDAYS, turnaround_text
from bot.services.form_values import clock_time, whole_number
from bot.services.people import ADMIN_MAX_AGE, get_person
from bot.services.retro_settings import MIN_ANONYMITY_THRESHOLD
from bot.services.working_time import known_country
from bot.slack.ids import Field

DEFAULT_TURNAROUND_HOURS = 48
DEFAULT_CHECKIN_WEEKDAY = 0
DEFAULT_CHECKIN_TIME = time(10, 0)
MAX_ANONYMITY_THRESHOLD = 20
MAX_RETENTION_DAYS = 3650
NO_GROUP = "none"
NAMES_INITIALS, NAMES_FULL = "initials", "full"


@dataclass(frozen=True)
class AdminSettings:
    """The settings in force (the product's defaults where the workspace set none)."""

    holiday_country: str | None
    full_names: bool
    turnaround_hours: int
    checkin_weekday: int
    checkin_time: time
    anonymity_threshold: int
    # None: the server's TANDEM_RETENTION_DAYS (where that is not known, as in the Home tab).
    retention_days: int | None
    admin_usergroup_id: str | None


@dataclass(frozen=True)
class ContractDefaults:
    """What a new kickoff's contract step proposes."""

    turnaround_hours: int = DEFAULT_TURNAROUND_HOURS
    checkin_weekday: int = DEFAULT_CHECKIN_WEEKDAY
    checkin_time: time = DEFAULT_CHECKIN_TIME


@dataclass
class SettingsForm:
    """The modal's answers, checked: ``errors`` by field, else the values to store."""

    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


def workspace_of(session: Session, team_id: str) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.team_id == team_id))


def settings_of(
    workspace: Workspace | None, *, default_retention_days: int | None
) -> AdminSettings:
    w = workspace
    return AdminSettings(
        holiday_country=w.holiday_country if w else None,
        full_names=bool(w and w.full_names_in_channels),
        turnaround_hours=(w.default_turnaround_hours if w else None) or DEFAULT_TURNAROUND_HOURS,
        checkin_weekday=(
            w.default_checkin_weekday
            if w and w.default_checkin_weekday is not None
            else DEFAULT_CHECKIN_WEEKDAY
        ),
        checkin_time=(w.default_checkin_time if w else None) or DEFAULT_CHECKIN_TIME,
        anonymity_threshold=max(
            MIN_ANONYMITY_THRESHOLD, (w.anonymity_threshold if w else None) or 0
        ),
        retention_days=(w.retention_days if w else None) or default_retention_days,
        admin_usergroup_id=w.admin_usergroup_id if w else None,
    )


def contract_defaults(session: Session, team_id: str) -> ContractDefaults:
    """The workspace's defaults for a new kickoff's contract step."""
    current = settings_of(workspace_of(session, team_id), default_retention_days=None)
    return ContractDefaults(current.turnaround_hours, current.checkin_weekday, current.checkin_time)


def shown_to(
    session: Session, *, team_id: str, user_id: str, now: datetime
) -> AdminSettings | None:
    """The settings, for the Home tab of someone Tandem last knew as an admin (no Slack
    look-up: the tab only shows them; opening and saving check again)."""
    person = get_person(session, team_id, user_id)
    workspace = workspace_of(session, team_id)
    by_slack = person is not None and person.is_admin
    by_group = bool(
        workspace
        and workspace.admin_usergroup_id
        and user_id in (workspace.admin_group_members or "").split(",")
        and workspace.admin_group_refreshed_at is not None
        and now - workspace.admin_group_refreshed_at <= ADMIN_MAX_AGE * 6
    )
    if not (by_slack or by_group):
        return None
    return settings_of(workspace, default_retention_days=None)


def check_form(values: dict[str, Any], *, offered_groups: set[str]) -> SettingsForm:
    """The modal's fields, each refused next to itself with what to type instead. A field
    missing from the submission keeps the stored value; the admin group must be one the
    modal offered (``offered_groups``: Slack keeps the view, so no look-up is needed)."""
    form = SettingsForm()
    if Field.SETTING_HOLIDAYS in values:
        code = str(values.get(Field.SETTING_HOLIDAYS) or "").strip().upper()
        if code.lower() in ("", "off", "none"):
            form.values["holiday_country"] = None
        elif len(code) > 8 or not known_country(code):
            form.errors[Field.SETTING_HOLIDAYS] = (
                "Give a two-letter ISO country code such as US, GB, DE or FR, or leave it "
                "empty for weekends only."
            )
        else:
            form.values["holiday_country"] = code
    if Field.SETTING_NAMES in values:
        names = values.get(Field.SETTING_NAMES)
        if names not in (NAMES_INITIALS, NAMES_FULL):
            form.errors[Field.SETTING_NAMES] = "Pick initials or full names."
        else:
            form.values["full_names_in_channels"] = names == NAMES_FULL
    if Field.SETTING_TURNAROUND in values:
        hours = whole_number(str(values.get(Field.SETTING_TURNAROUND) or ""), 0, 1000)
        if hours not in TURNAROUND_CHOICES:
            form.errors[Field.SETTING_TURNAROUND] = (
                "Pick " + ", ".join(turnaround_text(h) for h in TURNAROUND_CHOICES) + "."
            )
        else:
            form.values["default_turnaround_hours"] = hours
    if Field.SETTING_CHECKIN_DAY in values:
        day = whole_number(str(values.get(Field.SETTING_CHECKIN_DAY) or ""), 0, len(WEEKDAYS) - 1)
        if day is None:
            form.errors[Field.SETTING_CHECKIN_DAY] = "Pick a weekday from Monday to Friday."
        else:
            form.values["default_checkin_weekday"] = day
    if Field.SETTING_CHECKIN_TIME in values:
        at = clock_time(str(values.get(Field.SETTING_CHECKIN_TIME) or ""))
        if at is None or not time(8, 0) <= at <= time(18, 0):
            form.errors[Field.SETTING_CHECKIN_TIME] = (
                "Pick a time within working hours, 08:00 to 18:00."
            )
        else:
            form.values["default_checkin_time"] = at
    _check_number(
        form,
        values,
        Field.SETTING_ANONYMITY,
        "anonymity_threshold",
        MIN_ANONYMITY_THRESHOLD,
        MAX_ANONYMITY_THRESHOLD,
        f"Give a whole number from {MIN_ANONYMITY_THRESHOLD} (fewer could tell people "
        f"apart) to {MAX_ANONYMITY_THRESHOLD}.",
    )
    _check_number(
        form,
        values,
        Field.SETTING_RETENTION,
        "retention_days",
        1,
        MAX_RETENTION_DAYS,
        f"Give a whole number of days from 1 to {MAX_RETENTION_DAYS}.",
    )
    if Field.SETTING_ADMIN_GROUP in values:
        picked = str(values.get(Field.SETTING_ADMIN_GROUP) or NO_GROUP)
        if picked == NO_GROUP:
            form.values["admin_usergroup_id"] = None
        elif picked not in offered_groups or len(picked) > 32 or not picked.isalnum():
            form.errors[Field.SETTING_ADMIN_GROUP] = "Pick one of the workspace's user groups."
        else:
            form.values["admin_usergroup_id"] = picked
    return form


def _check_number(
    form: SettingsForm,
    values: dict[str, Any],
    block: str,
    column: str,
    low: int,
    high: int,
    message: str,
) -> None:
    if block not in values:
        return
    number = whole_number(str(values.get(block) or ""), low, high)
    if number is None:
        form.errors[block] = message
    else:
        form.values[column] = number
