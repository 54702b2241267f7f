"""The model file (one envelope with named parts) and the one loader that reads it."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import math
import os
import shutil
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from model_advisor import Advisor, ModelFileError, load_knowledge, train_knowledge
from model_advisor.knowledge import loader
from model_advisor.knowledge.loader import (
    FORMAT,
    FORMAT_VERSION,
    MODEL_FILE,
    knowledge_sha256,
    read_model,
)

SHIPPED = Path(__file__).parents[1] / "rules"
HELDOUT = Path(__file__).parents[1] / "benchmarks" / "data"
PROBES = [
    "predict the weather",
    "write a poem about the sea",
    "an AI that does any job a human can do",
    "sort books by genre and then draw pictures of them",
    "create sound effects for a video game",
    "qqqq zzzz",
]


@pytest.fixture
def saved(tiny_copy: Path) -> Path:
    """The trained tiny knowledge's model file (a private copy)."""
    return tiny_copy / MODEL_FILE


def read(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """A model file's header and its parts' bytes, by name."""
    head, *lines = path.read_bytes().removesuffix(b"\n").split(b"\n")
    header = json.loads(head)
    return header, dict(zip(header["parts"], lines, strict=True))


def write(path: Path, header: dict[str, Any], parts: dict[str, bytes]) -> None:
    """Write a model file, with a checksum that matches the new parts."""
    data = b"\n".join(parts.values())
    header = {**header, "parts": list(parts), "parts_sha256": hashlib.sha256(data).hexdigest()}
    path.write_bytes(json.dumps(header).encode() + b"\n" + data + b"\n")


def read_body(path: Path) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(read(path)[1]["body"])
    return body


def edit_body(path: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """Rewrite the body (the JSON part) through ``change``, checksum kept right."""
    header, parts = read(path)
    body = json.loads(parts["body"])
    change(body)
    write(path, header, {**parts, "body": json.dumps(body).encode()})


def edit_column(
    path: Path, change: Callable[[array[float]], array[float]], push: bool = False
) -> None:
    """Rewrite one weight column of the word n-grams (the first label's push, or the squared
    idf) through ``change``, checksum kept right."""
    header, parts = read(path)
    terms = len(parts["word.terms"].split(b"\t"))
    values = array("d")
    values.frombytes(base64.b64decode(parts["word.weights"]))
    columns = [values[start : start + terms] for start in range(0, len(values), terms)]
    which = 0 if push else len(columns) - 1
    columns[which] = change(columns[which])
    joined = array("d", [v for column in columns for v in column])
    write(path, header, {**parts, "word.weights": base64.b64encode(joined.tobytes())})


def edit_terms(path: Path, name: str, change: Callable[[list[str]], object]) -> None:
    """Rewrite the terms of the ``name`` n-grams through ``change``, checksum kept right."""
    header, parts = read(path)
    terms = parts[f"{name}.terms"].decode().split("\t")
    change(terms)
    write(path, header, {**parts, f"{name}.terms": "\t".join(terms).encode()})


def load_error(path: Path, code: str = "corrupt") -> str:
    """Load the knowledge beside ``path``, expecting a ModelFileError with ``code``."""
    with pytest.raises(ModelFileError) as caught:
        load_knowledge(path.parent)
    assert caught.value.path == str(path)
    assert caught.value.code == code
    assert str(caught.value).startswith(f"{path}: ")
    return str(caught.value)


def every_task(*paths: Path) -> list[str]:
    tasks = []
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            tasks += [row["task"] for row in csv.DictReader(handle)]
    return tasks


def answers(advisor: Advisor, texts: list[str]) -> list[dict[str, Any]]:
    result = []
    for text in texts:
        data = advisor.advise(text).model_dump(mode="json")
        data.pop("provenance")
        result.append(data)
    return result


# --- the envelope --------------------------------------------------------------------------


def test_model_file_is_one_envelope_with_named_parts(saved: Path) -> None:
    header, parts = read(saved)
    body = json.loads(parts["body"])

    assert header["format"] == FORMAT
    assert header["format_version"] == FORMAT_VERSION
    assert header["knowledge_sha256"] == knowledge_sha256(saved.parent)
    assert sorted(header["labels"]) == ["agi", "discriminative", "generative"]
    assert list(parts) == [
        "body",
        "words",
        "common",
        "glossary.words",
        "glossary.beginnings",
        "glossary.phrases",
        "glossary.unspaced",
        "glossary.cues",
        "glossary.kept",
        "glossary.compounding",
        "glossary.clitics",
        "word.terms",
        "word.weights",
        "char.terms",
        "char.weights",
    ]
    assert set(body) == {
        "settings",
        "rules",
        "kinds",
        "modalities",
        "classifier",
        "decision",
    }
    assert not saved.read_bytes().startswith(b"\x80")  # not a pickle
    saved.read_text(encoding="utf-8")  # text throughout


def test_model_file_keeps_words_of_every_script_as_text(tmp_path: Path) -> None:
    """Words and n-grams in other scripts are stored as UTF-8, not escapes, and read back."""
    knowledge = tmp_path / "k"
    shutil.copytree(Path(__file__).parent / "data" / "knowledge", knowledge)
    with (knowledge / "examples.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["天気予報を出して明日の雨を予測する", "discriminative"],
                ["写一首关于大海的诗", "generative"],
                ["मौसम का पूर्वानुमान लगाओ", "discriminative"],
            ]
        )
    train_knowledge(knowledge)

    _, parts = read(knowledge / MODEL_FILE)
    terms = parts["word.terms"].decode("utf-8").split("\t")
    assert {"天気", "大海", "पूर्वानुमान"} <= set(terms)
    assert b"\\u" not in parts["word.terms"]
    loaded = load_knowledge(knowledge).classifier
    assert loaded.word.terms == terms
    assert loaded.word.find("पूर्वानुमान") == loaded.word.index["पूर्वानुमान"]
    assert loaded.word.find("天気") == terms.index("天気")


def test_training_twice_writes_byte_identical_files(tiny_copy: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"

    train_knowledge(tiny_copy, first)
    train_knowledge(tiny_copy, second)

    assert first.read_bytes() == second.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file


def test_a_fresh_training_answers_like_a_saved_model(tmp_path: Path, shipped: Advisor) -> None:
    """A copy of the shipped knowledge that differs by a comment trains afresh (empty cache),
    then answers from its cached model: both exactly as the shipped model.json answers, over
    every example and held-out task."""
    copy = tmp_path / "k"
    shutil.copytree(SHIPPED, copy)
    (copy / MODEL_FILE).unlink()
    agi = copy / "agi.yaml"
    agi.write_text("# a comment changes the hash, not the knowledge\n" + agi.read_text())
    texts = [*PROBES, *every_task(SHIPPED / "examples.csv", *HELDOUT.glob("heldout*.csv"))]
    assert len(texts) > 1500

    trained = Advisor.from_dir(copy)  # the cache is empty: trains now
    cached = Advisor.from_dir(copy)  # reads the model the first load cached

    expected = answers(shipped, texts)
    assert answers(trained, texts) == expected
    assert answers(cached, texts) == expected
    assert trained.provenance.knowledge_sha256 != shipped.provenance.knowledge_sha256


def test_a_stale_model_is_passed_over(saved: Path) -> None:
    with pytest.raises(ModelFileError) as caught:
        read_model(saved, "f" * 64)
    assert caught.value.code == "stale"
    assert "model-advisor train" in str(caught.value)

    header, parts = read(saved)
    write(saved, {**header, "knowledge_sha256": "f" * 64}, parts)

    assert load_knowledge(saved.parent).sha256 == knowledge_sha256(saved.parent)


def test_a_model_built_by_other_code_is_stale(
    saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the code that reads texts and compiles rules is part of what a model is built from
    package = tmp_path / "package"
    for name in loader.BUILDERS:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("# the code as it was\n", encoding="utf-8")
    monkeypatch.setattr(loader, "__file__", str(package / "knowledge" / "loader.py"))
    before = loader.builders_sha256()
    (package / "knowledge" / "frames.py").write_text("# a frame widened\n", encoding="utf-8")
    assert loader.builders_sha256() != before

    old_stamp = knowledge_sha256(saved.parent)
    monkeypatch.setattr(loader, "_BUILDERS_SHA256", "another version of the code")
    assert knowledge_sha256(saved.parent) != old_stamp
    with pytest.raises(ModelFileError) as caught:  # the saved model: built by the old code
        read_model(saved, knowledge_sha256(saved.parent))
    assert caught.value.code == "stale"
    assert load_knowledge(saved.parent).sha256 == knowledge_sha256(saved.parent)  # retrained


def test_builders_name_every_module_that_reads_texts() -> None:
    # a missing file is skipped when hashing: a name gone stale, or a module of the reading
    # left out, would let a change in how texts are read keep an old model
    package = Path(loader.__file__).parents[1]
    assert all((package / name).is_file() for name in loader.BUILDERS)
    reading = {f"_reading/{p.name}" for p in (package / "_reading").glob("*.py")}
    assert reading <= set(loader.BUILDERS)
    assert list(loader.BUILDERS) == sorted(loader.BUILDERS)


def test_a_model_of_another_format_version_is_passed_over(saved: Path) -> None:
    header, parts = read(saved)
    write(saved, {**header, "format_version": FORMAT_VERSION + 1}, parts)

    with pytest.raises(ModelFileError) as caught:
        read_model(saved)
    assert caught.value.code == "version"
    assert f"format version {FORMAT_VERSION + 1}" in str(caught.value)
    assert load_knowledge(saved.parent).classifier.labels  # trained afresh instead


def test_a_corrupt_cached_model_is_rebuilt(tiny_copy: Path) -> None:
    (tiny_copy / MODEL_FILE).unlink()
    load_knowledge(tiny_copy)
    [cached] = (Path(os.environ["MODEL_ADVISOR_HOME"]) / "models").iterdir()
    cached.write_bytes(b"garbage")

    load_knowledge(tiny_copy)

    assert read_model(cached, knowledge_sha256(tiny_copy))[0]["format"] == FORMAT


def test_load_rejects_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError) as caught:
        read_model(tmp_path / "absent.json")
    assert caught.value.code == "missing"
    assert "no model file" in str(caught.value)


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.01], ids=["half", "most", "inside-header"])
def test_load_rejects_a_truncated_file(saved: Path, keep: float) -> None:
    raw = saved.read_bytes()
    saved.write_bytes(raw[: int(len(raw) * keep)])

    assert "model-advisor train" in load_error(saved)


def test_load_rejects_a_flipped_byte_in_the_body(saved: Path) -> None:
    raw = bytearray(saved.read_bytes())
    raw[raw.index(b"\n") + len(raw) // 3] ^= 0x01
    saved.write_bytes(bytes(raw))

    assert "checksum" in load_error(saved)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\n\n",
        os.urandom(4096),
        bytes(range(256)) * 4,
        b"[1, 2, 3]\n[]\n",
        b'{"format": "something-else", "format_version": 1}\n{}\n',
        b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00.",  # a pickle
        b"[" * 100_000,
    ],
    ids=["empty", "blank", "random", "all-bytes", "json-list", "other-format", "pickle", "deep"],
)
def test_load_rejects_a_file_that_is_not_a_model(saved: Path, content: bytes) -> None:
    saved.write_bytes(content)

    assert "not a model-advisor model" in load_error(saved)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("push", [False, True], ids=["idf-squared", "push"])
def test_load_rejects_weights_that_are_not_finite(saved: Path, push: bool, bad: float) -> None:
    def poison(values: array[float]) -> array[float]:
        values[1] = bad
        return values

    edit_column(saved, poison, push)

    assert "finite" in load_error(saved)


@pytest.mark.parametrize("value", [1e308, -1e308, 2.0**1009, 5e-324])
def test_load_takes_finite_weights_however_large_or_small(saved: Path, value: float) -> None:
    # the finiteness check looks at the top byte of each weight first: weights this large
    # share it with NaN and infinity, and must still be taken
    def extreme(values: array[float]) -> array[float]:
        values[0] = values[1] = value
        return values

    edit_column(saved, extreme, True)

    knowledge = load_knowledge(saved.parent)
    assert list(knowledge.classifier.word.push[0][:2]) == [value, value]


def test_load_rejects_a_nan_intercept(saved: Path) -> None:
    header, parts = read(saved)
    assert b'"intercept":[' in parts["body"]
    body = parts["body"].replace(b'"intercept":[', b'"intercept":[NaN,', 1)
    write(saved, header, {**parts, "body": body})

    assert "NaN is not allowed" in load_error(saved)


@pytest.mark.parametrize("push", [False, True], ids=["idf-squared", "push"])
def test_load_rejects_the_wrong_number_of_weights(saved: Path, push: bool) -> None:
    edit_column(saved, lambda values: values[:-1], push)

    assert "do not hold 4 columns" in load_error(saved)


@pytest.mark.parametrize(
    ("part", "change", "message"),
    [
        ("classifier", {"labels": ["discriminative", "generative", "robots"]}, "declared"),
        ("classifier", {"labels": "discriminative"}, "labels"),
        ("classifier", {"intercept": [0.5]}, "intercept"),
        ("classifier", {"word_ngrams": [2, 1]}, "valid range"),
        ("classifier", {"temperature": 0.0}, "temperature"),
        ("classifier", {"temperature": "hot"}, "temperature"),
        ("decision", {"temperature": -1.0}, "temperature"),
        ("decision", {"temperature": 1}, "temperature"),
        ("decision", {"calibration": 1.0, "temperature": None}, "temperature"),
        ("rules", {"rules": [["r", "robots", 0.5, "why"]]}, "malformed"),
        ("rules", {"by_condition": [99]}, "do not match"),
        ("kinds", {"owner": [5]}, "bad owner"),
        ("settings", {"categories": []}, "categories"),
    ],
)
def test_load_rejects_a_malformed_part(
    saved: Path, part: str, change: dict[str, Any], message: str
) -> None:
    edit_body(saved, lambda body: body.update({part: {**body[part], **change}}))

    error = load_error(saved)

    assert "malformed model" in error
    assert message in error


def test_load_rejects_a_header_without_a_stamp(saved: Path) -> None:
    header, parts = read(saved)
    write(saved, {**header, "knowledge_sha256": None}, parts)

    assert "knowledge_sha256" in load_error(saved)


@pytest.mark.parametrize(
    "change",
    [
        lambda terms: terms.__setitem__(1, terms[0]),
        lambda terms: terms.reverse(),
        lambda terms: terms.insert(0, terms[-1]),
    ],
    ids=["duplicate", "reversed", "one-out-of-order"],
)
def test_load_rejects_terms_that_are_not_sorted_and_unique(
    saved: Path, change: Callable[[list[str]], object]
) -> None:
    # a term's row is found by binary search: unsorted terms would find the wrong rows
    edit_terms(saved, "word", change)

    assert "not sorted and unique" in load_error(saved)


@pytest.mark.parametrize(
    ("part", "content"),
    [
        ("char.terms", b"\xff\xfe not utf-8"),
        ("words", b"\xc3"),
        ("body", b"[1, 2]"),
        ("body", b"{not json"),
        ("word.weights", b"not base64!"),
    ],
    ids=["terms-not-utf8", "words-not-utf8", "body-not-object", "body-not-json", "not-base64"],
)
def test_load_rejects_a_part_that_cannot_be_read(saved: Path, part: str, content: bytes) -> None:
    header, parts = read(saved)
    write(saved, header, {**parts, part: content})

    assert "malformed model" in load_error(saved)


@pytest.mark.parametrize(
    "change",
    [
        lambda parts: parts.pop("char.weights"),
        lambda parts: parts.update({"extra": b"[]"}) or parts.pop("words"),
    ],
    ids=["missing", "renamed"],
)
def test_load_rejects_a_model_without_a_part_it_needs(
    saved: Path, change: Callable[[dict[str, bytes]], object]
) -> None:
    header, parts = read(saved)
    change(parts)
    write(saved, header, parts)

    assert "malformed model" in load_error(saved)


@pytest.mark.parametrize(
    "names",
    [["body", "words"], "body", [], ["body", "body", "words", "a", "b", "c"]],
    ids=["fewer", "not-a-list", "none", "repeated"],
)
def test_load_rejects_a_header_whose_parts_do_not_match_the_lines(
    saved: Path, names: object
) -> None:
    raw = saved.read_bytes()
    head, _, rest = raw.partition(b"\n")
    header = {**json.loads(head), "parts": names}
    saved.write_bytes(json.dumps(header).encode() + b"\n" + rest)

    assert "malformed model" in load_error(saved)


def test_model_keeps_the_calibration_temperature_it_was_trained_with(saved: Path) -> None:
    temperature = read_body(saved)["classifier"]["temperature"]
    assert isinstance(temperature, float) and 0.1 <= temperature <= 10.0
    assert load_knowledge(saved.parent).classifier.temperature == temperature


def test_model_keeps_the_decision_temperatures_it_was_built_with(saved: Path) -> None:
    decision = read_body(saved)["decision"]
    ruled, alone = decision["temperature"], decision["temperature_alone"]
    glossed = decision["temperature_glossed"]
    for temperature in (ruled, alone, glossed):
        assert isinstance(temperature, float) and 0.1 <= temperature <= 10.0
    assert ruled != 1.0
    assert load_knowledge(saved.parent).decision_temperatures == (ruled, alone, glossed)


@pytest.mark.parametrize("value", [0.0, -1.0, "1.0", None])
@pytest.mark.parametrize("name", ["temperature_alone", "temperature_glossed"])
def test_load_rejects_a_decision_temperature_that_is_not_a_positive_number(
    saved: Path, value: object, name: str
) -> None:
    edit_body(saved, lambda body: body["decision"].update({name: value}))

    assert "temperatures must be positive numbers" in load_error(saved)


def test_load_rejects_a_model_without_the_decision_part(saved: Path) -> None:
    edit_body(saved, lambda body: body.pop("decision"))

    assert "malformed model" in load_error(saved)
