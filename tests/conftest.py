"""Shared fixtures: a CLI runner, an isolated home directory and a tiny trained knowledge dir."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from model_advisor import Advisor, train_knowledge

DATA = Path(__file__).parent / "data"
TINY = DATA / "knowledge"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point MODEL_ADVISOR_HOME at a fresh directory so no test sees a user's cache."""
    monkeypatch.setenv("MODEL_ADVISOR_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of tests/data/knowledge with a trained model.json, shared by the session."""
    target = tmp_path_factory.mktemp("tiny") / "knowledge"
    shutil.copytree(TINY, target)
    train_knowledge(target)
    return target


@pytest.fixture(scope="session")
def tiny_advisor(tiny_dir: Path) -> Advisor:
    return Advisor.from_dir(tiny_dir)


@pytest.fixture
def tiny_copy(tmp_path: Path, tiny_dir: Path) -> Iterator[Path]:
    """A private, writable copy of the trained tiny knowledge dir, for tests that change it."""
    target = tmp_path / "knowledge"
    shutil.copytree(tiny_dir, target)
    yield target


@pytest.fixture(scope="session")
def shipped() -> Advisor:
    return Advisor.default()
