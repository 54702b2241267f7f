"""Knowledge quality: lint a knowledge directory, run each rule's own examples, and measure
every rule against the labelled example tasks (like a labeling-function summary).

Each function here is the twin of a ``model-advisor rules`` command and returns a pydantic
report, so the CLI only prints it (as a table, or as JSON with ``--json``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..engine.building import load_knowledge
from ..engine.decision import rules_only
from ..engine.matching import RuleEngine
from ..engine.pipeline import Engine, match_rules
from ..errors import ExampleDataError, InvalidTaskError, KnowledgeBaseError, Level, Problem
from ..knowledge.examples import load_examples
from ..knowledge.loader import EXAMPLES_FILE, compile_directory, compile_rules
from ..knowledge.notes import KnowledgeBase
from ..knowledge.rules import SETTINGS_FILE, check_rules, load_rules, load_settings
from ..knowledge.schema import Rule, RuleSet, Settings, SourceRef
from ..knowledge.yaml_reader import Loc, load_yaml
from ..types import Category, Example


class _Report(BaseModel):
    model_config = ConfigDict(frozen=True)


def check_knowledge(directory: Path) -> list[Problem]:
    """Everything :func:`check_rules` finds, plus the examples, the notes, and warnings.

    Errors: every bad row of ``examples.csv``; a notes file that cannot be read; a category
    whose definition section has no passage in the notes (advice would fail). Warnings: an
    example task listed under two categories, a rule that fires on no example, two rules
    with identical conditions, a source section of ``categories.yaml`` with no passage.

    Args:
        directory: the knowledge directory.

    Returns:
        Every problem, sorted by file and line; empty when there is nothing to fix.
    """
    directory = Path(directory)
    problems = check_rules(directory)
    if not directory.is_dir():
        return problems
    ruleset = None if any(p.level == "error" for p in problems) else load_rules(directory)
    settings = ruleset.settings if ruleset is not None else load_settings(directory)
    examples: list[Example] = []
    if settings is not None:  # the labels can be checked only against declared categories
        try:
            examples = load_examples(directory / EXAMPLES_FILE, settings.ids)
        except ExampleDataError as err:
            problems.extend(err.problems)
    problems.extend(_conflicting_examples(directory / EXAMPLES_FILE, examples))
    if ruleset is not None:
        problems.extend(_notes_problems(directory, ruleset.settings))
        if examples:
            problems.extend(_silent_rules(directory, ruleset, examples))
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


def _silent_rules(directory: Path, ruleset: RuleSet, examples: list[Example]) -> list[Problem]:
    # the rules compiled as the advisor compiles them (no model needed): the same matches
    compiled = compile_rules(directory, ruleset, examples)
    engine = RuleEngine.from_compiled(compiled)
    fired = {hit.rule_id for e in examples for hit in match_rules(engine, e.task).hits}
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


def _notes_problems(directory: Path, settings: Settings) -> list[Problem]:
    """The notes must hold every section ``categories.yaml`` names (a definition above all)."""
    path = directory / SETTINGS_FILE
    document, _ = load_yaml(path)

    def problem(loc: Loc, code: str, level: Level, message: str) -> Problem:
        line, column = document.position_of(loc) if document else (0, 0)
        return Problem(str(path), line, column, code=code, level=level, message=message)

    try:
        knowledge = KnowledgeBase.from_markdown(directory / settings.notes)
    except KnowledgeBaseError as err:
        return [problem(("notes",), "unreadable-notes", "error", f"notes: {err}")]
    problems = []
    for index, category in enumerate(settings.categories):
        refs: list[tuple[Loc, SourceRef, Level]] = [
            (("categories", index, "definition"), category.definition, "error")
        ]
        refs += [
            (("categories", index, "sources", i), r, "warning")
            for i, r in enumerate(category.sources)
        ]
        for loc, ref, level in refs:
            if not knowledge.select(ref):
                what = "definition" if level == "error" else "source"
                message = f"{category.id} {what}: {_no_passage(ref, settings.notes)}"
                problems.append(problem(loc, "missing-section", level, message))
    if settings.combining and not knowledge.select(settings.combining):
        message = f"combining: {_no_passage(settings.combining, settings.notes)}"
        problems.append(problem(("combining",), "missing-section", "warning", message))
    return problems


def _no_passage(ref: SourceRef, notes: str) -> str:
    where = f"section {ref.section!r}"
    if ref.under:
        where += f" under {ref.under!r}"
    if ref.contains:
        where += f" containing {ref.contains!r}"
    return f"{notes} has no passage in {where}; check the heading's spelling"


def _at(ruleset: RuleSet, rule: Rule, code: str, message: str) -> Problem:
    path, line = _line(ruleset, rule)
    return Problem(path, line, 0, rule.id, code, "warning", message)


def _line(ruleset: RuleSet, rule: Rule) -> tuple[str, int]:
    where = ruleset.locations.get(rule.id)
    return (where.path, where.line) if where else ("", 0)


# --- rules test ----------------------------------------------------------------------


class RuleTestResult(_Report):
    """One rule's own examples: the ``match`` texts it missed and ``no_match`` texts it hit."""

    rule_id: str
    path: str
    line: int
    examples: int  # texts tested: match and no_match
    passed: bool
    missed: tuple[str, ...]
    wrongly_matched: tuple[str, ...]


class RuleTestReport(_Report):
    """Every rule's examples, run; results in file and line order."""

    results: tuple[RuleTestResult, ...]
    passed: int
    failed: int


def run_rule_tests(directory: Path) -> RuleTestReport:
    """Run every rule's own ``examples``: each ``match`` text must make the rule fire, and
    no ``no_match`` text may.

    The texts go through the first half of the advisor's own pipeline
    (:func:`~model_advisor.engine.pipeline.match_rules`) with the rules compiled as the
    advisor compiles them (the same tables, typo matching and text cut), so a rule passes
    here exactly when ``advise`` fires it. No model is needed.

    Raises:
        RuleFileError: when the rules do not load.
    """
    ruleset = load_rules(directory)
    compiled = compile_directory(directory, ruleset)
    engine = RuleEngine.from_compiled(compiled)

    def fires(rule: Rule, text: str) -> bool:
        try:
            hits = match_rules(engine, text).hits
        except InvalidTaskError:
            return False
        return any(hit.rule_id == rule.id for hit in hits)

    results = []
    for rule in sorted(ruleset.rules, key=lambda r: (*_line(ruleset, r), r.id)):
        missed = tuple(t for t in rule.examples.match if not fires(rule, t))
        wrong = tuple(t for t in rule.examples.no_match if fires(rule, t))
        path, line = _line(ruleset, rule)
        results.append(
            RuleTestResult(
                rule_id=rule.id,
                path=path,
                line=line,
                examples=len(rule.examples.match) + len(rule.examples.no_match),
                passed=not missed and not wrong,
                missed=missed,
                wrongly_matched=wrong,
            )
        )
    failed = sum(not r.passed for r in results)
    return RuleTestReport(results=tuple(results), passed=len(results) - failed, failed=failed)


# --- rules stats ---------------------------------------------------------------------


class RuleStats(_Report):
    """How one rule behaves on the labelled example tasks (a labeling-function summary)."""

    rule_id: str
    category: Category
    path: str
    line: int
    fires: int  # examples it fires on
    coverage: float  # share of the examples it fires on
    overlaps: int  # examples where another rule fires too
    conflicts: int  # examples where a rule of another category fires too
    correct: int  # fires on an example of its own category
    incorrect: int
    accuracy: float | None  # correct / fires; None when it never fires


class Disagreement(_Report):
    """An example where the rules alone and the classifier alone answer differently."""

    task: str
    line: int
    label: Category
    rules_say: Category
    classifier_says: Category
    rules: tuple[str, ...]  # the rules that fired, sorted


class StatsReport(_Report):
    """Per-rule statistics, and the examples where rules and classifier disagree."""

    source: str  # the examples file
    examples: int
    covered: int  # examples on which at least one rule fires
    conflicting: int  # examples on which rules of different categories fire
    rules: tuple[RuleStats, ...]  # sorted by rule id
    disagreements: tuple[Disagreement, ...]  # in file order


def rule_stats(directory: Path) -> StatsReport:
    """Measure every rule against the directory's labelled examples.

    The rules and the classifier are the advisor's own; the classifier was trained on these
    very examples, so a disagreement usually points at a rule (or a label) to look at.

    Raises:
        RuleFileError, ExampleDataError, ModelFileError.
    """
    directory = Path(directory)
    knowledge = load_knowledge(directory, notes=False)
    engine = Engine(knowledge)
    ruleset = load_rules(directory)
    examples = load_examples(directory / EXAMPLES_FILE, knowledge.categories)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    covered = conflicting = 0
    disagreements = []
    for example in examples:
        decided = engine.decide(example.task, matched_words=False)
        hits = decided.hits
        categories = {h.category for h in hits}
        covered += bool(hits)
        conflicting += len(categories) > 1
        for hit in hits:
            tally = counts[hit.rule_id]
            tally["fires"] += 1
            tally["overlaps"] += len(hits) > 1
            tally["conflicts"] += len(categories - {hit.category}) > 0
            tally["correct" if hit.category == example.label else "incorrect"] += 1
        rules_say = rules_only(hits, knowledge.categories)
        if rules_say in knowledge.categories:
            probabilities = decided.probabilities
            classifier_says = max(knowledge.categories, key=lambda c: probabilities[c])
            if rules_say != classifier_says:
                disagreements.append(
                    Disagreement(
                        task=example.task,
                        line=example.line,
                        label=example.label,
                        rules_say=rules_say,
                        classifier_says=classifier_says,
                        rules=tuple(sorted({h.rule_id for h in hits})),
                    )
                )
    return StatsReport(
        source=str(directory / EXAMPLES_FILE),
        examples=len(examples),
        covered=covered,
        conflicting=conflicting,
        rules=tuple(
            _rule_stats(ruleset, rule, counts[rule.id], len(examples)) for rule in ruleset.rules
        ),
        disagreements=tuple(disagreements),
    )


def _rule_stats(ruleset: RuleSet, rule: Rule, tally: Counter[str], examples: int) -> RuleStats:
    fires = tally["fires"]
    path, line = _line(ruleset, rule)
    return RuleStats(
        rule_id=rule.id,
        category=rule.category,
        path=path,
        line=line,
        fires=fires,
        coverage=fires / examples if examples else 0.0,
        overlaps=tally["overlaps"],
        conflicts=tally["conflicts"],
        correct=tally["correct"],
        incorrect=tally["incorrect"],
        accuracy=tally["correct"] / fires if fires else None,
    )
