"""The package's layout: imports run one way, down the pipeline's stages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "model_advisor"
# Each stage may import from its own stage and those below it; batch, quality and serve sit
# side by side and import neither each other nor the CLI.
LAYERS = {
    "errors": 0,
    "types": 0,
    "_text": 0,
    "_script": 0,
    "_typos": 0,
    "_collector": 0,
    "_reading": 0,
    "_table": 0,
    "_paths": 0,
    "_version": 0,
    "signals": 0,
    "knowledge": 1,
    "engine": 2,
    "advice": 3,
    "batch": 4,
    "quality": 4,
    "serve": 4,
    "cli": 5,
    "dask": 5,  # model_advisor.dask: the public face of the batch's Dask frames
    "__main__": 6,
}


def stage(module: str) -> str:
    """The stage of a module named relative to the package (``engine.matching`` -> engine)."""
    return module.split(".")[0]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every package module ``path`` imports (anywhere in it), relative to the package."""
    relative = path.relative_to(PACKAGE).with_suffix("")
    package_parts = list(relative.parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = package_parts[: len(package_parts) - (node.level - 1)]
            target = [*base, *(node.module.split(".") if node.module else [])]
            if target:
                found.append((node.lineno, ".".join(target)))
            else:  # "from .. import x": x is a module of the package root
                found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("model_advisor"):
            found.append((node.lineno, (node.module or "").removeprefix("model_advisor.")))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layout_imports_run_down_the_stages(path: Path) -> None:
    own = stage(".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    for line, module in imported_modules(path):
        target = stage(module)
        assert target in LAYERS, f"{path.name}:{line} imports {module}, which has no stage"
        assert LAYERS[target] <= LAYERS[own], f"{path.name}:{line} imports up: {module}"
        if LAYERS[target] == LAYERS[own] == LAYERS["batch"]:
            assert target == own, f"{path.name}:{line} imports a sibling stage: {module}"


def test_layout_engine_names_no_category() -> None:
    for path in (PACKAGE / "engine").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for category in ('"agi"', '"generative"', '"discriminative"'):
            assert category not in text, f"{path.name} names {category}"


def test_layout_every_stage_is_known() -> None:
    stages = {
        p.stem if p.is_file() else p.name for p in PACKAGE.iterdir() if p.name != "__init__.py"
    }
    assert stages - {"__pycache__", "knowledge_data"} <= set(LAYERS)
