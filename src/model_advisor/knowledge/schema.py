"""What a knowledge directory declares in YAML: rule files, ``categories.yaml`` and the
glossary (``glossary/*.yaml``).

Everything a user writes (rules, categories) is validated here: unknown keys are errors
(``extra="forbid"``), regexes are compiled with RE2 when the rule is read, and keywords are
normalised, so a rule that loads is a rule that can run. Categories are data: any two or
more, declared in ``categories.yaml``; a rule's category is checked against them when the
directory is loaded (:mod:`.rules`).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

import re2
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from .._text import normalize
from ..types import UNDETERMINED, Category
from .frames import OUTPUT_PATTERNS, QUESTION_PATTERNS, OutputType, QuestionFrame

_KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SPACE = re.compile(r"\s")
# Texts on which a pattern that fires everywhere (``a*``, ``\b``) shows an empty match.
_EMPTY_MATCH_PROBES = ("", "a", "word", "two words", "7", " ")


def regex_options() -> re2.Options:
    """RE2 options for rule patterns: silent on errors, since we report them ourselves."""
    options = re2.Options()
    options.log_errors = False
    return options


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- rule conditions ---------------------------------------------------------------


class KeywordCondition(_Frozen):
    """Matches when any of ``words`` occurs as a word (after stemming both sides)."""

    kind: Literal["keyword"]
    words: tuple[str, ...] = Field(min_length=1)

    @field_validator("words")
    @classmethod
    def _single_lowercase_words(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        for word in words:
            if not word.strip() or _SPACE.search(word.strip()):
                raise ValueError(f"keyword {word!r} must be one word; use a phrase for several")
        return tuple(w.strip().lower() for w in words)


class PhraseCondition(_Frozen):
    """Matches when the words of any of ``phrases`` occur one after another."""

    kind: Literal["phrase"]
    phrases: tuple[str, ...] = Field(min_length=1)

    @field_validator("phrases")
    @classmethod
    def _non_blank(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        if any(not p.strip() for p in phrases):
            raise ValueError("a phrase must not be blank")
        return tuple(" ".join(p.lower().split()) for p in phrases)


class RegexCondition(_Frozen):
    """Matches when the RE2 ``pattern`` is found in the lower-cased task text."""

    kind: Literal["regex"]
    pattern: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _compiles_and_needs_text(cls, pattern: str) -> str:
        try:
            compiled = re2.compile(pattern, regex_options())
        except re2.error as err:
            detail = err.args[0].decode() if err.args and isinstance(err.args[0], bytes) else err
            raise ValueError(f"regex does not compile: {detail}") from err
        for probe in _EMPTY_MATCH_PROBES:
            found = compiled.search(probe)
            if found is not None and found.group(0) == "":
                raise ValueError(
                    f"regex {pattern!r} can match an empty string, so it would fire on "
                    "almost any text; make it require at least one character"
                )
        return pattern


class QuestionCondition(_Frozen):
    """Matches when the task asks in one of the built-in ``frames`` (:mod:`.frames`):
    ``yes-no`` ("whether", "tell me if"), ``which-of``, ``how-much`` or ``open``."""

    kind: Literal["question"]
    frames: tuple[QuestionFrame, ...] = Field(min_length=1)

    @property
    def pattern(self) -> str:
        """The one pattern that finds any of the frames."""
        return "|".join(f"(?:{QUESTION_PATTERNS[f]})" for f in dict.fromkeys(self.frames))


class OutputCondition(_Frozen):
    """Matches when the task says it outputs one of the built-in ``types`` (:mod:`.frames`):
    ``prose``, ``code``, ``image``, ``audio``, ``continuation``, ``label`` or ``number``."""

    kind: Literal["output"]
    types: tuple[OutputType, ...] = Field(min_length=1)

    @property
    def pattern(self) -> str:
        """The one pattern that finds any of the types."""
        return "|".join(f"(?:{OUTPUT_PATTERNS[t]})" for t in dict.fromkeys(self.types))


Condition = Annotated[
    KeywordCondition | PhraseCondition | RegexCondition | QuestionCondition | OutputCondition,
    Field(discriminator="kind"),
]
PatternCondition = RegexCondition | QuestionCondition | OutputCondition
"""The conditions matched by a pattern, rather than by words."""


class RuleExamples(_Frozen):
    """Texts a rule must fire on (``match``) and must not fire on (``no_match``)."""

    match: tuple[str, ...] = Field(min_length=1)
    no_match: tuple[str, ...] = ()


class Rule(_Frozen):
    """One rule: conditions that, when they hold, point to ``category`` with ``weight``."""

    id: str = Field(pattern=_KEBAB)
    category: Category = Field(min_length=1)
    weight: float = Field(gt=0, le=1)
    rationale: str = Field(min_length=1)
    any: tuple[Condition, ...] = ()
    all: tuple[Condition, ...] = ()
    none: tuple[Condition, ...] = ()
    examples: RuleExamples

    @field_validator("weight", mode="before")
    @classmethod
    def _weight_is_a_number(cls, weight: object) -> object:
        if isinstance(weight, bool):
            raise ValueError("weight must be a number between 0 and 1, not true/false")
        return weight

    @model_validator(mode="after")
    def _has_a_positive_condition(self) -> Rule:
        if not self.any and not self.all:
            raise ValueError("a rule needs at least one condition under `any` or `all`")
        return self


class RuleFile(_Frozen):
    """The contents of one rules YAML file."""

    version: Literal[1]
    rules: tuple[Rule, ...] = Field(min_length=1)


# --- categories and knowledge settings ----------------------------------------------


class SourceRef(_Frozen):
    """Passages of the notes: those in ``section`` (a heading, or a path joined by ' > ').

    With ``under``, only the list items nested below the item whose text starts with it;
    with ``contains``, only the passages containing that text (case-insensitive).
    """

    section: str = Field(min_length=1)
    under: str | None = None
    contains: str | None = None


class CategoryInfo(_Frozen):
    """How one category is named, defined by the notes, cited, recommended and ruled out."""

    id: Category = Field(pattern=_KEBAB)
    name: str = Field(min_length=1)
    definition: SourceRef
    sources: tuple[SourceRef, ...] = ()
    recommendation: str = Field(min_length=1)
    why_not: dict[Category, str] = Field(default_factory=dict)
    """Why this category is not the answer, keyed by the category that is."""
    aspirational: bool = False
    """No system does it today: advice lists the parts of the task that can be built now."""
    caveat: str | None = Field(default=None, min_length=1)
    """A sentence added to the explanation whenever this category is the answer."""

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, category_id: str) -> str:
        if category_id == UNDETERMINED:
            raise ValueError(f"{UNDETERMINED!r} is the answer without evidence, not a category")
        return category_id


class Aspect(_Frozen):
    """A kind of task (within a category) or a modality, recognised by its cue words."""

    id: str = Field(pattern=_KEBAB)
    name: str = Field(min_length=1)
    category: Category | None = None
    cues: tuple[Condition, ...] = Field(min_length=1)


class Tool(_Frozen):
    """A system the notes name for some kinds of work; the passage mentioning it is cited."""

    mention: str = Field(min_length=1)
    category: Category
    kinds: tuple[str, ...] = Field(min_length=1)


class Question(_Frozen):
    """The clarifying question to ask when the answer is torn between two categories."""

    between: tuple[Category, Category]
    ask: str = Field(min_length=1)


class Settings(_Frozen):
    """The contents of ``categories.yaml``: the notes file and the categories (two or more)."""

    version: Literal[1]
    notes: str = Field(min_length=1)
    categories: tuple[CategoryInfo, ...] = Field(min_length=2)
    combining: SourceRef | None = None
    kinds: tuple[Aspect, ...] = ()
    modalities: tuple[Aspect, ...] = ()
    tools: tuple[Tool, ...] = ()
    questions: tuple[Question, ...] = ()

    @field_validator("categories")
    @classmethod
    def _each_category_once(cls, cats: tuple[CategoryInfo, ...]) -> tuple[CategoryInfo, ...]:
        ids = [c.id for c in cats]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"category {twice[0]!r} is declared more than once")
        return cats

    @model_validator(mode="after")
    def _references_are_declared(self) -> Settings:
        declared = {c.id for c in self.categories}
        kinds = {k.id for k in self.kinds}

        def check(what: str, named: object) -> None:
            if named not in declared:
                raise ValueError(f"{what} names category {named!r}, which is not declared")

        for info in self.categories:
            for other in info.why_not:
                check(f"why_not of {info.id!r}", other)
        for kind in self.kinds:
            if kind.category is None:
                raise ValueError(f"kind {kind.id!r} needs a category")
            check(f"kind {kind.id!r}", kind.category)
        for modality in self.modalities:
            if modality.category is not None:
                check(f"modality {modality.id!r}", modality.category)
        for tool in self.tools:
            check(f"tool {tool.mention!r}", tool.category)
            unknown = [k for k in tool.kinds if k not in kinds]
            if unknown:
                raise ValueError(f"tool {tool.mention!r} names undeclared kinds {unknown}")
        for question in self.questions:
            for named in question.between:
                check("a question", named)
        return self

    @property
    def ids(self) -> tuple[Category, ...]:
        """The category ids, in declared order (the order of scores, and of ties)."""
        return tuple(c.id for c in self.categories)

    def category(self, category_id: Category) -> CategoryInfo:
        """Return the declared information for ``category_id`` (a search: callers that ask
        for every answer keep their own dict, see :class:`~model_advisor.Advisor`).

        Raises:
            StopIteration: when no such category is declared.
        """
        return next(c for c in self.categories if c.id == category_id)


class Location(_Frozen):
    """Where something is defined: a file and a 1-based line."""

    path: str
    line: int


# --- the glossary ------------------------------------------------------------------

PREFIX_LEAST = 4
"""Letters a glossary form ending in ``*`` keeps before it (in most scripts)."""
UNSPACED_LEAST = 2
"""Characters a Chinese or Japanese form has at the least."""
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
DENSE_PREFIX_LEAST = 2
"""The same in Chinese, Japanese and Korean, whose characters each hold a syllable or more."""
CLITIC_MOST = 4
"""Letters a clitic (:attr:`GlossaryFile.clitics`) has at the most."""
_DENSE = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)


def is_dense(text: str) -> bool:
    """Whether ``text`` is written in Chinese, Japanese or Korean characters."""
    return _DENSE.search(text) is not None


def _glossary_form(form: str) -> str:
    text = " ".join(normalize(form).split())
    if not text.rstrip("*"):
        raise ValueError("a form must not be blank")
    if "*" in text[:-1]:
        raise ValueError(f"{form!r}: '*' may only end a form")
    _long_enough(text, form)
    if text.endswith("*"):
        last = text.split(" ")[-1]
        least = DENSE_PREFIX_LEAST if is_dense(last) else PREFIX_LEAST
        if len(last) - 1 < least:
            raise ValueError(
                f"{form!r}: keep at least {least} letters before '*', or it begins too many words"
            )
    return text


def _english_word(word: str) -> str:
    text = " ".join(word.lower().split())
    if not text:
        raise ValueError("an English word must not be blank")
    return text


def _cue_form(form: str) -> str:
    text = " ".join(normalize(form).split())
    if not text or "*" in text:
        raise ValueError(f"{form!r}: a cue is one or more whole words")
    return _long_enough(text, form)


def _long_enough(text: str, form: str) -> str:
    """``text``, unless it is one Chinese or Japanese character: found inside running text,
    one character is inside too many words of other meanings (不 in 不同, "different")."""
    if len(text.rstrip("*")) < UNSPACED_LEAST and _UNSPACED.search(text):
        raise ValueError(
            f"{form!r}: Chinese and Japanese forms are found inside words; "
            f"write at least {UNSPACED_LEAST} characters"
        )
    return text


def _clitic_form(form: str) -> str:
    text = normalize(form).strip()
    if len(text.split()) != 1 or len(text) > CLITIC_MOST:
        raise ValueError(f"{form!r}: a clitic is one word of at most {CLITIC_MOST} letters")
    return text


GlossaryForm = Annotated[str, AfterValidator(_glossary_form)]
CueForm = Annotated[str, AfterValidator(_cue_form)]
CliticForm = Annotated[str, AfterValidator(_clitic_form)]


class GlossaryFile(_Frozen):
    """One language's glossary: English words, each with the forms the language writes it in.

    A form is one or more words (read as the English word wherever they occur as words), the
    last of which may be a beginning ending in ``*`` (``klassifizier*`` reads "klassifiziere"
    and "klassifizierung"), or, in Chinese and Japanese, which are written without spaces,
    characters found anywhere in the text.
    """

    version: Literal[1]
    language: str = Field(pattern=r"^[a-z]{2,3}$")
    words: dict[Annotated[str, AfterValidator(_english_word)], tuple[GlossaryForm, ...]] = Field(
        min_length=1
    )
    cues: dict[Annotated[str, AfterValidator(_english_word)], tuple[CueForm, ...]] = Field(
        default_factory=dict
    )
    """Words that negate or contrast ("no", "sino"), read as the English cue words ("not",
    "but") only in a text whose other words were read through this language's glossary:
    alone, "no" is English too."""
    compounds: bool = False
    """Whether the language joins words into one (German "Gesichtserkennung", face
    recognition): a word the glossary does not know is then read by the form it ends with."""
    clitics: tuple[CliticForm, ...] = ()
    """Short words the language writes joined to the front of the next (Hebrew "and", "the",
    "that"; Arabic "and", "the", "with the"): a word the glossary does not know is then read
    without the longest of them that leaves a form of the language (Hebrew "that
    identifies", one word, as "identify")."""


class RuleSet(_Frozen):
    """Everything a knowledge directory declares in YAML: settings and rules, sorted by id,
    and the glossary, sorted by language."""

    settings: Settings
    rules: tuple[Rule, ...]
    locations: dict[str, Location] = Field(default_factory=dict)  # rule id -> where defined
    glossary: tuple[GlossaryFile, ...] = ()
