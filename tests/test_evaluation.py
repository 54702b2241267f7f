"""Evaluation: the figures against hand-computed values, labelled files, CV, train, the report.

``tests/data/quality/labelled.csv`` (and its TSV and JSON Lines twins) has six tasks; with the
tiny knowledge the advisor answers them, combined (rules alone agree; classifier alone differs
only on the fifth, which it calls discriminative):

    line  label           combined answer
    2     discriminative  discriminative
    3     generative      generative
    4     agi             agi
    5     discriminative  generative       (wrong)
    6     generative      undetermined     (wrong: gibberish)
    7     generative      generative       (label written " Generative")
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from model_advisor.cli import cli
from model_advisor.errors import ExampleDataError
from model_advisor.quality.evaluation import EvaluationReport, cross_validate, evaluate, train
from model_advisor.quality.metrics import reliability, score
from model_advisor.quality.report import ReportError, render_html, write_report
from model_advisor.types import Category, Verdict

CATEGORIES = ("discriminative", "generative", "agi")  # the shipped knowledge's, in order

DATA = Path(__file__).parent / "data" / "quality"
LABELLED = DATA / "labelled.csv"
TRUTH: list[Category] = [
    "discriminative",
    "generative",
    "agi",
    "discriminative",
    "generative",
    "generative",
]
COMBINED: list[Verdict] = [
    "discriminative",
    "generative",
    "agi",
    "generative",
    "undetermined",
    "generative",
]


# --- the figures -----------------------------------------------------------------------------


def test_score_hand_computed_accuracy_f1_and_confusion() -> None:
    scores = score(TRUTH, COMBINED, CATEGORIES)
    assert scores.accuracy == pytest.approx(4 / 6)
    by = {c.category: c for c in scores.per_category}
    # discriminative: 1 right of 1 answered, 2 labelled
    assert (by["discriminative"].precision, by["discriminative"].recall) == (1.0, 0.5)
    assert by["discriminative"].f1 == pytest.approx(2 / 3)
    # generative: 2 right of 3 answered, 3 labelled
    assert by["generative"].precision == pytest.approx(2 / 3)
    assert by["generative"].recall == pytest.approx(2 / 3)
    assert (by["agi"].f1, by["agi"].support, by["agi"].answered) == (1.0, 1, 1)
    assert scores.macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert scores.labels == ("discriminative", "generative", "agi", "undetermined")
    assert scores.confusion == ((1, 1, 0, 0), (0, 2, 0, 1), (0, 0, 1, 0))


def test_score_macro_f1_skips_a_category_neither_labelled_nor_answered() -> None:
    scores = score(
        ["discriminative", "generative"], ["discriminative", "discriminative"], CATEGORIES
    )
    # discriminative: P 1/2, R 1 -> F1 2/3; generative: F1 0; agi absent, not averaged
    assert scores.macro_f1 == pytest.approx((2 / 3 + 0) / 2)


def test_score_counts_a_wrongly_answered_absent_category_in_macro_f1() -> None:
    scores = score(["discriminative"], ["agi"], CATEGORIES)
    assert scores.macro_f1 == 0.0
    assert [c.answered for c in scores.per_category] == [0, 0, 1]


def test_reliability_bins_answers_and_computes_calibration_error() -> None:
    answers = [(0.95, True), (0.85, True), (0.85, False), (0.0, False), (1.0, True)]
    bins, error = reliability(answers)
    assert len(bins) == 10
    filled = [(b.low, b.high, b.answers, b.right) for b in bins if b.answers]
    assert filled == [(0.0, 0.1, 1, 0), (0.8, 0.9, 2, 1), (0.9, 1.0, 2, 2)]
    assert bins[8].accuracy == 0.5
    assert bins[9].mean_confidence == pytest.approx(0.975)
    assert bins[5].accuracy is None
    # |0 - 0| * 1 + |0.5 - 0.85| * 2 + |1 - 0.975| * 2, over 5 answers
    assert error == pytest.approx((0.7 + 0.05) / 5)


def test_reliability_of_no_answers_has_no_calibration_error() -> None:
    bins, error = reliability([])
    assert error is None
    assert all(b.answers == 0 for b in bins)


# --- evaluate ------------------------------------------------------------------------------


def test_evaluate_tiny_labelled_file_matches_hand_computed_figures(tiny_dir: Path) -> None:
    report = evaluate(LABELLED, tiny_dir)
    assert [a.answer for a in report.answers] == COMBINED
    assert [a.line for a in report.answers] == [2, 3, 4, 5, 6, 7]
    assert report.combined == score(TRUTH, COMBINED, CATEGORIES)
    assert report.rules_only.accuracy == pytest.approx(4 / 6)
    # classifier alone: the gibberish gets discriminative, so discriminative has P 1/2, R 1/2
    assert report.classifier_only.accuracy == pytest.approx(4 / 6)
    assert report.classifier_only.macro_f1 == pytest.approx((1 / 2 + 2 / 3 + 1) / 3)
    assert [(m.line, m.answer) for m in report.mistakes] == [(5, "generative"), (6, "undetermined")]
    assert (report.examples, report.folds, report.seen_in_training) == (6, None, 0)
    assert report.source == str(LABELLED)


@pytest.mark.parametrize("name", ["labelled.tsv", "labelled.jsonl"])
def test_evaluate_reads_tsv_and_json_lines_alike(tiny_dir: Path, name: str) -> None:
    report = evaluate(DATA / name, tiny_dir)
    assert [a.answer for a in report.answers] == COMBINED
    assert report.combined == score(TRUTH, COMBINED, CATEGORIES)


def test_evaluate_counts_tasks_that_are_training_examples(tiny_dir: Path, tmp_path: Path) -> None:
    labelled = tmp_path / "seen.csv"
    labelled.write_text("task,label\nWrite  a poem,generative\nwrite an ode,generative\n")
    assert evaluate(labelled, tiny_dir).seen_in_training == 1


def test_evaluate_report_survives_json_round_trip(tiny_dir: Path) -> None:
    report = evaluate(LABELLED, tiny_dir)
    assert EvaluationReport.model_validate_json(report.model_dump_json()) == report


def test_evaluate_label_column_can_be_named(tiny_dir: Path, tmp_path: Path) -> None:
    labelled = tmp_path / "named.csv"
    labelled.write_text("Summary,category\nwrite a poem,generative\n")
    report = evaluate(labelled, tiny_dir, column="summary", label_column="Category")
    assert [a.answer for a in report.answers] == ["generative"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("task,label\nwrite a poem,generativ\n", "{f}:2:0: error: label 'generativ' is not one of"),
        ("task,label\nwrite a poem,\n", "{f}:2:0: error: no label: give one of"),
        ("task,label\n  ,agi\n", "{f}:2:0: error: empty task"),
        (
            "task,kind\nwrite a poem,generative\n",
            "{f}:1:0: error: no column 'label' among the columns: task, kind; use --label-column",
        ),
        (
            "name,label\nwrite a poem,generative\n",
            "{f}:1:0: error: no task, description or text column",
        ),
        ("task,label\na,agi,extra\n", "{f}:2:0: error: ragged row: 3 fields, the header has 2"),
        ("task,label\n", "{f}:0:0: error: no labelled tasks: the file has no rows"),
        ("", "{f}:0:0: error: the file is empty"),
        ('[{"task": "a", "label": "agi"}]\n', "{f}:1:0: error: a JSON array is not read"),
    ],
)
def test_evaluate_bad_file_names_file_and_line(
    tiny_dir: Path, tmp_path: Path, content: str, message: str
) -> None:
    labelled = tmp_path / "bad.csv"
    labelled.write_text(content)
    with pytest.raises(ExampleDataError) as caught:
        evaluate(labelled, tiny_dir)
    assert str(caught.value).startswith(message.format(f=labelled))


def test_evaluate_lists_ten_bad_rows_and_counts_the_rest(tiny_dir: Path, tmp_path: Path) -> None:
    labelled = tmp_path / "many.csv"
    labelled.write_text("task,label\n" + "write,nope\n" * 12)
    with pytest.raises(ExampleDataError) as caught:
        evaluate(labelled, tiny_dir)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{labelled}:0:0: error: 12 bad rows; the first 10:"
    assert len(lines) == 11
    assert lines[-1].startswith(f"{labelled}:11:0: error: label 'nope'")


def test_cli_evaluate_prints_every_section(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(
        cli, ["evaluate", str(LABELLED), "--rules", str(tiny_dir)], catch_exceptions=False
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"Evaluated on {LABELLED} (6 tasks) with the knowledge in {tiny_dir}"
    assert "  combined             0.667     0.778" in lines
    assert "  rules only           0.667     0.778" in lines
    assert "  classifier only      0.667     0.722" in lines
    assert "  discriminative      1.000   0.500  0.667        2" in lines
    assert (
        "  generative                   0               2               0               1" in lines
    )
    assert "  0.0-0.1           1     0.000            0.000" in lines
    assert "Most confident mistakes (2 of 2):" in lines
    assert lines[-1] == '    "qwzx vvb"'


def test_cli_evaluate_json_is_the_report(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(
        cli,
        ["evaluate", "--json", str(LABELLED), "--rules", str(tiny_dir)],
        catch_exceptions=False,
    )
    data = json.loads(result.stdout)
    assert data["combined"]["accuracy"] == pytest.approx(4 / 6)
    assert [m["line"] for m in data["mistakes"]] == [5, 6]
    assert len(data["answers"]) == 6


def test_cli_evaluate_reads_stdin(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(
        cli,
        ["evaluate", "--json", "-", "--rules", str(tiny_dir)],
        input=LABELLED.read_text(),
        catch_exceptions=False,
    )
    assert json.loads(result.stdout)["source"] == "<stdin>"


def test_cli_evaluate_unknown_label_is_one_error_line(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    labelled = tmp_path / "bad.csv"
    labelled.write_text("task,label\nwrite a poem,generative\nsort mail,sorting\n")
    result = runner.invoke(cli, ["evaluate", str(labelled), "--rules", str(tiny_dir)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {labelled}:3:0: error: label 'sorting' is not one of "
        "discriminative, generative, agi\n"
    )


def test_cli_evaluate_missing_file_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["evaluate", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'nope.csv'}:0:0: error: cannot read the input: "
        "No such file or directory\n"
    )


def test_cli_evaluate_broken_rules_name_file_line_and_rule(
    runner: CliRunner, tiny_copy: Path
) -> None:
    rules = tiny_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("weight: 0.9", "weight: 9"))
    result = runner.invoke(cli, ["evaluate", str(LABELLED), "--rules", str(tiny_copy)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {rules}:26:5: error: weight:")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        [],
        [str(LABELLED), "--cross-validate"],
        [str(LABELLED), "--folds", "3"],
    ],
)
def test_cli_evaluate_needs_one_source_is_usage_error(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(cli, ["evaluate", *args])
    assert result.exit_code == 2
    assert "Error:" in result.stderr


# --- cross-validation and train ------------------------------------------------------------


def test_cross_validate_answers_every_example_once_in_file_order(tiny_dir: Path) -> None:
    report = cross_validate(tiny_dir, folds=5)
    assert (report.examples, report.folds) == (30, 5)
    assert [a.line for a in report.answers] == list(range(2, 32))
    assert report.source == str(tiny_dir / "examples.csv")
    right = sum(a.correct for a in report.answers)
    assert report.combined.accuracy == right / 30  # the figure is the answers' own count


def test_cross_validate_is_deterministic(tiny_dir: Path) -> None:
    assert cross_validate(tiny_dir, folds=3) == cross_validate(tiny_dir, folds=3)


def test_cross_validate_more_folds_than_examples_of_a_category_fails(tiny_dir: Path) -> None:
    with pytest.raises(ExampleDataError) as caught:
        cross_validate(tiny_dir, folds=11)
    assert str(caught.value) == (
        f"{tiny_dir / 'examples.csv'}:0:0: error: 11-fold cross-validation needs at least 11 "
        "examples of each category; agi has 10: use --folds 10 or add examples"
    )


def test_cross_validate_reports_progress_per_fold(tiny_dir: Path) -> None:
    calls: list[tuple[int, int]] = []
    cross_validate(tiny_dir, folds=3, progress=lambda done, folds: calls.append((done, folds)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_train_without_folds_skips_cross_validation(tiny_copy: Path) -> None:
    (tiny_copy / "model.json").unlink()
    report = train(tiny_copy, folds=None)
    assert report.cross_validation is None
    assert (report.examples, report.model) == (30, str(tiny_copy / "model.json"))
    assert (tiny_copy / "model.json").is_file()


def test_cli_train_prints_cross_validated_scores(runner: CliRunner, tiny_copy: Path) -> None:
    result = runner.invoke(cli, ["train", str(tiny_copy), "--folds", "3"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"saved {tiny_copy / 'model.json'} (trained on 30 examples)"
    assert lines[2] == f"3-fold cross-validation on {tiny_copy / 'examples.csv'}:"
    assert [line.split()[0] for line in lines[4:]] == ["combined", "rules", "classifier"]


def test_cli_train_json_is_the_report(runner: CliRunner, tiny_copy: Path) -> None:
    result = runner.invoke(
        cli, ["train", "--json", "--folds", "2", str(tiny_copy)], catch_exceptions=False
    )
    data = json.loads(result.stdout)
    assert data["examples"] == 30
    assert data["cross_validation"]["folds"] == 2


def test_cli_train_no_cv_prints_only_the_model(runner: CliRunner, tiny_copy: Path) -> None:
    result = runner.invoke(cli, ["train", "--no-cv", str(tiny_copy)], catch_exceptions=False)
    assert result.stdout == f"saved {tiny_copy / 'model.json'} (trained on 30 examples)\n"


def test_cli_train_too_many_folds_fails_before_training(runner: CliRunner, tiny_copy: Path) -> None:
    (tiny_copy / "model.json").unlink()
    result = runner.invoke(cli, ["train", "--folds", "11", str(tiny_copy)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tiny_copy / 'examples.csv'}:0:0: error: 11-fold")
    assert not (tiny_copy / "model.json").exists()


def test_cli_evaluate_cross_validate_uses_the_folds(runner: CliRunner, tiny_dir: Path) -> None:
    result = runner.invoke(
        cli,
        ["evaluate", "--cross-validate", "--folds", "3", "--rules", str(tiny_dir)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert result.stdout.startswith(f"3-fold cross-validation on {tiny_dir / 'examples.csv'}")


# --- the HTML report -----------------------------------------------------------------------


def test_render_html_escapes_task_text(tiny_dir: Path) -> None:
    report = evaluate(LABELLED, tiny_dir)
    mistake = report.mistakes[0].model_copy(update={"task": "<script>alert(1)</script>"})
    page = render_html(report.model_copy(update={"mistakes": (mistake,)}))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_render_html_has_every_section(tiny_dir: Path) -> None:
    page = render_html(evaluate(LABELLED, tiny_dir))
    for heading in ("Scores", "Per category", "Confusion matrices", "Confidence", "Reliability"):
        assert f"<h2>{heading}" in page
    assert '<img src="confusion.png"' in page
    assert '<img src="confidence.png"' in page
    assert "<td>0.667</td><td>0.778</td>" in page


def test_cli_evaluate_report_writes_page_and_images(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "report"
    result = runner.invoke(
        cli,
        ["evaluate", str(LABELLED), "--rules", str(tiny_dir), "--report", str(target)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert result.stderr == f"report written to {target / 'index.html'}\n"
    assert "<h1>Evaluation" in (target / "index.html").read_text(encoding="utf-8")
    for image in ("confusion.png", "confidence.png"):
        data = (target / image).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width > 400 and height > 300


def test_write_report_into_a_file_path_is_a_report_error(tiny_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ReportError, match="cannot write the report"):
        write_report(evaluate(LABELLED, tiny_dir), blocker / "report")


def test_cli_evaluate_report_without_matplotlib_says_how_to_install(
    runner: CliRunner, tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    target = tmp_path / "report"
    result = runner.invoke(
        cli, ["evaluate", str(LABELLED), "--rules", str(tiny_dir), "--report", str(target)]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the HTML report needs matplotlib, which is not installed: "
        "pip install 'model-advisor[report]'\n"
    )
    assert result.stdout == ""  # checked before evaluating
    assert not target.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["train", "{d}"],
        ["evaluate", "--cross-validate", "--rules", "{d}"],
        ["evaluate", str(LABELLED), "--rules", "{d}"],
        ["rules", "test", "{d}"],
        ["rules", "stats", "{d}"],
    ],
)
def test_cli_missing_knowledge_dir_is_one_error_line(
    runner: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    missing = tmp_path / "nope"
    result = runner.invoke(cli, [a.format(d=missing) for a in args])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {missing}:0:0: error: not a directory\n"


def test_cli_evaluate_names_a_lone_surrogate_escape_by_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Labelled files go through the batch's table reader: a JSON Lines string holding an
    escaped lone surrogate is a bad row at its line, not a traceback."""
    labelled = tmp_path / "tasks.jsonl"
    labelled.write_text(
        '{"task": "predict the weather", "label": "discriminative"}\n'
        '{"task": "write a poem \\ud800", "label": "generative"}\n',
        encoding="utf-8",
    )

    result = runner.invoke(cli, ["evaluate", str(labelled), "--json"])

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {labelled}:2:0: error: a lone surrogate escape")
    assert "Traceback" not in result.output
