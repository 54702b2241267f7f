"""The advisor: rules and classifier combined into advice quoted from the notes.

:func:`combine` is the decision, a pure function of the rule hits and the classifier's
probabilities. :class:`Advisor` loads a knowledge directory (rules, examples, notes, model)
and turns a task text into an :class:`~model_advisor.models.Advice`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import _paths
from ._text import normalize, seed_stems, stem, words
from .aspects import Aspects, split_tasks
from .classifier import Features, TaskClassifier, load_examples
from .errors import InvalidTaskError, KnowledgeBaseError, ModelFileError
from .knowledge import KnowledgeBase, Passage, content_stems
from .models import (
    CATEGORIES,
    Advice,
    Category,
    Citation,
    Evidence,
    Example,
    KeywordCondition,
    Part,
    PhraseCondition,
    Provenance,
    RuleHit,
    RuleSet,
    TermWeight,
    Verdict,
)
from .rules import SETTINGS_FILE, RuleEngine, load_rules, rule_files

EXAMPLES_FILE = "examples.csv"
MODEL_FILE = "model.json"
MAX_TASK_CHARS = 10_000

RULE_SHARE = 0.6
"""The most the rules can weigh in the final scores (when one rule of weight 1 fired)."""
SECOND_CITATION_SHARE = 0.6
"""A second matching passage is cited when it scores at least this share of the best one."""
AMBIGUITY_MARGIN = 0.12
"""Top two scores closer than this are too close to call."""
MIN_CHAR_COVERAGE = 0.55
"""Below this share of known character n-grams, and with no rule or known word, a text is
treated as having no usable evidence (gibberish) and the answer is ``undetermined``."""


@dataclass(frozen=True)
class Decision:
    """What :func:`combine` decides."""

    category: Verdict
    confidence: float
    scores: dict[Category, float]
    ambiguous: bool


def combine(
    hits: Sequence[RuleHit],
    probabilities: Mapping[Category, float],
    *,
    has_evidence: bool = True,
) -> Decision:
    """Combine rule hits and classifier probabilities into one decision.

    Each category's rule strength is the noisy-or of the weights of its hits
    (``1 - prod(1 - weight)``), so two weak hits add up but never pass 1. When any rule fired,
    the scores mix the classifier's probabilities with the rules' shares of the total strength::

        share  = RULE_SHARE * max(strength)
        score  = (1 - share) * probability + share * strength / sum(strength)

    so strong rules can overrule the classifier, weak ones only nudge it, and without hits the
    scores are the probabilities. The top score is the category and its confidence; it is
    ``ambiguous`` when the runner-up is within ``AMBIGUITY_MARGIN``. With no hits and no
    evidence in the text (``has_evidence`` false), the answer is ``undetermined`` with equal
    scores and zero confidence. Ties go to the category listed first in ``CATEGORIES``.

    Args:
        hits: the rules that fired, in any order.
        probabilities: the classifier's probability for each category.
        has_evidence: whether the text shares enough vocabulary with the examples.

    Returns:
        The decision; the same inputs in any order always give the same decision.
    """
    strength = {c: 1.0 for c in CATEGORIES}
    for hit in hits:
        strength[hit.category] *= 1.0 - hit.weight
    strength = {c: 1.0 - s for c, s in strength.items()}
    if not hits and not has_evidence:
        return Decision("undetermined", 0.0, {c: 1 / len(CATEGORIES) for c in CATEGORIES}, False)
    total_p = sum(max(probabilities.get(c, 0.0), 0.0) for c in CATEGORIES)
    if total_p > 0:
        p = {c: max(probabilities.get(c, 0.0), 0.0) / total_p for c in CATEGORIES}
    else:  # no information from the classifier: every category equally likely
        p = {c: 1 / len(CATEGORIES) for c in CATEGORIES}
    total = sum(strength.values())
    if total > 0:
        share = RULE_SHARE * max(strength.values())
        scores = {c: (1 - share) * p[c] + share * strength[c] / total for c in CATEGORIES}
    else:
        scores = p
    ranked = sorted(CATEGORIES, key=lambda c: -scores[c])
    top, second = ranked[0], ranked[1]
    ambiguous = scores[top] - scores[second] < AMBIGUITY_MARGIN
    return Decision(top, scores[top], scores, ambiguous)


@dataclass(frozen=True)
class Brief:
    """The short form of advice (see :meth:`Advisor.brief`)."""

    decision: Decision
    passage: Passage | None  # the first passage advice would cite; None when undetermined
    truncated: bool


def _task_text(task: str) -> tuple[str, bool]:
    """The part of ``task`` that is read, and whether it was cut."""
    if not isinstance(task, str) or not task.strip():
        raise InvalidTaskError("the task is empty; describe what the AI should do")
    return task[:MAX_TASK_CHARS], len(task) > MAX_TASK_CHARS


def knowledge_sha256(directory: Path) -> str:
    """Hash what a model is trained from: the categories, the rule files and the examples."""
    digest = hashlib.sha256()
    for path in [directory / SETTINGS_FILE, *rule_files(directory), directory / EXAMPLES_FILE]:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"")
        digest.update(b"\0")
    return digest.hexdigest()


def train_classifier(directory: Path, output: Path | None = None) -> tuple[TaskClassifier, Path]:
    """Train the classifier on a knowledge directory's examples and save it.

    The saved model also holds the directory's validated rules and the stems of every word of
    its knowledge, so that loading it later needs neither the YAML parser nor the stemmer.

    Args:
        directory: the knowledge directory holding ``examples.csv``.
        output: where to save; by default ``model.json`` in ``directory``.

    Returns:
        The trained classifier and the path it was saved to.

    Raises:
        RuleFileError: when the rules are invalid (no model is made from them).
        ExampleDataError: when the examples cannot be read.
    """
    directory = Path(directory)
    stamp = knowledge_sha256(directory)
    ruleset = load_rules(directory)
    examples = load_examples(directory / EXAMPLES_FILE)
    classifier = TaskClassifier().fit([e.task for e in examples], [e.label for e in examples])
    target = output or directory / MODEL_FILE
    classifier.save(target, stamp, _compile(directory, ruleset, examples))
    return classifier, target


def _compile(directory: Path, ruleset: RuleSet, examples: Sequence[Example]) -> dict[str, Any]:
    """What a saved model keeps besides its weights: the rules, and a table of stems."""
    texts = [e.task for e in examples]
    for rule in ruleset.rules:
        for condition in (*rule.any, *rule.all, *rule.none):
            if isinstance(condition, KeywordCondition):
                texts.extend(condition.words)
            elif isinstance(condition, PhraseCondition):
                texts.extend(condition.phrases)
    notes = directory / ruleset.settings.notes
    if notes.is_file():
        texts.append(notes.read_text(encoding="utf-8", errors="replace"))
    vocabulary = sorted({w for text in texts for w in words(normalize(text))})
    return {"ruleset": ruleset.model_dump(mode="json"), "stems": {w: stem(w) for w in vocabulary}}


class Advisor:
    """Advises on tasks with the rules, classifier and notes of one knowledge directory.

    Example:
        >>> advisor = Advisor.default()
        >>> advisor.advise("predict weather").category
        'discriminative'
    """

    def __init__(
        self,
        ruleset: RuleSet,
        knowledge: KnowledgeBase,
        classifier: TaskClassifier,
        knowledge_sha256: str = "",
    ) -> None:
        from . import __version__

        self.ruleset = ruleset
        self.knowledge = knowledge
        self.classifier = classifier
        self.engine = RuleEngine(ruleset.rules)
        self.aspects = Aspects(ruleset.settings, knowledge)
        self.provenance = Provenance(package_version=__version__, knowledge_sha256=knowledge_sha256)
        self._sources = {
            c.id: [p for ref in c.sources for p in knowledge.select(ref)]
            for c in ruleset.settings.categories
        }
        self._definitions = {
            c.id: knowledge.select(c.definition) for c in ruleset.settings.categories
        }
        for category in ruleset.settings.categories:
            if not self._definitions[category.id]:
                raise KnowledgeBaseError(
                    str(knowledge.path),
                    f"no passage in section {category.definition.section!r}, which "
                    f"{SETTINGS_FILE} names as the definition of {category.id}",
                )

    @classmethod
    def default(cls) -> Advisor:
        """Load the knowledge that ships with model-advisor (built once, then reused)."""
        global _DEFAULT
        if _DEFAULT is None:
            _DEFAULT = cls.from_dir(_paths.default_knowledge_dir())
        return _DEFAULT

    @classmethod
    def from_dir(cls, directory: Path | str) -> Advisor:
        """Load a knowledge directory: its rules, notes and a model fresh for its examples.

        A ``model.json`` in the directory is used when it was trained from the directory's
        current rules and examples; otherwise a cached model for them, or a new one trained
        now and cached under ``MODEL_ADVISOR_HOME`` (a stale model is never used).

        Raises:
            RuleFileError, ExampleDataError, KnowledgeBaseError, ModelFileError.
        """
        directory = Path(directory)
        if not directory.is_dir():
            load_rules(directory)  # raises the usual "not a directory" problem
        stamp = knowledge_sha256(directory)
        classifier = _saved_model(directory, stamp)
        if classifier is None:
            load_rules(directory)  # report broken rules before spending time on training
            classifier = _train_into(directory, _paths.model_cache_dir() / f"{stamp}.json")
        ruleset = _compiled_ruleset(classifier) or load_rules(directory)
        knowledge = KnowledgeBase.from_markdown(directory / ruleset.settings.notes)
        return cls(ruleset, knowledge, classifier, stamp)

    def advise(self, task: str) -> Advice:
        """Advise on one task description.

        Raises:
            InvalidTaskError: when ``task`` is not a string or is empty or blank.
        """
        text, truncated = _task_text(task)
        hits, features, decision = self._decide(text)
        if decision.category == "undetermined":
            return Advice(
                task=text,
                category="undetermined",
                confidence=0.0,
                scores={c: round(s, 4) for c, s in decision.scores.items()},
                ambiguous=False,
                evidence=Evidence(rules=tuple(hits)),
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
        passages = self._passages(category, text)
        parts, combines = self._parts(text, category)
        if combines and self.aspects.combining is not None:
            passages.append(self.aspects.combining)
        kind = self.aspects.kind(category, text)
        runner_up = _runner_up(decision)
        return Advice(
            task=text,
            category=category,
            confidence=round(decision.confidence, 4),
            scores={c: round(s, 4) for c, s in decision.scores.items()},
            ambiguous=decision.ambiguous,
            evidence=Evidence(rules=tuple(hits), terms=tuple(terms)),
            citations=tuple(self._citation(p) for p in passages),
            recommendation=self._recommend(category, parts, combines),
            explanation=self._explain(decision, hits, parts, combines),
            truncated=truncated,
            kind=kind,
            modalities=self.aspects.modalities(text),
            tools=tuple(self._citation(p) for p in self.aspects.tools(category, kind)),
            why_not={
                c: self.aspects.why_not(c, category, hits) for c in CATEGORIES if c != category
            },
            question=self.aspects.question(category, runner_up) if decision.ambiguous else None,
            parts=parts,
            combines=combines,
            provenance=self.provenance,
        )

    def _parts(
        self, text: str, category: Category
    ) -> tuple[tuple[Part, ...], tuple[Category, ...]]:
        """The tasks inside a compound task, or the achievable pieces of an AGI-sized one.

        A compound task is reported only when its pieces are each clear (not ambiguous) and
        call for different categories; pieces of the same category are one task.
        """
        aspirational = category == "agi"
        pieces = split_tasks(text, list_items=aspirational)
        if len(pieces) < 2:
            return (), ()
        parts: list[Part] = []
        for piece in pieces:
            hits, _, decision = self._decide(piece)
            if decision.category == "undetermined" or decision.ambiguous:
                if aspirational:
                    continue
                return (), ()
            if aspirational and decision.category == "agi":
                continue
            citation = self._citation(self._passages(decision.category, piece)[0])
            part = Part(
                text=piece,
                category=decision.category,
                confidence=round(decision.confidence, 4),
                rules=tuple(hits),
                citation=citation,
            )
            if parts and parts[-1].category == part.category and not aspirational:
                part = part.model_copy(update={"text": f"{parts[-1].text} and {piece}"})
                parts[-1] = part
                continue
            parts.append(part)
        kinds = tuple(c for c in CATEGORIES if any(p.category == c for p in parts))
        if not aspirational and len(kinds) < 2:
            return (), ()
        return tuple(parts), kinds

    def _recommend(
        self, category: Category, parts: Sequence[Part], combines: Sequence[Category]
    ) -> str:
        settings = self.ruleset.settings
        recommendation = settings.category(category).recommendation
        if not parts:
            return recommendation
        pieces = "; ".join(f'{settings.category(p.category).name} for "{p.text}"' for p in parts)
        if category == "agi":
            return f"{recommendation} Parts you could build today: {pieces}."
        return f"Combine models, one per task: {pieces}; feed the first one's output to the next."

    def brief(self, task: str) -> Brief:
        """The short form of :meth:`advise` for tables: the decision and its first citation.

        It skips what a table has no room for (evidence lists, explanation), so it is faster.

        Raises:
            InvalidTaskError: when ``task`` is not a string or is empty or blank.
        """
        text, truncated = _task_text(task)
        _, _, decision = self._decide(text)
        passage = None
        if decision.category != "undetermined":
            passage = self._passages(decision.category, text)[0]
        return Brief(decision, passage, truncated)

    def _decide(self, text: str) -> tuple[list[RuleHit], Features, Decision]:
        hits = self.engine.match(text)
        features = self.classifier.features(text)
        probabilities = self.classifier.predict_proba(text, features)
        evidence = bool(hits) or text_has_evidence(features)
        return hits, features, combine(hits, probabilities, has_evidence=evidence)

    def advise_many(self, tasks: Iterable[str]) -> Iterator[Advice]:
        """Advise on each task in turn, lazily: results stream as the input is read."""
        for task in tasks:
            yield self.advise(task)

    def _passages(self, category: Category, text: str) -> list[Passage]:
        """The passages to cite: the one or two best matches to the task, then the definition.

        A passage naming a tool (Dall-E, Replit Ghostwriter...) is a match only for the kind of
        task that tool does, so a story is never supported by a passage about writing code.
        """
        tools = set(self.aspects.tools(category, self.aspects.kind(category, text)))
        candidates = [
            p for p in self._sources[category] if p in tools or not self.aspects.is_tool_passage(p)
        ]
        ranked = self.knowledge.rank(candidates, set(content_stems(text)))
        chosen = [p for score, p in ranked[:2] if score >= SECOND_CITATION_SHARE * ranked[0][0]]
        definition = self._definitions[category][0]
        if definition not in chosen:
            chosen.append(definition)
        return chosen

    def _citation(self, passage: Passage) -> Citation:
        return Citation(
            section=passage.section_path,
            quote=passage.text,
            line=passage.start_line,
            end_line=passage.end_line,
            path=self.knowledge.path.name,
        )

    def _explain(
        self,
        decision: Decision,
        hits: Sequence[RuleHit],
        parts: Sequence[Part] = (),
        combines: Sequence[Category] = (),
    ) -> str:
        if decision.category == "undetermined":
            return _NO_EVIDENCE
        settings = self.ruleset.settings
        name = settings.category(decision.category).name
        agreeing = sorted({h.rule_id for h in hits if h.category == decision.category})
        because = f"rules {', '.join(agreeing)} point to it" if agreeing else "no rule fired for it"
        text = f"{name}, with {decision.confidence:.0%} confidence: {because}."
        if decision.ambiguous:
            runner_up = _runner_up(decision)
            text += (
                f" Too close to call: {settings.category(runner_up).name} scores "
                f"{decision.scores[runner_up]:.0%}, so treat this as a best guess."
            )
        if decision.category == "agi":
            text += (
                " AGI is an aspiration: no system today has human-like intelligence across "
                "domains, so plan for people to do the whole job, helped by today's models."
            )
        elif combines:
            names = " and ".join(settings.category(c).name for c in combines)
            text += (
                f" It holds {len(parts)} tasks that call for different kinds of model, so the "
                f"solution combines {names} models."
            )
        return text


def _runner_up(decision: Decision) -> Category:
    return sorted(
        (c for c in CATEGORIES if c != decision.category), key=lambda c: -decision.scores[c]
    )[0]


_REPHRASE = "Describe the task with what goes in and what should come out, then ask again."
_NO_EVIDENCE = (
    "No rule matched and the words are unlike any example task, "
    "so there is no evidence to decide on."
)
_DEFAULT: Advisor | None = None


def text_has_evidence(features: Features) -> bool:
    """Whether a text shares enough with the examples to be judged (a known word or n-grams)."""
    return features.known_words > 0 or features.char_coverage >= MIN_CHAR_COVERAGE


def _saved_model(directory: Path, stamp: str) -> TaskClassifier | None:
    """The directory's own model, else a cached one, if trained from this very knowledge."""
    for path in (directory / MODEL_FILE, _paths.model_cache_dir() / f"{stamp}.json"):
        if path.exists():
            try:
                return TaskClassifier.load(path, stamp)
            except ModelFileError as err:
                if err.code != "stale":
                    raise
    return None


def _train_into(directory: Path, target: Path) -> TaskClassifier:
    """Train and save to ``target``; when it cannot be written, keep the model in memory."""
    try:
        return train_classifier(directory, target)[0]
    except OSError:
        examples = load_examples(directory / EXAMPLES_FILE)
        return TaskClassifier().fit([e.task for e in examples], [e.label for e in examples])


def _compiled_ruleset(classifier: TaskClassifier) -> RuleSet | None:
    """The rules a model was saved with (see :func:`_compile`), or None if it has none."""
    attachment = getattr(classifier, "attachment_", None)
    if not isinstance(attachment, dict):
        return None
    try:
        ruleset = RuleSet.model_validate(attachment.get("ruleset"))
    except ValidationError:
        return None
    stems = attachment.get("stems")
    if isinstance(stems, dict):
        seed_stems(stems)
    return ruleset
