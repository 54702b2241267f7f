"""Executors: where the chunks of a batch are advised, in input order.

Each executor is a context manager giving a function from an iterator of chunks (lists of
:class:`~model_advisor._table.Row`) to an iterator of (rows, outcomes), in input order. All go
through :func:`.work.advise_texts` or the same :class:`.work.Advising`, so the output is the
same whichever runs. A new engine that reads in this process is one more function here; the
Dask engine, whose workers read and write the table themselves, is :mod:`.cluster`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .._table import Row
from ..errors import BatchError
from ..signals import deferred, worker_defaults
from . import work
from .work import Advising, Outcome, advise_texts

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

_POLL_SECONDS = 0.005  # how often a wait for a chunk's result looks again
Chunks = Iterator[tuple[list[Row], list[Outcome]]]
Runner = Callable[[Iterator[list[Row]]], Chunks]


@contextmanager
def in_process(advising: Advising) -> Iterator[Runner]:
    """Advise every chunk here, with ``advising`` (the caller's advisor)."""
    yield lambda chunks: ((rows, advising.chunk([r.task for r in rows])) for rows in chunks)


@contextmanager
def process_pool(advising: Advising, jobs: int, source: str) -> Iterator[Runner]:
    """Advise chunks in ``jobs`` worker processes, each loading the knowledge once.

    Workers are sent the knowledge's small reference. Where processes are forked, they start
    with the parent's advisor already in :mod:`.work` (shared for the pool's lifetime), so
    they load nothing; where they are spawned, each loads the knowledge from the reference.

    Raises:
        BatchError: a worker process died (killed, or out of memory), named after ``source``.
    """
    # Imported here: slow to import, and one process needs none of it.
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    ref, full = advising.advisor.knowledge.ref, advising.full
    pool = ProcessPoolExecutor(jobs, get_context(), initializer=worker_defaults)
    with work.sharing(ref, advising), _stopped_safely(pool):

        def submit(rows: list[Row]) -> Future[list[Outcome]]:
            with deferred(), _worker_deaths(source):
                return pool.submit(advise_texts, ref, [r.task for r in rows], full)

        def run(chunks: Iterator[list[Row]]) -> Chunks:
            # Executor.map would submit the whole input at once: keep a bounded window in flight.
            pending: deque[tuple[list[Row], Future[list[Outcome]]]] = deque()
            for rows in chunks:
                pending.append((rows, submit(rows)))
                if len(pending) >= 2 * jobs:
                    done, result = pending.popleft()
                    yield done, _outcome(result, source)
            while pending:
                done, result = pending.popleft()
                yield done, _outcome(result, source)

        yield run


def _outcome(future: Future[list[Outcome]], source: str) -> list[Outcome]:
    """The result of a chunk, waited for where a signal may safely interrupt the wait."""
    while True:
        with deferred():  # done() takes the future's lock
            if future.done():
                break
        time.sleep(_POLL_SECONDS)
    with deferred(), _worker_deaths(source):
        return future.result()


@contextmanager
def _worker_deaths(source: str) -> Iterator[None]:
    """Inside, a pool broken by a worker's death raises :class:`BatchError` about ``source``."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield
    except BrokenProcessPool as err:
        message = "a worker process died (killed, or out of memory?); nothing was written"
        raise BatchError(source, message, code="worker-died") from err


@contextmanager
def _stopped_safely(pool: ProcessPoolExecutor) -> Iterator[ProcessPoolExecutor]:
    """``pool``, shut down at the end with signals deferred meanwhile.

    Chunks not yet given to a worker are cancelled, and those being advised are let finish:
    a worker killed while it sends its result back would leave the result pipe's lock held,
    and the pool's own threads would then wait for it forever (``Pool.terminate`` does that
    about once in a few hundred stops under load).
    """
    try:
        yield pool
    finally:
        with deferred():
            pool.shutdown(wait=True, cancel_futures=True)
