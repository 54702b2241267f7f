"""How does the batch scale out on Dask? Prints the figures the scale-out issue sets targets for.

Generates a Parquet directory of ``--rows`` distinct task texts (the distinct corpus of
``batch_throughput.py``: mostly made-up words, so caches answer little), in files of
``--file-rows`` rows, and times, each as a fresh ``model-advisor batch`` process:

- (L) the local batch, one process: ``batch IN -o OUT.parquet``;
- (D1) ``batch IN -o OUT --engine dask --scheduler ADDRESS`` on a local cluster of 1 worker;
- (D2) the same on a cluster of 2 workers.

Each cluster is started before its run and not timed (a running cluster is what
``--scheduler`` meets; ``--workers N`` adds its start, a few seconds). It prints rows/s and
the ratios D2/D1 (target >= 1.7) and D1/L (target >= 0.85), the CPU seconds each used
(the workers' and the command's; on a machine shared with other work these say more than
the wall clock), and each worker's peak RSS
(``getrusage`` in the worker, asked with ``client.run``). With ``--small N`` it also runs D2
on the first N rows, on a fresh cluster, and prints the ratio of the workers' peaks, large
over small (target: flat, <= 1.2).

Run: ``python benchmarks/scale_out.py [--rows 1000000] [--small 100000] [--file-rows 50000]``.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from batch_throughput import distinct_share, distinct_tasks
from distributed import Client, LocalCluster
from installed import model_advisor_command


def write_parquet(directory: Path, rows: int, file_rows: int) -> None:
    """``rows`` distinct tasks as ``tasks-NNNN.parquet`` files of ``file_rows`` rows."""
    directory.mkdir()
    generated = distinct_tasks(rows)
    for number, start in enumerate(range(0, rows, file_rows)):
        count = min(file_rows, rows - start)
        texts = [next(generated) for _ in range(count)]
        table = pa.table({"id": pa.array(range(start, start + count)), "task": texts})
        pq.write_table(table, directory / f"tasks-{number:04d}.parquet")


def command(*args: str) -> list[str]:
    return [*model_advisor_command(), "batch", *args, "--quiet"]


def timed(arguments: list[str]) -> tuple[float, float]:
    """Wall-clock seconds of the command, and the CPU seconds it used."""
    start, cpu = time.perf_counter(), cpu_seconds(resource.RUSAGE_CHILDREN)
    subprocess.run(arguments, check=True)
    return time.perf_counter() - start, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """CPU seconds used so far by this process (run on a worker: by the worker)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """This process's peak resident memory (run on each worker)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def on_dask(source: Path, target: Path, workers: int) -> tuple[float, float, list[float]]:
    """Seconds of the Dask batch on a fresh cluster of ``workers``, the CPU seconds its
    workers and command used, and each worker's peak RSS in MB."""
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # its HTTP server on any free port: a busy 8787 would print a warning
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        address = cluster.scheduler_address
        before = sum(client.run(cpu_seconds).values())
        arguments = [str(source), "-o", str(target), "--engine", "dask", "--scheduler", address]
        seconds, command_cpu = timed(command(*arguments))
        used = sum(client.run(cpu_seconds).values()) - before + command_cpu
        peaks = sorted(client.run(peak_rss_mb).values())
    shutil.rmtree(target)
    return seconds, used, peaks


def report(label: str, rows: int, seconds: float, cpu: float) -> float:
    print(
        f"{label}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s; "
        f"CPU {cpu:.1f} s = {rows / cpu:,.0f} rows per CPU-second",
        flush=True,
    )
    return rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the input")
    parser.add_argument("--small", type=int, default=100_000, help="rows of the memory check")
    parser.add_argument("--file-rows", type=int, default=50_000, help="rows per input file")
    args = parser.parse_args()
    share = distinct_share(distinct_tasks(min(args.rows, 100_000)))
    print(
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; {args.rows:,} distinct tasks "
        f"({share:.0%} of words distinct) in files of {args.file_rows:,} rows",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as scratch:
        big, small = Path(scratch) / "big", Path(scratch) / "small"
        write_parquet(big, args.rows, args.file_rows)
        local_seconds, local_cpu = timed(command(str(big), "-o", f"{scratch}/local.parquet"))
        local = report("(L) local batch", args.rows, local_seconds, local_cpu)
        seconds, one_cpu, one_peaks = on_dask(big, Path(scratch) / "d1", 1)
        one = report("(D1) dask, 1 worker", args.rows, seconds, one_cpu)
        seconds, two_cpu, two_peaks = on_dask(big, Path(scratch) / "d2", 2)
        two = report("(D2) dask, 2 workers", args.rows, seconds, two_cpu)
        print(f"load average now: {os.getloadavg()[0]:.2f}")
        print(f"D2/D1: {two / one:.2f} (target >= 1.7)")
        print(f"D1/L: {one / local:.2f} (target >= 0.85); by CPU time {local_cpu / one_cpu:.2f}")
        print(
            f"worker peak RSS: D1 {one_peaks[0]:.0f} MB; D2 "
            + ", ".join(f"{p:.0f}" for p in two_peaks)
            + " MB"
        )
        if args.small and args.small < args.rows:
            write_parquet(small, args.small, args.file_rows)
            _, _, small_peaks = on_dask(small, Path(scratch) / "s2", 2)
            print(
                f"worker peak RSS at {args.small:,} rows (D2): "
                + ", ".join(f"{p:.0f}" for p in small_peaks)
                + " MB; "
                f"{args.rows:,} / {args.small:,}: {max(two_peaks) / max(small_peaks):.2f} "
                "(target: flat, <= 1.2)"
            )


if __name__ == "__main__":
    main()
