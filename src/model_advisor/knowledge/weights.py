"""What the classifier learned, as plain numbers: each n-gram's idf and per-category weights.

Training (:mod:`.training`) produces a :class:`ClassifierWeights`; the model file keeps it as
base64 columns of doubles; the engine's classifier (:mod:`model_advisor.engine.classifier`)
computes with it. Nothing here imports scikit-learn.
"""

from __future__ import annotations

import math
import operator
from array import array
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .._text import STOP_WORDS, is_unspaced_pair
from ..types import Category
from .modelfile import decode_column, encode_column

Sums = tuple[float, ...]
"""Per category the summed push of some n-grams, then their summed squared idf."""


def _content_word(term: str) -> bool:
    return (len(term) > 2 or is_unspaced_pair(term)) and " " not in term and term not in STOP_WORDS


class Weights:
    """The learned numbers of one vectorizer: each n-gram's idf and per-label coefficients.

    Kept as columns of doubles behind a term -> row index: they load fast from base64, and
    sums over many rows run in C (``sum(map(column.__getitem__, rows))``), not in a Python loop.
    """

    def __init__(self, terms: list[str], idf: array[float], coef: Sequence[array[float]]) -> None:
        self.terms = terms
        self.idf = idf
        self.coef = tuple(coef)
        self.index = dict(zip(terms, range(len(terms)), strict=True))
        # What one occurrence of an n-gram adds before the l2 normalisation, as plain lists:
        # itemgetter picks many items of a list in one C call, the fastest way to sum them here.
        self.idf_squared = list(map(operator.mul, idf, idf))
        self.push = tuple(list(map(operator.mul, idf, c)) for c in self.coef)
        self._columns = (*self.push, self.idf_squared)
        self._zeros: Sums = (0.0,) * len(self._columns)

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

    def encode(self) -> dict[str, Any]:
        return {
            "terms": self.terms,
            "idf": encode_column(self.idf),
            "coef": [encode_column(c) for c in self.coef],
        }

    @classmethod
    def decode(cls, data: Any, labels: int) -> Weights:
        """Read :meth:`encode` data back.

        Raises:
            ValueError, TypeError, KeyError: when the data does not have that shape.
        """
        terms = data["terms"]
        if not isinstance(terms, list):
            raise TypeError("terms must be a list of strings")
        "".join(terms)  # a TypeError unless every term is a string (one C loop)
        if not isinstance(data["coef"], list) or len(data["coef"]) != labels:
            raise ValueError("there must be one coefficient column per label")
        columns = [decode_column(data["idf"]), *(decode_column(c) for c in data["coef"])]
        if any(len(column) != len(terms) for column in columns):
            raise ValueError("the number of weights does not match the terms")
        weights = cls(terms, columns[0], columns[1:])
        if len(weights.index) != len(terms):
            raise ValueError("terms are not unique")
        return weights


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

    def encode(self) -> dict[str, Any]:
        return {
            "temperature": self.temperature,
            "labels": list(self.labels),
            "intercept": list(self.intercept),
            "word": self.word.encode(),
            "char": self.char.encode(),
            "stop_words": sorted(self.stop_words),
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams),
        }

    @classmethod
    def decode(cls, data: Any) -> ClassifierWeights:
        """Read :meth:`encode` data back, checking its shape.

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
            Weights.decode(data["word"], len(labels)),
            Weights.decode(data["char"], len(labels)),
            frozenset(stop_words),
            ranges[0],
            ranges[1],
            temperature,
        )


def repeated_rows(rows: Sequence[int]) -> list[int]:
    """The rows that ``rows`` holds more than once."""
    return [row for row, count in Counter(rows).items() if count > 1]
