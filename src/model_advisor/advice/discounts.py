"""Which words of a task counted for less, and how the explanation says so.

Negated words ("no need to write anything") are not evidence, and rules matched only in a
subordinate clause ("reviews that a bot wrote") count at half weight (see
:mod:`model_advisor._reading`). A person reading the advice should see both: a cue the
advisor set aside is one they might otherwise think it missed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._reading import PLAIN
from .._text import Analysis
from ..engine.matching import RuleEngine
from ..types import Discount, RuleHit


def discounts(rules: RuleEngine, analysis: Analysis, hits: Sequence[RuleHit]) -> list[Discount]:
    """The negated stretches of a task, and its subordinate clauses that weakened a rule.

    A negated stretch names the rules that would have fired on the words it holds.
    """
    reading = analysis.reading
    if not reading.scopes:
        return []
    fired = {h.rule_id for h in hits}
    plain = analysis._replace(reading=PLAIN, seen=analysis.normalized)
    kept_out = [h for h in rules.match(plain) if h.rule_id not in fired]
    weakened = [h for h in hits if h.subordinate]
    found = []
    for scope in reading.scopes:
        stems = set(analysis.stems[scope.start : scope.end])
        phrase = reading.phrase(scope, analysis.normalized)
        if scope.kind == "negated":
            named = _matched_among(kept_out, stems)
            found.append(Discount(kind="negated", phrase=phrase, rules=named))
        elif named := _matched_among(weakened, stems):
            found.append(Discount(kind="subordinate", phrase=phrase, rules=named))
    return found


def _matched_among(hits: Sequence[RuleHit], stems: set[str]) -> tuple[str, ...]:
    """The ids of ``hits`` that matched a word among ``stems``."""
    return tuple(
        h.rule_id for h in hits if any(w in stems for m in h.matched for w in Analysis.of(m).stems)
    )


def describe(found: Sequence[Discount]) -> str:
    """The explanation's sentences about discounted words ("" when there are none)."""
    sentences = []
    for discount in found:
        if discount.kind == "negated":
            fired = f" (it kept {', '.join(discount.rules)} from firing)" if discount.rules else ""
            sentences.append(f'"{discount.phrase}" is negated, so it was not counted{fired}.')
        else:
            sentences.append(
                f'"{discount.phrase}" only describes what is acted on, so '
                f"{', '.join(discount.rules)} counted at half weight."
            )
    return " ".join(sentences)
