"""How much do typos cost? Prints the accuracy on the development requests as written, and on
the same requests with typos, for a few seeds of typos.

Each request gets a typo in up to two of its words of five letters or more (not the commonest
function words): a letter left out, two letters swapped, a letter replaced by a key beside it,
or a letter doubled, never the first or last letter. The requests are those of
``benchmarks/data/dev-*/requests.csv`` and ``dev-hard.csv`` (English, read while tuning; the
typos are new). The baseline is the same advisor with its spelling correction turned off,
run on the same texts in the same run: the figure to watch is the share of what the typos
cost it that the correction wins back.

Run: ``python benchmarks/misspelt.py [--knowledge DIR] [--seeds 0 1 2]``.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections.abc import Callable
from pathlib import Path

from model_advisor import Advisor
from model_advisor.engine.spelling import Speller

HERE = Path(__file__).parent
DATA = HERE / "data"
ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
SPARED = frozenset(
    "about after their there these those which where while would could should other".split()
)


def requests() -> list[tuple[str, str]]:
    files = [*sorted(DATA.glob("dev-*/requests.csv")), DATA / "dev-hard.csv"]
    rows = []
    for path in files:
        with path.open(newline="", encoding="utf-8") as handle:
            rows += [(row["task"], row["label"]) for row in csv.DictReader(handle)]
    return rows


def beside(letter: str, rng: random.Random) -> str:
    for row in ROWS:
        at = row.find(letter)
        if at >= 0:
            return rng.choice([row[i] for i in (at - 1, at + 1) if 0 <= i < len(row)])
    return letter


def typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word) - 1)
    kind = rng.choice("dtsi")
    if kind == "d":
        return word[:at] + word[at + 1 :]
    if kind == "t":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == "s":
        return word[:at] + beside(word[at], rng) + word[at + 1 :]
    return word[:at] + word[at] + word[at:]


def misspell(text: str, rng: random.Random) -> str:
    words = [w for w in re.findall(r"[A-Za-z]{5,}", text) if w.lower() not in SPARED]
    rng.shuffle(words)
    for word in words[:2]:
        text = text.replace(word, typo(word, rng), 1)
    return text


def accuracy(advise: Callable[[str], str], rows: list[tuple[str, str]]) -> float:
    return sum(advise(text) == label for text, label in rows) / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, help="a knowledge directory (default: shipped)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()

    advisor = Advisor.from_dir(args.knowledge) if args.knowledge else Advisor.default()
    rules = advisor.engine.rules
    speller = rules.speller
    plain = Speller(frozenset(), ())  # corrects nothing: the advisor without correction

    def advise(text: str) -> str:
        return advisor.engine.decide(text, matched_words=False).decision.category

    rows = requests()
    clean = accuracy(advise, rows)
    print(f"{len(rows)} development requests; as written: accuracy {clean:.4f}")
    for seed in args.seeds:
        rng = random.Random(seed)
        misspelt = [(misspell(text, rng), label) for text, label in rows]
        corrected = accuracy(advise, misspelt)
        rules.speller = plain
        try:
            uncorrected = accuracy(advise, misspelt)
        finally:
            rules.speller = speller
        cost = clean - uncorrected
        won = (corrected - uncorrected) / cost if cost > 0 else float("nan")
        print(
            f"  seed {seed}: with typos {corrected:.4f} (without correction {uncorrected:.4f}); "
            f"of the {cost:.4f} the typos cost, {won:.0%} won back"
        )


if __name__ == "__main__":
    main()
