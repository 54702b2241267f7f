"""Progress of a batch on a terminal: one line on stderr, rewritten in place."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO


class ProgressLine:
    """Shows progress on a terminal: one line, rewritten in place at most every ``interval``.

    When the input's size is known, a bar and the share done come first and the time left
    last; rows done and rows per second always show. Use it as
    ``advise_file(..., progress=ProgressLine(sys.stderr))``.
    """

    BAR = 24  # characters of the bar

    def __init__(self, stream: IO[str], interval: float = 0.5) -> None:
        self.stream, self.interval = stream, interval
        self._start = self._shown = time.monotonic()
        self._width = 0

    def __call__(self, rows: int, fraction: float | None) -> None:
        now = time.monotonic()
        if now - self._shown < self.interval:
            return
        self._shown = now
        elapsed = max(now - self._start, 1e-9)
        text = f"{rows:,} rows, {rows / elapsed:,.0f} rows/s"
        if fraction:
            done = round(self.BAR * fraction)
            left = elapsed * (1 - fraction) / fraction
            bar = "#" * done + "-" * (self.BAR - done)
            text = f"[{bar}] {fraction:4.0%}  {text}, {int(left) // 60}:{int(left) % 60:02d} left"
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def clear(self) -> None:
        """Erase the line, so that what is printed next starts clean."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()


@contextmanager
def progress_line(stream: IO[str], enabled: bool = True) -> Iterator[ProgressLine | None]:
    """A :class:`ProgressLine` on ``stream`` if enabled and a terminal (else None), then erased."""
    if not enabled or not stream.isatty():
        yield None
        return
    line = ProgressLine(stream)
    try:
        yield line
    finally:
        line.clear()
