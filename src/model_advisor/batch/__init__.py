"""Batch advice over tables of tasks: readers and writers, executors, and the run.

:func:`advise_file` (``model-advisor batch``) reads a table with the one table reader (or
:mod:`.parquet`), advises its rows in chunks through an executor (:mod:`.executors`) over the
per-row seam (:func:`.work.advise_texts`), and writes them out (:mod:`.output`, or Parquet).
:mod:`.frame` gives the same columns for pandas and Dask DataFrames, and :mod:`.cluster` runs
the whole batch on a Dask cluster. pandas, pyarrow and Dask are imported only when used.
"""

from .._table import MAX_ROW_CHARS, RESULT_COLUMNS, TASK_COLUMNS, InputFormat, OutputFormat
from .progress import ProgressLine, progress_line
from .run import advise_file
from .summary import BatchSummary
from .work import advise_texts

__all__ = [
    "MAX_ROW_CHARS",
    "RESULT_COLUMNS",
    "TASK_COLUMNS",
    "BatchSummary",
    "InputFormat",
    "OutputFormat",
    "ProgressLine",
    "advise_file",
    "advise_texts",
    "progress_line",
]
