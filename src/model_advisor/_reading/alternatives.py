"""Words offered as alternatives: two or more single words joined by "or" (and commas)
where a request begins ("caption or classify images", "to tag, rank or summarise the posts").

Such words stand side by side: neither acts on the other. A rule that stands down when a
word of another kind of work is present ("classify *captions*" asks for classifying, so the
caption rule stands down for "classify") should not stand down for a word merely offered
instead of its own: "caption or classify images" asks for either. Words joined by "and" are
not taken: "spot and avoid power lines" may well be one task of another kind, as a rule's
veto says. The engine asks for these groups only when a rule's veto word is present, so
their cost is that of a rare case.
"""

from __future__ import annotations

from .._script import word_pattern
from .words import _BREAK

_JOINS = frozenset("and or".split())
_OR = "or"
# words after which a request begins: "to caption or classify", "please tag and rank"
_OPENERS = frozenset("to please then also just you i we".split())


def alternatives(normalized: str, tokens: list[str]) -> tuple[frozenset[int], ...]:
    """The groups of words ``normalized`` offers as alternatives (``tokens`` are its words),
    each a set of token positions; a group has at least two words and an "or"."""
    if _OR not in tokens:
        return ()
    spans = [m.span() for m in word_pattern(normalized).finditer(normalized)]
    if len(spans) != len(tokens):
        return ()

    def comma_after(k: int) -> bool:
        end = spans[k + 1][0] if k + 1 < len(spans) else len(normalized)
        return "," in normalized[spans[k][1] : end]

    def opens(k: int) -> bool:
        if k == 0 or tokens[k - 1] in _OPENERS:
            return True
        return _BREAK.search(normalized, spans[k - 1][1], spans[k][0]) is not None

    groups = []
    k = 0
    while k < len(tokens) - 2:
        if tokens[k] in _JOINS or not opens(k):
            k += 1
            continue
        members, joined, at = [k], False, k
        while at + 1 < len(tokens):
            if tokens[at + 1] in _JOINS:  # "caption or classify", "tag, or rank"
                nxt = at + 2
                joined = joined or tokens[at + 1] == _OR
            elif comma_after(at):  # "tag, rank and ..."
                nxt = at + 1
            else:
                break
            if nxt >= len(tokens) or tokens[nxt] in _JOINS:
                break
            members.append(nxt)
            at = nxt
        if joined and len(members) >= 2:
            groups.append(frozenset(members))
        k = at + 1
    return tuple(groups)
