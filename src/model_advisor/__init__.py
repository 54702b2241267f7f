"""model-advisor: which kind of AI fits a task, and why, quoted from the notes.

Example:
    >>> from model_advisor import advise
    >>> advise("predict weather").category
    'discriminative'
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

from .advisor import Advisor, Brief
from .batch import BatchSummary, advise_file
from .classifier import TaskClassifier
from .decision import Decision, combine
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
)
from .examples import load_examples
from .knowledge import KnowledgeBase, Passage
from .matching import RuleEngine
from .models import (
    Advice,
    Citation,
    Evidence,
    Part,
    Provenance,
    RuleHit,
    RuleSet,
    TermWeight,
    advice_schema,
)
from .rules import check_rules, load_rules
from .training import knowledge_sha256, train_classifier

# The knowledge-quality tools are imported on first use: the command line imports this
# package on every start, and they are slow to import and rarely needed.
_LAZY = {
    "EvaluationReport": "evaluation",
    "TrainingReport": "evaluation",
    "cross_validate": "evaluation",
    "evaluate": "evaluation",
    "train": "evaluation",
    "RuleTestReport": "quality",
    "StatsReport": "quality",
    "check_knowledge": "quality",
    "rule_stats": "quality",
    "run_rule_tests": "quality",
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
    "KnowledgeBase",
    "KnowledgeBaseError",
    "ModelFileError",
    "Part",
    "Passage",
    "Problem",
    "Provenance",
    "ReportError",
    "RuleEngine",
    "RuleFileError",
    "RuleHit",
    "RuleSet",
    "RuleTestReport",
    "StatsReport",
    "TaskClassifier",
    "TermWeight",
    "TrainingReport",
    "__version__",
    "advice_schema",
    "advise",
    "advise_file",
    "check_knowledge",
    "check_rules",
    "combine",
    "cross_validate",
    "evaluate",
    "knowledge_sha256",
    "load_examples",
    "load_rules",
    "rule_stats",
    "run_rule_tests",
    "train",
    "train_classifier",
]
