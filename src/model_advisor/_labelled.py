"""Labelled tasks to evaluate on (private): CSV, TSV or JSON Lines with a task and a label.

The whole file is checked before anything is scored, so a mistake in a label is never
counted as a mistake of the advisor: every bad row is reported by file and line.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from ._table import TASK_COLUMNS
from .errors import ExampleDataError, Problem
from .models import CATEGORIES, Category, Example

MAX_PROBLEMS = 10
"""Bad rows listed in one error; a count says how many more there are."""
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_TSV_SUFFIXES = (".tsv", ".tab")

Record = tuple[int, dict[str, Any] | None, str]  # line, the row by column name, what is wrong
_LABELS: dict[str, Category] = {c: c for c in CATEGORIES}


def read_labelled(
    path: str | Path,
    *,
    column: str | None = None,
    label_column: str = "label",
    encoding: str = "utf-8",
) -> list[Example]:
    """Read labelled tasks from a CSV, TSV or JSON Lines file (``-``: stdin).

    The format is told by the extension, else by the content (a first ``{`` is JSON Lines).
    The task column is ``column``, else the first named task, description or text; labels
    are matched without regard to case or surrounding spaces.

    Raises:
        ExampleDataError: the file cannot be read, lacks a column, has no rows, or has bad
            rows (an empty task, a missing or unknown label), listing them by line.
    """
    name = "<stdin>" if str(path) == "-" else str(path)
    text = _read_text(path, name, encoding)
    stripped = text.lstrip()
    jsonl = name.lower().endswith(_JSONL_SUFFIXES) or stripped.startswith("{")
    if stripped.startswith("["):
        _fail(name, 1, "not-jsonl", "a JSON array is not read: give JSON Lines, one object a line")
    names, records = _jsonl(text) if jsonl else _csv(name, text)
    examples, problems = _examples(name, names, records, column, label_column)
    if problems:
        raise ExampleDataError(_capped(name, problems))
    if not examples:
        _fail(name, 0, "no-rows", "no labelled tasks: the file has no rows")
    return examples


def _read_text(path: str | Path, name: str, encoding: str) -> str:
    try:
        data = sys.stdin.buffer.read() if name == "<stdin>" else Path(path).read_bytes()
    except OSError as err:
        _fail(name, 0, "unreadable", f"cannot read the file: {err.strerror}")
    try:
        return data.decode(
            "utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding
        )
    except LookupError:
        _fail(name, 0, "unknown-encoding", f"unknown encoding {encoding!r}")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        _fail(name, line, "bad-encoding", f"not {encoding} text ({err.reason}); try --encoding")


def _fail(name: str, line: int, code: str, message: str) -> NoReturn:
    raise ExampleDataError([Problem(name, line, code=code, message=message)])


def _csv(name: str, text: str) -> tuple[list[str], list[Record]]:
    lines = text.splitlines(keepends=True)
    header = lines[0] if lines else ""
    tsv = name.lower().endswith(_TSV_SUFFIXES)
    delimiter = "\t" if tsv else max((",", ";", "\t", "|"), key=header.count)
    reader = csv.reader(lines, delimiter=delimiter)
    names: list[str] | None = None
    records: list[Record] = []
    end = 0
    while True:
        start = end + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            records.append((start, None, f"not valid CSV: {err}"))
            break
        end = reader.line_num
        if not fields:
            continue  # a blank line is not a row
        if names is None:
            names = [n.strip() for n in fields]
        elif len(fields) > len(names):
            records.append((start, None, f"{len(fields)} fields, the header has {len(names)}"))
        else:
            records.append((start, dict(zip(names, fields, strict=False)), ""))
    return names or [], records


def _jsonl(text: str) -> tuple[list[str], list[Record]]:
    names: list[str] | None = None
    records: list[Record] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as err:  # RecursionError: nested too deep
            records.append((number, None, f"not JSON: {err}"))
            continue
        if not isinstance(value, dict):
            records.append((number, None, "not a JSON object"))
            continue
        if names is None:
            names = list(value)  # the columns, as the first object has them
        records.append((number, value, ""))
    return names or [], records


def _examples(
    name: str, names: list[str], records: list[Record], column: str | None, label_column: str
) -> tuple[list[Example], list[Problem]]:
    task_key, label_key = _columns(name, names, column, label_column)
    examples: list[Example] = []
    problems: list[Problem] = []
    for line, row, problem in records:
        if problem or row is None:
            problems.append(Problem(name, line, code="bad-row", message=problem))
            continue
        task, label = _text(row.get(task_key)), _text(row.get(label_key)).lower()
        category = _LABELS.get(label)
        if not task:
            problems.append(Problem(name, line, code="empty-task", message="empty task"))
        elif category is None:
            problems.append(Problem(name, line, code="unknown-label", message=_bad_label(label)))
        else:
            examples.append(Example(task=task, label=category, line=line))
    return examples, problems


def _columns(name: str, names: list[str], column: str | None, label_column: str) -> tuple[str, str]:
    if not names:
        _fail(name, 0, "no-rows", "no labelled tasks: the file is empty")
    lowered = {n.strip().lower(): n for n in reversed(names)}  # the first of equal names wins
    wanted = [column.strip().lower()] if column is not None else list(TASK_COLUMNS)
    task = next((lowered[w] for w in wanted if w in lowered), None)
    label = lowered.get(label_column.strip().lower())
    listed = ", ".join(names)
    if task is None:
        named = f"column {column!r}" if column is not None else "task, description or text column"
        _fail(name, 1, "no-task-column", f"no {named} among the columns ({listed}); use --column")
    if label is None:
        message = f"no {label_column!r} column among the columns ({listed}); use --label-column"
        _fail(name, 1, "no-label-column", message)
    return task, label


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _bad_label(label: str) -> str:
    if not label:
        return f"no label: give one of {', '.join(CATEGORIES)}"
    return f"label {label!r} is not one of {', '.join(CATEGORIES)}"


def _capped(name: str, problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    first = sorted(problems)[:MAX_PROBLEMS]
    count = Problem(
        name, 0, code="bad-rows", message=f"{len(problems)} bad rows; the first {MAX_PROBLEMS}:"
    )
    return [count, *first]
