"""``tandem demo``: start the real app against a local Slack stand-in and play the story.

Everything is throwaway and local: a SQLite file in a temporary directory (migrated like any
fresh install), a stand-in Slack Web API on 127.0.0.1, a generated signing secret and token.
The process clock is moved through simulated weeks. Nothing is read from the environment or
``.env``, and nothing leaves the machine.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.demo.clock import SimulatedClock, story_start
from bot.demo.render import footer_text, header_text, section_text
from bot.demo.script import CAST, STEPS, Step
from bot.demo.session import Demo, DemoError
from bot.demo.transcript import Section, Transcript
from bot.sandbox.driver import SentRequest, local_sandbox
from bot.sandbox.slack_standin import TEAM_NAME
from bot.scheduler.registry import all_jobs

NEXT_STEPS = [
    "Run `tandem demo --html demo.html` to get this whole story as one page that looks like "
    "a Slack channel.",
    "Use Tandem in your own workspace, in Socket Mode (no public URL needed; README → "
    "“Create the Slack app”): create the app from the output of `tandem manifest`, add an "
    "app-level token with `connections:write`, install it; put `SLACK_BOT_TOKEN`, "
    "`SLACK_SIGNING_SECRET` and `SLACK_APP_TOKEN` in `.env` (`.env.example` lists every "
    "setting); `tandem doctor` checks it all, then `tandem run`.",
    "On a server with a public HTTPS URL instead: `tandem manifest --url https://your-host`, "
    "and start `tandem run` before Slack checks the request URL (README → “HTTP mode”).",
    'Develop: `pip install -e ".[test]"` and `pytest`; a new capability gets its step in '
    "`bot/demo/script.py`.",
]


@dataclass
class DemoResult:
    """What a run produced: the transcript, the requests sent, the real time it took."""

    transcript: Transcript
    sent: list[SentRequest]
    jobs_run: set[str]
    elapsed_seconds: float
    html_path: Path | None = None


def run_demo(
    *,
    out: TextIO | None = None,
    progress: TextIO | None = None,
    html_path: Path | None = None,
    steps: Sequence[Step] = STEPS,
    today: date | None = None,
) -> DemoResult:
    """Play ``steps``; print each step's transcript to ``out`` as it finishes and a progress
    line per step to ``progress``; write the HTML page to ``html_path`` if given."""
    started = time.perf_counter()  # before the clock is frozen: real seconds
    # Import every job module now: modules imported while freezegun runs would build their
    # pydantic models against freezegun's date classes instead of the real ones.
    all_jobs()
    transcript = Transcript(workspace=TEAM_NAME, next_steps=list(NEXT_STEPS))
    start = story_start(today or date.today())
    jobs_run: set[str] = set()

    def show(section: Section) -> None:
        if out is not None:
            out.write(section_text(section, transcript))
            out.flush()

    with (
        tempfile.TemporaryDirectory(prefix="tandem-demo-") as directory,
        SimulatedClock(start) as clock,
        local_sandbox(Path(directory)) as app,
    ):
        demo = Demo(app, clock, transcript, CAST, on_section_end=show)
        demo.set_up_workspace()
        transcript.started_at = clock.now()
        if out is not None:
            out.write(header_text(transcript))
        total = len(steps)
        for number, step in enumerate(steps, start=1):
            if progress is not None:
                progress.write(f"[{number}/{total}] {step.title}…\n")
                progress.flush()
            demo.begin(number, total, step.title, step.about)
            try:
                step.run(demo)
            except DemoError as exc:
                raise DemoError(f"step {number}/{total} ({step.title}): {exc}") from exc
            demo.end()
        transcript.finished_at = clock.now()
        jobs_run = demo.jobs_run
        sent = list(app.sent)
    elapsed = time.perf_counter() - started
    transcript.elapsed_seconds = elapsed
    if out is not None:
        out.write(footer_text(transcript))
        out.flush()
    if html_path is not None:
        from bot.demo.html import write_html

        write_html(transcript, html_path)
    if progress is not None:
        simulated = (transcript.finished_at - transcript.started_at).days
        progress.write(
            f"Done: {total} steps, {simulated} simulated days, in {elapsed:.1f} s"
            + (f"; wrote {html_path}" if html_path else "")
            + "\n"
        )
    return DemoResult(transcript, sent, jobs_run, elapsed, html_path)
