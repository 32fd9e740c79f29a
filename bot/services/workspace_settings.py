"""Workspace settings changed with ``/tandem``: public holidays and candidate names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db import SessionFactory
from bot.services.actors import Actor
from bot.services.people import ensure_workspace, refresh_people
from bot.services.working_time import known_country

OFF_WORDS = {"off", "none", "clear"}


@dataclass(frozen=True)
class SettingResult:
    ok: bool
    message: str


def set_holiday_country(
    session: Session, *, team_id: str, value: str, now: datetime
) -> SettingResult:
    """``/tandem holidays US`` (ISO 3166 code) or ``/tandem holidays off``."""
    workspace = ensure_workspace(session, team_id, now)
    code = value.strip().upper()
    if code.lower() in OFF_WORDS:
        workspace.holiday_country = None
        return SettingResult(
            True, "Public holidays no longer count: working days are Monday to Friday."
        )
    if not code or len(code) > 8 or not known_country(code):
        return SettingResult(
            False,
            f"`{code or '(empty)'}` is not a country code Tandem knows. Use a two-letter ISO code such "
            "as `US`, `GB`, `DE` or `FR`, or `off`.",
        )
    workspace.holiday_country = code
    return SettingResult(
        True, f"Public holidays of {code} are no longer working days for due times and nudges."
    )


def set_candidate_names(
    session: Session, *, team_id: str, value: str, now: datetime
) -> SettingResult:
    """``/tandem names initials`` (the default) or ``/tandem names full``."""
    workspace = ensure_workspace(session, team_id, now)
    choice = value.strip().lower()
    if choice not in ("initials", "full"):
        return SettingResult(False, "Say `/tandem names initials` or `/tandem names full`.")
    workspace.full_names_in_channels = choice == "full"
    if choice == "full":
        return SettingResult(True, "Channel posts now show candidates' full names.")
    return SettingResult(
        True, "Channel posts now show candidates' initials; full names stay in DMs and modals."
    )


Setter = Callable[..., SettingResult]
SETTINGS: dict[str, Setter] = {
    "holidays": set_holiday_country,
    "names": set_candidate_names,
}
ADMINS_ONLY = "Only a workspace admin can change Tandem's workspace settings."


def change_setting(
    sessions: SessionFactory, actor: Actor, name: str, value: str, *, now: datetime
) -> str:
    """``/tandem <name> <value>`` by a workspace admin; returns the answer to show them.

    Admin rights come from Slack (``users.info``, cached); a value the setting refuses
    changes nothing.
    """
    with sessions.begin() as session:
        person = refresh_people(
            session, team_id=actor.team_id, user_ids=[actor.user_id], fetch=actor.fetch, now=now
        ).get(actor.user_id)
        if person is None or not person.is_admin:
            return ADMINS_ONLY
    with sessions() as session:
        result = SETTINGS[name](session, team_id=actor.team_id, value=value, now=now)
        if result.ok:
            session.commit()
        return result.message
