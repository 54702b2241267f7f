"""Words of other languages read as the English words the glossary gives them.

A task written in another language meets English rules and a classifier that learned that
language from a few hundred examples only. Read through the knowledge's glossary
(:mod:`model_advisor.knowledge.glossary`), "clasifica los correos como spam" becomes
"classify los email como spam": the rule that classifies fires, and the classifier meets
words that thousands of examples taught it. The examples are read the same way when the
classifier is trained, so it learns what it will see. A language's words that negate or
contrast ("no", "sino") are read as the English cue words ("not", "but") only in a text whose
other words were read in that language: alone, "no" is English too.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence

from .._script import word_pattern
from .._text import words
from ..knowledge.glossary import (
    COMPOUND_LEAST,
    ENDING_LEAST,
    ENDING_LEAST_ALONE,
    GlossaryTables,
    Meaning,
    head,
    split_meaning,
)
from ..knowledge.schema import PREFIX_LEAST
from ..types import Correction


def glossed(corrections: Sequence[Correction]) -> bool:
    """Whether any of a task's ``corrections`` read a word through the glossary (the task is
    then calibrated with the glossary's temperature)."""
    return any(c.language for c in corrections)


WORDS_KEPT = 20_000
"""Words whose first letters begin a beginning, remembered with whether one reads them; when
full, it starts afresh."""


class Glossary:
    """Reads a task's words through a knowledge's glossary (see the module's docstring).

    Its tables are made from the model's parts at the first task read.
    """

    def __init__(self, tables: GlossaryTables) -> None:
        self._tables = tables
        self._active = bool(tables)
        self._unspaced: re.Pattern[str] | None = None  # made on the first such text
        self._seen: dict[str, bool] = {}  # see WORDS_KEPT

    def gloss(self, normalized: str, tokens: Sequence[str]) -> tuple[str, tuple[Correction, ...]]:
        """``normalized`` (a normalised text, split into ``tokens``) with the words the
        glossary knows replaced by their English words, and what was replaced."""
        if not self._active:
            return normalized, ()
        found: list[Correction] = []
        text = normalized
        if not text.isascii() and self._tables.unspaced:
            text = self._gloss_unspaced(text, found)
            if found:
                tokens = words(text)
        if not found and not self._may_read_any(tokens, text.isascii()):
            return normalized, ()
        unglossed, before = text, len(found)
        text, put_in = self._gloss_words(text, found)
        compounds = self._compounds(found)
        if compounds is not None and any(len(t) >= COMPOUND_LEAST for t in tokens):
            # read again, with the compounds of the languages found (only a long word may be one)
            del found[before:]
            text, put_in = self._gloss_words(unglossed, found, compounds)
        if found and self._tables.cues:
            text = self._gloss_cues(text, put_in, sorted({str(c.language) for c in found}), found)
            # a cue is put in with a space on each side (it may stand between characters of
            # an unspaced script): one space between words, as the rules' wordings expect
            text = _SPACES.sub(" ", text)
        return text, tuple(found)

    def _may_read_any(self, tokens: Sequence[str], ascii_only: bool) -> bool:
        """Whether the glossary may read any of ``tokens``. Most texts hold no form: that is
        found with set operations on their words and first letters, and a look at each pair
        whose first word begins a form of several and each word whose first letters begin a
        beginning; what that look found for a word is remembered, since most words come back."""
        tables = self._tables
        if not tables.words.keys().isdisjoint(tokens):
            return True
        heads = [t[:PREFIX_LEAST] for t in tokens] if ascii_only else [head(t) for t in tokens]
        firsts, phrase_heads = tables.first_words, tables.phrase_heads
        for at, (first, second) in enumerate(zip(tokens, heads[1:], strict=False)):
            if (
                first in firsts
                and f"{first} {second}" in phrase_heads
                and self._meaning_at(list(tokens[at : at + _LONGEST]))[1] is not None
            ):
                return True
        begun, compounding = tables.heads, bool(tables.compounding)
        clitic_starts = frozenset() if ascii_only else tables.clitic_starts
        if begun.isdisjoint(heads) and not compounding and not clitic_starts:
            return False
        seen = self._seen
        for token, first_letters in zip(tokens, heads, strict=True):
            if (
                first_letters in begun
                or (compounding and len(token) >= COMPOUND_LEAST)
                or token[:1] in clitic_starts
            ):
                verdict = seen.get(token)
                if verdict is None:
                    verdict = self._may_read(token)
                    if len(seen) >= WORDS_KEPT:
                        seen.clear()  # cheaper than evicting one by one; most words come back
                    seen[token] = verdict
                if verdict:
                    return True
        return False

    def _may_read(self, token: str) -> bool:
        """Whether a beginning, an ending as a compound's or a form after a clitic reads
        ``token`` as another word (a text with no other word read needs the longer ending to
        be read as compounds)."""
        return token not in self._tables.kept and self._tables.reads(token, ENDING_LEAST_ALONE)

    def _compounds(self, found: Sequence[Correction]) -> _Compounds | None:
        """The languages whose compounds a text is read for, and the least letters of their
        endings: those of the languages its words were read in, or, when none was, all (with
        longer endings); None when there are none."""
        compounding = self._tables.compounding
        languages = {str(c.language) for c in found}
        if not languages:
            return (compounding, ENDING_LEAST_ALONE) if compounding else None
        shared = compounding & languages
        return (frozenset(shared), ENDING_LEAST) if shared else None

    def _gloss_unspaced(self, text: str, found: list[Correction]) -> str:
        forms = self._tables.unspaced
        if self._unspaced is None:
            self._unspaced = _pattern(forms)

        def english(match: re.Match[str]) -> str:
            read_as, language = split_meaning(forms[match.group()])
            found.append(Correction(word=match.group(), read_as=read_as, language=language))
            return f" {read_as} "

        return self._unspaced.sub(english, text)

    def _gloss_words(
        self, text: str, found: list[Correction], compounds: _Compounds | None = None
    ) -> tuple[str, list[int]]:
        """``text`` with its words read through the glossary (and as ``compounds``, when
        given), and where each English word put in starts and ends in it (start, end, start,
        end...)."""
        matches = list(word_pattern(text).finditer(text))
        pieces: list[str] = []
        put_in: list[int] = []
        done = at = length = 0
        while at < len(matches):
            ahead = [m.group() for m in matches[at : at + _LONGEST]]
            span, meaning = self._meaning_at(ahead, compounds)
            if meaning is None:
                at += 1
                continue
            start, end = matches[at].start(), matches[at + span - 1].end()
            length += start - done
            put_in += [length, length + len(meaning[0])]
            length += len(meaning[0])
            pieces += [text[done:start], meaning[0]]
            found.append(Correction(word=text[start:end], read_as=meaning[0], language=meaning[1]))
            done = end
            at += span
        return "".join([*pieces, text[done:]]), put_in

    def _gloss_cues(
        self, text: str, put_in: list[int], languages: list[str], found: list[Correction]
    ) -> str:
        """``text`` with the cue words of ``languages`` (those its words were read in) read
        as English cue words: "no" as "not" only in a text read as Spanish. The English words
        the glossary put in at ``put_in`` (see :meth:`_gloss_words`) are left as they are: the
        "no" of "yes or no" is not a Spanish "no"."""
        tables = self._tables
        matches = list(word_pattern(text).finditer(text))
        tokens = [m.group() for m in matches]
        firsts = tables.cue_first_words
        pieces: list[str] = []
        done = at = 0
        while at < len(tokens):
            # an odd count of bounds before a word: it is inside an English word put in
            inside = bisect.bisect_right(put_in, matches[at].start()) % 2 == 1
            if inside or not any(f"{language} {tokens[at]}" in firsts for language in languages):
                at += 1
                continue
            for size in range(min(tables.cue_words_most, len(tokens) - at), 0, -1):
                start, end = matches[at].start(), matches[at + size - 1].end()
                read = self._cue(
                    " ".join(tokens[at : at + size]), text[start:end], languages, found
                )
                if read != text[start:end]:
                    pieces += [text[done:start], read]
                    done, at = end, at + size
                    break
            else:
                at += 1
        text = "".join([*pieces, text[done:]])
        unspaced = [f for language in languages for f in tables.unspaced_cues.get(language, ())]
        if unspaced and not text.isascii():  # Chinese and Japanese cues, never in English words
            pattern = _cue_pattern(tuple(unspaced))
            text = pattern.sub(lambda m: self._cue(m.group(), m.group(), languages, found), text)
        return text

    def _cue(self, form: str, written: str, languages: list[str], found: list[Correction]) -> str:
        """What the cue ``form`` (written so) is read as in one of ``languages``; else as
        written."""
        for language in languages:
            meaning = self._tables.cues.get(f"{language} {form}")
            if meaning is not None:
                read_as = split_meaning(meaning)[0]
                found.append(Correction(word=written, read_as=read_as, language=language))
                return f" {read_as} "
        return written

    def _meaning_at(
        self, ahead: list[str], compounds: _Compounds | None = None
    ) -> tuple[int, Meaning | None]:
        """How many of the words ``ahead`` a form reads, and as what: the longest form of
        several words first, then the word itself, then its beginning, then (when
        ``compounds`` are read) its ending as a compound's, last what follows a clitic."""
        tables = self._tables
        token = ahead[0]
        for parts, meaning in tables.phrases.get(token, ()):
            if _is_phrase(parts, ahead[: len(parts)]):
                return len(parts), split_meaning(meaning)
        one = tables.words.get(token)
        if one is not None:
            return 1, split_meaning(one)
        if token in tables.kept:
            return 1, None
        beginning = tables.beginning_of(token)
        compound = None if compounds is None else tables.compound_of(token, *compounds)
        # a beginning inside a compound's first part reads that part only ("afbeelding*" of
        # "afbeeldingsclassificatie"): the compound, read whole, is what the word says
        if compound is not None and (beginning is None or len(compound[0]) >= beginning[0]):
            first, (english, language) = compound
            return 1, (f"{self._first_part(first)} {english}", language)
        if beginning is not None and beginning[1][0] != token:
            return 1, beginning[1]
        return 1, tables.without_clitic(token)

    def _first_part(self, first: str) -> str:
        """The first part of a compound, read as an English word when the glossary knows it
        (perhaps without the "s" that joins it: German "Gesichts-"), else as written."""
        for part in (first, first[:-1]) if first.endswith("s") else (first,):
            _, meaning = self._meaning_at([part])
            if meaning is not None:
                return meaning[0]
        return first


_SPACES = re.compile(" {2,}")

_Compounds = tuple[frozenset[str], int]
"""The languages whose compounds a text is read for, and the least letters of their endings."""

_LONGEST = 8
"""The most words a form of several words is read across."""


def _pattern(forms: Iterable[str]) -> re.Pattern[str]:
    """One pattern that finds any of ``forms``, the longest first."""
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))))


_cue_pattern = functools.lru_cache(maxsize=64)(_pattern)
"""The pattern of the Chinese and Japanese cues of a set of languages, made once."""


def _is_phrase(parts: list[str], written: list[str]) -> bool:
    """Whether the words ``written`` are ``parts``, whose last may be a beginning ending in
    ``*``."""
    if len(written) != len(parts) or written[:-1] != parts[:-1]:
        return False
    last = parts[-1]
    return written[-1].startswith(last[:-1]) if last.endswith("*") else written[-1] == last
