"""Categories are data: knowledge directories of two and four categories work end to end,
and every command answers through the one pipeline (evaluate, rules test agree with advise)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from model_advisor import Advisor, _paths, evaluate, knowledge_sha256, load_rules, run_rule_tests
from model_advisor.cli import cli
from model_advisor.engine.building import load_knowledge
from model_advisor.knowledge.loader import compile_directory

DATA = Path(__file__).parent / "data" / "categories"
SHIPPED = Path(__file__).parents[1] / "rules"

# Probe tasks written for these tests (not in the fixtures' examples), one kind each.
PROBES = {
    "two": {
        "discriminative": [
            "classify invoices by expense type",
            "estimate how much a used bike will sell for",
            "detect potholes in photos of roads",
        ],
        "generative": [
            "write a birthday poem for my aunt",
            "draw a comic strip about a lazy cat",
            "generate javascript code for an image carousel",
        ],
    },
    "four": {
        "discriminative": [
            "classify invoices by expense type",
            "forecast tomorrow's ice cream sales",
            "detect potholes in photos of roads",
        ],
        "generative": [
            "write a birthday poem for my aunt",
            "brainstorm a tagline for a bicycle repair shop",
        ],
        "agi": [
            "an ai that can take over any human job",
            "build a machine with human level general intelligence",
        ],
        "agent": [
            "train a reinforcement learning agent to park a car",
            "learn to beat people at backgammon by playing millions of games",
        ],
    },
}
CATEGORIES = {
    "two": ("discriminative", "generative"),
    "four": ("discriminative", "generative", "agi", "agent"),
}


@pytest.fixture(params=["two", "four"])
def knowledge(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    """A private copy of a fixture knowledge directory (no model yet)."""
    name: str = request.param
    target = tmp_path / name
    shutil.copytree(DATA / name, target)
    return name, target


def test_own_categories_pass_check_train_advise_batch_and_evaluate(
    knowledge: tuple[str, Path], runner: CliRunner, tmp_path: Path
) -> None:
    name, directory = knowledge
    categories = CATEGORIES[name]

    check = runner.invoke(cli, ["rules", "check", str(directory)])
    assert check.exit_code == 0, check.output
    assert " error: " not in check.stdout
    test = runner.invoke(cli, ["rules", "test", str(directory), "--quiet"])
    assert test.exit_code == 0, test.output
    train = runner.invoke(cli, ["train", str(directory), "--folds", "3", "--json"])
    assert train.exit_code == 0, train.output
    assert (directory / "model.json").is_file()
    trained = json.loads(train.stdout)
    assert trained["cross_validation"]["combined"]["labels"] == [*categories, "undetermined"]

    advisor = Advisor.from_dir(directory)
    assert advisor.categories == categories
    for expected, tasks in PROBES[name].items():
        for task in tasks:
            advice = advisor.advise(task)
            assert advice.category == expected, task
            assert tuple(advice.scores) == categories
            assert set(advice.why_not) == set(categories) - {expected}
            definition = advisor.settings.category(expected).definition.section
            assert advice.citations[-1].section.endswith(definition)  # what the kind is

    probes = tmp_path / "probes.csv"
    with probes.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["task", "label"])
        writer.writerows((t, c) for c, tasks in PROBES[name].items() for t in tasks)
    out = tmp_path / "out.jsonl"
    batch = runner.invoke(
        cli, ["batch", str(probes), "-o", str(out), "--rules", str(directory), "--quiet"]
    )
    assert batch.exit_code == 0, batch.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["category"] for r in rows] == [r["label"] for r in rows]

    report = evaluate(probes, directory)
    assert report.combined.accuracy == 1.0
    assert report.combined.labels == (*categories, "undetermined")
    assert len(report.combined.confusion) == len(categories)


def copy_of(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA / name, target)
    return target


def test_four_categories_add_the_caveat_of_the_aspirational_one(tmp_path: Path) -> None:
    advisor = Advisor.from_dir(copy_of("four", tmp_path))

    agi = advisor.advise("an ai that can take over any human job")
    caveat = advisor.settings.category("agi").caveat
    assert caveat and agi.explanation.endswith(caveat)
    agent = advisor.advise("train a reinforcement learning agent to park a car")
    assert advisor.settings.category("agent").caveat is None
    assert "No system" not in agent.explanation


def test_two_categories_never_answer_agi(tmp_path: Path) -> None:
    advisor = Advisor.from_dir(copy_of("two", tmp_path))

    for task in ["an AI that does any job a human can", "replace our whole legal team"]:
        advice = advisor.advise(task)
        assert advice.category in ("discriminative", "generative", "undetermined")
        assert set(advice.scores) == {"discriminative", "generative"}


def test_a_rule_of_an_undeclared_category_is_reported_at_its_line(tmp_path: Path) -> None:
    directory = tmp_path / "two"
    shutil.copytree(DATA / "two", directory)
    rules = directory / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("category: generative", "category: agi", 1), encoding="utf-8")

    result = CliRunner().invoke(cli, ["rules", "check", str(directory)])

    assert result.exit_code == 1
    line = text.splitlines().index(
        next(x for x in text.splitlines() if "category: generative" in x)
    )
    assert f"rules.yaml:{line + 1}:5: error: category: 'agi' is not declared" in result.stdout


# --- one pipeline -------------------------------------------------------------------------


def test_evaluate_answers_equal_advise_answers(shipped: Advisor, tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.csv"
    tasks = [
        "predict the weather",
        "write a poem about autumn",
        "an AI that can do any job a person can",
        "x" * 10_050 + " write a poem",  # longer than the cut: evaluate cuts as advise does
        "create sound effects for a video game",
        "qwzx vbnm",
    ]
    with labelled.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["task", "label"])
        writer.writerows((t, "generative") for t in tasks)

    report = evaluate(labelled)

    for answer, task in zip(report.answers, tasks, strict=True):
        advice = shipped.advise(task)
        assert answer.answer == advice.category
        assert round(answer.confidence, 4) == advice.confidence
        assert answer.rules == tuple(sorted(h.rule_id for h in advice.evidence.rules))


def test_rules_test_passes_exactly_when_advise_fires_each_rule(shipped: Advisor) -> None:
    report = run_rule_tests(SHIPPED)
    rules = {rule.id: rule for rule in load_rules(SHIPPED).rules}

    assert report.failed == 0
    assert len(report.results) == len(rules)
    for result in report.results:
        rule = rules[result.rule_id]
        for text in rule.examples.match:
            assert result.rule_id in {h.rule_id for h in shipped.advise(text).evidence.rules}
        for text in rule.examples.no_match:
            assert result.rule_id not in {h.rule_id for h in shipped.advise(text).evidence.rules}


def test_rules_test_compiles_the_rules_as_the_advisor_does() -> None:
    compiled = compile_directory(SHIPPED)
    knowledge = load_knowledge(SHIPPED, notes=False)

    assert compiled.rules == knowledge.rules
    assert compiled.known_words == knowledge.known_words
    assert (compiled.kinds, compiled.modalities) == (knowledge.kinds, knowledge.modalities)


def test_rules_test_fails_a_rule_that_advise_does_not_fire(tmp_path: Path) -> None:
    directory = tmp_path / "two"
    shutil.copytree(DATA / "two", directory)
    rules = directory / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    first_match = text.index("match: [") + len("match: [")
    rules.write_text(text[:first_match] + '"zzzz qqqq", ' + text[first_match:], encoding="utf-8")

    report = run_rule_tests(directory)

    assert report.failed == 1
    [failed] = [r for r in report.results if not r.passed]
    assert failed.missed == ("zzzz qqqq",)
    advisor = Advisor.from_dir(directory)
    assert failed.rule_id not in {h.rule_id for h in advisor.advise("zzzz qqqq").evidence.rules}


def test_train_never_writes_into_an_installed_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    """Without a directory, `train` on an installed package writes the cache and says where."""
    packaged = tmp_path / "site-packages" / "model_advisor" / "knowledge_data"
    shutil.copytree(DATA / "two", packaged)
    monkeypatch.setattr(_paths, "PACKAGED", packaged)  # the layout of an installed wheel
    before = sorted(p.name for p in packaged.iterdir())

    result = runner.invoke(cli, ["train", "--no-cv"])

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in packaged.iterdir()) == before
    cached = _paths.model_cache_dir() / f"{knowledge_sha256(packaged)}.json"
    assert cached.is_file()
    assert str(cached) in result.stdout
    trained_at = cached.stat().st_mtime_ns
    assert load_knowledge(packaged).sha256 == knowledge_sha256(packaged)
    assert cached.stat().st_mtime_ns == trained_at  # found in the cache, not trained again
