"""The command line, through click's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from model_advisor import __version__
from model_advisor.cli import cli


def test_cli_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"], catch_exceptions=False)
    assert result.exit_code == 0
    assert __version__ in result.output


def test_cli_advise_prints_category_reasons_and_citations(
    runner: CliRunner, tiny_dir: Path
) -> None:
    result = runner.invoke(
        cli, ["advise", "--rules", str(tiny_dir), "predict the weather"], catch_exceptions=False
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "predict the weather"
    assert lines[1].startswith("  => discriminative  (confidence ")
    assert "  Recommendation: Train a sorter on labelled data." in lines
    assert '      "Guess the weather"' in lines
    assert any(line.startswith("    notes.md:") for line in lines)
    assert '    guess-a-label (discriminative, weight 0.8): "predict"' in lines


def test_cli_advise_json_is_the_advice(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(
        cli, ["advise", "--json", "--rules", str(tiny_dir), "write a poem"], catch_exceptions=False
    )
    data = json.loads(result.stdout)
    assert data["category"] == "generative"
    assert set(data["scores"]) == {"discriminative", "generative", "agi"}
    assert {"task", "confidence", "ambiguous", "evidence", "citations", "recommendation"} <= set(
        data
    )
    assert data["evidence"]["rules"][0]["rule_id"] == "make-content"


def test_cli_advise_several_tasks_as_json_array(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(
        cli,
        ["advise", "--json", "--rules", str(tiny_dir), "write a poem", "sort books"],
        catch_exceptions=False,
    )
    data = json.loads(result.stdout)
    assert [d["category"] for d in data] == ["generative", "discriminative"]


def test_cli_advise_reads_tasks_from_stdin(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(
        cli,
        ["advise", "--json", "--rules", str(tiny_dir), "-"],
        input="write a poem\n\n  \nsort books\n",
        catch_exceptions=False,
    )
    assert [d["task"] for d in json.loads(result.stdout)] == ["write a poem", "sort books"]


def test_cli_advise_empty_task_is_an_error(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(cli, ["advise", "--rules", str(tiny_dir), "  "])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the task is empty")
    assert "Traceback" not in result.output


def test_cli_advise_missing_rules_dir_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["advise", "--rules", str(tmp_path / "nope"), "x"])
    assert result.exit_code == 1
    assert "Error:" in result.stderr
    assert "not a directory" in result.stderr


def test_cli_advise_broken_rules_names_file_line_and_rule(
    runner: CliRunner, tiny_copy: Path
) -> None:
    rules = tiny_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("weight: 0.9", "weight: 9"))
    result = runner.invoke(cli, ["advise", "--rules", str(tiny_copy), "x"])
    assert result.exit_code == 1
    assert f"Error: {rules}:" in result.stderr
    assert "error: weight: Input should be less than or equal to 1 (whole-job)" in result.stderr


def test_cli_no_task_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["advise"])
    assert result.exit_code == 2


def test_cli_rules_check_lists_problems_and_exits_1(runner: CliRunner, tiny_copy: Path) -> None:
    rules = tiny_copy / "rules.yaml"
    rules.write_text(
        rules.read_text()
        .replace("weight: 0.9", "weight: 9")
        .replace("id: make-content", "id: Make")
    )
    result = runner.invoke(cli, ["rules", "check", str(tiny_copy)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{rules}:14:5: error: id: String should match pattern")
    assert lines[0].endswith("(Make)")
    assert result.stderr == "2 errors, 0 warnings\n"


def test_cli_rules_check_passes_a_good_dir(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(cli, ["rules", "check", str(tiny_dir)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no problems found\n"


def test_cli_train_writes_a_model(runner: CliRunner, tiny_copy: Path) -> None:
    (tiny_copy / "model.json").unlink()
    result = runner.invoke(cli, ["train", str(tiny_copy)], catch_exceptions=False)
    assert result.exit_code == 0
    assert (tiny_copy / "model.json").is_file()


def test_cli_runs_as_a_module(tiny_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "model_advisor", "advise", "--rules", str(tiny_dir), "write a poem"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "=> generative" in done.stdout
