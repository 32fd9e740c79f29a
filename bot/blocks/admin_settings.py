"""The workspace settings: their section in an admin's Home tab, and the modal that edits them."""

from __future__ import annotations

from typing import Any

from bot.blocks.inputs import (
    Option,
    number_input,
    radio_buttons,
    static_select,
    text_input,
    time_picker,
)
from bot.blocks.text import context, escape_mrkdwn, header, plain, section
from bot.services.brief import TURNAROUND_CHOICES, WEEKDAYS, turnaround_text
from bot.services.people import UserGroup
from bot.services.retro_settings import MIN_ANONYMITY_THRESHOLD
from bot.services.workspace_defaults import (
    MAX_ANONYMITY_THRESHOLD,
    MAX_RETENTION_DAYS,
    NAMES_FULL,
    NAMES_INITIALS,
    NO_GROUP,
    AdminSettings,
)
from bot.slack.ids import Action, Callback, Field

# A static select lists at most 100 options: "None" and 99 groups.
MAX_GROUP_OPTIONS = 99


def _group_text(group_id: str | None) -> str:
    return f"<!subteam^{group_id}>" if group_id else "none (Slack's admins and owners only)"


def summary_lines(current: AdminSettings) -> str:
    """What the settings are, one per line (the Home tab's section)."""
    return "\n".join(
        [
            "*Public holidays:* "
            + (escape_mrkdwn(current.holiday_country) if current.holiday_country else "none"),
            f"*Candidate names in channels:* {'full names' if current.full_names else 'initials'}",
            f"*Default feedback turnaround:* {turnaround_text(current.turnaround_hours)}",
            f"*Default check-in:* {WEEKDAYS[current.checkin_weekday]}s at "
            f"{current.checkin_time.strftime('%H:%M')}",
            f"*Anonymous retro answers shown from:* {current.anonymity_threshold} people",
            "*Data kept after an uninstall:* "
            + (
                f"{current.retention_days} days"
                if current.retention_days
                else "the server's default (TANDEM_RETENTION_DAYS)"
            ),
            f"*Also admins:* {_group_text(current.admin_usergroup_id)}",
        ]
    )


def home_section(current: AdminSettings) -> list[dict[str, Any]]:
    """Three blocks at the foot of an admin's Home tab."""
    return [
        header("Workspace settings"),
        section(summary_lines(current)),
        {
            "type": "actions",
            "block_id": "home-workspace-settings",
            "elements": [
                {
                    "type": "button",
                    "text": plain("Edit settings"),
                    "action_id": Action.EDIT_WORKSPACE_SETTINGS,
                    "value": "settings",
                }
            ],
        },
    ]


def _group_options(groups: list[UserGroup]) -> list[Option]:
    listed = sorted(groups, key=lambda g: g.handle.lower())[:MAX_GROUP_OPTIONS]
    return [(NO_GROUP, "None"), *[(g.id, f"@{g.handle or g.name}"[:75]) for g in listed]]


def settings_modal(current: AdminSettings, groups: list[UserGroup] | None) -> dict[str, Any]:
    """Every setting, pre-filled with what is in force. Without Slack's list of user groups
    the group field is left out (saving then keeps the group as it is)."""
    blocks: list[dict[str, Any]] = [
        context("Applies to everyone in this workspace. Only admins see these settings."),
        text_input(
            Field.SETTING_HOLIDAYS,
            "Public holidays (country code)",
            initial=current.holiday_country or "",
            placeholder="US, GB, DE… — empty: weekends only",
            optional=True,
            max_length=8,
            hint="Those days are not working days for due times and nudges. A person may set "
            "their own country with /tandem holidays me <code>.",
        ),
        radio_buttons(
            Field.SETTING_NAMES,
            "Candidate names in channels",
            [(NAMES_INITIALS, "Initials (J. D.)"), (NAMES_FULL, "Full names")],
            initial=NAMES_FULL if current.full_names else NAMES_INITIALS,
        ),
        static_select(
            Field.SETTING_TURNAROUND,
            "Default feedback turnaround",
            [(str(h), turnaround_text(h)) for h in TURNAROUND_CHOICES],
            initial=str(current.turnaround_hours),
        ),
        static_select(
            Field.SETTING_CHECKIN_DAY,
            "Default check-in day",
            [(str(i), day) for i, day in enumerate(WEEKDAYS)],
            initial=str(current.checkin_weekday),
        ),
        time_picker(
            Field.SETTING_CHECKIN_TIME,
            "Default check-in time",
            initial=current.checkin_time.strftime("%H:%M"),
            hint="In the hiring manager's time zone, within 08:00–18:00.",
        ),
        number_input(
            Field.SETTING_ANONYMITY,
            "Anonymous answers needed",
            initial=current.anonymity_threshold,
            low=MIN_ANONYMITY_THRESHOLD,
            high=MAX_ANONYMITY_THRESHOLD,
            hint="A retro summary shows anonymous answers only once this many people "
            "answered anonymously.",
        ),
        number_input(
            Field.SETTING_RETENTION,
            "Days data is kept after an uninstall",
            initial=current.retention_days,
            low=1,
            high=MAX_RETENTION_DAYS,
            hint="Reinstalling within them restores everything; then it is deleted.",
        ),
    ]
    if groups is not None:
        blocks.append(
            static_select(
                Field.SETTING_ADMIN_GROUP,
                "Also admins: a user group",
                _group_options(groups),
                initial=current.admin_usergroup_id or NO_GROUP,
                hint="Its members may do what Slack's admins and owners may in Tandem.",
            )
        )
    else:
        blocks.append(
            context(
                "Slack did not list the workspace's user groups just now, so the admin group "
                f"stays {_group_text(current.admin_usergroup_id)}. Try again in a moment."
            )
        )
    return {
        "type": "modal",
        "callback_id": Callback.WORKSPACE_SETTINGS,
        "title": plain("Workspace settings"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }
