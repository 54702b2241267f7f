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
_EVEN = 1 / len(CATEGORIES)


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
    if not hits and not has_evidence:
        return Decision("undetermined", 0.0, dict.fromkeys(CATEGORIES, _EVEN), False)
    # Written out for the three categories (in CATEGORIES order): this runs once per task of
    # a batch, and loops and comprehensions over three items cost more than the arithmetic.
    first, second, third = CATEGORIES
    s0, s1, s2 = 1.0 - missing[first], 1.0 - missing[second], 1.0 - missing[third]
    total, share = s0 + s1 + s2, RULE_SHARE * max(s0, s1, s2)
    get = probabilities.get
    p0, p1, p2 = max(get(first, 0.0), 0.0), max(get(second, 0.0), 0.0), max(get(third, 0.0), 0.0)
    total_p = p0 + p1 + p2
    if total_p > 0:
        x0, x1, x2 = p0 / total_p, p1 / total_p, p2 / total_p
    else:  # no information from the classifier: every category equally likely
        x0 = x1 = x2 = _EVEN
    if total > 0:
        keep = 1 - share
        x0 = keep * x0 + share * s0 / total
        x1 = keep * x1 + share * s1 / total
        x2 = keep * x2 + share * s2 / total
    best = max(x0, x1, x2)
    top = first if x0 == best else second if x1 == best else third  # the first of equal scores
    runner_up = sorted((x0, x1, x2))[1]
    return Decision(
        top, best, {first: x0, second: x1, third: x2}, best - runner_up < AMBIGUITY_MARGIN
    )


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
