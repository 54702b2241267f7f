"""The classifier over a chunk of texts (numpy) against the one-text classifier (plain Python)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_classifier import CATEGORIES, ODD_TEXTS, SHIPPED_EXAMPLES

from model_advisor import Advisor, InvalidTaskError, load_examples
from model_advisor._text import Analysis, classifier_text
from model_advisor.engine import chunked
from model_advisor.engine.chunked import ChunkClassifier
from model_advisor.engine.classifier import Features, TaskClassifier
from model_advisor.engine.pipeline import CHUNK_AT_ONCE

SYLLABLES = [c + v for c in "bcdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ou")]
WORDS = "predict write classify draft poem image sales don't not without the of tag whether".split()


def made_up_tasks(count: int, seed: int) -> list[str]:
    """Tasks mixing real words with made-up ones, so most words are new to the model."""
    rng = random.Random(seed)
    verbs = ["predict", "write", "classify", "draft", "detect", "paint", "summarise", "rank"]
    words = ["the", "of", "sales", "emails", "photos", "poems", "x-ray", "3d", "don't", "a"]
    tasks = []
    for _ in range(count):
        parts = [rng.choice(verbs)]
        for _ in range(rng.randint(1, 20)):
            if rng.random() < 0.5:
                parts.append(rng.choice(words))
            else:
                parts.append("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 5))))
        tasks.append(" ".join(parts))
    return tasks


def assert_same(chunked: list[Features], one_by_one: list[Features], texts: list[str]) -> None:
    for ours, theirs, text in zip(chunked, one_by_one, texts, strict=True):
        assert ours.words == theirs.words, text
        assert ours.known_words == theirs.known_words, text
        assert ours.char_coverage == pytest.approx(theirs.char_coverage, abs=1e-12), text
        assert ours.word_norm == pytest.approx(theirs.word_norm, abs=1e-12), text
        assert ours.logits == pytest.approx(theirs.logits, abs=1e-12), text


@pytest.fixture(scope="module")
def trained() -> TaskClassifier:
    examples = load_examples(SHIPPED_EXAMPLES, CATEGORIES)
    return TaskClassifier().fit([e.task for e in examples], [e.label for e in examples])


def test_chunk_features_equal_the_one_text_features(trained: TaskClassifier) -> None:
    texts = [classifier_text(t) for t in [*ODD_TEXTS, *made_up_tasks(1500, seed=3)]]
    chunked = ChunkClassifier(trained.weights_).features(texts)
    assert_same(chunked, [trained.features(t, t) for t in texts], texts)


def test_more_texts_than_one_go_are_scored_in_goes_with_the_same_results(
    trained: TaskClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [classifier_text(t) for t in made_up_tasks(250, seed=4)]
    whole = ChunkClassifier(trained.weights_).features(texts)
    monkeypatch.setattr(chunked, "AT_MOST", 64)
    assert ChunkClassifier(trained.weights_).features(texts) == whole


def test_short_words_and_other_ngram_ranges_match_too() -> None:
    # n-grams from 4 characters: a word of one letter (" a ", three) counts once, whole;
    # word trigrams cross the runs of known words
    examples = load_examples(SHIPPED_EXAMPLES, CATEGORIES)
    classifier = TaskClassifier(word_ngrams=(1, 3), char_ngrams=(4, 6)).fit(
        [e.task for e in examples], [e.label for e in examples]
    )
    texts = [classifier_text(t) for t in [*ODD_TEXTS, "a b c i o", *made_up_tasks(300, seed=5)]]
    chunked = ChunkClassifier(classifier.weights_).features(texts)
    assert_same(chunked, [classifier.features(t, t) for t in texts], texts)


def test_an_alphabet_too_large_to_pack_is_refused_and_the_engine_scores_one_by_one(
    tmp_path: Path,
) -> None:
    # 300 distinct characters need 9 bits each: n-grams of up to 8 do not fit 63 bits
    rng = random.Random(1)
    letters = [chr(0x4E00 + i) for i in range(300)]
    texts = ["".join(rng.choice(letters) for _ in range(8)) for _ in range(60)]
    labels = [CATEGORIES[i % 2] for i in range(60)]
    classifier = TaskClassifier(char_ngrams=(3, 8)).fit(texts, labels)
    with pytest.raises(ValueError, match="do not pack"):
        ChunkClassifier(classifier.weights_)


def test_a_model_of_single_words_only_scores_the_same() -> None:
    # no word pairs at all: the pairs are looked for one text at a time, in Python
    examples = load_examples(SHIPPED_EXAMPLES, CATEGORIES)
    classifier = TaskClassifier(word_ngrams=(1, 1)).fit(
        [e.task for e in examples], [e.label for e in examples]
    )
    texts = [classifier_text(t) for t in made_up_tasks(200, seed=6)]
    chunked = ChunkClassifier(classifier.weights_).features(texts)
    assert_same(chunked, [classifier.features(t, t) for t in texts], texts)


def test_decide_many_equals_decide_for_a_chunk(shipped: Advisor) -> None:
    tasks = [*made_up_tasks(CHUNK_AT_ONCE * 3, seed=8), "", "write a poem " * 2000]
    engine = shipped.engine
    decided = engine.decide_many(tasks)
    for task, many in zip(tasks, decided, strict=True):
        if not task.strip():
            assert isinstance(many, InvalidTaskError)
            continue
        assert not isinstance(many, InvalidTaskError)
        one = engine.decide(task)
        assert many.decision.category == one.decision.category, task
        assert many.decision.confidence == pytest.approx(one.decision.confidence, abs=1e-12)
        assert many.decision.ambiguous == one.decision.ambiguous, task
        assert many.probabilities == pytest.approx(one.probabilities, abs=1e-12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=120),
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join),
        ),
        min_size=CHUNK_AT_ONCE,
        max_size=CHUNK_AT_ONCE + 20,
    )
)
def test_brief_many_of_any_texts_answers_as_advise_does(shipped: Advisor, tasks: list[str]) -> None:
    for task, brief in zip(tasks, shipped.brief_many(tasks), strict=True):
        if isinstance(brief, InvalidTaskError):
            assert not task.strip()
            continue
        advice = shipped.advise(task)
        assert brief.decision.category == advice.category, task
        assert round(brief.decision.confidence, 4) == advice.confidence, task
        assert brief.decision.ambiguous == advice.ambiguous, task


def test_analysing_many_equals_analysing_each() -> None:
    texts = [*ODD_TEXTS, *made_up_tasks(200, seed=9)]
    assert Analysis.many(texts) == [Analysis.of(t) for t in texts]


def test_a_single_advice_does_not_load_numpy_or_the_table_reader() -> None:
    script = (
        "import sys\n"
        "from model_advisor import Advisor\n"
        "Advisor.default().advise('forecast the weather')\n"
        "Advisor.default().brief('forecast the weather')\n"
        "print(*(m in sys.modules for m in ('numpy', 'scipy', 'model_advisor._table')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False", "False"]
