"""Rules and cue words compiled into lookup tables: what the matcher runs on.

Compiling stems every keyword and phrase once and sorts the conditions into tables (stems,
phrases by their first two stems, regexes, vetoes). The tables are plain data: they are saved
in the model file and read back without stemming or validating again, and the engine
(:mod:`model_advisor.engine.matching`) matches with them, whether they were just compiled or
read from a file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from .._text import normalize, stem, words
from .schema import Condition, KeywordCondition, PatternCondition, PhraseCondition, Rule

FUZZY_MIN_LENGTH = 7
"""Keywords this long or longer are also matched when misspelt by one letter."""
SPELLING_MIN_LENGTH = 5
"""Words this long or longer are read as a common word of the knowledge when misspelt by one
letter (:mod:`model_advisor.engine.spelling`); shorter ones are left as written: too many real
words lie one typo apart."""
COMMON_EXAMPLES = 5
"""A word is common, one that a misspelt word can be read as, when this many examples hold it."""

Phrases = dict[str, list[tuple[tuple[str, ...], int]]]


@dataclass(frozen=True)
class ConditionTables:
    """Many conditions, each known by its key (its position), sorted for matching at once."""

    stems: dict[str, list[int]] = field(default_factory=dict)  # one-word keys by stem
    keywords: dict[str, list[int]] = field(default_factory=dict)  # long keywords, as written
    phrases: Phrases = field(default_factory=dict)  # by their first two stems
    patterns: list[tuple[str, int]] = field(default_factory=list)  # regexes, case-insensitive

    @classmethod
    def compile(cls, conditions: Sequence[Condition]) -> ConditionTables:
        """Sort ``conditions`` into tables; a condition's key is its position."""
        stems: dict[str, list[int]] = defaultdict(list)
        keywords: dict[str, list[int]] = defaultdict(list)
        phrases: Phrases = defaultdict(list)
        patterns: list[tuple[str, int]] = []
        for key, condition in enumerate(conditions):
            if isinstance(condition, PatternCondition):
                patterns.append((f"(?i){condition.pattern}", key))
                continue
            for text in _texts_of(condition):
                # A keyword that splits into several words ("e-mail") is matched as a phrase.
                sequence = stem_sequence(text)
                if len(sequence) == 1:
                    stems[sequence[0]].append(key)
                    if len(text) >= FUZZY_MIN_LENGTH and text.isalpha():
                        keywords[text.lower()].append(key)
                elif sequence:
                    phrases[f"{sequence[0]} {sequence[1]}"].append((sequence, key))
        return cls(dict(stems), dict(keywords), dict(phrases), patterns)

    def to_json(self) -> dict[str, Any]:
        return {
            "stems": self.stems,
            "keywords": self.keywords,
            "phrases": {
                first: [[list(seq), key] for seq, key in items]
                for first, items in self.phrases.items()
            },
            "patterns": [[pattern, key] for pattern, key in self.patterns],
        }

    @classmethod
    def from_json(cls, data: Any) -> ConditionTables:
        """Read :meth:`to_json` data back.

        Raises:
            ValueError: when the data does not have that shape.
        """
        try:
            phrases: Phrases = {}
            for first, items in cast(dict[str, Any], data["phrases"]).items():
                for sequence, key in items:
                    if not (isinstance(key, int) and all(isinstance(w, str) for w in sequence)):
                        raise ValueError("a phrase entry is malformed")
                    phrases.setdefault(str(first), []).append((tuple(sequence), key))
            patterns = []
            for pattern, key in data["patterns"]:
                if not (isinstance(pattern, str) and isinstance(key, int)):
                    raise ValueError("a pattern entry is malformed")
                patterns.append((pattern, key))
            return cls(
                _str_to_ints(data["stems"]), _str_to_ints(data["keywords"]), phrases, patterns
            )
        except (KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"not compiled conditions: {err}") from err

    def max_key(self) -> int:
        """The largest condition key in the tables (-1 when empty)."""
        keys = [k for table in (self.stems, self.keywords) for ks in table.values() for k in ks]
        keys += [k for items in self.phrases.values() for _, k in items]
        keys += [k for _, k in self.patterns]
        return max(keys, default=-1)


@dataclass(frozen=True)
class RuleTables:
    """Every rule's conditions in one :class:`ConditionTables`, and what each rule needs.

    A rule's ``any`` and ``all`` conditions are indexed; its vetoes (``none``) are not, since
    common words veto many rules and would make every lookup long: veto keywords and phrases
    are kept as stems per rule, veto regexes are indexed but owned by no rule (-1).
    """

    index: ConditionTables
    rules: list[tuple[str, str, float, str]]  # id, category, weight, rationale
    groups: list[tuple[range, range]]  # per rule: the keys of its any and its all conditions
    by_condition: list[int]  # condition key -> its rule (-1: a veto pattern)
    veto_keys: list[list[int]]  # per rule: keys of its veto patterns
    veto_stems: list[frozenset[str]]
    veto_phrases: list[tuple[str, ...]]  # stems joined by spaces

    @classmethod
    def compile(cls, rules: Sequence[Rule]) -> RuleTables:
        """Compile ``rules`` (in the given order) into tables."""
        conditions: list[Condition] = []
        by_condition: list[int] = []
        groups: list[tuple[range, range]] = []
        veto_keys: list[list[int]] = []
        veto_stems: list[frozenset[str]] = []
        veto_phrases: list[tuple[str, ...]] = []
        for index, rule in enumerate(rules):
            start = len(conditions)
            conditions.extend((*rule.any, *rule.all))
            by_condition.extend([index] * (len(rule.any) + len(rule.all)))
            middle = start + len(rule.any)
            groups.append((range(start, middle), range(middle, len(conditions))))
            stems: set[str] = set()
            phrases: list[str] = []
            keys: list[int] = []
            for condition in rule.none:
                if isinstance(condition, PatternCondition):
                    keys.append(len(conditions))
                    conditions.append(condition)
                    by_condition.append(-1)
                    continue
                for text in _texts_of(condition):
                    sequence = stem_sequence(text)
                    if len(sequence) == 1:
                        stems.add(sequence[0])
                    elif sequence:
                        phrases.append(" ".join(sequence))
            veto_keys.append(keys)
            veto_stems.append(frozenset(stems))
            veto_phrases.append(tuple(phrases))
        return cls(
            ConditionTables.compile(conditions),
            [(r.id, r.category, r.weight, r.rationale) for r in rules],
            groups,
            by_condition,
            veto_keys,
            veto_stems,
            veto_phrases,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index.to_json(),
            "rules": self.rules,
            "groups": [[a.start, a.stop, b.start, b.stop] for a, b in self.groups],
            "by_condition": self.by_condition,
            "veto_keys": self.veto_keys,
            "veto_stems": [sorted(v) for v in self.veto_stems],
            "veto_phrases": [list(v) for v in self.veto_phrases],
        }

    @classmethod
    def from_json(cls, data: Any, categories: Sequence[str]) -> RuleTables:
        """Read :meth:`to_json` data back; every rule's category must be in ``categories``.

        Raises:
            ValueError: when the data does not have that shape.
        """
        try:
            rules = []
            for rule_id, category, weight, rationale in data["rules"]:
                if category not in categories or not isinstance(weight, (int, float)):
                    raise ValueError(f"rule {rule_id!r} is malformed")
                rules.append((str(rule_id), str(category), float(weight), str(rationale)))
            tables = cls(
                ConditionTables.from_json(data["index"]),
                rules,
                [(range(int(a), int(b)), range(int(c), int(d))) for a, b, c, d in data["groups"]],
                [int(r) for r in data["by_condition"]],
                [[int(k) for k in keys] for keys in data["veto_keys"]],
                [frozenset(str(s) for s in v) for v in data["veto_stems"]],
                [tuple(str(p) for p in v) for v in data["veto_phrases"]],
            )
        except (KeyError, TypeError) as err:
            raise ValueError(f"not compiled rules: {err}") from err
        count = len(tables.rules)
        if (
            not len(tables.groups) == len(tables.veto_keys) == len(tables.veto_stems) == count
            or len(tables.veto_phrases) != count
            or any(not -1 <= r < count for r in tables.by_condition)
            or tables.index.max_key() >= len(tables.by_condition)
        ):
            raise ValueError("not compiled rules: their parts do not match")
        return tables


@dataclass(frozen=True)
class CueTables:
    """Named lists of cue conditions (kinds of task, modalities) in one table."""

    names: list[str]
    owner: list[int]  # condition key -> the index of its name
    index: ConditionTables

    @classmethod
    def compile(cls, cues: Sequence[tuple[str, Sequence[Condition]]]) -> CueTables:
        conditions: list[Condition] = []
        owner: list[int] = []
        for index, (_, group) in enumerate(cues):
            conditions.extend(group)
            owner.extend([index] * len(group))
        return cls([name for name, _ in cues], owner, ConditionTables.compile(conditions))

    def to_json(self) -> dict[str, Any]:
        return {"names": self.names, "owner": self.owner, "index": self.index.to_json()}

    @classmethod
    def from_json(cls, data: Any) -> CueTables:
        """Read :meth:`to_json` data back.

        Raises:
            ValueError: when the data does not have that shape.
        """
        try:
            tables = cls(
                [str(n) for n in data["names"]],
                [int(o) for o in data["owner"]],
                ConditionTables.from_json(data["index"]),
            )
        except (KeyError, TypeError) as err:
            raise ValueError(f"not compiled cues: {err}") from err
        if any(not 0 <= o < len(tables.names) for o in tables.owner):
            raise ValueError("not compiled cues: bad owner")
        return tables


def stem_sequence(text: str) -> tuple[str, ...]:
    """The stems of the words of a keyword or phrase."""
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
