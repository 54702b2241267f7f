"""What a typo is: the words one slip of the fingers away from a word.

A typo keeps a word's first letter (people rarely miss it) and makes one slip: a letter left
out, two neighbouring letters swapped (the first two included), one letter replaced by a key
beside it on a QWERTY keyboard or by another vowel, or one letter added, doubled or a key
beside one of its neighbours. :mod:`model_advisor.engine.spelling` reads such words as the
words meant; the knowledge's model keeps the English words that are typos of its common
words by this measure (:func:`lookalikes`), so that they are never taken for typos.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS = frozenset("aeiou")


def _neighbours() -> dict[str, frozenset[str]]:
    """Each letter's neighbours on a QWERTY keyboard: beside it on its row, and the keys that
    touch it on the rows above and below (rows are offset by half a key)."""
    near: dict[str, set[str]] = defaultdict(set)
    for row, keys in enumerate(_KEYBOARD):
        for column, key in enumerate(keys):
            near[key].update(keys[max(column - 1, 0) : column + 2])
            if row + 1 < len(_KEYBOARD):
                for other in _KEYBOARD[row + 1][max(column - 1, 0) : column + 1]:
                    near[key].add(other)
                    near[other].add(key)
    return {key: frozenset(keys - {key}) for key, keys in near.items()}


_NEIGHBOURS = _neighbours()
_NONE: frozenset[str] = frozenset()


def typos(word: str) -> frozenset[str]:
    """Every word one typo away from ``word`` (lowercase letters), ``word`` itself aside."""
    found: set[str] = set()
    for i in range(1, len(word)):
        found.add(word[:i] + word[i + 1 :])  # left out
        letter = word[i]
        replacements = _NEIGHBOURS.get(letter, _NONE) | (_VOWELS if letter in _VOWELS else _NONE)
        found.update(word[:i] + other + word[i + 1 :] for other in replacements)
    for i in range(len(word) - 1):
        found.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])  # swapped
    for i in range(1, len(word) + 1):  # added between word[i - 1] and word[i]
        beside = {word[i - 1], *word[i : i + 1]}
        added = beside.union(*(_NEIGHBOURS.get(letter, _NONE) for letter in beside))
        found.update(word[:i] + other + word[i:] for other in added)
    found.discard(word)
    return frozenset(found)


def is_typo(written: str, meant: str) -> bool:
    """Whether ``written`` is one of :func:`typos` of ``meant``, found without listing them
    (a test checks that both agree)."""
    if written == meant or not written or (written[0] != meant[0] and written[:2] != meant[1::-1]):
        return False
    if len(written) == len(meant):
        wrong = [i for i, (a, b) in enumerate(zip(written, meant, strict=True)) if a != b]
        if len(wrong) == 2:  # swapped
            first, second = wrong
            return second == first + 1 and (written[first], written[second]) == (
                meant[second],
                meant[first],
            )
        if len(wrong) != 1:
            return False
        a, b = written[wrong[0]], meant[wrong[0]]  # replaced (never the first letter)
        return a in _NEIGHBOURS.get(b, _NONE) or (a in _VOWELS and b in _VOWELS)
    if len(written) + 1 == len(meant):  # left out
        return any(meant[:i] + meant[i + 1 :] == written for i in range(1, len(meant)))
    if len(written) != len(meant) + 1:
        return False
    for i in range(1, len(written)):  # added at written[i]
        if written[:i] + written[i + 1 :] == meant:
            beside = {written[i - 1], *written[i + 1 : i + 2]}
            if written[i] in beside or any(written[i] in _NEIGHBOURS.get(b, _NONE) for b in beside):
                return True
    return False


def lookalikes(words: Iterable[str], least: int) -> set[str]:
    """The English words of ``least`` letters or more that are typos of some of ``words``:
    real words that must not be read as one of them ("roots" is no typo of "robots").

    The English words are pyspellchecker's list of 160,000 (imported only here: a model is
    being built).
    """
    from spellchecker import SpellChecker

    english = SpellChecker(language="en", distance=1)
    return {t for word in words for t in typos(word) if len(t) >= least and t in english}


ENGLISH_LEAST_COUNT = 100
"""How often a word must occur in pyspellchecker's English corpus to count as surely English:
its rarest words (seen 50 times) hold words of other languages ("tabla", "dato")."""
_BRITISH = (
    ("iz", "is"),
    ("yz", "ys"),
    ("or", "our"),
    ("er", "re"),
    ("og", "ogue"),
    ("ense", "ence"),
)


@functools.cache
def _english_counts() -> dict[str, int]:
    """pyspellchecker's English words and how often its corpus holds each (read once)."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)


def english_words(least_count: int = 1) -> frozenset[str]:
    """pyspellchecker's English words seen at least ``least_count`` times in its corpus, with
    their British spellings ("localise", "colour", "centre", "catalogue", "programme"), which
    its American list lacks (a model is being built: the glossary reads no English word as
    another)."""
    found = {w for w, count in _english_counts().items() if count >= least_count}
    british = {w.replace(us, uk) for w in found for us, uk in _BRITISH[:2] if us in w}
    for us, uk in _BRITISH[2:]:  # a word's ending, before an inflection
        for word in found:
            for end in ("", "s", "ed", "ing", "al"):
                stem = word.removesuffix(end) if end else word
                if stem.endswith(us) and (not end or word.endswith(end)):
                    british.add(stem[: -len(us)] + uk + end)
    british |= {w.replace("program", "programme") for w in found if w.startswith("program")}
    return frozenset(found | british)
