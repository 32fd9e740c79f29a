"""``python tests/frozen_process.py ISO-TIME tandem-args…``: a ``tandem`` command as its own
process, its clock starting at ISO-TIME and ticking (freezegun, which works with Python's
threads; Debian's faketime hangs timed waits). Tests use it so that a child process shares
the test's "today": several ``jobs run-once`` schedulers at one moment, or ``tandem run``
checking the signatures of requests signed on the test's clock."""

import sys

import freezegun
from freezegun import freeze_time
from freezegun.config import DEFAULT_IGNORE_LIST

# Imported before the clock is frozen: pydantic builds its schemas at import time and must
# see the real date types, not freezegun's.
import bot.runtime
import bot.scheduler.jobs  # noqa: F401
from bot.cli import main

# freezegun gives real time to any call whose last five frames include an ignored module,
# and a thread's bottom frame is in ``threading``: a deliverer or scheduler thread would
# live on the real clock while the request threads live on the test's. This clock only
# ticks forward (no nested freezes), so threading's and queue's waits may follow it too.
freezegun.configure(
    default_ignore_list=[m for m in DEFAULT_IGNORE_LIST if m not in ("threading", "queue")]
)

if __name__ == "__main__":
    with freeze_time(sys.argv[1], tick=True):
        raise SystemExit(main(sys.argv[2:]))
