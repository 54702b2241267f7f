"""The ``model-advisor`` command: a thin layer over the library.

Each command parses its options, calls one library function and renders the result. Expected
failures (:class:`AdvisorError`) become ``Error: ...`` on stderr and exit code 1, in one place:
:class:`_Group`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from . import __version__
from ._render import render_advice
from .advisor import Advisor
from .batch import InputFormat, OutputFormat, advise_file, progress_line
from .errors import AdvisorError
from .models import advice_schema
from .rules import check_rules
from .training import train_classifier

_RULES_HELP = (
    "A knowledge directory of your own (rules, examples, notes) instead of the shipped one."
)


class _Group(click.Group):
    """Turns the library's expected errors into a one-line ``Error:`` and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AdvisorError as err:
            raise click.ClickException(str(err)) from err


def _rules_option(function: Any) -> Any:
    return click.option(
        "--rules",
        "rules_path",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="MODEL_ADVISOR_RULES",
        help=_RULES_HELP,
    )(function)


def _advisor(rules_path: Path | None) -> Advisor:
    return Advisor.from_dir(rules_path) if rules_path else Advisor.default()


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="model-advisor")
def cli() -> None:
    """Tell which kind of AI fits a task (discriminative, generative or AGI), and why."""


@cli.command()
@click.argument("tasks", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the advice as JSON.")
@_rules_option
def advise(tasks: tuple[str, ...], as_json: bool, rules_path: Path | None) -> None:
    """Advise on TASKS: which kind of AI fits each, how sure, and why.

    Give several tasks as several arguments, or `-` to read one task per line from stdin.
    With --json, one task prints a JSON object and several print a JSON array.

    Example:

        model-advisor advise "predict weather" "draft a sales email"
    """
    texts = list(_expand_stdin(tasks))
    if not texts:
        raise click.UsageError("no task given: stdin had no non-blank line")
    advisor = _advisor(rules_path)
    advice = [advisor.advise(text) for text in texts]
    if as_json:
        data = [a.model_dump(mode="json") for a in advice]
        click.echo(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False))
    else:
        click.echo("\n\n".join(render_advice(a) for a in advice))


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), help="Output file."
)
@click.option(
    "--format",
    "input_format",
    type=click.Choice(["csv", "tsv", "jsonl"]),
    help="Input format (default: from the extension, else the content).",
)
@click.option(
    "--output-format",
    type=click.Choice(["csv", "tsv", "jsonl", "json"]),
    help="Output format (default: from the output's extension, else the input's format).",
)
@click.option("--column", help="The task column: a name or a number from 1.")
@click.option("--no-header", is_flag=True, help="The first row is data (give --column N).")
@click.option("--encoding", default="utf-8", show_default=True, help="The input's encoding.")
@click.option("--delimiter", help="The field separator (\\t for tab), if not the guessed one.")
@click.option("--full", is_flag=True, help="Add the whole advice as JSON, in column `advice`.")
@click.option("--strict", is_flag=True, help="Stop at the first bad row instead of marking it.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, help="Worker processes.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary on stderr.")
@_rules_option
def batch(
    input_path: str,
    output: str | None,
    input_format: InputFormat | None,
    output_format: OutputFormat | None,
    column: str | None,
    no_header: bool,
    encoding: str,
    delimiter: str | None,
    full: bool,
    strict: bool,
    jobs: int,
    quiet: bool,
    rules_path: Path | None,
) -> None:
    """Advise on each task of a CSV, TSV or JSON Lines table (INPUT, or - for stdin).

    Writes every input row, in order, with its columns and `category`, `confidence`,
    `ambiguous`, `reason` and `error` added, to stdout or to OUTPUT (whole, at the end).
    The task column is the one named task, description or text, or --column. A bad row
    gets `error` filled and the run goes on (--strict stops instead); a summary goes to stderr.

    Example:

        model-advisor batch tasks.csv -o advised.csv --jobs 4
    """
    with progress_line(sys.stderr, enabled=not quiet) as progress:
        summary = advise_file(
            input_path,
            output,
            advisor=_advisor(rules_path),
            rules_path=rules_path,
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
        )
    if not quiet:
        click.echo(str(summary), err=True)


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def train(directory: Path | None) -> None:
    """Train the classifier on DIRECTORY's examples and save model.json there.

    Without DIRECTORY, trains the shipped knowledge (in a source checkout: rules/).

    Example:

        model-advisor train my-knowledge/
    """
    from . import _paths

    target_dir = directory or _paths.default_knowledge_dir()
    _, saved = train_classifier(target_dir)
    click.echo(f"saved {saved}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the advice that `advise --json` and `batch --full` produce.

    Example:

        model-advisor schema > advice.schema.json
    """
    click.echo(json.dumps(advice_schema(), indent=2))


@cli.group(cls=_Group)
def rules() -> None:
    """Work with the YAML rules of a knowledge directory."""


@rules.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def rules_check(directory: Path | None) -> None:
    """Validate every YAML file in DIRECTORY and list each problem on its own line.

    Exits 1 when any problem is an error.

    Example:

        model-advisor rules check my-knowledge/
    """
    from . import _paths

    problems = check_rules(directory or _paths.default_knowledge_dir())
    for problem in problems:
        click.echo(str(problem))
    if any(p.level == "error" for p in problems):
        raise click.exceptions.Exit(1)
    if not problems:
        click.echo("no problems found")


def _expand_stdin(tasks: Iterable[str]) -> Iterable[str]:
    for task in tasks:
        if task == "-":
            yield from (line.strip() for line in sys.stdin if line.strip())
        else:
            yield task
