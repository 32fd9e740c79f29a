"""Start ``tandem`` commands as real processes on the test's clock."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from freezegun import api as freezegun_api

from tests import slack_requests as sr

ROOT = Path(__file__).parents[1]


def clock_offset(ahead: float = 0.0) -> float:
    """Seconds from the real clock to the test's frozen one (plus ``ahead``)."""
    # Through the module: freezegun replaces every module's own reference to the real
    # ``datetime`` class with its fake while a clock is frozen, but never its own.
    real_now = freezegun_api.real_datetime.now(UTC)
    return (datetime.now(UTC) - real_now).total_seconds() + ahead


def tandem_env(database_url: str, api_url: str, **extra: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TANDEM_"))},
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": sr.SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def start_tandem(
    args: list[str], env: dict[str, str], cwd: Path, *, ahead: float = 0.0
) -> subprocess.Popen[str]:
    """``tandem ARGS`` in a child whose clock agrees with the test's (``ahead`` s later)."""
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "clocked_process.py"),
            str(clock_offset(ahead)),
            *args,
        ],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
