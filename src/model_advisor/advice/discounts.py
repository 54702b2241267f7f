"""Which words of a task counted for less, and how the explanation says so.

Negated words ("no need to write anything") are not evidence; rules matched only in a
subordinate clause ("reviews that a bot wrote") or a clause setting the scene count at half
weight, and the classifier reads neither such a clause nor a verb whose object contradicts
it ("write a 0 or 1") (see :mod:`model_advisor._reading`). A person reading the advice should
see each of these: a cue the advisor set aside is one they might otherwise think it missed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._reading import PLAIN
from .._text import Analysis
from ..engine.matching import RuleEngine
from ..types import Discount, RuleHit, UnreadKind

# The stretches the classifier does not read and whose rules count at half weight, by kind:
# why, in the explanation's words
_UNREAD: dict[str, tuple[UnreadKind, str]] = {
    "background": ("background", "only sets the scene"),
    "judged": ("judged", "names what is judged, not what is made"),
    "topic": ("topic", "names what the written work is about, not the work to do"),
}


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
        elif scope.kind in _UNREAD:  # unseen by the classifier, rules at half weight
            named = _matched_among(weakened, stems)
            found.append(Discount(kind=_UNREAD[scope.kind][0], phrase=phrase, rules=named))
        elif scope.kind == "duties":  # the classifier reads them; their rules count half
            if named := _matched_among(weakened, stems):
                found.append(Discount(kind="duties", phrase=phrase, rules=named))
        elif scope.kind == "answer":  # a verb left unread: it makes a closed answer
            found.append(Discount(kind="answer", phrase=phrase))
        elif scope.kind == "continuation":  # a verb left unread: it asks for more of a work
            found.append(Discount(kind="continuation", phrase=phrase))
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
        phrase, rules = discount.phrase, ", ".join(discount.rules)
        if discount.kind == "negated":
            fired = f" (it kept {rules} from firing)" if rules else ""
            sentences.append(f'"{phrase}" is negated, so it was not counted{fired}.')
        elif discount.kind in _UNREAD:
            why = _UNREAD[discount.kind][1]
            weakened = f", and {rules} counted at half weight" if rules else ""
            sentences.append(f'"{phrase}" {why}, so the classifier did not read it{weakened}.')
        elif discount.kind == "duties":
            sentences.append(
                f'"{phrase}" lists the duties of a role, one after another, so {rules} counted '
                "at half weight."
            )
        elif discount.kind == "answer":
            sentences.append(
                f'"{phrase}" makes a closed answer here, not new content, so the classifier '
                "did not read it."
            )
        elif discount.kind == "continuation":
            sentences.append(
                f'"{phrase}" asks for the rest of a work here, which is made, not predicted, so '
                "the classifier did not read it."
            )
        else:
            sentences.append(
                f'"{phrase}" only describes what is acted on, so {rules} counted at half weight.'
            )
    return " ".join(sentences)
