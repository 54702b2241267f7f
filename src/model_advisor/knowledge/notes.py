"""The notes as a knowledge base: passages that know their section and lines.

The notes are Markdown with YAML front matter (as in Docusaurus): headings make the section
path, and each paragraph and list item becomes a :class:`Passage`. Images, HTML wrappers and
admonition fences (``:::Info[...]`` ... ``:::``) are dropped, but the passages inside an
admonition are kept. A passage's ``text`` is its line(s) without Markdown markup, so a quote
can be found again in the file.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from .._text import STOP_WORDS, Analysis
from ..errors import KnowledgeBaseError
from .schema import SourceRef

MAX_NOTES_BYTES = 5_000_000
MIN_SHARED_WEIGHT = 5.0
"""The least summed squared idf of the words a passage shares with a task for it to be
cited as matching the task: a word common across the notes ("data") is not enough alone."""

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_HTML_LINE = re.compile(r"^\s*</?[A-Za-z][^>]*>\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_ADMONITION = re.compile(r"^\s*:::\s*(.*)$")
_MARKUP = re.compile(r"\*\*|__|`")


@dataclass(frozen=True, eq=False)  # one object per passage: compared and hashed by identity
class Passage:
    """A paragraph or list item of the notes, with where it stands."""

    section: tuple[str, ...]
    text: str
    start_line: int
    end_line: int
    kind: str  # "paragraph", "item" or "label" (a lead-in such as "They can:")
    parent: str | None = None
    stems: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def section_path(self) -> str:
        """The heading path, joined with ' > '."""
        return " > ".join(self.section)


class KnowledgeBase:
    """The passages of one notes file, in file order."""

    def __init__(self, path: Path, title: str, passages: list[Passage], sha256: str = "") -> None:
        self.path = path
        self.title = title
        self.passages = passages
        self.sha256 = sha256
        """The sha256 of the file's bytes ("" when not read from a file)."""
        # Rare words say more about a passage than common ones: weigh each stem by its idf.
        frequency = Counter(s for p in passages for s in p.stems)
        total = len(passages) + 1
        self._idf = {s: math.log(total / n) for s, n in frequency.items()}
        self._length = {
            p: math.sqrt(sum(self._idf[s] ** 2 for s in p.stems)) or 1.0 for p in passages
        }
        containing: dict[str, list[Passage]] = defaultdict(list)
        for passage in passages:
            for stem in passage.stems:
                containing[stem].append(passage)
        self._containing = dict(containing)  # stem -> passages; a lookup never adds a stem
        self.stems = frozenset(containing)
        """Every stem of the passages (content words only: no function words among them)."""

    @classmethod
    def from_markdown(cls, path: Path) -> KnowledgeBase:
        """Parse a Markdown notes file.

        Raises:
            KnowledgeBaseError: when the file is missing, too large or not UTF-8 text.
        """
        try:
            if path.stat().st_size > MAX_NOTES_BYTES:
                raise KnowledgeBaseError(str(path), f"larger than {MAX_NOTES_BYTES} bytes")
            raw = path.read_bytes()
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise KnowledgeBaseError(str(path), f"not UTF-8 text: {err.reason}") from err
        except OSError as err:
            raise KnowledgeBaseError(str(path), f"cannot read the notes: {err.strerror}") from err
        title, passages = _Parser(text.splitlines()).parse()
        return cls(path, title, passages, hashlib.sha256(raw).hexdigest())

    def select(self, ref: SourceRef) -> list[Passage]:
        """Return the citable passages that ``ref`` names, in file order."""
        wanted = tuple(part.strip().lower() for part in ref.section.split(">"))
        under = ref.under.strip().rstrip(":").lower() if ref.under else None
        contains = ref.contains.lower() if ref.contains else None
        return [
            p
            for p in self.passages
            if p.kind != "label"
            and tuple(s.lower() for s in p.section[-len(wanted) :]) == wanted
            and (under is None or (p.parent or "").rstrip(":").lower().startswith(under))
            and (contains is None or contains in p.text.lower())
        ]

    def rank(
        self, passages: Iterable[Passage], task_stems: Set[str]
    ) -> list[tuple[float, Passage]]:
        """Rank passages by the content words they share with the task, best first.

        Shared words count by their idf (rare words weigh more), and a passage's score is
        divided by its own length (the square root of its summed squared idf), so a short
        passage saying just the task beats a long one that mentions it in passing. Only
        passages whose shared words weigh at least ``MIN_SHARED_WEIGHT`` are returned (one
        word found in only a few passages, or two commoner ones); ties keep file order.
        """
        idf, containing = self._idf, self._containing
        candidates = {p for s in task_stems if s in containing for p in containing[s]}
        if not candidates:
            return []
        scored = []
        for passage in passages:
            if passage in candidates:
                shared = passage.stems & task_stems
                weight = sum(idf[s] ** 2 for s in shared)
                if weight >= MIN_SHARED_WEIGHT:
                    scored.append((weight / self._length[passage], passage))
        scored.sort(key=itemgetter(0), reverse=True)  # stable: ties stay in file order
        return scored


def content_stems(text: str | Analysis) -> frozenset[str]:
    """The stems of the words of ``text`` that are not function words."""
    return frozenset(s for s in Analysis.of(text).stems if s not in STOP_WORDS and len(s) > 1)


class _Parser:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.section: list[str] = []
        self.levels: list[int] = []
        self.passages: list[Passage] = []
        self.items: list[tuple[int, str]] = []  # open list items: (indent, text)

    def parse(self) -> tuple[str, list[Passage]]:
        start, title = self._front_matter()
        paragraph: list[tuple[int, str]] = []
        in_code = False
        for number, raw in enumerate(self.lines[start:], start=start + 1):
            if _FENCE.match(raw):
                in_code = not in_code
                continue
            line = _IMAGE.sub("", raw).rstrip()
            if in_code or _HTML_LINE.match(line) or _ADMONITION.match(line):
                self._flush(paragraph)
                continue
            if not line.strip():
                self._flush(paragraph)
                continue
            heading = _HEADING.match(line)
            item = _ITEM.match(line)
            if heading:
                self._flush(paragraph)
                self._enter(len(heading.group(1)), _clean(heading.group(2)))
                self.items = []
            elif item:
                self._flush(paragraph)
                self._item(number, len(item.group(1).expandtabs()), _clean(item.group(2)))
            elif self.items and raw[:1].isspace() and self.passages:
                self._continue_item(number, _clean(line))
            else:
                self.items = []
                paragraph.append((number, _clean(line)))
        self._flush(paragraph)
        return title, self.passages

    def _front_matter(self) -> tuple[int, str]:
        if not self.lines or self.lines[0].strip() != "---":
            return 0, ""
        title = ""
        for index, line in enumerate(self.lines[1:], start=1):
            if line.strip() == "---":
                return index + 1, title
            if line.startswith("title:"):
                title = line.partition(":")[2].strip().strip("\"'")
        return 0, ""  # unterminated: treat the whole file as body

    def _enter(self, level: int, title: str) -> None:
        while self.levels and self.levels[-1] >= level:
            self.levels.pop()
            self.section.pop()
        self.levels.append(level)
        self.section.append(title)

    def _add(self, text: str, first: int, last: int, kind: str, parent: str | None) -> None:
        if text:
            if text.endswith(":") or (kind == "paragraph" and _is_label(text)):
                kind = "label"
            self.passages.append(
                Passage(tuple(self.section), text, first, last, kind, parent, content_stems(text))
            )

    def _item(self, number: int, indent: int, text: str) -> None:
        while self.items and self.items[-1][0] >= indent:
            self.items.pop()
        parent = self.items[-1][1] if self.items else None
        self.items.append((indent, text))
        self._add(text, number, number, "item", parent)

    def _continue_item(self, number: int, text: str) -> None:
        last = self.passages[-1]
        joined = f"{last.text} {text}".strip()
        self.passages[-1] = Passage(
            last.section,
            joined,
            last.start_line,
            number,
            last.kind,
            last.parent,
            content_stems(joined),
        )
        self.items[-1] = (self.items[-1][0], joined)

    def _flush(self, paragraph: list[tuple[int, str]]) -> None:
        if paragraph:
            text = " ".join(t for _, t in paragraph if t)
            self._add(text, paragraph[0][0], paragraph[-1][0], "paragraph", None)
            paragraph.clear()


def _clean(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split())


def _is_label(text: str) -> bool:
    return text.endswith("?") and len(text.split()) <= 6
