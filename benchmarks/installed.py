"""The ``model-advisor`` command the benchmarks run: the one installed beside the Python that
runs them (a virtual environment's), never another one found first on PATH, which may belong
to another install (a pyenv shim cost 362 ms of a cold start that was not ours)."""

from __future__ import annotations

import sys
from pathlib import Path


def model_advisor_command() -> list[str]:
    """The command line that starts ``model-advisor`` from this Python's install."""
    executable = Path(sys.executable).with_name("model-advisor")
    if executable.is_file():
        return [str(executable)]
    return [sys.executable, "-m", "model_advisor"]
