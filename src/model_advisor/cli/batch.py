"""The ``batch`` command: advise on every task of a table, here or on a Dask cluster."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..advice.advisor import load_long_lived
from ..signals import signals_raised
from .common import rules_option

if TYPE_CHECKING:  # the table reader loads with the batch command, not on every start
    from ..batch.run import BatchInputFormat, BatchOutputFormat, Engine


@click.command()
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
@rules_option
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
    from ..batch.progress import progress_line  # only this command needs the batch
    from ..batch.run import advise_file

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
