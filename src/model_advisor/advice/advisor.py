"""The advisor: a decision turned into advice quoted from the notes.

:class:`Advisor` holds one compiled :class:`~model_advisor.knowledge.loader.Knowledge` and its
:class:`~model_advisor.engine.pipeline.Engine`, and turns a task text into an
:class:`~model_advisor.types.Advice`: the decision, the passages of the notes that support it,
the kind of task, why not the others, and the parts of a compound task. What is special about
a category (aspirational, a caveat) is read from ``categories.yaml``, never from its id.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from .. import _paths
from .._collector import collector_paused
from .._text import Analysis
from .._version import __version__
from ..engine.building import load_knowledge, load_ref
from ..engine.decision import Decision
from ..engine.pipeline import Decided, Engine
from ..errors import InvalidTaskError
from ..knowledge.loader import Knowledge, KnowledgeRef, require_sections
from ..knowledge.notes import Passage
from ..types import (
    UNDETERMINED,
    Advice,
    Category,
    Citation,
    Correction,
    Evidence,
    Part,
    Provenance,
    RuleHit,
    TermWeight,
)
from .aspects import Aspects, split_alternatives, split_shared, split_tasks
from .discounts import describe, discounts

MAX_PARTS = 6
_RANKINGS_KEPT = 10_000
SECOND_CITATION_SHARE = 0.6
"""A second matching passage is cited when it scores at least this share of the best one."""


class Brief(NamedTuple):
    """The short form of advice (see :meth:`Advisor.brief`)."""

    decision: Decision
    passage: Passage | None  # the first passage advice would cite; None when undetermined
    truncated: bool


class Advisor:
    """Advises on tasks with the rules, classifier and notes of one knowledge directory.

    Example:
        >>> advisor = Advisor.default()
        >>> advisor.advise("predict weather").category
        'discriminative'
    """

    def __init__(self, knowledge: Knowledge) -> None:
        require_sections(knowledge)
        settings = knowledge.settings
        self.knowledge = knowledge
        self.settings = settings
        self.notes = knowledge.notes
        self.engine = Engine(knowledge)
        self.categories = knowledge.categories
        self.classifier = self.engine.classifier
        self.aspects = Aspects(settings, knowledge.notes, self.engine.kinds, self.engine.modalities)
        self.info = self.aspects.info
        self.provenance = Provenance(package_version=__version__, knowledge_sha256=knowledge.sha256)
        notes = knowledge.notes
        self._sources = {
            c.id: [p for ref in c.sources for p in notes.select(ref)] for c in settings.categories
        }
        self._definitions = {c.id: notes.select(c.definition) for c in settings.categories}
        self._rankings: dict[tuple[Category, frozenset[str]], tuple[tuple[float, Passage], ...]]
        self._rankings = {}

    @classmethod
    def default(cls) -> Advisor:
        """Load the knowledge that ships with model-advisor (built once, then reused)."""
        global _DEFAULT
        if _DEFAULT is None:
            _DEFAULT = cls.from_dir(_paths.default_knowledge_dir())
        return _DEFAULT

    @classmethod
    def from_dir(cls, directory: Path | str | os.PathLike[str]) -> Advisor:
        """Load a knowledge directory (see :func:`~model_advisor.engine.building.load_knowledge`).

        Raises:
            RuleFileError, ExampleDataError, KnowledgeBaseError, ModelFileError.
        """
        return cls(load_knowledge(directory))

    def advise(self, task: str) -> Advice:
        """Advise on one task description.

        Raises:
            InvalidTaskError: when ``task`` is not a string or is empty or blank.
        """
        decided = self.engine.decide(task)
        text, truncated, analysis, features = (
            decided.text,
            decided.truncated,
            decided.analysis,
            decided.features,
        )
        hits = _with_words(decided)
        decision = decided.decision
        if decision.category == UNDETERMINED:
            return Advice(
                task=text,
                category=UNDETERMINED,
                confidence=0.0,
                scores={c: round(s, 4) for c, s in decision.scores.items()},
                ambiguous=False,
                evidence=Evidence(rules=tuple(hits), corrected=decided.corrections),
                citations=(),
                recommendation=_REPHRASE,
                explanation=_NO_EVIDENCE,
                truncated=truncated,
                provenance=self.provenance,
            )
        category = decision.category
        terms = [
            TermWeight(term=t, category=category, weight=round(w, 4))
            for t, w in self.classifier.top_terms(features, category)
        ]
        kind = self.aspects.kind(category, analysis)
        passages = self._passages(category, analysis, kind)
        parts, combines, alternatives = self._parts(text, category)
        if combines and self.aspects.combining is not None:
            passages.append(self.aspects.combining)
        runner_up = self._runner_up(decision)
        discounted = discounts(self.engine.rules, analysis, hits)
        explanation = self._explain(decision, hits, parts, combines, alternatives)
        if discounted:
            explanation = f"{explanation} {describe(discounted)}"
        if decided.corrections:
            explanation = f"{explanation} {_read_as(decided.corrections)}"
        return Advice(
            task=text,
            category=category,
            confidence=round(decision.confidence, 4),
            scores={c: round(s, 4) for c, s in decision.scores.items()},
            ambiguous=decision.ambiguous,
            evidence=Evidence(
                rules=tuple(hits),
                terms=tuple(terms),
                discounted=tuple(discounted),
                corrected=decided.corrections,
            ),
            citations=tuple(self.cite(p) for p in passages),
            recommendation=self._recommend(category, parts, alternatives),
            explanation=explanation,
            truncated=truncated,
            kind=kind,
            kind_name=self.aspects.kind_names.get(kind) if kind else None,
            modalities=self.aspects.modalities(analysis),
            tools=tuple(self.cite(p) for p in self.aspects.tools(category, kind)),
            why_not={
                c: self.aspects.why_not(c, category, hits) for c in self.categories if c != category
            },
            question=self.aspects.question(category, runner_up) if decision.ambiguous else None,
            parts=parts,
            combines=combines,
            alternatives=alternatives,
            provenance=self.provenance,
        )

    def _parts(
        self, text: str, category: Category
    ) -> tuple[tuple[Part, ...], tuple[Category, ...], bool]:
        """The tasks inside a compound task, the alternatives a task offers, or the
        achievable pieces of an AGI-sized one; the categories they combine (none for
        alternatives); and whether they are alternatives.

        A compound task is reported only when its pieces are each clear (not ambiguous) and
        call for different categories; pieces of the same category are one task. A text of
        more than ``MAX_PARTS`` pieces is a description, not a list of tasks, and is not split.
        Each piece after the first must start with a rule keyword (a verb such as "draft" or
        "forecast"), so "cats and dogs" or "...and our planners..." are not split. Words
        offered side by side share what follows them ("caption or classify images" holds
        "caption images" and "classify images"), and pieces offered with "or" are
        alternatives: the task asks for one of them.
        """
        aspirational = self.info[category].aspirational
        pieces, alternatives = self._pieces(text, aspirational)
        if not 2 <= len(pieces) <= MAX_PARTS:
            return (), (), False
        groups: list[tuple[str, Category]] = []  # pieces, neighbours of one category joined
        for piece in pieces:
            decision = self.engine.decide(piece, matched_words=False).decision
            if decision.category == UNDETERMINED or decision.ambiguous:
                if aspirational:
                    continue
                return (), (), False
            if aspirational and self.info[decision.category].aspirational:
                continue
            if groups and groups[-1][1] == decision.category and not aspirational:
                join = "or" if alternatives else "and"
                groups[-1] = (f"{groups[-1][0]} {join} {piece}", decision.category)
                continue
            groups.append((piece, decision.category))
        parts = tuple(part for piece, _ in groups if (part := self._part(piece)) is not None)
        kinds = tuple(c for c in self.categories if any(p.category == c for p in parts))
        if not aspirational and len(kinds) < 2:
            return (), (), False
        if alternatives:
            return parts, (), True  # one of them is wanted: nothing is combined
        return parts, kinds, False

    def _pieces(self, text: str, aspirational: bool) -> tuple[list[str], bool]:
        """The pieces :meth:`_parts` decides, and whether they are alternatives."""
        if aspirational:
            return split_tasks(text, list_items=True), False
        is_keyword = self.engine.rules.is_keyword
        shared, alternatives = split_shared(text)
        if shared and all(is_keyword(p.split()[0]) for p in shared):
            return shared, alternatives
        pieces, alternatives = split_tasks(text), False
        if len(pieces) < 2:
            pieces = split_alternatives(text)
            alternatives = len(pieces) > 1
        if not all(is_keyword(p.split()[0]) for p in pieces[1:]):
            return [], False  # a new task starts with what to do ("draft", "predict"...)
        return pieces, alternatives

    def _part(self, piece: str) -> Part | None:
        decided = self.engine.decide(piece)
        category = decided.decision.category
        if category == UNDETERMINED:
            return None
        return Part(
            text=piece,
            category=category,
            confidence=round(decided.decision.confidence, 4),
            rules=tuple(_with_words(decided)),
            citation=self.cite(self._passages(category, decided.analysis)[0]),
        )

    def _recommend(self, category: Category, parts: Sequence[Part], alternatives: bool) -> str:
        recommendation = self.info[category].recommendation
        if not parts:
            return recommendation
        pieces = "; ".join(f'{self.info[p.category].name} for "{p.text}"' for p in parts)
        if alternatives:
            return f"Choose the task you need; each calls for its own kind of model: {pieces}."
        if self.info[category].aspirational:
            return f"{recommendation} Parts you could build today: {pieces}."
        return f"Combine models, one per task: {pieces}; feed the first one's output to the next."

    def brief(self, task: str) -> Brief:
        """The short form of :meth:`advise` for tables: the decision and its first citation.

        It skips what a table has no room for (evidence lists, explanation), so it is faster.

        Raises:
            InvalidTaskError: when ``task`` is not a string or is empty or blank.
        """
        result = self.brief_many([task])[0]
        if isinstance(result, InvalidTaskError):
            raise result
        return result

    def brief_many(self, tasks: Sequence[str]) -> list[Brief | InvalidTaskError]:
        """:meth:`brief` for many tasks at once, in order; an invalid task gets its error.

        The decisions are made stage by stage over all the tasks
        (:meth:`~model_advisor.engine.pipeline.Engine.decide_many`): on a table of tasks this
        is several times faster than one :meth:`brief` after another on new words, with the
        same answers (probabilities equal to about 1e-14: see ``decide_many``).
        """
        with collector_paused():  # the decisions too are many short-lived objects
            return [self._brief(d) for d in self.engine.decide_many(tasks)]

    def _brief(self, decided: Decided | InvalidTaskError) -> Brief | InvalidTaskError:
        if isinstance(decided, InvalidTaskError):
            return decided
        decision = decided.decision
        if decision.category == UNDETERMINED:
            return Brief(decision, None, decided.truncated)
        passage = self._first_passage(decision.category, decided.analysis)
        return Brief(decision, passage, decided.truncated)

    def advise_many(self, tasks: Iterable[str]) -> Iterator[Advice]:
        """Advise on each task in turn, lazily: results stream as the input is read."""
        for task in tasks:
            yield self.advise(task)

    def _passages(
        self, category: Category, analysis: Analysis, kind: str | None = None
    ) -> list[Passage]:
        """The passages to cite: the one or two best matches to the task, then the definition."""
        best = list(islice(self._matches(category, analysis, kind), 2))
        chosen = [p for score, p in best if score >= SECOND_CITATION_SHARE * best[0][0]]
        definition = self._definitions[category][0]
        if definition not in chosen:
            chosen.append(definition)
        return chosen

    def _first_passage(self, category: Category, analysis: Analysis) -> Passage:
        """The passage advice cites first (what :meth:`_passages` would return first)."""
        best = next(self._matches(category, analysis), None)
        return best[1] if best is not None else self._definitions[category][0]

    def _matches(
        self, category: Category, analysis: Analysis, kind: str | None = None
    ) -> Iterator[tuple[float, Passage]]:
        """The category's passages that match the task, with their scores, best first.

        A passage naming a tool (Dall-E, Replit Ghostwriter...) is a match only for the kind of
        task that tool does, so a story is never supported by a passage about writing code.
        The kind is worked out only when such a passage comes up.
        """
        tools: set[Passage] | None = None
        for score, passage in self._ranked(category, analysis):
            if self.aspects.is_tool_passage(passage):
                if tools is None:
                    kind = kind or self.aspects.kind(category, analysis)
                    tools = set(self.aspects.tools(category, kind))
                if passage not in tools:
                    continue
            yield score, passage

    def _ranked(self, category: Category, analysis: Analysis) -> tuple[tuple[float, Passage], ...]:
        """The category's passages ranked for a task (remembered).

        Only stems the notes contain can change a ranking, and tasks share few of them
        ("weather", "images"...), so rankings are kept by category and those stems. (The
        notes' stems are content stems already: no function words among them.)
        """
        key = (category, self.notes.stems.intersection(analysis.stems))
        ranked = self._rankings.get(key)
        if ranked is None:
            ranked = tuple(self.notes.rank(self._sources[category], key[1]))
            if len(self._rankings) >= _RANKINGS_KEPT:
                self._rankings.clear()
            self._rankings[key] = ranked
        return ranked

    def cite(self, passage: Passage) -> Citation:
        """``passage`` of the notes as a citation (heading path, quote, lines, file name)."""
        return Citation(
            section=passage.section_path,
            quote=passage.text,
            line=passage.start_line,
            end_line=passage.end_line,
            path=self.notes.path.name,
        )

    def _explain(
        self,
        decision: Decision,
        hits: Sequence[RuleHit],
        parts: Sequence[Part] = (),
        combines: Sequence[Category] = (),
        alternatives: bool = False,
    ) -> str:
        if decision.category == UNDETERMINED:
            return _NO_EVIDENCE
        info = self.info[decision.category]
        name = info.name
        agreeing = sorted({h.rule_id for h in hits if h.category == decision.category})
        because = f"rules {', '.join(agreeing)} point to it" if agreeing else "no rule fired for it"
        text = f"{name}, with {decision.confidence:.0%} confidence: {because}."
        if decision.ambiguous:
            runner_up = self._runner_up(decision)
            text += (
                f" Too close to call: {self.info[runner_up].name} scores "
                f"{decision.scores[runner_up]:.0%}, so treat this as a best guess."
            )
        if info.caveat:
            text += f" {info.caveat}"
        elif alternatives:
            text += (
                f" It offers {len(parts)} tasks as alternatives, and they call for different "
                "kinds of model: the answer is for the task as a whole, see its parts."
            )
        elif combines:
            names = " and ".join(combines)
            text += (
                f" It holds {len(parts)} tasks that call for different kinds of model, so the "
                f"solution combines {names} models."
            )
        return text

    def _runner_up(self, decision: Decision) -> Category:
        others = [c for c in self.categories if c != decision.category]
        return sorted(others, key=lambda c: -decision.scores[c])[0]


def _with_words(decided: Decided) -> list[RuleHit]:
    """The hits of a task decided with ``matched_words`` (they are RuleHits)."""
    return [hit for hit in decided.hits if isinstance(hit, RuleHit)]


def _read_as(corrections: Sequence[Correction]) -> str:
    """The explanation's sentences on the words read as others: misspelt words read as the
    words meant, and words of other languages as the glossary's English words."""
    sentences = []
    typos = [c for c in corrections if c.language is None]
    if typos:
        read = " and ".join(f'"{c.word}" as "{c.read_as}"' for c in typos)
        kind = "typos of words" if len(typos) > 1 else "a typo of a word"
        sentences.append(f"Read {read} ({kind} that many example tasks hold).")
    glossed = [c for c in corrections if c.language is not None]
    if glossed:
        shown = [f'"{c.word}" as "{c.read_as}"' for c in glossed[:GLOSSES_SHOWN]]
        if len(glossed) > GLOSSES_SHOWN:
            shown.append(f"{len(glossed) - GLOSSES_SHOWN} more words")
        read = ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
        languages = ", ".join(sorted({str(c.language) for c in glossed}))
        sentences.append(f"Read {read} through the glossary ({languages}).")
    return " ".join(sentences)


GLOSSES_SHOWN = 4
"""Words read through the glossary that the explanation names; it counts the rest."""


_REPHRASE = "Describe the task with what goes in and what should come out, then ask again."
_NO_EVIDENCE = (
    "No rule matched and the words are unlike any example task, "
    "so there is no evidence to decide on."
)
_DEFAULT: Advisor | None = None


def load_long_lived(
    rules_path: str | os.PathLike[str] | None = None, *, ref: KnowledgeRef | None = None
) -> Advisor:
    """Load the advisor a whole process will use: the command line's, or a batch worker's.

    Loading allocates tens of thousands of objects that live until the process ends, so the
    garbage collector is paused while they are made and then told to leave them alone
    (``gc.freeze``): otherwise every full collection, and the one at exit, walks them all
    again (about 0.1 s of a 0.6 s command). A library caller keeps using
    :meth:`Advisor.from_dir`, which touches no global state.
    """
    gc.disable()
    try:
        if ref is not None:
            return Advisor(load_ref(ref))
        return Advisor.from_dir(rules_path) if rules_path is not None else Advisor.default()
    finally:
        gc.freeze()
        gc.enable()
