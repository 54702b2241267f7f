"""The one decision pipeline: a task text in, a decision and its evidence out.

:class:`Engine` reads a task (cut to ``MAX_TASK_CHARS``), reads its misspelt words as the words
meant (:mod:`.spelling`) and its words of other languages as English ones (:mod:`.glossing`),
analyses it once, matches the rules, scores it with the classifier
and combines both (:func:`~.decision.combine`), with the no-evidence gate. ``advise``, the
batch, ``evaluate``, ``rules test`` and ``rules stats`` all call it, so each measures exactly
what the others answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from .._collector import collector_paused
from .._text import Analysis
from ..errors import InvalidTaskError, ModelFileError
from ..knowledge.loader import Knowledge
from ..types import Category, Correction
from .classifier import Features, TaskClassifier
from .decision import Decision, Weighted, combine, text_has_evidence
from .glossing import glossed
from .matching import CueMatcher, Hit, RuleEngine

if TYPE_CHECKING:
    from .chunked import ChunkClassifier

MAX_TASK_CHARS = 10_000
"""A longer task is cut here before it is read (and its advice says so)."""
CHUNK_AT_ONCE = 32
"""From this many tasks on, :meth:`Engine.decide_many` scores them with the classifier in one
go (:mod:`.chunked`): below it, importing numpy and building the arrays costs more than it
saves."""


class Decided(NamedTuple):
    """A task decided, with what the decision was made from."""

    text: str  # the text read: the task, cut to MAX_TASK_CHARS
    truncated: bool
    analysis: Analysis
    hits: Sequence[Weighted]  # RuleHit (with matched words) or Hit, sorted by rule id
    features: Features
    probabilities: dict[Category, float]  # the classifier's, alone
    decision: Decision
    corrections: tuple[Correction, ...] = ()  # misspelt words, read as the words meant


class Matched(NamedTuple):
    """The pipeline's first half: a task read, analysed and matched against the rules."""

    text: str  # the text read: the task, cut to MAX_TASK_CHARS
    truncated: bool
    analysis: Analysis  # of the text with its misspelt words corrected
    hits: Sequence[Weighted]
    corrections: tuple[Correction, ...]


def read_task(task: object) -> tuple[str, bool]:
    """The part of ``task`` that is read, and whether it was cut.

    Raises:
        InvalidTaskError: when ``task`` is not a string, or is empty or blank.
    """
    if not isinstance(task, str) or not task.strip():
        raise InvalidTaskError("the task is empty; describe what the AI should do")
    return task[:MAX_TASK_CHARS], len(task) > MAX_TASK_CHARS


def read_as_meant(
    rules: RuleEngine, text: str, analysis: Analysis | None = None
) -> tuple[Analysis, tuple[Correction, ...]]:
    """``text`` analysed as it is meant: its misspelt words read as the words meant
    (:mod:`.spelling`), then its words of other languages as the glossary's English words
    (:mod:`.glossing`); and what was read so. ``analysis`` is ``text``'s own, when made
    already (it is returned when nothing is read otherwise).

    Every reader of a task goes through here, and so do the examples a classifier is trained
    on: training sees the words that answering will.
    """
    if analysis is None:
        analysis = Analysis.of(text)
    spelled, corrections = rules.speller.correct(text, analysis.tokens)
    if corrections:
        analysis = Analysis.of(spelled)
    glossed, glosses = rules.glossary.gloss(analysis.normalized, analysis.tokens)
    if glosses:
        analysis = Analysis.of(glossed)
    return analysis, corrections + glosses


def training_texts(rules: RuleEngine, tasks: Sequence[str]) -> list[str]:
    """The texts a classifier is trained on for ``tasks``: each as :func:`read_as_meant` reads
    it (a task read as written is kept as written)."""
    texts = []
    for task in tasks:
        analysis, read = read_as_meant(rules, task)
        texts.append(analysis.normalized if read else task)
    return texts


def match_rules(rules: RuleEngine, task: str, matched_words: bool = False) -> Matched:
    """The pipeline's first half: the task read, analysed as it is meant (:func:`read_as_meant`),
    and the rules that fire.

    ``rules test`` and the silent-rule check use it alone (they need no model).

    Raises:
        InvalidTaskError: when ``task`` is not a string, or is empty or blank.
    """
    text, truncated = read_task(task)
    analysis, corrections = read_as_meant(rules, text)
    hits: Sequence[Weighted]
    hits = rules.match(analysis) if matched_words else rules.weigh(analysis)
    return Matched(text, truncated, analysis, hits, corrections)


class Engine:
    """The matchers and classifier of one :class:`Knowledge`, and the decision over them.

    Raises:
        ModelFileError: when the knowledge's compiled rules cannot be built.
    """

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.categories = knowledge.categories
        try:
            self.rules = RuleEngine(
                knowledge.rules, knowledge.known_words, knowledge.common_words, knowledge.glossary
            )
            self.kinds = CueMatcher(knowledge.kinds)
            self.modalities = CueMatcher(knowledge.modalities)
        except ValueError as err:
            raise ModelFileError(
                str(knowledge.directory), f"malformed compiled rules: {err}"
            ) from err
        self.classifier = TaskClassifier.from_weights(knowledge.classifier)
        self._chunked: ChunkClassifier | Literal[False] | None = None  # made on first use

    def decide(self, task: str, *, matched_words: bool = True) -> Decided:
        """Decide on one task; with ``matched_words`` the hits say which words matched.

        Raises:
            InvalidTaskError: when ``task`` is not a string, or is empty or blank.
        """
        text, truncated, analysis, hits, corrections = match_rules(self.rules, task, matched_words)
        return self._weigh(text, truncated, analysis, hits, corrections)

    def decide_many(self, tasks: Sequence[str]) -> list[Decided | InvalidTaskError]:
        """:meth:`decide` (without matched words) for many tasks at once, in order.

        The work goes stage by stage over all the tasks (every text analysed, then every rule
        match, then every classifier score), so each stage's tables stay in the processor's
        caches. From ``CHUNK_AT_ONCE`` tasks on, the classifier scores them all in one go
        (:mod:`.chunked`), in another order of the same arithmetic: the probabilities are
        those of :meth:`decide` to about 1e-14, the rest of the decision is the same code. The
        garbage collector is paused meanwhile (see :func:`collector_paused`).
        """
        read: list[tuple[str, bool]] = []
        errors: dict[int, InvalidTaskError] = {}  # by position
        for position, task in enumerate(tasks):
            try:
                read.append(read_task(task))
            except InvalidTaskError as err:
                errors[position] = err.with_traceback(None)  # keeps no frame alive
        with collector_paused():
            meant = [
                read_as_meant(self.rules, text, analysis)
                for (text, _), analysis in zip(
                    read, Analysis.many([t for t, _ in read]), strict=True
                )
            ]
            analyses = [analysis for analysis, _ in meant]
            hits: list[list[Hit]] = [self.rules.weigh(analysis) for analysis in analyses]
            features = self._features_many([analysis.seen for analysis in analyses])
            decided = iter(
                [
                    self._weigh(text, truncated, analysis, found, corrections, scored)
                    for (text, truncated), analysis, found, (_, corrections), scored in zip(
                        read, analyses, hits, meant, features, strict=True
                    )
                ]
            )
        return [errors[p] if p in errors else next(decided) for p in range(len(tasks))]

    def _features_many(self, texts: list[str]) -> list[Features] | list[None]:
        """The classifier's features of many texts (as it reads them) at once, or, for fewer
        than ``CHUNK_AT_ONCE`` texts, a None for each (each is then scored on its own)."""
        if len(texts) < CHUNK_AT_ONCE:
            return [None] * len(texts)
        if self._chunked is None:
            from .chunked import ChunkClassifier  # numpy and scipy: a batch's cost alone

            try:
                self._chunked = ChunkClassifier(self.knowledge.classifier)
            except ValueError:  # n-grams that do not pack: score one text at a time
                self._chunked = False
        if self._chunked is False:
            return [None] * len(texts)
        return self._chunked.features(texts)

    def _weigh(
        self,
        text: str,
        truncated: bool,
        analysis: Analysis,
        hits: Sequence[Weighted],
        corrections: tuple[Correction, ...],
        features: Features | None = None,
    ) -> Decided:
        if features is None:
            features = self.classifier.features(text, analysis.seen)
        probabilities = self.classifier.predict_proba(text, features)
        evidence = bool(hits) or text_has_evidence(features)
        temperatures = self.knowledge.decision_temperatures
        decision = combine(
            hits,
            probabilities,
            categories=self.categories,
            has_evidence=evidence,
            temperature=temperatures.pick(ruled=bool(hits), glossed=glossed(corrections)),
        )
        return Decided(
            text, truncated, analysis, hits, features, probabilities, decision, corrections
        )
