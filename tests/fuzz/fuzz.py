"""Fuzz model-advisor for as long as you like: random task text, mutated rule files and
damaged model files. Any exception other than the documented ones is a bug and stops the run.

Run by hand (not collected by pytest)::

    python tests/fuzz/fuzz.py --seconds 600 [--seed 7]

It prints how many cases of each kind it tried, and the case that failed, if any.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from model_advisor import Advisor, InvalidTaskError, ModelFileError, check_rules
from model_advisor.classifier import TaskClassifier
from model_advisor.models import CATEGORIES

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
    assert advice.category in (*CATEGORIES, "undetermined")
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
    with contextlib.suppress(ModelFileError):
        TaskClassifier.load(model)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp) / "knowledge"
        shutil.copytree(TINY, workdir)
        from model_advisor import train_classifier

        train_classifier(workdir)
        shutil.copy(workdir / "model.json", workdir / "model.good")
        advisor = Advisor.from_dir(workdir)
        kinds: dict[str, Callable[[], None]] = {
            "text": lambda: fuzz_text(advisor, rng),
            "rules": lambda: fuzz_rules(workdir, rng),
            "model": lambda: fuzz_model(workdir, rng),
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
