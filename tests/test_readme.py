"""Every command output the README shows is what the command prints today.

Each ```text block of the README is a transcript: `$ model-advisor ...` lines, each followed by
its output. A line of the output that is only `...` stands for any number of lines, and `...`
within a line for any text (a long quote shortened). The `advise` transcripts run over the
shipped knowledge; the walkthroughs ("Writing rules", "Improving the knowledge", "Your own
categories") over the directories they describe, built in a temporary folder. After a change that
alters the output on purpose, ``UPDATE_README=1 pytest tests/test_readme.py`` writes the
whole current output into each stale transcript, to be read and shortened with `...` by hand.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from model_advisor.cli import cli

README = Path(__file__).parents[1] / "README.md"
UPDATE = os.environ.get("UPDATE_README") == "1"
_BLOCK = re.compile(r"```text\n(.*?)```", re.DOTALL)


def transcripts(text: str) -> list[tuple[str, list[str]]]:
    """Every (command, expected output lines) of the README's advise transcripts."""
    found = []
    for block in _BLOCK.findall(text):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    found.append((command, output))
                command, output = line[2:], []
            elif command is not None:
                output.append(line)
        if command is not None:
            found.append((command, output))
    found = [(c, o[: _blank_tail(o)]) for c, o in found]
    return [
        (c, o) for c, o in found if c.startswith("model-advisor advise ") and "--rules" not in c
    ]


def _blank_tail(lines: list[str]) -> int:
    """How many lines remain once the trailing blank ones are dropped."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return len(lines)


def line_pattern(line: str) -> str:
    """A regex for one expected line: `...` inside it stands for any text."""
    return re.escape(line).replace(re.escape("..."), ".*?")


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` with each `...` line standing for any lines."""
    pattern = "".join(
        r"(?:.*\n)*?" if line.strip() == "..." else line_pattern(line) + r"\n" for line in expected
    )
    return re.fullmatch(pattern, "".join(f"{line}\n" for line in actual)) is not None


SHOWN = transcripts(README.read_text(encoding="utf-8"))


PROBES = [  # the probes.csv of "Your own categories", as the README lists them
    "keep the data centre cool with the least electricity by adjusting fans minute by minute",
    "spot fraudulent card payments",
    "write a limerick about a lighthouse",
    "an AI that can do every job in our company",
]


def walkthrough(text: str) -> list[tuple[str, list[str]]]:
    """The transcript of "Your own categories": every command of its block, in order."""
    [block] = [b for b in _BLOCK.findall(text) if "teach a robot arm" in b]
    return steps_of(block)


def test_readme_your_own_categories_walkthrough_is_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs the walkthrough on a copy of tests/data/categories/four named my-knowledge/."""
    shutil.copytree(
        Path(__file__).parent / "data" / "categories" / "four", tmp_path / "my-knowledge"
    )
    (tmp_path / "probes.csv").write_text("task\n" + "\n".join(PROBES) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    steps = walkthrough(README.read_text(encoding="utf-8"))
    assert [command.split()[1] for command, _ in steps] == [
        "rules", "rules", "train", "advise", "batch"
    ]  # fmt: skip
    for command, expected in steps:
        result = CliRunner().invoke(cli, shlex.split(command)[1:], catch_exceptions=False)
        assert result.exit_code == 0, (command, result.output)
        actual = result.output.rstrip("\n").splitlines()  # stdout and stderr, as a terminal
        assert matches(expected, actual), f"{command}\n" + "\n".join(actual)


def test_readme_improving_the_knowledge_walkthrough_is_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs "Improving the knowledge": the shipped knowledge copied with `init`, the README's
    rule and example rows added, then check, test, stats, train and evaluate."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Improving the knowledge") : text.index("## Your own categories")]
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "my-knowledge"]).exit_code == 0
    rule = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    rows = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert rule and rows
    with open("my-knowledge/discriminative.yaml", "a", encoding="utf-8") as out:
        out.write("\n" + rule.group(1))
    with open("my-knowledge/examples.csv", "a", encoding="utf-8") as out:
        out.write(rows.group(1))
    heldout = Path(__file__).parents[1] / "benchmarks" / "data" / "heldout-2.csv"
    shutil.copy(heldout, "heldout.csv")
    steps = [s for b in _BLOCK.findall(section) for s in steps_of(b)]
    assert [command.split()[2] for command, _ in steps] == [
        "check", "test", "stats", "my-knowledge/", "heldout.csv"
    ]  # fmt: skip
    for command, expected in steps:
        result = CliRunner().invoke(cli, shlex.split(command)[1:], catch_exceptions=False)
        actual = result.output.rstrip("\n").splitlines()
        assert matches(expected, actual), f"{command}\n" + "\n".join(actual)


def test_readme_writing_rules_check_transcript_is_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The broken rule file of "Writing rules", beside a copy of the shipped knowledge."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Writing rules") : text.index("## Example tasks, training")]
    broken = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)[-1]
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "my-knowledge"]).exit_code == 0
    Path("my-knowledge/zz-broken.yaml").write_text(broken, encoding="utf-8")
    [(command, expected)] = [s for b in _BLOCK.findall(section) for s in steps_of(b)]

    result = CliRunner().invoke(cli, shlex.split(command)[1:], catch_exceptions=False)

    assert result.exit_code == 1
    actual = result.output.rstrip("\n").splitlines()
    assert matches(expected, actual), "\n".join(actual)


def steps_of(block: str) -> list[tuple[str, list[str]]]:
    """The commands of one transcript block and their outputs (none when it has no `$`)."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return steps


def test_readme_has_advise_transcripts() -> None:
    assert len(SHOWN) >= 4  # the first screen's, and those of "Beyond the label"


@pytest.mark.parametrize(("command", "expected"), SHOWN, ids=[c for c, _ in SHOWN])
def test_readme_advise_transcript_is_current(command: str, expected: list[str]) -> None:
    result = CliRunner().invoke(cli, shlex.split(command)[1:], catch_exceptions=False)
    actual = result.stdout.rstrip("\n").splitlines()
    if UPDATE and not matches(expected, actual):
        text = README.read_text(encoding="utf-8")
        old = "\n".join([f"$ {command}", *expected])
        new = "\n".join([f"$ {command}", *actual])
        README.write_text(text.replace(old, new, 1), encoding="utf-8")
        return
    assert result.exit_code == 0
    assert matches(expected, actual), "\n".join(actual)
