"""How right is the advisor, and does its confidence mean what it says? Prints every figure
with its target.

- 5-fold cross-validation on the shipped examples (target: macro-F1 of at least 0.95), for
  rules alone, classifier alone and combined;
- the development held-out sets (``benchmarks/data/heldout*.csv``): read while tuning, so
  their figures are optimistic;
- the development sets of hard requests (``benchmarks/data/dev-hard.csv``, and
  ``requests.csv`` of ``dev-2/``, ``dev-3/`` and ``dev-10/`` to ``dev-16/``) and of real
  texts (``real.csv`` of ``dev-2/`` to ``dev-15/``), written blind for developers to read:
  their figures per pattern show where wording still misleads;
- the blind pairs (``benchmarks/data/blind/`` to ``blind-11/``), each written by someone who
  had seen nothing of the project, with the labelling rule written first (``LABELLING.md``).
  Nobody tunes on them: a pair is run once before and once after a change, and its mistakes
  are not printed. ``blind-6/`` to ``blind-11/`` mark their real texts ``border`` when a
  careful reader of the notes could label them otherwise (``BORDER.md``), ``clear`` if not,
  and the figures are printed per slice too. All eleven have been measured before and after
  a round of work already: the next round needs a new pair.
  Targets: macro-F1 at least 0.95 on the requests and 0.85 on their hard slice, at least 0.93
  on the real texts, expected calibration error at most 0.05, and no AGI answer on a set
  that holds no AGI task.

Run: ``python benchmarks/accuracy.py [--knowledge DIR] [--skip-cv] [--skip-blind]
[--blind PAIR]``; while tuning, always with ``--skip-blind``; before and after a round, with
``--blind`` naming the pair written for it (``--skip-cv --blind blind-11``).
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

from model_advisor import Advisor, read_labelled
from model_advisor.engine.pipeline import Engine
from model_advisor.quality.evaluation import Answer, EvaluationReport, cross_validate
from model_advisor.quality.evaluation import evaluate_examples as score_examples
from model_advisor.quality.metrics import reliability, score

HERE = Path(__file__).parent
ROOT = HERE.parent
DEV_SETS = ("heldout.csv", "heldout-2.csv", "heldout-3.csv")
BLIND_PAIRS = (
    "blind",
    "blind-2",
    "blind-3",
    "blind-4",
    "blind-5",
    "blind-6",
    "blind-7",
    "blind-8",
    "blind-9",
    "blind-10",
    "blind-11",
    "blind-12",
    "blind-13",
    "blind-14",
    "blind-15",
    "blind-16",
    "blind-17",
    "blind-18",
    "blind-19",
    "blind-20",
    "blind-21",
    "blind-22",
    "blind-23",
    "blind-24",
    "blind-25",
    "blind-26",
    "blind-27",
)
DEV_HARD = (
    HERE / "data" / "dev-hard.csv",
    HERE / "data" / "dev-2" / "requests.csv",
    HERE / "data" / "dev-3" / "requests.csv",
    HERE / "data" / "dev-10" / "requests.csv",
    HERE / "data" / "dev-11" / "requests.csv",
    HERE / "data" / "dev-12" / "requests.csv",
    HERE / "data" / "dev-13" / "requests.csv",
    HERE / "data" / "dev-14" / "requests.csv",
    HERE / "data" / "dev-15" / "requests.csv",
    HERE / "data" / "dev-16" / "requests.csv",
)
DEV_REAL = tuple(
    HERE / "data" / name / "real.csv"
    for name in (
        "dev-2",
        "dev-3",
        "dev-4",
        "dev-5",
        "dev-6",
        "dev-7",
        "dev-8",
        "dev-9",
        "dev-10",
        "dev-11",
        "dev-12",
        "dev-13",
        "dev-14",
        "dev-15",
    )
)


def verdict(value: float | None, target: float, higher: bool = True) -> str:
    if value is None:
        return "n/a"
    ok = value >= target if higher else value <= target
    return f"{'met' if ok else 'MISSED'} (target {'>=' if higher else '<='} {target})"


def line(name: str, report: EvaluationReport, f1_target: float | None = None) -> None:
    c = report.combined
    ece = report.calibration_error
    target = f"  macro-F1 {verdict(c.macro_f1, f1_target)}" if f1_target else ""
    print(
        f"  {name:28} n={report.examples:<4} accuracy {c.accuracy:.3f}  macro-F1 "
        f"{c.macro_f1:.3f}  ECE {ece if ece is None else round(ece, 3)}{target}"
    )


def slice_line(
    name: str, answers: Sequence[Answer], categories: Sequence[str], target: float
) -> None:
    truth = [a.label for a in answers]
    s = score(truth, [a.answer for a in answers], categories)
    _, ece = reliability([(a.confidence, a.correct) for a in answers])
    print(
        f"  {name:28} n={len(answers):<4} accuracy {s.accuracy:.3f}  macro-F1 {s.macro_f1:.3f}"
        f"  ECE {ece if ece is None else round(ece, 3)}  macro-F1 {verdict(s.macro_f1, target)}"
    )


def slices(path: Path, column: str = "slice") -> list[str]:
    """A column of a labelled file (``slice`` by default), row by row ('' when it has none)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [row.get(column) or "" for row in csv.DictReader(handle)]


def category_line(report: EvaluationReport) -> None:
    """F1 per category (a small category can hold macro-F1 down on its own)."""
    print(
        "    F1 by category: "
        + ", ".join(
            f"{c.category} {c.f1:.3f} (n={c.support})" for c in report.combined.per_category
        )
    )


def confidence_lines(report: EvaluationReport) -> None:
    mean = sum(a.confidence for a in report.answers) / len(report.answers)
    print(
        f"    mean confidence {mean:.3f} vs accuracy {report.combined.accuracy:.3f}; "
        f"ECE {verdict(report.calibration_error, 0.05, higher=False)}"
    )
    for name, share in (("ambiguous", report.ambiguous), ("clear", report.clear)):
        if share is not None and share.accuracy is not None:
            print(f"    {name} answers {share.answers}, right {share.accuracy:.1%}")


def agi_line(report: EvaluationReport, aspirational: set[str]) -> None:
    labelled = sum(a.label in aspirational for a in report.answers)
    answered = sum(a.answer in aspirational for a in report.answers)
    note = ""
    if labelled == 0:  # a set without AGI tasks must get no AGI answer
        note = f"  {'met' if answered == 0 else 'MISSED'} (target: none)"
    print(f"    aspirational (AGI) tasks labelled {labelled}, answered {answered}{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=ROOT / "rules")
    parser.add_argument("--skip-cv", action="store_true", help="skip cross-validation")
    parser.add_argument(
        "--skip-blind", action="store_true", help="skip the blind sets (while tuning: use this)"
    )
    parser.add_argument(
        "--blind",
        action="append",
        choices=BLIND_PAIRS,
        help="measure only this blind pair (repeatable); a pair is measured once before and "
        "once after a round, so name the one that round is for",
    )
    args = parser.parse_args()

    advisor = Advisor.from_dir(args.knowledge)
    categories = advisor.categories
    aspirational = {c for c in categories if advisor.info[c].aspirational}
    if not args.skip_cv:
        report = cross_validate(args.knowledge)
        print("5-fold cross-validation on the examples:")
        for name, scores in [
            ("combined", report.combined),
            ("rules only", report.rules_only),
            ("classifier only", report.classifier_only),
        ]:
            print(f"  {name:16} accuracy {scores.accuracy:.3f}  macro-F1 {scores.macro_f1:.3f}")
        print(f"  combined macro-F1 {verdict(report.combined.macro_f1, 0.95)}")
        confidence_lines(report)
        languages = slices(Path(args.knowledge) / "examples.csv", "lang")
        if any(languages) and len(languages) == len(report.answers):
            # examples in other languages are few for each language: shown apart
            tagged = list(zip(report.answers, languages, strict=True))
            for name, chosen in [
                ("examples in English", [a for a, lang in tagged if not lang]),
                ("in other languages", [a for a, lang in tagged if lang]),
            ]:
                slice_line(name, chosen, categories, 0.95)

    print("\nDevelopment held-out sets (read while tuning: optimistic):")
    for name in DEV_SETS:
        examples = read_labelled(HERE / "data" / name, categories)
        line(name, score_examples(examples, advisor.engine))

    for path in DEV_HARD:
        print(f"\nDevelopment set of hard requests {path.relative_to(HERE)} (read while tuning):")
        report = score_examples(read_labelled(path, categories), advisor.engine)
        line(path.name, report)
        patterns = slices(path, "pattern")
        for kind in sorted(set(patterns) - {""}):
            chosen = [a for a, k in zip(report.answers, patterns, strict=True) if k == kind]
            right = sum(a.correct for a in chosen)
            print(f"    {kind:28} {right}/{len(chosen)} right")
        confidence_lines(report)
    for path in DEV_REAL:
        print(f"\nDevelopment set of real texts {path.relative_to(HERE)} (read while tuning):")
        report = score_examples(read_labelled(path, categories), advisor.engine)
        line(path.name, report, 0.93)
        category_line(report)
        confidence_lines(report)
        agi_line(report, aspirational)

    for pair in () if args.skip_blind else (args.blind or BLIND_PAIRS):
        print(f"\nBlind sets {pair}/ (never tuned on; mistakes not shown):")
        for name, target in (("requests.csv", 0.95), ("real.csv", 0.93)):
            blind_set(HERE / "data" / pair / name, target, advisor.engine, categories, aspirational)


def blind_set(
    path: Path, target: float, engine: Engine, categories: Sequence[str], aspirational: set[str]
) -> None:
    """Print one blind set's figures: overall, per slice, confidence and AGI answers."""
    if not path.is_file():
        print(f"  {path.name}: not found")
        return
    report = score_examples(read_labelled(path, categories), engine)
    line(path.name, report, target)
    kinds = slices(path)
    for kind in sorted(set(kinds) - {""}):
        chosen = [a for a, k in zip(report.answers, kinds, strict=True) if k == kind]
        slice_line(f"  slice {kind}", chosen, categories, 0.85 if kind == "hard" else target)
    languages = slices(path, "lang")
    for language in sorted(set(languages) - {""}):
        chosen = [a for a, k in zip(report.answers, languages, strict=True) if k == language]
        slice_line(f"  language {language}", chosen, categories, target)
    category_line(report)
    confidence_lines(report)
    agi_line(report, aspirational)


if __name__ == "__main__":
    main()
