"""The decision: rule hits and classifier probabilities combined into one answer.

:func:`combine` is a pure function of results (hits and probabilities), not of engines, so it
is tested with hand-made inputs; its constants are documented here and in the README ("How a
decision is made"). It works for any number of categories: nothing here names one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol

from ..types import UNDETERMINED, Category, Verdict
from .classifier import Features


class Weighted(Protocol):
    """A rule hit as the decision sees it: a rule, its category and weight (RuleHit or Hit)."""

    @property
    def rule_id(self) -> str: ...

    @property
    def category(self) -> Category: ...

    @property
    def weight(self) -> float: ...


RULE_SHARE = 0.45
"""The most the rules can weigh in the final scores (when one rule of weight 1 fired). Just
under a half, so that no single rule decides alone: a classifier about nine in ten sure of
another category outweighs it. At 0.5 (from the second held-out set to the glossary round)
such a rule always won; over the 12,522 examples, with 21 languages in them, 0.45 gave
cross-validated macro-F1 0.943 against 0.938, and the same accuracy on the 12,381 texts of
the development sets (29 answers better, 29 worse)."""
AMBIGUITY_MARGIN = 0.3
"""Top two calibrated scores closer than this are too close to call. On the development sets
(1,858 tasks) such answers were right 72% of the time and the others 98%; 0.12, the margin
before the scores were calibrated, flagged 21 answers, right 86% of the time."""
MOST_SURE = 0.99
"""The highest confidence an answer gets. The calibration would take the clearest tasks to
0.999 and beyond, but no example set tells 99.9% from 99% on wording nobody has seen yet."""
MIN_CHAR_COVERAGE = 0.55
"""Below this share of known character n-grams, and with no rule or known word, a text is
treated as having no usable evidence (gibberish) and the answer is ``undetermined``."""


class Decision(NamedTuple):
    """What :func:`combine` decides."""

    category: Verdict
    confidence: float
    scores: dict[Category, float]
    ambiguous: bool


def combine(
    hits: Sequence[Weighted],
    probabilities: Mapping[Category, float],
    *,
    categories: Sequence[Category] | None = None,
    has_evidence: bool = True,
    temperature: float = 1.0,
) -> Decision:
    """Combine rule hits and classifier probabilities into one decision.

    Each category's rule strength is the noisy-or of the weights of its hits
    (``1 - prod(1 - weight)``), so two weak hits add up but never pass 1. When any rule fired,
    the scores mix the classifier's probabilities with the rules' shares of the total strength::

        share  = RULE_SHARE * max(strength)
        score  = (1 - share) * probability + share * strength / sum(strength)

    so strong rules can overrule the classifier, weak ones only nudge it, and without hits the
    scores are the probabilities. Last, the scores are calibrated: each is raised to the power
    ``1 / temperature`` and they are scaled to sum to 1 again, then, if the top one passes
    ``MOST_SURE``, mixed with just enough of the uniform scores to bring it back to it. That
    keeps their order (and so the answer) and makes the top score mean what it says: the
    knowledge's temperature is fitted when its model is built, on scores of the examples that
    the classifier had not seen (:mod:`.building`). The top score is the category and its
    confidence; it is ``ambiguous`` when the runner-up is within ``AMBIGUITY_MARGIN``. With no
    hits and no evidence in the text (``has_evidence`` false), the answer is ``undetermined``
    with equal scores and zero confidence. Ties go to the category listed first.

    Args:
        hits: the rules that fired, in any order.
        probabilities: the classifier's probability for each category.
        categories: the categories, in declared order (the order of the scores and of
            ties); by default the keys of ``probabilities``.
        has_evidence: whether the text shares enough vocabulary with the examples.
        temperature: the calibration's temperature; 1 leaves the scores as mixed.

    Returns:
        The decision; the same inputs in any order always give the same decision.
    """
    names = tuple(probabilities if categories is None else categories)
    if not hits and not has_evidence:
        return Decision(UNDETERMINED, 0.0, dict.fromkeys(names, 1 / len(names)), False)
    get = probabilities.get
    scores = [get(c, 0.0) for c in names]
    total_p = sum(scores)
    if total_p <= 0 or min(scores) < 0:  # no usable information: clip, or every one alike
        scores = [max(p, 0.0) for p in scores]
        total_p = sum(scores)
        if total_p <= 0:
            scores, total_p = [1.0] * len(names), float(len(names))
    if len(names) == 3:
        return _combine_three(hits, names, scores, total_p, 1.0 / temperature)
    return _combine_any(hits, names, scores, total_p, 1.0 / temperature)


def _combine_any(
    hits: Sequence[Weighted],
    names: tuple[Category, ...],
    scores: list[float],
    total_p: float,
    power: float,
) -> Decision:
    """:func:`combine` once the probabilities are checked, for any number of categories."""
    if hits:
        missing = dict.fromkeys(names, 1.0)
        for hit in hits:
            missing[hit.category] *= 1.0 - hit.weight
        strength = [1.0 - missing[c] for c in names]
        total = sum(strength)
        share = RULE_SHARE * max(strength)  # hits have weights above 0, so total is too
        keep = 1 - share
        scores = [
            keep * (p / total_p) + share * s / total for p, s in zip(scores, strength, strict=True)
        ]
    else:
        scores = [p / total_p for p in scores]
    if power != 1.0:
        scores = [s**power for s in scores]
        total = sum(scores)
        scores = [s / total for s in scores]
    best = max(scores)
    if best > MOST_SURE:  # mixed with just enough of the uniform scores to bring it down
        even = 1.0 / len(names)
        spread = (best - MOST_SURE) / (best - even)
        scores = [(1.0 - spread) * s + spread * even for s in scores]
        best = max(scores)
    top = names[scores.index(best)]  # the first of equal scores
    runner_up = sorted(scores)[-2]
    return Decision(
        top, best, dict(zip(names, scores, strict=True)), best - runner_up < AMBIGUITY_MARGIN
    )


def _combine_three(
    hits: Sequence[Weighted],
    names: tuple[Category, ...],
    scores: list[float],
    total_p: float,
    power: float,
) -> Decision:
    """:func:`_combine_any` written out for three categories, the shipped knowledge's number.

    It runs once per task of a batch, and for three items the loops and comprehensions cost
    more than the arithmetic (a third of the decision's time, measured with callgrind); the
    arithmetic and its order are the same, so are the results (a test compares the two).
    """
    first, second, third = names
    x0, x1, x2 = scores[0] / total_p, scores[1] / total_p, scores[2] / total_p
    if hits:
        missing = {first: 1.0, second: 1.0, third: 1.0}
        for hit in hits:
            missing[hit.category] *= 1.0 - hit.weight
        s0, s1, s2 = 1.0 - missing[first], 1.0 - missing[second], 1.0 - missing[third]
        total, share = s0 + s1 + s2, RULE_SHARE * max(s0, s1, s2)
        keep = 1 - share
        x0 = keep * x0 + share * s0 / total
        x1 = keep * x1 + share * s1 / total
        x2 = keep * x2 + share * s2 / total
    if power != 1.0:
        x0, x1, x2 = x0**power, x1**power, x2**power
        total = x0 + x1 + x2
        x0, x1, x2 = x0 / total, x1 / total, x2 / total
    best = max(x0, x1, x2)
    if best > MOST_SURE:
        spread = (best - MOST_SURE) / (best - 1.0 / 3)
        keep, even = 1.0 - spread, spread * (1.0 / 3)
        x0, x1, x2 = keep * x0 + even, keep * x1 + even, keep * x2 + even
        best = max(x0, x1, x2)
    top = first if x0 == best else second if x1 == best else third  # the first of equal scores
    runner_up = sorted((x0, x1, x2))[1]
    return Decision(
        top, best, {first: x0, second: x1, third: x2}, best - runner_up < AMBIGUITY_MARGIN
    )


def text_has_evidence(features: Features) -> bool:
    """Whether a text shares enough with the examples to be judged (a known word or n-grams)."""
    return features.known_words > 0 or features.char_coverage >= MIN_CHAR_COVERAGE


def rules_only(hits: Sequence[Weighted], categories: Sequence[Category]) -> Verdict:
    """What the rules alone say: the category of greatest rule strength (undetermined if none)."""
    if not hits:
        return UNDETERMINED
    missing = dict.fromkeys(categories, 1.0)
    for hit in hits:
        missing[hit.category] *= 1.0 - hit.weight
    return min(categories, key=lambda c: missing[c])
