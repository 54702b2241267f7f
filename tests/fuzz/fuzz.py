"""Fuzz model-advisor for as long as you like: random task text, mutated rule files, damaged
model files and garbled tables for the batch. Any exception other than the documented ones is a
bug and stops the run.

Run by hand (not collected by pytest)::

    python tests/fuzz/fuzz.py --seconds 600 [--seed 7]

It prints how many cases of each kind it tried, and the case that failed, if any.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from model_advisor import (
    Advisor,
    BatchError,
    InvalidTaskError,
    ModelFileError,
    RuleFileError,
    advise_file,
    check_rules,
    load_knowledge,
    train_knowledge,
)

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "knowledge"
ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyz     ",
    "".join(chr(c) for c in range(0x20, 0x7F)),
    "".join(chr(c) for c in range(0x00, 0x20)) + "\u200b\u202e\u2066\ufeff",
    "éàüßøåçñ漢字かなрусский😀🎶🦜",
    "".join(chr(c) for c in range(0xD800, 0xD810)),  # lone surrogates
]
WORDS = "predict write classify image poem forecast job any human and then draw sort".split()
# Pieces of tables: separators, quotes, line ends of every kind, JSON syntax and escapes
# (a lone surrogate among them), byte-order marks, NULs and text.
TABLE_PIECES = [
    *'",;|\t\n\r\x00{}[]: \\',
    *("\r\n", "\x85", "\u2028", "\ufeff", "\udcff", "é", "😀", "null", "1", "true"),
    *("task", '"task"', '{"task": ', "\\ud800", "predict weather", "write a poem"),
]


def random_text(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
    alphabet = rng.choice(ALPHABETS)
    return "".join(
        rng.choice(alphabet) for _ in range(rng.randint(1, rng.choice([10, 200, 20000])))
    )


def fuzz_text(advisor: Advisor, rng: random.Random) -> None:
    text = random_text(rng)
    try:
        advice = advisor.advise(text)
    except InvalidTaskError:
        assert not text.strip(), f"InvalidTaskError for non-blank {text[:80]!r}"
        return
    assert advice.category in (*advisor.categories, "undetermined")
    assert abs(sum(advice.scores.values()) - 1) < 1e-3


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        position = rng.randrange(len(data) + 1)
        if choice < 0.4 and data:
            data[min(position, len(data) - 1)] = rng.randrange(256)
        elif choice < 0.7:
            data[position:position] = rng.choice(
                [b":", b"- ", b"&a ", b"*a", b"{", b"\n  ", b"!!x "]
            )
        else:
            del data[position : position + rng.randint(1, 40)]
    return bytes(data)


def fuzz_rules(workdir: Path, rng: random.Random) -> None:
    rules = workdir / "rules.yaml"
    rules.write_bytes(mutate((TINY / "rules.yaml").read_bytes(), rng))
    check_rules(workdir)  # must return problems, never raise


def fuzz_model(workdir: Path, rng: random.Random) -> None:
    model = workdir / "model.json"
    original = (workdir / "model.good").read_bytes()
    model.write_bytes(mutate(original, rng))
    # a model it cannot use is an error, or is passed over and rebuilt (which fails with the
    # rules error when the rules kind of fuzzing has broken the rules meanwhile)
    with contextlib.suppress(ModelFileError, RuleFileError):
        load_knowledge(workdir)


def random_table(rng: random.Random) -> tuple[bytes, int | None]:
    """A table's bytes and, when it is well formed, how many rows it has (else None)."""
    if rng.random() < 0.5:  # garbled: pieces of tables thrown together
        text = "".join(rng.choice(TABLE_PIECES) for _ in range(rng.randint(1, 60)))
        if rng.random() < 0.5:
            text = rng.choice(["task\n", "id,task\n", '{"task": "x"}\n']) + text
        data = text.encode("utf-8", "surrogateescape")
        return data + rng.randbytes(rng.randint(0, 20) if rng.random() < 0.2 else 0), None
    rows = [[random_text(rng), random_text(rng)] for _ in range(rng.randint(1, 5))]
    if rng.random() < 0.5:  # well-formed JSON Lines (lone surrogates become \ud800 escapes)
        lines = [json.dumps({"task": task, "note": note}) + "\n" for task, note in rows]
        return "".join(lines).encode("ascii"), len(rows)
    buffer = io.StringIO()  # all quoted: Python 3.11's writer leaves a lone CR bare otherwise
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(
        [["task", "note"], *rows]
    )
    return buffer.getvalue().encode("utf-8", "surrogatepass"), len(rows)


def fuzz_table(advisor: Advisor, workdir: Path, rng: random.Random) -> None:
    data, rows = random_table(rng)
    source = workdir / f"table{rng.choice(['.csv', '.tsv', '.jsonl', '.txt'])}"
    source.write_bytes(data)
    output_format = rng.choice(["csv", "tsv", "jsonl", "json"])
    target = workdir / f"advised.{output_format}"
    try:
        advise_file(
            source,
            target,
            advisor=advisor,
            input_format="jsonl" if rows and data.startswith(b"{") else None,
            output_format=output_format,
            full=rng.random() < 0.1,
            strict=rng.random() < 0.1,
        )
    except BatchError:  # documented: not a table, no task column, or a bad row under strict
        return
    written = target.read_text(encoding="utf-8")  # always UTF-8
    if output_format == "json":
        records = len(json.loads(written))
    elif output_format == "jsonl":
        records = len([json.loads(line) for line in written.splitlines()])
    else:
        delimiter = "\t" if output_format == "tsv" else ","
        records = len(list(csv.reader(io.StringIO(written, newline=""), delimiter=delimiter))) - 1
    misread = source.suffix == ".tsv" and not data.startswith(b"{")  # commas read as a TSV
    if rows is not None and not misread:
        assert records == rows, f"{rows} rows in, {records} out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp) / "knowledge"
        shutil.copytree(TINY, workdir)
        os.environ["MODEL_ADVISOR_HOME"] = str(Path(tmp) / "home")
        train_knowledge(workdir)
        shutil.copy(workdir / "model.json", workdir / "model.good")
        advisor = Advisor.from_dir(workdir)
        kinds: dict[str, Callable[[], None]] = {
            "text": lambda: fuzz_text(advisor, rng),
            "rules": lambda: fuzz_rules(workdir, rng),
            "model": lambda: fuzz_model(workdir, rng),
            "table": lambda: fuzz_table(advisor, workdir, rng),
        }
        counts = dict.fromkeys(kinds, 0)
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            kind = rng.choice(list(kinds))
            kinds[kind]()
            counts[kind] += 1
    print("fuzzed without failure:", ", ".join(f"{n} {k} cases" for k, n in counts.items()))


if __name__ == "__main__":
    main()
