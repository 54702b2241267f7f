"""What the classifier learned, as plain numbers: what each n-gram adds to each category.

Training (:mod:`.training`) produces a :class:`ClassifierWeights`; the model file keeps its
terms as tab-separated text and its numbers as base64 columns of doubles; the engine's classifier
(:mod:`model_advisor.engine.classifier`) computes with it. Nothing here imports scikit-learn.
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Any

from .._text import STOP_WORDS, is_unspaced_pair
from ..types import Category
from .modelfile import Part, columns_part, read_columns, read_words_part, words_part

Sums = tuple[float, ...]
"""Per category the summed push of some n-grams, then their summed squared idf."""


def _content_word(term: str) -> bool:
    return (len(term) > 2 or is_unspaced_pair(term)) and " " not in term and term not in STOP_WORDS


class Weights:
    """The learned numbers of one vectorizer, per n-gram: what one occurrence of it adds to each
    label's logit before the l2 normalisation (its idf times the label's coefficient: its
    "push"), and its squared idf (what it adds to the squared norm).

    ``terms`` are sorted and unique; a term's row is found by :meth:`find` (a binary search)
    or in :attr:`index` (a table, built on first use). The numbers are columns behind the
    rows: itemgetter picks many items of a column in one C call, so sums over many rows run
    in C (``sum(map(column.__getitem__, rows))``), not in a Python loop. They are stored as
    computed, so loading multiplies nothing.
    """

    def __init__(
        self, terms: list[str], push: Sequence[Sequence[float]], idf_squared: Sequence[float]
    ) -> None:
        self.terms = terms
        self.push = tuple(push)
        self.idf_squared = idf_squared
        self._columns = (*self.push, self.idf_squared)
        self._zeros: Sums = (0.0,) * len(self._columns)

    @classmethod
    def from_fit(
        cls, terms: list[str], idf: Sequence[float], coef: Sequence[Sequence[float]]
    ) -> Weights:
        """The weights of a fitted vectorizer (``idf`` per term of the sorted ``terms``) and
        model (``coef``: per label, a coefficient per term)."""
        push = [list(map(operator.mul, idf, column)) for column in coef]
        return cls(terms, push, list(map(operator.mul, idf, idf)))

    @cached_property
    def index(self) -> dict[str, int]:
        """Each term's row. Building it takes a few milliseconds (a cold start's
        single text uses :meth:`find` instead); a second text pays them back."""
        return dict(zip(self.terms, range(len(self.terms)), strict=True))

    def find(self, term: str) -> int | None:
        """``term``'s row, or None, without :attr:`index`."""
        terms = self.terms
        row = bisect_left(terms, term)
        return row if row < len(terms) and terms[row] == term else None

    @cached_property
    def content_rows(self) -> frozenset[int]:
        """Rows of single content words ("weather" or "天気", not "the" or "predict weather"),
        for a batch; found on first use (only the word vectorizer's are ever asked for)."""
        return frozenset(row for row, term in enumerate(self.terms) if _content_word(term))

    def content_words(self, rows: Collection[int]) -> int:
        """How many distinct content words ``rows`` hold: :attr:`content_rows` for one text,
        without the scan of every term that a cold start would pay for it."""
        terms = self.terms
        return sum(1 for row in set(rows) if _content_word(terms[row]))

    def sums(self, rows: Sequence[int]) -> Sums:
        """Sum over ``rows`` (repeats included) each label's push, then the squared idf."""
        if not rows:
            return self._zeros
        if len(rows) == 1:
            return tuple(map(operator.itemgetter(rows[0]), self._columns))
        return tuple(map(sum, map(operator.itemgetter(*rows), self._columns)))

    def project(
        self,
        rows: Sequence[int],
        sums: Sums | None = None,
        repeated: Collection[int] | None = None,
    ) -> Sums:
        """Each label's un-normalised logit and the squared norm of the tf-idf of ``rows``.

        ``sums`` (of :meth:`sums` over ``rows``, when known already) count every occurrence
        once; scikit-learn's sublinear tf counts an n-gram seen ``c`` times ``1 + log(c)``
        times, so repeated rows are corrected here. ``repeated``, when known already, holds
        exactly the rows that ``rows`` holds more than once.
        """
        totals = sums if sums is not None else self.sums(rows)
        if repeated is None:
            repeated = [] if len(set(rows)) == len(rows) else repeated_rows(rows)
        if not repeated:
            return totals
        corrected = list(totals)
        columns = self._columns
        last = len(columns) - 1
        for row in sorted(repeated):
            count = rows.count(row)
            tf = 1.0 + math.log(count)
            for i in range(last):
                corrected[i] += (tf - count) * columns[i][row]
            corrected[last] += (tf * tf - count) * columns[last][row]
        return tuple(corrected)

    def encode(self) -> dict[str, bytes]:
        """Two parts of a model file: the terms, and the numbers of each row."""
        return {"terms": words_part(self.terms), "weights": columns_part(self._columns)}

    @classmethod
    def decode(cls, parts: Mapping[str, Part], labels: int) -> Weights:
        """Read :meth:`encode` parts back.

        Raises:
            ValueError, KeyError: when the parts do not have that shape.
        """
        terms = read_words_part(parts["terms"])
        if not all(map(operator.lt, terms, islice(terms, 1, None))):
            raise ValueError("terms are not sorted and unique")
        *push, idf_squared = read_columns(parts["weights"], labels + 1, len(terms))
        return cls(terms, push, idf_squared)


@dataclass(frozen=True)
class ClassifierWeights:
    """A trained TF-IDF + logistic-regression classifier, as numbers (no scikit-learn)."""

    labels: tuple[Category, ...]  # in the order of the coefficient columns
    intercept: tuple[float, ...]
    word: Weights
    char: Weights
    stop_words: frozenset[str]
    word_ngrams: tuple[int, int]
    char_ngrams: tuple[int, int]
    temperature: float = 1.0
    """What the fitted logits were divided by (already applied to the weights): the
    calibration that :func:`~.training.fit_temperature` found."""

    def encode(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        """What a model file keeps: the settings, for its body, and the two vectorizers'
        terms and numbers as parts of their own (``word.terms``, ``char.weights``...)."""
        settings = {
            "temperature": self.temperature,
            "labels": list(self.labels),
            "intercept": list(self.intercept),
            "stop_words": sorted(self.stop_words),
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams),
        }
        parts = {
            f"{name}.{key}": part
            for name, weights in (("word", self.word), ("char", self.char))
            for key, part in weights.encode().items()
        }
        return settings, parts

    @classmethod
    def decode(cls, data: Any, parts: Mapping[str, Part]) -> ClassifierWeights:
        """Read :meth:`encode` data and parts back, checking their shape.

        Raises:
            ValueError, TypeError, KeyError: when the data does not have that shape.
        """
        labels = data["labels"]
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise ValueError("labels must be a list of category ids")
        if len(labels) < 2 or len(set(labels)) != len(labels):
            raise ValueError(f"labels {labels!r} must be two or more distinct categories")
        intercept = data["intercept"]
        if len(intercept) != len(labels) or not all(type(v) is float for v in intercept):
            raise ValueError("intercept does not match the labels")
        if not all(map(math.isfinite, intercept)):
            raise ValueError("intercept must be finite numbers")
        stop_words = data["stop_words"]
        if not isinstance(stop_words, list) or not all(isinstance(w, str) for w in stop_words):
            raise ValueError("stop_words must be a list of words")
        ranges = []
        for key in ("word_ngrams", "char_ngrams"):
            low, high = data[key]
            if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high <= 10):
                raise ValueError(f"{key} {data[key]!r} is not a valid range")
            ranges.append((low, high))
        temperature = data.get("temperature", 1.0)
        if type(temperature) is not float or not (0 < temperature < math.inf):
            raise ValueError("temperature must be a positive number")
        return cls(
            tuple(labels),
            tuple(intercept),
            Weights.decode(_parts_of("word", parts), len(labels)),
            Weights.decode(_parts_of("char", parts), len(labels)),
            frozenset(stop_words),
            ranges[0],
            ranges[1],
            temperature,
        )


def _parts_of(name: str, parts: Mapping[str, Part]) -> dict[str, Part]:
    return {key: parts[f"{name}.{key}"] for key in ("terms", "weights")}


def repeated_rows(rows: Sequence[int]) -> list[int]:
    """The rows that ``rows`` holds more than once."""
    return [row for row, count in Counter(rows).items() if count > 1]
