"""Command-line habits users bring from other tools, and the modes of the files we write."""

from __future__ import annotations

import os
import pty
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from model_advisor._paths import default_knowledge_dir
from model_advisor.cli import cli
from model_advisor.knowledge.loader import knowledge_sha256

DATA = Path(__file__).parent / "data"
COMMAND = [sys.executable, "-m", "model_advisor"]


@pytest.mark.parametrize(
    "words",
    [[], ["advise"], ["batch"], ["train"], ["evaluate"], ["init"], ["rules"], ["rules", "check"]],
)
def test_cli_short_help_everywhere(runner: CliRunner, words: list[str]) -> None:
    result = runner.invoke(cli, [*words, "-h"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ")


def test_cli_advise_reads_piped_stdin_without_a_dash(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["advise", "--json"], input="predict the weather\n\nwrite a poem\n")

    assert result.exit_code == 0, result.output
    assert "discriminative" in result.stdout and "generative" in result.stdout


def test_cli_advise_on_a_terminal_without_tasks_prints_its_usage(tmp_path: Path) -> None:
    """A real process whose stdin is a terminal (a pseudo-terminal): usage, exit 2."""
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [*COMMAND, "advise"],
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "MODEL_ADVISOR_HOME": str(tmp_path)},
        )
    finally:
        os.close(controller)
        os.close(terminal)

    assert done.returncode == 2
    assert done.stdout.startswith("Usage: model-advisor advise")


def test_cli_batch_one_column_without_header_needs_no_column(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "tasks.txt"
    source.write_text("predict the weather\nwrite a poem about rain\n", encoding="utf-8")

    result = runner.invoke(cli, ["batch", str(source), "--no-header", "--output-format", "jsonl"])

    assert result.exit_code == 0, result.output
    assert [line.count('"category"') for line in result.stdout.splitlines()] == [1, 1]


def test_cli_batch_refuses_an_output_extension_it_does_not_write(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "out.xlsx"

    refused = runner.invoke(cli, ["batch", str(DATA / "batch" / "tasks.csv"), "-o", str(target)])

    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"Error: {target}: cannot write .xlsx files")
    assert "--output-format" in refused.stderr
    assert list(tmp_path.iterdir()) == []
    told = runner.invoke(
        cli,
        ["batch", str(DATA / "batch" / "tasks.csv"), "-o", str(target), "--output-format", "csv"],
    )
    assert told.exit_code == 0, told.output
    assert target.read_text(encoding="utf-8").startswith("id,task,")


def test_cli_evaluate_label_column_by_number(runner: CliRunner, tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.csv"
    labelled.write_text(
        "task,truth\npredict the weather,discriminative\nwrite a poem,generative\n",
        encoding="utf-8",
    )

    result = runner.invoke(cli, ["evaluate", str(labelled), "--label-column", "2", "--json"])

    assert result.exit_code == 0, result.output
    assert '"examples": 2' in result.stdout


def test_cli_init_writes_a_knowledge_directory_that_answers(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "mine"

    result = runner.invoke(cli, ["init", str(target)])

    assert result.exit_code == 0, result.output
    assert f"model-advisor rules check {target}" in result.stdout
    names = {p.name for p in target.iterdir()}
    assert {"categories.yaml", "examples.csv", "model.json", "generative-ai.md"} <= names
    shipped = default_knowledge_dir()
    glossary = sorted(p.name for p in (shipped / "glossary").iterdir())
    assert sorted(p.name for p in (target / "glossary").iterdir()) == glossary
    # the copied model was built from these very files: the copy answers without retraining
    assert knowledge_sha256(target) == knowledge_sha256(shipped)
    advised = runner.invoke(cli, ["advise", "--rules", str(target), "--json", "predict rain"])
    assert advised.exit_code == 0 and '"discriminative"' in advised.stdout
    again = runner.invoke(cli, ["init", str(target)])
    assert again.exit_code == 1
    assert (
        again.stderr
        == f"Error: {target}: already exists and is not an empty directory; name a new one\n"
    )


def run_batch_with_umask(mask: int, target: Path, home: Path) -> None:
    subprocess.run(
        [*COMMAND, "batch", str(DATA / "batch" / "tasks.csv"), "-o", str(target), "--quiet"],
        check=True,
        timeout=120,
        preexec_fn=lambda: os.umask(mask),
        env={**os.environ, "MODEL_ADVISOR_HOME": str(home)},
    )


def test_batch_output_gets_the_mode_the_umask_gives(tmp_path: Path) -> None:
    private, shared = tmp_path / "private.csv", tmp_path / "shared.csv"

    run_batch_with_umask(0o077, private, tmp_path / "home")
    run_batch_with_umask(0o022, shared, tmp_path / "home")

    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644


def test_batch_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)

    run_batch_with_umask(0o022, target, tmp_path / "home")

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("id,task,")
