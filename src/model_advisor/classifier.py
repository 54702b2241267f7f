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

import base64
import csv
import hashlib
import json
import math
import os
import re
import sys
import tempfile
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._text import normalize
from .errors import ExampleDataError, ModelFileError, Problem
from .models import CATEGORIES, Category, Example

FORMAT = "model-advisor/tfidf-logreg"
FORMAT_VERSION = 1
MAX_MODEL_BYTES = 64_000_000
MAX_EXAMPLES_BYTES = 50_000_000
_WORD_CACHE_SIZE = 200_000

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_SPACES = re.compile(r"\s\s+")


class Weights:
    """The learned numbers of one vectorizer: for each n-gram its idf and category weights.

    Stored as one flat array of doubles (``width`` per n-gram) behind a term -> row index,
    which loads fast from base64 and keeps the memory of a large model small.
    """

    def __init__(self, terms: list[str], values: array[float], width: int) -> None:
        self.terms = terms
        self.values = values
        self.width = width
        self.index = {term: row for row, term in enumerate(terms)}

    def weight(self, term: str, k: int) -> float:
        """The weight of ``term`` for the ``k``-th label."""
        return self.values[self.index[term] * self.width + 1 + k]

    def encode(self) -> dict[str, Any]:
        data = self.values if sys.byteorder == "little" else _swapped(self.values)
        return {"terms": self.terms, "values": base64.b64encode(data.tobytes()).decode("ascii")}

    @classmethod
    def decode(cls, data: Any, width: int) -> Weights:
        terms, encoded = data["terms"], data["values"]
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise TypeError("terms must be a list of strings")
        if len(set(terms)) != len(terms):
            raise ValueError("terms are not unique")
        values = array("d")
        values.frombytes(base64.b64decode(encoded, validate=True))
        if sys.byteorder != "little":
            values = _swapped(values)
        if len(values) != len(terms) * width:
            raise ValueError("the number of weights does not match the terms")
        if not all(map(math.isfinite, values)):
            raise ValueError("weights must be finite numbers")
        return cls(terms, values, width)


def _swapped(values: array[float]) -> array[float]:
    copy = array("d", values)
    copy.byteswap()
    return copy


def load_examples(path: Path) -> list[Example]:
    """Read labelled example tasks from a CSV file with ``task`` and ``label`` columns.

    Raises:
        ExampleDataError: listing every bad row (unknown label, empty task) by CSV line.
    """
    shown = str(path)
    try:
        if path.stat().st_size > MAX_EXAMPLES_BYTES:
            message = f"larger than {MAX_EXAMPLES_BYTES} bytes"
            raise ExampleDataError([Problem(shown, code="file-too-large", message=message)])
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ExampleDataError(
            [Problem(shown, code="not-utf8", message=f"not UTF-8: {err.reason}")]
        ) from err
    except OSError as err:
        problem = Problem(
            shown, code="unreadable", message=f"cannot read the examples: {err.strerror}"
        )
        raise ExampleDataError([problem]) from err
    reader = csv.DictReader(text.splitlines(keepends=True))
    if reader.fieldnames is None or not {"task", "label"} <= set(reader.fieldnames):
        message = "the first line must be a header with `task` and `label` columns"
        raise ExampleDataError([Problem(shown, 1, code="bad-header", message=message)])
    examples: list[Example] = []
    problems: list[Problem] = []
    try:
        for row in reader:
            line = reader.line_num
            task, label = (row.get("task") or "").strip(), (row.get("label") or "").strip()
            if not task:
                problems.append(Problem(shown, line, code="empty-task", message="empty task"))
            elif label not in CATEGORIES:
                message = f"label {label!r} is not one of {', '.join(CATEGORIES)}"
                problems.append(Problem(shown, line, code="unknown-label", message=message))
            else:
                examples.append(Example(task=task, label=label, line=line))
    except csv.Error as err:
        problems.append(Problem(shown, reader.line_num, code="bad-csv", message=str(err)))
    if problems:
        raise ExampleDataError(problems)
    if len({e.label for e in examples}) < len(CATEGORIES):
        message = f"need examples of every category ({', '.join(CATEGORIES)})"
        raise ExampleDataError([Problem(shown, code="missing-category", message=message)])
    return examples


@dataclass(frozen=True)
class Features:
    """How a text meets the model's vocabulary."""

    word: dict[str, float]  # known word n-gram -> its tf-idf value (l2-normalised)
    logits: tuple[float, float, float]  # both vectorizers' push toward each label, no intercept
    char_coverage: float  # share of the text's character n-grams the model knows


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
        char_ngrams: tuple[int, int] = (2, 5),
        regularization: float = 10.0,
        random_state: int = 0,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.regularization = regularization
        self.random_state = random_state

    # --- training (scikit-learn) ---------------------------------------------------

    def build_pipeline(self) -> Any:
        """Return the unfitted scikit-learn pipeline this classifier trains."""
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline

        def vectorizer(analyzer: str, ngrams: tuple[int, int]) -> TfidfVectorizer:
            return TfidfVectorizer(
                analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True, dtype=np.float64
            )

        features = FeatureUnion(
            [
                ("word", vectorizer("word", self.word_ngrams)),
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
        self.pipeline_ = pipeline
        self.labels_: tuple[Category, ...] = tuple(pipeline.classes_)
        coef, intercept = pipeline["model"].coef_, pipeline["model"].intercept_
        self.intercept_ = [float(v) for v in intercept]
        union = pipeline["features"]
        offset = 0
        exported: list[Weights] = []
        width = len(self.labels_) + 1
        for _, vectorizer in union.transformer_list:
            terms = sorted(vectorizer.vocabulary_)
            values = array("d")
            for term in terms:
                column = offset + vectorizer.vocabulary_[term]
                values.append(float(vectorizer.idf_[column - offset]))
                values.extend(float(coef[k, column]) for k in range(len(self.labels_)))
            offset += len(terms)
            exported.append(Weights(terms, values, width))
        self.word_weights_, self.char_weights_ = exported
        self._word_rows: dict[str, tuple[tuple[int, ...], int]] = {}
        return self

    # --- prediction (plain Python) ---------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "labels_"):
            raise ModelFileError("<memory>", "the classifier is not trained; call fit() or load()")

    def features(self, text: str) -> Features:
        """Return the tf-idf features of ``text`` that the model knows."""
        self._check_fitted()
        normalized = normalize(text)
        word = _tfidf(_word_ngrams(normalized, self.word_ngrams), self.word_weights_)
        a0, a1, a2 = _dot(word, self.word_weights_)
        (b0, b1, b2), coverage = self._char_push(normalized)
        return Features(word, (a0 + b0, a1 + b1, a2 + b2), coverage)

    def _char_push(self, normalized: str) -> tuple[tuple[float, float, float], float]:
        """The character n-grams' push toward each label, and the share of grams known.

        Character n-grams never cross a word, so the known grams of each word are cached:
        most words of a task have been seen before, which makes this the cheap part.
        """
        weights, cache = self.char_weights_, self._word_rows
        rows: list[int] = []
        total = 0
        for token in normalized.split():
            entry = cache.get(token)
            if entry is None:
                grams = _char_ngrams(token, self.char_ngrams)
                index = weights.index
                entry = (tuple(index[g] for g in grams if g in index), len(grams))
                if len(cache) < _WORD_CACHE_SIZE:
                    cache[token] = entry
            rows.extend(entry[0])
            total += entry[1]
        numbers = weights.values
        z0 = z1 = z2 = squares = 0.0
        for row, count in Counter(rows).items():
            base = row * 4
            value = (1.0 + math.log(count) if count > 1 else 1.0) * numbers[base]
            squares += value * value
            z0 += value * numbers[base + 1]
            z1 += value * numbers[base + 2]
            z2 += value * numbers[base + 3]
        norm = math.sqrt(squares) or 1.0
        return (z0 / norm, z1 / norm, z2 / norm), (len(rows) / total if total else 0.0)

    def predict_proba(self, text: str, features: Features | None = None) -> dict[Category, float]:
        """Return the probability of each category for ``text``."""
        found = features or self.features(text)
        logits = [z + b for z, b in zip(found.logits, self.intercept_, strict=True)]
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels_, exps, strict=True)}

    def top_terms(
        self, features: Features, category: Category, limit: int = 5
    ) -> list[tuple[str, float]]:
        """Return the word n-grams that pushed most toward ``category``, strongest first."""
        k = self.labels_.index(category)
        pushes = [
            (term, value * self.word_weights_.weight(term, k))
            for term, value in features.word.items()
        ]
        return sorted((p for p in pushes if p[1] > 0), key=lambda p: (-p[1], p[0]))[:limit]

    # --- files ---------------------------------------------------------------------------

    def save(self, path: Path, knowledge_sha256: str) -> None:
        """Write the model to ``path`` atomically, stamped with the knowledge it came from."""
        self._check_fitted()
        from sklearn import __version__ as sklearn_version

        from . import __version__

        weights = {
            "intercept": self.intercept_,
            "word": self.word_weights_.encode(),
            "char": self.char_weights_.encode(),
        }
        body = json.dumps(weights, separators=(",", ":"), sort_keys=True, allow_nan=False).encode()
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "package_version": __version__,
            "sklearn_version": sklearn_version,
            "labels": list(self.labels_),
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams),
            "knowledge_sha256": knowledge_sha256,
            "weights_sha256": hashlib.sha256(body).hexdigest(),
        }
        data = json.dumps(header, sort_keys=True).encode() + b"\n" + body + b"\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

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
        header, intercept, word, char = _read_model(path)
        if knowledge_sha256 is not None and header["knowledge_sha256"] != knowledge_sha256:
            raise ModelFileError(
                str(path),
                "stale: trained from other rules or examples; retrain with `model-advisor train`",
            )
        classifier = cls(tuple(header["word_ngrams"]), tuple(header["char_ngrams"]))
        classifier.labels_ = tuple(header["labels"])
        classifier.intercept_ = intercept
        classifier.word_weights_, classifier.char_weights_ = word, char
        classifier._word_rows = {}
        return classifier


def _tfidf(grams: list[str], weights: Weights) -> dict[str, float]:
    """The l2-normalised sublinear tf-idf of the known n-grams."""
    index, numbers, width = weights.index, weights.values, weights.width
    values: dict[str, float] = {}
    for gram, count in Counter(grams).items():
        row = index.get(gram)
        if row is not None:
            values[gram] = (1.0 + math.log(count) if count > 1 else 1.0) * numbers[row * width]
    norm = math.sqrt(sum(v * v for v in values.values()))
    return {g: v / norm for g, v in values.items()} if norm else {}


def _dot(values: dict[str, float], weights: Weights) -> tuple[float, float, float]:
    """The push of tf-idf ``values`` toward each of the three labels."""
    index, numbers = weights.index, weights.values
    z0 = z1 = z2 = 0.0
    for gram, value in values.items():
        row = index[gram] * 4
        z0 += value * numbers[row + 1]
        z1 += value * numbers[row + 2]
        z2 += value * numbers[row + 3]
    return z0, z1, z2


def _word_ngrams(text: str, ngrams: tuple[int, int]) -> list[str]:
    tokens = _TOKEN.findall(text)
    low, high = ngrams
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
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


def _read_model(path: Path) -> tuple[dict[str, Any], list[float], Weights, Weights]:
    shown = str(path)
    rebuild = "rebuild it with `model-advisor train`"
    try:
        if path.stat().st_size > MAX_MODEL_BYTES:
            raise ModelFileError(shown, f"larger than {MAX_MODEL_BYTES} bytes; {rebuild}")
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise ModelFileError(shown, f"no model file; {rebuild}") from err
    except OSError as err:
        raise ModelFileError(shown, f"cannot read the model: {err.strerror}") from err
    head, _, body = raw.partition(b"\n")
    body = body.rstrip(b"\n")
    try:
        header = json.loads(head, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as err:
        raise ModelFileError(shown, f"not a model-advisor model (bad header); {rebuild}") from err
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(shown, f"not a model-advisor model file; {rebuild}")
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            shown,
            f"saved in format version {header.get('format_version')!r}, this "
            f"version reads {FORMAT_VERSION}; {rebuild}",
        )
    if hashlib.sha256(body).hexdigest() != header.get("weights_sha256"):
        raise ModelFileError(shown, f"corrupt or modified (checksum mismatch); {rebuild}")
    try:
        weights = json.loads(body, parse_constant=_reject_constant)
        _check_header(header)
        width = len(header["labels"]) + 1
        intercept = weights["intercept"]
        if len(intercept) != width - 1 or not all(type(v) is float for v in intercept):
            raise ValueError("intercept does not match the labels")
        word, char = Weights.decode(weights["word"], width), Weights.decode(weights["char"], width)
    except (ValueError, TypeError, KeyError, RecursionError) as err:
        raise ModelFileError(shown, f"malformed model ({err}); {rebuild}") from err
    return header, intercept, word, char


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed in a model file")


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
