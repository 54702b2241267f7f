"""model-advisor: which kind of AI fits a task, and why, quoted from the notes.

Example:
    >>> from model_advisor import advise
    >>> advise("predict weather").category
    'discriminative'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .advisor import Advisor, Brief
from .batch import BatchSummary, advise_file
from .classifier import TaskClassifier, load_examples
from .decision import Decision, combine
from .errors import (
    AdvisorError,
    BatchError,
    ExampleDataError,
    InvalidTaskError,
    KnowledgeBaseError,
    ModelFileError,
    Problem,
    RuleFileError,
)
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
    "RuleEngine",
    "RuleFileError",
    "RuleHit",
    "RuleSet",
    "TaskClassifier",
    "TermWeight",
    "__version__",
    "advice_schema",
    "advise",
    "advise_file",
    "check_rules",
    "combine",
    "knowledge_sha256",
    "load_examples",
    "load_rules",
    "train_classifier",
]
