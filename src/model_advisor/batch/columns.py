"""Task cells in, result columns out: the one place that says what a cell's task is.

Whatever holds the tasks (a Parquet row group, a pandas partition on a Dask worker, a
DataFrame in a notebook), a cell is checked by :func:`check_task` and the valid tasks go
through :func:`.work.advise_texts`, so every engine gives the same values for the same cell.
No pandas and no pyarrow here: plain lists, turned into typed columns by their callers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from .._table import RESULT_COLUMNS
from ..knowledge.loader import KnowledgeRef
from .work import Outcome, Result, advise_texts

EMPTY_TASK = "empty task"
CHUNK = 1000
"""Tasks advised together, as the local batch does."""


def check_task(value: object, column: str) -> tuple[str | None, str]:
    """A cell's task and what is wrong with it: ``(text, "")``, or ``(None, problem)``.

    A missing value (None, NaN, pandas' NA) or a blank string is an empty task, as in a CSV
    or JSON Lines table; any other non-string value is named as such.
    """
    if isinstance(value, str):
        return (value, "") if value.strip() else (None, EMPTY_TASK)
    if value is None or (isinstance(value, float) and math.isnan(value)) or _is_na(value):
        return None, EMPTY_TASK
    return None, f"the task ({column!r}) is not a string"


def _is_na(value: object) -> bool:
    # pandas' NA, recognised without importing pandas (its type lives in pandas._libs.missing)
    kind = type(value)
    return kind.__name__ == "NAType" and kind.__module__.startswith("pandas")


def problem_of(error: str, outcome: Outcome) -> str:
    """What went wrong with a row: its cell's problem, else the advisor's refusal, else ""."""
    return error or (outcome if isinstance(outcome, str) else "")


class ResultColumns(NamedTuple):
    """The result columns of a run of cells, one list each (None where a row has an error)."""

    category: list[str | None]
    confidence: list[float | None]
    ambiguous: list[bool | None]
    reason: list[str | None]
    error: list[str | None]
    advice: list[str | None] | None  # the whole advice as JSON, when asked for

    def named(self) -> dict[str, list[Any]]:
        """The columns by their output names, in the output's order."""
        named: dict[str, list[Any]] = dict(zip(RESULT_COLUMNS, self[:5], strict=True))
        if self.advice is not None:
            named["advice"] = self.advice
        return named


def result_columns(
    ref: KnowledgeRef, cells: Sequence[object], column: str, full: bool = False
) -> ResultColumns:
    """Advise on ``cells`` (the values of the task column ``column``), in order.

    Raises:
        ModelFileError: the knowledge ``ref`` names changed since it was taken.
        RuleFileError, ExampleDataError, KnowledgeBaseError: it cannot be loaded.
    """
    checked = [check_task(cell, column) for cell in cells]
    tasks = [task for task, _ in checked]
    outcomes: list[Outcome] = []
    for start in range(0, len(tasks), CHUNK):  # the local batch's chunks: the same caches
        outcomes += advise_texts(ref, tasks[start : start + CHUNK], full)
    columns = ResultColumns([], [], [], [], [], [] if full else None)
    for (_, error), outcome in zip(checked, outcomes, strict=True):
        result = outcome if isinstance(outcome, Result) else None
        add_result(columns, result, problem_of(error, outcome))
    return columns


def add_result(columns: ResultColumns, result: Result | None, error: str) -> None:
    """Append one row's result (or its error) to ``columns``."""
    if error or result is None:
        values: tuple[Any, ...] = (None, None, None, None, error or None)
    else:
        values = (result.category, result.confidence, result.ambiguous, result.reason, None)
    targets: tuple[list[Any], ...] = (
        columns.category,
        columns.confidence,
        columns.ambiguous,
        columns.reason,
        columns.error,
    )
    for target, value in zip(targets, values, strict=True):
        target.append(value)
    if columns.advice is not None:
        advice = result.advice if result is not None and not error else None
        columns.advice.append(None if advice is None else json.dumps(advice, ensure_ascii=False))
