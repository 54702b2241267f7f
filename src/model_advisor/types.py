"""The result types: what the advisor answers, in JSON-ready pydantic models.

These sit at the bottom of the package (with :mod:`.errors`): every layer may return them.
A category is a plain string, one of the ids declared in the knowledge's ``categories.yaml``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Category = str
"""A category id declared in ``categories.yaml`` (``discriminative``, ``agi``...)."""
Verdict = str
"""A category id, or :data:`UNDETERMINED`."""
UNDETERMINED = "undetermined"
"""The answer when a text holds no evidence at all."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Example(_Frozen):
    """A labelled task: an example to train on, or a held-out task to evaluate on."""

    task: str
    label: Category
    line: int = 0


# --- advice --------------------------------------------------------------------------


class RuleHit(_Frozen):
    """A rule that fired on a task, with the words or text it matched."""

    rule_id: str
    category: Category
    weight: float
    matched: tuple[str, ...]
    rationale: str
    subordinate: bool = False
    """It matched only inside a subordinate clause, so its weight was halved."""


class TermWeight(_Frozen):
    """A feature of the task text and how much it pushed the classifier toward a category."""

    term: str
    category: Category
    weight: float


UnreadKind = Literal["background", "judged", "topic"]
"""The kinds of :class:`Discount` the classifier did not read, their rules at half weight."""


class Discount(_Frozen):
    """Words of the task that counted for less than they would alone.

    ``negated`` words ("no need to *write anything*") were not counted at all;
    ``subordinate`` ones ("reviews *that a bot wrote*") describe what is acted on, and the
    rules matched there counted at half weight; a ``background`` clause ("*since churn is
    rising,* ...") sets the scene: the classifier did not read it and rules matched there
    counted at half weight. What is ``judged`` ("evaluation metrics *for music generation*")
    is acted on too: the classifier did not read it and rules matched there counted at half
    weight, and so for the ``topic`` of a written work ("write an essay *about AGI*"). The
    ``duties`` of a role ("AI farm manager: *plant, hire, sell, ...*", "It *answers calls,
    books jobs, chases payments and orders stock*") count at half weight in the rules, like
    a subordinate clause. An
    ``answer`` verb makes a closed answer ("*write* a 0 or 1") and a
    ``continuation`` verb predicts the rest of a work ("*predict* the next chapter"): the
    classifier did not read the verb.
    """

    kind: Literal[
        "negated",
        "subordinate",
        "judged",
        "topic",
        "duties",
        "background",
        "answer",
        "continuation",
    ]
    phrase: str
    rules: tuple[str, ...] = ()  # the rules it kept from firing, or that it weakened


class Correction(_Frozen):
    """A word of the task read as another: a misspelling one typo away from a word that many
    examples of the knowledge hold ("wgether" read as "whether"), or a word of another language
    that the knowledge's glossary reads as an English word ("clasificar" as "classify")."""

    word: str  # as written (lower-cased, for a glossary's word)
    read_as: str
    language: str | None = None  # the glossary's language; None for a misspelling


class Evidence(_Frozen):
    """Why the advisor decided: the rules that fired, the classifier's weightiest terms, the
    words that counted for less, and the misspelt words read as the words meant."""

    rules: tuple[RuleHit, ...] = ()
    terms: tuple[TermWeight, ...] = ()
    discounted: tuple[Discount, ...] = ()
    corrected: tuple[Correction, ...] = ()


class Citation(_Frozen):
    """A passage quoted from the notes, with its heading path and line numbers."""

    section: str
    quote: str
    line: int
    end_line: int
    path: str


class Part(_Frozen):
    """One task within a compound task, or an achievable piece of an AGI-sized one."""

    text: str
    category: Category
    confidence: float
    rules: tuple[RuleHit, ...]
    citation: Citation | None


class Provenance(_Frozen):
    """What produced an answer, so a saved result can be traced and reproduced."""

    package_version: str
    knowledge_sha256: str


class Advice(_Frozen):
    """The advisor's answer for one task: category, confidence, evidence and explanation."""

    task: str
    category: Verdict
    confidence: float = Field(ge=0, le=1)
    scores: dict[Category, float]
    ambiguous: bool
    evidence: Evidence
    citations: tuple[Citation, ...]
    recommendation: str
    explanation: str
    truncated: bool = False
    kind: str | None = None
    kind_name: str | None = None
    modalities: tuple[str, ...] = ()
    tools: tuple[Citation, ...] = ()
    why_not: dict[Category, str] = Field(default_factory=dict)
    question: str | None = None
    parts: tuple[Part, ...] = ()
    combines: tuple[Category, ...] = ()
    alternatives: bool = False
    provenance: Provenance | None = None


def advice_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Advice`, the JSON form of every answer."""
    schema: dict[str, Any] = Advice.model_json_schema()
    return schema
