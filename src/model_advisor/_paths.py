"""Where model-advisor finds its shipped knowledge and keeps its cache (private)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

HOME_VARIABLE = "MODEL_ADVISOR_HOME"
PACKAGED = Path(__file__).with_name("knowledge_data")
"""Where an installed wheel carries the shipped knowledge (absent in a source checkout)."""


def default_knowledge_dir() -> Path:
    """The knowledge directory shipped with the package.

    An installed wheel carries it as ``model_advisor/knowledge_data``; a source checkout
    (editable install) has it as ``rules/`` at the top of the repository.
    """
    if PACKAGED.is_dir():
        return PACKAGED
    return Path(__file__).resolve().parents[2] / "rules"


def is_installed(directory: Path) -> bool:
    """Whether ``directory`` is the knowledge inside an installed package (never written to)."""
    return PACKAGED.is_dir() and directory.resolve() == PACKAGED.resolve()


def home_dir() -> Path:
    """model-advisor's own directory: ``$MODEL_ADVISOR_HOME``, else the user's cache dir."""
    configured = os.environ.get(HOME_VARIABLE)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "model-advisor"


def model_cache_dir() -> Path:
    """Where models trained on the fly are kept, one file per knowledge hash."""
    return home_dir() / "models"


def file_mode(destination: Path) -> int:
    """The permission bits a file written to ``destination`` should get: those of the file it
    replaces, else what the user's umask gives a new file (as ``open`` would)."""
    try:
        return stat.S_IMODE(destination.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
