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


def read(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    head, body = path.read_bytes().split(b"\n")[:2]
    return json.loads(head), json.loads(body)


def write(path: Path, header: dict[str, Any], body: dict[str, Any] | bytes) -> None:
    """Write a model file, with a checksum that matches the new body."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    header = {**header, "weights_sha256": hashlib.sha256(data).hexdigest()}
    path.write_bytes(json.dumps(header).encode() + b"\n" + data + b"\n")


def edit_column(
    path: Path, change: Callable[[array[float]], array[float]], coef: bool = False
) -> None:
    """Rewrite one weight column of the word n-grams through ``change``, checksum kept right."""
    header, body = read(path)
    word = body["classifier"]["word"]
    holder, key = (word["coef"], 0) if coef else (word, "idf")
    values = array("d")
    values.frombytes(base64.b64decode(holder[key]))
    holder[key] = base64.b64encode(change(values).tobytes()).decode()
    write(path, header, body)


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
    header, body = read(saved)

    assert header["format"] == FORMAT
    assert header["format_version"] == FORMAT_VERSION
    assert header["knowledge_sha256"] == knowledge_sha256(saved.parent)
    assert sorted(header["labels"]) == ["agi", "discriminative", "generative"]
    assert set(body) == {
        "settings",
        "words",
        "rules",
        "kinds",
        "modalities",
        "classifier",
        "decision",
    }
    assert not saved.read_bytes().startswith(b"\x80")  # not a pickle


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

    header, body = read(saved)
    write(saved, {**header, "knowledge_sha256": "f" * 64}, body)

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
    header, body = read(saved)
    write(saved, {**header, "format_version": FORMAT_VERSION + 1}, body)

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
@pytest.mark.parametrize("coef", [False, True], ids=["idf", "coef"])
def test_load_rejects_weights_that_are_not_finite(saved: Path, coef: bool, bad: float) -> None:
    def poison(values: array[float]) -> array[float]:
        values[1] = bad
        return values

    edit_column(saved, poison, coef)

    assert "finite" in load_error(saved)


def test_load_takes_finite_weights_whose_sum_overflows(saved: Path) -> None:
    # the finiteness check sums a column first: an overflowing sum must not reject it
    def huge(values: array[float]) -> array[float]:
        values[0] = values[1] = 1e308
        return values

    edit_column(saved, huge, True)

    knowledge = load_knowledge(saved.parent)
    assert knowledge.classifier.word.coef[0][:2] == array("d", [1e308, 1e308])


def test_load_rejects_a_nan_intercept(saved: Path) -> None:
    header, _ = read(saved)
    body = saved.read_bytes().split(b"\n")[1]
    assert b'"intercept":[' in body
    write(saved, header, body.replace(b'"intercept":[', b'"intercept":[NaN,', 1))

    assert "NaN is not allowed" in load_error(saved)


@pytest.mark.parametrize("coef", [False, True], ids=["idf", "coef"])
def test_load_rejects_the_wrong_number_of_weights(saved: Path, coef: bool) -> None:
    edit_column(saved, lambda values: values[:-1], coef)

    assert "does not match" in load_error(saved)


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
    header, body = read(saved)
    body[part] = {**body[part], **change}
    write(saved, header, body)

    error = load_error(saved)

    assert "malformed model" in error
    assert message in error


def test_load_rejects_a_header_without_a_stamp(saved: Path) -> None:
    header, body = read(saved)
    write(saved, {**header, "knowledge_sha256": None}, body)

    assert "knowledge_sha256" in load_error(saved)


def test_load_rejects_duplicate_terms(saved: Path) -> None:
    header, body = read(saved)
    terms = body["classifier"]["word"]["terms"]
    terms[1] = terms[0]
    write(saved, header, body)

    assert "not unique" in load_error(saved)


@pytest.mark.parametrize("term", [7, None, ["nested"]], ids=["number", "null", "list"])
def test_load_rejects_a_term_that_is_not_a_string(saved: Path, term: object) -> None:
    header, body = read(saved)
    body["classifier"]["char"]["terms"][0] = term
    write(saved, header, body)

    assert "malformed model" in load_error(saved)


def test_model_keeps_the_calibration_temperature_it_was_trained_with(saved: Path) -> None:
    _, body = read(saved)
    temperature = body["classifier"]["temperature"]
    assert isinstance(temperature, float) and 0.1 <= temperature <= 10.0
    assert load_knowledge(saved.parent).classifier.temperature == temperature


def test_model_keeps_the_decision_temperatures_it_was_built_with(saved: Path) -> None:
    _, body = read(saved)
    ruled, alone = body["decision"]["temperature"], body["decision"]["temperature_alone"]
    for temperature in (ruled, alone):
        assert isinstance(temperature, float) and 0.1 <= temperature <= 10.0
    assert ruled != 1.0
    assert load_knowledge(saved.parent).decision_temperatures == (ruled, alone)


@pytest.mark.parametrize("value", [0.0, -1.0, "1.0", None])
def test_load_rejects_a_decision_temperature_that_is_not_a_positive_number(
    saved: Path, value: object
) -> None:
    header, body = read(saved)
    body["decision"]["temperature_alone"] = value
    write(saved, header, body)

    assert "temperatures must be positive numbers" in load_error(saved)


def test_load_rejects_a_model_without_the_decision_part(saved: Path) -> None:
    header, body = read(saved)
    del body["decision"]
    write(saved, header, body)

    assert "malformed model" in load_error(saved)
