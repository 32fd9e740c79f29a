"""How fast the outbox empties when Slack is slow: N messages to M channels and people, with
the stand-in answering every ``chat.postMessage`` after a fixed delay.

Issue 10's figure: 240 messages to 120 channels and people (two each), 150 ms per call —
about 36 s one after another — must be delivered within 10 s. The second message of a
channel waits a full second after the first landed (Slack's one per second per channel),
so the floor is about 1.05 s + 2 × 150 ms even with unlimited workers.

Usage: ``.venv/bin/python bench/delivery_throughput.py [--workers 8] [--runs 3]
[--database sqlite|postgresql://…]``; BENCHMARKS.md has the figures.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.db import make_engine, make_session_factory
from bot.delivery import Deliverer
from bot.migrate import upgrade_database
from bot.models import Base
from bot.sandbox.slack_standin import BOT_USER_ID, TEAM_ID, SlackStandin
from bot.services import outbox


def run_once(url: str, workers: int, delay: float, lanes: int, per_lane: int) -> float:
    engine = make_engine(url)
    upgrade_database(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    sessions = make_session_factory(engine)
    with SlackStandin() as standin:
        targets = [f"C0BENCH{n:03d}" for n in range(lanes // 2)]
        for channel in targets:
            standin.add_channel(channel, channel.lower(), members={BOT_USER_ID})
        targets += [f"U0BENCH{n:03d}" for n in range(lanes - lanes // 2)]
        standin.delay("chat.postMessage", delay)
        now = datetime.now(UTC)
        with sessions.begin() as session:
            for number in range(per_lane):
                for target in targets:
                    outbox.enqueue(
                        session,
                        team_id=TEAM_ID,
                        kind="bench",
                        method=outbox.POST,
                        channel=target,
                        payload={"text": f"#{number}"},
                        now=now,
                    )
        deliverer = Deliverer(
            sessions, lambda *_: "xoxb-bench", api_url=standin.api_url, workers=workers
        )
        started = time.perf_counter()
        sent = deliverer.run_until_idle()
        elapsed = time.perf_counter() - started
        assert sent == lanes * per_lane, sent
    engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.15)
    parser.add_argument("--lanes", type=int, default=120)
    parser.add_argument("--per-lane", type=int, default=2)
    parser.add_argument("--database", default="sqlite")
    args = parser.parse_args()
    figures = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as directory:
            url = (
                f"sqlite:///{Path(directory) / 'bench.db'}"
                if args.database == "sqlite"
                else args.database
            )
            figures.append(run_once(url, args.workers, args.delay, args.lanes, args.per_lane))
    total = args.lanes * args.per_lane
    print(
        f"{total} messages, {args.lanes} lanes, {args.delay * 1000:.0f} ms per call, "
        f"{args.workers} workers: median {statistics.median(figures):.2f} s, "
        f"max {max(figures):.2f} s ({args.runs} runs)"
    )


if __name__ == "__main__":
    main()
