"""How good is the advisor? Accuracy and macro-F1 on labelled tasks, and cross-validation.

Every report gives the same figures three ways, rules alone, classifier alone and the two
combined, so the value of combining them is visible. Metrics come from scikit-learn, which is
imported only here and only when evaluating.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .classifier import TaskClassifier, load_examples
from .decision import combine, rules_only, text_has_evidence
from .matching import RuleEngine
from .models import CATEGORIES, Category, Example, Verdict
from .rules import load_rules
from .training import EXAMPLES_FILE

DEFAULT_FOLDS = 5


class Scores(BaseModel):
    """Accuracy, macro-F1 and a confusion matrix (rows: true label, columns: answer)."""

    model_config = ConfigDict(frozen=True)

    accuracy: float
    macro_f1: float
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]


class EvaluationReport(BaseModel):
    """The same labelled tasks scored by rules alone, classifier alone, and combined."""

    model_config = ConfigDict(frozen=True)

    examples: int
    folds: int | None
    combined: Scores
    rules_only: Scores
    classifier_only: Scores


def _scores(truth: Sequence[Category], answers: Sequence[Verdict]) -> Scores:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    labels = [*CATEGORIES, "undetermined"]
    matrix = confusion_matrix(truth, answers, labels=labels)
    return Scores(
        accuracy=float(accuracy_score(truth, answers)),
        macro_f1=float(
            f1_score(truth, answers, labels=list(CATEGORIES), average="macro", zero_division=0)
        ),
        labels=tuple(labels),
        confusion=tuple(tuple(int(v) for v in row) for row in matrix[: len(CATEGORIES)]),
    )


class _Answers:
    def __init__(self) -> None:
        self.truth: list[Category] = []
        self.combined: list[Verdict] = []
        self.rules: list[Verdict] = []
        self.classifier: list[Verdict] = []

    def add(self, example: Example, engine: RuleEngine, classifier: TaskClassifier) -> None:
        hits = engine.match(example.task)
        features = classifier.features(example.task)
        probabilities = classifier.predict_proba(example.task, features)
        evidence = bool(hits) or text_has_evidence(features)
        self.truth.append(example.label)
        self.combined.append(combine(hits, probabilities, has_evidence=evidence).category)
        self.rules.append(rules_only(hits))
        best: Category = max(CATEGORIES, key=lambda c: probabilities[c])
        self.classifier.append(best)

    def report(self, folds: int | None) -> EvaluationReport:
        return EvaluationReport(
            examples=len(self.truth),
            folds=folds,
            combined=_scores(self.truth, self.combined),
            rules_only=_scores(self.truth, self.rules),
            classifier_only=_scores(self.truth, self.classifier),
        )


def evaluate_examples(
    examples: Sequence[Example], engine: RuleEngine, classifier: TaskClassifier
) -> EvaluationReport:
    """Score a trained classifier and rule engine on labelled examples."""
    answers = _Answers()
    for example in examples:
        answers.add(example, engine, classifier)
    return answers.report(None)


def cross_validate(
    directory: Path, folds: int = DEFAULT_FOLDS, random_state: int = 0
) -> EvaluationReport:
    """Cross-validate on a knowledge directory's examples: train on k-1 folds, score the rest.

    Raises:
        RuleFileError, ExampleDataError: when the knowledge directory is invalid.
    """
    from sklearn.model_selection import StratifiedKFold

    engine = RuleEngine(load_rules(directory).rules)
    examples = load_examples(directory / EXAMPLES_FILE)
    labels = [e.label for e in examples]
    answers = _Answers()
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    for train, test in splitter.split(labels, labels):
        chosen = [examples[i] for i in train]
        classifier = TaskClassifier().fit([e.task for e in chosen], [e.label for e in chosen])
        for i in test:
            answers.add(examples[i], engine, classifier)
    return answers.report(folds)
