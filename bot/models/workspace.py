"""Workspaces and the people in them (cached from Slack's ``users.info``)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class Workspace(Base):
    """A Slack workspace Tandem serves, with its product settings."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), unique=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    # ISO 3166 country whose public holidays are not working days (None: weekends only).
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    # Channel posts name candidates by initials unless this is turned on.
    full_names_in_channels: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The workspace's default working hours and days (``/tandem quiet default``); None:
    # Tandem's standard 09:00–18:00, Monday–Friday. See ``Person`` for the formats.
    work_start: Mapped[time | None] = mapped_column(Time())
    work_end: Mapped[time | None] = mapped_column(Time())
    workdays: Mapped[str | None] = mapped_column(String(7))
    morning_digest_only: Mapped[bool | None] = mapped_column(Boolean)
    # Anonymous retro answers are shown (as aggregates) only once this many people answered
    # anonymously; None: 3. It can be raised, never lowered below 3.
    anonymity_threshold: Mapped[int | None] = mapped_column(Integer)
    # Days after a hire's start date when the HM is asked how the hire is doing, comma
    # separated ("30,60,90"); None: 30, 60 and 90.
    quality_check_days: Mapped[str | None] = mapped_column(String(32))
    # When Slack told us the app was uninstalled (``app_uninstalled``): the tokens are gone,
    # the data is kept for TANDEM_RETENTION_DAYS, then purged (bot/services/retention.py).
    # None while installed; a reinstall clears it.
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Admin settings (App Home, admins only; bot/services/admin_settings.py). None: the
    # product's default — 48 working hours for feedback, check-ins Mondays at 10:00,
    # TANDEM_RETENTION_DAYS after an uninstall.
    default_turnaround_hours: Mapped[int | None] = mapped_column(Integer)
    default_checkin_weekday: Mapped[int | None] = mapped_column(Integer)
    default_checkin_time: Mapped[time | None] = mapped_column(Time())
    retention_days: Mapped[int | None] = mapped_column(Integer)
    # Members of this Slack user group count as Tandem admins besides Slack's admins and
    # owners; their ids (comma separated) as Slack last listed them, and when.
    admin_usergroup_id: Mapped[str | None] = mapped_column(String(32))
    admin_group_members: Mapped[str | None] = mapped_column(Text)
    admin_group_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Person(Base):
    """What Tandem caches about a Slack user: time zone, admin flag, away status.

    Names are deliberately not stored: messages mention people by id (``<@U…>``) and Slack
    renders the current name to each reader.
    """

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    status_text: Mapped[str] = mapped_column(String(200), default="")
    status_emoji: Mapped[str] = mapped_column(String(100), default="")
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The one-DM-per-hour pace: whoever moves this forward may DM the person now.
    next_dm_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The person's own working hours and days (``/tandem quiet``), in their time zone; None
    # follows the workspace default. Hours are set as a pair (start < end, same day);
    # ``workdays`` holds weekday digits, Monday = 0 ("0123" is Monday to Thursday).
    work_start: Mapped[time | None] = mapped_column(Time())
    work_end: Mapped[time | None] = mapped_column(Time())
    workdays: Mapped[str | None] = mapped_column(String(7))
    morning_digest_only: Mapped[bool | None] = mapped_column(Boolean)
    # The weekly digest (``/tandem digest on``): when the next one is due (Monday 09:00 in
    # their zone); None when they have not asked for it. The scheduler finds due digests
    # by this index instead of recomputing every person's Monday every minute.
    weekly_digest_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # When the person last opened Tandem's Home tab: only then is it worth publishing it
    # again after their own actions (a Home tab nobody has opened is drawn when it is).
    home_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The country whose public holidays are the person's days off (``/tandem holidays me
    # DE``), for teams that span countries; None follows the workspace's.
    holiday_country: Mapped[str | None] = mapped_column(String(8))
