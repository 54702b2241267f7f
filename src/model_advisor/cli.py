"""The ``model-advisor`` command: a thin layer over the library.

Each command parses its options, calls one library function and renders the result. Expected
failures (:class:`AdvisorError`) become ``Error: ...`` on stderr and exit code 1, in one place:
:class:`_Group`.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from pydantic import BaseModel

from . import _paths
from ._version import __version__
from .advice.advisor import load_long_lived
from .advice.render import render_advice
from .errors import AdvisorError
from .quality import DEFAULT_FOLDS
from .quality.report_text import (
    STATS_SORTS,
    problems_summary,
    render_evaluation,
    render_rule_tests,
    render_stats,
    render_training,
)
from .signals import Signalled, signals_raised
from .types import advice_schema

if TYPE_CHECKING:  # the table reader loads with the batch command, not on every start
    from .batch.run import BatchInputFormat, BatchOutputFormat, Engine

R = TypeVar("R", bound=BaseModel)

_RULES_HELP = (
    "A knowledge directory of your own (rules, examples, notes) instead of the shipped one."
)


class _Group(click.Group):
    """Turns the library's expected errors into a one-line ``Error:`` and exit code 1, and an
    interruption into one line and the shell's convention: 130 for Ctrl-C, 128 + N for a
    signal N (SIGTERM 143, SIGHUP 129)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AdvisorError as err:
            raise click.ClickException(str(err)) from err
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            raise click.exceptions.Exit(128 + signal.SIGINT) from None
        except Signalled as stopped:
            click.echo(f"Error: stopped by {signal.Signals(stopped.signum).name}", err=True)
            raise click.exceptions.Exit(128 + stopped.signum) from None


def _rules_option(function: Any) -> Any:
    return click.option(
        "--rules",
        "rules_path",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="MODEL_ADVISOR_RULES",
        help=_RULES_HELP,
    )(function)


def _knowledge(directory: Path | None) -> Path:
    return directory or _paths.default_knowledge_dir()


def _directory_argument(function: Any) -> Any:
    return click.argument(
        "directory", required=False, type=click.Path(file_okay=False, path_type=Path)
    )(function)


def _folds_option(help_text: str) -> Callable[[Any], Any]:
    return click.option(
        "--folds",
        type=click.IntRange(min=2),
        default=DEFAULT_FOLDS,
        show_default=True,
        help=help_text,
    )


def _json_option(function: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")(
        function
    )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="model-advisor")
def cli() -> None:
    """Tell which kind of AI fits a task (discriminative, generative or AGI), and why."""


@cli.command()
@click.argument("tasks", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the advice as JSON.")
@_rules_option
def advise(tasks: tuple[str, ...], as_json: bool, rules_path: Path | None) -> None:
    """Advise on TASKS: which kind of AI fits each, how sure, and why.

    Give several tasks as several arguments, or `-` to read one task per line from stdin;
    with no TASKS, piped stdin is read the same way. With --json, one task prints a JSON
    object and several print a JSON array.

    Example:

        model-advisor advise "predict weather" "draft a sales email"
    """
    if not tasks:
        if sys.stdin is None or sys.stdin.isatty():  # nothing piped: say how to use it
            click.echo(click.get_current_context().get_help())
            raise click.exceptions.Exit(2)
        tasks = ("-",)
    texts = list(_expand_stdin(tasks))
    if not texts:
        raise click.UsageError("no task given: stdin had no non-blank line")
    advisor = load_long_lived(rules_path)
    advice = [advisor.advise(text) for text in texts]
    if as_json:
        data = [a.model_dump(mode="json") for a in advice]
        click.echo(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False))
    else:
        click.echo("\n\n".join(render_advice(a) for a in advice))


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(allow_dash=True), help="Output file or directory.")
@click.option(
    "--format",
    "input_format",
    type=click.Choice(["csv", "tsv", "jsonl", "parquet"]),
    help="Input format (default: from the extension, else the content).",
)
@click.option(
    "--output-format",
    type=click.Choice(["csv", "tsv", "jsonl", "json", "parquet"]),
    help="Output format (default: from the output's extension, else the input's format).",
)
@click.option("--column", help="The task column: a name or a number from 1.")
@click.option("--no-header", is_flag=True, help="The first row is data (give --column N).")
@click.option("--encoding", default="utf-8", show_default=True, help="The input's encoding.")
@click.option("--delimiter", help="The field separator (\\t for tab), if not the guessed one.")
@click.option("--full", is_flag=True, help="Add the whole advice as JSON, in column `advice`.")
@click.option("--strict", is_flag=True, help="Stop at the first bad row instead of marking it.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, help="Worker processes.")
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where rows are advised: here (with --jobs), or on a Dask cluster.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="With --engine dask: the processes of a local cluster (default: one a core).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: a running cluster's scheduler (tcp://host:8786).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary on stderr.")
@_rules_option
def batch(
    input_path: str,
    output: str | None,
    input_format: BatchInputFormat | None,
    output_format: BatchOutputFormat | None,
    column: str | None,
    no_header: bool,
    encoding: str,
    delimiter: str | None,
    full: bool,
    strict: bool,
    jobs: int,
    engine: Engine,
    workers: int | None,
    scheduler: str | None,
    quiet: bool,
    rules_path: Path | None,
) -> None:
    """Advise on each task of a table: CSV, TSV or JSON Lines (INPUT, or - for stdin), or
    Parquet (a file, a directory of them or a glob).

    Writes every input row, in order, with its columns and `category`, `confidence`,
    `ambiguous`, `reason` and `error` added, to stdout or to OUTPUT (whole, at the end; for
    Parquet, a .parquet file or a directory of part files). The task column is the one
    named task, description or text, or --column. A bad row gets `error` filled and the
    run goes on (--strict stops instead); a summary goes to stderr. --engine dask reads the
    input with Dask and advises it on a local cluster of --workers processes, or on the
    cluster at --scheduler, writing a directory of Parquet parts.

    Example:

        model-advisor batch tasks.csv -o advised.csv --jobs 4

        model-advisor batch tasks/ -o advised/ --engine dask --workers 8
    """
    from .batch.progress import progress_line  # only this command needs the batch
    from .batch.run import advise_file

    if engine == "local" and (workers is not None or scheduler is not None):
        raise click.UsageError("--workers and --scheduler go with --engine dask")
    if engine == "dask" and jobs > 1:
        raise click.UsageError("--jobs is for the local engine; with Dask, give --workers")
    if workers is not None and scheduler is not None:
        raise click.UsageError("give --workers (a local cluster) or --scheduler, not both")
    with signals_raised(), progress_line(sys.stderr, enabled=not quiet) as progress:
        summary = advise_file(
            input_path,
            output,
            advisor=load_long_lived(rules_path),
            column=column,
            header=not no_header,
            input_format=input_format,
            output_format=output_format,
            encoding=encoding,
            delimiter=delimiter,
            full=full,
            strict=strict,
            jobs=jobs,
            progress=progress,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
        )
    if not quiet:
        click.echo(str(summary), err=True)


@cli.command()
@_directory_argument
@_folds_option("Folds of the cross-validation.")
@click.option("--no-cv", is_flag=True, help="Train and save only: skip the cross-validation.")
@_json_option
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
    from .quality import evaluation  # the heavy modules of these commands load only when used

    report = evaluation.train(directory, None if no_cv else folds, progress=_fold_progress())
    _emit(report, as_json, render_training)


@cli.command()
@click.argument("labelled", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--cross-validate",
    "cross",
    is_flag=True,
    help="Evaluate on the knowledge directory's own examples, by k-fold cross-validation.",
)
@_folds_option("Folds, with --cross-validate.")
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
@_rules_option
@_json_option
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
    from .quality import evaluation
    from .quality.report import require_matplotlib, write_report

    if report_dir is not None:
        require_matplotlib()  # before the time is spent evaluating
    knowledge = _knowledge(rules_path)
    if labelled is None:
        report = evaluation.cross_validate(knowledge, folds, progress=_fold_progress())
    else:
        report = evaluation.evaluate(
            labelled, knowledge, column=column, label_column=label_column, encoding=encoding
        )
    if report_dir is not None:
        click.echo(f"report written to {write_report(report, report_dir)}", err=True)
    _emit(report, as_json, render_evaluation)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Write a copy of the shipped knowledge (notes, categories, rules, examples and model)
    into DIRECTORY, a new or empty directory, to edit and use as your own.

    Example:

        model-advisor init my-knowledge
    """
    from .knowledge.starter import init_knowledge

    written = init_knowledge(directory)
    click.echo(f"wrote {len(written)} files to {directory}: {', '.join(p.name for p in written)}")
    click.echo(
        "next: edit them, then\n"
        f"  model-advisor rules check {directory}\n"
        f"  model-advisor rules test {directory}\n"
        f"  model-advisor train {directory}\n"
        f'  model-advisor advise --rules {directory} "your task"'
    )


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the advice that `advise --json` and `batch --full` produce.

    Example:

        model-advisor schema > advice.schema.json
    """
    click.echo(json.dumps(advice_schema(), indent=2))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on.",
)
@_rules_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes, each with its own copy of the knowledge.",
)
@click.option(
    "--api-key",
    envvar="MODEL_ADVISOR_API_KEY",
    help="Require `Authorization: Bearer KEY` on every API call.",
)
def serve(host: str, port: int, rules_path: Path | None, workers: int, api_key: str | None) -> None:
    """Serve the advisor over HTTP: a JSON API under /v1, a web page at /, docs at /docs.

    Listens on 127.0.0.1 (this machine only) unless --host says otherwise; without
    --api-key, anyone who can reach the port can use it. Stops on Ctrl-C or SIGTERM.
    Needs the serve extra: pip install 'model-advisor[serve]'.

    Example:

        model-advisor serve --port 8000 --workers 2
    """
    try:
        from .serve import ServeConfig, binding_warning
        from .serve import serve as run_server
    except ImportError as err:
        raise click.ClickException(
            f"serve needs FastAPI and uvicorn ({err.name} is missing): "
            "pip install 'model-advisor[serve]'"
        ) from err
    warning = binding_warning(host, api_key)
    if warning:
        click.echo(f"Warning: {warning}", err=True)
    run_server(ServeConfig(host, port, rules_path, workers, api_key))


@cli.group(cls=_Group)
def rules() -> None:
    """Check, test and measure the rules of a knowledge directory."""


@rules.command("check")
@_directory_argument
@_json_option
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
    from .quality.checks import check_knowledge

    problems = check_knowledge(_knowledge(directory))
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
@_directory_argument
@click.option("-q", "--quiet", is_flag=True, help="Print only the failing rules and the summary.")
@_json_option
def rules_test(directory: Path | None, quiet: bool, as_json: bool) -> None:
    """Run every rule's own examples in DIRECTORY: each `match` text must make the rule
    fire, and no `no_match` text may.

    Prints a line per rule, pass or FAIL (with its file and line, and the texts that
    failed), then a summary. Exits 1 when any rule fails.

    Example:

        model-advisor rules test my-knowledge/ --quiet
    """
    from .quality.checks import run_rule_tests

    report = run_rule_tests(_knowledge(directory))
    _emit(report, as_json, lambda r: render_rule_tests(r, show_passed=not quiet))
    if report.failed:
        raise click.exceptions.Exit(1)


@rules.command("stats")
@_directory_argument
@click.option(
    "--sort",
    type=click.Choice(STATS_SORTS),
    default="rule",
    show_default=True,
    help="Sort the rows by this column: counts largest first, accuracy lowest first.",
)
@_json_option
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
    from .quality.checks import rule_stats

    report = rule_stats(_knowledge(directory))
    _emit(report, as_json, lambda r: render_stats(r, sort))


def _emit(report: R, as_json: bool, render: Callable[[R], str]) -> None:
    click.echo(report.model_dump_json(indent=2) if as_json else render(report))


def _fold_progress() -> Callable[[int, int], None] | None:
    """Folds done, on one line of stderr, when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, folds: int) -> None:
        text = "" if done == folds else f"cross-validating: {done} of {folds} folds done"
        sys.stderr.write(f"\r\x1b[K{text}")
        sys.stderr.flush()

    return show


def _expand_stdin(tasks: Iterable[str]) -> Iterable[str]:
    for task in tasks:
        if task == "-":
            yield from (line.strip() for line in sys.stdin if line.strip())
        else:
            yield task
