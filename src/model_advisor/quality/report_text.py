"""Quality and evaluation reports as text for a terminal (private; the CLI prints these)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: the CLI imports this module on every start
    from ..errors import Problem
    from .checks import RuleStats, RuleTestReport, StatsReport
    from .evaluation import Answer, EvaluationReport, TrainingReport
    from .metrics import Scores

TASK_WIDTH = 90
"""Longer task texts are cut to this many characters in tables."""


def problems_summary(problems: Sequence[Problem]) -> str:
    """``2 errors, 1 warning``, or ``no problems found``."""
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "no problems found"
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


def render_rule_tests(report: RuleTestReport, show_passed: bool = True) -> str:
    """One line per rule, ``pass`` or ``FAIL``, with the texts that failed; then a summary."""
    lines = []
    for result in report.results:
        if result.passed:
            if show_passed:
                lines.append(f"pass  {result.rule_id}")
            continue
        lines.append(f"FAIL  {result.rule_id}  {result.path}:{result.line}")
        lines.extend(f"        should match, does not: {_quote(t)}" for t in result.missed)
        lines.extend(f"        should not match, does: {_quote(t)}" for t in result.wrongly_matched)
    total = report.passed + report.failed
    summary = f"{_count(total, 'rule')}: {report.passed} passed, {report.failed} failed"
    if report.failed:
        failed = ", ".join(r.rule_id for r in report.results if not r.passed)
        summary += f" ({failed})"
    return "\n".join([*lines, summary])


STATS_SORTS = (
    "rule",
    "category",
    "fires",
    "coverage",
    "overlaps",
    "conflicts",
    "correct",
    "incorrect",
    "accuracy",
)
"""Columns ``rules stats --sort`` accepts: counts sort largest first, accuracy lowest first."""


def _stats_key(column: str) -> Callable[[RuleStats], tuple[float | str, ...]]:
    if column == "rule":
        return lambda r: (r.rule_id,)
    if column == "category":
        return lambda r: (r.category, r.rule_id)
    if column == "accuracy":  # worst first; rules that never fire last
        return lambda r: (r.accuracy is None, r.accuracy or 0.0, r.rule_id)
    return lambda r: (-getattr(r, column), r.rule_id)


def render_stats(report: StatsReport, sort: str = "rule") -> str:
    """A table with a row per rule, a summary, then the disagreements of rules and classifier."""
    rules = sorted(report.rules, key=_stats_key(sort))
    width = max([len("rule"), *(len(r.rule_id) for r in rules)])
    head = (
        f"{'rule':<{width}}  {'category':<14}  fires  coverage  overlaps  conflicts  "
        "correct  incorrect  accuracy"
    )
    lines = [head]
    for r in rules:
        accuracy = "-" if r.accuracy is None else f"{r.accuracy:.2f}"
        lines.append(
            f"{r.rule_id:<{width}}  {r.category:<14}  {r.fires:>5}  {r.coverage:>8.1%}  "
            f"{r.overlaps:>8}  {r.conflicts:>9}  {r.correct:>7}  {r.incorrect:>9}  {accuracy:>8}"
        )
    silent = sum(r.fires == 0 for r in report.rules)
    lines += [
        "",
        f"{_count(report.examples, 'example')} in {report.source}: the rules fire on "
        f"{report.covered} ({_share(report.covered, report.examples)}), rules of different "
        f"categories on {report.conflicting}; "
        + (
            f"{_count(silent, 'rule')} never fire{'s' if silent == 1 else ''}."
            if silent
            else "every rule fires."
        ),
    ]
    if not report.disagreements:
        lines.append("The rules and the classifier agree on every example the rules decide.")
        return "\n".join(lines)
    lines += [
        "",
        f"Rules and classifier disagree on {_count(len(report.disagreements), 'example')}:",
    ]
    for d in report.disagreements:
        lines.append(
            f"  {report.source}:{d.line}: label {d.label}; rules say {d.rules_say} "
            f"({', '.join(d.rules)}), classifier says {d.classifier_says}"
        )
        lines.append(f"    {_quote(d.task)}")
    return "\n".join(lines)


def render_training(report: TrainingReport) -> str:
    """Where the model went, and its cross-validated scores."""
    lines = [f"saved {report.model} (trained on {_count(report.examples, 'example')})"]
    cv = report.cross_validation
    if cv is not None:
        lines += ["", f"{cv.folds}-fold cross-validation on {cv.source}:", *_summary(cv)]
    return "\n".join(lines)


def render_evaluation(report: EvaluationReport) -> str:
    """Every figure of an evaluation: scores, per category, confusion, reliability, mistakes."""
    if report.folds:
        title = f"{report.folds}-fold cross-validation on {report.source}"
    else:
        title = f"Evaluated on {report.source}"
    lines = [
        f"{title} ({_count(report.examples, 'task')}) with the knowledge in {report.knowledge}",
        "",
        *_summary(report),
    ]
    if report.seen_in_training:
        lines += [
            "",
            f"Note: {_count(report.seen_in_training, 'task')} of the file "
            + (
                "is also a training example"
                if report.seen_in_training == 1
                else "are also training examples"
            )
            + ", so these figures are optimistic.",
        ]
    lines += ["", "Per category (combined):", *_per_category(report.combined)]
    lines += ["", "Confusion matrix (combined; rows: label, columns: answer):"]
    lines += _confusion(report.combined)
    lines += ["", "Reliability (combined; is the advisor right as often as it is sure?):"]
    lines += reliability_rows(report)
    wrong = sum(not a.correct for a in report.answers)
    lines += ["", *_mistakes(report.source, report.mistakes, wrong)]
    return "\n".join(lines)


def _summary(report: EvaluationReport) -> list[str]:
    lines = [f"  {'':<16}  accuracy  macro-F1"]
    for name, scores in (
        ("combined", report.combined),
        ("rules only", report.rules_only),
        ("classifier only", report.classifier_only),
    ):
        lines.append(f"  {name:<16}  {scores.accuracy:>8.3f}  {scores.macro_f1:>8.3f}")
    return lines


def _per_category(scores: Scores) -> list[str]:
    lines = [f"  {'category':<14}  precision  recall     F1  support"]
    for c in scores.per_category:
        lines.append(
            f"  {c.category:<14}  {c.precision:>9.3f}  {c.recall:>6.3f}  {c.f1:>5.3f}  "
            f"{c.support:>7}"
        )
    return lines


def _confusion(scores: Scores) -> list[str]:
    width = max(len(label) for label in scores.labels)
    lines = ["  " + " " * width + "".join(f"  {label:>{width}}" for label in scores.labels)]
    for label, row in zip(scores.labels, scores.confusion, strict=False):
        lines.append(f"  {label:<{width}}" + "".join(f"  {n:>{width}}" for n in row))
    return lines


def reliability_rows(report: EvaluationReport) -> list[str]:
    """The reliability table's text: the bins that hold answers, then the calibration error."""
    lines = ["  confidence  answers  accuracy  mean confidence"]
    for b in report.reliability:
        if b.answers and b.accuracy is not None and b.mean_confidence is not None:
            lines.append(
                f"  {b.low:.1f}-{b.high:.1f}     {b.answers:>7}  {b.accuracy:>8.3f}  "
                f"{b.mean_confidence:>15.3f}"
            )
    if report.calibration_error is not None:
        lines.append(f"  expected calibration error {report.calibration_error:.3f}")
    for name, share in (("ambiguous", report.ambiguous), ("clear", report.clear)):
        if share is not None and share.accuracy is not None:
            lines.append(f"  {name} answers: {share.answers}, right {share.accuracy:.0%}")
    return lines


def _mistakes(source: str, mistakes: Sequence[Answer], wrong: int) -> list[str]:
    if not mistakes:
        return ["No mistakes."]
    lines = [f"Most confident mistakes ({len(mistakes)} of {wrong}):"]
    for m in mistakes:
        rules = ", ".join(m.rules) or "none"
        lines.append(
            f"  {source}:{m.line}: label {m.label}, answer {m.answer} ({m.confidence:.2f}); "
            f"rules say {m.rules_say} ({rules}), classifier says {m.classifier_says} "
            f"({m.classifier_confidence:.2f})"
        )
        lines.append(f"    {_quote(m.task)}")
    return lines


def _quote(text: str) -> str:
    cut = text if len(text) <= TASK_WIDTH else text[: TASK_WIDTH - 3] + "..."
    return f'"{cut}"'


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"
