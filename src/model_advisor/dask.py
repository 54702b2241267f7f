"""Advice on Dask DataFrames: ``model_advisor.dask.advise_frame``, lazy, one partition a task.

Importing this module imports Dask; ``import model_advisor`` does not.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .batch.frame import advise_dask_frame

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = ["advise_frame"]


def advise_frame(
    frame: dd.DataFrame,
    column: str = "task",
    *,
    rules_path: str | os.PathLike[str] | None = None,
    full: bool = False,
) -> dd.DataFrame:
    """Advise on every task of a Dask DataFrame's ``column``, lazily.

    Returns a Dask DataFrame with the same partitions, index and columns plus the columns
    of :func:`model_advisor.advise_frame` (``category``, ``confidence``, ``ambiguous``,
    ``reason``, ``error``; ``advice`` too when ``full``), made by ``map_partitions`` with an
    explicit ``meta``. Nothing is computed or collected until you ask (``.to_parquet``,
    ``.compute``). Each task carries only a small reference to the knowledge (its directory
    and fingerprint); each worker process loads it once and keeps it. A worker must see the
    same knowledge directory, or have the same model-advisor installed when the knowledge is
    the shipped one; a worker whose knowledge differs refuses with :class:`ModelFileError`.

    Args:
        frame: the tasks, as a Dask DataFrame.
        column: the column holding them.
        rules_path: a knowledge directory of your own (default: the shipped one). It is
            loaded here once, for its fingerprint, and then by each worker.
        full: add ``advice``, the whole advice as JSON (slower).

    Raises:
        TableError: ``column`` is missing, or the frame already has a result column.
        RuleFileError, ExampleDataError, KnowledgeBaseError, ModelFileError: from loading
            the knowledge (here, or on a worker when the result is computed).

    Example:
        >>> import dask.dataframe as dd  # doctest: +SKIP
        >>> from model_advisor.dask import advise_frame  # doctest: +SKIP
        >>> advise_frame(dd.read_parquet("tasks/")).to_parquet("advised/")  # doctest: +SKIP
    """
    return advise_dask_frame(frame, column, rules_path=rules_path, full=full)
