"""``python tests/clocked_process.py OFFSET tandem-args…``: a ``tandem`` command as its own
process, its clock ``OFFSET`` seconds ahead of the real one and ticking (freezegun).

A test passes the offset of its own frozen clock from the real one, so the child's clock
agrees with the test's to the millisecond however long the child takes to start (several
deliverer processes pacing one channel must agree on what "one second later" is); adding
more moves the child into the future (a restart after a claim has gone stale).
"""

import sys
from datetime import UTC, datetime, timedelta

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
    start = datetime.now(UTC) + timedelta(seconds=float(sys.argv[1]))
    with freeze_time(start, tick=True):
        raise SystemExit(main(sys.argv[2:]))
