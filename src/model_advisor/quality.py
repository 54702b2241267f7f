"""Knowledge quality: lint a knowledge directory, run each rule's own examples, and measure
every rule against the labelled example tasks (like a labeling-function summary).

Each function here is the twin of a ``model-advisor rules`` command and returns a pydantic
report, so the CLI only prints it (as a table, or as JSON with ``--json``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .classifier import load_examples
from .decision import rules_only
from .errors import ExampleDataError, Problem
from .matching import RuleEngine
from .models import CATEGORIES, Category, Example, Rule, RuleSet
from .rules import check_rules, load_rules
from .training import EXAMPLES_FILE


class _Report(BaseModel):
    model_config = ConfigDict(frozen=True)


def check_knowledge(directory: Path) -> list[Problem]:
    """Everything :func:`check_rules` finds, plus warnings that need the example tasks.

    Warnings: an example task listed under two categories, a rule that fires on no example,
    two rules with identical conditions. Errors in the examples file are reported too.

    Returns:
        Every problem, sorted by file and line.
    """
    problems = check_rules(directory)
    if any(p.level == "error" for p in problems):
        return problems
    ruleset = load_rules(directory)
    try:
        examples = load_examples(directory / EXAMPLES_FILE)
    except ExampleDataError as err:
        return sorted([*problems, *err.problems])
    problems.extend(_conflicting_examples(directory / EXAMPLES_FILE, examples))
    problems.extend(_silent_rules(ruleset, examples))
    problems.extend(_identical_rules(ruleset))
    return sorted(problems)


def _conflicting_examples(path: Path, examples: list[Example]) -> list[Problem]:
    labels: dict[str, dict[Category, int]] = defaultdict(dict)
    for example in examples:
        labels[" ".join(example.task.lower().split())].setdefault(example.label, example.line)
    return [
        Problem(
            str(path),
            max(lines.values()),
            code="conflicting-example",
            level="warning",
            message=f"task {task!r} is labelled {' and '.join(sorted(lines))}",
        )
        for task, lines in labels.items()
        if len(lines) > 1
    ]


def _silent_rules(ruleset: RuleSet, examples: list[Example]) -> list[Problem]:
    engine = RuleEngine(ruleset.rules)
    fired = {hit.rule_id for e in examples for hit in engine.match(e.task)}
    return [
        _at(ruleset, rule, "silent-rule", "fires on no example task; add examples it covers")
        for rule in ruleset.rules
        if rule.id not in fired
    ]


def _identical_rules(ruleset: RuleSet) -> list[Problem]:
    seen: dict[tuple[object, ...], str] = {}
    problems = []
    for rule in sorted(ruleset.rules, key=lambda r: _line(ruleset, r)):
        key = (rule.any, rule.all, rule.none)
        if key in seen:
            message = f"has the same conditions as rule {seen[key]}"
            problems.append(_at(ruleset, rule, "identical-conditions", message))
        else:
            seen[key] = rule.id
    return problems


def _at(ruleset: RuleSet, rule: Rule, code: str, message: str) -> Problem:
    where = ruleset.locations.get(rule.id)
    return Problem(
        where.path if where else "",
        where.line if where else 0,
        0,
        rule.id,
        code,
        "warning",
        message,
    )


def _line(ruleset: RuleSet, rule: Rule) -> tuple[str, int]:
    where = ruleset.locations.get(rule.id)
    return (where.path, where.line) if where else ("", 0)


# --- rules test ----------------------------------------------------------------------


class RuleTestResult(_Report):
    """One rule's own examples: the ``match`` texts it missed and ``no_match`` texts it hit."""

    rule_id: str
    path: str
    line: int
    passed: bool
    missed: tuple[str, ...]
    wrongly_matched: tuple[str, ...]


class RuleTestReport(_Report):
    """Every rule's examples, run."""

    results: tuple[RuleTestResult, ...]
    passed: int
    failed: int


def run_rule_tests(directory: Path) -> RuleTestReport:
    """Run every rule's own ``examples`` (must match / must not match) against that rule.

    Raises:
        RuleFileError: when the rules do not load.
    """
    ruleset = load_rules(directory)
    results = []
    for rule in ruleset.rules:
        engine = RuleEngine([rule])
        missed = tuple(t for t in rule.examples.match if not engine.match(t))
        wrong = tuple(t for t in rule.examples.no_match if engine.match(t))
        path, line = _line(ruleset, rule)
        results.append(
            RuleTestResult(
                rule_id=rule.id,
                path=path,
                line=line,
                passed=not missed and not wrong,
                missed=missed,
                wrongly_matched=wrong,
            )
        )
    failed = sum(not r.passed for r in results)
    return RuleTestReport(results=tuple(results), passed=len(results) - failed, failed=failed)


# --- rules stats ---------------------------------------------------------------------


class RuleStats(_Report):
    """How one rule behaves on the labelled example tasks."""

    rule_id: str
    category: Category
    fires: int
    coverage: float  # share of the examples it fires on
    overlaps: int  # examples where another rule fires too
    conflicts: int  # examples where a rule of another category fires too
    correct: int  # fires on an example of its own category
    incorrect: int
    accuracy: float | None  # correct / fires


class Disagreement(_Report):
    """An example where the rules alone and the classifier alone answer differently."""

    task: str
    line: int
    label: Category
    rules_say: Category
    classifier_says: Category


class StatsReport(_Report):
    """Per-rule statistics, and the examples where rules and classifier disagree."""

    examples: int
    rules: tuple[RuleStats, ...]
    disagreements: tuple[Disagreement, ...]


def rule_stats(directory: Path) -> StatsReport:
    """Measure every rule against the directory's labelled examples.

    Raises:
        RuleFileError, ExampleDataError, KnowledgeBaseError, ModelFileError.
    """
    from .advisor import Advisor

    advisor = Advisor.from_dir(directory)
    ruleset = load_rules(directory)
    engine = RuleEngine(ruleset.rules)
    examples = load_examples(directory / EXAMPLES_FILE)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    disagreements = []
    for example in examples:
        hits = engine.match(example.task)
        categories = {h.category for h in hits}
        for hit in hits:
            tally = counts[hit.rule_id]
            tally["fires"] += 1
            tally["overlaps"] += len(hits) > 1
            tally["conflicts"] += len(categories - {hit.category}) > 0
            tally["correct" if hit.category == example.label else "incorrect"] += 1
        rules_say = rules_only(hits)
        if rules_say != "undetermined":
            probabilities = advisor.classifier.predict_proba(example.task)
            classifier_says = max(CATEGORIES, key=lambda c: probabilities[c])
            if rules_say != classifier_says:
                disagreements.append(
                    Disagreement(
                        task=example.task,
                        line=example.line,
                        label=example.label,
                        rules_say=rules_say,
                        classifier_says=classifier_says,
                    )
                )
    stats = []
    for rule in ruleset.rules:
        tally = counts[rule.id]
        fires = tally["fires"]
        stats.append(
            RuleStats(
                rule_id=rule.id,
                category=rule.category,
                fires=fires,
                coverage=fires / len(examples) if examples else 0.0,
                overlaps=tally["overlaps"],
                conflicts=tally["conflicts"],
                correct=tally["correct"],
                incorrect=tally["incorrect"],
                accuracy=tally["correct"] / fires if fires else None,
            )
        )
    return StatsReport(
        examples=len(examples), rules=tuple(stats), disagreements=tuple(disagreements)
    )
