"""Workspace settings changed with ``/tandem``: public holidays, candidate names and the
retro's anonymity threshold and quality-of-hire days."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.blocks.text import escape_mrkdwn
from bot.db import SessionFactory
from bot.services.actors import Actor
from bot.services.people import ensure_workspace, is_fresh_admin, refresh_people
from bot.services.retro_settings import DEFAULT_QUALITY_CHECK_DAYS, MIN_ANONYMITY_THRESHOLD
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


MAX_ANONYMITY_THRESHOLD = 20
MAX_QUALITY_CHECK_DAY = 3650
MAX_QUALITY_CHECKS = 6
DEFAULT_WORDS = {"default", "reset"}
RETRO_USAGE = (
    "Say `/tandem retro anonymity <3–20 | default>` (how many anonymous retro answers a "
    "summary needs before it shows them) or `/tandem retro quality-checks <days, e.g. "
    "30,60,90 | default>` (when the hiring manager is asked how a hire is doing)."
)


def _days_text(days: tuple[int, ...] | list[int]) -> str:
    return ", ".join(str(day) for day in days)


def set_retro(session: Session, *, team_id: str, value: str, now: datetime) -> SettingResult:
    """``/tandem retro anonymity N|default`` and ``/tandem retro quality-checks D,D,D|default``.

    Applies to retros opened and hires made from now on: an open poll keeps the threshold it
    opened with, and planned quality checks keep their days."""
    words = value.split(maxsplit=1)
    name = words[0].lower() if words else ""
    argument = words[1].strip().lower() if len(words) > 1 else ""
    if name == "anonymity":
        return _set_anonymity(session, team_id=team_id, value=argument, now=now)
    if name in ("quality-checks", "quality-check", "quality"):
        return _set_quality_days(session, team_id=team_id, value=argument, now=now)
    return SettingResult(False, RETRO_USAGE)


def _set_anonymity(session: Session, *, team_id: str, value: str, now: datetime) -> SettingResult:
    if value in DEFAULT_WORDS:
        ensure_workspace(session, team_id, now).anonymity_threshold = None
        return SettingResult(
            True,
            f"Retro summaries show anonymous answers once {MIN_ANONYMITY_THRESHOLD} people "
            "answered anonymously (Tandem's standard), for retros opened from now on.",
        )
    if not value.isdigit() or not MIN_ANONYMITY_THRESHOLD <= int(value) <= MAX_ANONYMITY_THRESHOLD:
        return SettingResult(
            False,
            f"`{value[:20] or '(empty)'}` is not a threshold Tandem accepts: give a whole number "
            f"from {MIN_ANONYMITY_THRESHOLD} (fewer could tell people apart) to "
            f"{MAX_ANONYMITY_THRESHOLD}, or `default`.",
        )
    ensure_workspace(session, team_id, now).anonymity_threshold = int(value)
    return SettingResult(
        True,
        f"Retro summaries show anonymous answers only once {int(value)} people answered "
        "anonymously, for retros opened from now on.",
    )


def _set_quality_days(
    session: Session, *, team_id: str, value: str, now: datetime
) -> SettingResult:
    if value in DEFAULT_WORDS:
        ensure_workspace(session, team_id, now).quality_check_days = None
        return SettingResult(
            True,
            "Hiring managers are asked how a hire is doing "
            f"{_days_text(DEFAULT_QUALITY_CHECK_DAYS)} days after the start date (Tandem's "
            "standard), for hires from now on.",
        )
    parts = [part.strip() for part in value.replace(" ", ",").split(",") if part.strip()]
    bad = [p for p in parts if not p.isdigit() or not 1 <= int(p) <= MAX_QUALITY_CHECK_DAY]
    if not parts or bad:
        shown = (bad[0] if bad else value)[:20] or "(empty)"
        return SettingResult(
            False,
            f"`{shown}` is not a number of days Tandem accepts: give days after the start "
            f"date from 1 to {MAX_QUALITY_CHECK_DAY}, separated by commas (e.g. `30,60,90`), "
            "or `default`.",
        )
    days = sorted({int(p) for p in parts})
    if len(days) > MAX_QUALITY_CHECKS:
        return SettingResult(
            False, f"At most {MAX_QUALITY_CHECKS} quality checks per hire; you gave {len(days)}."
        )
    ensure_workspace(session, team_id, now).quality_check_days = ",".join(map(str, days))
    return SettingResult(
        True,
        f"Hiring managers are asked how a hire is doing {_days_text(days)} days after the "
        "start date, for hires from now on.",
    )


Setter = Callable[..., SettingResult]
SETTINGS: dict[str, Setter] = {
    "holidays": set_holiday_country,
    "names": set_candidate_names,
    "retro": set_retro,
}
ADMINS_ONLY = "Only a workspace admin can change Tandem's workspace settings."


def change_setting(
    sessions: SessionFactory, actor: Actor, name: str, value: str, *, now: datetime
) -> str:
    """``/tandem <name> <value>`` by a workspace admin; returns the answer to show them.

    Admin rights come from Slack (``users.info``, at most ten minutes old); a value the setting refuses
    changes nothing.
    """
    words = value.split(maxsplit=1)
    if name == "holidays" and words and words[0].lower() == "me":
        return set_my_holiday_country(sessions, actor, words[1] if len(words) > 1 else "", now=now)
    with sessions.begin() as session:
        if not is_fresh_admin(
            session,
            team_id=actor.team_id,
            user_id=actor.user_id,
            fetch=actor.fetch,
            now=now,
            fetch_group=actor.fetch_group,
        ):
            return ADMINS_ONLY
    with sessions() as session:
        result = SETTINGS[name](session, team_id=actor.team_id, value=value, now=now)
        if result.ok:
            session.commit()
        return result.message


def set_my_holiday_country(
    sessions: SessionFactory, actor: Actor, value: str, *, now: datetime
) -> str:
    """``/tandem holidays me DE`` (anyone, for themselves: teams span countries) or
    ``/tandem holidays me off`` (back to the workspace's)."""
    code = value.strip().upper()
    with sessions.begin() as session:
        ensure_workspace(session, actor.team_id, now)
        person = refresh_people(
            session, team_id=actor.team_id, user_ids=[actor.user_id], fetch=actor.fetch, now=now
        ).get(actor.user_id)
        if person is None:
            return "Tandem could not look you up in Slack just now; try again in a moment."
        if code.lower() in OFF_WORDS:
            person.holiday_country = None
            return "Your days off follow the workspace's public holidays again."
        if not code or len(code) > 8 or not known_country(code):
            return (
                f"`{escape_mrkdwn(code[:20]) or '(empty)'}` is not a country code Tandem "
                "knows. Use a two-letter ISO code such as `US`, `GB`, `DE` or `FR`, or `off`."
            )
        person.holiday_country = code
        return (
            f"Public holidays of {code} are your days off: your feedback due times and "
            "nudges skip them."
        )
