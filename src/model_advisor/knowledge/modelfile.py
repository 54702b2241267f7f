"""The model file's framing: a JSON header line, then one line per named part.

The header names the format and its version, lists the parts in their order, and holds the
sha256 of all of them, so a file that is truncated, corrupted or edited is caught before
anything in it is used. A part is JSON written as UTF-8 (:func:`json_part`) or numbers in bulk:
base64 of little-endian doubles (:func:`columns_part`). Each part is parsed on its own, so the
long lists of words in many scripts do not make the whole file slow to read. Nothing here can
run code.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import sys
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._paths import file_mode
from ..errors import ModelFileError

REBUILD = "rebuild it with `model-advisor train`"


Part = bytes | memoryview
"""A part of a model file, as written (bytes) or as read (a view of the file's bytes)."""


def frame(header: dict[str, Any], parts: dict[str, bytes]) -> bytes:
    """The bytes of a framed file: ``header`` stamped with the names of ``parts`` and their
    sha256, then each part on a line of its own (the same data always gives the same bytes).

    Raises:
        ValueError: a part holds a line break.
    """
    if any(b"\n" in part for part in parts.values()):
        raise ValueError("a part of a model file must be one line")
    data = b"\n".join(parts.values())
    stamped = {**header, "parts": list(parts), "parts_sha256": hashlib.sha256(data).hexdigest()}
    return json.dumps(stamped, sort_keys=True).encode() + b"\n" + data + b"\n"


def json_part(value: Any) -> bytes:
    """``value`` as one line of JSON with sorted keys, its text as UTF-8 (a word in another
    script reads faster so than written as ``\\u`` escapes)."""
    text = json.dumps(
        value, separators=(",", ":"), sort_keys=True, allow_nan=False, ensure_ascii=False
    )
    # A lone surrogate cannot be UTF-8: it is written as the escape that reads back as itself.
    return text.encode("utf-8", "backslashreplace")


def read_json_part(part: Part) -> Any:
    """The value of a :func:`json_part`.

    Raises:
        ValueError: not UTF-8, not JSON, too deeply nested, or NaN or an infinity in it.
    """
    try:
        return json.loads(str(part, "utf-8"), parse_constant=_reject_constant)
    except RecursionError as err:
        raise ValueError("nested too deeply") from err


def write_atomic(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` atomically (a temporary file beside it, then a rename)."""
    import tempfile  # and shutil with it: only a training writes, not a start

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of a model file, at most ``max_bytes`` of them.

    Raises:
        ModelFileError: missing, unreadable or too large.
    """
    shown = str(path)
    try:
        if path.stat().st_size > max_bytes:
            raise ModelFileError(shown, f"larger than {max_bytes} bytes; {REBUILD}", "corrupt")
        return path.read_bytes()
    except FileNotFoundError as err:
        raise ModelFileError(shown, f"no model file; {REBUILD}", "missing") from err
    except OSError as err:
        raise ModelFileError(shown, f"cannot read the model: {err.strerror}", "unreadable") from err


def unframe(
    raw: bytes, shown: str, file_format: str, version: int
) -> tuple[dict[str, Any], dict[str, Part]]:
    """Read bytes made by :func:`frame`, checking their format, version and checksum.

    Returns:
        The header, and each part by its name: a view of its bytes in ``raw``, not yet parsed
        (a model is megabytes: not copying it is a good part of a quick start).

    Raises:
        ModelFileError: not this format, another version, corrupt or modified; the message
            (naming ``shown``) says how to rebuild it.
    """
    start = raw.find(b"\n") + 1
    try:
        header = json.loads(raw[:start], parse_constant=_reject_constant)
    except (ValueError, RecursionError) as err:
        raise ModelFileError(shown, f"not a model-advisor model (bad header); {REBUILD}") from err
    if not isinstance(header, dict) or header.get("format") != file_format:
        raise ModelFileError(shown, f"not a model-advisor model file; {REBUILD}")
    if header.get("format_version") != version:
        message = (
            f"saved in format version {header.get('format_version')!r}, this version reads "
            f"{version}; {REBUILD}"
        )
        raise ModelFileError(shown, message, "version")
    end = len(raw) - 1 if raw.endswith(b"\n") else len(raw)
    data = memoryview(raw)[start:end]
    if start == 0 or hashlib.sha256(data).hexdigest() != header.get("parts_sha256"):
        raise ModelFileError(shown, f"corrupt or modified (checksum mismatch); {REBUILD}")
    names = header.get("parts")
    if not isinstance(names, list) or not names or len(set(map(str, names))) != len(names):
        raise ModelFileError(shown, f"malformed model (the header's parts); {REBUILD}")
    parts: dict[str, Part] = {}
    begin, last = start, len(names) - 1
    for i, name in enumerate(names):
        stop = raw.find(b"\n", begin, end)
        if (stop == -1) != (i == last):
            raise ModelFileError(shown, f"malformed model (not {len(names)} parts); {REBUILD}")
        stop = end if stop == -1 else stop
        parts[str(name)] = data[begin - start : stop - start]
        begin = stop + 1
    return header, parts


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed in a model file")


def words_part(words: Sequence[str]) -> bytes:
    """Words (or n-grams: no tab or line break in any) as one line of UTF-8, tab-separated:
    quicker to read than a JSON list of them."""
    if any(not word or "\t" in word or "\n" in word for word in words):
        raise ValueError("a word of a model file is empty or holds a tab or a line break")
    return "\t".join(words).encode()


def read_words_part(part: Part) -> list[str]:
    """The words of a :func:`words_part`.

    Raises:
        ValueError: not UTF-8.
    """
    text = str(part, "utf-8")
    return text.split("\t") if text else []


def columns_part(columns: Sequence[Sequence[float]]) -> bytes:
    """Equally long columns of numbers, one after another, as base64 of little-endian doubles."""
    joined = array("d", [value for column in columns for value in column])
    if sys.byteorder != "little":
        joined.byteswap()
    return base64.b64encode(joined.tobytes())


def read_columns(part: Part, count: int, length: int) -> list[Sequence[float]]:
    """The ``count`` columns of ``length`` numbers each that :func:`columns_part` wrote.

    Raises:
        ValueError: not base64, another number of values, or a value that is not finite.
    """
    decoded = base64.b64decode(part, validate=True)
    if len(decoded) != count * length * 8:
        raise ValueError(f"{len(decoded)} bytes do not hold {count} columns of {length} weights")
    joined: memoryview[float] | array[float]
    if sys.byteorder == "little":
        joined = memoryview(decoded).cast("d")
    else:
        joined = array("d", decoded)
        joined.byteswap()
    # A NaN or an infinity has every bit of its exponent set, so the top byte of its eight
    # (the last, little-endian) is 0x7F or 0xFF; a weight that large (2 ** 1009 or more) is
    # unheard of, so one C search of the top bytes clears them all, and only when one is
    # there is each weight looked at.
    top = decoded[7::8]
    if (b"\x7f" in top or b"\xff" in top) and not all(map(math.isfinite, joined)):
        raise ValueError("weights must be finite numbers")
    return [joined[start : start + length] for start in range(0, count * length, length)]
