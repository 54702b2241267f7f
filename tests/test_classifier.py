"""The task classifier: training, plain-Python prediction, model files and example data."""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model_advisor import ExampleDataError, ModelFileError, load_examples
from model_advisor._text import classifier_text
from model_advisor.engine.classifier import TaskClassifier
from model_advisor.knowledge.training import (
    Hyperparameters,
    best_temperature,
    fit_weights,
    vocabularies,
)

CATEGORIES = ("discriminative", "generative", "agi")  # the shipped knowledge's, in order


DATA = Path(__file__).parent / "data"
TINY_EXAMPLES = DATA / "knowledge" / "examples.csv"
SHIPPED_EXAMPLES = Path(__file__).parents[1] / "rules" / "examples.csv"
STAMP = "0" * 64

ODD_TEXTS = [
    "",
    " ",
    "\t\n",
    "a",
    "ab",
    "x" * 5_000,
    "predict " * 200,
    "Predict   THE\tweather\n\ntomorrow",
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9",
    "\ufb01ne-tune a model",  # the "fi" ligature, NFKC-normalised
    "\u0130stanbul \u01c5 stra\u00dfe",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3092\u66f8\u304f",
    "\u0437\u0430\u043f\u0438\u0448\u0438 \u0441\u0442\u0438\u0445\u0438",
    "word\u00a0with\u2003odd\u3000spaces",
    "emoji \U0001f600\U0001f680 rocket",
    "lone \ud800 surrogate",
    "under_scores and-hyphens, punctuation!!! 123 4567",
    "write a poem write a poem write a poem",
    "banana bandana cabana",  # n-grams repeated inside one word and across words
    "forecast forecasting forecasts, then forecast again",
    "\x00\x01 control",
    "मौसम का पूर्वानुमान",  # marks in words
    "\u0301a \u094d_\u0915\u093e_x \u0bb5\u0bbf",  # a mark first, marks beside underscores
]


@pytest.fixture(scope="module")
def examples() -> list[Any]:
    return load_examples(SHIPPED_EXAMPLES, CATEGORIES)


@pytest.fixture(scope="module")
def trained(examples: list[Any]) -> TaskClassifier:
    return TaskClassifier().fit([e.task for e in examples], [e.label for e in examples])


@pytest.fixture(scope="module")
def tiny() -> TaskClassifier:
    tiny_examples = load_examples(TINY_EXAMPLES, CATEGORIES)
    return TaskClassifier().fit([e.task for e in tiny_examples], [e.label for e in tiny_examples])


def sklearn_proba(classifier: TaskClassifier, text: str) -> dict[str, float]:
    row = classifier.pipeline_.predict_proba([classifier_text(text)])[0]
    return {
        str(label): float(p) for label, p in zip(classifier.pipeline_.classes_, row, strict=True)
    }


def assert_same_as_sklearn(classifier: TaskClassifier, text: str) -> None:
    ours = {str(k): v for k, v in classifier.predict_proba(text).items()}
    theirs = sklearn_proba(classifier, text)
    assert set(ours) == set(theirs) == set(CATEGORIES)
    for label, value in theirs.items():
        assert math.isclose(ours[label], value, rel_tol=0, abs_tol=1e-9), (text, label)


# --- training ------------------------------------------------------------------------


def test_classifier_init_stores_its_arguments_without_learned_state() -> None:
    classifier = TaskClassifier(word_ngrams=(1, 3), char_ngrams=(3, 4), regularization=2.0)

    assert (classifier.word_ngrams, classifier.char_ngrams) == ((1, 3), (3, 4))
    assert (classifier.regularization, classifier.random_state) == (2.0, 0)
    for learned in ("labels_", "pipeline_", "intercept_", "word_weights_", "char_weights_"):
        assert not hasattr(classifier, learned), learned


def test_classifier_fit_returns_self() -> None:
    tiny_examples = load_examples(TINY_EXAMPLES, CATEGORIES)
    classifier = TaskClassifier()

    result = classifier.fit([e.task for e in tiny_examples], [e.label for e in tiny_examples])

    assert result is classifier
    assert sorted(classifier.labels_) == sorted(CATEGORIES)


@pytest.mark.parametrize(
    "use",
    [
        lambda c: c.predict_proba("predict the weather"),
        lambda c: c.features("predict the weather"),
    ],
    ids=["predict_proba", "features"],
)
def test_classifier_use_before_fit_raises_model_file_error(
    use: Callable[[TaskClassifier], object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(ModelFileError, match="not trained") as caught:
        use(TaskClassifier())
    assert caught.value.code == "untrained"
    assert not (tmp_path / "never-written.json").exists()


def test_classifier_fit_rejects_a_single_category() -> None:
    with pytest.raises(ValueError, match="at least two categories"):
        TaskClassifier().fit(["predict sales", "forecast rain"], ["discriminative"] * 2)


@pytest.mark.parametrize(
    "labels",
    [
        ("discriminative", "generative"),
        ("discriminative", "generative", "agi", "agent"),
    ],
    ids=["two", "four"],
)
def test_classifier_matches_sklearn_for_any_number_of_categories(
    examples: list[Any], labels: tuple[str, ...]
) -> None:
    chosen = [e for e in examples if e.label in labels]
    texts, answers = [e.task for e in chosen], [e.label for e in chosen]
    if "agent" in labels:  # a fourth category, made of a slice of the discriminative ones
        answers = [
            "agent" if i % 4 == 0 and a == "discriminative" else a for i, a in enumerate(answers)
        ]
    classifier = TaskClassifier().fit(texts, answers)

    assert set(classifier.labels_) == set(labels)
    for text in [*ODD_TEXTS, *texts[:60]]:
        ours = classifier.predict_proba(text)
        theirs = sklearn_proba(classifier, text)
        assert set(ours) == set(theirs) == set(labels)
        for label, value in theirs.items():
            assert math.isclose(ours[label], value, rel_tol=0, abs_tol=1e-9), (text, label)


def test_classifier_probabilities_cover_the_categories(trained: TaskClassifier) -> None:
    for text in ["forecast sales next quarter", "write a birthday poem", "replace every employee"]:
        proba = trained.predict_proba(text)
        assert set(proba) == set(CATEGORIES)
        assert sum(proba.values()) == pytest.approx(1.0)
        assert all(0 < p < 1 for p in proba.values())


def test_classifier_learns_the_obvious_cases(trained: TaskClassifier) -> None:
    def best(text: str) -> str:
        proba = trained.predict_proba(text)
        return max(proba, key=proba.__getitem__)

    assert best("classify customer emails as spam or not spam") == "discriminative"
    assert best("write a short poem about the sea") == "generative"


def test_classifier_top_terms_push_toward_the_category(trained: TaskClassifier) -> None:
    features = trained.features("write a poem about spring")

    terms = trained.top_terms(features, "generative", limit=3)

    assert 0 < len(terms) <= 3
    assert all(weight > 0 for _, weight in terms)
    assert [w for _, w in terms] == sorted((w for _, w in terms), reverse=True)
    # stop words are dropped before words are paired, so "write poem" is a term of this text
    assert all(set(term.split()) <= set("write a poem about spring".split()) for term, _ in terms)


# --- plain Python equals scikit-learn ------------------------------------------------


def test_classifier_matches_sklearn_on_every_example(
    trained: TaskClassifier, examples: list[Any]
) -> None:
    tasks = [e.task for e in examples]
    rows = trained.pipeline_.predict_proba([classifier_text(t) for t in tasks])
    labels = [str(label) for label in trained.pipeline_.classes_]

    assert len(tasks) >= 300
    for task, row in zip(tasks, rows, strict=True):
        ours = {str(k): v for k, v in trained.predict_proba(task).items()}
        for label, value in zip(labels, row, strict=True):
            assert math.isclose(ours[label], float(value), rel_tol=0, abs_tol=1e-9), task


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
def test_classifier_matches_sklearn_on_odd_text(trained: TaskClassifier, text: str) -> None:
    assert_same_as_sklearn(trained, text)


def test_classifier_matches_sklearn_on_other_ngram_ranges() -> None:
    tiny_examples = load_examples(TINY_EXAMPLES, CATEGORIES)
    classifier = TaskClassifier(word_ngrams=(2, 3), char_ngrams=(1, 3), regularization=1.0)
    classifier.fit([e.task for e in tiny_examples], [e.label for e in tiny_examples])

    for text in [*ODD_TEXTS, *(e.task for e in tiny_examples)]:
        assert_same_as_sklearn(classifier, text)


def _vocabulary() -> list[str]:
    with SHIPPED_EXAMPLES.open(encoding="utf-8-sig") as handle:
        return sorted({w for line in handle for w in line.lower().split(",")[0].split()})[:2000]


TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(_vocabulary()), max_size=30).map(" ".join),
    st.lists(
        st.one_of(st.sampled_from(_vocabulary()), st.text(min_size=1, max_size=12)), max_size=20
    ).map(" ".join),
    st.text(alphabet="abcdefghij", min_size=50, max_size=3_000),
    st.text(alphabet=" \t\n\r\u00a0\u2003\u3000\u0085ab\u00e9\u0130\ufb01", max_size=60),
    # Devanagari and Tamil letters with their vowel signs and viramas, a combining accent
    st.text(alphabet=" _a\u092e\u0915\u093e\u094c\u094d\u0902\u0b95\u0bcd\u0301-", max_size=60),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_classifier_matches_sklearn_on_generated_text(trained: TaskClassifier, text: str) -> None:
    assert_same_as_sklearn(trained, text)


# --- example data --------------------------------------------------------------------


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "examples.csv"
    path.write_bytes(text.encode(encoding))
    return path


GOOD_ROWS = "predict sales,discriminative\nwrite a poem,generative\ndo every job,agi\n"


def example_problems(path: Path) -> list[tuple[int, str]]:
    with pytest.raises(ExampleDataError) as caught:
        load_examples(path, CATEGORIES)
    for problem in caught.value.problems:
        assert problem.path == str(path)
    return [(p.line, p.code) for p in caught.value.problems]


def test_load_examples_reads_tasks_labels_and_lines() -> None:
    examples = load_examples(TINY_EXAMPLES, CATEGORIES)

    assert len(examples) == 30
    assert (examples[0].task, examples[0].label, examples[0].line) == (
        "predict the weather",
        "discriminative",
        2,
    )
    assert examples[-1].line == 31
    assert {e.label for e in examples} == set(CATEGORIES)


def test_load_examples_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "\ufefftask,label\n" + GOOD_ROWS)

    examples = load_examples(path, CATEGORIES)

    assert [e.task for e in examples] == ["predict sales", "write a poem", "do every job"]


def test_load_examples_accepts_extra_columns_in_any_order(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "label,source,task\ndiscriminative,x,predict\ngenerative,y,write\nagi,z,all\n"
    )

    assert [(e.task, e.label) for e in load_examples(path, CATEGORIES)] == [
        ("predict", "discriminative"),
        ("write", "generative"),
        ("all", "agi"),
    ]


def test_load_examples_strips_whitespace(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "task,label\n  predict sales , discriminative\n" + GOOD_ROWS)

    assert load_examples(path, CATEGORIES)[0].task == "predict sales"


@pytest.mark.parametrize(
    "text",
    ["text,label\n" + GOOD_ROWS, "task\npredict sales\n", "", GOOD_ROWS],
    ids=["no-task-column", "no-label-column", "empty-file", "no-header"],
)
def test_load_examples_rejects_missing_header_columns(tmp_path: Path, text: str) -> None:
    expected = [(0, "empty-file")] if not text else [(1, "no-such-column")]
    assert example_problems(write_csv(tmp_path, text)) == expected


def test_load_examples_reports_an_unknown_label_with_its_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "task,label\n" + GOOD_ROWS + "fly a kite,robots\n")

    with pytest.raises(ExampleDataError) as caught:
        load_examples(path, CATEGORIES)

    [problem] = caught.value.problems
    assert (problem.line, problem.code) == (5, "unknown-label")
    assert "'robots'" in problem.message
    assert str(caught.value).startswith(f"{path}:5:0: error: ")


def test_load_examples_reports_an_empty_task_with_its_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "task,label\n" + GOOD_ROWS + "   ,generative\n")

    assert example_problems(path) == [(5, "empty-task")]


def test_load_examples_reports_every_bad_row(tmp_path: Path) -> None:
    text = (
        "task,label\n"
        "predict sales,discriminative\n"
        ",generative\n"
        "write a poem,Generative\n"  # labels are read without regard to case
        "do every job,agi\n"
        '"a task\nover two lines",generative\n'
        "missing label\n"
        "fine,discriminative\n"
    )

    assert example_problems(write_csv(tmp_path, text)) == [
        (3, "empty-task"),
        (8, "unknown-label"),
    ]


def test_load_examples_skips_blank_lines(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "task,label\n\npredict sales,discriminative\n\nwrite,generative\nall,agi\n"
    )

    assert [e.line for e in load_examples(path, CATEGORIES)] == [3, 5, 6]


def test_load_examples_needs_every_category(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "task,label\npredict,discriminative\nwrite,generative\n")

    assert example_problems(path) == [(0, "missing-category")]


def test_load_examples_rejects_non_utf8(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "task,label\nr\u00e9sum\u00e9 triage,discriminative\n", "latin-1")

    assert example_problems(path) == [(2, "bad-row")]


def test_load_examples_rejects_a_missing_file(tmp_path: Path) -> None:
    assert example_problems(tmp_path / "absent.csv") == [(0, "unreadable")]


def test_load_examples_of_the_shipped_data(examples: list[Any]) -> None:
    assert len(examples) >= 300
    assert {e.label for e in examples} == set(CATEGORIES)
    assert all(e.task == e.task.strip() and e.task for e in examples)


def test_classifier_word_cache_stays_bounded_and_changes_no_answer(
    trained: TaskClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    from model_advisor.engine import classifier as module

    texts = [f"predict zorb{n} quix{n * 7} for flumph{n % 13}" for n in range(300)]
    expected = [trained.predict_proba(t) for t in texts]
    fresh = TaskClassifier.from_weights(trained.weights_)
    monkeypatch.setattr(module, "WORD_CACHE_SIZE", 50)

    for text, probabilities in zip(texts, expected, strict=True):
        assert fresh.predict_proba(text) == probabilities
        assert len(fresh._word_rows) <= 50


def test_classifier_first_text_finds_its_ngrams_as_later_texts_do(
    trained: TaskClassifier, examples: list[Any]
) -> None:
    # a fresh classifier's first text is looked up by binary search in the sorted terms,
    # every later one in a table: both must find the same rows, so the same answer
    texts = [e.task for e in examples[::40]] + [*ODD_TEXTS, "predict weather", "zzzz qqqq"]
    warm = TaskClassifier.from_weights(trained.weights_)
    warm.features("a first text, looked up without the tables")
    warm.features("a second text, which builds them")
    assert "index" in vars(warm.word_weights_) and "index" in vars(warm.char_weights_)

    for text in texts:
        cold = TaskClassifier.from_weights(trained.weights_)
        # a copy of the weights without the tables, so the first text cannot use them
        cold.word_weights_ = copy.copy(trained.weights_.word)
        cold.char_weights_ = copy.copy(trained.weights_.char)
        vars(cold.word_weights_).pop("index", None)
        vars(cold.char_weights_).pop("index", None)

        assert cold.features(text) == warm.features(text), text
        assert "index" not in vars(cold.word_weights_)


def test_weights_find_is_the_row_of_the_term_or_none(trained: TaskClassifier) -> None:
    for weights in (trained.weights_.word, trained.weights_.char):
        terms = weights.terms
        assert terms == sorted(set(terms))
        for row in (0, 1, len(terms) // 2, len(terms) - 1):
            assert weights.find(terms[row]) == row
        for absent in ("", "\uffff" * 3, terms[0][:-1] if len(terms[0]) > 1 else "\x00"):
            assert weights.find(absent) is None or terms[weights.find(absent) or 0] == absent


def test_stem_table_for_unknown_words_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from model_advisor import _text

    monkeypatch.setattr(_text, "LEARNED_STEMS_KEPT", 20)
    monkeypatch.setattr(_text, "_LEARNED", {})
    stems = [_text.stem(f"zorbings{n}") for n in range(100)]

    assert len(_text._LEARNED) <= 20
    assert stems == [_text.stem(f"zorbings{n}") for n in range(100)]


def test_load_examples_refuses_a_file_over_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from model_advisor.knowledge import examples as module

    monkeypatch.setattr(module, "MAX_EXAMPLES_BYTES", 40)
    path = write_csv(tmp_path, "task,label\n" + GOOD_ROWS)

    assert example_problems(path) == [(0, "file-too-large")]


# --- calibration -----------------------------------------------------------------------------


def _log_loss(classifier: TaskClassifier, examples: list[Any]) -> float:
    return -sum(math.log(classifier.predict_proba(e.task)[e.label]) for e in examples) / len(
        examples
    )


def test_calibration_temperature_is_fitted_out_of_fold_and_deterministic(
    examples: list[Any],
) -> None:
    texts = [e.task for e in examples]
    labels = [e.label for e in examples]
    first = fit_weights(texts, labels, Hyperparameters())
    assert 0.1 <= first.weights.temperature <= 10.0 and first.weights.temperature != 1.0
    assert first.held_out is not None and len(first.held_out) == len(texts)
    assert all(abs(sum(row) - 1.0) < 1e-9 for row in first.held_out)
    again = fit_weights(texts, labels, Hyperparameters())
    assert (again.weights.temperature, again.held_out) == (
        first.weights.temperature,
        first.held_out,
    )
    # no folds asked for, or too few examples of a category for them: no calibration
    for trained in (
        fit_weights(texts, labels, Hyperparameters(calibration_folds=0)),
        fit_weights(texts[:6], labels[:6], Hyperparameters()),
    ):
        assert trained.weights.temperature == 1.0 and trained.held_out is None


def test_vocabularies_keep_every_word_but_only_shared_pairs_and_char_ngrams() -> None:
    texts = ["forecast rain in lisbon", "forecast rain tomorrow", "write a sonnet", "forest"]
    words, chars = vocabularies(texts, Hyperparameters())
    assert {"lisbon", "sonnet", "forecast rain"} <= set(words)  # a word from one example
    assert "rain lisbon" not in words and "write sonnet" not in words  # one example's pair
    assert " fore" in chars  # held by three examples
    assert " rai" not in chars and "sonn" not in chars  # by two, by one
    labels = ["sorting", "sorting", "making", "making"]
    weights = fit_weights(texts, labels, Hyperparameters()).weights
    assert weights.word.terms == words and weights.char.terms == chars
    # a knowledge whose examples share no n-gram of a kind keeps them all
    assert {" ab", "cd "} <= set(vocabularies(["ab", "cd"], Hyperparameters())[1])


def test_a_large_knowledge_learns_a_character_ngram_from_one_example_in_2500() -> None:
    filler = [f"task number {i}" for i in range(7_495)]  # 7,500 texts: one in 2,500 is three
    for holders, kept in ((2, False), (3, True)):
        texts = filler + ["qwxz"] * holders + ["zzzz"] * (5 - holders)
        assert ("qwx" in vocabularies(texts, Hyperparameters())[1]) is kept
    texts = [*filler, *[f"task number {i}" for i in range(2_600)], "qwxz", "qwxz", "qwxz"]
    assert "qwx" not in vocabularies(texts, Hyperparameters())[1]  # 10,098 texts: four needed


def test_best_temperature_sharpens_under_confident_scores_and_softens_over_confident_ones() -> None:
    truth = [0] * 90 + [1] * 10  # the first column is right nine times in ten
    timid = [[math.log(0.6), math.log(0.4)]] * 100  # says 60%
    bold = [[math.log(0.999), math.log(0.001)]] * 100  # says 99.9%
    assert best_temperature(timid, truth) < 1.0 < best_temperature(bold, truth)
    # the temperature that makes "60%" say 90%: 0.6**(1/T) / (0.6**(1/T) + 0.4**(1/T)) = 0.9
    expected = math.log(1.5) / math.log(9)
    assert abs(best_temperature(timid, truth) - expected) < 0.01


def test_calibration_lowers_the_log_loss_on_tasks_the_model_has_not_seen(
    examples: list[Any],
) -> None:
    train, unseen = examples[::2], examples[1::2]
    texts, labels = [e.task for e in train], [e.label for e in train]
    calibrated = TaskClassifier().fit(texts, labels)
    weights = fit_weights(texts, labels, Hyperparameters(calibration_folds=0)).weights
    plain = TaskClassifier.from_weights(weights)
    assert calibrated.weights_.temperature != 1.0 and weights.temperature == 1.0
    assert _log_loss(calibrated, unseen) < _log_loss(plain, unseen)


# --- scripts written without spaces ----------------------------------------------------


def test_classifier_text_reads_chinese_and_japanese_runs_as_character_pairs() -> None:
    assert classifier_text("预测天气") == " 预测 测天 天气 "
    assert classifier_text("AGIとは") == "agi とは "
    # other scripts keep their words whole, Hangul included (it is written with spaces)
    assert classifier_text("Wetter vorhersagen 날씨 예측") == "wetter vorhersagen 날씨 예측"


def test_classifier_learns_words_written_with_combining_marks() -> None:
    # Hindi vowel signs and viramas are marks, not letters: each word stays one feature
    tasks = [
        "मौसम का पूर्वानुमान",  # forecast the weather
        "बिक्री का पूर्वानुमान",  # forecast sales
        "कविता लिखो",  # write a poem
        "कहानी लिखो",  # write a story
    ]
    labels = ["discriminative", "discriminative", "generative", "generative"]
    classifier = TaskClassifier().fit(tasks, labels)
    forecast = "पूर्वानुमान"
    assert (
        forecast in classifier.pipeline_.named_steps["features"].transformer_list[0][1].vocabulary_
    )
    text = f"मांग का {forecast}"  # forecast demand
    proba = classifier.predict_proba(text)
    assert max(proba, key=proba.__getitem__) == "discriminative", proba
    assert classifier.features(text).known_words > 0


def test_classifier_learns_words_of_a_script_without_spaces() -> None:
    tasks = [
        "预测明天的天气",
        "预测下个月的销量",
        "判断邮件是否是垃圾邮件",
        "写一首关于春天的诗",
        "写一封感谢信",
        "为产品写一段广告文案",
        "画像を分類する",
        "文章を書いてください",
    ]
    labels = ["discriminative"] * 3 + ["generative"] * 3 + ["discriminative", "generative"]
    classifier = TaskClassifier().fit(tasks, labels)
    for text, label in (("预测电力需求", "discriminative"), ("写一首歌", "generative")):
        proba = classifier.predict_proba(text)
        assert max(proba, key=proba.__getitem__) == label, (text, proba)
        assert classifier.features(text).known_words > 0  # "预测" and "一首" are known words
    mixed = "预测电力需求\uff0c写一首歌"  # with a full-width comma
    theirs = sklearn_proba(classifier, mixed)
    for label, value in classifier.predict_proba(mixed).items():
        assert math.isclose(value, theirs[label], rel_tol=0, abs_tol=1e-9)


def test_classifier_is_fitted_to_its_optimum_not_stopped_short_of_it() -> None:
    # a tenth of the shipped examples: enough that stopping early changes the probabilities
    examples = load_examples(SHIPPED_EXAMPLES, CATEGORIES)[::10]
    texts = [e.task for e in examples]
    labels = [e.label for e in examples]
    once = Hyperparameters(calibration_folds=0)
    fitted = fit_weights(texts, labels, once).pipeline
    optimum = fit_weights(texts, labels, dataclasses.replace(once, tolerance=1e-10)).pipeline

    assert fitted["model"].n_iter_[0] < fitted["model"].max_iter
    gap = abs(fitted.predict_proba(texts) - optimum.predict_proba(texts)).max()
    assert gap < 0.005  # at scikit-learn's default tolerance (1e-4) it is 0.02
