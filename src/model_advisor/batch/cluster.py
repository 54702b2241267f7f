"""The Dask engine of the batch: read with Dask, advise on a cluster, write Parquet parts.

:func:`advise_on_dask` is ``model-advisor batch --engine dask``. The input is read by Dask's
readers (Parquet, CSV, TSV, JSON Lines; a remote path such as ``s3://...`` through fsspec), its
partitions kept as they are and advised by :func:`.frame.advise_partition` with the
knowledge's small reference. Each partition is then written by the worker that advised it as
``part.NNNNN.parquet`` into a temporary directory beside the destination, so the parts'
lexical order is the input's order, and returns its counts; the directory is renamed into
place only when every part is written. Nothing is collected on the driver but the counts.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .._table import EXTENSIONS, RESULT_COLUMNS, _check_names, _column_index
from ..advice.advisor import Advisor
from ..errors import AdvisorError, BatchError
from ..types import UNDETERMINED
from .frame import FrameJob, advise_partition, frame_meta
from .output import one_line, staged_directory
from .parquet import (
    SUFFIXES,
    check_not_input,
    is_parquet,
    output_schema,
    parquet_files,
    part_name,
)
from .summary import BatchSummary, summarize

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd
    import pyarrow as pa
    from distributed import Client

INSTALL_HINT = "pip install 'model-advisor[dask]'"
BLOCK_BYTES = 64_000_000
"""Bytes of CSV or JSON Lines per partition."""


class PartCounts(NamedTuple):
    """What one written part held: rows, rows per category, errors, the first error."""

    rows: int
    categories: dict[str, int]
    errors: int
    first_error_at: int  # its row within the part, from 0; -1 without one
    first_error: str


def require_dask(name: str) -> None:
    """Fail with the command that installs the Dask extra if any of it is missing.

    Raises:
        BatchError: dask[dataframe], distributed or pyarrow cannot be imported.
    """
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError as err:
        message = f"--engine dask needs Dask, distributed and pyarrow ({err.name} is missing)"
        raise BatchError(name, f"{message}: {INSTALL_HINT}", code="missing-extra") from err


def write_part(frame: pd.DataFrame, path: str, schema: pa.Schema) -> PartCounts:
    """Write an advised partition as one Parquet file (on a worker); return its counts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(table.cast(schema), path)
    errors = frame["error"].notna().to_numpy()
    first = int(errors.argmax()) if errors.any() else -1
    counts = frame["category"].dropna().value_counts()
    return PartCounts(
        len(frame),
        {str(k): int(v) for k, v in counts.items()},
        int(errors.sum()),
        first,
        str(frame["error"].iloc[first]) if first >= 0 else "",
    )


def advise_on_dask(
    path: str,
    target: str | None,
    *,
    advisor: Advisor,
    column: str | int | None = None,
    input_format: str | None = None,
    full: bool = False,
    strict: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, float | None], None] | None = None,
) -> BatchSummary:
    """Advise a table on a Dask cluster; write a directory of Parquet parts in input order.

    See :func:`model_advisor.advise_file` (``engine="dask"``) for the arguments. The error
    column holds a bad row's problem alone; the summary's first error names its row (from 1).

    Raises:
        BatchError: Dask is not installed, the input cannot be read, the scheduler cannot be
            reached, a task failed or a worker died; nothing is then written.
        ModelFileError: a worker's knowledge differs from the driver's.
    """
    require_dask(path)
    if target is None:
        raise BatchError("<stdout>", "--engine dask writes a directory of Parquet parts: give -o")
    if "://" in target:
        raise BatchError(target, "--engine dask writes to a local or shared directory")
    frame, source_schema = _read(path, input_format)
    if "://" not in path:
        check_not_input(target, parquet_files(path) if source_schema is not None else [path])
    columns = [str(c) for c in frame.columns]
    key = columns[_column_index(path, columns, column, True)]
    _check_names(path, columns, 0, (*RESULT_COLUMNS, "advice"))
    job = FrameJob.of(advisor, key, full)
    advised = frame.map_partitions(advise_partition, job, meta=frame_meta(frame._meta, full))
    schema = _schema(frame, source_schema, full)
    with _client(workers, scheduler) as client, staged_directory(target) as place:
        counts = _run(client, path, advised, place, schema, progress)
        summary = _summary(counts, advisor.categories)
        if strict and summary.errors:
            message = f"{summary.first_error} (strict: no output written)"
            raise BatchError(path, message)
    return summary


def _read(path: str, input_format: str | None) -> tuple[dd.DataFrame, pa.Schema | None]:
    import dask.dataframe as dd

    remote = "://" in path
    kind = input_format or _format_of(path, remote)
    try:
        if kind == "parquet":
            return _read_parquet(path, remote)
        if kind in ("csv", "tsv"):
            separator = "\t" if kind == "tsv" else ","
            frame = dd.read_csv(
                path,
                sep=separator,
                dtype=str,
                keep_default_na=False,
                blocksize=BLOCK_BYTES,
            )
            return frame, None
        return dd.read_json(path, lines=True, orient="records", blocksize=BLOCK_BYTES), None
    except (OSError, ValueError) as err:  # a missing file; a file pandas cannot parse
        message = f"cannot read the input: {one_line(err)}"
        raise BatchError(path, message, code="unreadable") from err


def _format_of(path: str, remote: bool) -> str:
    if Path(path).suffix.lower() in SUFFIXES or (not remote and is_parquet(path)):
        return "parquet"
    known = EXTENSIONS.get(Path(path).suffix.lower())
    if known in ("csv", "tsv", "jsonl"):
        return known
    message = "cannot tell the input's format: name it .parquet, .csv, .tsv or .jsonl, or --format"
    raise BatchError(path, message)


def _read_parquet(path: str, remote: bool) -> tuple[dd.DataFrame, pa.Schema | None]:
    import dask.dataframe as dd
    import pyarrow as pa
    import pyarrow.parquet as pq

    if remote:
        return dd.read_parquet(path), None
    files = parquet_files(path)
    try:
        schema = pq.read_schema(files[0])
    except (OSError, pa.ArrowException) as err:
        message = f"not a Parquet file: {one_line(err)}"
        raise BatchError(files[0], message, code="unreadable") from err
    return dd.read_parquet(files), schema


def _schema(frame: dd.DataFrame, source: pa.Schema | None, full: bool) -> pa.Schema:
    """The parts' schema: the local batch's, so both engines write the same files."""
    import pyarrow as pa

    if source is None:
        source = pa.Schema.from_pandas(frame._meta, preserve_index=False)
    # the columns Dask reads (a pandas index stored as a column becomes the index)
    kept = pa.schema([source.field(str(name)) for name in frame.columns])
    return output_schema(kept.names, kept, full)


@contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[Client]:
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as err:
            message = f"cannot reach the Dask scheduler: {one_line(err)}"
            raise BatchError(scheduler, message, code="unreachable") from err
        with client:
            yield client
        return
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # its HTTP server on any free port: a busy 8787 would print a warning
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.CRITICAL,  # a failure is reported once, as our own Error: line
    )
    with cluster, Client(cluster) as client:
        yield client


def _run(
    client: Client,
    source: str,
    advised: dd.DataFrame,
    place: Path,
    schema: pa.Schema,
    progress: Callable[[int, float | None], None] | None,
) -> list[PartCounts]:
    """Write every partition as a part; the parts' counts, in order."""
    import dask
    from distributed import as_completed

    parts = advised.to_delayed()
    writes = [
        dask.delayed(write_part, pure=False)(part, str(place / part_name(n)), schema)
        for n, part in enumerate(parts)
    ]
    futures = client.compute(writes)
    order = {future.key: n for n, future in enumerate(futures)}
    counts: list[PartCounts | None] = [None] * len(futures)
    rows = 0
    try:
        for future in as_completed(futures):
            done = _result(future, order[future.key], len(futures), source)
            counts[order[future.key]] = done
            rows += done.rows
            if progress is not None:
                progress(rows, sum(c is not None for c in counts) / len(counts))
    finally:
        client.cancel(futures)
    return [c for c in counts if c is not None]


def _result(future: Any, number: int, total: int, path: str) -> PartCounts:
    import pyarrow as pa
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    where = f"partition {number + 1} of {total}"
    try:
        counts: PartCounts = future.result()
    except AdvisorError:
        raise
    except KilledWorker as err:
        message = f"a Dask worker died while advising {where}; nothing was written"
        raise BatchError(path, message, code="worker-died") from err
    except FutureCancelledError as err:
        message = f"the Dask job was cancelled at {where}; nothing was written"
        raise BatchError(path, message, code="cancelled") from err
    except (OSError, ValueError, pa.ArrowException) as err:  # reading, parsing or writing
        message = f"{where} failed: {one_line(err)}; nothing was written"
        raise BatchError(path, message, code="task-failed") from err
    return counts


def _summary(parts: list[PartCounts], categories: tuple[str, ...]) -> BatchSummary:
    counts: Counter[str] = Counter()
    rows = errors = 0
    first = ""
    for part in parts:
        if not first and part.first_error_at >= 0:
            first = f"row {rows + part.first_error_at + 1}: {part.first_error}"
        rows += part.rows
        errors += part.errors
        counts.update(part.categories)
    return summarize(rows, dict(counts), errors, first, categories, UNDETERMINED)
