"""The TF-IDF task classifier at work: the same arithmetic as scikit-learn, in plain Python.

Training (:mod:`model_advisor.knowledge.training`) exports, for every n-gram, its idf and one
weight per category. Prediction recomputes scikit-learn's pipeline (sublinear tf-idf over word
and character n-grams, l2-normalised, then a softmax over the categories) from those numbers,
so advising never imports scikit-learn. ``tests/test_classifier.py`` checks that both paths
give the same probabilities.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import islice
from operator import add
from typing import Literal, NamedTuple

from .._script import TOKEN
from .._text import STOP_WORDS, classifier_text
from ..errors import ModelFileError
from ..knowledge.training import Hyperparameters, fit_weights
from ..knowledge.weights import ClassifierWeights, Sums, repeated_rows
from ..types import Category

WORD_CACHE_SIZE = 20_000
"""Words whose contribution is remembered; when full, the table starts afresh (frequent words
come straight back). Each entry holds a word's n-gram rows and sums, about 1 kB: a table
ten times larger made a batch of mostly new words take 380 MB at 50,000 rows, and its hit
rate on such text is low (``benchmarks/batch_memory.py --distinct``)."""
Finder = Callable[[str], "int | None"]
"""A term's row, or None: :meth:`Weights.find <model_advisor.knowledge.weights.Weights.find>`
or the ``get`` of its table."""
_PUNCTUATION = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())


class _WordEntry(NamedTuple):
    """What one whitespace-separated word of a text contributes, cached per word."""

    chars: list[int]  # its known character n-grams (rows)
    grams: int  # how many character n-grams it has; 0 for a function word (no coverage)
    sums: Sums  # Weights.sums of ``chars``, then Weights.sums of ``unigrams``: one tuple
    tokens: tuple[str, ...]  # its word tokens as scikit-learn finds them, stop words dropped
    distinct: frozenset[int]  # ``chars`` as a set
    repeated: frozenset[int]  # the rows ``chars`` holds more than once ("ana" in "banana")
    unigrams: tuple[int, ...]  # the word rows of ``tokens`` (when single words are features)


class Features(NamedTuple):
    """How a text meets the model's vocabulary."""

    words: list[int]  # the row of each known word n-gram, once per occurrence
    word_norm: float  # the l2 norm of the word tf-idf vector
    logits: tuple[float, ...]  # both vectorizers' push toward each label, no intercept
    char_coverage: float  # share of the text's character n-grams the model knows
    known_words: int  # known single words of three letters or more


class TaskClassifier:
    """TF-IDF over word and character n-grams, then multinomial logistic regression.

    Example:
        >>> tasks = ["forecast sales", "write a poem", "do any job a human can"]
        >>> clf = TaskClassifier().fit(tasks, ["sorting", "making", "thinking"])
        >>> max(clf.predict_proba("forecast rain").items(), key=lambda kv: kv[1])[0]
        'sorting'
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] = Hyperparameters.word_ngrams,
        char_ngrams: tuple[int, int] = Hyperparameters.char_ngrams,
        regularization: float = Hyperparameters.regularization,
        random_state: int = Hyperparameters.random_state,
        stop_words: Literal["english"] | None = Hyperparameters.stop_words,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.regularization = regularization
        self.random_state = random_state
        self.stop_words = stop_words

    @classmethod
    def from_weights(cls, weights: ClassifierWeights) -> TaskClassifier:
        """A classifier computing with ``weights`` (trained already)."""
        classifier = cls(weights.word_ngrams, weights.char_ngrams)
        classifier._use(weights)
        return classifier

    def fit(self, texts: Sequence[str], labels: Sequence[Category]) -> TaskClassifier:
        """Train on ``texts`` labelled with ``labels`` (two categories or more); returns ``self``.

        Raises:
            ValueError: when the labels hold fewer than two categories.
        """
        params = Hyperparameters(
            word_ngrams=self.word_ngrams,
            char_ngrams=self.char_ngrams,
            regularization=self.regularization,
            random_state=self.random_state,
            stop_words=self.stop_words,
        )
        trained = fit_weights(texts, labels, params)
        self.pipeline_ = trained.pipeline
        self._use(trained.weights)
        return self

    def _use(self, weights: ClassifierWeights) -> None:
        self.weights_ = weights
        self.labels_ = weights.labels
        self.intercept_ = weights.intercept
        self.word_weights_, self.char_weights_ = weights.word, weights.char
        self.stop_words_ = weights.stop_words
        self._word_rows: dict[str, _WordEntry] = {}
        self._zeros = weights.char.sums(()) + weights.word.sums(())
        self._texts = 0

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise ModelFileError(
                "<memory>", "the classifier is not trained; call fit() first", "untrained"
            )

    def features(self, text: str, normalized: str | None = None) -> Features:
        """Return how ``text`` meets the model: known n-grams and their push on each label.

        ``normalized``, when given, is ``text`` as the classifier reads it: normalised and
        without its negated words (:attr:`Analysis.seen <model_advisor._text.Analysis>`).
        Neither word tokens nor character n-grams cross whitespace, so the text is read one
        whitespace-separated word at a time, and what each word contributes is cached: most
        words of a task have been seen before, and then cost one lookup. The share of known
        character n-grams is taken over content words only ("the", "hello" say nothing).
        """
        self._check_fitted()
        normalized = classifier_text(text) if normalized is None else normalized
        cache = self._word_rows
        # The first text finds its n-grams by binary search, the next ones in a table: a
        # command's one text does not wait for tables of every n-gram to be built.
        self._texts += 1
        first = self._texts == 1
        word_weights, char_weights = self.word_weights_, self.char_weights_
        find_word = word_weights.find if first else word_weights.index.get
        find_char = char_weights.find if first else char_weights.index.get
        chars: list[int] = []
        tokens: list[str] = []
        content_grams = content_known = 0
        per_word: list[Sums] = []  # each word's character sums, then its word sums
        words: list[int] = []
        seen: set[int] = set()  # the character rows so far, and those seen more than once
        repeated: set[int] = set()
        for word in normalized.split():
            entry = cache.get(word) or self._word_entry(word, find_char, find_word)
            known, count, sums, found, distinct, inner, unigrams = entry
            chars += known
            per_word.append(sums)
            if unigrams:
                words += unigrams
            if inner:
                repeated |= inner
            if not seen.isdisjoint(distinct):
                repeated |= seen & distinct
            seen |= distinct
            if found:
                tokens += found
            if count:
                content_grams += count
                content_known += len(known)
        grams = longer_ngrams(tokens, self.word_ngrams)
        longer = [row for g in grams if (row := find_word(g)) is not None]
        # both sides' sums over the words, column by column, in word order (adding a word's
        # zeros changes no sum); then the word n-grams that cross words
        totals = tuple(map(sum, zip(*per_word, strict=True))) if per_word else self._zeros
        width = len(totals) // 2
        char_totals, word_totals = totals[:width], totals[width:]
        if longer:
            words += longer
            word_totals = tuple(map(add, word_totals, word_weights.sums(longer)))
        word_z = word_weights.project(words, word_totals)
        char_z = self.char_weights_.project(chars, char_totals, repeated)
        # each one's last column is its squared norm
        word_norm = math.sqrt(word_z[-1]) or 1.0
        char_norm = math.sqrt(char_z[-1]) or 1.0
        logits = tuple(
            [a / word_norm + b / char_norm for a, b in zip(word_z[:-1], char_z[:-1], strict=True)]
        )
        known_words = word_weights.content_words(words)
        coverage = content_known / content_grams if content_grams else 0.0
        return Features(words, word_norm, logits, coverage, known_words)

    def _word_entry(self, word: str, find_char: Finder, find_word: Finder) -> _WordEntry:
        """What ``word`` contributes, its n-grams' rows found by ``find_char`` and
        ``find_word`` (a binary search or a table: the same rows)."""
        weights = self.char_weights_
        grams = _word_char_ngrams(word, *self.char_ngrams)
        known = [row for row in map(find_char, grams) if row is not None]
        content = is_content(word)
        tokens = tuple(word_tokens(word, self.stop_words_))
        distinct = frozenset(known)
        inner = frozenset(repeated_rows(known)) if len(distinct) != len(known) else frozenset()
        unigrams: tuple[int, ...] = ()
        if self.word_ngrams[0] == 1:
            unigrams = tuple(row for t in tokens if (row := find_word(t)) is not None)
        entry = _WordEntry(
            known,
            len(grams) if content else 0,
            weights.sums(known) + self.word_weights_.sums(unigrams),
            tokens,
            distinct,
            inner,
            unigrams,
        )
        if len(self._word_rows) >= WORD_CACHE_SIZE:
            self._word_rows.clear()
        self._word_rows[word] = entry
        return entry

    def predict_proba(self, text: str, features: Features | None = None) -> dict[Category, float]:
        """Return the probability of each category for ``text`` (a softmax of the logits)."""
        found = features or self.features(text)
        if len(self.labels_) == 3:  # the shipped knowledge's number, written out: see below
            return _softmax_three(self.labels_, found.logits, self.intercept_)
        logits = [z + b for z, b in zip(found.logits, self.intercept_, strict=True)]
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels_, exps, strict=True)}

    def top_terms(
        self, features: Features, category: Category, limit: int = 5
    ) -> list[tuple[str, float]]:
        """Return the word n-grams that pushed most toward ``category``, strongest first."""
        weights = self.word_weights_
        push = weights.push[self.labels_.index(category)]
        pushes = [
            (weights.terms[row], (1.0 + math.log(count)) * push[row] / features.word_norm)
            for row, count in Counter(features.words).items()
        ]
        return sorted((p for p in pushes if p[1] > 0), key=lambda p: (-p[1], p[0]))[:limit]


def _softmax_three(
    labels: tuple[Category, ...], logits: Sequence[float], intercept: Sequence[float]
) -> dict[Category, float]:
    """The softmax of :meth:`TaskClassifier.predict_proba` written out for three labels.

    It runs once per task of a batch, where for three items the comprehensions cost three
    times the arithmetic (measured with callgrind); the arithmetic and its order are the same.
    """
    (z0, z1, z2), (b0, b1, b2) = logits, intercept
    z0, z1, z2 = z0 + b0, z1 + b1, z2 + b2
    top = max(z0, z1, z2)
    e0, e1, e2 = math.exp(z0 - top), math.exp(z1 - top), math.exp(z2 - top)
    total = e0 + e1 + e2
    l0, l1, l2 = labels
    return {l0: e0 / total, l1: e1 / total, l2: e2 / total}


def word_tokens(word: str, stop_words: frozenset[str]) -> list[str]:
    """The word tokens of one whitespace-separated word, as scikit-learn finds them, without
    ``stop_words``."""
    if word.isalnum():  # most words: one token, the word itself (what TOKEN finds in it)
        return [word] if len(word) > 1 and word not in stop_words else []
    return [t for t in TOKEN.findall(word) if t not in stop_words]


def is_content(word: str) -> bool:
    """Whether a word's character n-grams count toward coverage: it has a letter and is not a
    function word ("the", "hello" say nothing about a task)."""
    if word.isalpha():  # most words: nothing to strip
        return word not in STOP_WORDS
    return any(map(str.isalpha, word)) and word.strip(_PUNCTUATION) not in STOP_WORDS


def longer_ngrams(tokens: list[str], ngrams: tuple[int, int]) -> list[str]:
    """Word n-grams of two words or more, as scikit-learn makes them (stop words dropped)."""
    low, high = ngrams
    grams: list[str] = []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        # n shifted views of the tokens, zipped: each n-gram joined in C
        shifted = [islice(tokens, i, None) for i in range(n)]
        grams.extend(map(" ".join, zip(*shifted, strict=False)))
    return grams


def _word_char_ngrams(word: str, low: int, high: int) -> list[str]:
    """The character n-grams of one word (no whitespace inside), padded with a space each
    side: scikit-learn's ``char_wb`` analyzer, which never crosses whitespace."""
    padded = f" {word} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if size <= n:
            grams.append(padded)  # a short word counts once, whole
            break
        grams += [padded[i : i + n] for i in range(size - n + 1)]
    return grams
