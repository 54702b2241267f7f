"""Training the classifier with scikit-learn, and exporting what it learned as numbers.

The pipeline is word and character n-gram TF-IDF, then a multinomial logistic regression.
:func:`fit_weights` trains and calibrates it, and returns what it learned as
:class:`~.weights.ClassifierWeights`, which the engine computes with in plain Python, so
advising never imports scikit-learn (importing it alone costs several times a whole answer).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from .._script import TOKEN_PATTERN
from .._text import classifier_text
from ..types import Category
from .weights import ClassifierWeights, Weights


@dataclass(frozen=True)
class Hyperparameters:
    """How the classifier is built; the defaults are the ones every model is trained with."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (3, 5)
    min_pair_examples: int = 2
    """A pair of words is learned only when this many examples hold it (see
    :func:`vocabularies`); a single word is learned from one example."""
    min_char_examples: int = 3
    """A character n-gram is learned only when this many examples hold it, and in a large
    knowledge one in :attr:`char_examples_per` (6 of the shipped 12,522)."""
    char_examples_per: int = 2500
    regularization: float = 10.0
    tolerance: float = 1e-6
    """The optimiser stops when no weight's gradient passes this. At scikit-learn's 1e-4 it
    stopped after 40 steps on the shipped examples, short of the optimum: 53 of 14,586
    development texts were answered otherwise than by the fitted optimum, and a change to a
    few examples in one language moved 46 English answers. At 1e-6 (147 steps, twice the
    time to fit) the answers are those of the optimum (the same as at 1e-8), and that change
    moved 16."""
    random_state: int = 0
    stop_words: Literal["english"] | None = "english"
    calibration_folds: int = 5  # 0: no calibration (temperature 1)


Vocabularies = tuple[list[str], list[str]]
"""The word and the character n-grams a pipeline learns."""


def build_pipeline(params: Hyperparameters, learned: Vocabularies) -> Any:
    """Return the unfitted scikit-learn pipeline for ``params``, over the word and character
    n-grams ``learned``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    word, char = learned
    # Function words ("for our", "that") only teach the model quirks of the examples.
    features = FeatureUnion(
        [
            ("word", _vectorizer("word", params.word_ngrams, params.stop_words, word)),
            ("char", _vectorizer("char_wb", params.char_ngrams, None, char)),
        ]
    )
    model = LogisticRegression(
        C=params.regularization,
        tol=params.tolerance,
        max_iter=2000,
        random_state=params.random_state,
    )
    return Pipeline([("features", features), ("model", model)])


def vocabularies(read: Sequence[str], params: Hyperparameters) -> Vocabularies:
    """The n-grams worth learning from the texts ``read``: every single word, the pairs of
    words that ``params.min_pair_examples`` texts hold, and the character n-grams that
    ``params.min_char_examples`` hold (more in a large knowledge, see
    :attr:`Hyperparameters.char_examples_per`).

    An n-gram that only one example holds teaches one example's wording: in long examples most
    pairs of words are such, and keeping them doubled the model file and the time to load it,
    for no answer gained on the development sets; character n-grams, there for misspelt and
    unknown words, are kept from three examples on for the same reason (the same answers on
    the development sets and on misspelt tasks, a sixth of the model file less), and in a large
    knowledge from one in 2,500 (at 10,204 examples, from five rather than three: the same
    answers again, with 32% fewer character n-grams and a model file 15% smaller). A new word
    is kept even from one example: a user who adds one with a word the knowledge lacked
    expects it to be learned. (Should no n-gram of a kind be held often enough, as in a
    knowledge of two unlike examples, all are kept.)
    """
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    kept: list[list[str]] = []
    for analyzer, ngrams, stop_words, least in (
        ("word", params.word_ngrams, params.stop_words, params.min_pair_examples),
        ("char_wb", params.char_ngrams, None, _least_char_examples(len(read), params)),
    ):
        counts = CountVectorizer(**_splitting(analyzer, ngrams, stop_words))
        held = np.asarray((counts.fit_transform(read) > 0).sum(axis=0)).ravel()
        terms = [str(term) for term in counts.get_feature_names_out()]
        common = [
            term
            for term, examples in zip(terms, held, strict=True)
            if examples >= least or (analyzer == "word" and " " not in term)
        ]
        kept.append(common or terms)
    return kept[0], kept[1]


def _least_char_examples(examples: int, params: Hyperparameters) -> int:
    return max(params.min_char_examples, math.ceil(examples / params.char_examples_per))


def _vectorizer(
    analyzer: str,
    ngrams: tuple[int, int],
    stop_words: str | None,
    vocabulary: list[str],
) -> Any:
    """A TF-IDF vectorizer of the pipeline, over the n-grams ``vocabulary``."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        **_splitting(analyzer, ngrams, stop_words),
        vocabulary=vocabulary,
        sublinear_tf=True,
        dtype=np.float64,
    )


def _splitting(analyzer: str, ngrams: tuple[int, int], stop_words: str | None) -> dict[str, Any]:
    """The arguments that decide how a vectorizer splits a text into n-grams: the same for the
    counter of :func:`vocabularies` and the pipeline's vectorizers."""
    splitting = {"analyzer": analyzer, "ngram_range": ngrams, "stop_words": stop_words}
    if analyzer == "word":  # the engine's word tokens (:data:`~model_advisor._script.TOKEN`)
        splitting["token_pattern"] = TOKEN_PATTERN
    return splitting


class Trained(NamedTuple):
    """What :func:`fit_weights` learned."""

    weights: ClassifierWeights
    pipeline: Any  # the fitted scikit-learn pipeline the weights were taken from
    held_out: list[list[float]] | None
    """Each training text's calibrated probabilities (in the order of ``weights.labels``)
    from a model that did not see it; None when there were too few examples for the folds."""


def fit_weights(
    texts: Sequence[str],
    labels: Sequence[Category],
    params: Hyperparameters | None = None,
) -> Trained:
    """Train on ``texts`` labelled with ``labels``, and calibrate (:func:`held_out_logits`,
    :func:`best_temperature`).

    Raises:
        ValueError: when the labels hold fewer than two categories.
    """
    params = params or Hyperparameters()
    if len(set(labels)) < 2:
        raise ValueError("labels must hold at least two categories")
    read = [classifier_text(t) for t in texts]
    learned = vocabularies(read, params)
    pipeline = build_pipeline(params, learned).fit(read, list(labels))
    classes = [str(c) for c in pipeline.classes_]
    logits = held_out_logits(read, labels, params, learned)
    temperature, held_out = 1.0, None
    if logits is not None:
        truth = [classes.index(label) for label in labels]
        temperature = best_temperature(logits, truth)
        held_out = softmax(logits, temperature)
    model = pipeline["model"]
    model.coef_, model.intercept_ = model.coef_ / temperature, model.intercept_ / temperature
    union = pipeline["features"]
    coef, intercept = model.coef_, model.intercept_
    if len(classes) == 2:  # a binary model keeps one row: the second class's logit
        coef = [-coef[0] / 2, coef[0] / 2]
        intercept = [-intercept[0] / 2, intercept[0] / 2]
    else:
        intercept = list(intercept)
    offset = 0
    exported: list[Weights] = []
    for _, vectorizer in union.transformer_list:
        terms = sorted(vectorizer.vocabulary_)
        columns = [vectorizer.vocabulary_[t] for t in terms]
        idf = vectorizer.idf_[columns].tolist()
        shifted = [offset + c for c in columns]
        exported.append(Weights.from_fit(terms, idf, [row[shifted].tolist() for row in coef]))
        offset += len(terms)
    stop_words = union.transformer_list[0][1].get_stop_words() or ()
    weights = ClassifierWeights(
        labels=tuple(classes),
        intercept=tuple(float(v) for v in intercept),
        word=exported[0],
        char=exported[1],
        stop_words=frozenset(stop_words),
        word_ngrams=params.word_ngrams,
        char_ngrams=params.char_ngrams,
        temperature=temperature,
    )
    return Trained(weights, pipeline, held_out)


def held_out_logits(
    read: Sequence[str],
    labels: Sequence[Category],
    params: Hyperparameters,
    learned: Vocabularies,
) -> Any:
    """Each text's logits (a row per text, a column per sorted label) from a model that did
    not see it: stratified folds with a fixed seed, over the n-grams ``learned``. None when no
    folds are asked for or a category has fewer examples than folds.
    """
    import numpy as np
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = params.calibration_folds
    counts = np.unique(np.asarray(labels), return_counts=True)[1]
    if folds < 2 or counts.min() < folds:
        return None
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=params.random_state)
    logits = cross_val_predict(
        build_pipeline(params, learned),
        list(read),
        list(labels),
        cv=splitter,
        method="decision_function",
    )
    if logits.ndim == 1:  # binary: the second class's logit against the first's
        logits = np.stack([-logits / 2, logits / 2], axis=1)
    return logits


def best_temperature(scores: Any, truth: Sequence[int]) -> float:
    """The temperature that makes scores mean what they say.

    A model trained to separate a few hundred short texts is sure of too little or too much on
    new ones. ``scores`` are log-scores, a row per text that no part of the model learned from
    (the classifier's held-out logits, or the logarithms of the decision's held-out scores),
    and ``truth`` the column of each text's category. The temperature ``T`` that minimises their
    log-loss when divided by ``T`` is returned, searched on a fine grid of 0.1 to 10 so that it
    is the same on every machine.
    """
    import numpy as np

    scores = np.asarray(scores, dtype=np.float64)
    rows = np.arange(len(truth))
    best, best_loss = 1.0, math.inf
    for temperature in np.geomspace(0.1, 10.0, 401):
        scaled = _shifted(scores, temperature)
        log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        loss = -float(log_p[rows, truth].mean())
        if loss < best_loss - 1e-12:
            best, best_loss = float(temperature), loss
    return round(best, 6)


def softmax(logits: Any, temperature: float) -> list[list[float]]:
    """Each row of ``logits`` divided by ``temperature`` and turned into probabilities."""
    import numpy as np

    exp = np.exp(_shifted(logits, temperature))
    result: list[list[float]] = (exp / exp.sum(axis=1, keepdims=True)).tolist()
    return result


def _shifted(scores: Any, temperature: float) -> Any:
    """``scores`` divided by ``temperature``, each row less its largest value (so that its
    exponentials cannot overflow)."""
    import numpy as np

    scaled = np.asarray(scores, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    return scaled
