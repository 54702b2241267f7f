"""Batch advice: a table of tasks in (CSV, TSV or JSON Lines), one advised row out per row in.

:func:`advise_file` streams. Rows are read lazily by the one table reader, advised in chunks
by an executor (:mod:`.executors`: in this process, or in ``jobs`` worker processes, results
kept in input order) and written to a temporary file beside the output, renamed over it only
at the end: an interrupted run never leaves a partial result. A bad row (empty task,
undecodable bytes, too large, ragged) gets its ``error`` column filled and the run goes on,
unless ``strict``; a file that is not a table is a :class:`BatchError`.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from itertools import islice
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .._table import EXTENSIONS, RESULT_COLUMNS, InputFormat, OutputFormat, Row, open_table
from ..advice.advisor import Advisor
from ..errors import BatchError, TableError
from ..types import UNDETERMINED
from .executors import Runner, in_process, process_pool
from .output import Writer, open_output
from .work import Advising, Outcome, Result

Progress = Callable[[int, "float | None"], None]
"""Told the rows done and the share of the input read (None when its size is unknown)."""
CHUNK_ROWS = 1000
"""Rows advised together (and sent to a worker at once)."""


class BatchSummary(BaseModel):
    """What :func:`advise_file` did: rows read, rows per category and rows with an error."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    rows: int
    categories: dict[str, int]
    errors: int
    first_error: str = ""

    def __str__(self) -> str:
        counts = ", ".join(f"{n:,} {category}" for category, n in self.categories.items())
        rows, errors = _plural(self.rows, "row"), _plural(self.errors, "error")
        text = f"{rows}: {counts}; {errors}"
        return text + (f" (first: {self.first_error})" if self.first_error else "")


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


# --- the whole run ----------------------------------------------------------------------


class _Tally:
    """Counts rows per category and errors; under ``strict`` the first bad row stops the run."""

    def __init__(self, name: str, strict: bool) -> None:
        self.name, self.strict = name, strict
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
        if self.strict:
            raise BatchError(
                self.name, f"{problem} (strict: stopped at the first bad row)", row.line
            )
        self.errors += 1
        error = f"line {row.line}: {problem}"
        self.first_error = self.first_error or error
        return None, error

    def summary(self, categories: tuple[str, ...]) -> BatchSummary:
        verdicts = (*categories, UNDETERMINED)
        return BatchSummary(
            rows=self.rows,
            categories={c: self.categories[c] for c in verdicts},
            errors=self.errors,
            first_error=self.first_error,
        )


def advise_file(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    advisor: Advisor | None = None,
    rules_path: str | os.PathLike[str] | None = None,
    column: str | int | None = None,
    header: bool = True,
    input_format: InputFormat | None = None,
    output_format: OutputFormat | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    full: bool = False,
    strict: bool = False,
    jobs: int = 1,
    progress: Progress | None = None,
) -> BatchSummary:
    """Advise on every task of a table file and write one advised row per input row, in order.

    The output keeps every input column and adds ``category``, ``confidence``, ``ambiguous``,
    ``reason`` (the first citation: ``section (line N): quote``) and ``error``; with ``full``
    also ``advice``, the whole :class:`~model_advisor.models.Advice` as JSON. A bad row gets
    ``error`` filled and the run goes on. The output is written to ``.<name>.*.tmp`` beside
    ``output`` and renamed over it at the end; the input is never changed.

    Args:
        input: a CSV, TSV or JSON Lines file, or ``-`` for stdin.
        output: the file to write, or ``None`` or ``-`` for stdout.
        advisor: the advisor to use; by default one loaded from ``rules_path``.
        rules_path: the knowledge directory (default: the shipped one), when no ``advisor``
            is given. With ``jobs > 1`` each worker process loads the advisor's knowledge
            once, and refuses it if the directory has changed since.
        column: the task column's name, or its number from 1; by default the first column
            named ``task``, ``description`` or ``text`` (any case).
        header: whether the first row names the columns (CSV and TSV).
        input_format: ``csv``, ``tsv`` or ``jsonl``; by default from the extension or content.
        output_format: ``csv``, ``tsv``, ``jsonl`` or ``json``; by default from the output's
            extension, else the input's format.
        encoding: the input's encoding (a UTF-8 byte-order mark is skipped). Output is UTF-8.
        delimiter: the CSV field separator; by default guessed from the first line.
        full: add the whole advice (slower: builds the evidence of every row).
        strict: stop at the first bad row with a :class:`BatchError` naming its line.
        jobs: worker processes; the output is the same for any number.
        progress: called after each chunk of rows with the rows done and the share of the
            input read (``None`` when its size is unknown).

    Returns:
        The number of rows, rows per category, and rows with an error.

    Raises:
        BatchError: the input is unreadable, not a table or lacks the task column; the
            output cannot be written; or, with ``strict``, a row is bad.
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
    advising = Advising(advisor, full)
    executor: AbstractContextManager[Runner] = (
        in_process(advising) if jobs == 1 else process_pool(advising, jobs)
    )
    reserved = (*RESULT_COLUMNS, "advice")
    try:
        with open_table(path, input_format, column, header, encoding, delimiter, reserved) as table:
            tally = _Tally(table.name, strict)
            chosen = output_format or _output_format(target, table.format)
            with open_output(target, path) as stream, executor as run:
                writer = Writer(stream, chosen, table, full)
                for rows, results in run(_chunks(table.rows)):
                    outcomes = [tally.count(r, x) for r, x in zip(rows, results, strict=True)]
                    writer.write(rows, outcomes)
                    if progress is not None:
                        progress(tally.rows, table.fraction())
                writer.close()
                table.check_unchanged()  # before the output is renamed into place
    except BatchError:
        raise
    except TableError as err:
        raise BatchError(err.path, err.message, err.line, err.code) from err
    return tally.summary(advisor.categories)


def _output_format(target: str | None, input_format: InputFormat) -> OutputFormat:
    suffix = Path(target).suffix.lower() if target else ""
    if not suffix:
        return input_format
    known = EXTENSIONS.get(suffix)
    if known is None:
        raise BatchError(
            str(target),
            f"cannot write {suffix} files: name the output .csv, .tsv, .jsonl or .json, or "
            "say which of those to write with --output-format",
            code="unknown-output-format",
        )
    return known
