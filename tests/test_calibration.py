"""The decision's calibration: fitted when a model is built, it makes confidence mean what it
says without changing any answer."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from model_advisor import Advisor, read_labelled
from model_advisor.engine.building import decision_temperatures, load_knowledge
from model_advisor.engine.decision import combine
from model_advisor.engine.pipeline import Engine
from model_advisor.knowledge.examples import load_examples
from model_advisor.knowledge.loader import EXAMPLES_FILE, Temperatures, compile_directory
from model_advisor.quality.evaluation import evaluate_examples

UNSEEN = Path(__file__).parents[1] / "benchmarks" / "data" / "heldout-2.csv"


def test_calibration_brings_confidence_to_accuracy_on_tasks_nobody_trained_on(
    shipped: Advisor,
) -> None:
    knowledge = shipped.knowledge
    examples = read_labelled(UNSEEN, knowledge.categories)
    uncalibrated = dataclasses.replace(knowledge, decision_temperatures=Temperatures(1.0, 1.0))

    calibrated = evaluate_examples(examples, shipped.engine)
    plain = evaluate_examples(examples, Engine(uncalibrated))

    assert [a.answer for a in calibrated.answers] == [a.answer for a in plain.answers]
    assert calibrated.calibration_error is not None and plain.calibration_error is not None
    assert calibrated.calibration_error < plain.calibration_error
    assert calibrated.calibration_error <= 0.05


def test_decision_temperature_sharpens_scores_that_are_always_right_but_timid(
    tiny_dir: Path,
) -> None:
    compiled = compile_directory(tiny_dir)
    examples = load_examples(tiny_dir / EXAMPLES_FILE, compiled.settings.ids)
    others = len(compiled.settings.ids) - 1

    def leaning(share: float) -> list[dict[str, float]]:
        """Every example's own category at ``share``, the rest spread evenly."""
        rest = (1 - share) / others
        return [
            {c: share if c == e.label else rest for c in compiled.settings.ids} for e in examples
        ]

    timid = decision_temperatures(compiled, examples, leaning(0.5)).ruled
    bolder = decision_temperatures(compiled, examples, leaning(0.9)).ruled

    assert timid < 1.0
    assert bolder >= timid  # already surer, so sharpened less


def test_decision_temperature_softens_scores_that_are_sure_and_often_wrong(
    tiny_dir: Path,
) -> None:
    compiled = compile_directory(tiny_dir)
    examples = load_examples(tiny_dir / EXAMPLES_FILE, compiled.settings.ids)
    categories = compiled.settings.ids

    def wrong_half(index: int, label: str) -> dict[str, float]:
        sure = label if index % 2 else next(c for c in categories if c != label)
        return {c: 0.98 if c == sure else 0.02 / (len(categories) - 1) for c in categories}

    held_out = [wrong_half(i, e.label) for i, e in enumerate(examples)]

    assert min(decision_temperatures(compiled, examples, held_out)) > 1.0


def test_too_few_examples_for_the_folds_leave_the_decision_uncalibrated(
    tiny_copy: Path,
) -> None:
    path = tiny_copy / EXAMPLES_FILE
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    kept: dict[str, int] = {}
    fewer = [header]
    for row in rows:  # three examples of each category: fewer than the five folds
        label = row.rsplit(",", 1)[-1]
        kept[label] = kept.get(label, 0) + 1
        if kept[label] <= 3:
            fewer.append(row)
    path.write_text("\n".join(fewer) + "\n", encoding="utf-8")

    knowledge = load_knowledge(tiny_copy)

    assert len(fewer) - 1 == 3 * len(knowledge.categories)
    assert knowledge.decision_temperatures == (1.0, 1.0, 1.0)
    assert knowledge.classifier.temperature == 1.0


@pytest.mark.parametrize("temperature", [0.5, 2.0])
def test_calibration_changes_no_answer(shipped: Advisor, temperature: float) -> None:
    temperatures = Temperatures(temperature, temperature, temperature)
    knowledge = dataclasses.replace(shipped.knowledge, decision_temperatures=temperatures)
    engine = Engine(knowledge)
    for task in ("predict the weather", "write a poem", "sort and then describe each photo"):
        mine, theirs = shipped.engine.decide(task).decision, engine.decide(task).decision
        assert mine.category == theirs.category
        assert math.isclose(sum(theirs.scores.values()), 1.0)


def test_each_task_is_calibrated_with_the_temperature_of_its_group(shipped: Advisor) -> None:
    temperatures = Temperatures(ruled=0.5, alone=2.0, glossed=1.5)
    engine = Engine(dataclasses.replace(shipped.knowledge, decision_temperatures=temperatures))
    categories = shipped.knowledge.categories
    for task, temperature in (
        ("predict the weather", 0.5),  # a rule fired
        ("help me with my garden", 2.0),  # none did: the classifier decides alone
        ("人間のように何でもできる機械", 1.5),  # read through the glossary, and rules fired
    ):
        decided = engine.decide(task)
        expected = combine(
            decided.hits, decided.probabilities, categories=categories, temperature=temperature
        )
        assert decided.decision.scores == expected.scores


def test_the_shipped_model_sharpens_mixed_scores_and_leaves_the_classifier_alone_nearly_as_is(
    shipped: Advisor,
) -> None:
    ruled, alone, glossed = shipped.knowledge.decision_temperatures
    assert ruled < 0.8  # the rules' share holds the mixed scores below how often they are right
    assert 0.8 <= alone <= 1.25  # the classifier's own calibration needs little more
    assert ruled < glossed  # rules fire on glossed words while negations stay unread
