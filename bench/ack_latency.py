"""How fast Tandem answers Slack (the ack), over real HTTP, on a local SQLite sandbox.

Slack gives every command, button and modal submission 3 seconds. Bolt's own floor is about
12 ms (its listener runner polls for ``ack()`` every 10 ms), so figures are read against
that, not against zero. Three requests:

* ``/tandem help`` — answered in the ack itself;
* ``/kickoff`` — acked at once, the modal opened after the ack;
* the kickoff modal's first step — the slowest path *before* an ack: it reads the people
  (``users.info`` when the 12-hour cache is stale; warm here after the first run) and writes
  the draft, then pushes step 2.

Usage: ``.venv/bin/python bench/ack_latency.py [--runs N]``; BENCHMARKS.md has the figures.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.sandbox import requests as slack_requests
from bot.sandbox.driver import SandboxApp, local_sandbox
from bot.sandbox.modals import fill

RECRUITER, HM = "U0BENCHREC", "U0BENCHHM"


def timed(app: SandboxApp, body: str) -> float:
    """Milliseconds until the app's HTTP answer (the ack); work after it is not counted."""
    started = time.perf_counter()
    app.post_signed(body, slack_requests.FORM, wait=False)
    return (time.perf_counter() - started) * 1000


def measure(app: SandboxApp, runs: int) -> dict[str, list[float]]:
    app.standin.add_user(RECRUITER, "rec", tz="Europe/London")
    app.standin.add_user(HM, "hm", tz="America/New_York")
    figures: dict[str, list[float]] = {"/tandem help": [], "/kickoff": [], "kickoff step 1": []}
    for _ in range(runs):
        help_body = slack_requests.slash_command_body("/tandem", "help", user_id=RECRUITER)
        figures["/tandem help"].append(timed(app, help_body))
        kickoff = slack_requests.slash_command_body("/kickoff", "Data Lead", user_id=RECRUITER)
        figures["/kickoff"].append(timed(app, kickoff))
        app.executor.wait_idle()
        view = app.standin.last("views.open").params["view"]
        payload = slack_requests.view_submission_payload(
            user_id=RECRUITER,
            callback_id=view["callback_id"],
            values=fill(view, {"hiring_manager": HM, "recruiter": RECRUITER}),
            private_metadata=view["private_metadata"],
        )
        body = slack_requests.interactive_body(payload)
        figures["kickoff step 1"].append(timed(app, body))
        app.executor.wait_idle()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    with tempfile.TemporaryDirectory() as directory, local_sandbox(Path(directory)) as app:
        measure(app, 3)  # warm-up: imports, connection pools, first auth.test
        for name, values in measure(app, args.runs).items():
            values.sort()
            p95 = values[int(len(values) * 0.95) - 1]
            print(
                f"{name:<16} median {statistics.median(values):6.1f} ms  p95 {p95:6.1f} ms  max {values[-1]:6.1f} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
