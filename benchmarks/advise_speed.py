"""How fast is one answer? Prints the figures the core issue sets targets for.

- warm: median time of ``Advisor.advise`` on varied tasks once the advisor is loaded, over
  all rounds and for the best round (target: under 0.5 ms);
- cold: median wall time of a whole ``model-advisor advise "predict weather"`` process (the
  command beside this Python, with the package's bytecode compiled as an install has it), as
  a ratio to ``python -c "import click, yaml, pydantic"`` timed in the same run (target: <= 3x).

Run: ``python benchmarks/advise_speed.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import statistics
import subprocess
import sys
import time
from pathlib import Path

from installed import model_advisor_command

import model_advisor
from model_advisor import Advisor

HERE = Path(__file__).parent


def tasks() -> list[str]:
    with (HERE / "data" / "heldout.csv").open(newline="", encoding="utf-8") as handle:
        return [row["task"] for row in csv.DictReader(handle)]


def warm_median_ms(advisor: Advisor, texts: list[str], rounds: int) -> tuple[float, float]:
    """The median time of one call over all rounds, and the lowest of the rounds' medians.

    This machine's speed drifts by up to a third for seconds at a time; the best round's
    median is the steadier figure (as timeit advises, noise only ever adds time).
    """
    for text in texts:  # fill the caches a long-running process would have
        advisor.advise(text)
    medians, timings = [], []
    for _ in range(rounds):
        round_timings = []
        for text in texts:
            start = time.perf_counter()
            advisor.advise(text)
            round_timings.append(time.perf_counter() - start)
        medians.append(statistics.median(round_timings))
        timings.extend(round_timings)
    return statistics.median(timings) * 1000, min(medians) * 1000


def process_median_s(command: list[str], runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="process launches per command")
    args = parser.parse_args()

    advisor = Advisor.default()
    texts = tasks()
    overall, best = warm_median_ms(advisor, texts, rounds=7)
    print(
        f"warm advise() over {len(texts)} varied tasks: median {overall:.3f} ms; "
        f"best round's median {best:.3f} ms (target < 0.5 ms)"
    )

    advise = [*model_advisor_command(), "advise", "predict weather"]
    baseline = [sys.executable, "-c", "import click, yaml, pydantic"]
    # pip compiles an installed package's bytecode; a checkout run with
    # PYTHONDONTWRITEBYTECODE set would compile every module again in each process
    compileall.compile_dir(Path(model_advisor.__file__).parent, quiet=1)
    process_median_s(advise, 2)  # warm the file cache and the model cache
    base_s = process_median_s(baseline, args.runs)
    cold_s = process_median_s(advise, args.runs)
    print(f"baseline `python -c 'import click, yaml, pydantic'`: median {base_s * 1000:.0f} ms")
    print(f'cold `model-advisor advise "predict weather"`: median {cold_s * 1000:.0f} ms')
    print(f"cold / baseline: {cold_s / base_s:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
