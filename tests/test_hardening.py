"""Hostile input: any text, many threads, other hash seeds, and nonsense on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model_advisor import Advice, Advisor, InvalidTaskError
from model_advisor.cli import cli
from model_advisor.engine.pipeline import MAX_TASK_CHARS

CATEGORIES = ("discriminative", "generative", "agi")  # the shipped knowledge's, in order


VERDICTS = (*CATEGORIES, "undetermined")
NASTY = [
    "\u202eetirw a poem\u202c",  # right-to-left override
    "predict\x00weather",
    "\x1b[31mclassify\x1b[0m images",
    "🦜🦜 write a song about parrots 🎶",
    "".join(chr(ord(c) + 0xFEE0) if c != " " else c for c in "predict weather"),  # full width
    "e\u0301crire un poe\u0300me",
    "\ud800 lone surrogate \udfff",
    "Ǆ" * 50,
    "a" * 50_000,
    "write " * 20_000,
]


def _same(first: Advisor, text: str) -> bool:
    return first.advise(text).model_dump() == first.advise(text).model_dump()


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_hardening_nasty_text_gets_advice(tiny_advisor: Advisor, text: str) -> None:
    advice = tiny_advisor.advise(text)
    assert advice.category in VERDICTS
    assert len(advice.task) <= MAX_TASK_CHARS
    assert advice.truncated == (len(text) > MAX_TASK_CHARS)
    json.dumps(advice.model_dump(mode="json"))  # always serialisable
    assert _same(tiny_advisor, text)


def test_hardening_ten_megabytes_is_cut_to_the_limit(tiny_advisor: Advisor) -> None:
    advice = tiny_advisor.advise("predict the weather " * 500_000)
    assert advice.truncated
    assert advice.category == "discriminative"


@settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200))
def test_hardening_any_decoded_bytes_give_advice_or_the_documented_error(
    tiny_advisor: Advisor, raw: bytes
) -> None:
    text = raw.decode("utf-8", "surrogateescape")
    advice = _advice_or_documented_error(tiny_advisor, text)
    if advice is not None:
        assert advice.category in VERDICTS


@settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(codec=None), min_size=1, max_size=120))
def test_hardening_any_unicode_gives_advice_or_the_documented_error(
    tiny_advisor: Advisor, text: str
) -> None:
    advice = _advice_or_documented_error(tiny_advisor, text)
    if advice is not None:
        assert advice.category in VERDICTS
        assert abs(sum(advice.scores.values()) - 1) < 1e-3


def _advice_or_documented_error(advisor: Advisor, text: str) -> Advice | None:
    """The advice on ``text``, or None when it is refused, which only a blank text may be."""
    try:
        return advisor.advise(text)
    except InvalidTaskError:
        assert not text.strip()
        return None


def test_hardening_non_string_task_is_the_documented_error(tiny_advisor: Advisor) -> None:
    with pytest.raises(InvalidTaskError):
        tiny_advisor.advise(None)  # type: ignore[arg-type]


def test_hardening_eight_threads_agree_with_one(shipped: Advisor) -> None:
    tasks = [
        f"{verb} {thing} number {n}"
        for n in range(30)
        for verb, thing in [("forecast", "rainfall"), ("write", "a limerick"), ("spot", "fraud")]
    ]
    expected = [shipped.advise(t).model_dump() for t in tasks]
    results: list[list[dict[str, object]]] = [[] for _ in range(8)]
    errors: list[BaseException] = []

    def work(slot: int) -> None:
        try:
            results[slot] = [shipped.advise(t).model_dump() for t in tasks]
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(result == expected for result in results)


def test_hardening_results_do_not_depend_on_the_hash_seed(tiny_dir: Path, tmp_path: Path) -> None:
    tasks = ["predict the weather", "write a poem and sort books", "do any human job", "xqzv"]
    outputs = []
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "MODEL_ADVISOR_HOME": str(tmp_path)}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "model_advisor",
                "advise",
                "--json",
                "--rules",
                str(tiny_dir),
                *tasks,
            ],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]


# --- the command line never shows a traceback for a user's mistake -------------------


def _assert_clean_error(result: object, code: int = 1) -> None:
    assert result.exit_code == code, result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    if code == 1:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]  # type: ignore[attr-defined]
        assert len(errors) >= 1


@pytest.mark.parametrize(
    "args",
    [
        ["advise", "--no-such-option", "x"],
        ["advise"],
        ["nonsense-command"],
        ["rules", "check", "--json-please"],
        ["train", "a", "b"],
    ],
)
def test_hardening_cli_usage_mistakes_exit_2(runner: CliRunner, args: list[str]) -> None:
    _assert_clean_error(runner.invoke(cli, args), code=2)


def test_hardening_cli_rules_dir_that_is_a_file(runner: CliRunner, tmp_path: Path) -> None:
    file = tmp_path / "file.yaml"
    file.write_text("x")
    _assert_clean_error(runner.invoke(cli, ["advise", "--rules", str(file), "x"]), code=2)


def test_hardening_cli_binary_rule_file(runner: CliRunner, tiny_copy: Path) -> None:
    (tiny_copy / "rules.yaml").write_bytes(os.urandom(4096) + b"\xff\xfe\x00")
    result = runner.invoke(cli, ["advise", "--rules", str(tiny_copy), "x"])
    _assert_clean_error(result)
    assert "rules.yaml" in result.stderr


def test_hardening_cli_binary_examples(runner: CliRunner, tiny_copy: Path) -> None:
    (tiny_copy / "examples.csv").write_bytes(b"\x00\xff" * 1000)
    (tiny_copy / "model.json").unlink()
    result = runner.invoke(cli, ["train", str(tiny_copy)])
    _assert_clean_error(result)
    assert "examples.csv" in result.stderr


def test_hardening_cli_examples_dir_instead_of_file(runner: CliRunner, tiny_copy: Path) -> None:
    (tiny_copy / "examples.csv").unlink()
    (tiny_copy / "examples.csv").mkdir()
    (tiny_copy / "model.json").unlink()
    _assert_clean_error(runner.invoke(cli, ["train", str(tiny_copy)]))


def test_hardening_cli_notes_missing(runner: CliRunner, tiny_copy: Path) -> None:
    (tiny_copy / "notes.md").unlink()
    result = runner.invoke(cli, ["advise", "--rules", str(tiny_copy), "x"])
    _assert_clean_error(result)
    assert "notes.md" in result.stderr


def test_hardening_cli_corrupt_model(runner: CliRunner, tiny_copy: Path) -> None:
    model = tiny_copy / "model.json"
    model.write_bytes(model.read_bytes()[:-100])
    result = runner.invoke(cli, ["advise", "--rules", str(tiny_copy), "x"])
    _assert_clean_error(result)
    assert "model-advisor train" in result.stderr


def test_hardening_cli_model_path_is_a_directory(runner: CliRunner, tiny_copy: Path) -> None:
    (tiny_copy / "model.json").unlink()
    (tiny_copy / "model.json").mkdir()
    _assert_clean_error(runner.invoke(cli, ["advise", "--rules", str(tiny_copy), "x"]))


def test_hardening_cli_unwritable_model_cache_still_answers(
    runner: CliRunner, tiny_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tiny_copy / "model.json").unlink()
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("MODEL_ADVISOR_HOME", str(blocker))
    result = runner.invoke(
        cli, ["advise", "--rules", str(tiny_copy), "write a poem"], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert "=> generative" in result.stdout
