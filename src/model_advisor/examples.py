"""The labelled example tasks of a knowledge directory (``examples.csv``)."""

from __future__ import annotations

import csv
from pathlib import Path

from .errors import ExampleDataError, Problem
from .models import CATEGORIES, Example

MAX_EXAMPLES_BYTES = 50_000_000


def load_examples(path: Path) -> list[Example]:
    """Read labelled example tasks from a CSV file with ``task`` and ``label`` columns.

    Raises:
        ExampleDataError: listing every bad row (unknown label, empty task) by CSV line.
    """
    shown = str(path)
    try:
        if path.stat().st_size > MAX_EXAMPLES_BYTES:
            message = f"larger than {MAX_EXAMPLES_BYTES} bytes"
            raise ExampleDataError([Problem(shown, code="file-too-large", message=message)])
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ExampleDataError(
            [Problem(shown, code="not-utf8", message=f"not UTF-8: {err.reason}")]
        ) from err
    except OSError as err:
        problem = Problem(
            shown, code="unreadable", message=f"cannot read the examples: {err.strerror}"
        )
        raise ExampleDataError([problem]) from err
    reader = csv.DictReader(text.splitlines(keepends=True))
    if reader.fieldnames is None or not {"task", "label"} <= set(reader.fieldnames):
        message = "the first line must be a header with `task` and `label` columns"
        raise ExampleDataError([Problem(shown, 1, code="bad-header", message=message)])
    examples: list[Example] = []
    problems: list[Problem] = []
    try:
        for row in reader:
            line = reader.line_num
            task, label = (row.get("task") or "").strip(), (row.get("label") or "").strip()
            if not task:
                problems.append(Problem(shown, line, code="empty-task", message="empty task"))
            elif label not in CATEGORIES:
                message = f"label {label!r} is not one of {', '.join(CATEGORIES)}"
                problems.append(Problem(shown, line, code="unknown-label", message=message))
            else:
                examples.append(Example(task=task, label=label, line=line))
    except csv.Error as err:
        problems.append(Problem(shown, reader.line_num, code="bad-csv", message=str(err)))
    if problems:
        raise ExampleDataError(problems)
    if len({e.label for e in examples}) < len(CATEGORIES):
        message = f"need examples of every category ({', '.join(CATEGORIES)})"
        raise ExampleDataError([Problem(shown, code="missing-category", message=message)])
    return examples
