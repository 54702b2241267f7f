"""The model file's framing: a JSON header line, then a JSON body line.

The header names the format and its version and holds the sha256 of the body, so a file that
is truncated, corrupted or edited is caught before anything in it is used. Numbers in bulk
travel as base64 columns of little-endian doubles. Nothing here can run code: it is JSON.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import sys
from array import array
from pathlib import Path
from typing import Any

from .._paths import file_mode
from ..errors import ModelFileError

REBUILD = "rebuild it with `model-advisor train`"


def frame(header: dict[str, Any], body: dict[str, Any]) -> bytes:
    """The bytes of a framed file: ``header`` stamped with the body's sha256, then ``body``.

    Both are JSON with sorted keys, so the same data always gives the same bytes.
    """
    data = json.dumps(body, separators=(",", ":"), sort_keys=True, allow_nan=False).encode()
    stamped = {**header, "weights_sha256": hashlib.sha256(data).hexdigest()}
    return json.dumps(stamped, sort_keys=True).encode() + b"\n" + data + b"\n"


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
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read bytes made by :func:`frame`, checking their format, version and checksum.

    Raises:
        ModelFileError: not this format, another version, corrupt or modified; the message
            (naming ``shown``) says how to rebuild it.
    """
    head, _, data = raw.partition(b"\n")
    data = data.rstrip(b"\n")
    try:
        header = json.loads(head, parse_constant=_reject_constant)
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
    if hashlib.sha256(data).hexdigest() != header.get("weights_sha256"):
        raise ModelFileError(shown, f"corrupt or modified (checksum mismatch); {REBUILD}")
    try:
        body = json.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as err:
        raise ModelFileError(shown, f"malformed model ({err}); {REBUILD}") from err
    if not isinstance(body, dict):
        raise ModelFileError(shown, f"malformed model (the body is not an object); {REBUILD}")
    return header, body


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed in a model file")


def encode_column(column: array[float]) -> str:
    if sys.byteorder != "little":
        column = array("d", column)
        column.byteswap()
    return base64.b64encode(column.tobytes()).decode("ascii")


def decode_column(text: Any) -> array[float]:
    if not isinstance(text, str):
        raise TypeError("a weight column must be a base64 string")
    column = array("d")
    column.frombytes(base64.b64decode(text, validate=True))
    if sys.byteorder != "little":
        column.byteswap()
    # A sum of finite weights is finite (these are far from overflowing); one C loop checks
    # them all unless a NaN or infinity is there, and only then is each one looked at.
    if not math.isfinite(sum(column)) and not all(map(math.isfinite, column)):
        raise ValueError("weights must be finite numbers")
    return column
