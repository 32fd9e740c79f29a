"""Workspace settings changed with ``/tandem``: public holidays and candidate names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.people import ensure_workspace
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
