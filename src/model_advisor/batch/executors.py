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
from ..signals import deferred, worker_defaults
from . import work
from .work import Advising, Outcome, advise_texts

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

_POLL_SECONDS = 0.005  # how often a wait for a chunk's result looks again
Chunks = Iterator[tuple[list[Row], list[Outcome]]]
Runner = Callable[[Iterator[list[Row]]], Chunks]


@contextmanager
def in_process(advising: Advising) -> Iterator[Runner]:
    """Advise every chunk here, with ``advising`` (the caller's advisor)."""
    yield lambda chunks: ((rows, advising.chunk([r.task for r in rows])) for rows in chunks)


@contextmanager
def process_pool(advising: Advising, jobs: int) -> Iterator[Runner]:
    """Advise chunks in ``jobs`` worker processes, each loading the knowledge once.

    Workers are sent the knowledge's small reference. Where processes are forked, they start
    with the parent's advisor already in :mod:`.work` (shared for the pool's lifetime), so
    they load nothing; where they are spawned, each loads the knowledge from the reference.
    """
    import multiprocessing  # here: it is slow to import, and one process needs none of it

    ref, full = advising.advisor.knowledge.ref, advising.full
    context = multiprocessing.get_context()
    with work.sharing(ref, advising), _stopped_safely(context.Pool(jobs, worker_defaults)) as pool:

        def submit(rows: list[Row]) -> AsyncResult[list[Outcome]]:
            with deferred():
                return pool.apply_async(advise_texts, (ref, [r.task for r in rows], full))

        def run(chunks: Iterator[list[Row]]) -> Chunks:
            # Pool.imap would read the whole input ahead: keep a bounded window in flight.
            pending: deque[tuple[list[Row], AsyncResult[list[Outcome]]]] = deque()
            for rows in chunks:
                pending.append((rows, submit(rows)))
                if len(pending) >= 2 * jobs:
                    done, result = pending.popleft()
                    yield done, _outcome(result)
            while pending:
                done, result = pending.popleft()
                yield done, _outcome(result)

        yield run


def _outcome(result: AsyncResult[list[Outcome]]) -> list[Outcome]:
    """The result of a chunk, waited for where a signal may safely interrupt the wait."""
    while not result.ready():  # a flag read, no lock
        time.sleep(_POLL_SECONDS)
    with deferred():
        return result.get()


@contextmanager
def _stopped_safely(pool: Pool) -> Iterator[Pool]:
    """``pool``, stopped (terminated) at the end with signals deferred meanwhile."""
    try:
        yield pool
    finally:
        with deferred():
            pool.terminate()
            pool.join()
