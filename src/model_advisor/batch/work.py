"""The batch's per-row work, with no file I/O: task texts in, result columns out.

This is the seam every executor uses. :func:`advise_texts` takes a small, picklable
:class:`~model_advisor.knowledge.loader.KnowledgeRef` and a sequence of texts; the first call
in a process loads the knowledge it refers to and keeps it in this module (importable, unlike
``__main__``, so a worker process keeps it across tasks), so each process loads the knowledge
once, whatever the number of chunks it is sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from ..advice.advisor import Advisor, Brief, load_long_lived
from ..errors import InvalidTaskError
from ..knowledge.loader import KnowledgeRef
from ..knowledge.notes import Passage

_CACHE_SIZE = 4096
_CACHE_MAX_CHARS = 1000  # longer texts are not cached, so the cache stays small


class Result(NamedTuple):
    """The advice columns of one row; ``advice`` is the whole advice, when asked for."""

    category: str
    confidence: float
    ambiguous: bool
    reason: str
    advice: dict[str, Any] | None


Outcome = Result | str | None
"""A row's result, the error text of an invalid task, or None for a row without a task."""


class Advising:
    """Turns task texts into results, a chunk at a time; repeated texts come from a cache.

    The cache cannot change a result: advice depends on nothing but the text.
    """

    def __init__(self, advisor: Advisor, full: bool) -> None:
        self.advisor, self.full = advisor, full
        self._cache: dict[str, Result | str] = {}
        self._reasons: dict[Passage, str] = {}  # the reason column of each cited passage

    def chunk(self, tasks: Sequence[str | None]) -> list[Outcome]:
        """The outcome of each task, in order (None stays None)."""
        cache = self._cache
        new = list(dict.fromkeys(t for t in tasks if t is not None and t not in cache))
        fresh = dict(zip(new, self._advise(new), strict=True))
        results = [None if t is None else fresh[t] if t in fresh else cache[t] for t in tasks]
        if len(cache) + len(fresh) > _CACHE_SIZE:
            cache.clear()  # start afresh: cheaper than evicting entries one by one
        cache.update((t, r) for t, r in fresh.items() if len(t) <= _CACHE_MAX_CHARS)
        return results

    def _advise(self, tasks: list[str]) -> list[Result | str]:
        if self.full:
            return [self._advise_fully(task) for task in tasks]
        return [self._result(brief) for brief in self.advisor.brief_many(tasks)]

    def _advise_fully(self, task: str) -> Result | str:
        try:
            advice = self.advisor.advise(task)
        except InvalidTaskError as err:
            return str(err)
        cited = advice.citations[0] if advice.citations else None
        reason = _reason(cited.section, cited.line, cited.quote) if cited else ""
        data = advice.model_dump(mode="json")
        return Result(advice.category, advice.confidence, advice.ambiguous, reason, data)

    def _result(self, brief: Brief | InvalidTaskError) -> Result | str:
        if isinstance(brief, InvalidTaskError):
            return str(brief)
        decision, passage = brief.decision, brief.passage
        reason = ""
        if passage is not None:
            reason = self._reasons.get(passage) or self._reasons.setdefault(
                passage, _reason(passage.section_path, passage.start_line, passage.text)
            )
        return Result(
            decision.category, round(decision.confidence, 4), decision.ambiguous, reason, None
        )


def _reason(section: str, line: int, quote: str) -> str:
    """The ``reason`` column: where the first citation stands in the notes, and its words."""
    return f"{section} (line {line}): {quote}"


_LOADED: dict[tuple[KnowledgeRef, bool], Advising] = {}
loads = 0
"""How many times this process has loaded knowledge for the batch (tests count it)."""


@contextmanager
def sharing(ref: KnowledgeRef, advising: Advising) -> Iterator[None]:
    """Make ``advising`` this process's answer to ``ref`` while inside (for forked workers)."""
    key = (ref, advising.full)
    _LOADED[key] = advising
    try:
        yield
    finally:
        if _LOADED.get(key) is advising:
            del _LOADED[key]


def advise_texts(
    ref: KnowledgeRef, texts: Sequence[str | None], full: bool = False
) -> list[Outcome]:
    """Advise on ``texts`` with the knowledge ``ref`` refers to: one outcome per text, in order.

    The knowledge is loaded on the first call in a process and kept for the next ones.

    Raises:
        ModelFileError: the knowledge changed since ``ref`` was taken.
        RuleFileError, ExampleDataError, KnowledgeBaseError: it cannot be loaded.
    """
    return advising_for(ref, full).chunk(texts)


def advising_for(ref: KnowledgeRef, full: bool, advisor: Advisor | None = None) -> Advising:
    """This process's :class:`Advising` for ``ref``: kept from an earlier call, else made with
    ``advisor`` (a caller's, already loaded), else loaded from ``ref`` (counted in ``loads``).

    Raises:
        ModelFileError: the knowledge changed since ``ref`` was taken.
        RuleFileError, ExampleDataError, KnowledgeBaseError: it cannot be loaded.
    """
    global loads
    advising = _LOADED.get((ref, full))
    if advising is None:
        if advisor is None:
            advisor = load_long_lived(ref=ref)
            loads += 1
        advising = _LOADED[(ref, full)] = Advising(advisor, full)
    return advising


def load_count() -> int:
    """How many times this process has loaded knowledge for the batch (for a Dask worker,
    asked with ``client.run(load_count)``)."""
    return loads
