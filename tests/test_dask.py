"""The Dask engine and model_advisor.dask, on a local cluster of 2 real worker processes."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result
from distributed import Client, LocalCluster

from model_advisor import BatchError, ModelFileError, TableError, advise_file
from model_advisor import advise_frame as advise_pandas_frame
from model_advisor.batch import work as batch_work
from model_advisor.cli import cli
from model_advisor.dask import advise_frame

ADDED = ["category", "confidence", "ambiguous", "reason", "error"]
TASKS = [
    "predict weather",
    None,
    "draft a sales email",
    "",
    "   ",
    "write a poem about the sea",
    "classify support tickets",
    "generate product photos",
    "detect fraud in payments",
    "summarise customer reviews",
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """Two worker processes, one thread each; a task on a worker that dies fails at once."""
    home = tmp_path_factory.mktemp("worker-home")
    with (
        pytest.MonkeyPatch.context() as patch,
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
    ):
        patch.setenv("MODEL_ADVISOR_HOME", str(home))  # the workers' cache, not the user's
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # its HTTP server on any free port: a busy 8787 would print a warning
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )
        with cluster, Client(cluster) as connected:
            yield connected


def run_batch(runner: CliRunner, knowledge: Path, *args: str, **kwargs: Any) -> Result:
    return runner.invoke(cli, ["batch", "--rules", str(knowledge), *args], **kwargs)


def write_input(directory: Path, copies: int = 3, files: int = 3) -> Path:
    """A multi-file Parquet input with null, empty and blank tasks; row groups of 4."""
    directory.mkdir(parents=True, exist_ok=True)
    tasks = [f"{t} {n}" if t and t.strip() else t for n in range(copies) for t in TASKS]
    size = -(-len(tasks) // files)
    for number in range(files):
        chunk = tasks[number * size : (number + 1) * size]
        start = number * size
        table = pa.table(
            {
                "id": pa.array(range(start, start + len(chunk)), pa.int64()),
                "task": pa.array(chunk, pa.string()),
                "score": pa.array([n / 3 for n in range(len(chunk))], pa.float64()),
            }
        )
        pq.write_table(table, directory / f"tasks-{number}.parquet", row_group_size=4)
    return directory


def test_dask_batch_equals_the_local_batch_row_for_row(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in")
    local = run_batch(runner, tiny_dir, str(source), "-o", str(tmp_path / "local.parquet"))
    assert local.exit_code == 0, local.output
    spread = run_batch(
        runner,
        tiny_dir,
        str(source),
        "-o",
        str(tmp_path / "dask"),
        "--engine",
        "dask",
        "--workers",
        "2",
        catch_exceptions=False,
    )
    assert spread.exit_code == 0, spread.output
    assert spread.stderr == local.stderr  # the same summary, first error included
    assert "first: row 2: empty task" in spread.stderr
    parts = sorted(p.name for p in (tmp_path / "dask").iterdir())
    assert parts == ["part.00000.parquet", "part.00001.parquet", "part.00002.parquet"]
    expected = pd.read_parquet(tmp_path / "local.parquet")
    got = pd.read_parquet(tmp_path / "dask")
    pd.testing.assert_frame_equal(got, expected)
    assert got["id"].tolist() == list(range(len(TASKS) * 3))
    assert got["error"].notna().sum() == 3 * 3  # None, "" and "   " in each copy
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_dask_batch_on_a_running_scheduler_with_csv_input(
    client: Client, runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.csv"
    source.write_text("id,task\n1,predict weather\n2,\n3,draft a sales email\n")
    result = run_batch(
        runner,
        tiny_dir,
        str(source),
        "-o",
        str(tmp_path / "out"),
        "--quiet",
        "--engine",
        "dask",
        "--scheduler",
        client.scheduler.address,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    got = pd.read_parquet(tmp_path / "out")
    assert got["id"].tolist() == ["1", "2", "3"]  # CSV cells are text
    assert got["error"].tolist()[1] == "empty task"
    local = advise_pandas_frame(pd.DataFrame({"task": ["predict weather"]}), rules_path=tiny_dir)
    assert got["category"][0] == local["category"][0]


def test_dask_knowledge_is_loaded_once_per_worker(
    client: Client, tiny_copy: Path, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in", copies=8, files=8)
    before = client.run(batch_work.load_count)
    summary = advise_file(
        source,
        tmp_path / "out",
        rules_path=tiny_copy,
        engine="dask",
        scheduler=client.scheduler.address,
    )
    after = client.run(batch_work.load_count)
    assert summary.rows == len(TASKS) * 8
    loaded = {worker: after[worker] - before[worker] for worker in after}
    assert set(loaded.values()) <= {0, 1}  # 8 partitions, at most one load per worker
    assert sum(loaded.values()) >= 1


def test_dask_batch_reports_progress_by_part(
    client: Client, tiny_dir: Path, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in")
    seen: list[tuple[int, float | None]] = []
    advise_file(
        source,
        tmp_path / "out",
        rules_path=tiny_dir,
        engine="dask",
        scheduler=client.scheduler.address,
        progress=lambda rows, share: seen.append((rows, share)),
    )
    assert len(seen) == 3  # one call a part
    assert seen[-1] == (len(TASKS) * 3, 1.0)
    assert [rows for rows, _ in seen] == sorted(rows for rows, _ in seen)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--workers", "2"], "--workers and --scheduler go with --engine dask"),
        (["--engine", "dask", "--workers", "2", "--scheduler", "tcp://x:1"], "not both"),
        (["--engine", "dask", "--jobs", "2"], "with Dask, give --workers"),
    ],
)
def test_dask_batch_option_mistakes_are_usage_errors(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path, options: list[str], message: str
) -> None:
    result = run_batch(runner, tiny_dir, "in.parquet", "-o", str(tmp_path / "out"), *options)
    assert result.exit_code == 2 and message in result.stderr


def test_dask_advise_frame_is_lazy_and_equals_pandas(client: Client, tiny_dir: Path) -> None:
    frame = pd.DataFrame({"n": range(30), "task": [TASKS[i % len(TASKS)] for i in range(30)]})
    frame.index = pd.Index([f"row-{n:02d}" for n in range(30)])
    ddf = dd.from_pandas(frame, npartitions=3)
    advised = advise_frame(ddf, rules_path=tiny_dir)
    assert advised.npartitions == 3
    assert list(advised.columns) == ["n", "task", *ADDED]
    assert str(advised.dtypes["ambiguous"]) == "boolean"
    got = advised.compute()
    # compared with the frame as Dask holds it (Dask stores text as its string dtype)
    expected = advise_pandas_frame(ddf.compute(), rules_path=tiny_dir)
    pd.testing.assert_frame_equal(got, expected)
    assert got["n"].tolist() == list(range(30))


def test_dask_advise_frame_refuses_changed_knowledge(client: Client, tiny_copy: Path) -> None:
    ddf = dd.from_pandas(pd.DataFrame({"task": ["predict weather"] * 4}), npartitions=2)
    advised = advise_frame(ddf, rules_path=tiny_copy)
    notes = next(tiny_copy.glob("*.md"))
    notes.write_text(notes.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    with pytest.raises(ModelFileError, match="the knowledge changed"):
        advised.compute()


def test_dask_advise_frame_missing_column(client: Client) -> None:
    ddf = dd.from_pandas(pd.DataFrame({"text": ["predict weather"]}), npartitions=1)
    with pytest.raises(TableError, match="no column 'task'"):
        advise_frame(ddf)


def test_dask_batch_failing_task_leaves_nothing(
    client: Client, runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in")
    broken = source / "tasks-1.parquet"
    data = bytearray(broken.read_bytes())
    data[4:200] = b"\xff" * 196  # the first pages; the footer stays readable
    broken.write_bytes(bytes(data))
    out = tmp_path / "out"
    result = run_batch(
        runner,
        tiny_dir,
        str(source),
        "-o",
        str(out),
        "--engine",
        "dask",
        "--scheduler",
        client.scheduler.address,
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_dask_batch_strict_leaves_nothing(client: Client, tiny_dir: Path, tmp_path: Path) -> None:
    source = write_input(tmp_path / "in")
    with pytest.raises(BatchError, match=r"row 2: empty task \(strict"):
        advise_file(
            source,
            tmp_path / "out",
            rules_path=tiny_dir,
            engine="dask",
            strict=True,
            scheduler=client.scheduler.address,
        )
    assert not (tmp_path / "out").exists()


def test_dask_batch_missing_column_is_a_batch_error(tiny_dir: Path, tmp_path: Path) -> None:
    source = write_input(tmp_path / "in")
    with pytest.raises(BatchError, match="no column 'summary'"):
        advise_file(source, tmp_path / "out", rules_path=tiny_dir, engine="dask", column="summary")
    assert not (tmp_path / "out").exists()


def test_dask_batch_reads_a_pandas_index_as_dask_does(
    client: Client, tiny_dir: Path, tmp_path: Path
) -> None:
    frame = pd.DataFrame({"task": ["predict weather", "write a poem"]}, index=["a", "b"])
    (tmp_path / "in").mkdir()
    frame.to_parquet(tmp_path / "in" / "tasks.parquet")  # the index stored as a column
    advise_file(
        tmp_path / "in",
        tmp_path / "out",
        rules_path=tiny_dir,
        engine="dask",
        scheduler=client.scheduler.address,
    )
    got = pd.read_parquet(tmp_path / "out")
    assert got["task"].tolist() == ["predict weather", "write a poem"]
    assert got["category"].notna().all()


def test_dask_batch_unreachable_scheduler(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in")
    result = run_batch(
        runner,
        tiny_dir,
        str(source),
        "-o",
        str(tmp_path / "out"),
        "--engine",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: tcp://127.0.0.1:9: cannot reach the Dask scheduler")
    assert not (tmp_path / "out").exists()


def run_until_busy(
    client: Client,
    tiny_dir: Path,
    tmp_path: Path,
    interrupt: Callable[[subprocess.Popen[str], str], None],
) -> tuple[subprocess.Popen[str], str]:
    """Start ``batch --engine dask`` on the fixture's cluster, call ``interrupt(job, worker)``
    once a worker is busy with one of its tasks, and return the job, ended, with its stderr."""
    source = write_input(tmp_path / "in", copies=300, files=4)
    knowledge = tmp_path / "knowledge"
    shutil.copytree(tiny_dir, knowledge)  # new to the workers: each loads it, slowly enough
    command = [sys.executable, "-m", "model_advisor", "batch", "--rules", str(knowledge)]
    command += [str(source), "-o", str(tmp_path / "out"), "--full", "--engine", "dask"]
    command += ["--scheduler", client.scheduler.address]
    job = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        busy: list[str] = []
        while not busy and time.monotonic() < deadline and job.poll() is None:
            busy = [w for w, keys in client.processing().items() if keys]
            time.sleep(0.05)
        assert busy, "no task started"
        interrupt(job, busy[0])
        _, stderr = job.communicate(timeout=120)
    finally:
        if job.poll() is None:
            job.kill()
    return job, stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_dask_batch_stopped_by_a_signal_leaves_nothing(
    client: Client, tiny_dir: Path, tmp_path: Path, signum: int
) -> None:
    job, stderr = run_until_busy(client, tiny_dir, tmp_path, lambda job, _: job.send_signal(signum))
    assert job.returncode == 128 + signum, stderr
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "knowledge"]


def test_dask_batch_killed_worker_leaves_nothing(
    client: Client, tiny_dir: Path, tmp_path: Path
) -> None:
    # Last in this module: it kills one of the fixture's workers (its nanny starts another).
    pids = client.run(os.getpid)
    job, stderr = run_until_busy(
        client, tiny_dir, tmp_path, lambda _, worker: os.kill(pids[worker], signal.SIGKILL)
    )
    assert job.returncode == 1, stderr
    assert stderr.startswith("Error: ") and "worker died" in stderr
    assert stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "knowledge"]
