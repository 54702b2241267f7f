"""Advised rows written out for the batch: CSV, TSV, JSON Lines or a JSON array.

:func:`open_output` writes to stdout, or to a temporary file renamed over the target at the
end, so a failed or interrupted run leaves nothing where the result is expected.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .._paths import file_mode
from .._table import RESULT_COLUMNS, OutputFormat, Row
from ..errors import BatchError
from .work import Result

_REASONS_KEPT = 10_000
# Characters that JSON leaves as they are but str.splitlines() and some readers take for line
# ends; escaped, so that a JSON Lines record is always exactly one line whatever reads it.
_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


class Writer:
    """Writes advised rows as CSV, TSV, JSON Lines or one JSON array, in a fixed column order.

    CSV and TSV lines are made here rather than by :mod:`csv`'s writer, for two reasons. The
    writer scans every character of every field, and the ``reason`` column is a long quote
    that is the same for many rows: here it is escaped once and reused (about a tenth of a
    batch's time). And the writer of Python 3.11 leaves a field holding a lone carriage return
    unquoted, which splits the row in two when it is read back. Fields are quoted as the
    ``excel`` dialects do (a quote doubled), when they hold the separator, a quote, a carriage
    return or a line feed.
    """

    def __init__(
        self, stream: IO[str], output_format: OutputFormat, columns: list[str], full: bool
    ) -> None:
        self.stream, self.format, self.full = stream, output_format, full
        self.columns, self.keys = columns, unique_names(columns)
        self._first = True
        self._separator = "\t" if output_format == "tsv" else ","
        self._special = re.compile(f'[{re.escape(self._separator)}"\r\n]').search
        self._escaped: dict[str, str] = {}  # reasons, escaped
        if output_format in ("csv", "tsv"):
            names = [*self.columns, *RESULT_COLUMNS, *(["advice"] if full else [])]
            stream.write(self._separator.join(map(self._escape, names)) + "\n")

    def write(self, rows: Sequence[Row], outcomes: Sequence[tuple[Result | None, str]]) -> None:
        """Write rows: each one's input values, then its result, or its error text."""
        if self.format in ("csv", "tsv"):
            self.stream.write("".join(map(self._line, rows, outcomes)))
            return
        for row, (result, error) in zip(rows, outcomes, strict=True):
            data = self._object(row.fields, result, error)
            text = json.dumps(data, ensure_ascii=False, default=str)
            if not text.isascii():
                text = text.translate(_LINE_BREAKS)
            if self.format == "jsonl":
                self.stream.write(text + "\n")
            else:
                self.stream.write(("[\n" if self._first else ",\n") + text)
                self._first = False

    def close(self) -> None:
        """End the output (the closing bracket of a JSON array)."""
        if self.format == "json":
            self.stream.write("[]\n" if self._first else "\n]\n")

    def _line(self, row: Row, outcome: tuple[Result | None, str]) -> str:
        """One CSV or TSV line."""
        result, error = outcome
        cells = list(map(self._escape, self._cells(row.fields)))
        if result is None:
            tail = ["", "", "", "", self._escape(error), *([""] if self.full else [])]
        else:
            reason = self._escaped.get(result.reason)
            if reason is None:
                reason = self._escape(result.reason)
                if len(self._escaped) < _REASONS_KEPT:
                    self._escaped[result.reason] = reason
            flag = "true" if result.ambiguous else "false"
            tail = [result.category, str(result.confidence), flag, reason, ""]
            if self.full:
                tail.append(self._escape(json.dumps(result.advice, ensure_ascii=False)))
        cells += tail
        return self._separator.join(cells) + "\n"

    def _escape(self, field: str) -> str:
        if self._special(field) is None:
            return field
        return '"' + field.replace('"', '""') + '"'

    def _cells(self, fields: list[str] | dict[str, Any]) -> list[str]:
        return input_cells(fields, self.columns)

    def _object(
        self, fields: list[str] | dict[str, Any], result: Result | None, error: str
    ) -> dict[str, Any]:
        data: dict[str, Any]
        if isinstance(fields, dict):
            data = dict(fields)
        else:
            data = dict(zip(self.keys, self._cells(fields), strict=True))
        values = result[:4] if result else (None, None, None, None)
        data.update(zip(RESULT_COLUMNS, (*values, error or None), strict=True))
        if self.full:
            data["advice"] = result.advice if result else None
        return data


def one_line(error: BaseException) -> str:
    """An exception's text on one line (pyarrow's messages hold line breaks)."""
    return " ".join(str(error).split()) or type(error).__name__


def input_cells(fields: list[str] | dict[str, Any], columns: list[str]) -> list[str]:
    """A row's input values as text, one per column: a short CSV row padded with "", a JSON
    value (or a Parquet cell that is not a string) as JSON."""
    if isinstance(fields, dict):
        return [_cell(fields.get(key)) for key in columns]
    width = len(columns)
    return fields[:width] if len(fields) >= width else fields + [""] * (width - len(fields))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, int, float)):  # bool too: JSON's true and false
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)  # a Parquet date or decimal, say: as it prints


def unique_names(names: list[str]) -> list[str]:
    """Names usable as JSON keys: a blank one named by its position, repeats numbered."""
    seen: Counter[str] = Counter()
    keys = []
    for number, name in enumerate(names, start=1):
        key = name or f"column_{number}"
        seen[key] += 1
        keys.append(key if seen[key] == 1 else f"{key}_{seen[key]}")
    return keys


@contextmanager
def open_output(target: str | None, source: str) -> Iterator[IO[str]]:
    """The output as UTF-8 text: stdout, or a temporary file renamed to ``target`` at the end.

    The temporary file, ``.<name>.<random>.tmp`` beside ``target``, is removed when the run
    fails or is interrupted; only a process killed outright (SIGKILL) can leave it behind.

    Raises:
        BatchError: the output is the input, or cannot be written.
    """
    if target is None:
        sys.stdout.flush()
        stream = io.TextIOWrapper(sys.stdout.buffer, "utf-8", newline="")
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    destination = Path(target)
    if destination.is_dir() or (source != "-" and _same_file(source, destination)):
        raise BatchError(target, "the output must be a file, and not the input")
    if destination.exists() and not destination.is_file():
        # a device or pipe (/dev/null, a FIFO): write to it directly; renaming a temporary
        # file over it would replace the device itself
        try:
            with open(destination, "w", encoding="utf-8", newline="") as stream:
                yield stream
        except OSError as err:
            raise BatchError(target, f"cannot write the output: {err.strerror}") from err
        return
    with (
        staged_file(target) as temporary,
        open(temporary, "w", encoding="utf-8", newline="") as stream,
    ):
        yield stream


def _same_file(source: str, destination: Path) -> bool:
    try:
        return destination.exists() and os.path.samefile(source, destination)
    except OSError:
        return False


@contextmanager
def staged_file(target: str) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed to it when the block ends without error
    (the block writes the file; binary outputs such as Parquet use this).

    Raises:
        BatchError: ``target`` is a directory, or cannot be written.
    """
    destination = Path(target)
    if destination.is_dir():
        raise BatchError(target, "the output is a directory; name a file, or write parts there")
    try:
        handle, temporary = tempfile.mkstemp(
            dir=destination.parent, prefix=f".{destination.name}.", suffix=".tmp"
        )
        os.close(handle)
    except OSError as err:
        raise BatchError(target, f"cannot write the output: {err.strerror}") from err
    try:
        yield Path(temporary)
        os.chmod(temporary, file_mode(destination))
        os.replace(temporary, destination)
    except OSError as err:
        raise BatchError(target, f"cannot write the output: {err.strerror}") from err
    finally:
        Path(temporary).unlink(missing_ok=True)


PART_SUFFIX = ".parquet"


@contextmanager
def staged_directory(target: str) -> Iterator[Path]:
    """A temporary directory beside ``target``, put in its place when the block ends without
    error; on any failure it is removed and ``target`` is left as it was.

    An existing ``target`` is replaced only when it is empty or holds nothing but Parquet
    part files (an earlier output): anything else in it is refused, never deleted.

    Raises:
        BatchError: ``target`` is a file, holds other files, or cannot be written.
    """
    destination = Path(target)
    _check_replaceable(destination)
    try:
        temporary = Path(
            tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".tmp")
        )
    except OSError as err:
        raise BatchError(target, f"cannot write the output: {err.strerror}") from err
    try:
        yield temporary
        os.chmod(temporary, _directory_mode(destination))
        _put_in_place(temporary, destination)
    except OSError as err:
        raise BatchError(target, f"cannot write the output: {err.strerror}") from err
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _directory_mode(destination: Path) -> int:
    """The mode a directory made at ``destination`` gets: the one it replaces, else the
    umask's (a temporary directory starts private)."""
    if destination.is_dir():
        return stat.S_IMODE(destination.stat().st_mode)
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


def _check_replaceable(destination: Path) -> None:
    if destination.is_file() or (destination.exists() and not destination.is_dir()):
        message = "the output exists and is not a directory; a directory of parts is written"
        raise BatchError(str(destination), message)
    if destination.is_dir():
        others = [p.name for p in destination.iterdir() if not p.name.endswith(PART_SUFFIX)]
        if others:
            message = (
                f"the output directory holds other files than Parquet parts ({min(others)}); "
                "name a new or empty directory"
            )
            raise BatchError(str(destination), message)


def _put_in_place(temporary: Path, destination: Path) -> None:
    if not destination.exists():
        os.rename(temporary, destination)
        return
    old = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}.old."))
    try:
        os.replace(destination, old / "parts")
        os.rename(temporary, destination)
    except OSError:
        if not destination.exists() and (old / "parts").exists():
            os.rename(old / "parts", destination)  # put the earlier output back
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
