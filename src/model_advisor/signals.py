"""Termination signals as exceptions, so that a stopped run cleans up like a failed one.

A batch writes to a temporary file that is removed when the run fails (see
:func:`model_advisor.batch.output.open_output`). SIGTERM and SIGHUP normally end a process on
the spot, leaving that file behind; inside :func:`signals_raised` they raise
:class:`Signalled` instead, which unwinds through the same clean-up. Only the command line
installs the handlers: a library caller keeps its own.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType

Handler = Callable[[int, FrameType | None], object]

HANDLED = (signal.SIGTERM, signal.SIGHUP)


class Signalled(BaseException):
    """SIGTERM or SIGHUP arrived; ``signum`` says which. Not an ``Exception``, so that
    ``except Exception`` blocks on the way let it pass, as they let KeyboardInterrupt."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signum)


_pending: list[int] = []  # signals that arrived while deferred
_deferring = 0


def _raise(signum: int, frame: FrameType | None) -> None:
    if _deferring:
        _pending.append(signum)
        return
    raise Signalled(signum)


@contextmanager
def deferred() -> Iterator[None]:
    """Inside, a handled signal waits until the block ends, then raises :class:`Signalled`.

    An exception raised at an arbitrary point can leave a lock of a process pool or of a
    thread held (between a lock's acquire and the ``try`` that would release it), and
    stopping the pool then waits forever. The batch's calls into its pool run inside this;
    its waits for results sleep outside it, where an exception is harmless. When the block
    itself ends with an exception (the run is stopping anyway), the waiting signal is
    dropped.
    """
    global _deferring
    _deferring += 1
    try:
        yield
    except BaseException:
        _pending.clear()
        raise
    finally:
        _deferring -= 1
    if not _deferring and _pending:
        signum = _pending[0]
        _pending.clear()
        raise Signalled(signum)


@contextmanager
def handled(numbers: Iterable[int], handler: Handler) -> Iterator[None]:
    """Inside, ``handler`` handles the signals ``numbers``; the old handlers come back after."""
    previous = {number: signal.signal(number, handler) for number in numbers}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def signals_raised() -> AbstractContextManager[None]:
    """Inside, SIGTERM and SIGHUP raise :class:`Signalled`; the old handlers come back after."""
    return handled(HANDLED, _raise)


def worker_defaults() -> None:
    """For a worker process: signals are the parent's to handle.

    A terminal's Ctrl-C, a hangup, or ``kill`` of the whole job goes to a process group. A
    worker killed at an arbitrary point can die holding the pool's task-queue lock, and the
    parent then waits forever to stop the pool; so workers leave the group (the parent
    stops them itself, through the pool), ignore Ctrl-C, and end quietly when the pool
    terminates them. Orphaned by a parent killed outright, a worker reads the end of its
    task pipe and exits.
    """
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in HANDLED:
        signal.signal(number, signal.SIG_DFL)
