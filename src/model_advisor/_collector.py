"""Pausing the cyclic garbage collector while many short-lived objects are made (private)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, if it runs, for the work inside.

    Deciding a chunk of tasks, or making a glossary's tables, makes tens of thousands of
    short-lived lists, tuples, dicts or strings, none of them in a reference cycle, so
    reference counting frees them all; meanwhile the collector would only walk the live ones
    again and again (about 7% of a chunk's time; two thirds of the time the glossary's tables
    took). The collector resumes afterwards, whatever happens inside.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
