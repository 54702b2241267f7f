"""Does the batch run in flat memory? Prints the figure the batch issue sets a target for.

Generates CSVs of 100,000 and 1,000,000 varied tasks (as ``batch_throughput.py`` does), runs
``model-advisor batch IN -o OUT --quiet`` on each, each run watched by a fresh Python process
that reports ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (the batch process's peak RSS), and
prints both peaks and their ratio (target <= 1.2).

With ``--distinct``, the tasks are mostly made-up words, so that nearly every text brings new
words and the per-word caches fill to their caps (the case repeated vocabulary hides); the
sizes default to 50,000 and 400,000 rows (target <= 1.25).

Run: ``python benchmarks/batch_memory.py [--distinct] [--small N] [--large N] [--jobs N]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from batch_throughput import write_input
from installed import model_advisor_command


def batch_command(source: Path, target: Path, jobs: int) -> list[str]:
    return [
        *model_advisor_command(),
        "batch",
        str(source),
        "-o",
        str(target),
        "--quiet",
        "--jobs",
        str(jobs),
    ]


def peak_rss_mb(source: Path, target: Path, jobs: int) -> float:
    """Run the batch under a fresh watcher process; return the batch's peak RSS in MB."""
    watcher = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    command = [sys.executable, "-c", watcher, *batch_command(source, target, jobs)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    kilobytes = int(done.stdout.split()[-1])  # Linux reports kilobytes (macOS: bytes)
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distinct", action="store_true", help="mostly distinct words")
    parser.add_argument("--small", type=int, help="rows of the small input")
    parser.add_argument("--large", type=int, help="rows of the large input")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes of the batch")
    args = parser.parse_args()
    args.small = args.small or (50_000 if args.distinct else 100_000)
    args.large = args.large or (400_000 if args.distinct else 1_000_000)
    target = 1.25 if args.distinct else 1.2
    peaks = []
    with tempfile.TemporaryDirectory() as scratch:
        for rows in (args.small, args.large):
            source = Path(scratch) / f"tasks-{rows}.csv"
            write_input(source, rows, corpus="distinct" if args.distinct else "varied")
            start = time.perf_counter()
            peak = peak_rss_mb(source, Path(scratch) / "out.csv", args.jobs)
            seconds = time.perf_counter() - start
            print(f"{rows:,} rows: peak RSS {peak:.1f} MB ({seconds:.0f} s)", flush=True)
            peaks.append(peak)
            source.unlink()
    print(
        f"peak RSS {args.large:,} / {args.small:,} rows: {peaks[1] / peaks[0]:.2f} "
        f"(target <= {target})"
    )


if __name__ == "__main__":
    main()
