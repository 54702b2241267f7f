"""Advice beyond the label: the kind of task, its modalities, the tools the notes name,
why not the other categories, a clarifying question, and the tasks inside a compound task.

Everything here is declared in ``categories.yaml``, so a user's knowledge directory can change
it; this module only matches and looks up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .._text import Analysis
from ..engine.matching import CueMatcher
from ..errors import KnowledgeBaseError
from ..knowledge.notes import KnowledgeBase, Passage
from ..knowledge.rules import SETTINGS_FILE
from ..knowledge.schema import Settings
from ..types import Category, RuleHit

# Where one task ends and the next begins: "; ", "and then", "then", "and also", "and", "plus".
_CONNECTORS = re.compile(
    r"\s*(?:;|\band\s+then\b|,?\s*\bthen\b|,?\s*\band\s+also\b|,?\s+\band\b|\s+\bplus\b)\s*",
    re.IGNORECASE,
)
# An AGI-sized task is also split at commas and colons, to list its achievable pieces.
_LIST_SEPARATORS = re.compile(r"\s*[,:]\s*")
# Alternatives offered with "or": "write a poem or classify the photos"
_OR = re.compile(r",?\s+\bor\b\s+", re.IGNORECASE)
# Single words offered side by side before what they share: "caption or classify images",
# "please tag, rank and summarise the posts"
_SHARED = re.compile(
    r"^(?P<lead>(?:please|i\s+want\s+to|we\s+need\s+to|help\s+me)\s+)?"
    r"(?P<words>[^\W\d_]+(?:\s*,\s*[^\W\d_]+)*,?\s+(?:and|or)\s+[^\W\d_]+)"
    r"\s+(?P<rest>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_WORD_JOINS = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+", re.IGNORECASE)
MIN_PART_WORDS = 2


class Aspects:
    """The declared kinds, modalities, tools and questions of a knowledge directory."""

    def __init__(
        self,
        settings: Settings,
        knowledge: KnowledgeBase,
        kinds: CueMatcher,
        modalities: CueMatcher,
    ) -> None:
        self.settings = settings
        self.info = {c.id: c for c in settings.categories}  # looked up for every answer
        self._kinds = kinds
        self._kind_category = {k.id: k.category for k in settings.kinds}
        self.kind_names = {k.id: k.name for k in settings.kinds}
        self._modalities = modalities
        self._questions = {frozenset(q.between): q.ask for q in settings.questions}
        self._tools: list[tuple[Category, tuple[str, ...], Passage]] = []
        for tool in settings.tools:
            self._tools.append((tool.category, tool.kinds, _mentioning(knowledge, tool.mention)))
        self._tool_passages = {passage for _, _, passage in self._tools}
        # `rules check` only warns of a missing combining section: advice then goes without it
        found = knowledge.select(settings.combining) if settings.combining else []
        self.combining: Passage | None = found[0] if found else None

    def kind(self, category: Category, text: str | Analysis) -> str | None:
        """The kind of ``category`` task whose cues ``text`` mentions most (first declared wins)."""
        found = {
            kind: words
            for kind, words in self._kinds.match(text).items()
            if self._kind_category[kind] == category
        }
        if not found:
            return None
        lowered = Analysis.of(text).normalized

        def weight(kind: str) -> tuple[int, int]:  # more cues first, then the earliest mention
            first = min((lowered.find(w) % (len(lowered) + 1) for w in found[kind]), default=0)
            return len(found[kind]), -first

        return max(found, key=weight)

    def is_tool_passage(self, passage: Passage) -> bool:
        """Whether ``passage`` is cited because it names a tool (see :meth:`tools`)."""
        return passage in self._tool_passages

    def modalities(self, text: str | Analysis) -> tuple[str, ...]:
        """The modalities ``text`` mentions, in declared order."""
        return tuple(self._modalities.match(text))

    def tools(self, category: Category, kind: str | None) -> list[Passage]:
        """The passages naming a tool for this kind of ``category`` task."""
        if kind is None:
            return []
        found = [p for c, kinds, p in self._tools if c == category and kind in kinds]
        return list(dict.fromkeys(found))

    def question(self, first: Category, second: Category) -> str | None:
        """The clarifying question declared for a tie between two categories, if any."""
        return self._questions.get(frozenset((first, second)))

    def why_not(self, other: Category, chosen: Category, hits: Sequence[RuleHit]) -> str:
        """One sentence on why ``other`` is not the answer, naming rules that pointed to it."""
        info = self.info[other]
        reason = info.why_not.get(chosen, "the evidence for it is weaker")
        sentence = f"Not {info.name}: {reason}."
        against = sorted({word for h in hits if h.category == other for word in h.matched})
        if against:
            words = ", ".join(f'"{w}"' for w in against)
            chosen_name = self.info[chosen].name
            sentence += f" {words} pointed that way, but the case for {chosen_name} is stronger."
        return sentence


def split_tasks(text: str, *, list_items: bool = False) -> list[str]:
    """Split a description into the tasks it strings together ("... and then ...").

    With ``list_items``, commas and colons separate pieces too. Pieces of fewer than two words
    ("write and illustrate a book") stay joined to the next, so one task is not torn apart.
    """
    pieces = _CONNECTORS.split(text)
    if list_items:
        pieces = [p for piece in pieces for p in _LIST_SEPARATORS.split(piece)]
    merged: list[str] = []
    carry = ""
    for piece in (p.strip(" .;,:") for p in pieces):
        if not piece:
            continue
        piece = f"{carry} and {piece}" if carry else piece
        if len(piece.split()) < MIN_PART_WORDS:
            carry = piece
            continue
        carry = ""
        merged.append(piece)
    if carry and merged:
        merged[-1] = f"{merged[-1]} and {carry}"
    return merged


def split_shared(text: str) -> tuple[list[str], bool]:
    """Split a task whose first words are offered side by side before what they share.

    "caption or classify images" gives ``["caption images", "classify images"]`` and True:
    the words were offered with "or", as alternatives. A task of another shape gives no
    pieces.
    """
    found = _SHARED.match(text.strip())
    if found is None:
        return [], False
    words = [w for w in _WORD_JOINS.split(found["words"]) if w]
    rest = found["rest"].rstrip(" .;,:!?")
    alternatives = re.search(r"\bor\b", found["words"], re.IGNORECASE) is not None
    return [f"{word} {rest}" for word in words], alternatives


def split_alternatives(text: str) -> list[str]:
    """Split a task into the alternatives it offers with "or" (one piece when it offers none).

    Pieces of fewer than two words stay joined, as in :func:`split_tasks`.
    """
    pieces = [p.strip(" .;,:") for p in _OR.split(text)]
    if any(len(p.split()) < MIN_PART_WORDS for p in pieces):
        return [text.strip()]
    return pieces


def _mentioning(knowledge: KnowledgeBase, mention: str) -> Passage:
    for passage in knowledge.passages:
        if passage.kind != "label" and mention.lower() in passage.text.lower():
            return passage
    raise _missing(knowledge, f"passage mentioning {mention!r} (a tool)")


def _missing(knowledge: KnowledgeBase, what: str) -> KnowledgeBaseError:
    return KnowledgeBaseError(str(knowledge.path), f"no {what}, which {SETTINGS_FILE} names")
