"""The private YAML loader: positions, duplicate keys, aliases and hostile files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from model_advisor.errors import Problem
from model_advisor.knowledge.yaml_reader import MAX_DEPTH, MAX_YAML_BYTES, YamlDocument, load_yaml


def write(tmp_path: Path, text: str | bytes, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


RULES = """\
version: 1
rules:
  - id: first
    weight: 0.5
    any:
      - kind: keyword
        words: [predict]
  - id: second
    examples:
      match: [x]
"""


def test_load_yaml_returns_plain_data_and_no_problems(tmp_path: Path) -> None:
    document, problems = load_yaml(write(tmp_path, RULES))

    assert problems == []
    assert document is not None
    assert document.data["rules"][0]["any"][0] == {"kind": "keyword", "words": ["predict"]}
    assert document.data["rules"][1]["examples"] == {"match": ["x"]}


def test_load_yaml_records_the_line_of_every_key_and_item(tmp_path: Path) -> None:
    document, _ = load_yaml(write(tmp_path, RULES))

    assert document is not None
    assert document.lines[("version",)] == 1
    assert document.lines[("rules",)] == 2
    assert document.lines[("rules", 0)] == 3
    assert document.lines[("rules", 0, "weight")] == 4
    assert document.lines[("rules", 0, "any", 0, "words")] == 7
    assert document.lines[("rules", 1, "examples", "match")] == 10


def test_load_yaml_reports_duplicate_key_at_the_second_key(tmp_path: Path) -> None:
    text = "version: 1\nrules:\n  - id: a\n    weight: 0.5\n    rationale: r\n    weight: 0.7\n"

    document, problems = load_yaml(write(tmp_path, text))

    assert codes(problems) == ["duplicate-key"]
    assert (problems[0].line, problems[0].column) == (6, 5)
    assert "'weight'" in problems[0].message
    assert str(problems[0]).startswith(f"{tmp_path / 'rules.yaml'}:6:5: error: ")
    assert document is not None


def test_load_yaml_reports_duplicate_top_level_key(tmp_path: Path) -> None:
    _, problems = load_yaml(write(tmp_path, "version: 1\nnotes: a.md\nversion: 2\n"))

    assert codes(problems) == ["duplicate-key"]
    assert problems[0].line == 3


def test_load_yaml_reports_every_duplicate_key(tmp_path: Path) -> None:
    text = "a: 1\nb: 2\na: 3\nc:\n  d: 4\n  d: 5\n"

    _, problems = load_yaml(write(tmp_path, text))

    assert codes(problems) == ["duplicate-key", "duplicate-key"]
    assert [p.line for p in problems] == [3, 6]


def test_load_yaml_rejects_an_alias(tmp_path: Path) -> None:
    text = "a: &words [predict, forecast]\nb: *words\n"

    document, problems = load_yaml(write(tmp_path, text))

    assert codes(problems) == ["yaml-alias"]
    assert "aliases are not allowed" in problems[0].message
    assert document is not None
    assert document.data["a"] == ["predict", "forecast"]
    assert document.data["b"] is None


def test_load_yaml_rejects_billion_laughs_without_expanding_it(tmp_path: Path) -> None:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        aliases = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{aliases}]")
    path = write(tmp_path, "\n".join(lines) + "\n")

    document, problems = load_yaml(path)

    assert problems
    assert set(codes(problems)) == {"yaml-alias"}
    assert document is not None
    # Expanded, the last level would hold 9**9 strings; each alias stays unexpanded instead.
    assert len(repr(document.data)) < 2_000


def test_load_yaml_rejects_file_over_the_size_limit_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Invalid UTF-8 as well: if the file were read or parsed, the code would differ.
    path = write(tmp_path, b"\xff" * (MAX_YAML_BYTES + 1))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an oversized file must not be parsed")

    monkeypatch.setattr("model_advisor.knowledge.yaml_reader.yaml.compose", refuse)

    document, problems = load_yaml(path)

    assert document is None
    assert codes(problems) == ["file-too-large"]
    assert str(MAX_YAML_BYTES) in problems[0].message


def test_load_yaml_accepts_file_at_the_size_limit(tmp_path: Path) -> None:
    text = "a: 1\n"
    path = write(tmp_path, text + "#" * (MAX_YAML_BYTES - len(text)))

    document, problems = load_yaml(path)

    assert problems == []
    assert document is not None
    assert document.data == {"a": 1}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: 2\n- x\n", 3),
        ("a: 1\nb: 2\n  c: 3\n", 3),
        ("a: 1\nb: [1, 2\nc: 3\nd: 4\n", 3),
        ("version: 1\n\trules: []\n", 2),
    ],
    ids=["sequence-after-mapping", "bad-indent", "unclosed-bracket", "tab-indent"],
)
def test_load_yaml_reports_invalid_yaml_at_its_line(tmp_path: Path, text: str, line: int) -> None:
    document, problems = load_yaml(write(tmp_path, text))

    assert document is None
    assert codes(problems) == ["invalid-yaml"]
    assert problems[0].line == line
    assert problems[0].message.startswith("invalid YAML: ")


def test_load_yaml_reports_a_second_document_as_invalid(tmp_path: Path) -> None:
    document, problems = load_yaml(write(tmp_path, "a: 1\n---\nb: 2\n"))

    assert document is None
    assert codes(problems) == ["invalid-yaml"]


def test_load_yaml_reports_control_characters_as_invalid(tmp_path: Path) -> None:
    document, problems = load_yaml(write(tmp_path, "a: \x00\n"))

    assert document is None
    assert codes(problems) == ["invalid-yaml"]


def test_load_yaml_reports_non_utf8_bytes(tmp_path: Path) -> None:
    document, problems = load_yaml(write(tmp_path, b"version: 1\nnotes: caf\xe9.md\n"))

    assert document is None
    assert codes(problems) == ["not-utf8"]
    assert problems[0].message.startswith("not UTF-8 text")


def test_load_yaml_accepts_a_utf8_byte_order_mark(tmp_path: Path) -> None:
    document, problems = load_yaml(write(tmp_path, "\ufeffa: caf\u00e9\n".encode()))

    assert problems == []
    assert document is not None
    assert document.data == {"a": "caf\u00e9"}


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# only a comment\n"], ids=["empty", "blank", "comment"]
)
def test_load_yaml_reports_an_empty_file(tmp_path: Path, text: str) -> None:
    document, problems = load_yaml(write(tmp_path, text))

    assert document is None
    assert codes(problems) == ["empty-file"]
    assert problems[0].line == 1


def test_load_yaml_reports_a_missing_file(tmp_path: Path) -> None:
    document, problems = load_yaml(tmp_path / "absent.yaml")

    assert document is None
    assert codes(problems) == ["unreadable"]
    assert problems[0].path == str(tmp_path / "absent.yaml")


def test_load_yaml_reports_nesting_deeper_than_the_limit(tmp_path: Path) -> None:
    text = (
        "".join("  " * level + f"k{level}:\n" for level in range(MAX_DEPTH + 5))
        + "  " * (MAX_DEPTH + 5)
        + "x: 1\n"
    )

    document, problems = load_yaml(write(tmp_path, text))

    assert codes(problems) == ["too-deep"]
    assert document is not None


def test_load_yaml_survives_pathological_flow_nesting(tmp_path: Path) -> None:
    document, problems = load_yaml(write(tmp_path, "[" * 100_000))

    assert document is None
    assert codes(problems) == ["invalid-yaml"]


def test_load_yaml_survives_deep_nesting_without_libyaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("model_advisor.knowledge.yaml_reader._Loader", yaml.SafeLoader)

    _, problems = load_yaml(write(tmp_path, "[" * 5_000 + "]" * 5_000))

    assert problems
    assert set(codes(problems)) <= {"invalid-yaml", "too-deep"}


def test_load_yaml_rejects_a_non_scalar_key(tmp_path: Path) -> None:
    _, problems = load_yaml(write(tmp_path, "? [a, b]\n: 1\nc: 2\n"))

    assert codes(problems) == ["bad-key"]
    assert problems[0].line == 1


def test_load_yaml_reports_a_merge_key_as_a_problem(tmp_path: Path) -> None:
    _, problems = load_yaml(write(tmp_path, "base:\n  weight: 0.5\nrule:\n  <<: {weight: 1}\n"))

    assert codes(problems) == ["bad-key"]
    assert problems[0].line == 4


def test_load_yaml_reports_an_unknown_tag_as_a_problem(tmp_path: Path) -> None:
    _, problems = load_yaml(write(tmp_path, "a: 1\nb: !custom x\n"))

    assert problems
    assert problems[0].line == 2


def test_yaml_document_line_of_uses_the_longest_present_prefix(tmp_path: Path) -> None:
    document, _ = load_yaml(write(tmp_path, RULES))

    assert document is not None
    assert document.line_of(("rules", 0, "any", 0, "words")) == 7
    assert document.line_of(("rules", 0, "any", 0, "words", 0)) == 7
    # A missing field falls back to the line of the item that should hold it.
    assert document.line_of(("rules", 0, "any", 0, "pattern")) == 6
    assert document.line_of(("rules", 0, "category")) == 3
    assert document.line_of(("rules", 1, "examples", "no_match")) == 9
    # An index past the end falls back to the list.
    assert document.line_of(("rules", 5, "id")) == 2


def test_yaml_document_line_of_unknown_top_level_key_gives_document_start(tmp_path: Path) -> None:
    document, _ = load_yaml(write(tmp_path, "# comment\n\nversion: 1\nrules: []\n"))

    assert document is not None
    assert document.line_of(("categories", 0)) == 3
    assert document.line_of(()) == 3


def test_yaml_document_line_of_without_any_position_is_line_one(tmp_path: Path) -> None:
    document = YamlDocument(tmp_path / "x.yaml", {}, {})

    assert document.line_of(("rules", 0)) == 1
    assert document.line_of(()) == 1
