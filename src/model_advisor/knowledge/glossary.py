"""A knowledge directory's glossary compiled: the forms of other languages and the English
words they are read as.

The rules and the reading know English, and the classifier learns another language only from
the few hundred examples written in it. The glossary (``glossary/<language>.yaml``,
:class:`~.schema.GlossaryFile`) carries the English knowledge over: "clasificar" is read as
"classify", so the rules that classify fire and the classifier meets a word that thousands of
examples taught it (:mod:`model_advisor.engine.glossing` reads a task through it).

A form that is itself an English word is dropped ("red" is Spanish for network), and so is one
of English words alone ("ai agent"); English words that begin with a form ending in ``*`` are
kept as written. English text reads as it did. A form written with accents is also read
without them ("prediccion"), when it is long enough not to be another language's word.

The model file holds the tables as lines of text (:meth:`GlossaryTables.parts`), checked for
their shape when the model is read and turned into lookup tables at the first task read (21
languages hold about 33,000 forms: building every table at load would cost each start).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property

from .._collector import collector_paused
from .._text import words as words_of
from .modelfile import Part, words_part
from .schema import DENSE_PREFIX_LEAST, PREFIX_LEAST, GlossaryFile, is_dense

FOLDED_LEAST = 5
"""Letters a form must have to be read without its accents too: shorter ones, unaccented,
are often words of other languages ("học", Vietnamese for learn, is the "hoc" of "ad hoc")."""
Meaning = tuple[str, str]
"""The English word a form is read as, and the language of the form."""
KINDS = ("words", "beginnings", "phrases", "unspaced")
"""The kinds of forms: one word; a beginning of words (``klassifizier*``); several words, the
last perhaps a beginning; Chinese or Japanese characters, found anywhere in a text."""
_WIDTH = {
    "words": 2,
    "beginnings": 3,
    "phrases": 4,
    "unspaced": 2,
    "cues": 2,
    "kept": 1,
    "compounding": 1,
    "clitics": 1,
}
"""The parts of the glossary, and how many columns each has: forms and meanings, the
beginnings' first letters, the phrases' first words with the first letters of their second
(:attr:`GlossaryTables.phrase_heads`) and their first words; the languages that join
words into one; the clitics, each as "language clitic"."""
COMPOUND_LEAST = 8
"""Letters a word must have to be read as a compound: a first part and a known ending."""
FIRST_PART_LEAST = 3
"""Letters the first part of a compound has at least ("tal" of Swedish "taligenkänning")."""
ENDING_LEAST = 5
"""Letters the known ending of a compound has at least, in a text with other words of its
language ("betyg" of "riskbetyg")."""
ENDING_LEAST_ALONE = 7
"""... and in a text with no other word read: alone, a shorter ending is too often the chance
end of a name or of jargon ("exoplanet" ends in the Swedish "lanet")."""
CLITIC_REST = 3
"""Letters a word must keep after a clitic to be read without it
(:meth:`GlossaryTables.without_clitic`)."""
_COLUMNS = "\x1e"  # between the forms and their meanings (and the beginnings' heads) in a part


def head(word: str) -> str:
    """The first letters of ``word`` that every beginning it may start with holds: as many as
    the shortest beginning has (fewer in Chinese, Japanese and Korean)."""
    return word[
        : DENSE_PREFIX_LEAST if word[:1] >= "\u1100" and is_dense(word[:1]) else PREFIX_LEAST
    ]


def is_unspaced(form: str) -> bool:
    """Whether ``form`` is Chinese or Japanese (found inside text, not as a word): Korean,
    though dense, is written with spaces."""
    return all(
        is_dense(c) and not ("\u1100" <= c <= "\u11ff" or "\uac00" <= c <= "\ud7af") for c in form
    )


def fold(text: str) -> str:
    """``text`` with the accents of its Latin letters taken off ("predicción" → "prediccion")."""
    if text.isascii():
        return text
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _foreign(form: str, is_english: Callable[[str], bool]) -> bool:
    """Whether ``form`` may be read as an English word: not an English word, nor English
    words alone ("ai agent"), nor a word with digits ("3b" is a model's size in English). A
    beginning may be English: the English words it would take are kept as written."""
    parts = form.rstrip("*").split(" ")
    if not parts[0]:
        return False
    if len(parts) > 1:
        return not all(is_english(p) or not p.isalpha() for p in parts)
    return form.endswith("*") or (not any(c.isdigit() for c in form) and not is_english(form))


def _kind(form: str) -> str:
    if is_unspaced(form.replace(" ", "")):
        return "unspaced"
    if " " in form:
        return "phrases"
    return "beginnings" if form.endswith("*") else "words"


@dataclass(frozen=True)
class GlossaryTables:
    """A glossary ready to read tasks with (see the module's docstring): its
    :meth:`parts`, and lookup tables made from them when first asked for."""

    columns: Mapping[str, str] = field(default_factory=dict)
    """Each kind of :data:`KINDS`, and the cues: its forms, sorted, then their meanings
    ("language English word"), each column tab-separated, then any further columns
    (:data:`_WIDTH`); and ``kept``, the English words read as written."""

    @classmethod
    def empty(cls) -> GlossaryTables:
        """A glossary that reads every word as written."""
        return cls()

    def __bool__(self) -> bool:
        return any(self.columns.get(kind) for kind in KINDS)

    @classmethod
    def compile(
        cls,
        files: Sequence[GlossaryFile],
        is_english: Callable[[str], bool],
        english_words: Iterable[str] = (),
    ) -> GlossaryTables:
        """Compile ``files`` (the first language, by code, wins a form two share).

        ``is_english`` tells an English word (such a form is dropped); ``english_words`` are
        those that a form ending in ``*`` must not take.
        """
        found = _forms_by_kind(files, is_english)
        beginnings = {form[:-1]: meaning for form, meaning in found["beginnings"].items()}
        pairs = [form.split(" ", 2)[:2] for form in found["phrases"]]
        columns = {
            "words": _column(found["words"]),
            "beginnings": _column(beginnings, sorted({head(b) for b in beginnings})),
            "phrases": _column(
                found["phrases"],
                sorted({f"{first} {head(second.rstrip('*'))}" for first, second in pairs}),
                sorted({first for first, _ in pairs}),
            ),
            "unspaced": _column(found["unspaced"]),
            "cues": _column(_cue_forms(files)),
        }
        columns["compounding"] = "\t".join(sorted(f.language for f in files if f.compounds))
        columns["clitics"] = "\t".join(
            sorted({f"{f.language} {c}" for f in files for c in f.clitics})
        )
        compiled = cls({**columns, "kept": ""})
        kept = sorted(w for w in set(english_words) if compiled.reads(w, ENDING_LEAST))
        return cls({**columns, "kept": words_part(kept).decode()})

    def reads(self, word: str, least: int) -> bool:
        """Whether a beginning, an ending of ``least`` letters or more as a compound's, or a
        form after a clitic would read ``word`` as another word (the :attr:`kept` words
        aside)."""
        if (meaning := self.prefix_of(word)) is not None and meaning[0] != word:
            return True
        if self.without_clitic(word) is not None:
            return True
        return self.compound_of(word, self.compounding, least) is not None

    def parts(self) -> dict[str, bytes]:
        """The model file's parts of the glossary, by name."""
        return {f"glossary.{name}": self.columns.get(name, "").encode() for name in _WIDTH}

    @classmethod
    def from_parts(cls, parts: Mapping[str, Part]) -> GlossaryTables:
        """The tables of a model file's :meth:`parts`, checked for their shape (their lookup
        tables are made when first needed).

        Raises:
            KeyError: a part is missing.
            ValueError: a part is not UTF-8, or not as many forms as meanings.
        """
        columns = {}
        for name, width in _WIDTH.items():
            text = str(parts[f"glossary.{name}"], "utf-8")
            found = text.split(_COLUMNS) if text else [""] * width
            if len(found) != width or (width > 1 and found[0].count("\t") != found[1].count("\t")):
                raise ValueError(f"the glossary's {name} part is not a table of {width} columns")
            columns[name] = text
        return cls(columns)

    # --- lookup tables, made at the first task read ------------------------------------

    def _table(self, kind: str) -> dict[str, str]:
        text = self.columns.get(kind, "")
        if not text:
            return {}
        forms, meanings = text.split(_COLUMNS)[:2]
        with collector_paused():  # thousands of strings, none in a cycle
            return dict(zip(forms.split("\t"), meanings.split("\t"), strict=True))

    @cached_property
    def words(self) -> dict[str, str]:
        """The one-word forms and their meanings ("language English word")."""
        return self._table("words")

    @cached_property
    def beginnings(self) -> dict[str, str]:
        """The beginnings (forms ending in ``*``, without it) and their meanings."""
        return self._table("beginnings")

    @cached_property
    def heads(self) -> frozenset[str]:
        """The first letters (:func:`head`) the beginnings begin with: a word whose own are
        not among them begins with none."""
        return self._extra("beginnings", 2)

    @cached_property
    def _lengths(self) -> list[int]:
        return sorted(set(map(len, self.beginnings)), reverse=True)

    @cached_property
    def phrases(self) -> dict[str, list[tuple[list[str], str]]]:
        """The forms of several words, as their words, and their meanings, by first word,
        the longest first."""
        by_first: dict[str, list[tuple[list[str], str]]] = {}
        for form, meaning in sorted(self._table("phrases").items(), key=lambda p: -len(p[0])):
            parts = form.split(" ")
            by_first.setdefault(parts[0], []).append((parts, meaning))
        return by_first

    @cached_property
    def phrase_heads(self) -> frozenset[str]:
        """Each form of several words as its first word and the first letters of its second
        (:func:`head`): a text holds such a form only if it holds such a pair."""
        return self._extra("phrases", 2)

    @cached_property
    def first_words(self) -> frozenset[str]:
        """The first words of the forms of several words."""
        return self._extra("phrases", 3)

    def _extra(self, kind: str, column: int) -> frozenset[str]:
        """A column of a part beyond its forms and meanings, as a set."""
        text = self.columns.get(kind, "")
        return frozenset(text.split(_COLUMNS)[column].split("\t")) if text else frozenset()

    @cached_property
    def unspaced(self) -> dict[str, str]:
        """The Chinese and Japanese forms and their meanings."""
        return self._table("unspaced")

    @cached_property
    def kept(self) -> frozenset[str]:
        """English words that a beginning, or an ending as a compound's, would take: read as
        written."""
        text = self.columns.get("kept", "")
        return frozenset(text.split("\t")) if text else frozenset()

    @cached_property
    def cues(self) -> dict[str, str]:
        """The cue words, each as "language form", and their meanings."""
        return self._table("cues")

    @cached_property
    def unspaced_cues(self) -> dict[str, list[str]]:
        """The Chinese and Japanese cues (as "language form"), by language, the longest
        first."""
        by_language: dict[str, list[str]] = {}
        for key in sorted(self.cues, key=lambda k: (-len(k), k)):
            language, form = key.split(" ", 1)
            if is_unspaced(form):
                by_language.setdefault(language, []).append(form)
        return by_language

    @cached_property
    def cue_first_words(self) -> frozenset[str]:
        """The first word of each cue, as "language word"."""
        return frozenset(" ".join(key.split(" ", 2)[:2]) for key in self.cues)

    @cached_property
    def cue_words_most(self) -> int:
        """The most words a cue has."""
        return max((key.count(" ") for key in self.cues), default=0)

    @cached_property
    def compounding(self) -> frozenset[str]:
        """The languages that join words into one (:attr:`.schema.GlossaryFile.compounds`)."""
        text = self.columns.get("compounding", "")
        return frozenset(text.split("\t")) if text else frozenset()

    @cached_property
    def _ending_starts(self) -> frozenset[str]:
        """The first letters (:data:`ENDING_LEAST`) of the forms of the compounding
        languages that may end a compound."""
        languages = self.compounding
        return frozenset(
            form[:ENDING_LEAST]
            for table in (self.words, self.beginnings)
            for form, meaning in table.items()
            if len(form) >= ENDING_LEAST and split_meaning(meaning)[1] in languages
        )

    def compound_of(
        self, word: str, languages: AbstractSet[str], least: int
    ) -> tuple[str, Meaning] | None:
        """``word`` as a compound of one of ``languages``: its first part, and what the
        longest known ending reads as ("gesichts", "recognize" for "gesichtserkennung"). The
        ending is a form of ``least`` letters or more, or begins with one ending in ``*``.
        None for a shorter word, or one of other than letters."""
        if len(word) < COMPOUND_LEAST or not word.isalpha():
            return None
        forms, starts = self.words, self._ending_starts
        for at in range(FIRST_PART_LEAST, len(word) - least + 1):
            if word[at : at + ENDING_LEAST] not in starts:
                continue  # no form of a compounding language begins so: most places
            ending = word[at:]
            form = forms.get(ending)
            if form is not None:
                meaning = split_meaning(form)
            elif (begun := self.beginning_of(ending)) is not None and begun[0] >= least:
                meaning = begun[1]
            else:
                continue
            if meaning[1] in languages:
                return word[:at], meaning
        return None

    @cached_property
    def clitics(self) -> list[tuple[str, str]]:
        """The clitics and their languages, the longest first."""
        text = self.columns.get("clitics", "")
        pairs = []
        for entry in text.split("\t") if text else ():
            language, clitic = entry.split(" ", 1)
            pairs.append((clitic, language))
        return sorted(pairs, key=lambda pair: (-len(pair[0]), pair))

    @cached_property
    def clitic_starts(self) -> frozenset[str]:
        """The first letters of the clitics."""
        return frozenset(clitic[0] for clitic, _ in self.clitics)

    def without_clitic(self, word: str) -> Meaning | None:
        """What ``word`` reads as without a clitic at its front: the longest clitic that
        leaves a word or a beginning of its own language, and ``CLITIC_REST`` letters or
        more; None when none does."""
        if word[:1] not in self.clitic_starts:
            return None
        for clitic, language in self.clitics:
            if len(word) - len(clitic) < CLITIC_REST or not word.startswith(clitic):
                continue
            rest = word[len(clitic) :]
            form = self.words.get(rest)
            meaning = split_meaning(form) if form is not None else self.prefix_of(rest)
            if meaning is not None and meaning[1] == language:
                return meaning
        return None

    def prefix_of(self, word: str) -> Meaning | None:
        """What a form ending in ``*`` reads ``word`` as, if any (the longest such form wins)."""
        found = self.beginning_of(word)
        return None if found is None else found[1]

    def beginning_of(self, word: str) -> tuple[int, Meaning] | None:
        """The letters of the longest form ending in ``*`` that ``word`` begins with, and
        what it reads the word as; None when none."""
        if head(word) not in self.heads:
            return None
        beginnings, size = self.beginnings, len(word)
        for length in self._lengths:
            if length <= size and (meaning := beginnings.get(word[:length])) is not None:
                return length, split_meaning(meaning)
        return None


def split_meaning(meaning: str) -> Meaning:
    """The English word and the language of a table's meaning ("es classify")."""
    language, _, english = meaning.partition(" ")
    return english, language


def _written(form: str) -> list[str]:
    """The ways ``form`` is matched: as its words, and without accents when long enough."""
    form = " ".join(words_of(form)) + ("*" if form.endswith("*") else "")
    folded = fold(form)
    return list(
        dict.fromkeys([form, folded] if len(folded.rstrip("*")) >= FOLDED_LEAST else [form])
    )


def _forms_by_kind(
    files: Sequence[GlossaryFile], is_english: Callable[[str], bool]
) -> dict[str, dict[str, Meaning]]:
    """The forms of ``files`` that may be read, by kind, with their meanings."""
    found: dict[str, dict[str, Meaning]] = {kind: {} for kind in KINDS}
    for file in sorted(files, key=lambda f: f.language):
        for english, forms in file.words.items():
            for form in forms:
                for written in _written(form):
                    if written != english and _foreign(written, is_english):
                        kind = _kind(written)
                        key = written.replace(" ", "") if kind == "unspaced" else written
                        found[kind].setdefault(key, (english, file.language))
    return found


def _cue_forms(files: Sequence[GlossaryFile]) -> dict[str, Meaning]:
    """The cue words of ``files``, each as "language form", with their meanings."""
    cues: dict[str, Meaning] = {}
    for file in files:
        for english, forms in file.cues.items():
            for form in forms:
                joined = form.replace(" ", "")
                written = joined if is_unspaced(joined) else " ".join(words_of(form))
                cues.setdefault(f"{file.language} {written}", (english, file.language))
    return cues


def _column(table: Mapping[str, Meaning], *more: Sequence[str]) -> str:
    """The forms of ``table``, sorted, then their meanings ("language English word"), then
    the columns ``more``."""
    if not table:
        return ""
    forms = sorted(table)
    meanings = [f"{table[f][1]} {table[f][0]}" for f in forms]
    return _COLUMNS.join(words_part(c).decode() for c in (forms, meanings, *more))
