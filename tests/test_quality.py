"""Knowledge quality: `rules check`, `rules test` and `rules stats`, on good and broken dirs.

Golden tests: each ``tests/data/quality/<case>/`` holds the files that differ from the tiny
knowledge dir ``tests/data/knowledge`` (``good`` is that dir unchanged). The case is copied
over a fresh copy of it, and the three commands' stdout, stderr and exit codes must read
exactly ``tests/data/quality/expected/<case>.txt``. Regenerate those files with
``UPDATE_GOLDEN=1 pytest tests/test_quality.py``, never by hand.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from model_advisor.cli import cli
from model_advisor.errors import RuleFileError
from model_advisor.quality.checks import check_knowledge, rule_stats, run_rule_tests

DATA = Path(__file__).parent / "data"
TINY = DATA / "knowledge"
QUALITY = DATA / "quality"
EXPECTED = QUALITY / "expected"
SHIPPED = Path(__file__).parents[1] / "rules"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"

CASES = ["good", *sorted(p.name for p in QUALITY.iterdir() if p.is_dir() and p != EXPECTED)]
COMMANDS = (["rules", "check"], ["rules", "test"], ["rules", "stats"])


def knowledge(tmp_path: Path, case: str) -> Path:
    """A writable knowledge dir: the tiny one with the case's files copied over it."""
    target = tmp_path / case
    shutil.copytree(TINY, target)
    if case != "good":
        shutil.copytree(QUALITY / case, target, dirs_exist_ok=True)
    return target


def transcript(runner: CliRunner, args: list[str], directory: Path) -> str:
    """What a user sees: the command, its stdout, its stderr and its exit code."""
    result = runner.invoke(cli, [*args, str(directory)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    text = f"$ model-advisor {' '.join(args)} DIR\n{result.stdout}"
    if result.stderr:
        text += f"[stderr]\n{result.stderr}"
    return f"{text}[exit {result.exit_code}]\n".replace(str(directory), "DIR")


# --- golden transcripts ------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_quality_commands_match_golden_transcript(
    case: str, tmp_path: Path, runner: CliRunner
) -> None:
    directory = knowledge(tmp_path, case)
    actual = "\n".join(transcript(runner, args, directory) for args in COMMANDS)
    expected = EXPECTED / f"{case}.txt"
    if UPDATE_GOLDEN:
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8")


def test_quality_every_case_has_a_golden_file() -> None:
    assert sorted(p.stem for p in EXPECTED.glob("*.txt")) == sorted(CASES)


# --- rules check ---------------------------------------------------------------------------


def test_check_knowledge_reports_example_errors_alongside_rule_errors(tmp_path: Path) -> None:
    problems = check_knowledge(knowledge(tmp_path, "broken"))
    assert [(Path(p.path).name, p.code) for p in problems] == [
        ("examples.csv", "unknown-label"),
        ("examples.csv", "empty-task"),
        ("rules.yaml", "less-than-equal"),
    ]
    assert all(p.level == "error" for p in problems)


def test_check_knowledge_conflicting_examples_ignore_case_and_spaces(tmp_path: Path) -> None:
    problems = check_knowledge(knowledge(tmp_path, "conflicting-examples"))
    assert [(p.code, p.level, p.line) for p in problems] == [
        ("conflicting-example", "warning", 32),
        ("conflicting-example", "warning", 33),
    ]
    assert problems[0].message == "task 'write a poem' is labelled discriminative and generative"


def test_check_knowledge_silent_rule_is_a_warning_at_its_line(tmp_path: Path) -> None:
    problems = check_knowledge(knowledge(tmp_path, "silent-rule"))
    assert [(p.rule_id, p.code, p.level, p.line) for p in problems] == [
        ("steer-a-submarine", "silent-rule", "warning", 33)
    ]


def test_check_knowledge_identical_rules_names_the_first(tmp_path: Path) -> None:
    problems = check_knowledge(knowledge(tmp_path, "identical-rules"))
    assert [(p.rule_id, p.code) for p in problems] == [
        ("make-content-again", "identical-conditions")
    ]
    assert problems[0].message == "has the same conditions as rule make-content"


def test_check_knowledge_missing_definition_section_is_an_error(tmp_path: Path) -> None:
    problems = check_knowledge(knowledge(tmp_path, "missing-section"))
    assert [(p.line, p.level, p.code) for p in problems] == [
        (6, "error", "missing-section"),
        (15, "warning", "missing-section"),
    ]
    assert "'Models that Srot'" in problems[0].message


def test_check_knowledge_unreadable_notes_is_an_error(tmp_path: Path) -> None:
    problems = check_knowledge(knowledge(tmp_path, "missing-notes"))
    assert [(p.line, p.level, p.code) for p in problems] == [(2, "error", "unreadable-notes")]


def test_check_knowledge_shipped_dir_has_no_errors() -> None:
    assert not [p for p in check_knowledge(SHIPPED) if p.level == "error"]


def test_cli_rules_check_warnings_alone_exit_0(runner: CliRunner, tmp_path: Path) -> None:
    directory = knowledge(tmp_path, "silent-rule")
    result = runner.invoke(cli, ["rules", "check", str(directory)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == (
        f"{directory / 'rules.yaml'}:33:0: warning: fires on no example task; add examples it "
        "covers (steer-a-submarine)\n"
    )
    assert result.stderr == "0 errors, 1 warning\n"


def test_cli_rules_check_json_lists_every_problem(runner: CliRunner, tmp_path: Path) -> None:
    directory = knowledge(tmp_path, "broken")
    result = runner.invoke(cli, ["rules", "check", "--json", str(directory)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [p["code"] for p in data] == ["unknown-label", "empty-task", "less-than-equal"]
    assert set(data[0]) == {"path", "line", "column", "rule_id", "code", "level", "message"}
    assert data[2]["rule_id"] == "whole-job"


def test_cli_rules_check_missing_dir_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["rules", "check", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stdout == f"{tmp_path / 'nope'}:0:0: error: not a directory\n"


# --- rules test ----------------------------------------------------------------------------


def test_run_rule_tests_reports_missed_and_wrongly_matched_texts(tmp_path: Path) -> None:
    report = run_rule_tests(knowledge(tmp_path, "failing-rule-example"))
    assert (report.passed, report.failed) == (2, 1)
    failing = next(r for r in report.results if not r.passed)
    assert failing.rule_id == "guess-a-label"
    assert failing.missed == ("estimate the price",)
    assert failing.wrongly_matched == ("classify the mail",)
    assert failing.examples == 5


def test_run_rule_tests_results_come_in_file_order(tmp_path: Path) -> None:
    report = run_rule_tests(knowledge(tmp_path, "silent-rule"))
    assert [r.line for r in report.results] == sorted(r.line for r in report.results)
    assert report.results[-1].rule_id == "steer-a-submarine"


def test_run_rule_tests_broken_rules_raise(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError):
        run_rule_tests(knowledge(tmp_path, "broken"))


def test_cli_rules_test_quiet_prints_only_failures(runner: CliRunner, tmp_path: Path) -> None:
    directory = knowledge(tmp_path, "failing-rule-example")
    result = runner.invoke(cli, ["rules", "test", "-q", str(directory)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"FAIL  guess-a-label  {directory / 'rules.yaml'}:3",
        '        should match, does not: "estimate the price"',
        '        should not match, does: "classify the mail"',
        "3 rules: 2 passed, 1 failed (guess-a-label)",
    ]


def test_cli_rules_test_json_is_the_report(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(cli, ["rules", "test", "--json", str(tiny_dir)], catch_exceptions=False)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["passed"], data["failed"]) == (3, 0)
    assert [r["rule_id"] for r in data["results"]] == ["guess-a-label", "make-content", "whole-job"]


# --- rules stats ---------------------------------------------------------------------------


def test_rule_stats_counts_fires_coverage_and_accuracy(tiny_dir: Path) -> None:
    # guess-a-label fires on: predict the weather, sort books by genre, classify photos of
    # cats, guess house prices (4 of 30 examples, all discriminative)
    report = rule_stats(tiny_dir)
    guess = next(r for r in report.rules if r.rule_id == "guess-a-label")
    assert (guess.fires, guess.correct, guess.incorrect, guess.accuracy) == (4, 4, 0, 1.0)
    assert guess.coverage == pytest.approx(4 / 30)
    assert (report.examples, report.covered, report.conflicting) == (30, 11, 0)


def test_rule_stats_counts_overlaps_and_conflicts(tmp_path: Path) -> None:
    # "write a song and classify it" (generative): guess-a-label and make-content both fire;
    # "sort the drawings we compose" (discriminative): the same two fire again
    report = rule_stats(knowledge(tmp_path, "overlapping-rules"))
    stats = {r.rule_id: r for r in report.rules}
    guess, make = stats["guess-a-label"], stats["make-content"]
    assert (guess.fires, guess.overlaps, guess.conflicts, guess.incorrect) == (6, 2, 2, 1)
    assert (make.fires, make.overlaps, make.conflicts, make.incorrect) == (7, 2, 2, 1)
    assert guess.accuracy == pytest.approx(5 / 6)
    assert report.conflicting == 2


def test_rule_stats_never_firing_rule_has_no_accuracy(tmp_path: Path) -> None:
    report = rule_stats(knowledge(tmp_path, "silent-rule"))
    silent = next(r for r in report.rules if r.rule_id == "steer-a-submarine")
    assert (silent.fires, silent.coverage, silent.accuracy) == (0, 0.0, None)


def test_cli_rules_stats_sort_by_accuracy_puts_worst_first(
    runner: CliRunner, tmp_path: Path
) -> None:
    directory = knowledge(tmp_path, "overlapping-rules")
    result = runner.invoke(
        cli, ["rules", "stats", "--sort", "accuracy", str(directory)], catch_exceptions=False
    )
    rows = [line.split()[0] for line in result.stdout.splitlines()[1:4]]
    assert rows == ["guess-a-label", "make-content", "whole-job"]  # 5/6, 6/7, 2/2


def test_cli_rules_stats_json_is_the_report(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(cli, ["rules", "stats", "--json", str(tiny_dir)], catch_exceptions=False)
    data = json.loads(result.stdout)
    assert data["examples"] == 30
    assert [r["rule_id"] for r in data["rules"]] == ["guess-a-label", "make-content", "whole-job"]
    assert data["disagreements"] == []
