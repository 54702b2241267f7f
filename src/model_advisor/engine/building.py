"""Building a knowledge directory's model, and loading knowledge with it.

Building compiles the rules, trains the classifier and calibrates the decision. The
calibration is what puts the builder here, above the rule matcher and the decision: the
confidence users see is the decision's top score, which mixes the classifier with the rules, so
it is that mix, not the classifier alone, that has to mean what it says.

:func:`load_knowledge` is the one way in for every caller (the advisor, ``evaluate``, ``rules
test``, batch workers): the loader (:func:`model_advisor.knowledge.loader.load`) reads a saved
or cached model, or has :func:`build_model` build one, so each path answers with the same
model.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

from ..knowledge.loader import (
    EXAMPLES_FILE,
    MODEL_FILE,
    CompiledRules,
    Knowledge,
    KnowledgeRef,
    Temperatures,
    calibration_group,
    compile_rules,
    frame_model,
    knowledge_sha256,
    load,
)
from ..knowledge.modelfile import write_atomic
from ..knowledge.rules import load_rules
from ..types import Example
from .decision import combine
from .glossing import glossed
from .matching import RuleEngine
from .pipeline import match_rules, training_texts

SMALLEST_SCORE = 1e-12
"""A score of 0 counts as this much when its logarithm is taken for the calibration."""
CALIBRATION_LEAST = 50
"""Examples a temperature of :func:`decision_temperatures` is fitted on at the least; with
fewer (say no example the classifier decides alone), it is fitted on all of them."""


def load_knowledge(directory: Path | str | os.PathLike[str], *, notes: bool = True) -> Knowledge:
    """Load a knowledge directory with a model built from its current files.

    The directory's own ``model.json`` is used when it was built from the directory's current
    categories, rules and examples (and by this code); else a cached model for them; else one
    built now (:func:`build_model`) and cached under ``MODEL_ADVISOR_HOME`` (when the cache
    cannot be written, it is used anyway). Without ``notes``, the notes are not read (the
    decision needs none; advice quotes them).

    Raises:
        RuleFileError, ExampleDataError: the YAML or the examples are invalid (when a model
            has to be built).
        KnowledgeBaseError: the notes cannot be read.
        ModelFileError: the directory's ``model.json`` is corrupt or unreadable.
    """
    return load(directory, build_model, notes=notes)


def load_ref(ref: KnowledgeRef) -> Knowledge:
    """Load the knowledge ``ref`` refers to, in a worker process.

    Raises:
        ModelFileError: the directory no longer holds the same knowledge.
        RuleFileError, ExampleDataError, KnowledgeBaseError: it cannot be loaded.
    """
    return ref.check(load_knowledge(ref.path))


def train_knowledge(directory: Path, output: Path | None = None) -> Path:
    """Build the model of a knowledge directory and save it.

    Two trainings of the same knowledge write byte-identical files.

    Args:
        directory: the knowledge directory.
        output: where to save; by default ``model.json`` in ``directory``.

    Returns:
        The path the model was saved to.

    Raises:
        RuleFileError, ExampleDataError: the rules or examples are invalid.
        OSError: the model cannot be written.
    """
    target = output or directory / MODEL_FILE
    write_atomic(target, build_model(directory))
    return target


def build_model(directory: Path) -> bytes:
    """The model file of a knowledge directory, as bytes: the rules compiled, the classifier
    trained with scikit-learn, and the decision calibrated (:func:`decision_temperatures`).

    Raises:
        RuleFileError, ExampleDataError: the rules or examples are invalid.
    """
    from ..knowledge.examples import load_examples  # the table reader: not needed to answer
    from ..knowledge.training import fit_weights  # scikit-learn: only when building

    stamp = knowledge_sha256(directory)
    ruleset = load_rules(directory)
    examples = load_examples(directory / EXAMPLES_FILE, ruleset.settings.ids)
    compiled = compile_rules(directory, ruleset, examples)
    rules = RuleEngine.from_compiled(compiled)
    texts = training_texts(rules, [e.task for e in examples])
    trained = fit_weights(texts, [e.label for e in examples])
    temperatures = Temperatures(1.0, 1.0)
    if trained.held_out is not None:
        labels = trained.weights.labels
        probabilities = [dict(zip(labels, row, strict=True)) for row in trained.held_out]
        temperatures = decision_temperatures(compiled, examples, probabilities, rules)
    return frame_model(stamp, compiled, trained.weights, temperatures)


def decision_temperatures(
    compiled: CompiledRules,
    examples: Sequence[Example],
    held_out: Sequence[dict[str, float]],
    rules: RuleEngine | None = None,
) -> Temperatures:
    """The temperatures that make the decision's top score mean what it says: one for tasks
    on which a rule fired, one for tasks the classifier decides alone, and one for tasks read
    through the glossary (:meth:`~model_advisor.knowledge.loader.Temperatures.pick`).

    Each example is decided as a task would be, by its rules and by the classifier's
    probabilities from a model that had not seen it (``held_out``); each temperature is the
    one that minimises the log-loss of its examples' scores
    (:func:`~model_advisor.knowledge.training.best_temperature`), or of all the examples' when
    fewer than :data:`CALIBRATION_LEAST` are left for it.

    The rules mix in as a share of the score, so when they agree with the classifier the mixed
    score still sits below how often such answers are right: the temperature found for them is
    usually below 1, and sharpens the scores. The classifier's probabilities, calibrated
    already, need none of it: sharpening them too made the answers no rule reads (most tasks
    in other languages) surer than they are right. Tasks read through the glossary have rules
    firing on their English words while the words that turn a request around (negation,
    questions) stay in their language: sharpened as English ones, they too came out surer than
    they are right.
    """
    from ..knowledge.training import best_temperature

    categories = compiled.settings.ids
    rules = rules or RuleEngine.from_compiled(compiled)  # the builder's own, when it has one
    groups: dict[str, list[int]] = {name: [] for name in Temperatures._fields}  # example rows
    log_scores: list[list[float]] = []
    truth: list[int] = []
    for example, probabilities in zip(examples, held_out, strict=True):
        matched = match_rules(rules, example.task)
        scores = combine(matched.hits, probabilities, categories=categories).scores
        log_scores.append([math.log(max(scores[c], SMALLEST_SCORE)) for c in categories])
        group = calibration_group(ruled=bool(matched.hits), glossed=glossed(matched.corrections))
        groups[group].append(len(truth))
        truth.append(categories.index(example.label))

    def fitted(rows: list[int]) -> float:
        if len(rows) < CALIBRATION_LEAST:
            rows = list(range(len(truth)))
        return best_temperature([log_scores[i] for i in rows], [truth[i] for i in rows])

    return Temperatures(*(fitted(groups[name]) for name in Temperatures._fields))
