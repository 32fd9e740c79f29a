"""How long ``tandem demo`` takes, as a newcomer runs it (the issue's bound: 30 s).

Two figures:

* **command** — ``tandem demo --html …`` as a fresh process: Python start-up, imports,
  migrating the throwaway database, the whole story, the HTML page. What a person waits for.
* **story** — ``run_demo()`` in an already-started interpreter: the part Tandem's own code
  spends (what ``tests/test_demo.py`` measures).

Usage: ``.venv/bin/python bench/demo_time.py [--runs N]``. The figures in BENCHMARKS.md come
from here.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def command_seconds(html: Path) -> float:
    tandem = Path(sys.executable).parent / "tandem"
    started = time.perf_counter()
    subprocess.run(
        [str(tandem), "demo", "--quiet", "--html", str(html)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def story_seconds(html: Path) -> float:
    from bot.demo import run_demo

    return run_demo(html_path=html).elapsed_seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each kind (default 5)")
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    with tempfile.TemporaryDirectory() as directory:
        html = Path(directory) / "demo.html"
        for name, measure in (("command", command_seconds), ("story", story_seconds)):
            times = [measure(html) for _ in range(args.runs)]
            shown = ", ".join(f"{t:.2f}" for t in times)
            print(
                f"{name:<8} median {statistics.median(times):.2f} s, "
                f"max {max(times):.2f} s  ({shown})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
