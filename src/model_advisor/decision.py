"""The decision: rule hits and classifier probabilities combined into one answer.

:func:`combine` is a pure function, so it can be tested with hand-made inputs; its constants
are documented here and in the README ("How a decision is made").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple, Protocol

from .classifier import Features
from .models import CATEGORIES, Category, Verdict


class Weighted(Protocol):
    """A rule hit as the decision sees it: a category and a weight (RuleHit or Hit)."""

    @property
    def category(self) -> Category: ...

    @property
    def weight(self) -> float: ...


RULE_SHARE = 0.4
"""The most the rules can weigh in the final scores (when one rule of weight 1 fired)."""
AMBIGUITY_MARGIN = 0.12
"""Top two scores closer than this are too close to call."""
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
    missing = dict.fromkeys(CATEGORIES, 1.0)
    for hit in hits:
        missing[hit.category] *= 1.0 - hit.weight
    even = 1 / len(CATEGORIES)
    if not hits and not has_evidence:
        return Decision("undetermined", 0.0, dict.fromkeys(CATEGORIES, even), False)
    strength = [1.0 - m for m in missing.values()]  # in CATEGORIES order
    total, share = sum(strength), RULE_SHARE * max(strength)
    p = [max(probabilities.get(c, 0.0), 0.0) for c in CATEGORIES]
    total_p = sum(p)
    scores: dict[Category, float] = {}
    for category, x, s in zip(CATEGORIES, p, strength, strict=True):
        # no information from the classifier: every category equally likely
        x = x / total_p if total_p > 0 else even
        scores[category] = (1 - share) * x + share * s / total if total > 0 else x
    top = max(scores, key=scores.__getitem__)  # the first of equal scores
    best, second = sorted(scores.values(), reverse=True)[:2]
    return Decision(top, best, scores, best - second < AMBIGUITY_MARGIN)


def text_has_evidence(features: Features) -> bool:
    """Whether a text shares enough with the examples to be judged (a known word or n-grams)."""
    return features.known_words > 0 or features.char_coverage >= MIN_CHAR_COVERAGE


def rules_only(hits: Sequence[Weighted]) -> Verdict:
    """What the rules alone say: the category of greatest rule strength (undetermined if none)."""
    if not hits:
        return "undetermined"
    missing: dict[Category, float] = dict.fromkeys(CATEGORIES, 1.0)
    for hit in hits:
        missing[hit.category] *= 1.0 - hit.weight
    best: Category = min(CATEGORIES, key=lambda c: missing[c])
    return best
