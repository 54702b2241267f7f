"""The batch: advise_file and the `batch` command, on the tiny knowledge directory."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from model_advisor import (
    Advisor,
    BatchError,
    BatchSummary,
    ModelFileError,
    advise_file,
)
from model_advisor.batch import MAX_ROW_CHARS, ProgressLine, advise_texts, progress_line
from model_advisor.batch import run as batch_run
from model_advisor.batch import work as batch_work
from model_advisor.cli import cli

DATA = Path(__file__).parent / "data" / "batch"
ADDED = ["category", "confidence", "ambiguous", "reason", "error"]


def run_batch(
    runner: CliRunner, tiny_dir: Path, *args: str, stdin: str | bytes | None = None
) -> Result:
    return runner.invoke(cli, ["batch", "--rules", str(tiny_dir), *args], input=stdin)


def read_csv(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def by_column(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- formats and round trips --------------------------------------------------------------


def test_batch_csv_keeps_columns_and_adds_results_in_order(
    runner: CliRunner, tiny_dir: Path
) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "tasks.csv"))
    assert result.exit_code == 0, result.output
    rows = read_csv(result.stdout)
    assert rows[0] == ["id", "task", "note", *ADDED]
    table = by_column(rows)
    assert [r["id"] for r in table] == ["1", "2", "3", "4"]
    assert [r["category"] for r in table] == ["discriminative", "generative", "", "generative"]
    assert table[1]["task"] == "write a poem\nabout the sea, with rhymes"  # quoted newline kept
    assert table[3]["task"] == 'draw a "cat" picture'
    assert table[0]["ambiguous"] in ("true", "false")
    assert 0 < float(table[0]["confidence"]) <= 1
    assert table[2]["error"] == "line 5: empty task"  # row 2 spans lines 3-4
    assert [r["error"] for r in table if r["id"] != "3"] == ["", "", ""]


def test_batch_reason_is_the_first_citation(
    runner: CliRunner, tiny_dir: Path, tiny_advisor: Advisor
) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "tasks.csv"))
    reason = by_column(read_csv(result.stdout))[0]["reason"]
    cited = tiny_advisor.advise("predict the weather").citations[0]
    assert reason == f"{cited.section} (line {cited.line}): {cited.quote}"


@pytest.mark.parametrize("output_format", ["csv", "tsv", "jsonl", "json"])
@pytest.mark.parametrize("source", ["tasks.csv", "tasks.tsv", "tasks.jsonl"])
def test_batch_round_trips_every_format(
    runner: CliRunner, tiny_dir: Path, source: str, output_format: str
) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / source), "--output-format", output_format)
    assert result.exit_code == 0, result.output
    records = parse(result.stdout, output_format)
    inputs = {"tasks.csv": 4, "tasks.tsv": 2, "tasks.jsonl": 4}[source]
    assert len(records) == inputs
    assert records[0]["task"] == "predict the weather"
    assert records[0]["category"] == "discriminative"
    assert str(records[0]["id"]) == "1"
    assert list(records[0])[-5:] == ADDED


def parse(text: str, output_format: str) -> list[dict[str, Any]]:
    if output_format in ("csv", "tsv"):
        return by_column(read_csv(text, "\t" if output_format == "tsv" else ","))
    if output_format == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    data = json.loads(text)
    assert isinstance(data, list)
    return data


AWKWARD_FIELDS = ["a\rb", "c\r\nd", "e\nf", 'say "hi", then', "tab\there", "", " padded ", "é"]


@pytest.mark.parametrize("output_format", ["csv", "tsv"])
def test_batch_awkward_fields_read_back_unchanged(
    tiny_dir: Path, tmp_path: Path, output_format: str
) -> None:
    source, target = tmp_path / "tasks.csv", tmp_path / f"out.{output_format}"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(["task", "note"])
        writer.writerows(
            [f"predict the weather {n}", note] for n, note in enumerate(AWKWARD_FIELDS)
        )
    advise_file(source, target, rules_path=tiny_dir)
    with target.open(newline="", encoding="utf-8") as handle:
        delimiter = "\t" if output_format == "tsv" else ","
        rows = list(csv.reader(handle, delimiter=delimiter))
    assert len(rows) == 1 + len(AWKWARD_FIELDS)  # a lone carriage return splits no row
    assert [row[1] for row in rows[1:]] == AWKWARD_FIELDS
    assert {row[2] for row in rows[1:]} == {"discriminative"}


def test_batch_json_lines_records_stay_one_line_for_any_reader(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.jsonl"
    odd = "a\u2028b\x85c\u2029d"  # line ends to str.splitlines(), plain characters to JSON
    source.write_text(
        json.dumps({"task": f"write a poem {odd}", "note": odd}) + "\n", encoding="utf-8"
    )
    result = run_batch(runner, tiny_dir, str(source), "--output-format", "jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["note"] == odd and record["task"].endswith(odd)
    assert record["category"] == "generative"


def test_batch_csv_from_json_lines_without_columns_stays_square(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.jsonl"
    source.write_text('{}\n{"task": "write a poem"}\n', encoding="utf-8")  # no input columns
    result = run_batch(runner, tiny_dir, str(source), "--output-format", "csv")
    rows = read_csv(result.stdout)
    assert rows[0] == ADDED
    assert [len(row) for row in rows] == [len(ADDED)] * 3
    assert rows[1][4] == "line 1: empty task" and rows[2][0] == "generative"


def test_batch_jsonl_keeps_values_and_marks_bad_lines(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "tasks.jsonl"))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4  # the blank line is not a row
    assert records[0]["tags"] == ["a"] and records[0]["error"] is None
    assert records[0]["confidence"] > 0 and isinstance(records[0]["ambiguous"], bool)
    assert records[2]["error"].startswith("line 4: not JSON")
    assert records[3]["error"] == "line 5: the task ('task') is not a string"
    assert records[3]["category"] is None


def test_batch_full_adds_the_whole_advice(
    runner: CliRunner, tiny_dir: Path, tiny_advisor: Advisor
) -> None:
    result = run_batch(
        runner, tiny_dir, str(DATA / "tasks.tsv"), "--full", "--output-format", "jsonl"
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    expected = tiny_advisor.advise("predict the weather").model_dump(mode="json")
    assert records[0]["advice"] == expected
    assert records[0]["confidence"] == expected["confidence"]
    as_csv = run_batch(
        runner, tiny_dir, str(DATA / "tasks.tsv"), "--full", "--output-format", "csv"
    )
    table = by_column(read_csv(as_csv.stdout))
    assert json.loads(table[0]["advice"]) == expected


def test_batch_brief_and_full_agree_on_the_columns(runner: CliRunner, tiny_dir: Path) -> None:
    brief = parse(run_batch(runner, tiny_dir, str(DATA / "tasks.csv")).stdout, "csv")
    full = parse(run_batch(runner, tiny_dir, str(DATA / "tasks.csv"), "--full").stdout, "csv")
    assert [{k: r[k] for k in ADDED} for r in brief] == [{k: r[k] for k in ADDED} for r in full]


def test_batch_detects_jsonl_and_delimiters_from_content(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    lines = tmp_path / "tasks.txt"
    lines.write_bytes((DATA / "tasks.jsonl").read_bytes())
    assert json.loads(run_batch(runner, tiny_dir, str(lines)).stdout.splitlines()[0])["id"] == 1
    result = run_batch(runner, tiny_dir, str(DATA / "semicolon.csv"))
    table = by_column(read_csv(result.stdout))
    assert [r["category"] for r in table] == ["discriminative", "generative"]


def test_batch_delimiter_option_overrides_the_guess(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "semicolon.csv"), "--delimiter", ",")
    assert result.exit_code == 1
    assert "no task, description or text column" in result.stderr


def test_batch_output_format_follows_the_output_extension(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "advised.json"
    result = run_batch(runner, tiny_dir, str(DATA / "tasks.csv"), "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 4


# --- awkward input ----------------------------------------------------------------------


def test_batch_skips_a_utf8_bom(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "bom.csv"))
    rows = read_csv(result.stdout)
    assert rows[0][:2] == ["Task", "id"]
    assert rows[1][2] == "discriminative"


def test_batch_reads_latin1_with_its_encoding(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "latin1.csv"), "--encoding", "latin-1")
    table = by_column(read_csv(result.stdout))
    assert [r["who"] for r in table] == ["José", "Renée", "Ann"]
    assert [r["error"] for r in table] == ["", "", ""]


def test_batch_marks_undecodable_rows_and_goes_on(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "latin1.csv"))
    assert result.exit_code == 0
    table = by_column(read_csv(result.stdout))
    assert len(table) == 3
    assert table[0]["error"] == "line 2: bytes that are not utf-8; try another --encoding"
    assert table[0]["who"] == "Jos\ufffd" and table[0]["category"] == ""
    assert table[2]["category"] == "discriminative" and table[2]["error"] == ""
    assert "3 rows: 1 discriminative" in result.stderr and "2 errors" in result.stderr


def test_batch_marks_rows_with_nul_bytes(runner: CliRunner, tiny_dir: Path) -> None:
    table = by_column(read_csv(run_batch(runner, tiny_dir, str(DATA / "nul.csv")).stdout))
    assert [r["category"] for r in table] == ["discriminative", "", "discriminative"]
    assert table[1]["error"].startswith("line 3: NUL bytes")


def test_batch_ragged_rows_get_errors_and_keep_the_table_square(
    runner: CliRunner, tiny_dir: Path
) -> None:
    rows = read_csv(run_batch(runner, tiny_dir, str(DATA / "ragged.csv")).stdout)
    assert {len(row) for row in rows} == {8}
    table = by_column(rows)
    assert table[1]["error"] == "line 3: ragged row: 1 of 3 fields, so no task"
    assert table[2]["category"] == "generative"  # short, but the task is there
    assert table[3]["error"].startswith("line 5: ragged row: 4 fields, the header has 3")
    assert table[3]["note"] == "b"
    assert table[4]["category"] == "generative"


def test_batch_empty_file_is_an_error(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "empty.csv"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {DATA / 'empty.csv'}: the file is empty")
    assert "Traceback" not in result.output


def test_batch_header_only_file_gives_an_empty_table(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "header-only.csv"))
    assert result.exit_code == 0
    assert result.stdout == "id,task,category,confidence,ambiguous,reason,error\n"
    as_json = run_batch(runner, tiny_dir, str(DATA / "header-only.csv"), "--output-format", "json")
    assert json.loads(as_json.stdout) == []
    assert "0 rows" in result.stderr


def test_batch_huge_field_is_cut_and_the_rest_stays_in_step(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "huge.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "task"])
        writer.writerow(["1", "predict the weather"])
        writer.writerow(["2", 'a "quoted"\n' + "x" * 10_000_000])  # 10 MB, quotes, a newline
        writer.writerow(["3", "write a poem"])
    result = run_batch(runner, tiny_dir, str(source), "--output-format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["1", "2", "3"]
    assert records[1]["error"] == f"line 3: row longer than {MAX_ROW_CHARS:,} characters: cut there"
    assert len(records[1]["task"]) <= MAX_ROW_CHARS
    assert [records[0]["category"], records[2]["category"]] == ["discriminative", "generative"]


def test_batch_binary_file_is_not_a_table(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "image.csv"
    source.write_bytes(bytes(range(256)) * 40)
    result = run_batch(runner, tiny_dir, str(source))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {source}: not a text table: ")
    assert "looks binary" in result.stderr


def test_batch_json_array_is_not_json_lines(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.json"
    source.write_text('[{"task": "write a poem"}]\n', encoding="utf-8")
    result = run_batch(runner, tiny_dir, str(source))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {source}:1: a JSON array is not read")


def test_batch_utf16_file_needs_its_encoding(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "wide.csv"
    source.write_bytes("task\nwrite a poem\n".encode("utf-16"))
    result = run_batch(runner, tiny_dir, str(source))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {source}: the file is UTF-16")
    wide = run_batch(runner, tiny_dir, str(source), "--encoding", "utf-16")
    assert by_column(read_csv(wide.stdout))[0]["category"] == "generative"


def test_batch_deeply_nested_json_line_is_a_bad_row(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    source.write_text(f'{{"task": "write a poem"}}\n{{"task": {deep}}}\n', encoding="utf-8")
    result = run_batch(runner, tiny_dir, str(source))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["category"] == "generative"
    assert records[1]["error"].startswith("line 2: not JSON")


@pytest.mark.parametrize("output_format", ["jsonl", "csv"])
def test_batch_lone_surrogate_escapes_are_bad_rows_kept_readable(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path, output_format: str
) -> None:
    source = tmp_path / "surrogates.jsonl"
    deep = "[" * 900 + '"\\udfff"' + "]" * 900  # deeper than Python recurses
    source.write_text(
        '{"task": "write a poem \\ud800", "note": "a"}\n'  # the first line too is only a row
        '{"task": "predict the weather", "note": "\\ud83d\\ude00 \\\\ud800"}\n'  # a pair; "\\"
        f'{{"task": "predict the weather", "note": {{"k\\udc00": {deep}}}}}\n'
        '{"task": "write a poem", "note": "b"}\n',
        encoding="utf-8",
    )
    result = run_batch(runner, tiny_dir, str(source), "--output-format", output_format)
    assert result.exit_code == 0, result.output
    records = parse(result.stdout, output_format)
    assert len(records) == 4
    assert records[0]["task"] == "write a poem \ufffd" and records[0]["note"] == "a"
    assert "lone surrogate" in records[0]["error"] and not records[0]["category"]
    assert records[1]["note"] == "\U0001f600 \\ud800" and not records[1]["error"]
    assert "lone surrogate" in records[2]["error"] and "k\ufffd" in str(records[2]["note"])
    assert records[3]["category"] == "generative"


# --- columns ----------------------------------------------------------------------------


def test_batch_missing_task_column_is_an_error(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "other.csv"
    source.write_text("id,prompt\n1,write a poem\n", encoding="utf-8")
    result = run_batch(runner, tiny_dir, str(source))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {source}:1: no task, description or text column among the columns: "
        "id, prompt; use --column\n"
    )
    named = run_batch(runner, tiny_dir, str(source), "--column", "PROMPT")
    assert by_column(read_csv(named.stdout))[0]["category"] == "generative"


def test_batch_column_by_number_without_header(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(
        runner, tiny_dir, str(DATA / "no-header.csv"), "--no-header", "--column", "1"
    )
    rows = read_csv(result.stdout)
    assert rows[0] == ["column_1", "column_2", *ADDED]
    assert [r[2] for r in rows[1:]] == ["discriminative", "generative"]


def test_batch_no_header_needs_a_column_number(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "no-header.csv"), "--no-header")
    assert result.exit_code == 1
    assert "give the column's number: --column N" in result.stderr


def test_batch_column_out_of_range_is_an_error(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, str(DATA / "tasks.csv"), "--column", "9")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {DATA / 'tasks.csv'}:1: there is no column 9: the first row has 3\n"
    )


def test_batch_input_column_named_like_an_output_column_is_an_error(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "advised.csv"
    source.write_text("task,Category\nwrite a poem,x\n", encoding="utf-8")
    result = run_batch(runner, tiny_dir, str(source))
    assert result.exit_code == 1
    assert "the input has a column 'category', which the output adds" in result.stderr


# --- streams, files and errors ----------------------------------------------------------


def test_batch_reads_stdin_and_writes_stdout(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, "-", stdin="task\nwrite a poem\nsort books\n")
    assert result.exit_code == 0
    table = by_column(read_csv(result.stdout))
    assert [r["category"] for r in table] == ["generative", "discriminative"]
    assert (
        result.stderr == "2 rows: 1 discriminative, 1 generative, 0 agi, 0 undetermined; 0 errors\n"
    )


def test_batch_quiet_prints_no_summary(runner: CliRunner, tiny_dir: Path) -> None:
    result = run_batch(runner, tiny_dir, "-", "--quiet", stdin="task\nwrite a poem\n")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_batch_strict_stops_at_the_first_bad_row_naming_its_line(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    result = run_batch(runner, tiny_dir, str(DATA / "tasks.csv"), "--strict", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {DATA / 'tasks.csv'}:5: empty task (strict: stopped at the first bad row)\n"
    )
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone too


def test_batch_output_file_is_complete_and_input_unchanged(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.csv"
    source.write_bytes((DATA / "tasks.csv").read_bytes())
    target = tmp_path / "out.csv"
    result = run_batch(runner, tiny_dir, str(source), "-o", str(target))
    assert result.exit_code == 0
    assert source.read_bytes() == (DATA / "tasks.csv").read_bytes()
    assert target.read_text(encoding="utf-8") == run_batch(runner, tiny_dir, str(source)).stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "tasks.csv"]


def test_batch_refuses_to_write_over_its_input(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.csv"
    source.write_bytes((DATA / "tasks.csv").read_bytes())
    result = run_batch(runner, tiny_dir, str(source), "-o", str(source))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {source}: the output must be a file, and not the input\n"
    assert source.read_bytes() == (DATA / "tasks.csv").read_bytes()


def test_batch_missing_input_is_an_error(runner: CliRunner, tiny_dir: Path, tmp_path: Path) -> None:
    result = run_batch(runner, tiny_dir, str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {tmp_path / 'nope.csv'}: cannot read the input: No such file or directory\n"
    )


def write_tasks(path: Path, rows: int) -> None:
    texts = ["predict the weather", "write a poem", "sort books", "do whole human jobs", ""]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "task"])
        writer.writerows([n, f"{texts[n % 5]} {n % 7}" if n % 5 else ""] for n in range(rows))


def test_batch_jobs_2_output_is_byte_identical_to_jobs_1(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_run, "CHUNK_ROWS", 7)  # many chunks, so order across workers matters
    source = tmp_path / "tasks.csv"
    write_tasks(source, 500)
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"out-{jobs}.jsonl"
        result = run_batch(
            runner, tiny_dir, str(source), "-o", str(target), "--jobs", jobs, "--full"
        )
        assert result.exit_code == 0, result.output
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == 500


def test_batch_killed_run_leaves_no_output(tiny_dir: Path, tmp_path: Path) -> None:
    source, target = tmp_path / "tasks.csv", tmp_path / "out.csv"
    write_tasks(source, 300_000)
    command = [sys.executable, "-m", "model_advisor", "batch", str(source), "-o", str(target)]
    process = subprocess.Popen([*command, "--rules", str(tiny_dir), "--quiet"])
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size for p in tmp_path.glob(".out.csv.*.tmp")):
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not target.exists()
    # SIGKILL gives no chance to clean up: the recognisable temporary file may stay behind.
    assert {p.name for p in tmp_path.iterdir()} - {"tasks.csv"} <= {
        p.name for p in tmp_path.glob(".out.csv.*.tmp")
    }


# --- the Python API ---------------------------------------------------------------------


def test_advise_file_returns_the_summary(tiny_advisor: Advisor, tmp_path: Path) -> None:
    summary = advise_file(DATA / "ragged.csv", tmp_path / "out.csv", advisor=tiny_advisor)
    assert summary == BatchSummary(
        rows=5,
        categories={"discriminative": 1, "generative": 2, "agi": 0, "undetermined": 0},
        errors=2,
        first_error="line 3: ragged row: 1 of 3 fields, so no task",
    )
    assert str(summary).startswith("5 rows: 1 discriminative, 2 generative, 0 agi")


def test_advise_file_strict_raises_batch_error(tiny_advisor: Advisor, tmp_path: Path) -> None:
    with pytest.raises(BatchError) as caught:
        advise_file(DATA / "nul.csv", tmp_path / "out.csv", advisor=tiny_advisor, strict=True)
    assert caught.value.line == 3
    assert not (tmp_path / "out.csv").exists()


def test_advise_file_interrupted_leaves_nothing_behind(
    tiny_advisor: Advisor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(tasks: list[str]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(tiny_advisor, "brief_many", interrupt)
    with pytest.raises(KeyboardInterrupt):
        advise_file(DATA / "tasks.csv", tmp_path / "out.csv", advisor=tiny_advisor)
    assert list(tmp_path.iterdir()) == []


def test_advise_file_repeated_tasks_outlive_the_cache(
    tiny_advisor: Advisor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = ["predict rain", "write a poem", "sort emails", "draw a cat", "predict rain", "x"]
    source = tmp_path / "in.csv"
    source.write_text("task\n" + "\n".join(tasks * 3) + "\n", encoding="utf-8")
    advise_file(source, tmp_path / "roomy.csv", advisor=tiny_advisor)
    monkeypatch.setattr(batch_work, "_CACHE_SIZE", 2)  # entries leave the cache mid-chunk
    monkeypatch.setattr(batch_run, "CHUNK_ROWS", 4)
    advise_file(source, tmp_path / "tight.csv", advisor=tiny_advisor)
    roomy = (tmp_path / "roomy.csv").read_text(encoding="utf-8")
    assert (tmp_path / "tight.csv").read_text(encoding="utf-8") == roomy
    table = by_column(read_csv(roomy))
    assert len(table) == 18
    assert [r["category"] for r in table[:6]] == [r["category"] for r in table[6:12]]


def test_advise_file_workers_answer_with_the_knowledge_the_batch_started_with(
    tiny_copy: Path, tmp_path: Path
) -> None:
    advisor = Advisor.from_dir(tiny_copy)
    with (tiny_copy / "examples.csv").open("a", encoding="utf-8") as out:
        out.write("paint a mural,generative\n")  # the directory changes after loading
    source = tmp_path / "tasks.csv"
    write_tasks(source, 300)

    advise_file(source, tmp_path / "one.csv", advisor=advisor)
    advise_file(source, tmp_path / "two.csv", advisor=advisor, jobs=2)

    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_a_spawned_worker_refuses_knowledge_changed_since_the_batch_started(
    tiny_copy: Path,
) -> None:
    """A worker that does not share the parent's memory loads the knowledge from its
    reference, and refuses a directory that no longer holds the same knowledge."""
    ref = Advisor.from_dir(tiny_copy).knowledge.ref
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(1) as pool:
        assert pool.apply(advise_texts, (ref, ["write a poem"]))[0].category == "generative"
    with (tiny_copy / "examples.csv").open("a", encoding="utf-8") as out:
        out.write("paint a mural,generative\n")

    with spawn.Pool(1) as pool, pytest.raises(ModelFileError, match="changed after the batch"):
        pool.apply(advise_texts, (ref, ["write a poem"]))


def test_advise_texts_loads_the_knowledge_once_per_process(tiny_advisor: Advisor) -> None:
    ref = tiny_advisor.knowledge.ref
    before = batch_work.loads
    results = [advise_texts(ref, ["write a poem", None, "predict the weather"]) for _ in range(5)]

    assert batch_work.loads == before + 1
    assert results[0] == results[-1]
    [poem, nothing, weather] = results[0]
    assert nothing is None
    assert isinstance(poem, batch_work.Result) and poem.category == "generative"
    assert isinstance(weather, batch_work.Result) and weather.category == "discriminative"


def test_advise_file_with_the_shipped_knowledge(tmp_path: Path) -> None:
    summary = advise_file(DATA / "tasks.tsv", tmp_path / "out.tsv")
    assert summary.rows == 2 and summary.errors == 0
    table = by_column(read_csv((tmp_path / "out.tsv").read_text(encoding="utf-8"), "\t"))
    assert [r["category"] for r in table] == ["discriminative", "generative"]
    assert all(" (line " in r["reason"] for r in table)


def test_progress_line_shows_rows_and_rate() -> None:
    stream = io.StringIO()
    progress = ProgressLine(stream, interval=0)
    progress(1500, 0.5)
    progress(3000, None)  # an input of unknown size (a pipe): no bar, no time left
    progress.clear()
    first, second, cleared = stream.getvalue().split("\r")[1:4]
    assert first.startswith("[" + "#" * 12 + "-" * 12 + "]  50%  1,500 rows, ")
    assert " rows/s, " in first and first.endswith(" left")
    assert second.startswith("3,000 rows, ") and "left" not in second
    assert cleared.strip() == "" and stream.getvalue().endswith("\r")


def test_progress_line_is_off_when_not_a_terminal() -> None:
    with progress_line(io.StringIO()) as progress:
        assert progress is None


def start_long_batch(tiny_dir: Path, tmp_path: Path, *options: str) -> subprocess.Popen[str]:
    """A batch that runs for a while, in a session of its own; returned once it is writing."""
    source, target = tmp_path / "tasks.csv", tmp_path / "out.csv"
    write_tasks(source, 300_000)
    command = [sys.executable, "-m", "model_advisor", "batch", str(source), "-o", str(target)]
    process = subprocess.Popen(
        [*command, "--rules", str(tiny_dir), "--quiet", *options],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's job would have
    )
    deadline = time.monotonic() + 60
    while not any(p.stat().st_size for p in tmp_path.glob(".out.csv.*.tmp")):
        assert process.poll() is None, "the run ended before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return process


@pytest.mark.parametrize(
    ("signum", "jobs", "to_group"),
    [
        (signal.SIGTERM, "1", False),
        (signal.SIGTERM, "2", False),
        (signal.SIGTERM, "2", True),
        (signal.SIGHUP, "1", False),
        (signal.SIGHUP, "2", True),
        (signal.SIGINT, "1", True),
        (signal.SIGINT, "2", True),
    ],
    ids=["term", "term-jobs", "term-group-jobs", "hup", "hup-group-jobs", "int", "int-jobs"],
)
def test_batch_stopped_by_a_signal_cleans_up_and_says_so_in_one_line(
    tiny_dir: Path, tmp_path: Path, signum: int, jobs: str, to_group: bool
) -> None:
    process = start_long_batch(tiny_dir, tmp_path, "--jobs", jobs)
    if to_group:  # as a terminal sends Ctrl-C, or a service manager stops a whole job
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 128 + signum
    name = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
    assert stderr == f"Error: {name}\n"
    assert {p.name for p in tmp_path.iterdir()} == {"tasks.csv"}  # no output, no temp file


def test_batch_whose_worker_dies_fails_in_one_line_and_writes_nothing(
    tiny_dir: Path, tmp_path: Path
) -> None:
    process = start_long_batch(tiny_dir, tmp_path, "--jobs", "2")
    workers = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=True
    ).stdout.split()
    os.kill(int(workers[0]), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 1
    source = tmp_path / "tasks.csv"
    message = "a worker process died (killed, or out of memory?); nothing was written"
    assert stderr == f"Error: {source}: {message}\n"
    assert {p.name for p in tmp_path.iterdir()} == {"tasks.csv"}
