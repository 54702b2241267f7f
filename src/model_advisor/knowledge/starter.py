"""A knowledge directory to start from: a copy of the shipped one, to edit."""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import _paths
from ..errors import KnowledgeBaseError
from .loader import EXAMPLES_FILE, MODEL_FILE
from .rules import SETTINGS_FILE, glossary_files, load_rules, rule_files


def init_knowledge(directory: Path, source: Path | None = None) -> list[Path]:
    """Copy a knowledge directory (by default the shipped one) into a new ``directory``.

    The copy holds the notes, ``categories.yaml``, the rule files, the glossary,
    ``examples.csv`` and the trained ``model.json``, which is current for the copy: it
    answers at once, as the source does, and can be edited, checked and retrained.

    Returns:
        The files written, in the order they were copied.

    Raises:
        KnowledgeBaseError: ``directory`` exists and is not an empty directory, or cannot
            be written.
        RuleFileError: the source's YAML is invalid.
    """
    source = source or _paths.default_knowledge_dir()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise KnowledgeBaseError(
            str(directory), "already exists and is not an empty directory; name a new one"
        )
    notes = load_rules(source).settings.notes
    names = [notes, SETTINGS_FILE, *(p.name for p in rule_files(source))]
    names += [str(p.relative_to(source)) for p in glossary_files(source)]
    names += [EXAMPLES_FILE, *([MODEL_FILE] if (source / MODEL_FILE).is_file() else [])]
    written = []
    try:
        for name in names:
            (directory / name).parent.mkdir(parents=True, exist_ok=True)  # glossary/ too
            written.append(Path(shutil.copyfile(source / name, directory / name)))
    except OSError as err:
        raise KnowledgeBaseError(str(directory), f"cannot write: {err.strerror}") from err
    return written
