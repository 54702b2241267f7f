"""Batch advice: a table of tasks in (CSV, TSV or JSON Lines), one advised row out per row in.

:func:`advise_file` streams. Rows are read lazily, advised in chunks (in this process, or in
``jobs`` worker processes, results kept in input order) and written to a temporary file beside
the output, renamed over it only at the end: an interrupted run never leaves a partial result.
A bad row (empty task, undecodable bytes, too large, ragged) gets its ``error`` column filled
and the run goes on, unless ``strict``; a file that is not a table is a :class:`BatchError`.
"""

from __future__ import annotations

import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from . import _paths
from ._output import Result, Writer, open_output
from ._table import (
    EXTENSIONS,
    MAX_ROW_CHARS,
    RESULT_COLUMNS,
    TASK_COLUMNS,
    InputFormat,
    OutputFormat,
    Row,
    open_table,
)
from .advisor import Advisor, Brief, load_long_lived
from .errors import BatchError, InvalidTaskError
from .knowledge import Passage
from .models import CATEGORIES

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

__all__ = [
    "MAX_ROW_CHARS",
    "RESULT_COLUMNS",
    "TASK_COLUMNS",
    "BatchSummary",
    "InputFormat",
    "OutputFormat",
    "ProgressLine",
    "advise_file",
    "progress_line",
]

Progress = Callable[[int, "float | None"], None]
"""Told the rows done and the share of the input read (None when its size is unknown)."""
CHUNK_ROWS = 1000
"""Rows advised together (and sent to a worker at once)."""

_CACHE_SIZE = 4096
_CACHE_MAX_CHARS = 1000  # longer texts are not cached, so the cache stays small


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


# --- advising ---------------------------------------------------------------------------


class _Advising:
    """Turns task texts into results, a chunk at a time; repeated texts come from a cache.

    The cache cannot change a result: advice depends on nothing but the text.
    """

    def __init__(self, advisor: Advisor, full: bool) -> None:
        self.advisor, self.full = advisor, full
        self._cache: dict[str, Result | str] = {}
        self._reasons: dict[Passage, str] = {}  # the reason column of each cited passage

    def chunk(self, tasks: list[str | None]) -> list[Result | str | None]:
        cache = self._cache
        new = list(dict.fromkeys(t for t in tasks if t is not None and t not in cache))
        fresh = dict(zip(new, self._advise(new), strict=True))
        results = [None if t is None else fresh[t] if t in fresh else cache[t] for t in tasks]
        if len(cache) + len(fresh) > _CACHE_SIZE:
            cache.clear()  # start afresh: cheaper than evicting entries one by one
        cache.update((t, r) for t, r in fresh.items() if len(t) <= _CACHE_MAX_CHARS)
        return results

    def _advise(self, tasks: list[str]) -> list[Result | str]:
        if self.full:
            return [self._advise_fully(task) for task in tasks]
        return [self._result(brief) for brief in self.advisor.brief_many(tasks)]

    def _advise_fully(self, task: str) -> Result | str:
        try:
            advice = self.advisor.advise(task)
        except InvalidTaskError as err:
            return str(err)
        cited = advice.citations[0] if advice.citations else None
        reason = _reason(cited.section, cited.line, cited.quote) if cited else ""
        data = advice.model_dump(mode="json")
        return Result(advice.category, advice.confidence, advice.ambiguous, reason, data)

    def _result(self, brief: Brief | InvalidTaskError) -> Result | str:
        if isinstance(brief, InvalidTaskError):
            return str(brief)
        decision, passage = brief.decision, brief.passage
        reason = ""
        if passage is not None:
            reason = self._reasons.get(passage) or self._reasons.setdefault(
                passage, _reason(passage.section_path, passage.start_line, passage.text)
            )
        return Result(
            decision.category, round(decision.confidence, 4), decision.ambiguous, reason, None
        )


def _reason(section: str, line: int, quote: str) -> str:
    """The ``reason`` column: where the first citation stands in the notes, and its words."""
    return f"{section} (line {line}): {quote}"


_WORKER: _Advising | None = None
_WORKER_ERROR = ""


def _start_worker(rules_path: str | None, full: bool) -> None:
    global _WORKER, _WORKER_ERROR
    try:
        _WORKER = _Advising(load_long_lived(rules_path), full)
    except Exception as err:  # a failing initializer would make the pool respawn it forever
        _WORKER_ERROR = f"{type(err).__name__}: {err}"


def _work(tasks: list[str | None]) -> list[Result | str | None]:
    if _WORKER is None:
        raise RuntimeError(f"a worker could not load the knowledge: {_WORKER_ERROR}")
    return _WORKER.chunk(tasks)


Chunks = Iterator[tuple[list[Row], list[Result | str | None]]]


@contextmanager
def _runner(
    advising: _Advising, rules_path: str | None, jobs: int
) -> Iterator[Callable[[Iterator[list[Row]]], Chunks]]:
    """A function advising chunks of rows in order: here, or in ``jobs`` worker processes."""
    if jobs == 1:
        yield lambda chunks: ((rows, advising.chunk([r.task for r in rows])) for rows in chunks)
        return
    import multiprocessing  # here: it is slow to import, and one process needs none of it

    with multiprocessing.get_context().Pool(
        jobs, _start_worker, (rules_path, advising.full)
    ) as pool:

        def run(chunks: Iterator[list[Row]]) -> Chunks:
            # Pool.imap would read the whole input ahead: keep a bounded window in flight.
            pending: deque[tuple[list[Row], AsyncResult[list[Result | str | None]]]] = deque()
            for rows in chunks:
                pending.append((rows, pool.apply_async(_work, ([r.task for r in rows],))))
                if len(pending) >= 2 * jobs:
                    done, result = pending.popleft()
                    yield done, result.get()
            while pending:
                done, result = pending.popleft()
                yield done, result.get()

        yield run


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

    def count(self, row: Row, result: Result | str | None) -> tuple[Result | None, str]:
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

    def summary(self) -> BatchSummary:
        verdicts = (*CATEGORIES, "undetermined")
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
        rules_path: the knowledge directory (default: the shipped one); with ``jobs > 1``
            each worker process loads it, so it must be where ``advisor`` came from.
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
    knowledge = os.fspath(rules_path) if rules_path is not None else None
    if advisor is None:
        advisor = Advisor.from_dir(knowledge) if knowledge else Advisor.default()
    if jobs > 1:
        _check_workers_match(advisor, knowledge)
    path = os.fspath(input)
    target = None if output is None or os.fspath(output) == "-" else os.fspath(output)
    with open_table(path, input_format, column, header, encoding, delimiter) as table:
        tally = _Tally(table.name, strict)
        chosen = output_format or _output_format(target, table.format)
        advising = _Advising(advisor, full)
        with open_output(target, path) as stream, _runner(advising, knowledge, jobs) as run:
            writer = Writer(stream, chosen, table, full)
            for rows, results in run(_chunks(table.rows)):
                writer.write(rows, [tally.count(r, x) for r, x in zip(rows, results, strict=True)])
                if progress is not None:
                    progress(tally.rows, table.fraction())
            writer.close()
            table.check_unchanged()  # before the output is renamed into place
    return tally.summary()


def _output_format(target: str | None, input_format: InputFormat) -> OutputFormat:
    known = EXTENSIONS.get(Path(target).suffix.lower()) if target else None
    return known or input_format


def _check_workers_match(advisor: Advisor, rules_path: str | None) -> None:
    directory = Path(rules_path) if rules_path else _paths.default_knowledge_dir()
    notes = directory / advisor.settings.notes
    if advisor.knowledge.path.resolve() != notes.resolve():
        raise ValueError(
            "with jobs > 1 every worker loads rules_path: pass the directory the advisor "
            "was loaded from"
        )


# --- progress ---------------------------------------------------------------------------


class ProgressLine:
    """Shows progress on a terminal: one line, rewritten in place at most every ``interval``.

    It shows rows done and rows per second, plus the share done and the time left when the
    input's size is known. Use it as ``advise_file(..., progress=ProgressLine(sys.stderr))``.
    """

    def __init__(self, stream: IO[str], interval: float = 0.5) -> None:
        self.stream, self.interval = stream, interval
        self._start = self._shown = time.monotonic()
        self._width = 0

    def __call__(self, rows: int, fraction: float | None) -> None:
        now = time.monotonic()
        if now - self._shown < self.interval:
            return
        self._shown = now
        elapsed = max(now - self._start, 1e-9)
        text = f"{rows:,} rows, {rows / elapsed:,.0f} rows/s"
        if fraction:
            left = elapsed * (1 - fraction) / fraction
            text += f", {fraction:.0%}, {int(left) // 60}:{int(left) % 60:02d} left"
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def clear(self) -> None:
        """Erase the line, so that what is printed next starts clean."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()


@contextmanager
def progress_line(stream: IO[str], enabled: bool = True) -> Iterator[ProgressLine | None]:
    """A :class:`ProgressLine` on ``stream`` if enabled and a terminal (else None), then erased."""
    if not enabled or not stream.isatty():
        yield None
        return
    line = ProgressLine(stream)
    try:
        yield line
    finally:
        line.clear()
