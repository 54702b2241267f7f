"""Batch runs under real faults: a full disk, a read-only place, a file-size limit, and an
input that vanishes or changes mid-run. Each must end in a clear error with nothing written
at the destination and the input untouched."""

from __future__ import annotations

import csv
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from model_advisor import Advisor, BatchError, advise_file
from model_advisor.cli import cli


def _tasks(path: Path, rows: int) -> bytes:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "task"])
        for n in range(rows):
            writer.writerow([n, f"write poem number {n}" if n % 2 else f"predict the weather {n}"])
    return path.read_bytes()


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_batch_faults_disk_full_is_a_clear_error(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.csv"
    before = _tasks(source, 3000)
    result = runner.invoke(cli, ["batch", "--rules", str(tiny_dir), str(source), "-o", "/dev/full"])
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.output
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # the device was written to, not replaced
    assert source.read_bytes() == before


def test_batch_faults_device_output_is_written_not_replaced(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.csv"
    _tasks(source, 10)
    result = runner.invoke(cli, ["batch", "--rules", str(tiny_dir), str(source), "-o", "/dev/null"])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("place", ["/sys/model-advisor-test.csv", "/proc/model-advisor-test.csv"])
def test_batch_faults_unwritable_place_is_a_clear_error(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path, place: str
) -> None:
    source = tmp_path / "tasks.csv"
    _tasks(source, 10)
    result = runner.invoke(cli, ["batch", "--rules", str(tiny_dir), str(source), "-o", place])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {place}: cannot write the output")
    assert not Path(place).exists()


def test_batch_faults_missing_destination_folder(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.csv"
    _tasks(source, 10)
    target = tmp_path / "no" / "such" / "dir" / "out.csv"
    result = runner.invoke(cli, ["batch", "--rules", str(tiny_dir), str(source), "-o", str(target)])
    assert result.exit_code == 1
    assert "cannot write the output" in result.stderr


def _limit_file_size() -> None:  # runs in the child: files may not grow past 64 KiB
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so a write fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_batch_faults_file_size_limit_leaves_nothing(tiny_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "tasks.csv"
    before = _tasks(source, 5000)  # about 150 KB of output
    target = tmp_path / "out" / "advised.csv"
    target.parent.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "model_advisor",
            "batch",
            "--rules",
            str(tiny_dir),
            str(source),
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        check=False,
        env={**os.environ},
    )
    assert done.returncode == 1, done.stderr
    assert "Error:" in done.stderr and "Traceback" not in done.stderr
    assert "too large" in done.stderr.lower()
    assert not target.exists()
    assert _leftovers(target.parent) == []
    assert source.read_bytes() == before


def test_batch_faults_input_vanishing_midway_writes_nothing(
    tiny_advisor: Advisor, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.csv"
    _tasks(source, 3000)
    target = tmp_path / "advised.csv"

    def remove_input(rows: int, fraction: float | None) -> None:
        source.unlink(missing_ok=True)  # really gone from the disk, mid-run

    with pytest.raises(BatchError, match="vanished"):
        advise_file(source, target, advisor=tiny_advisor, progress=remove_input)
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_batch_faults_input_changing_midway_writes_nothing(
    tiny_advisor: Advisor, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.csv"
    _tasks(source, 3000)
    target = tmp_path / "advised.csv"
    target.write_text("the previous complete result\n")

    def append_to_input(rows: int, fraction: float | None) -> None:
        with source.open("a") as handle:
            handle.write("9999,a task added while the batch was running\n")

    with pytest.raises(BatchError, match="changed while it was being read"):
        advise_file(source, target, advisor=tiny_advisor, progress=append_to_input)
    assert target.read_text() == "the previous complete result\n"  # untouched, not half-new
    assert _leftovers(tmp_path) == []


def test_batch_faults_input_replaced_midway_writes_nothing(
    tiny_advisor: Advisor, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.csv"
    _tasks(source, 3000)
    target = tmp_path / "advised.csv"

    def replace_input(rows: int, fraction: float | None) -> None:
        replacement = tmp_path / "other.csv"
        replacement.write_text("id,task\n1,write a poem\n")
        os.replace(replacement, source)

    with pytest.raises(BatchError, match="changed while it was being read"):
        advise_file(source, target, advisor=tiny_advisor, progress=replace_input)
    assert not target.exists()
