"""model-advisor: which kind of AI fits a task, and why, quoted from the notes.

Example:
    >>> from model_advisor import advise
    >>> advise("predict weather").category
    'discriminative'

The package is a pipeline, one folder a stage: ``knowledge`` (a directory compiled into one
immutable object) -> ``engine`` (text -> decision) -> ``advice`` (decision -> advice quoted
from the notes) -> ``batch``, ``quality`` and ``serve`` (HTTP) -> ``cli``. This module
exposes what a user needs (the advisor, the result types, the errors, the knowledge loader,
the batch and quality entry points); the engines inside stay in their modules
(``model_advisor.engine.matching.RuleEngine``, ``model_advisor.engine.classifier.TaskClassifier``).
"""

from __future__ import annotations

import importlib

from ._version import __version__
from .advice.advisor import Advisor, Brief
from .engine.building import load_knowledge, train_knowledge
from .engine.decision import Decision, combine
from .errors import (
    AdvisorError,
    BatchError,
    ExampleDataError,
    InvalidTaskError,
    KnowledgeBaseError,
    ModelFileError,
    Problem,
    ReportError,
    RuleFileError,
    TableError,
)
from .knowledge.loader import Knowledge, KnowledgeRef, knowledge_sha256
from .knowledge.notes import Passage
from .knowledge.rules import check_rules, load_rules
from .knowledge.schema import RuleSet
from .types import (
    Advice,
    Citation,
    Evidence,
    Part,
    Provenance,
    RuleHit,
    TermWeight,
    advice_schema,
)

# The table reader, batch and the knowledge-quality tools are imported on first use: the
# command line imports this package on every start, and they are slow to import and rarely
# needed.
_LAZY = {
    "load_examples": "knowledge.examples",
    "read_labelled": "knowledge.examples",
    "BatchSummary": "batch.run",
    "advise_file": "batch.run",
    "advise_frame": "batch.frame",
    "advise_texts": "batch.work",
    "EvaluationReport": "quality.evaluation",
    "TrainingReport": "quality.evaluation",
    "cross_validate": "quality.evaluation",
    "evaluate": "quality.evaluation",
    "train": "quality.evaluation",
    "RuleTestReport": "quality.checks",
    "StatsReport": "quality.checks",
    "check_knowledge": "quality.checks",
    "rule_stats": "quality.checks",
    "run_rule_tests": "quality.checks",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


def advise(task: str) -> Advice:
    """Advise on one task with the shipped knowledge (see :meth:`Advisor.advise`)."""
    return Advisor.default().advise(task)


__all__ = [
    "Advice",
    "Advisor",
    "AdvisorError",
    "BatchError",
    "BatchSummary",
    "Brief",
    "Citation",
    "Decision",
    "EvaluationReport",
    "Evidence",
    "ExampleDataError",
    "InvalidTaskError",
    "Knowledge",
    "KnowledgeBaseError",
    "KnowledgeRef",
    "ModelFileError",
    "Part",
    "Passage",
    "Problem",
    "Provenance",
    "ReportError",
    "RuleFileError",
    "RuleHit",
    "RuleSet",
    "RuleTestReport",
    "StatsReport",
    "TableError",
    "TermWeight",
    "TrainingReport",
    "__version__",
    "advice_schema",
    "advise",
    "advise_file",
    "advise_frame",
    "advise_texts",
    "check_knowledge",
    "check_rules",
    "combine",
    "cross_validate",
    "evaluate",
    "knowledge_sha256",
    "load_examples",
    "load_knowledge",
    "load_rules",
    "read_labelled",
    "rule_stats",
    "run_rule_tests",
    "train",
    "train_knowledge",
]
