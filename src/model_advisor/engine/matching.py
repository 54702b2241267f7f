"""Matching rules and cue words against a task text, fast.

:class:`ConditionIndex` matches many conditions at once; :class:`RuleEngine` turns matched
conditions into rule hits, and :class:`CueMatcher` into kinds of task and modalities. They
run on the tables that :mod:`model_advisor.knowledge.compiled` makes, which are the same
whether the rules were just compiled or read from a model file.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import Any, NamedTuple

import re2

from .._reading import alternatives
from .._text import Analysis, normalize, stem
from ..knowledge.compiled import FUZZY_MIN_LENGTH, ConditionTables, CueTables, RuleTables
from ..knowledge.glossary import GlossaryTables
from ..knowledge.loader import CompiledRules
from ..knowledge.schema import Condition, Rule, regex_options
from ..types import Category, RuleHit
from .glossing import Glossary
from .spelling import Speller

_NEAR_CACHE_SIZE = 20_000  # unknown long words and the keywords near them; cleared when full
SUBORDINATE_WEIGHT = 0.5
"""A rule matched only inside a subordinate clause ("reviews that a bot *wrote*") counts
with this share of its weight: the clause describes what is acted on, not the request.
Several such rules of one category count together for this share of what they would count
in full (see :func:`_minor_weights`), so a clause full of cue words cannot outvote the
request."""


class ConditionIndex:
    """Matches many conditions against a text in one pass over its words and one RE2 match.

    Keywords and one-word phrases are looked up by stem in a dict, longer phrases are indexed
    by their first stem, and all regexes run together (:class:`_Patterns`: one RE2 set, then
    RE2's filter), so the cost grows with the length of the text, not with the number of
    conditions.

    With ``fuzzy``, a word of seven letters or more that is neither a keyword nor one of
    ``known_words`` also matches a keyword one edit away (a letter missing, extra, changed, or
    two neighbours swapped): "sentimnt" finds "sentiment". Both sides are expanded to their
    one-letter deletions and compared in a dict (the symmetric-delete method), so the cost
    is a few lookups per unknown word.
    """

    def __init__(
        self,
        tables: ConditionTables,
        *,
        fuzzy: bool = False,
        known_words: frozenset[str] = frozenset(),
    ) -> None:
        self._fuzzy = fuzzy
        self._known_words = known_words
        self._stems = tables.stems
        self._keywords = tables.keywords  # long keywords, as written
        # phrases by their first two stems ("customer servic"), so common first words are cheap
        self._phrases = tables.phrases
        self._patterns = tables.patterns
        self._variants: dict[str, list[str]] | None = None  # built on the first unknown word
        # by length: the beginnings and the endings of the long keywords of that length
        self._ends: list[tuple[frozenset[str], frozenset[str]]] = []
        self._near: dict[str, list[int]] = {}  # unknown word -> keys of keywords near it
        # the stems that start some phrase: most words start none and skip the phrase lookup
        self._firsts = frozenset(pair.split(" ")[0] for pair in self._phrases)
        # a pattern several conditions share (an output frame of many rules) runs once
        shared: dict[str, list[int]] = {}
        for pattern, key in self._patterns:
            shared.setdefault(pattern, []).append(key)
        self._pattern_keys = list(shared.values())
        self._regexes = _Patterns(list(shared))

    @classmethod
    def of(cls, conditions: Sequence[Condition], *, fuzzy: bool = False) -> ConditionIndex:
        """An index of ``conditions`` (compiled now)."""
        return cls(ConditionTables.compile(conditions), fuzzy=fuzzy)

    def found(self, text: str | Analysis, *, matched_text: bool = True) -> dict[int, str]:
        """Map the index of each condition that matches ``text`` to the text it matched.

        Without ``matched_text``, a regex condition maps to "" (finding the text a pattern
        matched costs a second search, which a caller that only needs the keys can skip).
        Negated words (:mod:`model_advisor._reading`) match nothing.
        """
        analysis = Analysis.of(text)
        return self._found(analysis, matched_text, analysis.reading.negated)

    def read(
        self, text: str | Analysis, *, matched_text: bool = True
    ) -> tuple[dict[int, str], frozenset[int]]:
        """:meth:`found`, and the conditions found only in subordinate words."""
        analysis = Analysis.of(text)
        reading = analysis.reading
        if not reading.scopes:
            return self._found(analysis, matched_text, frozenset()), frozenset()
        found = self._found(analysis, matched_text, reading.negated)
        subordinate = reading.subordinate
        if not subordinate:
            return found, frozenset()
        main = self._found(analysis, False, reading.negated | subordinate)
        return found, frozenset(k for k in found if k not in main)

    def _found(
        self, analysis: Analysis, matched_text: bool, skipped: frozenset[int]
    ) -> dict[int, str]:
        normalized, tokens, stems = analysis.normalized, analysis.tokens, analysis.stems
        found: dict[int, str] = {}
        last = len(stems) - 1
        firsts, keywords, fuzzy = self._firsts, self._stems.get, self._fuzzy
        for i, token_stem in enumerate(stems):
            if skipped and i in skipped:
                continue
            keys = keywords(token_stem)
            if keys is None and fuzzy and len(tokens[i]) >= FUZZY_MIN_LENGTH:
                keys = self._near_keywords(tokens[i])
            if keys:
                for key in keys:
                    if key not in found:
                        found[key] = tokens[i]
            if i < last and token_stem in firsts:
                for sequence, key in self._phrases.get(f"{token_stem} {stems[i + 1]}", ()):
                    if tuple(stems[i : i + len(sequence)]) == sequence:
                        found.setdefault(key, " ".join(tokens[i : i + len(sequence)]))
        if self._patterns:
            # a pattern counts where one of its matches starts on a word that is not skipped
            outside = (lambda at: not _starts_in(analysis, at, skipped)) if skipped else None
            for index in self._matched_patterns(normalized):
                keys = self._pattern_keys[index]
                if not matched_text and not skipped:
                    for key in keys:
                        found.setdefault(key, "")
                    continue
                hit = self._regexes.search(index, normalized, outside)
                if hit is not None:
                    text = hit.group(0)
                    for key in keys:
                        found.setdefault(key, text)
        return found

    def found_outside(self, analysis: Analysis, skipped: frozenset[int]) -> dict[int, str]:
        """:meth:`found`, without the words of ``skipped`` (tokens), and without their text."""
        return self._found(analysis, False, skipped)

    def _matched_patterns(self, normalized: str) -> list[int]:
        """The numbers of the patterns that match ``normalized``, in order."""
        return self._regexes.match(normalized)

    @property
    def stems(self) -> Mapping[str, list[int]]:
        """The indexed keyword stems (read-only view)."""
        return self._stems

    def _near_keywords(self, token: str) -> list[int]:
        """The keys of keywords one edit away from a long, unknown ``token`` (remembered)."""
        if self._variants is None:
            self._index_variants()
        # One edit leaves the first half of a word this long, or its last half, as it was
        # (less a letter, for a swap): most unknown words share neither with a keyword.
        half = (len(token) - 1) // 2
        starts, ends = self._ends[min(half, len(self._ends) - 1)]
        if token[:half] not in starts and token[-half:] not in ends:
            return []
        keys = self._near.get(token)
        if keys is None:
            keys = self._find_near(token)
            if len(self._near) >= _NEAR_CACHE_SIZE:
                self._near.clear()
            self._near[token] = keys
        return keys

    def _index_variants(self) -> None:
        """Index the long keywords by themselves and their one-letter deletions, and by their
        beginnings and endings of each length."""
        variants: dict[str, list[str]] = defaultdict(list)
        for keyword in self._keywords:
            for variant in (keyword, *_deletions(keyword)):
                variants[variant].append(keyword)
        longest = max(map(len, self._keywords), default=FUZZY_MIN_LENGTH)
        self._ends = [
            (
                frozenset(k[:half] for k in self._keywords),
                frozenset(k[-half:] for k in self._keywords),
            )
            for half in range(longest)
        ]
        self._variants = variants  # last: another thread takes it as the sign all is built

    def _find_near(self, token: str) -> list[int]:
        if len(token) < FUZZY_MIN_LENGTH or token in self._known_words or not self._variants:
            return []
        # A dropped letter ("sentimnt" for "sentiment") is the commonest slip: when the token
        # is a keyword less one letter, that keyword wins over ones a changed letter reaches
        # ("sentient").
        near = set(self._variants.get(token, ()))
        if not near:
            near = {k for v in _deletions(token) for k in self._variants.get(v, ())}
        return [key for keyword in sorted(near) for key in self._keywords[keyword]]


class _Patterns:
    """Many RE2 patterns run against a text at once: which match, and where one does.

    At first they run as one RE2 set, quick to build (a cold ``advise`` builds it). After
    ``FILTER_AFTER`` texts (a batch, a server) they run through RE2's filter instead, which
    costs about 50 ms to build but is faster on text of new words: it first looks for the
    literal words each pattern needs, then runs only the patterns those words allow, each with
    a small automaton of its own. One set of the shipped rules' 164 patterns builds states for
    combinations of where every pattern is in the text, new ones on nearly every real text:
    33 us a task on package summaries, against 7 us for the filter, whose automata grew by
    5 MB in all over 200,000 texts (the distinct and summaries corpora of
    ``benchmarks/batch_throughput.py``). Both find the same patterns (``tests/test_rules.py``).

    Raises:
        ValueError: when a pattern does not compile.
    """

    def __init__(self, patterns: list[str]) -> None:
        self._patterns = patterns
        self._texts = 0
        self._filter: Any = None
        self._building = threading.Lock()
        self._set = re2.Set.SearchSet(_pattern_options(SET_MEMORY))
        try:
            for pattern in patterns:
                self._set.Add(pattern)
            if patterns:
                self._set.Compile()
        except re2.error as err:
            raise ValueError(f"a pattern does not compile: {err}") from err
        self._compiled: dict[int, Any] = {}  # each pattern alone, when its text is asked for

    def match(self, text: str) -> list[int]:
        """The numbers of the patterns that match ``text``, in order."""
        built = self._filter
        if built is not None:
            return sorted(built.Match(text) or ())
        self._texts += 1
        # one thread builds it (the lock is never released); the others use the set meanwhile
        if self._texts >= FILTER_AFTER and self._building.acquire(blocking=False):
            built = re2.Filter()
            for pattern in self._patterns:
                built.Add(pattern, _pattern_options(PATTERN_MEMORY))
            built.Compile()
            self._filter = built  # only once compiled: other threads may be matching
        return sorted(self._set.Match(text) or ()) if self._patterns else []

    def search(self, number: int, text: str, where: Callable[[int], bool] | None = None) -> Any:
        """Pattern ``number``'s first match in ``text`` (an RE2 match object), or None; with
        ``where``, its first match whose start position ``where`` accepts."""
        compiled = self._compiled.get(number)
        if compiled is None:
            options = _pattern_options(PATTERN_MEMORY)
            compiled = self._compiled[number] = re2.compile(self._patterns[number], options)
        if where is None:
            return compiled.search(text)
        return next((hit for hit in compiled.finditer(text) if where(hit.start())), None)


FILTER_AFTER = 1000
"""After this many texts an index's patterns run through RE2's filter (see :class:`_Patterns`)."""
SET_MEMORY = 32 << 20
"""The memory RE2 may give the one set's automaton. Its default (8 MB) makes the automaton of
the shipped rules rebuild itself again and again on text of mostly new words (44 us a task,
against 3 us on repeated words)."""
PATTERN_MEMORY = 4 << 20
"""The memory RE2 may give each pattern's automaton in the filter (its default is 8 MB)."""


def _pattern_options(memory: int) -> re2.Options:
    options = regex_options()
    options.max_mem = memory
    return options


_LEAST_MISSING = 1e-9  # a weight of 1 would make the strength's logarithm infinite


def _minor_weights(rules: Sequence[tuple[str, float]], minor: Sequence[bool]) -> list[float]:
    """The weights of rules (category, weight) that fired, those matched only in subordinate
    words (``minor``) scaled down.

    The minor rules of one category together count for ``SUBORDINATE_WEIGHT`` of their
    noisy-or strength in full: each weight ``w`` becomes ``1 - (1 - w) ** k``, with ``k``
    such that their noisy-or is that share. One minor rule alone gets exactly
    ``SUBORDINATE_WEIGHT`` of its weight; several no longer add up to more than their
    clause is worth.
    """
    kept: dict[str, float] = {}  # per category: the product of (1 - w) over its minor rules
    for (category, weight), is_minor in zip(rules, minor, strict=True):
        if is_minor:
            kept[category] = kept.get(category, 1.0) * max(1.0 - weight, _LEAST_MISSING)
    powers = {}
    for category, missing in kept.items():
        target = SUBORDINATE_WEIGHT * (1.0 - missing)  # the share of their strength in full
        powers[category] = math.log1p(-target) / math.log(missing) if missing < 1.0 else 1.0
    return [
        round(1.0 - max(1.0 - w, _LEAST_MISSING) ** powers[c], 6) if is_minor else w
        for (c, w), is_minor in zip(rules, minor, strict=True)
    ]


def _starts_in(analysis: Analysis, position: int, tokens: frozenset[int]) -> bool:
    """Whether the text at ``position`` lies in one of ``tokens`` (by character span)."""
    spans = analysis.reading.spans
    return any(spans[t][0] <= position < spans[t][1] for t in tokens)


def _kept_stems(stems: list[str], unseen: frozenset[int]) -> list[str]:
    """``stems`` without those at the positions of ``unseen``; a phrase does not run across a
    gap (a stem that is left out breaks the phrase it stood in)."""
    if not unseen:
        return stems
    return [s if i not in unseen else "\0" for i, s in enumerate(stems)]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Hit(NamedTuple):
    """A rule that fired, in brief: enough for :func:`~model_advisor.decision.combine`."""

    rule_id: str
    category: Category
    weight: float


class _Checks(NamedTuple):
    """What decides whether a candidate rule fires, as sets to test in one call each."""

    any_keys: frozenset[int]  # its `any` conditions (one must match, when it has `all` ones)
    all_keys: frozenset[int]  # its `all` conditions (each must match)
    veto_keys: frozenset[int]  # its veto patterns
    veto_stems: frozenset[str]  # its veto keywords, stemmed
    veto_pairs: frozenset[str]  # the first two stems of each veto phrase
    veto_phrases: tuple[str, ...]  # its veto phrases, stemmed, padded with a space each side


class RuleEngine:
    """Finds the rules that fire on a text, matching all their conditions at once.

    The `any` and `all` conditions of every rule go into one :class:`ConditionIndex`, which
    finds the candidate rules; a candidate's `none` conditions (vetoes) are then checked
    against the text's set of stems. Vetoes never enter the index, because common words are
    vetoes of many rules ("predict" vetoes a hundred generative rules) and would make every
    lookup long. Like the other conditions, vetoes do not see negated words, nor words that
    only set the scene (background): "spot cracked tiles, because we want to write a guide
    later" asks for spotting, and its "write" does not veto the rules that spotting fires.
    Misspelt keywords are matched too (see :class:`ConditionIndex`), except in vetoes;
    ``known_words`` are real words of the knowledge, never taken for typos. Before anything
    reads a task (:func:`.pipeline.read_as_meant`), the :attr:`speller` reads its misspelt
    words as the ``common`` words of the knowledge they were meant to be, and the
    :attr:`glossary` its words of other languages as English words.
    """

    def __init__(
        self,
        tables: RuleTables,
        known_words: frozenset[str] = frozenset(),
        common: Sequence[str] = (),
        glossary: GlossaryTables | None = None,
    ) -> None:
        self.speller = Speller(known_words, common)
        self.glossary = Glossary(glossary or GlossaryTables.empty())
        self._rules = tables.rules
        self._groups = tables.groups
        self._by_condition = tables.by_condition
        self._index = ConditionIndex(tables.index, fuzzy=True, known_words=known_words)
        self._checks = [
            _Checks(
                frozenset(any_keys),
                frozenset(all_keys),
                frozenset(veto_keys),
                stems,
                frozenset(" ".join(p.split(" ")[:2]) for p in phrases),
                tuple(f" {p} " for p in phrases),
            )
            for (any_keys, all_keys), veto_keys, stems, phrases in zip(
                tables.groups,
                tables.veto_keys,
                tables.veto_stems,
                tables.veto_phrases,
                strict=True,
            )
        ]
        self._hits = [
            Hit(rule_id, category, weight) for rule_id, category, weight, _ in self._rules
        ]
        by_id = sorted(range(len(self._rules)), key=lambda i: self._rules[i][0])
        self._rank = [0] * len(by_id)  # each rule's place in id order
        for place, index in enumerate(by_id):
            self._rank[index] = place

    @classmethod
    def from_compiled(cls, compiled: CompiledRules) -> RuleEngine:
        """The rule engine of a knowledge directory compiled without a model."""
        return cls(compiled.rules, compiled.known_words, compiled.common, compiled.glossary)

    @classmethod
    def from_rules(
        cls, rules: Sequence[Rule], known_words: frozenset[str] = frozenset()
    ) -> RuleEngine:
        """An engine of ``rules`` compiled now (the advisor's comes from its knowledge)."""
        return cls(RuleTables.compile(rules), known_words)

    def match(self, text: str | Analysis) -> list[RuleHit]:
        """Return the rules that fire on ``text``, with the words they matched, sorted by id."""
        analysis = Analysis.of(text)
        found, subordinate = self._index.read(analysis)
        fired = self._fired(analysis, found)
        minor = [bool(subordinate) and self._only_in(i, found, subordinate) for i in fired]
        weights = _minor_weights([self._rules[i][1:3] for i in fired], minor)
        hits = []
        for index, weight, is_minor in zip(fired, weights, minor, strict=True):
            any_keys, all_keys = self._groups[index]
            words = [found[k] for k in (*any_keys, *all_keys) if found.get(k)]
            rule_id, category, _, rationale = self._rules[index]
            hits.append(
                RuleHit(
                    rule_id=rule_id,
                    category=category,
                    weight=weight,
                    matched=tuple(dict.fromkeys(words)),
                    rationale=rationale,
                    subordinate=is_minor,
                )
            )
        return hits

    def is_keyword(self, word: str) -> bool:
        """Whether ``word`` (any inflection) is a keyword of some rule's `any` or `all`."""
        return stem(normalize(word)) in self._index.stems

    def weigh(self, text: str | Analysis) -> list[Hit]:
        """The rules that fire on ``text``, without the words they matched (faster), by id."""
        analysis = Analysis.of(text)
        found, subordinate = self._index.read(analysis, matched_text=False)
        fired = self._fired(analysis, found)
        if not subordinate:
            return list(map(self._hits.__getitem__, fired))
        minor = [self._only_in(index, found, subordinate) for index in fired]
        if not any(minor):
            return list(map(self._hits.__getitem__, fired))
        weights = _minor_weights([self._rules[i][1:3] for i in fired], minor)
        return [
            Hit(self._rules[index][0], self._rules[index][1], weight)
            for index, weight in zip(fired, weights, strict=True)
        ]

    def _only_in(self, index: int, found: dict[int, str], keys: frozenset[int]) -> bool:
        """Whether every condition of rule ``index`` that matched is among ``keys``."""
        any_keys, all_keys = self._groups[index]
        matched = [k for k in (*any_keys, *all_keys) if k in found]
        return bool(matched) and all(k in keys for k in matched)

    def _fired(self, analysis: Analysis, found: dict[int, str]) -> list[int]:
        candidates = set(map(self._by_condition.__getitem__, found))
        candidates.discard(-1)
        keys = found.keys()
        reading = analysis.reading
        stems = set(analysis.stems)
        vetoing = keys  # the conditions a veto may see matched (found skipped negated words)
        # a veto sees neither negated words nor those of a subordinate or background clause
        unseen = reading.negated | reading.subordinate if reading.scopes else frozenset()
        if unseen:
            stems = {s for i, s in enumerate(analysis.stems) if i not in unseen}
        if reading.subordinate:
            vetoing = self._index.found_outside(analysis, unseen).keys()
        kept: list[str] | None = None  # the stems a veto phrase may run over
        pairs: set[str] = set()
        joined = ""
        groups: tuple[frozenset[int], ...] | None = None  # words offered as alternatives
        fired = []
        for index in candidates:
            any_keys, all_keys, veto_keys, veto_stems, veto_pairs, phrases = self._checks[index]
            # a candidate without `all` conditions was reached through one of its `any` ones
            if all_keys and (not keys >= all_keys or (any_keys and keys.isdisjoint(any_keys))):
                continue
            if veto_keys and not vetoing.isdisjoint(veto_keys):
                continue
            if veto_stems and not veto_stems.isdisjoint(stems):
                if groups is None:
                    groups = alternatives(analysis.normalized, analysis.tokens)
                if not groups or not self._offered_instead(index, analysis, found, groups, unseen):
                    continue
            if veto_pairs:
                if kept is None:
                    kept = _kept_stems(analysis.stems, unseen)
                    pairs = set(map(" ".join, pairwise(kept)))
                if not veto_pairs.isdisjoint(pairs):
                    joined = joined or f" {' '.join(kept)} "
                    if any(phrase in joined for phrase in phrases):
                        continue
            fired.append(index)
        fired.sort(key=self._rank.__getitem__)
        return fired

    def _offered_instead(
        self,
        index: int,
        analysis: Analysis,
        found: dict[int, str],
        groups: tuple[frozenset[int], ...],
        unseen: frozenset[int],
    ) -> bool:
        """Whether each veto word of rule ``index`` in the text is only offered instead of a word
        that fired the rule ("caption or classify images": "classify" does not veto the
        caption rule), so the veto does not hold."""
        veto_stems = self._checks[index].veto_stems
        any_keys, all_keys = self._groups[index]
        own = {k for k in (*any_keys, *all_keys) if k in found}
        keys_of = self._index.stems.get
        stems = analysis.stems
        for position, word in enumerate(stems):
            if word not in veto_stems or position in unseen:
                continue
            group = next((g for g in groups if position in g), None)
            if group is None or not any(
                not own.isdisjoint(keys_of(stems[p], ())) for p in group if p != position
            ):
                return False
        return True


class CueMatcher:
    """Finds which named cue lists (kinds of task, modalities) a text mentions."""

    def __init__(self, tables: CueTables) -> None:
        self.names = tables.names
        self._owner = tables.owner
        self._index = ConditionIndex(tables.index)

    def match(self, text: str | Analysis) -> dict[str, list[str]]:
        """Map each name whose cues occur in ``text`` to the words matched, in declared order."""
        matched: dict[int, list[str]] = defaultdict(list)
        for key, words_matched in sorted(self._index.found(text).items()):
            if key < len(self._owner):
                matched[self._owner[key]].append(words_matched)
        return {self.names[i]: matched[i] for i in sorted(matched)}
