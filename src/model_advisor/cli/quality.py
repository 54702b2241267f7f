"""The commands that train and measure: ``train``, ``evaluate``, and the ``rules`` group
(``check``, ``test`` and ``stats``) over a knowledge directory."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ..quality.report_text import (
    STATS_SORTS,
    problems_summary,
    render_evaluation,
    render_rule_tests,
    render_stats,
    render_training,
)
from .common import (
    Group,
    directory_argument,
    emit,
    folds_option,
    json_option,
    knowledge_dir,
    rules_option,
)


@click.command()
@directory_argument
@folds_option("Folds of the cross-validation.")
@click.option("--no-cv", is_flag=True, help="Train and save only: skip the cross-validation.")
@json_option
def train(directory: Path | None, folds: int, no_cv: bool, as_json: bool) -> None:
    """Train the classifier on DIRECTORY's examples, save model.json there, and print its
    cross-validated accuracy and macro-F1 (combined, rules only, classifier only).

    Without DIRECTORY, trains the shipped knowledge: in a source checkout rules/; in an
    installed package, which is never written to, the model goes to the cache (the report
    says where). The cross-validation trains one more model per fold, on the other folds;
    --no-cv skips it.

    Example:

        model-advisor train my-knowledge/ --folds 10
    """
    from ..quality import evaluation  # the heavy modules of these commands load only when used

    report = evaluation.train(directory, None if no_cv else folds, progress=_fold_progress())
    emit(report, as_json, render_training)


@click.command()
@click.argument("labelled", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--cross-validate",
    "cross",
    is_flag=True,
    help="Evaluate on the knowledge directory's own examples, by k-fold cross-validation.",
)
@folds_option("Folds, with --cross-validate.")
@click.option(
    "--column", help="The task column (default: the one named task, description or text)."
)
@click.option(
    "--label-column", default="label", show_default=True, help="The true category's column."
)
@click.option("--encoding", default="utf-8", show_default=True, help="The file's encoding.")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write an HTML report (index.html and two images) into this directory.",
)
@rules_option
@json_option
def evaluate(
    labelled: str | None,
    cross: bool,
    folds: int,
    column: str | None,
    label_column: str,
    encoding: str,
    report_dir: Path | None,
    rules_path: Path | None,
    as_json: bool,
) -> None:
    """Score the advisor on LABELLED, a CSV, TSV or JSON Lines file with a task and a label
    column (or - for stdin), or on the knowledge's own examples with --cross-validate.

    Prints accuracy and macro-F1 for the combined answer, the rules alone and the classifier
    alone; precision, recall, F1 and support per category; the confusion matrix; a
    reliability table (confidence against observed accuracy); and the most confident
    mistakes. --report DIR also writes DIR/index.html with a confusion-matrix image and a
    confidence histogram (needs matplotlib: pip install 'model-advisor[report]').

    Example:

        model-advisor evaluate heldout.csv --report evaluation/
    """
    if cross == (labelled is not None):
        raise click.UsageError("give either a LABELLED file or --cross-validate")
    folds_given = click.get_current_context().get_parameter_source("folds")
    if not cross and folds_given is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--folds goes with --cross-validate")
    from ..quality import evaluation
    from ..quality.report import require_matplotlib, write_report

    if report_dir is not None:
        require_matplotlib()  # before the time is spent evaluating
    knowledge = knowledge_dir(rules_path)
    if labelled is None:
        report = evaluation.cross_validate(knowledge, folds, progress=_fold_progress())
    else:
        report = evaluation.evaluate(
            labelled, knowledge, column=column, label_column=label_column, encoding=encoding
        )
    if report_dir is not None:
        click.echo(f"report written to {write_report(report, report_dir)}", err=True)
    emit(report, as_json, render_evaluation)


@click.group(cls=Group)
def rules() -> None:
    """Check, test and measure the rules of a knowledge directory."""


@rules.command("check")
@directory_argument
@json_option
def rules_check(directory: Path | None, as_json: bool) -> None:
    """Check DIRECTORY: every YAML file, the example tasks and the notes.

    Prints every problem, one a line, as `file:line:col: level: message (rule-id)` (a
    column or line of 0 means the whole line or file), and their count on stderr. Errors
    stop the advisor from loading; warnings point at knowledge to improve: an example task
    labelled twice, a rule that fires on no example, two rules with the same conditions, a
    section the notes lack. Exits 1 when any problem is an error.

    Example:

        model-advisor rules check my-knowledge/
    """
    from ..quality.checks import check_knowledge

    problems = check_knowledge(knowledge_dir(directory))
    if as_json:
        data = [dataclasses.asdict(p) for p in problems]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(problem.parsable())
        click.echo(problems_summary(problems), err=True)
    if any(p.level == "error" for p in problems):
        raise click.exceptions.Exit(1)


@rules.command("test")
@directory_argument
@click.option("-q", "--quiet", is_flag=True, help="Print only the failing rules and the summary.")
@json_option
def rules_test(directory: Path | None, quiet: bool, as_json: bool) -> None:
    """Run every rule's own examples in DIRECTORY: each `match` text must make the rule
    fire, and no `no_match` text may.

    Prints a line per rule, pass or FAIL (with its file and line, and the texts that
    failed), then a summary. Exits 1 when any rule fails.

    Example:

        model-advisor rules test my-knowledge/ --quiet
    """
    from ..quality.checks import run_rule_tests

    report = run_rule_tests(knowledge_dir(directory))
    emit(report, as_json, lambda r: render_rule_tests(r, show_passed=not quiet))
    if report.failed:
        raise click.exceptions.Exit(1)


@rules.command("stats")
@directory_argument
@click.option(
    "--sort",
    type=click.Choice(STATS_SORTS),
    default="rule",
    show_default=True,
    help="Sort the rows by this column: counts largest first, accuracy lowest first.",
)
@json_option
def rules_stats(directory: Path | None, sort: str, as_json: bool) -> None:
    """Measure each rule of DIRECTORY on its example tasks, like a labeling-function summary.

    A row per rule: its category; the examples it fires on (fires, and coverage, their
    share); overlaps (another rule fires too); conflicts (a rule of another category fires
    too); correct and incorrect (the example's label is, or is not, the rule's category);
    and accuracy (correct / fires). Then the examples where the rules alone and the
    classifier alone disagree.

    Example:

        model-advisor rules stats my-knowledge/ --sort accuracy
    """
    from ..quality.checks import rule_stats

    report = rule_stats(knowledge_dir(directory))
    emit(report, as_json, lambda r: render_stats(r, sort))


def _fold_progress() -> Callable[[int, int], None] | None:
    """Folds done, on one line of stderr, when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, folds: int) -> None:
        text = "" if done == folds else f"cross-validating: {done} of {folds} folds done"
        sys.stderr.write(f"\r\x1b[K{text}")
        sys.stderr.flush()

    return show
