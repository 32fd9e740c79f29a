"""How long the scorecard's chart takes to render (issue 13's target: under 500 ms).

``render_chart`` (``bot/blocks/scorecard_chart.py``) on realistic data: twelve months of
time to fill and feedback on time (two months without fills, as a quiet summer gives) and
both sides' contract-kept shares, under a long role title. Three figures:

* **warm** — the median of ``--runs`` renders in a process that has rendered once already
  (what the web server pays for each ``/scorecard`` after its first);
* **first render** — a fresh Python process importing the chart module (matplotlib with it)
  and rendering once, with matplotlib's font cache already built (a server's first chart
  after a restart), median of ``--cold-runs`` processes, import and render shown apart;
* **first render, no font cache** — the same with an empty ``MPLCONFIGDIR``, so matplotlib
  builds its font cache first (once per machine or container image).

Usage: ``.venv/bin/python bench/chart_time.py [--runs N] [--cold-runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 500

# One process's first chart: import, then render, each timed (printed as JSON).
FIRST_RENDER = """
import json, sys, time
started, cpu_started = time.perf_counter(), time.process_time()
from bot.blocks.scorecard_chart import render_chart
imported, cpu_imported = time.perf_counter(), time.process_time()
sys.path.insert(0, "bench")
from chart_time import chart_data
data = chart_data()
before, cpu_before = time.perf_counter(), time.process_time()
png = render_chart(data)
done, cpu_done = time.perf_counter(), time.process_time()
print(json.dumps({"import_ms": (imported - started) * 1000, "render_ms": (done - before) * 1000,
                  "import_cpu_ms": (cpu_imported - cpu_started) * 1000,
                  "render_cpu_ms": (cpu_done - cpu_before) * 1000, "bytes": len(png)}))
"""


def chart_data():  # -> ChartData (imported lazily: the cold runs time that import)
    """Twelve months ending March 2027, as a busy workspace's scorecard gives them."""
    from bot.blocks.scorecard_chart import ChartData

    months = [f"{2026 + (m // 12)}-{m % 12 + 1:02d}" for m in range(3, 15)]
    return ChartData(
        title="Senior Backend Engineer (Payments) — Berlin, hybrid · last 12 months",
        months=months,
        time_to_fill_days=[52, 47.5, 44, None, None, 61, 39, 42.5, 36, 41, 38, 33.5],
        feedback_on_time=[0.62, 0.68, 0.71, 0.66, 0.74, 0.79, 0.81, 0.77, 0.85, 0.88, 0.86, 0.9],
        recruiter_contract_kept=0.87,
        hm_contract_kept=0.72,
    )


def first_render(config_dir: str | None) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if config_dir is not None:
        env["MPLCONFIGDIR"] = config_dir
    out = subprocess.run(
        [sys.executable, "-c", FIRST_RENDER],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(name: str, samples: list[dict[str, float]]) -> None:
    def median(key: str) -> float:
        return statistics.median(s[key] for s in samples)

    imported, rendered = median("import_ms"), median("render_ms")
    cpu = median("import_cpu_ms") + median("render_cpu_ms")
    print(
        f"{name:34} {imported + rendered:6.0f} ms  (import {imported:.0f} ms + render "
        f"{rendered:.0f} ms; CPU {cpu:.0f} ms; median of {len(samples)} processes)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="warm renders")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average {load:.1f}")

    from bot.blocks.scorecard_chart import render_chart

    data = chart_data()
    png = render_chart(data)  # the process's first: fonts loaded, caches filled
    samples, cpus = [], []
    for _ in range(args.runs):
        started, cpu = time.perf_counter(), time.process_time()
        render_chart(data)
        samples.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    warm = statistics.median(samples)
    print(
        f"{'warm render':34} {warm:6.0f} ms  (median of {args.runs}; max {max(samples):.0f} ms; "
        f"CPU {statistics.median(cpus):.0f} ms; {len(png):,} bytes PNG)  target < {TARGET_MS} ms: "
        f"{'met' if warm < TARGET_MS else 'NOT met'}"
    )
    report("first render (font cache built)", [first_render(None) for _ in range(args.cold_runs)])
    cold = []
    for _ in range(args.cold_runs):
        with tempfile.TemporaryDirectory() as config_dir:
            cold.append(first_render(config_dir))
    report("first render, empty font cache", cold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
