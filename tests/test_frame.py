"""advise_frame on pandas DataFrames: the batch's values as typed columns, errors never raised."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import model_advisor
from model_advisor import Advisor, TableError, advise, advise_frame
from model_advisor.batch import work as batch_work

HELDOUT = Path(__file__).parents[1] / "benchmarks" / "data" / "heldout.csv"
ADDED = ["category", "confidence", "ambiguous", "reason", "error"]


def test_advise_frame_matches_advise_task_by_task(shipped: Advisor) -> None:
    tasks = pd.read_csv(HELDOUT)["task"].head(60).tolist()
    frame = pd.DataFrame({"task": tasks})
    advised = advise_frame(frame)
    for row in advised.itertuples():
        advice = advise(row.task)
        assert row.category == advice.category, row.task
        assert row.confidence == pytest.approx(advice.confidence, abs=1e-4), row.task
        assert row.ambiguous == advice.ambiguous, row.task
        cited = advice.citations[0] if advice.citations else None
        expected = f"{cited.section} (line {cited.line}): {cited.quote}" if cited else ""
        assert row.reason == expected, row.task
        assert pd.isna(row.error)


def test_advise_frame_keeps_index_and_columns_and_types_the_results() -> None:
    frame = pd.DataFrame(
        {"id": [10, 20, 30], "task": ["predict weather", "draft a sales email", "spot fraud"]},
        index=pd.Index(["x", "y", "z"], name="key"),
    )
    advised = advise_frame(frame)
    assert advised.index.equals(frame.index)
    assert list(advised.columns) == ["id", "task", *ADDED]
    assert advised[["id", "task"]].equals(frame)
    assert str(advised["category"].dtype) == "string"
    assert str(advised["reason"].dtype) == "string"
    assert str(advised["error"].dtype) == "string"
    assert str(advised["confidence"].dtype) == "float64"
    assert str(advised["ambiguous"].dtype) == "boolean"
    assert list(frame.columns) == ["id", "task"]  # the input is not changed


def test_advise_frame_marks_null_blank_and_non_string_cells() -> None:
    cells = ["predict weather", None, float("nan"), pd.NA, "", "   ", 7, ["a list"]]
    advised = advise_frame(pd.DataFrame({"task": pd.Series(cells, dtype=object)}))
    errors = advised["error"].tolist()
    assert pd.isna(errors[0]) and advised["category"][0] == "discriminative"
    assert errors[1:6] == ["empty task"] * 5
    assert errors[6:] == ["the task ('task') is not a string"] * 2
    assert advised["category"][1:].isna().all()
    assert advised["confidence"][1:].isna().all()
    assert advised["ambiguous"][1:].isna().all()


def test_advise_frame_with_full_and_own_knowledge(tiny_dir: Path) -> None:
    frame = pd.DataFrame({"text": ["write a poem about the sea", ""]})
    advised = advise_frame(frame, "text", rules_path=tiny_dir, full=True)
    assert list(advised.columns) == ["text", *ADDED, "advice"]
    assert '"category"' in advised["advice"][0]
    assert pd.isna(advised["advice"][1])
    tiny = Advisor.from_dir(tiny_dir).advise("write a poem about the sea")
    assert advised["category"][0] == tiny.category


def test_advise_frame_empty_frame() -> None:
    advised = advise_frame(pd.DataFrame({"task": pd.Series([], dtype="string")}))
    assert len(advised) == 0
    assert list(advised.columns) == ["task", *ADDED]


def test_advise_frame_reuses_this_process_knowledge(tiny_dir: Path) -> None:
    frame = pd.DataFrame({"task": ["predict weather"]})
    advise_frame(frame, rules_path=tiny_dir)
    before = batch_work.load_count()
    advise_frame(frame, rules_path=tiny_dir)
    assert batch_work.load_count() == before  # the caller's advisor, never a second load


def test_advise_frame_missing_column() -> None:
    with pytest.raises(TableError, match="no column 'task' among the columns: text"):
        advise_frame(pd.DataFrame({"text": ["predict weather"]}))


def test_advise_frame_refuses_a_result_column() -> None:
    frame = pd.DataFrame({"task": ["predict weather"], "category": ["mine"]})
    with pytest.raises(TableError, match="has a column 'category'"):
        advise_frame(frame)


def test_advise_frame_is_exported_lazily() -> None:
    assert "advise_frame" in model_advisor.__all__
    code = (
        "import sys, model_advisor\n"
        "model_advisor.advise('predict weather')\n"
        "import model_advisor.batch.run, model_advisor.cli\n"
        "model_advisor.advise_frame\n"  # resolving the name imports no pandas either
        "heavy = {'pandas', 'pyarrow', 'dask', 'distributed'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
