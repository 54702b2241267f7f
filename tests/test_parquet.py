"""Parquet in and out for the local batch: files, directories and globs, parts, streaming."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from model_advisor import BatchError, advise_file
from model_advisor.batch import parquet as batch_parquet
from model_advisor.cli import cli

ADDED = ["category", "confidence", "ambiguous", "reason", "error"]
TASKS = [
    "predict weather",
    None,
    "draft a sales email",
    "   ",
    "write a poem about the sea",
    "classify support tickets",
    "generate product photos",
    "detect fraud in payments",
]


def write_parts(directory: Path, tasks: list[str | None], files: int = 3) -> list[Path]:
    """``tasks`` split over ``files`` Parquet files named so that natural order matters."""
    directory.mkdir(parents=True, exist_ok=True)
    size = -(-len(tasks) // files)
    paths = []
    for number in range(files):
        chunk = tasks[number * size : (number + 1) * size]
        first = number * size
        table = pa.table(
            {
                "id": pa.array(range(first, first + len(chunk)), pa.int64()),
                "task": pa.array(chunk, pa.string()),
                "when": pa.array([datetime(2024, 1, 1 + i % 28) for i in range(len(chunk))]),
            }
        )
        path = directory / f"part.{number * 5}.parquet"  # part.0, part.5, part.10
        pq.write_table(table, path, row_group_size=2)
        paths.append(path)
    return paths


def run_batch(runner: CliRunner, tiny_dir: Path, *args: str) -> Result:
    return runner.invoke(cli, ["batch", "--rules", str(tiny_dir), *args])


def test_parquet_directory_to_file_keeps_rows_types_and_order(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    write_parts(tmp_path / "in", TASKS)
    out = tmp_path / "advised.parquet"
    result = run_batch(runner, tiny_dir, str(tmp_path / "in"), "-o", str(out))
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.column_names == ["id", "task", "when", *ADDED]
    assert table.schema.field("id").type == pa.int64()
    assert table.schema.field("when").type == pa.timestamp("us")
    assert table.schema.field("confidence").type == pa.float64()
    assert table.schema.field("ambiguous").type == pa.bool_()
    assert table.column("id").to_pylist() == list(range(len(TASKS)))  # part.10 after part.5
    assert table.column("task").to_pylist() == TASKS
    errors = table.column("error").to_pylist()
    assert errors == [None, "empty task", None, "empty task", None, None, None, None]
    assert table.column("category").null_count == 2
    assert result.stderr.strip().endswith("2 errors (first: row 2: empty task)")


def test_parquet_glob_and_single_file_give_the_same_rows(tiny_dir: Path, tmp_path: Path) -> None:
    write_parts(tmp_path / "in", TASKS)
    advise_file(tmp_path / "in", tmp_path / "a.parquet", rules_path=tiny_dir)
    advise_file(str(tmp_path / "in" / "*.parquet"), tmp_path / "b.parquet", rules_path=tiny_dir)
    single = tmp_path / "one.parquet"
    pq.write_table(pq.read_table(tmp_path / "a.parquet").select(["id", "task", "when"]), single)
    advise_file(single, tmp_path / "c.parquet", rules_path=tiny_dir)
    a = pd.read_parquet(tmp_path / "a.parquet")
    pd.testing.assert_frame_equal(a, pd.read_parquet(tmp_path / "b.parquet"))
    pd.testing.assert_frame_equal(a, pd.read_parquet(tmp_path / "c.parquet"))


def test_parquet_directory_output_is_parts_in_order(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_parquet, "PART_ROWS", 3)
    monkeypatch.setattr(batch_parquet, "ROW_GROUP_ROWS", 2)
    monkeypatch.setattr(batch_parquet, "READ_ROWS", 2)
    write_parts(tmp_path / "in", TASKS)
    out = tmp_path / "advised"
    advise_file(tmp_path / "in", out, output_format="parquet", rules_path=tiny_dir)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["part.00000.parquet", "part.00001.parquet", "part.00002.parquet"]
    assert [pq.read_metadata(out / n).num_rows for n in names] == [3, 3, 2]
    assert pd.read_parquet(out)["id"].tolist() == list(range(len(TASKS)))
    # a second run replaces an earlier output directory of parts
    advise_file(tmp_path / "in", out, output_format="parquet", rules_path=tiny_dir)
    assert len(pd.read_parquet(out)) == len(TASKS)


def test_parquet_to_csv_and_csv_to_parquet_agree(tiny_dir: Path, tmp_path: Path) -> None:
    write_parts(tmp_path / "in", TASKS)
    advise_file(tmp_path / "in", tmp_path / "advised.csv", rules_path=tiny_dir)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "advised.csv").read_text())))
    assert [r["id"] for r in rows] == [str(n) for n in range(len(TASKS))]
    assert rows[0]["when"] == "2024-01-01 00:00:00"  # a timestamp as text
    assert rows[1]["error"] == "empty task"
    source = tmp_path / "tasks.csv"
    source.write_text("id,task\n1,predict weather\n2,\n", encoding="utf-8")
    advise_file(source, tmp_path / "back.parquet", rules_path=tiny_dir)
    back = pq.read_table(tmp_path / "back.parquet")
    assert back.schema.field("id").type == pa.string()  # CSV cells are text
    assert back.column("error").to_pylist() == [None, "line 3: empty task"]
    assert back.column("category").to_pylist()[0] == rows[0]["category"]


def test_parquet_jobs_give_the_same_output(tiny_dir: Path, tmp_path: Path) -> None:
    tasks = [f"{t} number {n}" if t else t for n in range(200) for t in TASKS]
    write_parts(tmp_path / "in", tasks, files=4)
    advise_file(tmp_path / "in", tmp_path / "one.parquet", rules_path=tiny_dir)
    advise_file(tmp_path / "in", tmp_path / "two.parquet", rules_path=tiny_dir, jobs=2)
    assert pq.read_table(tmp_path / "one.parquet").equals(pq.read_table(tmp_path / "two.parquet"))


def test_parquet_strict_names_the_row(tiny_dir: Path, tmp_path: Path) -> None:
    write_parts(tmp_path / "in", TASKS)
    with pytest.raises(BatchError, match=r"row 2: empty task \(strict"):
        advise_file(tmp_path / "in", tmp_path / "out.parquet", rules_path=tiny_dir, strict=True)
    assert not (tmp_path / "out.parquet").exists()


def test_parquet_corrupt_file_leaves_nothing(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    paths = write_parts(tmp_path / "in", TASKS)
    paths[1].write_bytes(b"PAR1 this is not parquet")
    for out in ("out.parquet", "outdir"):
        result = run_batch(
            runner,
            tiny_dir,
            str(tmp_path / "in"),
            "-o",
            str(tmp_path / out),
            "--output-format",
            "parquet",
        )
        assert result.exit_code == 1
        assert result.stderr.count("Error:") == 1 and "part.5.parquet" in result.stderr
        assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # no temporary files left


def test_parquet_refuses_stdout_and_an_output_holding_the_input(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    write_parts(tmp_path / "in", TASKS)
    result = run_batch(runner, tiny_dir, str(tmp_path / "in"))
    assert result.exit_code == 1 and "not to stdout: give -o" in result.stderr
    result = run_batch(runner, tiny_dir, str(tmp_path / "in"), "-o", str(tmp_path / "in"))
    assert result.exit_code == 1 and "must not be the input" in result.stderr
    assert len(list((tmp_path / "in").iterdir())) == 3


def test_parquet_refuses_a_directory_with_other_files(tiny_dir: Path, tmp_path: Path) -> None:
    write_parts(tmp_path / "in", TASKS)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(BatchError, match="holds other files than Parquet parts"):
        advise_file(tmp_path / "in", out, output_format="parquet", rules_path=tiny_dir)
    assert (out / "notes.txt").read_text() == "keep me"


def test_parquet_missing_column_and_empty_glob(tiny_dir: Path, tmp_path: Path) -> None:
    write_parts(tmp_path / "in", TASKS)
    with pytest.raises(BatchError, match="no column 'summary'"):
        advise_file(tmp_path / "in", tmp_path / "o.parquet", rules_path=tiny_dir, column="summary")
    with pytest.raises(BatchError, match="no Parquet files"):
        advise_file(str(tmp_path / "none-*.parquet"), tmp_path / "o.parquet", rules_path=tiny_dir)


BLOCKER = """
import sys
from importlib.abc import MetaPathFinder

class Missing(MetaPathFinder):
    # as if the extra were not installed: these packages cannot be found
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"pyarrow", "dask", "distributed"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Missing())
from model_advisor.cli import cli
cli(sys.argv[1:])
"""


@pytest.mark.parametrize(
    ("extra", "hint"),
    [([], "pip install 'model-advisor[parquet]'"), (["--engine", "dask"], "[dask]'")],
)
def test_parquet_and_dask_without_the_extra_say_what_to_install(
    tiny_dir: Path, tmp_path: Path, extra: list[str], hint: str
) -> None:
    write_parts(tmp_path / "in", TASKS)
    command = [sys.executable, "-c", BLOCKER, "batch", "--rules", str(tiny_dir)]
    command += [str(tmp_path / "in"), "-o", str(tmp_path / "out.parquet"), *extra]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Error: ") and hint in done.stderr
    assert done.stderr.count("\n") == 1
    assert not (tmp_path / "out.parquet").exists()
