"""How fast is the batch? Prints the figures the batch issue sets targets for.

On one generated CSV of varied task texts (fixed seed), it times in the same run:

- (a) a plain scikit-learn baseline with the same features: read the CSV with the csv module,
  ``predict_proba`` of the trained pipeline on chunks of 10,000 texts, write a CSV of labels;
- (b) ``advise_file`` in one process;
- (c) ``advise_file`` with ``jobs=2``.

and prints rows/s for each with the ratios (b)/(a) (target >= 0.7) and (c)/(b) (target >= 1.6
on 2 cores). Run: ``python benchmarks/batch_throughput.py [--rows N]``; ``--rows 100000`` is
the quick mode. ``--corpus distinct`` uses texts of mostly made-up words instead, and
``--corpus summaries`` real one-line package summaries (``--summaries FILE``, by default the
machine's PyPI list); for both the share of distinct words is printed, so figures can be
compared over time, and the targets are 0.85 and 1.7.

This machine's speed drifts by tens of percent for seconds at a time, so the three are
interleaved: the file is also written as ``--slices`` consecutive parts, each part is run by
(a), (b) and (c) back to back (in turns, which goes first), and each side's rows/s is its
total over all the parts; the spread of the per-part ratios is printed too. Each run of (c)
starts its worker processes, as every run of the command does.
"""

from __future__ import annotations

import argparse
import csv
import functools
import itertools
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from model_advisor import advise_file, load_examples, load_rules
from model_advisor._paths import default_knowledge_dir
from model_advisor._text import normalize
from model_advisor.advice.advisor import load_long_lived
from model_advisor.engine.classifier import TaskClassifier

CHUNK = 10_000
ORDERS = (("a", "b", "c"), ("b", "c", "a"), ("c", "a", "b"))  # each side first in turn
VERBS = (
    "predict", "forecast", "classify", "detect", "flag", "sort", "rank", "estimate", "score",
    "tag", "spot", "recognise", "segment", "cluster", "write", "draft", "compose", "generate",
    "create", "design", "paint", "translate", "summarise", "rewrite", "illustrate", "invent",
    "imagine", "plan", "reason about", "learn", "master", "solve", "understand", "explain",
    "answer questions about", "chat about", "narrate", "animate", "synthesise", "sketch",
)  # fmt: skip
OBJECTS = (
    "sales figures", "customer churn", "spam emails", "fraudulent payments", "house prices",
    "weather", "stock prices", "tumours in x-rays", "faulty parts", "support tickets",
    "product reviews", "song lyrics", "poems", "blog posts", "marketing copy", "python code",
    "product photos", "logos", "3d models", "video trailers", "bedtime stories", "essays",
    "legal contracts", "medical notes", "invoices", "tweets", "job adverts", "recipes",
    "news articles", "podcast episodes", "traffic flows", "energy demand", "crop yields",
    "credit risk", "sensor readings", "voice recordings", "handwritten digits", "maps",
    "board game strategies", "scientific hypotheses", "any task a human can do", "new skills",
    "jokes", "slogans", "melodies", "faces in photos", "road signs", "bird songs",
)  # fmt: skip
DOMAINS = (
    "for a bank", "in a hospital", "for an online shop", "on social media", "for a school",
    "in a factory", "for the weather service", "for a law firm", "for a newspaper",
    "for a game studio", "in a call centre", "for farmers", "for a city council",
    "for a museum", "in a warehouse", "for a startup", "for my team", "without supervision",
    "like a person would", "across every domain", "at scale", "in real time", "every morning",
    "from last year's data", "in several languages", "for children", "for engineers",
)  # fmt: skip
TEMPLATES = (
    "{verb} {object} {domain}",
    "we need to {verb} {object} {domain}",
    "I want a model that can {verb} {object} {domain}",
    "help me {verb} {object}",
    "{verb} {object} {domain} and {verb2} {object2}",
    "tool to {verb} {object} {domain}, quickly",
    "can AI {verb} {object} {domain}?",
    "{verb} the {object} {domain} with high accuracy",
)  # fmt: skip


def tasks(rows: int, seed: int = 7) -> Iterator[str]:
    """Varied task texts: random verb, object, domain and template (mostly unique)."""
    rng = random.Random(seed)
    for _ in range(rows):
        template = rng.choice(TEMPLATES)
        yield template.format(
            verb=rng.choice(VERBS),
            object=rng.choice(OBJECTS),
            domain=rng.choice(DOMAINS),
            verb2=rng.choice(VERBS),
            object2=rng.choice(OBJECTS),
        )


SYLLABLES = tuple(c + v for c in "bcdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ou", "ai"))
FILLERS = ("the", "a", "of", "for", "our", "with", "from", "and", "in", "every", "new", "each")


def distinct_tasks(rows: int, seed: int = 11) -> Iterator[str]:
    """Task texts of 5 to 25 words, mostly made-up words (product names, jargon, places), so
    that nearly every text brings words no earlier text had: the per-word caches cannot
    answer most lookups, as on real, varied descriptions."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))

    for _ in range(rows):
        length = rng.randint(5, 25)
        words = [rng.choice(VERBS)]
        while len(words) < length:
            roll = rng.random()
            words.append(
                rng.choice(FILLERS) if roll < 0.3 else rng.choice(OBJECTS) if roll < 0.4 else word()
            )
        yield " ".join(words)


PACKAGE_SUMMARIES = Path("/usr/share/package-lists/pypi.tsv")


def summary_tasks(rows: int, source: Path = PACKAGE_SUMMARIES, seed: int = 13) -> Iterator[str]:
    """Real one-line descriptions: the summaries of 5 to 25 words in a tab-separated package
    list with a ``summary`` column (PyPI's, on the machines this project is built on), each
    once, in an order shuffled with a fixed seed. Repeated from the start if ``rows`` is more
    than the file holds.

    Raises:
        SystemExit: when the file is not there.
    """
    if not source.is_file():
        raise SystemExit(f"{source}: no package list here; pass --summaries FILE")
    with source.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        found = dict.fromkeys(
            text
            for row in reader
            if (text := " ".join((row.get("summary") or "").split()))
            and 5 <= len(text.split()) <= 25
        )
    summaries = list(found)
    random.Random(seed).shuffle(summaries)
    yield from itertools.islice(itertools.cycle(summaries), rows)


def distinct_share(texts: Iterator[str]) -> float:
    """The share of a corpus's words that are distinct (types / tokens)."""
    seen: set[str] = set()
    total = 0
    for text in texts:
        words = text.split()
        total += len(words)
        seen.update(words)
    return len(seen) / total if total else 0.0


CORPORA = ("varied", "distinct", "summaries")


def corpus_tasks(corpus: str, rows: int, summaries: Path = PACKAGE_SUMMARIES) -> Iterator[str]:
    """``rows`` tasks of the named corpus (one of ``CORPORA``)."""
    if corpus == "summaries":
        return summary_tasks(rows, summaries)
    return distinct_tasks(rows) if corpus == "distinct" else tasks(rows)


def write_input(
    path: Path,
    rows: int,
    slices: int = 1,
    corpus: str = "varied",
    summaries: Path = PACKAGE_SUMMARIES,
) -> list[Path]:
    """Write ``rows`` tasks of ``corpus`` as CSV: to ``path``, or with ``slices`` > 1 as that
    many consecutive parts beside it. Returns the files."""
    generated = enumerate(corpus_tasks(corpus, rows, summaries), start=1)
    if slices == 1:
        parts = [path]
    else:
        parts = [path.with_name(f"{path.stem}-{n + 1:02d}.csv") for n in range(slices)]
    for number, part in enumerate(parts):
        with part.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["id", "task"])
            writer.writerows(itertools.islice(generated, rows // slices + (number < rows % slices)))
    return parts


def fit_baseline(knowledge: Path) -> tuple[Any, Any]:
    """The scikit-learn pipeline the advisor's classifier is trained as, and its labels."""
    examples = load_examples(knowledge / "examples.csv", load_rules(knowledge).settings.ids)
    classifier = TaskClassifier().fit([e.task for e in examples], [e.label for e in examples])
    return classifier.pipeline_, classifier.pipeline_.classes_


def sklearn_baseline(model: Any, classes: Any, source: Path, target: Path) -> None:
    """Read the CSV, predict chunks of 10,000 texts, write each row with its label."""
    with (
        source.open(newline="", encoding="utf-8") as inp,
        target.open("w", newline="", encoding="utf-8") as out,
    ):
        reader, writer = csv.reader(inp), csv.writer(out, lineterminator="\n")
        writer.writerow([*next(reader), "label"])
        while chunk := list(itertools.islice(reader, CHUNK)):
            probabilities = model.predict_proba([normalize(row[1]) for row in chunk])
            labels = classes[probabilities.argmax(axis=1)]
            writer.writerows([*row, label] for row, label in zip(chunk, labels, strict=True))


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (this process and its ended children) of ``run()``."""
    start, cpu = time.perf_counter(), _cpu_seconds()
    run()
    return time.perf_counter() - start, _cpu_seconds() - cpu


def report(label: str, rows: int, seconds: float, busy: float) -> float:
    """Print and return rows/s, with the CPUs kept busy."""
    print(
        f"{label}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
        f"(CPUs busy {busy / seconds:.2f})",
        flush=True,
    )
    return rows / seconds


def _cpu_seconds() -> float:
    """CPU time of this process and its ended children (the workers of ``jobs=2``)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the generated CSV")
    parser.add_argument(
        "--slices", type=int, default=10, help="parts (a), (b) and (c) take in turns"
    )
    parser.add_argument("--rules", type=Path, help="a knowledge directory (default: shipped)")
    parser.add_argument(
        "--corpus",
        choices=CORPORA,
        default="varied",
        help="varied: a few hundred words recombined (repeated vocabulary); distinct: mostly "
        "made-up words, so nearly every text brings new ones; summaries: real package "
        "summaries (--summaries)",
    )
    parser.add_argument(
        "--summaries",
        type=Path,
        default=PACKAGE_SUMMARIES,
        help="for --corpus summaries: a tab-separated file with a summary column",
    )
    args = parser.parse_args()
    distinct = args.corpus != "varied"
    share = distinct_share(corpus_tasks(args.corpus, args.rows, args.summaries))
    print(
        f"{os.cpu_count()} CPUs; generating {args.rows:,} {args.corpus} tasks "
        f"({share:.2%} of their words distinct)",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as scratch:
        parts = write_input(
            Path(scratch) / "tasks.csv", args.rows, args.slices, args.corpus, args.summaries
        )
        model, classes = fit_baseline(args.rules or default_knowledge_dir())
        # loaded outside the timings, as the baseline is trained outside them, and the way
        # the `batch` command loads it
        advisor = load_long_lived(args.rules)
        out = Path(scratch) / "out.csv"
        sides = {
            "a": lambda part: sklearn_baseline(model, classes, part, out),
            "b": lambda part: advise_file(part, out, advisor=advisor, rules_path=args.rules),
            "c": lambda part: advise_file(
                part, out, advisor=advisor, rules_path=args.rules, jobs=2
            ),
        }
        totals = {side: [0.0, 0.0] for side in sides}
        ratios: dict[str, list[float]] = {"b/a": [], "c/b": []}
        print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
        for number, part in enumerate(parts):
            seconds = {}
            for side in ORDERS[number % len(ORDERS)]:
                wall, cpu = timed(functools.partial(sides[side], part))
                seconds[side] = wall
                totals[side][0] += wall
                totals[side][1] += cpu
            ratios["b/a"].append(seconds["a"] / seconds["b"])
            ratios["c/b"].append(seconds["b"] / seconds["c"])
        baseline = report("(a) scikit-learn", args.rows, *totals["a"])
        one = report("(b) advise_file", args.rows, *totals["b"])
        two = report("(c) advise_file jobs=2", args.rows, *totals["c"])
    one_target, two_target = (0.85, 1.7) if distinct else (0.7, 1.6)
    print(f"(b)/(a): {one / baseline:.2f} (target >= {one_target}); {spread(ratios['b/a'])}")
    print(f"(c)/(b): {two / one:.2f} (target >= {two_target} on 2 cores); {spread(ratios['c/b'])}")


def spread(ratios: list[float]) -> str:
    """The smallest, median and largest of the per-part ratios."""
    ordered = sorted(ratios)
    low, middle, high = ordered[0], ordered[len(ordered) // 2], ordered[-1]
    return f"per part min / median / max {low:.2f} / {middle:.2f} / {high:.2f}"


if __name__ == "__main__":
    main()
