"""How good is the advisor? Accuracy, macro-F1 and more on labelled tasks, and cross-validation.

Every report gives the same figures three ways, rules alone, classifier alone and the two
combined, so the value of combining them is visible. :func:`evaluate` scores a labelled file,
:func:`cross_validate` a knowledge directory's own examples, and :func:`train` trains and
cross-validates (the twins of ``model-advisor evaluate`` and ``model-advisor train``).
scikit-learn is imported only to split the folds.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .. import _paths
from ..engine.building import load_knowledge, train_knowledge
from ..engine.classifier import TaskClassifier
from ..engine.decision import rules_only
from ..engine.pipeline import Engine, training_texts
from ..errors import ExampleDataError, Problem
from ..knowledge.examples import load_examples, read_labelled
from ..knowledge.loader import EXAMPLES_FILE, Knowledge, cached_model_path, knowledge_sha256
from ..knowledge.rules import load_rules
from ..types import Category, Example, Verdict
from . import DEFAULT_FOLDS
from .metrics import ConfidenceBin, Scores, reliability, score

__all__ = [  # Scores and ConfidenceBin live in .metrics; they are part of these reports
    "DEFAULT_FOLDS",
    "Answer",
    "ConfidenceBin",
    "EvaluationReport",
    "Scores",
    "TrainingReport",
    "cross_validate",
    "evaluate",
    "evaluate_examples",
    "train",
]

MISTAKES_SHOWN = 10
"""How many of the most confident mistakes a report lists."""


class _Report(BaseModel):
    model_config = ConfigDict(frozen=True)


class Answer(_Report):
    """One labelled task and what the advisor answered: combined, rules alone, classifier alone."""

    task: str
    line: int  # of the task in its file
    label: Category
    answer: Verdict
    confidence: float  # of the combined answer (0 when undetermined)
    rules_say: Verdict  # undetermined when no rule fired
    classifier_says: Category
    classifier_confidence: float
    rules: tuple[str, ...]  # the rules that fired, sorted
    ambiguous: bool = False  # the combined answer was flagged too close to call

    @property
    def correct(self) -> bool:
        """Whether the combined answer is the label."""
        return self.answer == self.label


class Share(_Report):
    """Some of the answers, and the accuracy among them."""

    answers: int
    accuracy: float | None


def _share(answers: Sequence[Answer]) -> Share:
    right = sum(a.correct for a in answers)
    return Share(answers=len(answers), accuracy=right / len(answers) if answers else None)


class EvaluationReport(_Report):
    """The same labelled tasks scored by rules alone, classifier alone, and combined."""

    source: str = ""  # the labelled file, or the examples file cross-validated
    knowledge: str = ""  # the knowledge directory evaluated
    examples: int
    folds: int | None
    categories: tuple[Category, ...] = ()  # the knowledge's categories, in declared order
    seen_in_training: int = 0  # labelled tasks that are also training examples
    combined: Scores
    rules_only: Scores
    classifier_only: Scores
    reliability: tuple[ConfidenceBin, ...] = ()
    calibration_error: float | None = None  # expected calibration error of the bins
    ambiguous: Share | None = None  # answers flagged ambiguous, and how many were right
    clear: Share | None = None  # the other answers, and how many were right
    mistakes: tuple[Answer, ...] = ()  # the most confident wrong answers, most confident first
    answers: tuple[Answer, ...] = ()  # every task, in file order


class TrainingReport(_Report):
    """What ``train`` did: the model saved, and its cross-validated scores."""

    knowledge: str
    model: str  # where the model was saved
    examples: int
    cross_validation: EvaluationReport | None


def _answer(example: Example, engine: Engine) -> Answer:
    """What the one pipeline answers for a labelled task, combined and by each part alone."""
    decided = engine.decide(example.task)
    probabilities = decided.probabilities
    categories = engine.categories
    best = max(categories, key=lambda c: probabilities[c])
    return Answer(
        task=example.task,
        line=example.line,
        label=example.label,
        answer=decided.decision.category,
        confidence=decided.decision.confidence,
        rules_say=rules_only(decided.hits, categories),
        classifier_says=best,
        classifier_confidence=probabilities[best],
        rules=tuple(sorted({h.rule_id for h in decided.hits})),
        ambiguous=decided.decision.ambiguous,
    )


def _report(
    answers: Sequence[Answer], folds: int | None, categories: Sequence[Category]
) -> EvaluationReport:
    truth = [a.label for a in answers]
    bins, calibration_error = reliability([(a.confidence, a.correct) for a in answers])
    wrong = sorted((a for a in answers if not a.correct), key=lambda a: (-a.confidence, a.line))
    return EvaluationReport(
        examples=len(answers),
        folds=folds,
        categories=tuple(categories),
        combined=score(truth, [a.answer for a in answers], categories),
        rules_only=score(truth, [a.rules_say for a in answers], categories),
        classifier_only=score(truth, [a.classifier_says for a in answers], categories),
        reliability=bins,
        calibration_error=calibration_error,
        ambiguous=_share([a for a in answers if a.ambiguous]),
        clear=_share([a for a in answers if not a.ambiguous]),
        mistakes=tuple(wrong[:MISTAKES_SHOWN]),
        answers=tuple(answers),
    )


# --- the library twins of the commands -----------------------------------------------------


def evaluate_examples(examples: Sequence[Example], engine: Engine) -> EvaluationReport:
    """Score the one decision pipeline of ``engine`` on labelled examples."""
    return _report([_answer(e, engine) for e in examples], None, engine.categories)


def evaluate(
    labelled: str | Path,
    rules_path: Path | None = None,
    *,
    column: str | None = None,
    label_column: str = "label",
    encoding: str = "utf-8",
) -> EvaluationReport:
    """Score the advisor on a labelled file: combined, rules alone and classifier alone.

    Args:
        labelled: a CSV, TSV or JSON Lines file (``-``: stdin) with a task and a label column.
        rules_path: the knowledge directory; by default the shipped one.
        column: the task column (by default the one named task, description or text).
        label_column: the column holding the true category.
        encoding: the file's encoding.

    Returns:
        The report, with every answer, the most confident mistakes and a reliability table.

    Raises:
        ExampleDataError: the file is unreadable, lacks a column, or has bad rows.
        RuleFileError, ModelFileError: the knowledge directory is broken.

    Example:
        >>> report = evaluate("benchmarks/data/heldout.csv")  # doctest: +SKIP
        >>> report.combined.accuracy, report.rules_only.accuracy  # doctest: +SKIP
        (0.98, 0.91)
    """
    directory = Path(rules_path) if rules_path else _paths.default_knowledge_dir()
    knowledge = load_knowledge(directory, notes=False)
    examples = read_labelled(
        labelled,
        knowledge.categories,
        column=column,
        label_column=label_column,
        encoding=encoding,
    )
    report = evaluate_examples(examples, Engine(knowledge))
    return report.model_copy(
        update={
            "source": "<stdin>" if str(labelled) == "-" else str(labelled),
            "knowledge": str(directory),
            "seen_in_training": _seen(knowledge, examples),
        }
    )


def _require_dir(directory: Path) -> None:
    if not directory.is_dir():
        load_rules(directory)  # raises the usual "not a directory" problem


def _seen(knowledge: Knowledge, examples: Sequence[Example]) -> int:
    try:
        path = knowledge.directory / EXAMPLES_FILE
        known = {_normal(e.task) for e in load_examples(path, knowledge.categories)}
    except ExampleDataError:
        return 0
    return sum(_normal(e.task) in known for e in examples)


def _normal(task: str) -> str:
    return " ".join(task.lower().split())


def cross_validate(
    directory: Path,
    folds: int = DEFAULT_FOLDS,
    random_state: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> EvaluationReport:
    """Cross-validate on a knowledge directory's examples: train on k-1 folds, score the rest.

    The folds are stratified (each holds about the same share of every category) and fixed
    by ``random_state``. The rules are the directory's own in every fold: they were written
    while reading the examples, so their figures are optimistic. ``progress`` is called with
    (folds done, folds) at the start and after each fold.

    Raises:
        RuleFileError, ExampleDataError: the knowledge directory is invalid, or has fewer
            than ``folds`` examples of a category.
    """
    from sklearn.model_selection import StratifiedKFold

    directory = Path(directory)
    _require_dir(directory)
    knowledge = load_knowledge(directory, notes=False)
    path = directory / EXAMPLES_FILE
    examples = load_examples(path, knowledge.categories)
    _check_folds(path, examples, folds, knowledge.categories)
    labels = [e.label for e in examples]
    rules = Engine(knowledge).rules
    answers: dict[int, Answer] = {}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    if progress:
        progress(0, folds)
    for done, (train_rows, test_rows) in enumerate(splitter.split(labels, labels)):
        chosen = [examples[i] for i in train_rows]
        texts = training_texts(rules, [e.task for e in chosen])  # read as the build reads them
        classifier = TaskClassifier().fit(texts, [e.label for e in chosen])
        # the directory's own rules and notes, with a classifier that has not seen the fold
        engine = Engine(dataclasses.replace(knowledge, classifier=classifier.weights_))
        for i in test_rows:
            answers[i] = _answer(examples[i], engine)
        if progress:
            progress(done + 1, folds)
    report = _report([answers[i] for i in sorted(answers)], folds, knowledge.categories)
    return report.model_copy(update={"source": str(path), "knowledge": str(directory)})


def _check_folds(
    path: Path, examples: Sequence[Example], folds: int, categories: Sequence[Category]
) -> None:
    if folds < 2:
        message = f"cross-validation needs at least 2 folds, not {folds}"
        raise ExampleDataError([Problem(str(path), code="too-few-folds", message=message)])
    counts = Counter(e.label for e in examples)
    fewest = min(categories, key=lambda c: (counts[c], c))
    if counts[fewest] < folds:
        advice = f"use --folds {counts[fewest]} or add" if counts[fewest] >= 2 else "add"
        message = (
            f"{folds}-fold cross-validation needs at least {folds} examples of each category; "
            f"{fewest} has {counts[fewest]}: {advice} examples"
        )
        raise ExampleDataError([Problem(str(path), code="too-few-examples", message=message)])


def train(
    directory: Path | None = None,
    folds: int | None = DEFAULT_FOLDS,
    progress: Callable[[int, int], None] | None = None,
) -> TrainingReport:
    """Build a knowledge directory's model (train the classifier), save it, and cross-validate.

    Args:
        directory: the knowledge directory; the model is saved there as ``model.json``. By
            default the shipped knowledge: in a source checkout ``rules/``; in an installed
            package, which is never written to, the model goes to the cache instead.
        folds: the folds of the cross-validation; None skips it.
        progress: called with (folds done, folds), as in :func:`cross_validate`.

    Raises:
        RuleFileError, ExampleDataError: the knowledge directory is invalid, or has fewer
            than ``folds`` examples of a category (checked before training).
    """
    directory = Path(directory) if directory is not None else _paths.default_knowledge_dir()
    ruleset = load_rules(directory)
    examples = load_examples(directory / EXAMPLES_FILE, ruleset.settings.ids)
    if folds is not None:
        _check_folds(directory / EXAMPLES_FILE, examples, folds, ruleset.settings.ids)
    output = None
    if _paths.is_installed(directory):
        output = cached_model_path(knowledge_sha256(directory))
    saved = train_knowledge(directory, output)
    return TrainingReport(
        knowledge=str(directory),
        model=str(saved),
        examples=len(examples),
        cross_validation=(
            cross_validate(directory, folds, progress=progress) if folds is not None else None
        ),
    )
