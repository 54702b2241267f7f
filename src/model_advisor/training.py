"""Training and finding the model of a knowledge directory.

A model is trained from a directory's examples and stamped with the hash of its categories,
rules and examples (:func:`knowledge_sha256`). It is looked for in the directory itself
(``model.json``), then in the cache under ``MODEL_ADVISOR_HOME``; a stale one is never used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import _paths
from ._text import normalize, seed_stems, stem, words
from .classifier import TaskClassifier
from .errors import ModelFileError
from .examples import load_examples
from .matching import CueMatcher, RuleEngine
from .models import Example, KeywordCondition, PhraseCondition, RuleSet, Settings
from .rules import SETTINGS_FILE, load_rules, rule_files

EXAMPLES_FILE = "examples.csv"
MODEL_FILE = "model.json"
DEFAULT_FOLDS = 5
"""How many folds cross-validation uses unless told otherwise."""


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


@dataclass(frozen=True)
class Compiled:
    """What advising needs from the YAML, ready to use: settings, rule engine, cue matchers."""

    settings: Settings
    engine: RuleEngine
    kinds: CueMatcher
    modalities: CueMatcher


def compile_ruleset(ruleset: RuleSet, known_words: frozenset[str] = frozenset()) -> Compiled:
    """Build the engine and matchers of a validated rule set (stems every rule word)."""
    settings = ruleset.settings
    return Compiled(
        settings,
        RuleEngine(ruleset.rules, known_words),
        CueMatcher([(k.id, k.cues) for k in settings.kinds]),
        CueMatcher([(m.id, m.cues) for m in settings.modalities]),
    )


def _compile(directory: Path, ruleset: RuleSet, examples: Sequence[Example]) -> dict[str, Any]:
    """What a saved model keeps besides its weights: compiled rules and a table of stems."""
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
    compiled = compile_ruleset(ruleset)
    return {
        "stems": {w: stem(w) for w in vocabulary},
        "settings": ruleset.settings.model_dump(mode="json"),
        "engine": compiled.engine.export(),
        "kinds": compiled.kinds.export(),
        "modalities": compiled.modalities.export(),
    }


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


def known_words(classifier: TaskClassifier) -> frozenset[str]:
    """The words of the knowledge a model was trained from (its stem table's words)."""
    attachment = classifier.attachment_ if isinstance(classifier.attachment_, dict) else {}
    stems = attachment.get("stems")
    return frozenset(stems) if isinstance(stems, dict) else frozenset()


def restore_compiled(classifier: TaskClassifier) -> Compiled | None:
    """The compiled rules a model was saved with (see :func:`_compile`), or None.

    None also when they cannot be read back; the caller then compiles the YAML again.
    """
    attachment = classifier.attachment_
    if not isinstance(attachment, dict):
        return None
    stems = attachment.get("stems")
    if isinstance(stems, dict):
        seed_stems(stems)
    try:
        settings = Settings.model_validate(attachment.get("settings"))
        return Compiled(
            settings,
            RuleEngine.restore(attachment.get("engine"), known_words(classifier)),
            CueMatcher.restore(attachment.get("kinds")),
            CueMatcher.restore(attachment.get("modalities")),
        )
    except (ValidationError, ValueError):
        return None


def load_model(directory: Path) -> tuple[TaskClassifier, Compiled, str]:
    """The classifier and compiled rules for a knowledge directory, and its knowledge hash.

    The directory's fresh ``model.json``, else a cached model, else one trained now and
    cached under ``MODEL_ADVISOR_HOME``; a stale model is never used.

    Raises:
        RuleFileError, ExampleDataError, ModelFileError.
    """
    if not directory.is_dir():
        load_rules(directory)  # raises the usual "not a directory" problem
    stamp = knowledge_sha256(directory)
    classifier = saved_model(directory, stamp)
    if classifier is None:
        load_rules(directory)  # report broken rules before spending time on training
        classifier = train_into(directory, _paths.model_cache_dir() / f"{stamp}.json")
    compiled = restore_compiled(classifier) or compile_ruleset(
        load_rules(directory), known_words(classifier)
    )
    return classifier, compiled, stamp
