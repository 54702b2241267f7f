"""The one reader of tables of tasks (private): CSV, TSV or JSON Lines, read lazily.

Every table the package reads goes through :func:`open_table`: a knowledge directory's
examples, labelled files to evaluate on, and batch input. So one set of rules holds for all:
encodings and byte-order marks, undecodable bytes, lone surrogates, NUL bytes, over-long and
ragged rows, and errors that name the file and line.

It reads one row at a time and checks each row as it goes, so a bad row becomes a
:class:`Row` with an ``error`` instead of stopping the read. Only a file that is not a table
at all, or lacks a column asked for, raises :class:`~model_advisor.errors.TableError`.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple

from .errors import TableError

InputFormat = Literal["csv", "tsv", "jsonl"]
OutputFormat = Literal["csv", "tsv", "jsonl", "json"]

TASK_COLUMNS = ("task", "description", "text")
"""Header names taken as the task column (any case), in order of preference."""
RESULT_COLUMNS = ("category", "confidence", "ambiguous", "reason", "error")
MAX_ROW_CHARS = 1_000_000
"""A longer row (so any longer field) is cut there, never read whole, and is an error."""

EXTENSIONS: dict[str, OutputFormat] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
_SAMPLE_BYTES = 65536
_BINARY_SHARE = 0.25  # a start with more control or undecodable characters is not text
_CONTROL = [chr(c) for c in range(32) if chr(c) not in "\t\n\v\f\r"]
# A JSON escape of a UTF-16 surrogate (\ud800-\udfff): alone, it decodes to no character
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class Row(NamedTuple):
    """One input row: where it starts, its values, its task (None when bad) and what is wrong."""

    line: int
    fields: list[str] | dict[str, Any]  # CSV fields, or the JSON Lines object
    task: str | None
    error: str


class Table:
    """An open input: its name, format, column names and lazily read rows."""

    def __init__(self, name: str, source: _Source, size: int | None) -> None:
        self.name, self.source, self.size = name, source, size
        self.format: InputFormat = "csv"
        self.columns: list[str] = []
        self.rows: Iterator[Row] = iter(())
        self.fingerprint: tuple[int, int, int, int] | None = None
        self.header = True

    def lookup(self, column: str | int, option: str = "--column") -> Callable[[Row], str]:
        """A function giving a row's text in ``column`` (a name, or a number from 1).

        A missing or non-string value reads as "". ``option`` is named in the error.

        Raises:
            TableError: the table has no such column.
        """
        index = _column_index(self.name, self.columns, column, self.header, option)
        if self.format != "jsonl":
            return lambda row: _field(row.fields, index)
        key = self.columns[index]

        def value(row: Row) -> str:
            found = row.fields.get(key) if isinstance(row.fields, dict) else None
            return found if isinstance(found, str) else ""

        return value

    def fraction(self) -> float | None:
        """The share of the input read so far, when its size is known."""
        return min(self.source.count / self.size, 1.0) if self.size else None

    def check_unchanged(self) -> None:
        """Fail if the input file was removed, replaced or modified while it was read.

        Raises:
            TableError: naming what happened; the caller then writes nothing.
        """
        if self.fingerprint is None:
            return
        try:
            now = _fingerprint(os.stat(self.name))
        except OSError as err:
            raise TableError(
                self.name, "the input vanished while it was being read; nothing was written"
            ) from err
        if now != self.fingerprint:
            raise TableError(
                self.name,
                "the input changed while it was being read; "
                "nothing was written, run again on a stable file",
            )


def _fingerprint(status: os.stat_result) -> tuple[int, int, int, int] | None:
    """What identifies a regular file's content: device, inode, size, modification time."""
    if not stat.S_ISREG(status.st_mode):
        return None  # a pipe or device has no stable content to compare
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


# --- reading ----------------------------------------------------------------------------


@contextmanager
def open_table(
    path: str,
    input_format: InputFormat | None,
    column: str | int | None,
    header: bool,
    encoding: str,
    delimiter: str | None,
    reserved: Collection[str] = (),
) -> Iterator[Table]:
    """Open ``path`` (``-``: stdin) as a table; see :func:`model_advisor.advise_file`.

    ``column`` is the task column (a name, or a number from 1; by default the first named
    task, description or text); ``reserved`` are column names the input must not have (the
    batch's output adds them).

    Raises:
        TableError: unreadable, binary, not a table of the format, or no such column.
    """
    name = "<stdin>" if path == "-" else path
    binary = sys.stdin.buffer if path == "-" else _open(path)
    try:
        sample = binary.read(_SAMPLE_BYTES)
        codec = _codec(encoding, name)
        table = Table(name, _Source(name, sample, binary), _size(binary) if path != "-" else None)
        if path != "-":
            table.fingerprint = _fingerprint(os.fstat(binary.fileno()))
        start = _decode_start(sample, codec, name)
        table.format = input_format or _detect_format(path, start)
        table.header = header or table.format == "jsonl"
        text = io.TextIOWrapper(
            io.BufferedReader(table.source), codec, errors="surrogateescape", newline=""
        )
        if table.format == "jsonl":
            lines = _Lines(name, text, encoding)
            table.columns, table.rows = _read_jsonl(name, lines, column, reserved)
        else:
            separator = _delimiter(delimiter, start, table.format == "tsv", name)
            lines = _Lines(name, text, encoding, separator, '"')
            table.columns, table.rows = _read_csv(name, lines, column, header, reserved)
        yield table
    finally:
        if path != "-":
            binary.close()


class _Source(io.RawIOBase):
    """A binary stream: the bytes already read to sniff the format, then the rest (counted)."""

    def __init__(self, name: str, head: bytes, rest: IO[bytes]) -> None:
        self.name, self._head, self._rest, self.count = name, head, rest, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        if self._head:
            data, self._head = self._head[: len(target)], self._head[len(target) :]
        else:
            try:
                data = self._rest.read(len(target))
            except OSError as err:
                message = f"cannot read the input: {err.strerror}"
                raise TableError(self.name, message, code="unreadable") from err
        target[: len(data)] = data
        self.count += len(data)
        return len(data)


class _Lines:
    """The physical lines of a text stream, checked as they are read; rows cut at the limit.

    ``begin()`` starts a row and ``problem`` then says what was wrong with its lines. A line
    that would make the row too long is cut without being read whole, and ended so that the
    csv parser is in or out of a quoted field after it as it would be after the whole line.
    """

    def __init__(
        self, name: str, stream: IO[str], encoding: str, separator: str = ",", quote: str = ""
    ):
        self.name, self.stream, self.encoding = name, stream, encoding
        self.delimiter, self.quote = separator, quote
        self.number = 0  # lines read so far
        self.problem = ""
        self._chars = 0
        self._quoted = False  # inside a quoted field at the start of the next line

    def begin(self) -> None:
        self.problem, self._chars, self._quoted = "", 0, False

    def __iter__(self) -> Iterator[str]:
        quote = self.quote
        while True:
            room = max(MAX_ROW_CHARS - self._chars, 0)
            line = self._readline(room + 1)
            if not line:
                return
            self.number += 1
            if len(line) > room:
                line = self._cut(line, room)
            self._chars += len(line)
            if not line.isascii():
                line = self._undecodable(line)
            if "\0" in line:
                self._flag("NUL bytes (a binary file, or another --encoding such as utf-16?)")
                line = line.replace("\0", "\ufffd")
            if quote and line.count(quote) % 2:
                self._quoted = not self._quoted
            yield line

    def _readline(self, size: int) -> str:
        try:
            return self.stream.readline(size)
        except UnicodeDecodeError as err:  # bytes that even surrogateescape cannot carry
            where = f"{self.name}:{self.number + 1}"
            raise TableError(where, f"cannot be read as {self.encoding}: {err.reason}") from err

    def _flag(self, problem: str) -> None:
        self.problem = self.problem or problem

    def _undecodable(self, line: str) -> str:
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # surrogates stand for bytes the codec could not decode
            self._flag(f"bytes that are not {self.encoding}; try another --encoding")
            return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return line

    def _cut(self, line: str, room: int) -> str:
        quote = self.quote
        kept = line[:room].rstrip(quote) if quote else line[:room]  # never split a ""
        rest, flips = line[len(kept) :], 0
        while True:  # drain the rest of the line, a piece at a time
            flips += rest.count(quote) if quote else 0
            if not rest or rest[-1] in "\r\n":
                break
            rest = self._readline(_SAMPLE_BYTES)
        self._flag(f"row longer than {MAX_ROW_CHARS:,} characters: cut there")
        if flips % 2 == 0:
            return kept + "\n"
        # the cut part opened or closed a quoted field: so must its replacement
        quoted = self._quoted != bool(kept.count(quote) % 2)
        return kept + (quote if quoted else self.delimiter + quote) + "\n"


def _open(path: str) -> IO[bytes]:
    try:
        return open(path, "rb")  # closed by open_table
    except OSError as err:
        raise TableError(path, f"cannot read the input: {err.strerror}", code="unreadable") from err


def _size(binary: IO[bytes]) -> int | None:
    try:
        status = os.fstat(binary.fileno())
    except (OSError, ValueError):
        return None
    return status.st_size if stat.S_ISREG(status.st_mode) else None


def _codec(encoding: str, name: str) -> str:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError as err:
        raise TableError(name, f"unknown encoding {encoding!r}") from err
    return "utf-8-sig" if codec == "utf-8" else codec  # a byte-order mark is not data


def _decode_start(sample: bytes, codec: str, name: str) -> str:
    if codec == "utf-8-sig" and sample[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise TableError(
            name, "the file is UTF-16 (it starts with a UTF-16 BOM); --encoding utf-16"
        )
    try:
        text = codecs.getincrementaldecoder(codec)("surrogateescape").decode(sample)
    except UnicodeDecodeError as err:
        raise TableError(name, f"cannot be read as {codec}: {err.reason}") from err
    undecodable = len(text) - len(text.encode("utf-8", "ignore").decode("utf-8"))
    if undecodable + sum(map(text.count, _CONTROL)) > _BINARY_SHARE * len(text):
        message = "not a text table: the start of the file looks binary; check it and --encoding"
        raise TableError(name, message)
    return text.lstrip("\ufeff")


def _detect_format(path: str, start: str) -> InputFormat:
    first = start.lstrip()[:1]
    if first == "[":  # whatever the extension: a JSON array is never a useful CSV
        raise TableError(path, "a JSON array is not read: give JSON Lines, one object per line", 1)
    known = EXTENSIONS.get(Path(path).suffix.lower())
    if known is not None and known != "json":
        return known
    if first == "{":
        return "jsonl"
    line = start.split("\n", 1)[0]
    return "tsv" if line.count("\t") > line.count(",") else "csv"


def _delimiter(given: str | None, start: str, tab: bool, name: str) -> str:
    if given is not None:
        given = "\t" if given in ("\\t", "tab") else given
        if len(given) != 1 or given in '"\r\n':
            raise TableError(name, f"the delimiter must be one character, not {given!r}")
        return given
    if tab:
        return "\t"
    line = start.split("\n", 1)[0]
    return max((",", ";", "\t", "|"), key=line.count)  # ties go to the comma


def _read_csv(
    name: str, lines: _Lines, column: str | int | None, header: bool, reserved: Collection[str]
) -> tuple[list[str], Iterator[Row]]:
    if csv.field_size_limit() < 2 * MAX_ROW_CHARS:  # the most that _Lines lets through
        csv.field_size_limit(2 * MAX_ROW_CHARS)
    records = _records(csv.reader(lines, delimiter=lines.delimiter), lines)
    first = next(records, None)
    if first is None:
        if header:
            message = "the file is empty: expected a header naming the task column"
            raise TableError(name, message, code="empty-file")
        return [], iter(())
    line, fields, problem = first
    if problem and header:
        raise TableError(name, problem, line)
    names = fields if header else [f"column_{n}" for n in range(1, len(fields) + 1)]
    index = _column_index(name, names, column, header)
    _check_names(name, names, line, reserved)
    rows = (_csv_row(record, len(names), index) for record in records)
    return names, rows if header else _chain(_csv_row(first, len(names), index), rows)


def _records(reader: Iterator[list[str]], lines: _Lines) -> Iterator[tuple[int, list[str], str]]:
    while True:
        start = lines.number + 1
        lines.begin()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield start, [], f"not valid CSV: {err}"
            continue
        if fields:  # a blank line is not a row
            yield start, fields, lines.problem


def _csv_row(record: tuple[int, list[str], str], width: int, index: int) -> Row:
    line, fields, problem = record
    if not problem and len(fields) > width:
        problem = f"ragged row: {len(fields)} fields, the header has {width} (unquoted delimiter?)"
    elif not problem and index >= len(fields):
        problem = f"ragged row: {len(fields)} of {width} fields, so no task"
    if not problem and not fields[index].strip():
        problem = "empty task"
    return Row(line, fields, None if problem else fields[index], problem)


def _column_index(
    name: str, names: list[str], column: str | int | None, header: bool, option: str = "--column"
) -> int:
    if isinstance(column, int) or (column is not None and column.strip().isdigit()):
        number = int(column)
        if not 1 <= number <= len(names):
            message = f"there is no column {number}: the first row has {len(names)}"
            raise TableError(name, message, 1, "no-such-column")
        return number - 1
    if not header and column is None and len(names) == 1:
        return 0  # one column and no header: that column is the tasks
    if not header:
        message = f"without a header, give the column's number: {option} N"
        raise TableError(name, message, 1, "no-such-column")
    lowered = [n.strip().lower() for n in names]
    for wanted in [column.strip().lower()] if column is not None else TASK_COLUMNS:
        if wanted in lowered:
            return lowered.index(wanted)
    named = f"column {column!r}" if column is not None else "task, description or text column"
    listed = ", ".join(names)
    raise TableError(
        name, f"no {named} among the columns: {listed}; use {option}", 1, "no-such-column"
    )


def _check_names(name: str, names: list[str], line: int, reserved: Collection[str]) -> None:
    taken = {n.strip().lower() for n in names} & set(reserved)
    if taken:
        message = f"the input has a column {min(taken)!r}, which the output adds; rename it"
        raise TableError(name, message, line)


def _read_jsonl(
    name: str, lines: _Lines, column: str | int | None, reserved: Collection[str]
) -> tuple[list[str], Iterator[Row]]:
    objects = _objects(lines)
    first = next(objects, None)
    if first is None:
        return [], iter(())
    line, value, problem = first
    if not isinstance(value, dict):  # a first object with a bad string is only a bad row
        raise TableError(name, problem or "not JSON Lines: the first line is not an object", line)
    names = list(value)
    _check_names(name, names, line, reserved)
    key = names[_column_index(name, names, column, True)] if names else str(column or "task")
    return names, _chain(_json_row(first, key), (_json_row(o, key) for o in objects))


def _objects(lines: _Lines) -> Iterator[tuple[int, Any, str]]:
    physical = iter(lines)
    while True:
        lines.begin()
        text = next(physical, None)
        if text is None:
            return
        if lines.problem:
            yield lines.number, None, lines.problem
        elif text.strip():  # a blank line is not a row
            try:
                value = json.loads(text)
            except (ValueError, RecursionError) as err:  # RecursionError: nested too deep
                yield lines.number, None, f"not JSON: {err}"
                continue
            if _SURROGATE_ESCAPE.search(text) is None:
                yield lines.number, value, ""
                continue
            value, replaced = _without_surrogates(value)
            problem = "a lone surrogate escape (\\ud800-\\udfff) is not text: shown as \ufffd"
            yield lines.number, value, problem if replaced else ""


def _without_surrogates(value: Any) -> tuple[Any, bool]:
    """``value`` (parsed JSON, changed in place) with every lone surrogate in its strings and
    keys replaced by U+FFFD, and whether there was one: a JSON escape can make a lone
    surrogate, which no encoding can write. Walked with a stack, not by recursion: JSON can
    nest deeper than Python recurses."""
    replaced = False

    def clean(text: str) -> str:
        nonlocal replaced
        cleaned = _SURROGATE.sub("\ufffd", text)
        replaced = replaced or cleaned != text
        return cleaned

    root = [value]
    stack: list[Any] = [root]
    while stack:
        container = stack.pop()
        if isinstance(container, dict):
            items = [(clean(key), item) for key, item in container.items()]
            container.clear()
            container.update(items)
        for place, item in list(
            container.items() if isinstance(container, dict) else enumerate(container)
        ):
            if isinstance(item, str):
                container[place] = clean(item)
            elif isinstance(item, (list, dict)):
                stack.append(item)
    return root[0], replaced


def _json_row(record: tuple[int, Any, str], key: str) -> Row:
    line, value, problem = record
    if not isinstance(value, dict):
        return Row(line, {}, None, problem or "not a JSON object")
    if problem:  # its values are kept in the output
        return Row(line, value, None, problem)
    task = value.get(key)
    if task is not None and not isinstance(task, str):
        return Row(line, value, None, f"the task ({key!r}) is not a string")
    return (
        Row(line, value, task, "")
        if task and task.strip()
        else Row(line, value, None, "empty task")
    )


def _field(fields: list[str] | dict[str, Any], index: int) -> str:
    return fields[index] if isinstance(fields, list) and index < len(fields) else ""


def _chain(first: Row, rest: Iterable[Row]) -> Iterator[Row]:
    yield first
    yield from rest
