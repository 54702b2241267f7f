"""The decision (combine, with hand-made inputs) and the Advisor facade."""

from __future__ import annotations

import gc
import math
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model_advisor import Advice, Advisor, InvalidTaskError, RuleHit, combine
from model_advisor.engine.classifier import _softmax_three
from model_advisor.engine.decision import (
    AMBIGUITY_MARGIN,
    MOST_SURE,
    _combine_any,
    _combine_three,
)
from model_advisor.engine.pipeline import MAX_TASK_CHARS
from model_advisor.knowledge.loader import MODEL_FILE, knowledge_sha256, read_model
from model_advisor.knowledge.notes import content_stems
from model_advisor.types import Category

CATEGORIES = ("discriminative", "generative", "agi")  # the shipped knowledge's, in order

NOTES = Path(__file__).parents[1] / "rules" / "generative-ai.md"


def hit(category: Category, weight: float, rule_id: str = "r") -> RuleHit:
    return RuleHit(rule_id=rule_id, category=category, weight=weight, matched=("x",), rationale="y")


UNSURE = {"discriminative": 0.4, "generative": 0.35, "agi": 0.25}


def test_combine_without_hits_returns_the_probabilities() -> None:
    decision = combine([], UNSURE)
    assert decision.scores == pytest.approx(UNSURE)
    assert decision.category == "discriminative"
    assert decision.confidence == pytest.approx(0.4)


@given(
    st.lists(st.tuples(st.sampled_from(CATEGORIES), st.floats(0.01, 1.0)), max_size=6),
    st.lists(st.floats(0.001, 1.0), min_size=3, max_size=3),
    st.floats(0.1, 10.0),
)
def test_combine_calibration_keeps_the_order_of_the_scores_and_caps_the_top(
    pairs: list[tuple[Category, float]], raw: list[float], temperature: float
) -> None:
    hits = [hit(c, w, f"r{i}") for i, (c, w) in enumerate(pairs)]
    probabilities = dict(zip(CATEGORIES, raw, strict=True))

    plain = combine(hits, probabilities)
    calibrated = combine(hits, probabilities, temperature=temperature)

    assert calibrated.category == plain.category
    assert sum(calibrated.scores.values()) == pytest.approx(1.0)
    assert calibrated.confidence <= MOST_SURE + 1e-12
    for a in CATEGORIES:
        for b in CATEGORIES:
            if plain.scores[a] > plain.scores[b] + 1e-9:
                assert calibrated.scores[a] >= calibrated.scores[b]


def test_combine_temperature_below_one_sharpens_and_above_one_softens() -> None:
    plain = combine([], UNSURE).confidence

    assert combine([], UNSURE, temperature=0.5).confidence > plain
    assert combine([], UNSURE, temperature=2.0).confidence < plain
    # 0.4, 0.35, 0.25 squared: 0.16, 0.1225, 0.0625, so the top is 0.16 / 0.345
    assert combine([], UNSURE, temperature=0.5).confidence == pytest.approx(0.16 / 0.345)


def test_combine_never_claims_more_than_most_sure() -> None:
    sure = {"discriminative": 0.999, "generative": 0.0005, "agi": 0.0005}

    decision = combine([hit("discriminative", 1.0)], sure)

    assert decision.confidence == pytest.approx(MOST_SURE)
    assert decision.scores["generative"] == pytest.approx(decision.scores["agi"])
    assert sum(decision.scores.values()) == pytest.approx(1.0)


def test_combine_prefers_strong_rule_over_weak_model() -> None:
    decision = combine([hit("agi", 1.0)], UNSURE)
    assert decision.category == "agi"
    assert sum(decision.scores.values()) == pytest.approx(1.0)


def test_combine_weak_rule_only_nudges_a_confident_model() -> None:
    sure = {"discriminative": 0.9, "generative": 0.05, "agi": 0.05}
    decision = combine([hit("generative", 0.2)], sure)
    assert decision.category == "discriminative"
    assert decision.scores["generative"] > 0.05


def test_combine_two_weak_hits_add_up_but_stay_below_one() -> None:
    one = combine([hit("generative", 0.5)], UNSURE).scores["generative"]
    two = combine([hit("generative", 0.5, "a"), hit("generative", 0.5, "b")], UNSURE)
    assert two.scores["generative"] > one
    assert all(0 <= s <= 1 for s in two.scores.values())


def test_combine_marks_close_scores_ambiguous() -> None:
    close = {"discriminative": 0.45, "generative": 0.45 - AMBIGUITY_MARGIN / 2, "agi": 0.1}
    assert combine([], close).ambiguous
    assert not combine([], {"discriminative": 0.8, "generative": 0.1, "agi": 0.1}).ambiguous


def test_combine_is_undetermined_without_any_evidence() -> None:
    decision = combine([], UNSURE, has_evidence=False)
    assert decision.category == "undetermined"
    assert decision.confidence == 0
    assert set(decision.scores) == set(CATEGORIES)


def test_combine_rule_hits_count_as_evidence() -> None:
    assert combine([hit("generative", 0.3)], UNSURE, has_evidence=False).category == "generative"


@given(
    st.lists(st.tuples(st.sampled_from(CATEGORIES), st.floats(0.01, 1.0)), max_size=6),
    st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3),
    st.randoms(),
)
def test_combine_is_deterministic_and_ignores_rule_order(
    pairs: list[tuple[Category, float]], raw: list[float], rnd: object
) -> None:
    probabilities = dict(zip(CATEGORIES, raw, strict=True))
    hits = [hit(c, w, f"r{i}") for i, (c, w) in enumerate(pairs)]
    first = combine(hits, probabilities)
    shuffled = list(hits)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = combine(shuffled, probabilities)
    assert again.category == first.category
    assert again.scores == pytest.approx(first.scores)
    assert sum(first.scores.values()) == pytest.approx(1.0)


@given(
    st.lists(st.tuples(st.sampled_from(CATEGORIES), st.floats(0.01, 1.0)), max_size=6),
    st.lists(st.floats(0.001, 1.0), min_size=3, max_size=3),
    st.one_of(st.just(1.0), st.floats(0.2, 5.0)),
)
def test_combine_three_is_the_general_combine_written_out(
    pairs: list[tuple[Category, float]], raw: list[float], power: float
) -> None:
    hits = [hit(c, w, f"r{i}") for i, (c, w) in enumerate(pairs)]

    fast = _combine_three(hits, CATEGORIES, list(raw), sum(raw), power)
    general = _combine_any(hits, CATEGORIES, list(raw), sum(raw), power)

    assert fast == general  # the same arithmetic in the same order: equal to the last bit


@given(st.lists(st.floats(-50.0, 50.0), min_size=6, max_size=6))
def test_softmax_three_is_the_general_softmax_written_out(numbers: list[float]) -> None:
    logits, intercept = numbers[:3], numbers[3:]
    labels = ("agi", "discriminative", "generative")

    fast = _softmax_three(labels, logits, intercept)
    exps = [
        math.exp(z + b - max(x + y for x, y in zip(logits, intercept, strict=True)))
        for z, b in zip(logits, intercept, strict=True)
    ]
    general = {label: e / sum(exps) for label, e in zip(labels, exps, strict=True)}

    assert fast == pytest.approx(general, rel=1e-12)


@pytest.mark.parametrize("count", [2, 4, 5])
def test_combine_works_for_any_number_of_categories(count: int) -> None:
    names = tuple(f"kind-{n}" for n in range(count))
    probabilities = {name: 1 / count for name in names}

    ruled = combine([hit(names[-1], 0.9)], probabilities)
    even = combine([], probabilities)

    assert ruled.category == names[-1]
    assert tuple(ruled.scores) == names
    assert sum(ruled.scores.values()) == pytest.approx(1.0)
    assert even.category == names[0] and even.ambiguous  # ties go to the first declared


# --- the advisor on the tiny knowledge dir -------------------------------------------


def test_advise_rejects_blank_text(tiny_advisor: Advisor) -> None:
    for text in ["", "   ", "\n\t"]:
        with pytest.raises(InvalidTaskError):
            tiny_advisor.advise(text)


def test_advise_reports_rules_terms_and_citations(tiny_advisor: Advisor) -> None:
    advice = tiny_advisor.advise("predicting the weather")
    assert advice.category == "discriminative"
    assert [h.rule_id for h in advice.evidence.rules] == ["guess-a-label"]
    assert advice.evidence.rules[0].matched == ("predicting",)
    assert advice.citations[0].quote == "Guess the weather"
    assert advice.citations[-1].section.endswith("Models that Sort")
    assert advice.recommendation == "Train a sorter on labelled data."


def test_advise_gibberish_is_undetermined(tiny_advisor: Advisor) -> None:
    advice = tiny_advisor.advise("xqzvk bbrrpt")
    assert advice.category == "undetermined"
    assert advice.confidence == 0
    assert advice.citations == ()


def test_advise_truncates_overlong_text(tiny_advisor: Advisor) -> None:
    advice = tiny_advisor.advise("write a poem " * 5000)
    assert advice.truncated
    assert len(advice.task) == MAX_TASK_CHARS
    assert advice.category == "generative"


def test_advise_many_streams_lazily(tiny_advisor: Advisor) -> None:
    def tasks() -> object:
        yield "write a poem"
        raise AssertionError("read past the first task")

    stream = tiny_advisor.advise_many(tasks())  # type: ignore[arg-type]
    assert next(stream).category == "generative"


def test_from_dir_retrains_a_stale_model_instead_of_using_it(tiny_copy: Path) -> None:
    before = knowledge_sha256(tiny_copy)
    with (tiny_copy / "examples.csv").open("a") as out:
        out.write("draw a map of the town,generative\n")
    assert knowledge_sha256(tiny_copy) != before
    advisor = Advisor.from_dir(tiny_copy)
    # the directory's own model.json is stale, so a fresh one was trained and cached
    saved = str(read_model(tiny_copy / MODEL_FILE)[1]["word.terms"], "utf-8").split("\t")
    assert advisor.classifier.word_weights_.terms != saved
    assert "map" in advisor.classifier.word_weights_.index


def test_from_dir_trains_when_there_is_no_model(tiny_copy: Path) -> None:
    (tiny_copy / MODEL_FILE).unlink()
    assert Advisor.from_dir(tiny_copy).advise("write a poem").category == "generative"


def test_from_dir_needs_the_definition_sections(tiny_copy: Path) -> None:
    notes = tiny_copy / "notes.md"
    notes.write_text(notes.read_text().replace("### Thinking Machines", "### Other"))
    with pytest.raises(Exception, match="Thinking Machines"):
        Advisor.from_dir(tiny_copy)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=300).filter(lambda t: t.strip() != ""))
def test_advise_never_raises_on_non_empty_text(tiny_advisor: Advisor, text: str) -> None:
    advice = tiny_advisor.advise(text)
    assert advice.category in (*CATEGORIES, "undetermined")
    assert sum(advice.scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert 0 <= advice.confidence <= 1


def test_brief_many_agrees_with_advise_task_by_task(shipped: Advisor) -> None:
    tasks = [
        "forecast energy demand",
        "",
        "draft replies to customer emails",
        "xqzvk bbrrpt",
        "   ",
        "an assistant that could do any job a person does",
        "write a poem " * 2000,
        "forecast energy demand",
    ]
    briefs = shipped.brief_many(tasks)
    assert len(briefs) == len(tasks)
    for task, brief in zip(tasks, briefs, strict=True):
        if not task.strip():
            assert isinstance(brief, InvalidTaskError)
            continue
        assert not isinstance(brief, InvalidTaskError)
        advice = shipped.advise(task)
        assert brief.decision.category == advice.category
        assert round(brief.decision.confidence, 4) == advice.confidence
        assert brief.decision.ambiguous == advice.ambiguous
        assert brief.truncated == advice.truncated
        cited = brief.passage.start_line if brief.passage else None
        assert cited == (advice.citations[0].line if advice.citations else None)
    with pytest.raises(InvalidTaskError):
        shipped.brief(" ")


def test_brief_many_leaves_the_garbage_collector_as_it_found_it(
    tiny_advisor: Advisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert gc.isenabled()
    tiny_advisor.brief_many(["write a poem", ""])
    assert gc.isenabled()
    gc.disable()
    try:
        tiny_advisor.brief_many(["write a poem"])
        assert not gc.isenabled()  # not switched on behind the caller's back
    finally:
        gc.enable()

    def broken(analysis: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(tiny_advisor.engine.rules, "weigh", broken)
    with pytest.raises(RuntimeError):
        tiny_advisor.brief_many(["write a poem"])
    assert gc.isenabled()


# --- the shipped knowledge ------------------------------------------------------------


def _notes_text() -> str:
    """The notes as plain text: markup and bullets stripped, one line per source line."""
    lines = []
    for line in NOTES.read_text().splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line).replace("**", "")
        lines.append(" ".join(line.split()))
    return "\n".join(lines)


def _assert_cited_from_notes(advice: Advice) -> None:
    plain = _notes_text().splitlines()
    assert advice.citations, f"no citation for {advice.task!r}"
    for citation in advice.citations:
        span = " ".join(plain[citation.line - 1 : citation.end_line])
        assert citation.quote in span, f"{citation.quote!r} is not at line {citation.line}"


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ("Predict weather", "discriminative"),
        ("Categorize books", "discriminative"),
        ("Classify images", "discriminative"),
        ("Create website code", "generative"),
        ("Customer service responses", "generative"),
        ("Create images", "generative"),
        ("Complete human jobs", "agi"),
    ],
)
def test_shipped_notes_examples_come_out_right(shipped: Advisor, task: str, expected: str) -> None:
    advice = shipped.advise(task)
    assert advice.category == expected
    assert not advice.ambiguous
    _assert_cited_from_notes(advice)
    # the first quote is the passage that matches the task itself, not only the definition
    assert content_stems(task) & content_stems(advice.citations[0].quote)
    assert len(advice.citations) == 2


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ("Draft sales outreach emails", "generative"),
        ("Analyze financial data to spot trends", "discriminative"),
        ("Generate marketing ads for testing", "generative"),
        ("Generate 3D objects for games", "generative"),
        (
            "Support medical practitioners in analyzing medical data to flag likely diagnoses",
            "discriminative",
        ),
    ],
)
def test_shipped_real_world_applications_are_sensible(
    shipped: Advisor, task: str, expected: str
) -> None:
    advice = shipped.advise(task)
    assert advice.category == expected
    _assert_cited_from_notes(advice)


def test_shipped_citations_support_the_chosen_category(shipped: Advisor) -> None:
    for task in [
        "forecast rainfall",
        "write a limerick about cats",
        "an AI that can do any job a person can",
    ]:
        advice = shipped.advise(task)
        definition = shipped.settings.category(advice.category).definition.section  # type: ignore[arg-type]
        assert advice.citations[-1].section.endswith(definition)


def test_shipped_model_is_fresh_for_the_shipped_rules() -> None:
    rules = Path(__file__).parents[1] / "rules"
    # fails when rules or examples changed without `model-advisor train rules`
    read_model(rules / MODEL_FILE, knowledge_sha256(rules))


def test_shipped_knowledge_works_from_a_copy(tmp_path: Path) -> None:
    rules = Path(__file__).parents[1] / "rules"
    copy = tmp_path / "mine"
    shutil.copytree(rules, copy)
    assert Advisor.from_dir(copy).advise("forecast rainfall").category == "discriminative"
