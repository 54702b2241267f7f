"""The TF-IDF task classifier: trained with scikit-learn, run without it.

Training fits a scikit-learn pipeline (word and character n-gram TF-IDF, then a multinomial
logistic regression) and exports what it learned: for every n-gram its idf and one weight per
category. Prediction recomputes the same arithmetic in plain Python over those numbers, so
advising never imports scikit-learn (importing it alone costs several times a whole answer).
``tests/test_classifier.py`` checks that both paths give the same probabilities.

A model is saved as JSON, never as a pickle: loading it cannot run code. The file's first
line is a header (format version, package and scikit-learn versions, labels, the sha256 of
the knowledge it was trained from and of the weights); the second line holds the weights.
"""

from __future__ import annotations

import math
import operator
import re
from array import array
from collections import Counter
from collections.abc import Collection, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, Literal, NamedTuple

from ._modelfile import REBUILD, decode_column, encode_column, read_framed, write_framed
from ._text import STOP_WORDS, normalize
from .errors import ModelFileError
from .models import CATEGORIES, Category

FORMAT = "model-advisor/tfidf-logreg"
FORMAT_VERSION = 1
MAX_MODEL_BYTES = 64_000_000
_WORD_CACHE_SIZE = 200_000

_PUNCTUATION = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())


class _WordEntry(NamedTuple):
    """What one whitespace-separated word of a text contributes, cached per word."""

    chars: list[int]  # its known character n-grams (rows)
    grams: int  # how many character n-grams it has; 0 for a function word (no coverage)
    sums: tuple[float, float, float, float]  # Weights.sums of ``chars``
    tokens: tuple[str, ...]  # its word tokens as scikit-learn finds them, stop words dropped
    distinct: frozenset[int]  # ``chars`` as a set
    repeated: frozenset[int]  # the rows ``chars`` holds more than once ("ana" in "banana")
    unigrams: tuple[int, ...]  # the word rows of ``tokens`` (when single words are features)
    unigram_sums: tuple[float, float, float, float]  # Weights.sums of ``unigrams``


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_SPACES = re.compile(r"\s\s+")


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
        # rows of single content words ("weather", not "the" or "predict weather")
        self.content_rows = frozenset(
            row
            for row, term in enumerate(terms)
            if len(term) > 2 and " " not in term and term not in STOP_WORDS
        )
        # What one occurrence of an n-gram adds before the l2 normalisation, as plain lists:
        # itemgetter picks many items of a list in one C call, the fastest way to sum them here.
        self.idf_squared = list(map(operator.mul, idf, idf))
        self.push = tuple(list(map(operator.mul, idf, c)) for c in self.coef)

    def sums(self, rows: Sequence[int]) -> tuple[float, float, float, float]:
        """Sum over ``rows`` (repeats included) each label's push and the squared idf."""
        if not rows:
            return 0.0, 0.0, 0.0, 0.0
        p0, p1, p2 = self.push
        if len(rows) == 1:
            row = rows[0]
            return p0[row], p1[row], p2[row], self.idf_squared[row]
        pick = operator.itemgetter(*rows)
        return sum(pick(p0)), sum(pick(p1)), sum(pick(p2)), sum(pick(self.idf_squared))

    def project(
        self,
        rows: Sequence[int],
        sums: tuple[float, float, float, float] | None = None,
        repeated: Collection[int] | None = None,
    ) -> tuple[float, float, float, float]:
        """Each label's un-normalised logit and the squared norm of the tf-idf of ``rows``.

        ``sums`` (of :meth:`sums` over ``rows``, when known already) count every occurrence
        once; scikit-learn's sublinear tf counts an n-gram seen ``c`` times ``1 + log(c)``
        times, so repeated rows are corrected here. ``repeated``, when known already, holds
        exactly the rows that ``rows`` holds more than once.
        """
        z0, z1, z2, squares = sums if sums is not None else self.sums(rows)
        if repeated is None:
            repeated = [] if len(set(rows)) == len(rows) else _repeated(rows)
        if repeated:
            p0, p1, p2 = self.push
            for row in sorted(repeated):
                count = rows.count(row)
                tf = 1.0 + math.log(count)
                z0 += (tf - count) * p0[row]
                z1 += (tf - count) * p1[row]
                z2 += (tf - count) * p2[row]
                squares += (tf * tf - count) * self.idf_squared[row]
        return z0, z1, z2, squares

    def encode(self) -> dict[str, Any]:
        return {
            "terms": self.terms,
            "idf": encode_column(self.idf),
            "coef": [encode_column(c) for c in self.coef],
        }

    @classmethod
    def decode(cls, data: Any, labels: int) -> Weights:
        terms = data["terms"]
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise TypeError("terms must be a list of strings")
        if len(set(terms)) != len(terms):
            raise ValueError("terms are not unique")
        if not isinstance(data["coef"], list) or len(data["coef"]) != labels:
            raise ValueError("there must be one coefficient column per label")
        columns = [decode_column(data["idf"]), *(decode_column(c) for c in data["coef"])]
        if any(len(column) != len(terms) for column in columns):
            raise ValueError("the number of weights does not match the terms")
        return cls(terms, columns[0], columns[1:])


class Features(NamedTuple):
    """How a text meets the model's vocabulary."""

    words: list[int]  # the row of each known word n-gram, once per occurrence
    word_norm: float  # the l2 norm of the word tf-idf vector
    logits: tuple[float, float, float]  # both vectorizers' push toward each label, no intercept
    char_coverage: float  # share of the text's character n-grams the model knows
    known_words: int  # known single words of three letters or more


class TaskClassifier:
    """TF-IDF over word and character n-grams, then multinomial logistic regression.

    Example:
        >>> tasks = ["forecast sales", "write a poem", "do any job a human can"]
        >>> clf = TaskClassifier().fit(tasks, ["discriminative", "generative", "agi"])
        >>> max(clf.predict_proba("forecast rain").items(), key=lambda kv: kv[1])[0]
        'discriminative'
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 5),
        regularization: float = 10.0,
        random_state: int = 0,
        stop_words: Literal["english"] | None = "english",
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.regularization = regularization
        self.random_state = random_state
        self.stop_words = stop_words

    # --- training (scikit-learn) ---------------------------------------------------

    def build_pipeline(self) -> Any:
        """Return the unfitted scikit-learn pipeline this classifier trains."""
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline

        def vectorizer(analyzer: str, ngrams: tuple[int, int], **more: Any) -> TfidfVectorizer:
            return TfidfVectorizer(
                analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True, dtype=np.float64, **more
            )

        # Function words ("for our", "that") only teach the model quirks of the examples.
        features = FeatureUnion(
            [
                ("word", vectorizer("word", self.word_ngrams, stop_words=self.stop_words)),
                ("char", vectorizer("char_wb", self.char_ngrams)),
            ]
        )
        model = LogisticRegression(
            C=self.regularization, max_iter=2000, random_state=self.random_state
        )
        return Pipeline([("features", features), ("model", model)])

    def fit(self, texts: Sequence[str], labels: Sequence[Category]) -> TaskClassifier:
        """Train on ``texts`` labelled with ``labels``; returns ``self``.

        Raises:
            ValueError: unless the labels are exactly the three categories.
        """
        if sorted(set(labels)) != sorted(CATEGORIES):
            raise ValueError(f"labels must cover exactly {', '.join(CATEGORIES)}")
        pipeline = self.build_pipeline().fit([normalize(t) for t in texts], list(labels))
        self.stop_words_ = frozenset(
            pipeline["features"].transformer_list[0][1].get_stop_words() or ()
        )
        self.pipeline_ = pipeline
        self.labels_: tuple[Category, ...] = tuple(pipeline.classes_)
        coef, intercept = pipeline["model"].coef_, pipeline["model"].intercept_
        self.intercept_ = [float(v) for v in intercept]
        union = pipeline["features"]
        offset = 0
        exported: list[Weights] = []
        for _, vectorizer in union.transformer_list:
            terms = sorted(vectorizer.vocabulary_)
            columns = [vectorizer.vocabulary_[t] for t in terms]
            idf = array("d", vectorizer.idf_[columns].tolist())
            shifted = [offset + c for c in columns]
            exported.append(
                Weights(terms, idf, [array("d", row[shifted].tolist()) for row in coef])
            )
            offset += len(terms)
        self.word_weights_, self.char_weights_ = exported
        self._word_rows: dict[str, _WordEntry] = {}
        self.attachment_: Any = None
        return self

    # --- prediction (plain Python) ---------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "labels_"):
            raise ModelFileError(
                "<memory>", "the classifier is not trained; call fit() or load()", "untrained"
            )

    def features(self, text: str, normalized: str | None = None) -> Features:
        """Return how ``text`` meets the model: known n-grams and their push on each label.

        ``normalized``, when given, is ``text`` already normalised (it saves doing it again).
        Neither word tokens nor character n-grams cross whitespace, so the text is read one
        whitespace-separated word at a time, and what each word contributes is cached: most
        words of a task have been seen before, and then cost one lookup. The share of known
        character n-grams is taken over content words only ("the", "hello" say nothing).
        """
        self._check_fitted()
        normalized = normalize(text) if normalized is None else normalized
        cache = self._word_rows
        chars: list[int] = []
        tokens: list[str] = []
        content_grams = content_known = 0
        z0 = z1 = z2 = squares = 0.0
        w0 = w1 = w2 = word_squares = 0.0
        words: list[int] = []
        seen: set[int] = set()  # the character rows so far, and those seen more than once
        repeated: set[int] = set()
        for word in normalized.split():
            entry = cache.get(word) or self._word_entry(word)
            known, count, (s0, s1, s2, sq), found, distinct, inner, unigrams, unigram_sums = entry
            chars += known
            if unigrams:
                words += unigrams
                u0, u1, u2, usq = unigram_sums
                w0, w1, w2, word_squares = w0 + u0, w1 + u1, w2 + u2, word_squares + usq
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
            z0, z1, z2, squares = z0 + s0, z1 + s1, z2 + s2, squares + sq
        index = self.word_weights_.index
        grams = _longer_ngrams(tokens, self.word_ngrams)
        longer = [row for g in grams if (row := index.get(g)) is not None]
        if longer:
            words += longer
            l0, l1, l2, lsq = self.word_weights_.sums(longer)
            w0, w1, w2, word_squares = w0 + l0, w1 + l1, w2 + l2, word_squares + lsq
        a0, a1, a2, word_squares = self.word_weights_.project(words, (w0, w1, w2, word_squares))
        b0, b1, b2, char_squares = self.char_weights_.project(
            chars, (z0, z1, z2, squares), repeated
        )
        word_norm = math.sqrt(word_squares) or 1.0
        char_norm = math.sqrt(char_squares) or 1.0
        logits = (
            a0 / word_norm + b0 / char_norm,
            a1 / word_norm + b1 / char_norm,
            a2 / word_norm + b2 / char_norm,
        )
        known_words = len(self.word_weights_.content_rows.intersection(words))
        coverage = content_known / content_grams if content_grams else 0.0
        return Features(words, word_norm, logits, coverage, known_words)

    def _word_entry(self, word: str) -> _WordEntry:
        weights = self.char_weights_
        grams = _char_ngrams(word, self.char_ngrams)
        index = weights.index
        known = [row for g in grams if (row := index.get(g)) is not None]
        content = any(c.isalpha() for c in word) and word.strip(_PUNCTUATION) not in STOP_WORDS
        stop_words = self.stop_words_
        tokens = tuple(t for t in _TOKEN.findall(word) if t not in stop_words)
        distinct = frozenset(known)
        inner = frozenset(_repeated(known)) if len(distinct) != len(known) else frozenset()
        unigrams: tuple[int, ...] = ()
        if self.word_ngrams[0] == 1:
            rows = self.word_weights_.index
            unigrams = tuple(row for t in tokens if (row := rows.get(t)) is not None)
        entry = _WordEntry(
            known,
            len(grams) if content else 0,
            weights.sums(known),
            tokens,
            distinct,
            inner,
            unigrams,
            self.word_weights_.sums(unigrams),
        )
        if len(self._word_rows) < _WORD_CACHE_SIZE:
            self._word_rows[word] = entry
        return entry

    def predict_proba(self, text: str, features: Features | None = None) -> dict[Category, float]:
        """Return the probability of each category for ``text``."""
        found = features or self.features(text)
        # a softmax over the three labels, written out: it runs once per task of a batch
        (z0, z1, z2), (b0, b1, b2) = found.logits, self.intercept_
        z0, z1, z2 = z0 + b0, z1 + b1, z2 + b2
        top = max(z0, z1, z2)
        e0, e1, e2 = math.exp(z0 - top), math.exp(z1 - top), math.exp(z2 - top)
        total = e0 + e1 + e2
        l0, l1, l2 = self.labels_
        return {l0: e0 / total, l1: e1 / total, l2: e2 / total}

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

    # --- files ---------------------------------------------------------------------------

    def save(self, path: Path, knowledge_sha256: str, attachment: Any = None) -> None:
        """Write the model to ``path`` atomically, stamped with the knowledge it came from.

        Args:
            path: the file to write (its directory is created).
            knowledge_sha256: the hash of the knowledge the model was trained from.
            attachment: JSON data kept with the weights and returned by :meth:`load` as
                ``attachment_`` (the advisor keeps its compiled rules there).
        """
        self._check_fitted()
        from sklearn import __version__ as sklearn_version

        from . import __version__

        weights = {
            "intercept": self.intercept_,
            "word": self.word_weights_.encode(),
            "char": self.char_weights_.encode(),
            "stop_words": sorted(self.stop_words_),
            "attachment": attachment,
        }
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "package_version": __version__,
            "sklearn_version": sklearn_version,
            "labels": list(self.labels_),
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams),
            "knowledge_sha256": knowledge_sha256,
        }
        write_framed(path, header, weights)

    @classmethod
    def load(cls, path: Path, knowledge_sha256: str | None = None) -> TaskClassifier:
        """Read a model saved by :meth:`save`.

        Args:
            path: the model file.
            knowledge_sha256: when given, the model must have been trained from this knowledge.

        Raises:
            ModelFileError: missing, unreadable, corrupt, tampered with, from another format
                version, or trained from other knowledge. The message says how to rebuild it.
        """
        header, weights = _read_model(path)
        if knowledge_sha256 is not None and header["knowledge_sha256"] != knowledge_sha256:
            raise ModelFileError(
                str(path),
                "stale: trained from other rules or examples; retrain with `model-advisor train`",
                "stale",
            )
        classifier = cls(tuple(header["word_ngrams"]), tuple(header["char_ngrams"]))
        classifier.labels_ = tuple(header["labels"])
        classifier.intercept_ = weights["intercept"]
        classifier.word_weights_, classifier.char_weights_ = weights["word"], weights["char"]
        classifier.attachment_ = weights.get("attachment")
        classifier.stop_words_ = weights["stop_words"]
        classifier._word_rows = {}
        return classifier


def _repeated(rows: Sequence[int]) -> list[int]:
    """The rows that ``rows`` holds more than once."""
    return [row for row, count in Counter(rows).items() if count > 1]


def _longer_ngrams(tokens: list[str], ngrams: tuple[int, int]) -> list[str]:
    """Word n-grams of two words or more, as scikit-learn makes them (stop words dropped)."""
    low, high = ngrams
    grams: list[str] = []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        # n shifted views of the tokens, zipped: each n-gram joined in C
        shifted = [islice(tokens, i, None) for i in range(n)]
        grams.extend(map(" ".join, zip(*shifted, strict=False)))
    return grams


def _char_ngrams(text: str, ngrams: tuple[int, int]) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space (scikit-learn's char_wb)."""
    low, high = ngrams
    grams: list[str] = []
    for word in _SPACES.sub(" ", text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                grams.append(padded)  # a short word counts once, whole
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def _read_model(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read, check and decode a model file: its header, and its weights as Python objects."""
    header, weights = read_framed(path, FORMAT, FORMAT_VERSION, MAX_MODEL_BYTES)
    try:
        _check_header(header)
        labels = len(header["labels"])
        intercept = weights["intercept"]
        if len(intercept) != labels or not all(type(v) is float for v in intercept):
            raise ValueError("intercept does not match the labels")
        stop_words = weights.get("stop_words", [])
        if not isinstance(stop_words, list) or not all(isinstance(w, str) for w in stop_words):
            raise ValueError("stop_words must be a list of words")
        weights["stop_words"] = frozenset(stop_words)
        weights["word"], weights["char"] = (
            Weights.decode(weights["word"], labels),
            Weights.decode(weights["char"], labels),
        )
    except (ValueError, TypeError, KeyError) as err:
        raise ModelFileError(str(path), f"malformed model ({err}); {REBUILD}") from err
    return header, weights


def _check_header(header: dict[str, Any]) -> None:
    labels = header["labels"]
    if not isinstance(labels, list) or sorted(labels) != sorted(CATEGORIES):
        raise ValueError(f"labels {labels!r} are not the three categories")
    for key in ("word_ngrams", "char_ngrams"):
        low, high = header[key]
        if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high <= 10):
            raise ValueError(f"{key} {header[key]!r} is not a valid range")
    if not isinstance(header["knowledge_sha256"], str):
        raise ValueError("knowledge_sha256 is missing")
