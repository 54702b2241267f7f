"""Is this revision as fast as another? Warm advise and batch throughput, side by side.

Give the source tree of another revision (for example ``git worktree add ../base HEAD~3``).
Both trees are timed in the same run, in turns (each side first in turn, since this machine's
speed drifts), each in a fresh process that imports its own tree's ``src`` and uses its own
tree's shipped knowledge:

- warm advise: the median time of ``Advisor.advise`` over the held-out tasks, per round;
- batch: rows/s of ``advise_file`` in one process over a generated CSV: the varied tasks of
  ``batch_throughput.py``, or with ``--corpus distinct`` its texts of mostly new words
  (``summaries``: real package summaries).

It prints each side's figures and the ratio this revision / baseline (warm: lower is better,
batch: higher is better). Run:
``python benchmarks/compare_revision.py --baseline ../base [--rounds 5] [--rows 50000]
[--corpus distinct]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from batch_throughput import CORPORA, write_input

HERE = Path(__file__).parent
ROOT = HERE.parent

PROBE = r"""
import csv, json, statistics, sys, time
from model_advisor import Advisor, advise_file
mode, path = sys.argv[1], sys.argv[2]
if mode == "advise":
    tasks = [row["task"] for row in csv.DictReader(open(path, encoding="utf-8"))]
    advisor = Advisor.default()
    for task in tasks:
        advisor.advise(task)  # warm: caches filled, as in a long-lived process
    times = []
    for task in tasks * 3:
        start = time.perf_counter()
        advisor.advise(task)
        times.append(time.perf_counter() - start)
    print(json.dumps(statistics.median(times) * 1e3))
else:
    Advisor.default()
    start = time.perf_counter()
    summary = advise_file(path, path + ".out.csv")
    print(json.dumps(summary.rows / (time.perf_counter() - start)))
"""


def measure(tree: Path, mode: str, path: Path, home: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "MODEL_ADVISOR_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=home,
    )
    return float(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="another revision's tree")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the batch's CSV")
    parser.add_argument("--corpus", choices=CORPORA, default="varied")
    args = parser.parse_args()
    trees = {"this": ROOT, "baseline": args.baseline.resolve()}
    heldout = HERE / "data" / "heldout.csv"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        [table] = write_input(work / "tasks.csv", args.rows, corpus=args.corpus)
        figures: dict[str, dict[str, list[float]]] = {
            name: {"advise": [], "batch": []} for name in trees
        }
        for number in range(args.rounds):
            order = list(trees) if number % 2 == 0 else list(reversed(trees))
            for name in order:
                home = work / name
                home.mkdir(exist_ok=True)
                figures[name]["advise"].append(measure(trees[name], "advise", heldout, home))
                figures[name]["batch"].append(measure(trees[name], "batch", table, home))
            print(f"round {number + 1}: " + json.dumps(figures), file=sys.stderr)
    warm = {name: statistics.median(f["advise"]) for name, f in figures.items()}
    rows = {name: statistics.median(f["batch"]) for name, f in figures.items()}
    for name in trees:
        print(f"{name:9} warm advise {warm[name]:.3f} ms   batch {rows[name]:,.0f} rows/s")
    print(f"warm advise this/baseline {warm['this'] / warm['baseline']:.3f} (lower is faster)")
    print(f"batch rows/s this/baseline {rows['this'] / rows['baseline']:.3f} (higher is faster)")


if __name__ == "__main__":
    main()
