"""Matching rules and cue words against a task text, fast.

:class:`ConditionIndex` matches many conditions at once; :class:`RuleEngine` turns matched
conditions into rule hits, and :class:`CueMatcher` into kinds of task and modalities. Each can
be exported to plain JSON data and restored from it, so a saved model can carry its compiled
rules and a cold start skips stemming thousands of rule words again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any, NamedTuple, cast

import re2

from ._text import Analysis, normalize, stem, words
from .models import (
    CATEGORIES,
    Category,
    Condition,
    KeywordCondition,
    PhraseCondition,
    RegexCondition,
    Rule,
    RuleHit,
    regex_options,
)

FUZZY_MIN_LENGTH = 7
_NEAR_CACHE_SIZE = 100_000


class ConditionIndex:
    """Matches many conditions against a text in one pass over its words and one RE2 set match.

    Keywords and one-word phrases are looked up by stem in a dict, longer phrases are indexed
    by their first stem, and all regexes run together as one RE2 set, so the cost grows with
    the length of the text, not with the number of conditions.

    With ``fuzzy``, a word of seven letters or more that is neither a keyword nor one of
    ``known_words`` also matches a keyword one edit away (a letter missing, extra, changed, or
    two neighbours swapped): "sentimnt" finds "sentiment". Both sides are expanded to their
    one-letter deletions and compared in a dict (the symmetric-delete method), so the cost
    is a few lookups per unknown word.
    """

    def __init__(
        self,
        conditions: Sequence[Condition],
        *,
        fuzzy: bool = False,
        known_words: frozenset[str] = frozenset(),
    ) -> None:
        self._fuzzy = fuzzy
        self._known_words = known_words
        self._keywords: dict[str, list[int]] = defaultdict(list)  # long keywords, as written
        self._variants: dict[str, list[str]] | None = None  # built on the first unknown word
        self._near: dict[str, list[int]] = {}  # unknown word -> keys of keywords near it
        self._stems: dict[str, list[int]] = defaultdict(list)
        # phrases by their first two stems ("customer servic"), so common first words are cheap
        self._phrases: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        self._patterns: list[tuple[str, int]] = []
        for key, condition in enumerate(conditions):
            self._add(condition, key)
        self._compile()

    def _compile(self) -> None:
        """Derive what matching needs from the indexed conditions (after adding or restoring)."""
        # the stems that start some phrase: most words start none and skip the phrase lookup
        self._firsts = frozenset(pair.split(" ")[0] for pair in self._phrases)
        self._regex_set = re2.Set.SearchSet(regex_options())
        for pattern, _ in self._patterns:
            self._regex_set.Add(pattern)
        if self._patterns:
            self._regex_set.Compile()
        # each pattern alone is compiled only when the text it matched is asked for
        self._compiled: dict[int, Any] = {}

    def export(self) -> dict[str, Any]:
        """The compiled index as JSON data (see :meth:`restore`)."""
        return {
            "stems": self._stems,
            "keywords": self._keywords,
            "phrases": {
                first: [[list(seq), key] for seq, key in items]
                for first, items in self._phrases.items()
            },
            "patterns": [[pattern, key] for pattern, key in self._patterns],
        }

    @classmethod
    def restore(
        cls, data: Any, *, fuzzy: bool = False, known_words: frozenset[str] = frozenset()
    ) -> ConditionIndex:
        """Rebuild an index from :meth:`export` data.

        Raises:
            ValueError: when the data does not have the exported shape.
        """
        index = cls([], fuzzy=fuzzy, known_words=known_words)
        try:
            index._stems.update(_str_to_ints(data["stems"]))
            index._keywords.update(_str_to_ints(data["keywords"]))
            for first, items in cast(dict[str, Any], data["phrases"]).items():
                for sequence, key in items:
                    if not (isinstance(key, int) and all(isinstance(w, str) for w in sequence)):
                        raise ValueError("a phrase entry is malformed")
                    index._phrases[str(first)].append((tuple(sequence), key))
            for pattern, key in data["patterns"]:
                if not (isinstance(pattern, str) and isinstance(key, int)):
                    raise ValueError("a pattern entry is malformed")
                index._patterns.append((pattern, key))
            index._compile()
        except (KeyError, TypeError, AttributeError, re2.error) as err:
            raise ValueError(f"not an exported condition index: {err}") from err
        return index

    def _add(self, condition: Condition, key: int) -> None:
        if isinstance(condition, (KeywordCondition, PhraseCondition)):
            for text in _texts_of(condition):
                # A keyword that splits into several words ("e-mail") is matched as a phrase.
                sequence = _stem_sequence(text)
                if len(sequence) == 1:
                    self._stems[sequence[0]].append(key)
                    if len(text) >= FUZZY_MIN_LENGTH and text.isalpha():
                        self._keywords[text.lower()].append(key)
                elif sequence:
                    self._phrases[f"{sequence[0]} {sequence[1]}"].append((sequence, key))
        else:
            self._patterns.append((f"(?i){condition.pattern}", key))

    def found(self, text: str | Analysis, *, matched_text: bool = True) -> dict[int, str]:
        """Map the index of each condition that matches ``text`` to the text it matched.

        Without ``matched_text``, a regex condition maps to "" (finding the text a pattern
        matched costs a second search, which a caller that only needs the keys can skip).
        """
        analysis = Analysis.of(text)
        normalized, tokens, stems = analysis.normalized, analysis.tokens, analysis.stems
        found: dict[int, str] = {}
        last = len(stems) - 1
        firsts, keywords, fuzzy = self._firsts, self._stems.get, self._fuzzy
        for i, token_stem in enumerate(stems):
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
            for index in self._regex_set.Match(normalized) or ():
                pattern, key = self._patterns[index]
                if not matched_text:
                    found.setdefault(key, "")
                    continue
                compiled = self._compiled.get(index)
                if compiled is None:
                    compiled = self._compiled[index] = re2.compile(pattern, regex_options())
                if (hit := compiled.search(normalized)) is not None:
                    found.setdefault(key, hit.group(0))
        return found

    @property
    def stems(self) -> Mapping[str, list[int]]:
        """The indexed keyword stems (read-only view)."""
        return self._stems

    def max_key(self) -> int:
        """The largest condition key indexed (-1 when empty)."""
        keys = [k for table in (self._stems, self._keywords) for ks in table.values() for k in ks]
        keys += [k for items in self._phrases.values() for _, k in items]
        keys += [k for _, k in self._patterns]
        return max(keys, default=-1)

    def _near_keywords(self, token: str) -> list[int]:
        """The keys of keywords one edit away from a long, unknown ``token`` (remembered)."""
        keys = self._near.get(token)
        if keys is None:
            keys = self._find_near(token)
            if len(self._near) < _NEAR_CACHE_SIZE:
                self._near[token] = keys
        return keys

    def _find_near(self, token: str) -> list[int]:
        if len(token) < FUZZY_MIN_LENGTH or token in self._known_words:
            return []
        if self._variants is None:
            variants: dict[str, list[str]] = defaultdict(list)
            for keyword in self._keywords:
                for variant in (keyword, *_deletions(keyword)):
                    variants[variant].append(keyword)
            self._variants = variants
        # A dropped letter ("sentimnt" for "sentiment") is the commonest slip: when the token
        # is a keyword less one letter, that keyword wins over ones a changed letter reaches
        # ("sentient").
        near = set(self._variants.get(token, ()))
        if not near:
            near = {k for v in _deletions(token) for k in self._variants.get(v, ())}
        return [key for keyword in sorted(near) for key in self._keywords[keyword]]


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
    lookup long. Misspelt keywords are matched too (see :class:`ConditionIndex`), except in
    vetoes; ``known_words`` are real words of the knowledge, never taken for typos.
    """

    def __init__(self, rules: Sequence[Rule], known_words: frozenset[str] = frozenset()) -> None:
        conditions: list[Condition] = []
        self._rules = [(r.id, r.category, r.weight, r.rationale) for r in rules]
        self._groups: list[tuple[range, range]] = []  # per rule: its any and all keys
        self._by_condition: list[int] = []  # condition key -> its rule (-1: a veto pattern)
        self._veto_keys: list[list[int]] = []  # per rule: keys of its veto patterns
        self._veto_stems: list[frozenset[str]] = []
        self._veto_phrases: list[tuple[str, ...]] = []  # stems joined by spaces
        for index, rule in enumerate(rules):
            start = len(conditions)
            conditions.extend((*rule.any, *rule.all))
            self._by_condition.extend([index] * (len(rule.any) + len(rule.all)))
            middle = start + len(rule.any)
            self._groups.append((range(start, middle), range(middle, len(conditions))))
            stems: set[str] = set()
            phrases: list[str] = []
            keys: list[int] = []
            for condition in rule.none:
                if isinstance(condition, RegexCondition):
                    keys.append(len(conditions))
                    conditions.append(condition)
                    self._by_condition.append(-1)
                    continue
                texts = (
                    condition.words
                    if isinstance(condition, KeywordCondition)
                    else condition.phrases
                )
                for text in texts:
                    sequence = _stem_sequence(text)
                    if len(sequence) == 1:
                        stems.add(sequence[0])
                    elif sequence:
                        phrases.append(" ".join(sequence))
            self._veto_keys.append(keys)
            self._veto_stems.append(frozenset(stems))
            self._veto_phrases.append(tuple(phrases))
        self._index = ConditionIndex(conditions, fuzzy=True, known_words=known_words)
        self._derive()

    def _derive(self) -> None:
        """Derive what matching needs from the rules' tables (after building or restoring)."""
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
                self._groups, self._veto_keys, self._veto_stems, self._veto_phrases, strict=True
            )
        ]
        self._hits = [
            Hit(rule_id, category, weight) for rule_id, category, weight, _ in self._rules
        ]
        by_id = sorted(range(len(self._rules)), key=lambda i: self._rules[i][0])
        self._rank = [0] * len(by_id)  # each rule's place in id order
        for place, index in enumerate(by_id):
            self._rank[index] = place

    def export(self) -> dict[str, Any]:
        """The compiled engine as JSON data (see :meth:`restore`)."""
        return {
            "index": self._index.export(),
            "rules": self._rules,
            "groups": [[a.start, a.stop, b.start, b.stop] for a, b in self._groups],
            "by_condition": self._by_condition,
            "veto_keys": self._veto_keys,
            "veto_stems": [sorted(v) for v in self._veto_stems],
            "veto_phrases": [list(v) for v in self._veto_phrases],
        }

    @classmethod
    def restore(cls, data: Any, known_words: frozenset[str] = frozenset()) -> RuleEngine:
        """Rebuild an engine from :meth:`export` data, without stemming or validating again.

        Raises:
            ValueError: when the data does not have the exported shape.
        """
        engine = cls([])
        try:
            engine._index = ConditionIndex.restore(
                data["index"], fuzzy=True, known_words=known_words
            )
            for rule_id, category, weight, rationale in data["rules"]:
                if category not in CATEGORIES or not isinstance(weight, (int, float)):
                    raise ValueError(f"rule {rule_id!r} is malformed")
                engine._rules.append((str(rule_id), category, float(weight), str(rationale)))
            engine._groups = [
                (range(int(a), int(b)), range(int(c), int(d))) for a, b, c, d in data["groups"]
            ]
            engine._by_condition = [int(r) for r in data["by_condition"]]
            engine._veto_keys = [[int(k) for k in keys] for keys in data["veto_keys"]]
            engine._veto_stems = [frozenset(str(s) for s in v) for v in data["veto_stems"]]
            engine._veto_phrases = [tuple(str(p) for p in v) for v in data["veto_phrases"]]
        except (KeyError, TypeError) as err:
            raise ValueError(f"not an exported rule engine: {err}") from err
        count = len(engine._rules)
        if (
            not len(engine._groups) == len(engine._veto_keys) == len(engine._veto_stems) == count
            or len(engine._veto_phrases) != count
            or any(not -1 <= r < count for r in engine._by_condition)
            or engine._index.max_key() >= len(engine._by_condition)
        ):
            raise ValueError("not an exported rule engine: its parts do not match its rules")
        engine._derive()
        return engine

    def match(self, text: str | Analysis) -> list[RuleHit]:
        """Return the rules that fire on ``text``, with the words they matched, sorted by id."""
        analysis = Analysis.of(text)
        found = self._index.found(analysis)
        hits = []
        for index in self._fired(analysis, found):
            any_keys, all_keys = self._groups[index]
            words = [found[k] for k in (*any_keys, *all_keys) if found.get(k)]
            rule_id, category, weight, rationale = self._rules[index]
            hits.append(
                RuleHit(
                    rule_id=rule_id,
                    category=category,
                    weight=weight,
                    matched=tuple(dict.fromkeys(words)),
                    rationale=rationale,
                )
            )
        return hits

    def is_keyword(self, word: str) -> bool:
        """Whether ``word`` (any inflection) is a keyword of some rule's `any` or `all`."""
        return stem(normalize(word)) in self._index.stems

    def weigh(self, text: str | Analysis) -> list[Hit]:
        """The rules that fire on ``text``, without the words they matched (faster), by id."""
        analysis = Analysis.of(text)
        found = self._index.found(analysis, matched_text=False)
        return list(map(self._hits.__getitem__, self._fired(analysis, found)))

    def _fired(self, analysis: Analysis, found: dict[int, str]) -> list[int]:
        candidates = set(map(self._by_condition.__getitem__, found))
        candidates.discard(-1)
        keys = found.keys()
        stems = set(analysis.stems)
        pairs: set[str] | None = None
        joined = ""
        fired = []
        for index in candidates:
            any_keys, all_keys, veto_keys, veto_stems, veto_pairs, phrases = self._checks[index]
            # a candidate without `all` conditions was reached through one of its `any` ones
            if all_keys and (not keys >= all_keys or (any_keys and keys.isdisjoint(any_keys))):
                continue
            if veto_keys and not keys.isdisjoint(veto_keys):
                continue
            if veto_stems and not veto_stems.isdisjoint(stems):
                continue
            if veto_pairs:
                if pairs is None:
                    pairs = set(map(" ".join, pairwise(analysis.stems)))
                if not veto_pairs.isdisjoint(pairs):
                    joined = joined or f" {' '.join(analysis.stems)} "
                    if any(phrase in joined for phrase in phrases):
                        continue
            fired.append(index)
        fired.sort(key=self._rank.__getitem__)
        return fired


class CueMatcher:
    """Finds which named cue lists (kinds of task, modalities) a text mentions."""

    def __init__(self, cues: Sequence[tuple[str, Sequence[Condition]]]) -> None:
        self.names = [name for name, _ in cues]
        conditions: list[Condition] = []
        self._owner: list[int] = []
        for index, (_, group) in enumerate(cues):
            conditions.extend(group)
            self._owner.extend([index] * len(group))
        self._index = ConditionIndex(conditions)

    def export(self) -> dict[str, Any]:
        """The compiled matcher as JSON data (see :meth:`restore`)."""
        return {"names": self.names, "owner": self._owner, "index": self._index.export()}

    @classmethod
    def restore(cls, data: Any) -> CueMatcher:
        """Rebuild a matcher from :meth:`export` data.

        Raises:
            ValueError: when the data does not have the exported shape.
        """
        matcher = cls([])
        try:
            matcher.names = [str(n) for n in data["names"]]
            matcher._owner = [int(o) for o in data["owner"]]
            matcher._index = ConditionIndex.restore(data["index"])
        except (KeyError, TypeError) as err:
            raise ValueError(f"not an exported cue matcher: {err}") from err
        if any(not 0 <= o < len(matcher.names) for o in matcher._owner):
            raise ValueError("not an exported cue matcher: bad owner")
        return matcher

    def match(self, text: str | Analysis) -> dict[str, list[str]]:
        """Map each name whose cues occur in ``text`` to the words matched, in declared order."""
        matched: dict[int, list[str]] = defaultdict(list)
        for key, words_matched in sorted(self._index.found(text).items()):
            if key < len(self._owner):
                matched[self._owner[key]].append(words_matched)
        return {self.names[i]: matched[i] for i in sorted(matched)}


def _stem_sequence(text: str) -> tuple[str, ...]:
    if text.isascii() and text.isalnum():  # most keywords: skip the full normalisation
        return (stem(text.lower()),)
    return tuple(stem(w) for w in words(normalize(text)))


def _str_to_ints(table: Any) -> dict[str, list[int]]:
    if not isinstance(table, dict):
        raise TypeError("expected a table of word -> keys")
    result: dict[str, list[int]] = {}
    for word, keys in table.items():
        if not isinstance(keys, list) or not all(isinstance(k, int) for k in keys):
            raise TypeError(f"keys of {word!r} are malformed")
        result[str(word)] = keys
    return result


def _texts_of(condition: KeywordCondition | PhraseCondition) -> tuple[str, ...]:
    return condition.words if isinstance(condition, KeywordCondition) else condition.phrases
