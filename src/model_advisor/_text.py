"""Text normalisation shared by the rule matcher and the knowledge base (private).

Both sides of every comparison (rule words and task text, notes passages and task text) go
through :func:`stems`, so "predicts", "predicting" and "prediction" all meet at "predict".
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any, NamedTuple

from ._reading import Reading, read
from ._script import word_pattern

# Han ideographs, hiragana and katakana: scripts written without spaces between words
# (Hangul is written with them, and read like any other script).
_UNSPACED_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_UNSPACED_RUN = re.compile(f"[{_UNSPACED_CHARS}]{{2,}}")
_UNSPACED_PAIR = re.compile(f"[{_UNSPACED_CHARS}]{{2}}")
_LEARNED: dict[str, str] = {}  # words met, with their stems; forgotten in a block when full
LEARNED_STEMS_KEPT = 50_000
"""Stems of words that are remembered. On text with mostly new words a larger table only
costs memory: its hit rate there is low, and the C stemmer takes about a microsecond a word.
Measured with ``benchmarks/batch_memory.py --distinct``."""
_local = threading.local()  # a Snowball stemmer keeps state while it works: one per thread


_UNWRITTEN = {
    **dict.fromkeys(range(0x0591, 0x05BE), None),  # Hebrew cantillation and vowel points
    **dict.fromkeys((0x05BF, 0x05C1, 0x05C2, 0x05C4, 0x05C5, 0x05C7), None),
    **dict.fromkeys(range(0x0610, 0x061B), None),  # Arabic honorifics
    **dict.fromkeys(range(0x064B, 0x0660), None),  # Arabic short vowels, shadda, sukun
    0x0670: None,  # Arabic superscript alef
    0x0640: None,  # Arabic tatweel (a stretch, not a letter)
    0x0622: "\u0627",  # Arabic alef with madda, hamza above or below: alef
    0x0623: "\u0627",
    0x0625: "\u0627",
    0x093C: None,  # Devanagari nukta (फ़ैसला, फैसला)
}
"""Marks that writers of a script put in or leave out as they please, taken out so that both
spellings are one word: Arabic short vowels and shadda ("تصنّف", "تصنف": classifies), and the
hamza on alef ("أريد", "اريد"); Hebrew vowel points; the Devanagari nukta. Rules, glossary,
notes and classifier all read text through :func:`normalize`, so each meets the same word."""


def normalize(text: str) -> str:
    """Return ``text`` NFKC-normalised and lower-cased, with lone surrogates replaced and the
    optional marks of :data:`_UNWRITTEN` taken out."""
    if text.isascii():  # NFKC leaves ASCII as it is: skip the round trip (most texts)
        return text.lower()
    clean = text.encode("utf-8", "replace").decode("utf-8")
    return unicodedata.normalize("NFKC", clean).lower().translate(_UNWRITTEN)


def words(normalized: str) -> list[str]:
    """Split already-normalised text into word tokens: runs of letters and digits, with the
    marks written inside them (:mod:`._script`); apostrophes, hyphens and underscores split
    words."""
    return word_pattern(normalized).findall(normalized)


def stem(word: str) -> str:
    """Return the Snowball English stem of one lower-case word.

    The stemmer is the C build (PyStemmer), about a microsecond a word, and is imported at
    the first word; stems are remembered in a bounded table all the same, since most words
    come back.
    """
    stemmed = _LEARNED.get(word)
    if stemmed is None:
        stemmed = _stemmer().stemWord(word)
        if len(_LEARNED) >= LEARNED_STEMS_KEPT:
            _LEARNED.clear()  # cheaper than evicting one by one; frequent words come back
        _LEARNED[word] = stemmed
    return stemmed


def learn_stems(words: Iterable[str]) -> None:
    """Stem in one call those of ``words`` that the table does not know yet, and remember them.

    For a chunk of a batch: the stemmer called once with a list is cheaper per word than
    :func:`stem` word by word, and the words come out as :func:`stem` stems them.
    """
    new = [w for w in dict.fromkeys(words) if w not in _LEARNED]
    if not new:
        return
    if len(_LEARNED) + len(new) > LEARNED_STEMS_KEPT:
        _LEARNED.clear()
    _LEARNED.update(zip(new, _stemmer().stemWords(new), strict=True))


def _stemmer() -> Any:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


class Analysis(NamedTuple):
    """A text normalised, split into words, stemmed and read once, for every matcher to share.

    ``reading`` marks the negated and subordinate words (:mod:`._reading`); ``seen`` is the
    text the classifier reads: ``normalized`` without the negated words, in word pairs where
    it is written without spaces (:func:`classifier_text`).
    """

    normalized: str
    tokens: list[str]
    stems: list[str]
    reading: Reading
    seen: str

    @classmethod
    def many(cls, texts: Sequence[str]) -> list[Analysis]:
        """Analyse each of ``texts``, as :meth:`of` does, with their new words stemmed at once."""
        normalized = [normalize(text) for text in texts]
        tokens = [words(text) for text in normalized]
        learn_stems(chain.from_iterable(tokens))
        return [cls._read(n, t) for n, t in zip(normalized, tokens, strict=True)]

    @classmethod
    def of(cls, text: str | Analysis) -> Analysis:
        """Analyse ``text`` (an analysis is returned as it is)."""
        if isinstance(text, Analysis):
            return text
        normalized = normalize(text)
        return cls._read(normalized, words(normalized))

    @classmethod
    def _read(cls, normalized: str, tokens: list[str]) -> Analysis:
        learned = _LEARNED.get  # most words are in the table: no call of stem for them
        reading = read(normalized, tokens)
        return cls(
            normalized,
            tokens,
            [learned(t) or stem(t) for t in tokens],
            reading,
            _seen(reading, normalized),
        )


def classifier_text(text: str) -> str:
    """What the classifier reads of ``text``: normalised, without its negated words, and with
    each run of Chinese or Japanese characters as its overlapping pairs ("人工智能" as "人工 工智
    智能"), the usual way to index scripts written without spaces between words.

    Training and prediction both read a text through here, so they see the same words.
    """
    normalized = normalize(text)
    return _seen(read(normalized, words(normalized)), normalized)


def _seen(reading: Reading, normalized: str) -> str:
    """What the classifier reads of ``normalized``, read as ``reading`` (:func:`classifier_text`):
    the one place both training and :class:`Analysis` take it from."""
    text = reading.negated_text(normalized)
    return text if text.isascii() else _UNSPACED_RUN.sub(_pairs, text)


def _pairs(run: re.Match[str]) -> str:
    chars = run.group()
    return " " + " ".join(chars[at : at + 2] for at in range(len(chars) - 1)) + " "


def is_unspaced_pair(term: str) -> bool:
    """Whether ``term`` is a pair of Chinese or Japanese characters: a word to the classifier."""
    return _UNSPACED_PAIR.fullmatch(term) is not None


# Function and filler words that say nothing about a task: they count neither for citing a
# passage nor as evidence that a text describes a task at all.
_STOP_WORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with
    would you your yours using use used based want need like
    hello hi hey ok okay thanks thank please yes yeah yep nope lol hmm um uh test testing
    foo bar baz etc
"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())
