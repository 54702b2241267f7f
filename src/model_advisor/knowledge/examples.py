"""Labelled tasks: a knowledge directory's ``examples.csv``, and labelled files to evaluate on.

Both are tables with a task and a label column, read by the one table reader
(:mod:`model_advisor._table`), so they follow the batch's rules for encodings, byte-order
marks, bad bytes and ragged rows. The whole file is checked before anything is trained or
scored: every bad row is reported by file and line, so a mistake in a label is never counted
as a mistake of the advisor.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .._table import open_table
from ..errors import ExampleDataError, Problem, TableError
from ..types import Category, Example

MAX_PROBLEMS = 10
"""Bad rows listed in one error; a first line says how many there are in all."""
MAX_EXAMPLES_BYTES = 50_000_000
"""A knowledge directory's examples are read whole to train on: a larger file is refused."""


def load_examples(path: Path, categories: Sequence[Category]) -> list[Example]:
    """Read a knowledge directory's example tasks: a table with ``task`` and ``label`` columns.

    Args:
        path: the examples file (CSV, TSV or JSON Lines).
        categories: the declared category ids; every one needs at least one example.

    Raises:
        ExampleDataError: listing the bad rows (unknown label, empty task...) by line, or
            naming the categories that have no example.
    """
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # the reader says what is wrong with it
    if size > MAX_EXAMPLES_BYTES:
        message = f"file is {size} bytes; the limit is {MAX_EXAMPLES_BYTES}"
        raise ExampleDataError([Problem(str(path), code="file-too-large", message=message)])
    examples = read_labelled(path, categories, column="task")
    missing = [c for c in categories if not any(e.label == c for e in examples)]
    if missing:
        message = f"need examples of every category; none of {', '.join(missing)}"
        raise ExampleDataError([Problem(str(path), code="missing-category", message=message)])
    return examples


def read_labelled(
    path: str | Path,
    categories: Sequence[Category],
    *,
    column: str | int | None = None,
    label_column: str | int = "label",
    encoding: str = "utf-8",
) -> list[Example]:
    """Read labelled tasks from a CSV, TSV or JSON Lines file (``-``: stdin).

    The task column is ``column`` (a name or a number from 1), else the first named task,
    description or text; labels are matched without regard to case or surrounding spaces.

    Raises:
        ExampleDataError: the file cannot be read, lacks a column, has no rows, or has bad
            rows (an empty task, a missing or unknown label), listing them by line.
    """
    labels = {c.lower(): c for c in categories}
    examples: list[Example] = []
    problems: list[Problem] = []
    try:
        with open_table(str(path), None, column, True, encoding, None) as table:
            name = table.name
            label_of = table.lookup(label_column, "--label-column")
            for row in table.rows:
                label = labels.get(label_of(row).strip().lower())
                if row.error or row.task is None:
                    code = "empty-task" if row.error == "empty task" else "bad-row"
                    problems.append(Problem(name, row.line, code=code, message=row.error))
                elif label is None:
                    message = _bad_label(label_of(row).strip(), categories)
                    problems.append(Problem(name, row.line, code="unknown-label", message=message))
                else:
                    examples.append(Example(task=row.task.strip(), label=label, line=row.line))
    except TableError as err:
        raise ExampleDataError([err.problem()]) from err
    if problems:
        raise ExampleDataError(_capped(name, problems))
    if not examples:
        problem = Problem(name, code="no-rows", message="no labelled tasks: the file has no rows")
        raise ExampleDataError([problem])
    return examples


def _bad_label(label: str, categories: Sequence[Category]) -> str:
    if not label:
        return f"no label: give one of {', '.join(categories)}"
    return f"label {label!r} is not one of {', '.join(categories)}"


def _capped(name: str, problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    first = sorted(problems)[:MAX_PROBLEMS]
    message = f"{len(problems)} bad rows; the first {MAX_PROBLEMS}:"
    return [Problem(name, 0, code="bad-rows", message=message), *first]
