"""Every model, imported so that ``Base.metadata`` is complete for Alembic."""

from bot.models import slack_oauth
from bot.models.base import Base, UTCDateTime
from bot.models.events import ProcessedEvent
from bot.models.jobs import JobRun

__all__ = ["Base", "JobRun", "ProcessedEvent", "UTCDateTime", "slack_oauth"]
