"""Admin settings in App Home over signed requests: only admins see and change them; each
field is checked next to itself; a saved default shows in the next kickoff; a Slack user group
can make more people admins (re-checked at most ten minutes old); a person may set their own
country's holidays; an uninstalled workspace is purged after its own retention days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from bot.models import Person, Workspace
from bot.sandbox.requests import block_action_payload
from bot.services import admin_settings, retention
from bot.services.work_settings import calendar_of
from bot.slack.ids import Action, Callback, Field
from tests.harness import Tandem
from tests.kickoff_flow import ADMIN, HM, RECRUITER, STRANGER, Kickoff, add_people, brief_step
from tests.kickoff_flow import role_step as kickoff_role_step
from tests.modals import submit
from tests.slack_requests import TEAM_ID

_events = count(1)
GROUP = "S0HIRINGADM"


def _home(tandem: Tandem, user: str) -> str:
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
    assert tandem.event(event, event_id=f"Ev0ADMIN{next(_events)}").status == 200
    call = tandem.standin.last("views.publish")
    assert call.params["user_id"] == user
    return str(call.params["view"]["blocks"])


def _press_edit(tandem: Tandem, user: str) -> dict[str, Any] | None:
    """*Edit settings* in the Home tab; the modal it opened, if any."""
    before = len(tandem.standin.calls_to("views.open"))
    payload = block_action_payload(
        user_id=user,
        action_id=Action.EDIT_WORKSPACE_SETTINGS,
        value="settings",
        view={"id": "V0HOME", "type": "home"},
    )
    del payload["response_url"]  # Slack sends none for a button in the Home tab
    assert tandem.interact(payload).status == 200
    opened = tandem.standin.calls_to("views.open")[before:]
    return opened[-1].params["view"] if opened else None


def _workspace(tandem: Tandem) -> Workspace:
    with tandem.database.sessions() as session:
        workspace = session.scalar(select(Workspace).where(Workspace.team_id == TEAM_ID))
        assert workspace is not None
        return workspace


@pytest.fixture
def people(tandem: Tandem) -> Tandem:
    add_people(tandem.standin)
    tandem.standin.usergroups[GROUP] = ("hiring-admins", {STRANGER})
    tandem.standin.usergroups["S0OTHER"] = ("design", {HM})
    return tandem


def test_an_admin_sees_the_settings_in_home_and_saves_them(people: Tandem) -> None:
    tandem = people
    # Tandem knows an admin once Slack said so (any command or button looks them up).
    assert "Workspace settings" not in _home(tandem, ADMIN)
    tandem.command("/tandem", "quiet", user=ADMIN)
    home = _home(tandem, ADMIN)
    assert (
        "Workspace settings" in home
        and "Default feedback turnaround:* within 2 working days" in home
    )
    assert "Workspace settings" not in _home(tandem, RECRUITER)

    modal = _press_edit(tandem, ADMIN)
    assert modal is not None and modal["callback_id"] == Callback.WORKSPACE_SETTINGS
    group_block = next(b for b in modal["blocks"] if b.get("block_id") == Field.SETTING_ADMIN_GROUP)
    assert [o["value"] for o in group_block["element"]["options"]] == ["none", "S0OTHER", GROUP]

    reply = submit(
        tandem,
        modal,
        user=ADMIN,
        changes={
            Field.SETTING_HOLIDAYS: "de",
            Field.SETTING_NAMES: "full",
            Field.SETTING_TURNAROUND: "24",
            Field.SETTING_CHECKIN_DAY: "3",
            Field.SETTING_CHECKIN_TIME: "14:30",
            Field.SETTING_ANONYMITY: "5",
            Field.SETTING_RETENTION: "7",
            Field.SETTING_ADMIN_GROUP: GROUP,
        },
    )
    assert reply.status == 200 and reply.body == ""  # the modal closes
    workspace = _workspace(tandem)
    assert workspace.holiday_country == "DE" and workspace.full_names_in_channels
    assert workspace.default_turnaround_hours == 24 and workspace.default_checkin_weekday == 3
    assert workspace.default_checkin_time is not None
    assert workspace.default_checkin_time.strftime("%H:%M") == "14:30"
    assert (workspace.anonymity_threshold, workspace.retention_days) == (5, 7)
    assert workspace.admin_usergroup_id == GROUP
    published = tandem.standin.last("views.publish").params
    assert published["user_id"] == ADMIN
    assert admin_settings.SAVED in str(published["view"]["blocks"][0])
    assert "Thursdays at 14:30" in str(published["view"]["blocks"])

    # The next kickoff proposes the new defaults.
    flow = Kickoff(tandem).start()
    flow.step(kickoff_role_step())
    flow.step(brief_step())
    contract = {b.get("block_id"): b for b in flow.view["blocks"]}
    assert contract["turnaround"]["element"]["initial_option"]["value"] == "24"
    assert contract["checkin_day"]["element"]["initial_option"]["value"] == "3"
    assert contract["checkin_time"]["element"]["initial_time"] == "14:30"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (Field.SETTING_HOLIDAYS, "XX", "two-letter ISO country code"),
        (Field.SETTING_HOLIDAYS, "<!channel>", "two-letter ISO country code"),
        (Field.SETTING_TURNAROUND, "36", "Pick"),
        (Field.SETTING_CHECKIN_DAY, "6", "Monday to Friday"),
        (Field.SETTING_CHECKIN_TIME, "20:00", "08:00 to 18:00"),
        (Field.SETTING_ANONYMITY, "2", "from 3"),
        (Field.SETTING_ANONYMITY, "9" * 50, "from 3"),
        (Field.SETTING_RETENTION, "0", "from 1 to 3650"),
        (Field.SETTING_ADMIN_GROUP, "S0FORGED", "user groups"),
        (Field.SETTING_NAMES, "everything", "initials or full"),
    ],
)
def test_each_bad_value_is_refused_next_to_its_field_and_saves_nothing(
    people: Tandem, field: str, value: str, message: str
) -> None:
    tandem = people
    modal = _press_edit(tandem, ADMIN)
    assert modal is not None
    reply = submit(
        tandem, modal, user=ADMIN, changes={Field.SETTING_TURNAROUND: "72", field: value}
    )
    assert reply.json["response_action"] == "errors"
    assert list(reply.json["errors"]) == [field]
    assert message in reply.json["errors"][field]
    with tandem.database.sessions() as session:
        stored = session.scalar(select(Workspace).where(Workspace.team_id == TEAM_ID))
        assert stored is None or stored.default_turnaround_hours is None


def test_anyone_else_is_refused_in_their_home_tab_and_changes_nothing(people: Tandem) -> None:
    tandem = people
    tandem.command("/tandem", "quiet", user=RECRUITER)  # Tandem knows them,
    _home(tandem, RECRUITER)  # and they have looked at their Home tab
    assert _press_edit(tandem, RECRUITER) is None
    notice = str(tandem.standin.last("views.publish").params["view"]["blocks"][0])
    assert admin_settings.ADMINS_ONLY in notice
    # A copy of an admin's modal, submitted by someone else: refused after the ack.
    modal = _press_edit(tandem, ADMIN)
    assert modal is not None
    tandem.command("/tandem", "quiet", user=HM)
    _home(tandem, HM)  # the answer goes to a Home tab its owner has opened
    reply = submit(tandem, modal, user=HM, changes={Field.SETTING_RETENTION: "1"})
    assert reply.body == ""
    with tandem.database.sessions() as session:
        stored = session.scalar(select(Workspace).where(Workspace.team_id == TEAM_ID))
        assert stored is None or stored.retention_days is None
    published = tandem.standin.last("views.publish").params
    assert published["user_id"] == HM
    assert admin_settings.ADMINS_ONLY in str(published["view"]["blocks"][0])


def test_the_admin_group_grants_rights_checked_at_most_ten_minutes_old(people: Tandem) -> None:
    tandem = people
    start = datetime.now(UTC)
    modal = _press_edit(tandem, ADMIN)
    assert modal is not None
    submit(tandem, modal, user=ADMIN, changes={Field.SETTING_ADMIN_GROUP: GROUP})

    # The stranger is in the group: they may now open and save the settings.
    stranger_modal = _press_edit(tandem, STRANGER)
    assert stranger_modal is not None
    submit(tandem, stranger_modal, user=STRANGER, changes={Field.SETTING_RETENTION: "9"})
    assert _workspace(tandem).retention_days == 9

    # Removed from the group: within ten minutes the listed members still count …
    tandem.standin.usergroups[GROUP] = ("hiring-admins", set())
    with freeze_time(start + timedelta(minutes=5), tick=True):
        submit(tandem, stranger_modal, user=STRANGER, changes={Field.SETTING_RETENTION: "8"})
    assert _workspace(tandem).retention_days == 8
    # … after them Slack is asked again, and the answer is no.
    with freeze_time(start + timedelta(minutes=16), tick=True):
        submit(tandem, stranger_modal, user=STRANGER, changes={Field.SETTING_RETENTION: "2"})
    assert _workspace(tandem).retention_days == 8
    assert tandem.standin.calls_to("usergroups.users.list")


def test_slack_not_answering_for_the_group_refuses_a_change(people: Tandem) -> None:
    tandem = people
    modal = _press_edit(tandem, ADMIN)
    assert modal is not None
    submit(tandem, modal, user=ADMIN, changes={Field.SETTING_ADMIN_GROUP: GROUP})
    tandem.standin.fail("usergroups.users.list", status=429, retry_after=30, times=5)
    submit(tandem, modal, user=STRANGER, changes={Field.SETTING_RETENTION: "2"})
    assert _workspace(tandem).retention_days is None


def test_a_person_sets_their_own_countrys_holidays(people: Tandem) -> None:
    tandem = people
    tandem.command("/tandem", "holidays me de", user=HM)
    said = tandem.standin.last("response_url").params["text"]
    assert "Public holidays of DE are your days off" in said
    tandem.command("/tandem", "holidays me <!channel>", user=RECRUITER)
    answer = tandem.standin.last("response_url").params["text"]
    assert "not a country code" in answer and "<!channel>" not in answer
    unity_day = date(2028, 10, 3)  # German Unity Day, a Tuesday
    with tandem.database.sessions() as session:
        countries = dict(session.execute(select(Person.user_id, Person.holiday_country)).all())
        assert countries[HM] == "DE" and countries[RECRUITER] is None
        assert not calendar_of(session, TEAM_ID, HM).is_working_day(unity_day)
        assert calendar_of(session, TEAM_ID, RECRUITER).is_working_day(unity_day)
    tandem.command("/tandem", "holidays me off", user=HM)
    with tandem.database.sessions() as session:
        assert calendar_of(session, TEAM_ID, HM).is_working_day(unity_day)


def test_each_uninstalled_workspace_is_purged_after_its_own_retention_days(
    people: Tandem,
) -> None:
    tandem = people
    now = datetime.now(UTC)
    with tandem.database.sessions.begin() as session:
        for team_id, retention_days in (("T0SHORT", 5), ("T0DEFAULT", None), ("T0LONG", 90)):
            session.add(
                Workspace(
                    team_id=team_id,
                    created_at=now - timedelta(days=100),
                    uninstalled_at=now - timedelta(days=40),
                    retention_days=retention_days,
                )
            )
    due = retention.due_for_purge(tandem.database.sessions, now=now, retention_days=30)
    assert due == ["T0DEFAULT", "T0SHORT"]
    assert retention.due_for_purge(tandem.database.sessions, now=now, retention_days=60) == [
        "T0SHORT"
    ]
