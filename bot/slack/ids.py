"""Every slash command, callback, block and action id Tandem uses, in one place."""

from enum import StrEnum


class Command(StrEnum):
    KICKOFF = "/kickoff"
    SCORECARD = "/scorecard"
    TANDEM = "/tandem"
