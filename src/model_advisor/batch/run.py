"""Batch advice: a table of tasks in (CSV, TSV, JSON Lines or Parquet), one advised row out per
row in.

:func:`advise_file` streams. Rows are read lazily by the one table reader (Parquet: by
:mod:`.parquet`, a record batch at a time), advised in chunks by an executor
(:mod:`.executors`: in this process, or in ``jobs`` worker processes, results kept in input
order) and written to a temporary file (or directory of Parquet parts) beside the output,
renamed over it only at the end: an interrupted run never leaves a partial result. A bad row
(empty task, undecodable bytes, too large, ragged) gets its ``error`` column filled and the
run goes on, unless ``strict``; a file that is not a table is a :class:`BatchError`. With
``engine="dask"`` the whole run is :func:`.cluster.advise_on_dask`'s.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from itertools import islice
from pathlib import Path
from typing import Literal, Protocol

from .._table import EXTENSIONS, RESULT_COLUMNS, Row, Table, open_table
from ..advice.advisor import Advisor
from ..errors import BatchError, TableError
from ..types import UNDETERMINED
from .executors import Runner, in_process, process_pool
from .output import Writer, open_output, staged_directory, staged_file
from .parquet import SUFFIXES as PARQUET_SUFFIXES
from .parquet import (
    ParquetSink,
    ParquetTable,
    check_not_input,
    is_parquet,
    open_parquet,
    require_pyarrow,
)
from .summary import BatchSummary, summarize
from .work import Advising, Outcome, Result

Progress = Callable[[int, "float | None"], None]
"""Told the rows done and the share of the input read (None when its size is unknown)."""
CHUNK_ROWS = 2000
"""Rows advised together (and sent to a worker at once). Against 1,000, on real package
summaries: one process 3% faster, ``--jobs 2`` 9% (each chunk's fixed costs, its trip to a
worker and the classifier's array set-up, are spread over more rows); 4,000 gained nothing
more with two workers."""
BatchInputFormat = Literal["csv", "tsv", "jsonl", "parquet"]
BatchOutputFormat = Literal["csv", "tsv", "jsonl", "json", "parquet"]
Engine = Literal["local", "dask"]


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


# --- the whole run ----------------------------------------------------------------------


class _Tally:
    """Counts rows per category and errors; under ``strict`` the first bad row stops the run."""

    def __init__(self, name: str, strict: bool, numbered: bool = False) -> None:
        # numbered: rows are numbered from 1 (Parquet), not located by line, and the error
        # column holds the problem alone (a row's number is its place in the output)
        self.name, self.strict, self.numbered = name, strict, numbered
        self.rows = self.errors = 0
        self.categories: Counter[str] = Counter()
        self.first_error = ""

    def count(self, row: Row, result: Outcome) -> tuple[Result | None, str]:
        """Return the row's result and its error text (empty when it was advised)."""
        self.rows += 1
        problem = row.error or (result if isinstance(result, str) else "")
        if not problem and isinstance(result, Result):
            self.categories[result.category] += 1
            return result, ""
        where = f"row {row.line}: " if self.numbered else ""
        if self.strict:
            raise BatchError(
                self.name,
                f"{where}{problem} (strict: stopped at the first bad row)",
                0 if self.numbered else row.line,
            )
        self.errors += 1
        error = problem if self.numbered else f"line {row.line}: {problem}"
        self.first_error = self.first_error or (f"{where}{problem}" if self.numbered else error)
        return None, error

    def summary(self, categories: tuple[str, ...]) -> BatchSummary:
        counts = dict(self.categories)
        return summarize(self.rows, counts, self.errors, self.first_error, categories, UNDETERMINED)


def advise_file(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    advisor: Advisor | None = None,
    rules_path: str | os.PathLike[str] | None = None,
    column: str | int | None = None,
    header: bool = True,
    input_format: BatchInputFormat | None = None,
    output_format: BatchOutputFormat | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    full: bool = False,
    strict: bool = False,
    jobs: int = 1,
    progress: Progress | None = None,
    engine: Engine = "local",
    workers: int | None = None,
    scheduler: str | None = None,
) -> BatchSummary:
    """Advise on every task of a table file and write one advised row per input row, in order.

    The output keeps every input column and adds ``category``, ``confidence``, ``ambiguous``,
    ``reason`` (the first citation: ``section (line N): quote``) and ``error``; with ``full``
    also ``advice``, the whole :class:`~model_advisor.models.Advice` as JSON. A bad row gets
    ``error`` filled and the run goes on. The output is written to ``.<name>.*.tmp`` beside
    ``output`` and renamed over it at the end; the input is never changed.

    Args:
        input: a CSV, TSV or JSON Lines file, or ``-`` for stdin; or Parquet: a ``.parquet``
            file, a directory of them or a glob (read in natural order).
        output: the file to write, or ``None`` or ``-`` for stdout. Parquet output is a
            ``.parquet`` file, or a directory of part files for any other name.
        advisor: the advisor to use; by default one loaded from ``rules_path``.
        rules_path: the knowledge directory (default: the shipped one), when no ``advisor``
            is given. With ``jobs > 1`` each worker process loads the advisor's knowledge
            once, and refuses it if the directory has changed since.
        column: the task column's name, or its number from 1; by default the first column
            named ``task``, ``description`` or ``text`` (any case).
        header: whether the first row names the columns (CSV and TSV).
        input_format: ``csv``, ``tsv``, ``jsonl`` or ``parquet``; by default from the
            extension (a directory is Parquet) or content.
        output_format: ``csv``, ``tsv``, ``jsonl``, ``json`` or ``parquet``; by default from
            the output's extension, else the input's format.
        encoding: the input's encoding (a UTF-8 byte-order mark is skipped). Output is UTF-8.
        delimiter: the CSV field separator; by default guessed from the first line.
        full: add the whole advice (slower: builds the evidence of every row).
        strict: stop at the first bad row with a :class:`BatchError` naming its line.
        jobs: worker processes; the output is the same for any number.
        progress: called after each chunk of rows with the rows done and the share of the
            input read (``None`` when its size is unknown).
        engine: ``local`` (this process, or ``jobs`` processes) or ``dask``: the input read
            by Dask's readers and advised on a Dask cluster, the output a directory of
            Parquet parts (see :func:`model_advisor.batch.cluster.advise_on_dask`).
        workers: with ``engine="dask"``, the processes of a local cluster (default: one a
            core).
        scheduler: with ``engine="dask"``, a running cluster's address
            (``tcp://host:8786``) instead of a local cluster.

    Returns:
        The number of rows, rows per category, and rows with an error.

    Raises:
        BatchError: the input is unreadable, not a table or lacks the task column; the
            output cannot be written; with ``strict``, a row is bad; pyarrow or Dask is
            needed and not installed; or a Dask job failed.
        RuleFileError, ExampleDataError, KnowledgeBaseError, ModelFileError: from loading
            the knowledge.

    Example:
        >>> summary = advise_file("tasks.csv", "advised.csv")  # doctest: +SKIP
        >>> summary.categories["generative"]  # doctest: +SKIP
        12
    """
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    if advisor is None:
        advisor = Advisor.from_dir(rules_path) if rules_path is not None else Advisor.default()
    path = os.fspath(input)
    target = None if output is None or os.fspath(output) == "-" else os.fspath(output)
    if engine == "dask":
        from .cluster import advise_on_dask  # Dask is imported only for this engine

        if output_format not in (None, "parquet"):
            raise BatchError(str(target), "the dask engine writes Parquet parts only")
        try:
            return advise_on_dask(
                path,
                target,
                advisor=advisor,
                column=column,
                input_format=input_format,
                full=full,
                strict=strict,
                workers=workers,
                scheduler=scheduler,
                progress=progress,
            )
        except BatchError:
            raise
        except TableError as err:  # the task column, as the one table reader checks it
            raise BatchError(err.path, err.message, err.line, err.code) from err
    advising = Advising(advisor, full)
    executor: AbstractContextManager[Runner] = (
        in_process(advising) if jobs == 1 else process_pool(advising, jobs, path)
    )
    reserved = (*RESULT_COLUMNS, "advice")
    parquet = input_format == "parquet" or (input_format is None and is_parquet(path))
    try:
        with _open_input(
            path, parquet, input_format, column, header, encoding, delimiter, reserved
        ) as table:
            tally = _Tally(table.name, strict, numbered=parquet)
            chosen = output_format or _output_format(target, table.format)
            with _open_sink(target, path, chosen, table, full) as sink, executor as run:
                for rows, results in run(_chunks(table.rows)):
                    outcomes = [tally.count(r, x) for r, x in zip(rows, results, strict=True)]
                    sink.write(rows, outcomes)
                    if progress is not None:
                        progress(tally.rows, table.fraction())
                sink.close()
                table.check_unchanged()  # before the output is renamed into place
    except BatchError:
        raise
    except TableError as err:
        raise BatchError(err.path, err.message, err.line, err.code) from err
    return tally.summary(advisor.categories)


class _Sink(Protocol):
    def write(self, rows: list[Row], outcomes: list[tuple[Result | None, str]]) -> None: ...

    def close(self) -> None: ...


@contextmanager
def _open_input(
    path: str,
    parquet: bool,
    input_format: BatchInputFormat | None,
    column: str | int | None,
    header: bool,
    encoding: str,
    delimiter: str | None,
    reserved: tuple[str, ...],
) -> Iterator[Table | ParquetTable]:
    if parquet:
        with open_parquet(path, column, reserved) as parquet_table:
            yield parquet_table
        return
    text_format = None if input_format == "parquet" else input_format
    with open_table(path, text_format, column, header, encoding, delimiter, reserved) as table:
        yield table


@contextmanager
def _open_sink(
    target: str | None,
    source: str,
    chosen: BatchOutputFormat,
    table: Table | ParquetTable,
    full: bool,
) -> Iterator[_Sink]:
    if chosen != "parquet":
        with open_output(target, source) as stream:
            yield Writer(stream, chosen, table.columns, full)
        return
    if target is None:
        message = "Parquet is written to a file or a directory, not to stdout: give -o"
        raise BatchError("<stdout>", message)
    require_pyarrow(target)
    schema = table.schema if isinstance(table, ParquetTable) else None
    check_not_input(target, table.files if isinstance(table, ParquetTable) else [source])
    directory = Path(target).suffix.lower() not in PARQUET_SUFFIXES or Path(target).is_dir()
    staging = staged_directory(target) if directory else staged_file(target)
    with staging as place:
        yield ParquetSink(place, directory, table.columns, schema, full)


def _output_format(target: str | None, input_format: BatchInputFormat) -> BatchOutputFormat:
    suffix = Path(target).suffix.lower() if target else ""
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if not suffix or (target is not None and Path(target).is_dir()):
        return input_format
    known = EXTENSIONS.get(suffix)
    if known is None:
        raise BatchError(
            str(target),
            f"cannot write {suffix} files: name the output .csv, .tsv, .jsonl, .json or "
            ".parquet, or say which of those to write with --output-format",
            code="unknown-output-format",
        )
    return known
