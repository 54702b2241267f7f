"""How right is the advisor? Prints cross-validated and held-out figures.

- 5-fold cross-validated accuracy and macro-F1 on the shipped example tasks (target: macro-F1
  of at least 0.9), for rules alone, classifier alone and combined;
- accuracy on ``benchmarks/data/heldout.csv``, tasks written apart from the training examples,
  with the held-out mistakes listed so a person can judge them.

Run: ``python benchmarks/accuracy.py [--knowledge DIR] [--show-mistakes]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from model_advisor import Advisor, read_labelled
from model_advisor.quality.evaluation import EvaluationReport, cross_validate, evaluate_examples

HERE = Path(__file__).parent
ROOT = HERE.parent


def print_report(title: str, report: EvaluationReport) -> None:
    print(title)
    for name, scores in [
        ("combined", report.combined),
        ("rules only", report.rules_only),
        ("classifier only", report.classifier_only),
    ]:
        print(f"  {name:16} accuracy {scores.accuracy:.3f}  macro-F1 {scores.macro_f1:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=ROOT / "rules")
    parser.add_argument("--heldout", type=Path, default=HERE / "data" / "heldout.csv")
    parser.add_argument("--show-mistakes", action="store_true")
    args = parser.parse_args()

    print_report("5-fold cross-validation on the examples:", cross_validate(args.knowledge))
    advisor = Advisor.from_dir(args.knowledge)
    heldout = read_labelled(args.heldout, advisor.categories)
    print_report(f"held-out tasks ({len(heldout)}):", evaluate_examples(heldout, advisor.engine))
    if args.show_mistakes:
        for example in heldout:
            advice = advisor.advise(example.task)
            if advice.category != example.label:
                rules = ",".join(h.rule_id for h in advice.evidence.rules)
                print(
                    f"  {example.label:>14} -> {advice.category:<14} {advice.confidence:.2f} "
                    f"{example.task[:70]!r} [{rules}]"
                )


if __name__ == "__main__":
    main()
