"""Parquet in and out for the batch, streamed a record batch at a time (pyarrow).

:func:`open_parquet` reads a ``.parquet`` file, a directory of them or a glob, as one table:
files in natural order (``part.2`` before ``part.10``), each read by
:meth:`pyarrow.parquet.ParquetFile.iter_batches`, so memory stays flat. Its rows are
:class:`~model_advisor._table.Row` values numbered from 1, like a JSON Lines table's, so the
batch's executors, tally and text writers take them as they are. :class:`ParquetSink` writes
advised rows as one Parquet file or as a directory of part files; it keeps the input's column
types (a Parquet input) or writes text columns (a CSV, TSV or JSON Lines input).

pyarrow comes with the ``parquet`` (or ``dask``) extra and is imported only here, when used.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .._table import Row, _check_names, _column_index, _fingerprint
from ..errors import BatchError, TableError
from .columns import ResultColumns, add_result, check_task
from .output import PART_SUFFIX, input_cells, one_line, unique_names
from .work import Result

if TYPE_CHECKING:
    import pyarrow as pa

T = TypeVar("T")
SUFFIXES = (".parquet", ".pq")
ROW_GROUP_ROWS = 65_536
"""Rows buffered before a row group is written (a few megabytes)."""
READ_ROWS = 1000
"""Rows per record batch read (the batch's chunk)."""
PART_ROWS = 1_000_000
"""Rows per part file when the output is a directory."""
INSTALL_HINT = "pip install 'model-advisor[parquet]' (or 'model-advisor[dask]')"


def require_pyarrow(name: str) -> None:
    """Fail with the command that installs pyarrow if it is missing.

    Raises:
        BatchError: pyarrow cannot be imported.
    """
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError as err:
        message = f"reading or writing Parquet needs pyarrow: {INSTALL_HINT}"
        raise BatchError(name, message, code="missing-extra") from err


def is_parquet(path: str) -> bool:
    """Whether ``path`` names Parquet input: a ``.parquet`` file or glob, or a directory."""
    return Path(path).suffix.lower() in SUFFIXES or (path != "-" and os.path.isdir(path))


def natural_key(path: str) -> list[Any]:
    """Sorts ``part.2`` before ``part.10``: runs of digits compare as numbers."""
    return [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", path)]


def parquet_files(path: str) -> list[str]:
    """The Parquet files ``path`` names, in natural order: the file itself, a directory's
    ``.parquet`` files (at any depth, hidden and ``_``-prefixed ones skipped), or a glob's.

    Raises:
        BatchError: nothing matches.
    """
    if glob.has_magic(path):
        found = [p for p in glob.glob(path, recursive=True) if os.path.isfile(p)]
    elif os.path.isdir(path):
        found = [
            str(p)
            for p in Path(path).rglob("*")
            if p.suffix.lower() in SUFFIXES
            and p.is_file()
            and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
        ]
    else:
        return [path]
    if not found:
        raise BatchError(path, "no Parquet files there (.parquet or .pq)", code="empty-file")
    return sorted(found, key=natural_key)


class ParquetTable:
    """Parquet files read as one table: column names, rows numbered from 1, read lazily."""

    format: Literal["parquet"] = "parquet"

    def __init__(self, name: str, files: list[str], column: str | int | None) -> None:
        import pyarrow.parquet as pq

        self.name, self.files, self._pq = name, files, pq
        self._fingerprints = [_fingerprint(os.stat(f)) for f in files]
        self.schema: pa.Schema = _opened(pq, files[0], lambda f: f.schema_arrow)
        self.columns: list[str] = list(self.schema.names)
        self.total = 0
        for path in files:  # every footer read first: a bad file fails before any output
            names, rows = _opened(pq, path, lambda f: (f.schema_arrow.names, f.metadata.num_rows))
            if names != self.columns:
                message = f"its columns ({', '.join(names)}) differ from those of {files[0]}"
                raise BatchError(path, f"{message} ({', '.join(self.columns)})")
            self.total += rows
        self.done = 0
        self.key = self.columns[_column_index(name, self.columns, column, True)]
        self.rows: Iterator[Row] = self.read(READ_ROWS)

    def read(self, batch_rows: int) -> Iterator[Row]:
        """Every row, a record batch of ``batch_rows`` at a time, one file open at a time."""
        for path in self.files:
            reader = _open(self._pq, path)
            try:
                for batch in reader.iter_batches(batch_size=batch_rows):
                    yield from self._rows(batch)
            except (OSError, _arrow_errors()) as err:
                raise BatchError(path, f"cannot read the Parquet file: {one_line(err)}") from err
            finally:
                reader.close()

    def _rows(self, batch: pa.RecordBatch) -> Iterator[Row]:
        records = batch.to_pylist()
        start, key = self.done, self.key
        self.done += len(records)
        for number, record in enumerate(records, start=start + 1):
            task, problem = check_task(record[key], key)
            yield Row(number, record, task, problem)

    def fraction(self) -> float | None:
        """The share of the rows read so far."""
        return min(self.done / self.total, 1.0) if self.total else None

    def check_unchanged(self) -> None:
        """Fail if a file was replaced or modified while it was read.

        Raises:
            TableError: naming the file; the caller then writes nothing.
        """
        for path, before in zip(self.files, self._fingerprints, strict=True):
            try:
                now = _fingerprint(os.stat(path))
            except OSError as err:
                raise TableError(path, "the input vanished while it was being read") from err
            if now != before:
                message = "the input changed while it was being read; nothing was written"
                raise TableError(path, message)


def _arrow_errors() -> type[Exception]:
    import pyarrow as pa

    return pa.ArrowException  # type: ignore[no-any-return]


def _opened(pq: Any, path: str, read: Callable[[Any], T]) -> T:
    """What ``read`` takes from the open file ``path`` (its footer), the file then closed."""
    reader = _open(pq, path)
    try:
        return read(reader)
    finally:
        reader.close()


def _open(pq: Any, path: str) -> Any:
    try:
        return pq.ParquetFile(path)
    except FileNotFoundError as err:
        raise BatchError(path, "cannot read the input: no such file", code="unreadable") from err
    except (OSError, _arrow_errors()) as err:
        message = f"not a Parquet file: {one_line(err)}"
        raise BatchError(path, message, code="unreadable") from err


@contextmanager
def open_parquet(
    path: str, column: str | int | None, reserved: Collection[str] = ()
) -> Iterator[ParquetTable]:
    """Open ``path`` (a file, a directory of Parquet files or a glob) as one table.

    Raises:
        BatchError: pyarrow is missing, nothing matches, a file is not Parquet, or the task
            column is missing or the output's columns are taken.
    """
    require_pyarrow(path)
    table = ParquetTable(path, parquet_files(path), column)
    _check_names(path, table.columns, 0, reserved)
    yield table


# --- writing ------------------------------------------------------------------------------


def result_schema(full: bool) -> list[tuple[str, Any]]:
    """The result columns' Parquet types, in order."""
    import pyarrow as pa

    fields = [
        ("category", pa.string()),
        ("confidence", pa.float64()),
        ("ambiguous", pa.bool_()),
        ("reason", pa.string()),
        ("error", pa.string()),
    ]
    return [*fields, ("advice", pa.string())] if full else fields


def output_schema(columns: list[str], schema: pa.Schema | None, full: bool) -> pa.Schema:
    """The output's schema: the input's columns (their own types when the input is Parquet,
    else text), then the result columns."""
    import pyarrow as pa

    given = list(schema) if schema is not None else []
    inputs = given or [pa.field(name, pa.string()) for name in unique_names(columns)]
    return pa.schema([*inputs, *(pa.field(n, t) for n, t in result_schema(full))])


class ParquetSink:
    """Writes advised rows to one Parquet file, or to part files in a directory.

    Rows are buffered into row groups of :data:`ROW_GROUP_ROWS`; a directory gets
    ``part.00000.parquet``, ``part.00001.parquet``... of :data:`PART_ROWS` rows each, so
    that the parts' lexical order is the rows' order.
    """

    def __init__(
        self,
        place: Path,
        directory: bool,
        columns: list[str],
        schema: pa.Schema | None,
        full: bool,
    ) -> None:
        self.place, self.directory, self.full = place, directory, full
        self.columns, self.typed = columns, schema is not None
        self.schema = output_schema(columns, schema, full)
        self._buffer: list[pa.Table] = []
        self._buffered = self._in_part = self._parts = 0
        self._writer: Any = None
        self._start_part()

    def write(self, rows: list[Row], outcomes: list[tuple[Result | None, str]]) -> None:
        """Buffer rows with their results; a full buffer is written as a row group."""
        import pyarrow as pa

        if not rows:
            return
        if self.typed:  # a Parquet input's rows: dicts of typed values
            records = [row.fields for row in rows]
            cells = [[r[n] for r in records] for n in self.columns]  # type: ignore[call-overload]
        else:
            texts = [input_cells(row.fields, self.columns) for row in rows]
            cells = [[t[i] for t in texts] for i in range(len(self.columns))]
        results = ResultColumns([], [], [], [], [], [] if self.full else None)
        for result, error in outcomes:
            add_result(results, result, error)
        arrays = [*cells, *results.named().values()]
        table = pa.Table.from_arrays(
            [pa.array(a, type=f.type) for a, f in zip(arrays, self.schema, strict=True)],
            schema=self.schema,
        )
        self._buffer.append(table)
        self._buffered += len(rows)
        if self._buffered >= ROW_GROUP_ROWS:
            self._flush()

    def close(self) -> None:
        """Write what is buffered and close the last file."""
        self._flush()
        self._writer.close()

    def _flush(self) -> None:
        import pyarrow as pa

        if not self._buffer:
            return
        table = pa.concat_tables(self._buffer)
        self._buffer, self._buffered = [], 0
        while table.num_rows:
            room = PART_ROWS - self._in_part if self.directory else table.num_rows
            if room == 0:
                self._writer.close()
                self._start_part()
                continue
            piece, table = table.slice(0, room), table.slice(room)
            self._writer.write_table(piece, row_group_size=ROW_GROUP_ROWS)
            self._in_part += piece.num_rows

    def _start_part(self) -> None:
        import pyarrow.parquet as pq

        path = self.place / part_name(self._parts) if self.directory else self.place
        self._writer = pq.ParquetWriter(str(path), self.schema)
        self._parts += 1
        self._in_part = 0


def part_name(number: int) -> str:
    """The name of part ``number`` (from 0): zero-padded, so lexical order is input order."""
    return f"part.{number:05d}{PART_SUFFIX}"


def check_not_input(target: str, files: list[str]) -> None:
    """Refuse an output that is one of the input files, or a directory holding one.

    Raises:
        BatchError: naming the output.
    """
    place = Path(target).resolve()
    for name in files:
        source = Path(name).resolve()
        if source == place or place in source.parents:
            raise BatchError(target, "the output must not be the input, nor hold it")
