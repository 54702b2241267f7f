"""Misspelt words read as the words they were meant to be, before anything else reads a task.

A word that the knowledge does not hold (its examples, rules and notes), one typo away from a
word that many of its examples hold, is read as that word: "wgether" as "whether", "smmary" as
"summary", "renser" as "render". The rules, the reading (negation, clauses, questions) and the
classifier then all see the word meant. A typo is what fingers do on a keyboard
(:mod:`model_advisor._typos`).

Real words the knowledge lacks are the risk ("flour" is not "four", "roots" not "robots"): the
knowledge's words that are never corrected include the English words that are typos of its
common words (found when its model is built, :func:`~model_advisor._typos.lookalikes`). A
word is left alone too when it is a capitalised name or an acronym, when it touches a hyphen,
slash, dot or digit, or when it stands in a text of which more than two in five words are
unknown (another language, or a jargon the knowledge does not cover). ``benchmarks/misspelt.py``
measures what it wins back on requests given typos.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .._script import word_pattern
from .._text import normalize, stem, words
from .._typos import is_typo
from ..knowledge.compiled import SPELLING_MIN_LENGTH
from ..types import Correction

KNOWN_SHARE = 0.6
"""A text is corrected only when at least this share of its words (of three letters or more)
are known."""
_WORD_LENGTH = 3
CACHE_SIZE = 20_000
"""Unknown words whose correction (or its absence) is remembered; when full, it starts afresh."""

_Index = tuple[dict[str, list[str]], list[tuple[frozenset[str], frozenset[str]]]]
"""The common words by their one-letter deletions, and their first and last letters."""
_BEFORE = frozenset("-_/@.#'")  # a word after one of these is part of a name, path or handle
_AFTER = frozenset("-_/@#'")


def _correctable(text: str, word: str, start: int, end: int, first: int) -> bool:
    """Whether ``word`` (at ``start:end`` of ``text``, whose first word starts at ``first``)
    may be a typo: plain letters, not a name, an acronym or part of a compound, a path or a
    handle."""
    if not (word.isascii() and word.isalpha()):
        return False
    if (start and text[start - 1] in _BEFORE) or (end < len(text) and text[end] in _AFTER):
        return False
    if word.islower():
        return True
    if not (word[0].isupper() and word[1:].islower()):
        return False  # an acronym, or a name written in capitals
    before = text[:start].rstrip()  # a capital is a name's, unless it starts a sentence
    return start == first or (bool(before) and before[-1] in ".!?:;")


class Speller:
    """Reads misspelt words of a task as the common words of the knowledge they were meant to
    be (see the module's docstring).

    ``known`` are the knowledge's words: never taken for typos. ``common`` are the words a
    typo is read as, the commonest first: when a typo could be one of several, it is read as
    the commonest.
    """

    def __init__(self, known: frozenset[str], common: Sequence[str]) -> None:
        self._known = known
        self._rank = {word: rank for rank, word in enumerate(common)}
        self._index: _Index | None = None  # built on the first unknown word
        self._cache: dict[str, str | None] = {}

    def correct(
        self, text: str, tokens: Sequence[str] | None = None
    ) -> tuple[str, tuple[Correction, ...]]:
        """``text`` with its misspelt words replaced, and what was replaced.

        ``tokens``, when given, are the words of ``text`` as its analysis holds them: most
        texts hold no unknown word, or too many, and that is found in them at the cost of a
        lookup a word.
        """
        if not self._rank:
            return text, ()
        known = self._known
        if tokens is None:
            tokens = words(normalize(text))
        unknown = [w for w in tokens if w not in known]
        if not unknown:
            return text, ()
        counted = [w for w in tokens if len(w) >= _WORD_LENGTH]
        if len([w for w in unknown if len(w) >= _WORD_LENGTH]) > (1 - KNOWN_SHARE) * len(counted):
            return text, ()  # another language, or a jargon the knowledge lacks
        meanings = {
            w: meant
            for w in unknown
            if len(w) >= SPELLING_MIN_LENGTH and w.isascii() and (meant := self._meant(w))
        }
        if not meanings:
            return text, ()
        matches = list(word_pattern(text).finditer(text))
        first = matches[0].start()
        pieces: list[str] = []
        corrections: list[Correction] = []
        done = 0
        for match in matches:
            word = match.group()
            meant = meanings.get(word.lower())
            if meant is None or not _correctable(text, word, match.start(), match.end(), first):
                continue
            if word[0].isupper():
                meant = meant.capitalize()
            pieces += [text[done : match.start()], meant]
            corrections.append(Correction(word=word, read_as=meant))
            done = match.end()
        if not corrections:
            return text, ()
        return "".join([*pieces, text[done:]]), tuple(corrections)

    def _meant(self, word: str) -> str | None:
        """The common word ``word`` is a typo of, if any (remembered)."""
        if word in self._cache:
            return self._cache[word]
        meant = self._find(word)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[word] = meant
        return meant

    def _find(self, word: str) -> str | None:
        index, ends = self._index or self._build()
        # A typo leaves the first letters of a word or its last ones as they were, together
        # all but two of them: most unknown words share neither half with a common word.
        half = (len(word) - 2) // 2
        starts, finishes = ends[min(half, len(ends) - 1)]
        if word[:half] not in starts and word[len(word) - half :] not in finishes:
            return None
        candidates = set(index.get(word, ()))
        for i in range(len(word)):
            candidates.update(index.get(word[:i] + word[i + 1 :], ()))
        typos = [c for c in candidates if is_typo(word, c)]
        if not typos:
            return None
        word_stem = stem(word)  # another form of the same word is no typo ("wider", "wide")
        return min(
            (c for c in typos if stem(c) != word_stem), key=self._rank.__getitem__, default=None
        )

    def _build(self) -> _Index:
        """Index the common words by themselves and by each of their one-letter deletions, and
        by their first and last letters, for each number of them."""
        index: dict[str, list[str]] = defaultdict(list)
        for word in self._rank:
            index[word].append(word)
            for i in range(len(word)):
                index[word[:i] + word[i + 1 :]].append(word)
        longest = max(map(len, self._rank))
        ends = [
            (
                frozenset(w[:half] for w in self._rank),
                frozenset(w[len(w) - half :] for w in self._rank),
            )
            for half in range(longest)
        ]
        self._index = (dict(index), ends)  # last: another thread takes it as all built
        return self._index
