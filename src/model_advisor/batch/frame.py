"""Advice as DataFrame columns: pandas in a notebook, Dask partitions on a cluster.

Both go through :func:`.columns.result_columns`, the batch's own path from cells to result
columns, so a frame's values are the batch's. A Dask job carries only a :class:`FrameJob`
(the knowledge's path and fingerprint, and a few flags): each worker process loads the
knowledge once and keeps it in :mod:`.work`, an importable module (a cache in ``__main__``
would travel, empty, with every task).

pandas and Dask are imported when these functions are called, never with the package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _paths
from .._table import RESULT_COLUMNS
from ..advice.advisor import Advisor
from ..errors import TableError
from ..knowledge.loader import KnowledgeRef
from .columns import ResultColumns, result_columns
from .work import advising_for

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

FRAME = "DataFrame"  # what errors about a frame name in place of a file


@dataclass(frozen=True)
class FrameJob:
    """What a worker needs to advise a partition: small, picklable, sent with each task.

    ``shipped`` marks the package's own knowledge: a worker whose installed package keeps it
    elsewhere uses its own copy (checked against the same fingerprint).
    """

    ref: KnowledgeRef
    column: str
    full: bool
    shipped: bool

    @classmethod
    def of(cls, advisor: Advisor, column: str, full: bool) -> FrameJob:
        """The job of advising ``column`` with ``advisor``'s knowledge."""
        ref = advisor.knowledge.ref
        shipped = Path(ref.path).resolve() == _paths.default_knowledge_dir().resolve()
        return cls(ref, column, full, shipped)

    def local_ref(self) -> KnowledgeRef:
        """The reference as this process can load it."""
        if self.shipped and not os.path.isdir(self.ref.path):
            return KnowledgeRef(str(_paths.default_knowledge_dir()), self.ref.fingerprint)
        return self.ref


def result_dtypes(full: bool) -> dict[str, str]:
    """The pandas dtypes of the result columns: nullable strings and booleans, floats."""
    dtypes = {
        "category": "string",
        "confidence": "float64",
        "ambiguous": "boolean",
        "reason": "string",
        "error": "string",
    }
    return {**dtypes, "advice": "string"} if full else dtypes


def check_frame(columns: list[Any], column: str, name: str = FRAME) -> None:
    """Fail unless ``column`` is among ``columns`` and no result column is.

    Raises:
        TableError: naming what is wrong.
    """
    if column not in columns:
        listed = ", ".join(map(str, columns))
        message = f"no column {column!r} among the columns: {listed}; give column="
        raise TableError(name, message, code="no-such-column")
    taken = sorted({str(c) for c in columns} & {*RESULT_COLUMNS, "advice"})
    if taken:
        message = f"the frame has a column {taken[0]!r}, which the advice adds; rename it"
        raise TableError(name, message)


def with_results(frame: pd.DataFrame, results: ResultColumns) -> pd.DataFrame:
    """``frame`` (not changed) with the result columns added, typed."""
    import pandas as pd

    added = {
        name: pd.array(values, dtype=dtype)
        for (name, dtype), values in zip(
            result_dtypes(results.advice is not None).items(),
            results.named().values(),
            strict=True,
        )
    }
    return frame.assign(**added)


def advise_partition(frame: pd.DataFrame, job: FrameJob) -> pd.DataFrame:
    """Advise one partition (on a worker): the knowledge is loaded once per process."""
    cells = frame[job.column].tolist()
    return with_results(frame, result_columns(job.local_ref(), cells, job.column, job.full))


def advise_frame(
    frame: pd.DataFrame,
    column: str = "task",
    *,
    rules_path: str | os.PathLike[str] | None = None,
    full: bool = False,
) -> pd.DataFrame:
    """Advise on every task of a pandas DataFrame's ``column``.

    Returns a new DataFrame with the same index and columns, plus ``category`` and
    ``reason`` (strings), ``confidence`` (float), ``ambiguous`` (nullable boolean) and
    ``error`` (a nullable string), with ``advice`` (JSON text) too when ``full``: the
    values ``model-advisor batch`` writes. A null, blank or non-string cell gets ``error``
    and no advice; it never raises.

    Args:
        frame: the tasks.
        column: the column holding them.
        rules_path: a knowledge directory of your own (default: the shipped one).
        full: add ``advice``, the whole advice as JSON (slower).

    Returns:
        The frame with the advice columns added; ``frame`` itself is not changed.

    Raises:
        TableError: ``column`` is missing, or the frame already has a result column.
        RuleFileError, ExampleDataError, KnowledgeBaseError, ModelFileError: from loading
            the knowledge.

    Example:
        >>> import pandas as pd  # doctest: +SKIP
        >>> tasks = pd.DataFrame({"task": ["predict weather", ""]})  # doctest: +SKIP
        >>> advise_frame(tasks)["category"].tolist()  # doctest: +SKIP
        ['discriminative', <NA>]
    """
    check_frame(list(frame.columns), column)
    advisor = Advisor.default() if rules_path is None else Advisor.from_dir(rules_path)
    ref = advisor.knowledge.ref
    advising_for(ref, full, advisor)  # this process's cache: texts seen before are not redone
    return with_results(frame, result_columns(ref, frame[column].tolist(), column, full))


def frame_meta(meta: pd.DataFrame, full: bool) -> pd.DataFrame:
    """An empty frame shaped like an advised partition of ``meta``."""
    import pandas as pd

    added = {name: pd.Series([], dtype=dtype) for name, dtype in result_dtypes(full).items()}
    return meta.iloc[:0].assign(**added)


def advise_dask_frame(
    frame: dd.DataFrame,
    column: str = "task",
    *,
    rules_path: str | os.PathLike[str] | None = None,
    full: bool = False,
    advisor: Advisor | None = None,
) -> dd.DataFrame:
    """The lazy Dask twin of :func:`advise_frame`: see :func:`model_advisor.dask.advise_frame`."""
    check_frame(list(frame.columns), column)
    if advisor is None:
        advisor = Advisor.default() if rules_path is None else Advisor.from_dir(rules_path)
    job = FrameJob.of(advisor, column, full)
    return frame.map_partitions(advise_partition, job, meta=frame_meta(frame._meta, full))
