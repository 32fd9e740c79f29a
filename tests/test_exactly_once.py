"""Each nudge exactly once: concurrent schedulers in threads (both databases) and in separate
processes (``tandem jobs run-once`` ×3 at the same instant, PostgreSQL), and a crash between
claim and send."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.models import Nudge
from tests import slack_requests as sr
from tests.harness import Tandem
from tests.hiring_flow import add_candidate, dms_to, log_interview, nudges, run_jobs, start_role
from tests.kickoff_flow import HM, RECRUITER, only_role
from tests.test_nudge_ladder import INTERVIEWER, MONDAY, SECOND, at


@pytest.fixture
def two_interviews(tandem: Tandem) -> int:
    tandem.standin.add_user(INTERVIEWER, "nia", real_name="Nia Interviewer", tz="America/New_York")
    tandem.standin.add_user(SECOND, "sol", real_name="Sol Second", tz="America/New_York")
    role_id = start_role(tandem)
    for name in ("Jane Doe", "Max Roe"):
        candidate = add_candidate(tandem, role_id, name, RECRUITER, candidate_stage="panel")
        log_interview(
            tandem,
            role_id,
            candidate,
            user=HM,
            day=MONDAY,
            start="09:00",
            end="10:00",
            interviewers=[INTERVIEWER, SECOND],
        )
    return role_id


def _assert_each_nudge_once(tandem: Tandem) -> None:
    """Every message Slack received matches exactly one recorded send, and vice versa."""
    rows = [n for n in nudges(tandem) if n.sent_at is not None]
    assert rows
    for recipient in (INTERVIEWER, SECOND):
        recorded = {
            n.message_ts for n in rows if n.recipient_id == recipient and n.kind != "escalation"
        }
        assert len(tandem.standin.posted(recipient)) == len(recorded)
    channel = only_role(tandem).channel_id
    escalations = [m for m in tandem.standin.posted(channel) if "working day late" in m["text"]]
    # A role's escalations of a day share one post (one outbox row).
    assert len(escalations) == len({n.outbox_id for n in rows if n.kind == "escalation"})


def test_threads_racing_send_each_nudge_once(tandem: Tandem, two_interviews: int) -> None:
    moments = [at(0, 10), at(0, 11), at(2, 9), at(2, 10), at(2, 11), at(3, 10), at(3, 11)]
    moments += [at(4, 9), at(4, 9, 30)]  # the escalations: the start of the HM's Friday
    for moment in moments:
        barrier = threading.Barrier(3)
        errors: list[BaseException] = []

        def scheduler(
            when: datetime, start: threading.Barrier, failures: list[BaseException]
        ) -> None:
            start.wait()
            try:
                run_jobs(tandem, when)
            except BaseException as exc:
                failures.append(exc)

        threads = [
            threading.Thread(target=scheduler, args=(moment, barrier, errors)) for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
    _assert_each_nudge_once(tandem)
    # Request (a digest of both interviews), reminder digest, overdue digest; none repeated.
    assert len(tandem.standin.posted(INTERVIEWER)) == 3
    late = [
        m
        for m in tandem.standin.posted(only_role(tandem).channel_id)
        if "working day late" in m["text"]
    ]
    # Every late item of the role (four feedbacks, the recruiter's updates) in one post.
    [post] = late
    assert post["text"].count("Feedback on") == 4
    assert INTERVIEWER in post["text"] and SECOND in post["text"]


def test_claim_abandoned_by_a_crash_is_sent_once_later(tandem: Tandem, two_interviews: int) -> None:
    # A scheduler claimed the requests and died before sending.
    with tandem.database.sessions.begin() as session:
        session.execute(update(Nudge).where(Nudge.kind == "request").values(claimed_at=at(0, 10)))
    run_jobs(tandem, at(0, 10, 1))
    assert dms_to(tandem, INTERVIEWER) == []  # still looks in flight
    run_jobs(tandem, at(0, 10, 6))  # stale after five minutes: taken over
    assert len(tandem.standin.posted(INTERVIEWER)) == 1
    run_jobs(tandem, at(0, 10, 30))
    assert len(tandem.standin.posted(INTERVIEWER)) == 1


def test_separate_processes_send_each_nudge_once(
    tandem: Tandem, two_interviews: int, tmp_path: Path
) -> None:
    if tandem.database.engine.dialect.name != "postgresql":
        pytest.skip("separate scheduler processes are a PostgreSQL deployment")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TANDEM_"))},
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": sr.SIGNING_SECRET,
        "SLACK_API_URL": tandem.standin.api_url,
        "DATABASE_URL": tandem.database.engine.url.render_as_string(hide_password=False),
        "PYTHONPATH": str(Path(__file__).parents[1]),
    }
    script = str(Path(__file__).parent / "frozen_process.py")
    for moment in (at(0, 10), at(2, 9), at(2, 10), at(3, 10)):
        when = (moment + timedelta(seconds=1)).isoformat()
        processes = [
            subprocess.Popen(
                [sys.executable, script, when, "jobs", "run-once"],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(3)
        ]
        for process in processes:
            output, _ = process.communicate(timeout=120)
            assert process.returncode == 0, output
    _assert_each_nudge_once(tandem)
    assert len(tandem.standin.posted(INTERVIEWER)) == 3
    assert len(tandem.standin.posted(SECOND)) == 3
