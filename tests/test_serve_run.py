"""`model-advisor serve` as a real process: it starts, answers, and stops cleanly; a broken
knowledge directory stops it before it listens."""

from __future__ import annotations

import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from model_advisor.cli import cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(*options: str) -> tuple[subprocess.Popen[str], str]:
    """A `serve` process on a free loopback port, and its base URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "model_advisor", "serve", "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}: {process.communicate()}")
        try:
            httpx.get(f"{url}/healthz", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("serve did not answer within 60 s")


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    return process.returncode, stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_process_answers_and_stops_cleanly_on_sigterm(workers: str) -> None:
    process, url = start("--workers", workers)
    try:
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
        advice = httpx.post(f"{url}/v1/advise", json={"task": "predict weather"}).json()
        assert advice["category"] == "discriminative"
    finally:
        returncode, stderr = stop(process)
    assert returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Shutting down" in stderr


def test_serve_workers_answer_kept_alive_connections_without_delay() -> None:
    """With several workers, a kept-alive connection once waited 40 ms a request (Nagle's
    algorithm against delayed ACKs); the median must stay far below that."""
    process, url = start("--workers", "2")
    try:
        with httpx.Client() as client:
            times = []
            for _ in range(21):
                began = time.perf_counter()
                client.post(f"{url}/v1/advise", json={"task": "predict weather"})
                times.append(time.perf_counter() - began)
    finally:
        stop(process)
    assert statistics.median(times[1:]) < 0.025, times


def test_serve_process_with_api_key_refuses_a_call_without_it() -> None:
    process, url = start("--api-key", "k3y")
    try:
        assert httpx.get(f"{url}/v1/knowledge").status_code == 401
        headers = {"Authorization": "Bearer k3y"}
        assert httpx.get(f"{url}/v1/knowledge", headers=headers).status_code == 200
    finally:
        returncode, _ = stop(process)
    assert returncode == 0


def test_serve_process_with_workers_uses_the_given_knowledge(tiny_dir: Path) -> None:
    process, url = start("--workers", "2", "--rules", str(tiny_dir))
    try:
        info = httpx.get(f"{url}/v1/knowledge").json()
    finally:
        stop(process)
    assert [c["id"] for c in info["categories"]] == ["discriminative", "generative", "agi"]
    from model_advisor import Advisor

    assert info["knowledge_sha256"] == Advisor.from_dir(tiny_dir).knowledge.sha256


def test_serve_broken_knowledge_stops_before_listening(tiny_copy: Path) -> None:
    rules = tiny_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("weight: 0.9", "weight: 9"))
    port = free_port()
    command = [sys.executable, "-m", "model_advisor", "serve", "--port", str(port)]
    result = subprocess.run(
        [*command, "--rules", str(tiny_copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {rules}:")
    assert "Input should be less than or equal to 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Uvicorn running" not in result.stderr


def test_serve_warns_outside_loopback_without_a_key(tiny_copy: Path) -> None:
    # The knowledge is broken, so nothing is ever bound: only the warning is seen.
    rules = tiny_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("weight: 0.9", "weight: 9"))
    args = ["serve", "--host", "0.0.0.0", "--rules", str(tiny_copy)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr.startswith("Warning: serving on 0.0.0.0 without authentication")
    keyed = CliRunner().invoke(cli, [*args, "--api-key", "k"])
    assert "Warning" not in keyed.stderr
