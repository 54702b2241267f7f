"""Matching rules and cue words against a task text, fast.

:class:`ConditionIndex` matches many conditions at once; :class:`RuleEngine` turns matched
conditions into rule hits, and :class:`CueMatcher` into kinds of task and modalities. Each can
be exported to plain JSON data and restored from it, so a saved model can carry its compiled
rules and a cold start skips stemming thousands of rule words again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

import re2

from ._text import normalize, stem, words
from .models import (
    CATEGORIES,
    Condition,
    KeywordCondition,
    PhraseCondition,
    Rule,
    RuleHit,
    regex_options,
)

FUZZY_MIN_LENGTH = 7


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
        exact: frozenset[int] = frozenset(),
    ) -> None:
        self._fuzzy = fuzzy
        self._exact = exact  # condition keys that only match as written (vetoes)
        self._known_words = known_words
        self._keywords: dict[str, list[int]] = defaultdict(list)  # long keywords, as written
        self._variants: dict[str, list[str]] | None = None  # built on the first unknown word
        self._stems: dict[str, list[int]] = defaultdict(list)
        self._phrases: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        self._patterns: list[tuple[str, int]] = []
        for key, condition in enumerate(conditions):
            self._add(condition, key)
        self._compile_patterns()

    def _compile_patterns(self) -> None:
        self._regex_set = re2.Set.SearchSet(regex_options())
        self._regexes: list[tuple[Any, int]] = []
        for pattern, key in self._patterns:
            self._regex_set.Add(pattern)
            self._regexes.append((re2.compile(pattern, regex_options()), key))
        if self._regexes:
            self._regex_set.Compile()

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
            index._compile_patterns()
        except (KeyError, TypeError, AttributeError, re2.error) as err:
            raise ValueError(f"not an exported condition index: {err}") from err
        return index

    def _add(self, condition: Condition, key: int) -> None:
        if isinstance(condition, (KeywordCondition, PhraseCondition)):
            texts = (
                condition.words if isinstance(condition, KeywordCondition) else condition.phrases
            )
            for text in texts:
                # A keyword that splits into several words ("e-mail") is matched as a phrase.
                sequence = _stem_sequence(text)
                if len(sequence) == 1:
                    self._stems[sequence[0]].append(key)
                    if len(text) >= FUZZY_MIN_LENGTH and text.isalpha() and key not in self._exact:
                        self._keywords[text.lower()].append(key)
                elif sequence:
                    self._phrases[sequence[0]].append((sequence, key))
        else:
            self._patterns.append((f"(?i){condition.pattern}", key))

    def found(self, text: str) -> dict[int, str]:
        """Map the index of each condition that matches ``text`` to the text it matched."""
        normalized = normalize(text)
        tokens = words(normalized)
        stems = [stem(t) for t in tokens]
        found: dict[int, str] = {}
        for i, token_stem in enumerate(stems):
            keys = self._stems.get(token_stem)
            if keys is None and self._fuzzy:
                keys = self._near_keywords(tokens[i])
            for key in keys or ():
                found.setdefault(key, tokens[i])
            for sequence, key in self._phrases.get(token_stem, ()):
                if tuple(stems[i : i + len(sequence)]) == sequence:
                    found.setdefault(key, " ".join(tokens[i : i + len(sequence)]))
        if self._regexes:
            for index in self._regex_set.Match(normalized) or ():
                compiled, key = self._regexes[index]
                hit = compiled.search(normalized)
                if hit is not None:
                    found.setdefault(key, hit.group(0))
        return found

    def _near_keywords(self, token: str) -> list[int]:
        """The keys of keywords one edit away from a long, unknown ``token``."""
        if len(token) < FUZZY_MIN_LENGTH or token in self._known_words:
            return []
        if self._variants is None:
            variants: dict[str, list[str]] = defaultdict(list)
            for keyword in self._keywords:
                for variant in (keyword, *_deletions(keyword)):
                    variants[variant].append(keyword)
            self._variants = variants
        near = {k for v in (token, *_deletions(token)) for k in self._variants.get(v, ())}
        return [key for keyword in sorted(near) for key in self._keywords[keyword]]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class RuleEngine:
    """Finds the rules that fire on a text, matching all their conditions at once.

    Misspelt keywords are matched too (see :class:`ConditionIndex`); ``known_words`` are real
    words of the knowledge (its examples, rules and notes), which are never taken for typos.
    """

    def __init__(self, rules: Sequence[Rule], known_words: frozenset[str] = frozenset()) -> None:
        conditions: list[Condition] = []
        self._rules = [(r.id, r.category, r.weight, r.rationale) for r in rules]
        self._groups: list[tuple[range, range, range]] = []  # per rule: any, all, none keys
        self._by_condition: list[int] = []  # condition key -> its rule, for any/all conditions
        for index, rule in enumerate(rules):
            groups = []
            for name, group in (("any", rule.any), ("all", rule.all), ("none", rule.none)):
                groups.append(range(len(conditions), len(conditions) + len(group)))
                conditions.extend(group)
                # a `none` condition alone can never make its rule fire
                self._by_condition.extend([-1 if name == "none" else index] * len(group))
            self._groups.append((groups[0], groups[1], groups[2]))
        vetoes = frozenset(k for _, _, none in self._groups for k in none)
        self._index = ConditionIndex(conditions, fuzzy=True, known_words=known_words, exact=vetoes)

    def export(self) -> dict[str, Any]:
        """The compiled engine as JSON data (see :meth:`restore`)."""
        return {
            "index": self._index.export(),
            "rules": self._rules,
            "groups": [[g.start, g.stop] for groups in self._groups for g in groups],
            "by_condition": self._by_condition,
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
            bounds = [range(int(a), int(b)) for a, b in data["groups"]]
            engine._groups = [
                (bounds[i], bounds[i + 1], bounds[i + 2]) for i in range(0, len(bounds), 3)
            ]
            engine._by_condition = [int(r) for r in data["by_condition"]]
        except (KeyError, TypeError) as err:
            raise ValueError(f"not an exported rule engine: {err}") from err
        if len(engine._groups) != len(engine._rules) or any(
            not -1 <= r < len(engine._rules) for r in engine._by_condition
        ):
            raise ValueError("not an exported rule engine: groups do not match rules")
        return engine

    def match(self, text: str) -> list[RuleHit]:
        """Return the rules that fire on ``text``, sorted by rule id."""
        found = self._index.found(text)
        candidates = {self._by_condition[key] for key in found if key < len(self._by_condition)}
        candidates.discard(-1)
        hits = [hit for r in candidates if (hit := self._fire(r, found)) is not None]
        return sorted(hits, key=lambda h: h.rule_id)

    def _fire(self, index: int, found: dict[int, str]) -> RuleHit | None:
        any_keys, all_keys, none_keys = self._groups[index]
        for key in none_keys:
            if key in found:
                return None
        for key in all_keys:
            if key not in found:
                return None
        matched_any = [found[k] for k in any_keys if k in found]
        if any_keys and not matched_any:
            return None
        rule_id, category, weight, rationale = self._rules[index]
        matched = tuple(dict.fromkeys([*matched_any, *(found[k] for k in all_keys)]))
        return RuleHit(
            rule_id=rule_id, category=category, weight=weight, matched=matched, rationale=rationale
        )


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

    def match(self, text: str) -> dict[str, list[str]]:
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
