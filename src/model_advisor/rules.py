"""Load, check and match the YAML rules of a knowledge directory.

A knowledge directory holds ``categories.yaml`` (the notes file and the three categories) and
any number of other ``*.yaml`` rule files. Loading happens in three steps: YAML with positions
(:mod:`._yaml`), pydantic validation, then checks across files (unique ids). Every problem in
every file is reported, each at its line.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import re2
from pydantic import BaseModel, ValidationError

from ._text import normalize, stem, words
from ._yaml import Loc, YamlDocument, load_yaml
from .errors import Problem, RuleFileError
from .models import (
    Condition,
    KeywordCondition,
    PhraseCondition,
    Rule,
    RuleFile,
    RuleHit,
    RuleSet,
    Settings,
    regex_options,
)

SETTINGS_FILE = "categories.yaml"
M = TypeVar("M", bound=BaseModel)
FUZZY_MIN_LENGTH = 6
_CONDITION_KINDS = ("keyword", "phrase", "regex")


def rule_files(directory: Path) -> list[Path]:
    """Return the rule files of a knowledge directory, sorted by name."""
    found = [*directory.glob("*.yaml"), *directory.glob("*.yml")]
    return sorted(p for p in found if p.name != SETTINGS_FILE and p.is_file())


def check_rules(directory: Path) -> list[Problem]:
    """Validate every YAML file of a knowledge directory.

    Args:
        directory: the knowledge directory (``categories.yaml`` plus rule files).

    Returns:
        Every problem found, sorted by file and line; empty when the directory is valid.
    """
    return _read(directory)[1]


def load_rules(directory: Path) -> RuleSet:
    """Load and validate the settings and rules of a knowledge directory.

    Raises:
        RuleFileError: holding every problem found, when any is an error.
    """
    ruleset, problems = _read(directory)
    errors = [p for p in problems if p.level == "error"]
    if errors or ruleset is None:
        raise RuleFileError(errors)
    return ruleset


def _read(directory: Path) -> tuple[RuleSet | None, list[Problem]]:
    if not directory.is_dir():
        return None, [Problem(str(directory), code="not-a-directory", message="not a directory")]
    problems: list[Problem] = []
    settings = _validate(directory / SETTINGS_FILE, Settings, problems)
    files = rule_files(directory)
    if not files:
        message = "no rule files (*.yaml besides categories.yaml) in this directory"
        problems.append(Problem(str(directory), code="no-rules", message=message))
    rules: list[Rule] = []
    first_seen: dict[str, str] = {}
    for path in files:
        parsed = _validate(path, RuleFile, problems)
        if parsed is None:
            continue
        document, rule_file = parsed
        for index, rule in enumerate(rule_file.rules):
            where = f"{path}:{document.line_of(('rules', index, 'id'))}"
            if rule.id in first_seen:
                problems.append(
                    Problem(
                        str(path),
                        document.line_of(("rules", index, "id")),
                        0,
                        rule.id,
                        "duplicate-rule-id",
                        message=f"duplicate rule id; first defined at {first_seen[rule.id]}",
                    )
                )
                continue
            first_seen[rule.id] = where
            rules.append(rule)
    if settings is None or any(p.level == "error" for p in problems):
        return None, sorted(problems)
    ruleset = RuleSet(settings=settings[1], rules=tuple(sorted(rules, key=lambda r: r.id)))
    return ruleset, sorted(problems)


def _validate(path: Path, model: type[M], problems: list[Problem]) -> tuple[YamlDocument, M] | None:
    document, found = load_yaml(path)
    if document is None:
        problems.extend(found)
        return None
    # The file could be read despite these (a duplicate key, say): name their rule, and go on
    # validating so that every other mistake in the file is reported too.
    problems.extend(_with_rule_id(document, p) for p in found)
    try:
        validated = model.model_validate(document.data)
    except ValidationError as err:
        problems.extend(_problems_from(document, err))
        return None
    return None if found else (document, validated)


def _with_rule_id(document: YamlDocument, problem: Problem) -> Problem:
    """Name the rule whose lines hold ``problem`` (rules are items of the top-level ``rules``)."""
    rules = document.data.get("rules") if isinstance(document.data, dict) else None
    if not isinstance(rules, list):
        return problem
    starts = [(document.lines.get(("rules", i), 0), i) for i in range(len(rules))]
    inside = [i for start, i in starts if 0 < start <= problem.line]
    if not inside:
        return problem
    rule_id = _rule_id_at(document.data, ("rules", inside[-1]))
    return dataclasses.replace(problem, rule_id=rule_id)


def _problems_from(document: YamlDocument, err: ValidationError) -> Iterable[Problem]:
    errors = err.errors(include_url=False)
    failed_inside = {tuple(e["loc"][:n]) for e in errors for n in range(len(e["loc"]))}
    for error in errors:
        if error["type"] == "too_short" and tuple(error["loc"]) in failed_inside:
            continue  # a list whose items all failed is not also "too short"
        loc = _present_loc(document.data, tuple(error["loc"]))
        rule_id = _rule_id_at(document.data, loc)
        field = _describe(loc[2:] if rule_id else loc)
        text = str(error["msg"]).removeprefix("Value error, ")
        message = f"{field}: {text}" if field else text
        yield Problem(
            str(document.path),
            document.line_of(loc),
            0,
            rule_id,
            str(error["type"]).replace("_", "-"),
            "error",
            message,
        )


def _present_loc(data: Any, loc: Loc) -> Loc:
    """Follow a pydantic ``loc`` through the file's data, skipping union tags (``regex``).

    A part the file lacks (a missing field) is kept last, so the message can name it; its
    line is then its parent's.
    """
    kept: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif part in _CONDITION_KINDS:
            continue
        else:
            kept.append(part)
            break
        kept.append(part)
    return tuple(kept)


def _rule_id_at(data: Any, loc: Loc) -> str:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(data, dict):
        rules = data.get("rules")
        if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rule_id = rules[loc[1]].get("id")
            return rule_id if isinstance(rule_id, str) else ""
    return ""


def _describe(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class ConditionIndex:
    """Matches many conditions against a text in one pass over its words and one RE2 set match.

    Keywords and one-word phrases are looked up by stem in a dict, longer phrases are indexed
    by their first stem, and all regexes run together as one RE2 set, so the cost grows with
    the length of the text, not with the number of conditions.

    With ``fuzzy``, a word of six letters or more that is neither a keyword nor one of
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
        self._stems: dict[str, list[int]] = defaultdict(list)
        self._phrases: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        self._regex_set = re2.Set.SearchSet(regex_options())
        self._regexes: list[tuple[Any, int]] = []
        for key, condition in enumerate(conditions):
            self._add(condition, key)
        if self._regexes:
            self._regex_set.Compile()

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
                    if len(text) >= FUZZY_MIN_LENGTH and text.isalpha():
                        self._keywords[text.lower()].append(key)
                elif sequence:
                    self._phrases[sequence[0]].append((sequence, key))
        else:
            pattern = f"(?i){condition.pattern}"
            self._regex_set.Add(pattern)
            self._regexes.append((re2.compile(pattern, regex_options()), key))

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
        self.rules = tuple(rules)
        conditions: list[Condition] = []
        self._groups: list[tuple[range, range, range]] = []  # per rule: any, all, none keys
        self._by_condition: list[int] = []  # condition key -> rule index
        for index, rule in enumerate(self.rules):
            groups = []
            for group in (rule.any, rule.all, rule.none):
                groups.append(range(len(conditions), len(conditions) + len(group)))
                conditions.extend(group)
                self._by_condition.extend([index] * len(group))
            self._groups.append((groups[0], groups[1], groups[2]))
        self._index = ConditionIndex(conditions, fuzzy=True, known_words=known_words)

    def match(self, text: str) -> list[RuleHit]:
        """Return the rules that fire on ``text``, sorted by rule id."""
        found = self._index.found(text)
        candidates = {self._by_condition[key] for key in found}
        hits = [hit for r in candidates if (hit := self._fire(r, found)) is not None]
        return sorted(hits, key=lambda h: h.rule_id)

    def _fire(self, index: int, found: dict[int, str]) -> RuleHit | None:
        any_keys, all_keys, none_keys = self._groups[index]
        if any(k in found for k in none_keys) or not all(k in found for k in all_keys):
            return None
        matched_any = [found[k] for k in any_keys if k in found]
        if any_keys and not matched_any:
            return None
        rule = self.rules[index]
        matched = tuple(dict.fromkeys([*matched_any, *(found[k] for k in all_keys)]))
        return RuleHit(
            rule_id=rule.id,
            category=rule.category,
            weight=rule.weight,
            matched=matched,
            rationale=rule.rationale,
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

    def match(self, text: str) -> dict[str, list[str]]:
        """Map each name whose cues occur in ``text`` to the words matched, in declared order."""
        matched: dict[int, list[str]] = defaultdict(list)
        for key, words_matched in sorted(self._index.found(text).items()):
            matched[self._owner[key]].append(words_matched)
        return {self.names[i]: matched[i] for i in sorted(matched)}


def _stem_sequence(text: str) -> tuple[str, ...]:
    if text.isascii() and text.isalnum():  # most keywords: skip the full normalisation
        return (stem(text.lower()),)
    return tuple(stem(w) for w in words(normalize(text)))
