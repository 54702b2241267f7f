"""The figures of an evaluation: accuracy, per-category and macro-F1, confusion, reliability.

Pure functions of the true labels and the answers (no model, no scikit-learn), so each can be
checked against values computed by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from ..types import UNDETERMINED, Category, Verdict

RELIABILITY_BINS = 10
"""Confidence bins of the reliability table: 0-0.1, 0.1-0.2, ..., 0.9-1."""


class _Report(BaseModel):
    model_config = ConfigDict(frozen=True)


class CategoryScores(_Report):
    """Precision, recall and F1 of one category, from the confusion matrix."""

    category: Category
    precision: float  # right answers of this category / answers of this category (0 if none)
    recall: float  # right answers of this category / tasks labelled with it (0 if none)
    f1: float
    support: int  # tasks labelled with this category
    answered: int  # answers of this category


class Scores(_Report):
    """Accuracy, macro-F1, per-category scores and the confusion matrix.

    The matrix has a row per true label (the categories) and a column per answer (the
    categories, then ``undetermined``). Macro-F1 averages the F1 of the categories
    that occur as a label or as an answer.
    """

    accuracy: float
    macro_f1: float
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    per_category: tuple[CategoryScores, ...] = ()


class ConfidenceBin(_Report):
    """Answers whose confidence is in ``[low, high)`` (the last bin includes 1), and how many
    were right: a calibrated advisor is right about as often as it is confident."""

    low: float
    high: float
    answers: int
    right: int
    accuracy: float | None  # right / answers; None for an empty bin
    mean_confidence: float | None


def score(
    truth: Sequence[Category], answers: Sequence[Verdict], categories: Sequence[Category]
) -> Scores:
    """Score answers against the true labels (the two sequences pair up in order).

    Args:
        truth: the true labels.
        answers: the answers, each a category or ``undetermined``.
        categories: the categories, in declared order (the rows of the confusion matrix).

    Returns:
        Accuracy, macro-F1, per-category precision / recall / F1 and the confusion matrix.
    """
    verdicts = (*categories, UNDETERMINED)
    pairs = Counter(zip(truth, answers, strict=True))
    confusion = tuple(tuple(pairs[(row, column)] for column in verdicts) for row in categories)
    per_category = []
    for index, category in enumerate(categories):
        right = confusion[index][index]
        support = sum(confusion[index])
        answered = sum(row[index] for row in confusion)
        precision = right / answered if answered else 0.0
        recall = right / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_category.append(
            CategoryScores(
                category=category,
                precision=precision,
                recall=recall,
                f1=f1,
                support=support,
                answered=answered,
            )
        )
    present = [c.f1 for c in per_category if c.support or c.answered]
    correct = sum(confusion[i][i] for i in range(len(categories)))
    return Scores(
        accuracy=correct / len(truth) if truth else 0.0,
        macro_f1=sum(present) / len(present) if present else 0.0,
        labels=verdicts,
        confusion=confusion,
        per_category=tuple(per_category),
    )


def reliability(
    answers: Sequence[tuple[float, bool]], bins: int = RELIABILITY_BINS
) -> tuple[tuple[ConfidenceBin, ...], float | None]:
    """Bin answers, each a (confidence, correct) pair, by confidence, and compare each bin's
    accuracy with its mean confidence.

    Returns:
        The bins, and the expected calibration error: the mean gap between a bin's accuracy
        and its mean confidence, weighted by its answers (None when there are no answers).
    """
    members: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for confidence, correct in answers:
        members[min(int(confidence * bins), bins - 1)].append((confidence, correct))
    result = []
    gap = 0.0
    for index, group in enumerate(members):
        right = sum(correct for _, correct in group)
        mean = sum(confidence for confidence, _ in group) / len(group) if group else None
        accuracy = right / len(group) if group else None
        if mean is not None and accuracy is not None:
            gap += len(group) * abs(accuracy - mean)
        low, high = round(index / bins, 10), round((index + 1) / bins, 10)
        result.append(
            ConfidenceBin(
                low=low,
                high=high,
                answers=len(group),
                right=right,
                accuracy=accuracy,
                mean_confidence=mean,
            )
        )
    return tuple(result), gap / len(answers) if answers else None
