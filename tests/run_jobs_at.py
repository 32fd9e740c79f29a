"""``python tests/run_jobs_at.py ISO-TIME``: ``tandem jobs run-once`` as its own process, with
the process clock set to ISO-TIME (the way faketime would, but with freezegun, which works
with Python's threads). Used by the exactly-once tests to run several schedulers at once."""

import sys

from freezegun import freeze_time

# Imported before the clock is frozen: pydantic builds its schemas at import time and must
# see the real date types, not freezegun's.
import bot.runtime
import bot.scheduler.jobs  # noqa: F401
from bot.cli import main

if __name__ == "__main__":
    with freeze_time(sys.argv[1], tick=True):
        raise SystemExit(main(["jobs", "run-once"]))
