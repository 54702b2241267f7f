"""What a reading marks: a :class:`Scope` of words, and the :class:`Reading` of a text."""

from __future__ import annotations

from typing import NamedTuple


class Scope(NamedTuple):
    """One negated or subordinate stretch: its cue's first token and its words' tokens."""

    # "negated", "subordinate", "judged", "topic", "duties", "background", or for one verb
    # "answer"/"continuation"
    kind: str
    cue: int  # the token that opens it ("not", "that", "to")
    start: int  # its first word's token
    end: int  # one past its last word's token


class Reading(NamedTuple):
    """What :func:`read` found: the marked tokens and the stretches they form."""

    negated: frozenset[int]
    subordinate: frozenset[int]  # background clauses included
    scopes: tuple[Scope, ...]
    spans: tuple[tuple[int, int], ...]  # each token's (start, end) in the text read
    background: frozenset[int] = frozenset()  # the words of a clause setting the scene

    def negated_text(self, text: str) -> str:
        """``text`` without its negated and background words (each replaced by a space):
        what the classifier reads."""
        unseen = self.negated | self.background if self.background else self.negated
        if not unseen:
            return text
        pieces, last = [], 0
        for index in sorted(unseen):
            start, end = self.spans[index]
            pieces += [text[last:start], " "]
            last = end
        pieces.append(text[last:])
        return "".join(pieces)

    def phrase(self, scope: Scope, text: str) -> str:
        """The words of ``scope`` with its cue, as written in ``text``."""
        return text[self.spans[scope.cue][0] : self.spans[scope.end - 1][1]]


PLAIN = Reading(frozenset(), frozenset(), (), ())
"""The reading of a text with nothing negated or subordinate."""
