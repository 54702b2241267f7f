"""Training and finding the model of a knowledge directory.

A model is trained from a directory's examples and stamped with the hash of its categories,
rules and examples (:func:`knowledge_sha256`). It is looked for in the directory itself
(``model.json``), then in the cache under ``MODEL_ADVISOR_HOME``; a stale one is never used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import _paths
from ._text import normalize, seed_stems, stem, words
from .classifier import TaskClassifier, load_examples
from .errors import ModelFileError
from .models import Example, KeywordCondition, PhraseCondition, RuleSet
from .rules import SETTINGS_FILE, load_rules, rule_files

EXAMPLES_FILE = "examples.csv"
MODEL_FILE = "model.json"


def knowledge_sha256(directory: Path) -> str:
    """Hash what a model is trained from: the categories, the rule files and the examples."""
    digest = hashlib.sha256()
    for path in [directory / SETTINGS_FILE, *rule_files(directory), directory / EXAMPLES_FILE]:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"")
        digest.update(b"\0")
    return digest.hexdigest()


def train_classifier(directory: Path, output: Path | None = None) -> tuple[TaskClassifier, Path]:
    """Train the classifier on a knowledge directory's examples and save it.

    The saved model also holds the directory's validated rules and the stems of every word of
    its knowledge, so that loading it later needs neither the YAML parser nor the stemmer.

    Args:
        directory: the knowledge directory holding ``examples.csv``.
        output: where to save; by default ``model.json`` in ``directory``.

    Returns:
        The trained classifier and the path it was saved to.

    Raises:
        RuleFileError: when the rules are invalid (no model is made from them).
        ExampleDataError: when the examples cannot be read.
    """
    directory = Path(directory)
    stamp = knowledge_sha256(directory)
    ruleset = load_rules(directory)
    examples = load_examples(directory / EXAMPLES_FILE)
    classifier = TaskClassifier().fit([e.task for e in examples], [e.label for e in examples])
    target = output or directory / MODEL_FILE
    classifier.save(target, stamp, _compile(directory, ruleset, examples))
    return classifier, target


def _compile(directory: Path, ruleset: RuleSet, examples: Sequence[Example]) -> dict[str, Any]:
    """What a saved model keeps besides its weights: the rules, and a table of stems."""
    texts = [e.task for e in examples]
    for rule in ruleset.rules:
        for condition in (*rule.any, *rule.all, *rule.none):
            if isinstance(condition, KeywordCondition):
                texts.extend(condition.words)
            elif isinstance(condition, PhraseCondition):
                texts.extend(condition.phrases)
    notes = directory / ruleset.settings.notes
    if notes.is_file():
        texts.append(notes.read_text(encoding="utf-8", errors="replace"))
    vocabulary = sorted({w for text in texts for w in words(normalize(text))})
    return {"ruleset": ruleset.model_dump(mode="json"), "stems": {w: stem(w) for w in vocabulary}}


def saved_model(directory: Path, stamp: str) -> TaskClassifier | None:
    """The directory's own model, else a cached one, if trained from this very knowledge."""
    for path in (directory / MODEL_FILE, _paths.model_cache_dir() / f"{stamp}.json"):
        if path.exists():
            try:
                return TaskClassifier.load(path, stamp)
            except ModelFileError as err:
                if err.code != "stale":
                    raise
    return None


def train_into(directory: Path, target: Path) -> TaskClassifier:
    """Train and save to ``target``; when it cannot be written, keep the model in memory."""
    try:
        return train_classifier(directory, target)[0]
    except OSError:
        examples = load_examples(directory / EXAMPLES_FILE)
        return TaskClassifier().fit([e.task for e in examples], [e.label for e in examples])


def compiled_ruleset(classifier: TaskClassifier) -> RuleSet | None:
    """The rules a model was saved with (see :func:`_compile`), or None if it has none."""
    attachment = getattr(classifier, "attachment_", None)
    if not isinstance(attachment, dict):
        return None
    try:
        ruleset = RuleSet.model_validate(attachment.get("ruleset"))
    except ValidationError:
        return None
    stems = attachment.get("stems")
    if isinstance(stems, dict):
        seed_stems(stems)
    return ruleset
