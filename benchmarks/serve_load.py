"""How does `model-advisor serve` hold up? Prints the figures the serve issue sets targets for.

It starts ``model-advisor serve --workers 2`` on a free port of 127.0.0.1 and, from a client in
this process (plain asyncio sockets with keep-alive, so the client costs little of the CPU the
server needs), sends a fixed number of one-task ``POST /v1/advise`` requests in four phases:

1. **fixed rate**: ``--rate`` requests a second (200) for ``--rate-requests`` requests, sent on
   schedule whether or not earlier ones are done; latency runs from the scheduled moment, so a
   server falling behind shows in p99 (target: p99 under 20 ms);
2. **burst**: ``--burst`` requests (2,000) from ``--clients`` concurrent clients (50), each on
   its own connection, as fast as they are answered; errors are counted (target: none);
3. **soak**: ``--soak`` requests (100,000) from 8 clients, each opening a new connection
   every 100 requests (kept-alive connections stay with the worker that accepted them), with
   the workers' resident memory read from /proc before, along the way and after (target:
   flat);
4. **in process**: ``Advisor.advise`` on the same texts in this process, one after another,
   for the ratio of HTTP throughput (the burst's requests/s, 2 workers) to it (1 process).

The task texts are the ``--corpus distinct`` texts of ``batch_throughput.py`` (fixed seed,
mostly made-up words, so the per-word caches help no more than on real, varied text), one
text per request, cycling after ``--texts``. Only loopback is ever contacted; every phase has
a fixed count and every request a timeout, and the server is stopped at the end. After each
phase the split of the workers' CPU time shows how evenly the kernel spread the connections.

Run: ``python benchmarks/serve_load.py [--soak N]``. Needs the serve extra. The machine has 2
cores shared by the server's 2 workers, this client and anything else running: figures are
noisy, and the burst's requests/s is a floor for what the server alone could do.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from batch_throughput import distinct_tasks

from model_advisor.advice.advisor import load_long_lived

HOST = "127.0.0.1"  # loopback only: this benchmark never sends anything elsewhere
TIMEOUT = 30.0  # seconds a request may take before it counts as an error


@dataclass
class Tally:
    """Latencies (seconds) of the answered requests, and the failures by kind."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def fail(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self, seconds: float) -> str:
        done = len(self.latencies)
        ordered = sorted(self.latencies) or [float("nan")]
        p50 = ordered[len(ordered) // 2] * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        errors = sum(self.errors.values())
        detail = f" {self.errors}" if errors else ""
        return (
            f"{done:,} answered in {seconds:.2f} s = {done / seconds:,.0f} req/s; "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms; errors {errors}{detail}"
        )


class Connection:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return int(status_line.split()[1]), payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def bodies(texts: Sequence[str]) -> Iterator[bytes]:
    for text in itertools.cycle(texts):
        yield json.dumps({"task": text}).encode()


async def _send(connection: Connection, body: bytes, tally: Tally, since: float) -> None:
    try:
        status, _ = await asyncio.wait_for(connection.post("/v1/advise", body), TIMEOUT)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as err:
        connection.close()
        tally.fail(type(err).__name__)
        return
    if status == 200:
        tally.latencies.append(time.perf_counter() - since)
    else:
        tally.fail(f"HTTP {status}")


async def fixed_rate(
    port: int, texts: Sequence[str], rate: float, count: int
) -> tuple[Tally, float]:
    """``count`` requests, the i-th sent at start + i/rate on a free connection."""
    tally = Tally()
    idle = [Connection(port) for _ in range(32)]
    pending: set[asyncio.Task[None]] = set()
    source = bodies(texts)
    start = time.perf_counter()

    async def one(at: float, body: bytes) -> None:
        connection = idle.pop() if idle else Connection(port)
        try:
            await _send(connection, body, tally, at)
        finally:
            idle.append(connection)

    for i in range(count):
        at = start + i / rate
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        task = asyncio.create_task(one(at, next(source)))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    seconds = time.perf_counter() - start
    for connection in idle:
        connection.close()
    return tally, seconds


async def closed_loop(
    port: int,
    texts: Sequence[str],
    clients: int,
    count: int,
    every: int = 0,
    probe: Callable[[], None] | None = None,
    reconnect: int = 0,
) -> tuple[Tally, float]:
    """``count`` requests from ``clients`` clients, each sending its next one when answered.

    With ``every``, ``probe()`` is called after each ``every`` requests (memory readings).
    With ``reconnect``, a client opens a new connection after that many requests, so that
    over a long run the connections, and the requests, spread over the workers."""
    tally = Tally()
    source = bodies(texts)
    sent = 0

    async def client() -> None:
        nonlocal sent
        connection = Connection(port)
        mine = 0
        while sent < count:
            sent += 1
            mine += 1
            if every and sent % every == 0 and probe is not None:
                probe()
            if reconnect and mine % reconnect == 0:
                connection.close()
            await _send(connection, next(source), tally, time.perf_counter())
        connection.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return tally, time.perf_counter() - start


def worker_pids(parent: int) -> list[int]:
    """uvicorn's worker processes: children of ``parent`` started by multiprocessing."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) != parent:
                continue
            if b"spawn_main" in (entry / "cmdline").read_bytes():  # not the resource tracker
                found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pids: Sequence[int]) -> list[float]:
    """User + system CPU seconds of each process so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = []
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        found.append((int(fields[11]) + int(fields[12])) / ticks)
    return found


def shares(before: Sequence[float], after: Sequence[float]) -> str:
    """How the CPU time of a phase split between the workers."""
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent) or 1.0
    return "workers' CPU " + " / ".join(f"{s:.1f} s ({s / total:.0%})" for s in spent)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "model_advisor", "serve", "--host", HOST]
    command += ["--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"serve exited with {server.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        raise SystemExit("serve did not start within 60 s")
    while len(worker_pids(server.pid)) < workers and time.monotonic() < deadline:
        time.sleep(0.1)
    return server


def in_process(texts: Sequence[str], count: int) -> float:
    """Advice per second of ``Advisor.advise`` in this process, on ``count`` texts."""
    advisor = load_long_lived()
    cycle = itertools.islice(itertools.cycle(texts), count)
    start = time.perf_counter()
    for text in cycle:
        advisor.advise(text)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--rate-requests", type=int, default=2_000)
    parser.add_argument("--burst", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--soak", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=20_000, help="distinct texts, then cycled")
    args = parser.parse_args()

    texts = list(distinct_tasks(args.texts))
    port = free_port()
    server = start_server(port, args.workers)
    workers = worker_pids(server.pid)
    print(f"serve --workers {args.workers} on {HOST}:{port}, workers {workers}")
    print(f"{len(texts):,} texts (distinct corpus), cycled; {os.cpu_count()} cores")
    try:
        asyncio.run(closed_loop(port, texts, 8, 400, reconnect=10))  # warm-up, not counted
        cpu = cpu_seconds(workers)
        tally, seconds = asyncio.run(fixed_rate(port, texts, args.rate, args.rate_requests))
        print(f"fixed rate {args.rate:.0f}/s: {tally.summary(seconds)}")
        print(f"  {shares(cpu, cpu := cpu_seconds(workers))}")
        burst, burst_seconds = asyncio.run(closed_loop(port, texts, args.clients, args.burst))
        print(f"burst {args.burst:,} from {args.clients} clients: {burst.summary(burst_seconds)}")
        print(f"  {shares(cpu, cpu := cpu_seconds(workers))}")

        before = [rss_mb(p) for p in workers]
        readings: list[list[float]] = []
        every = max(1, args.soak // 5)
        soak, soak_seconds = asyncio.run(
            closed_loop(
                port,
                texts,
                8,
                args.soak,
                every,
                lambda: readings.append([rss_mb(p) for p in workers]),
                reconnect=100,
            )
        )
        after = [rss_mb(p) for p in workers]
        print(f"soak {args.soak:,} from 8 clients: {soak.summary(soak_seconds)}")
        print(f"  {shares(cpu, cpu_seconds(workers))}")
        print(f"worker RSS MB before: {', '.join(f'{m:.1f}' for m in before)}")
        for n, reading in enumerate(readings, 1):
            print(f"  after {n * every:>7,}: {', '.join(f'{m:.1f}' for m in reading)}")
        print(f"worker RSS MB after:  {', '.join(f'{m:.1f}' for m in after)}")
        growth = max(a - b for a, b in zip(after, before, strict=True))
        print(f"largest growth of a worker: {growth:+.1f} MB")
        if readings:  # once the caches are full: the first reading on
            late = max(a - b for a, b in zip(after, readings[0], strict=True))
            print(f"largest growth of a worker after the first {every:,} requests: {late:+.1f} MB")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    local = in_process(texts, min(args.texts, 5_000))
    http = len(burst.latencies) / burst_seconds
    print(f"in process: Advisor.advise {local:,.0f}/s (1 process)")
    print(
        f"ratio HTTP ({args.workers} workers, burst) / in process (1 process): {http / local:.2f}"
        f" ({http / args.workers / local:.2f} per worker)"
    )
    print(f"server exit code {server.returncode}")


if __name__ == "__main__":
    main()
