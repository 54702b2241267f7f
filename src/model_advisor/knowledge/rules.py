"""Load, check and match the YAML rules of a knowledge directory.

A knowledge directory holds ``categories.yaml`` (the notes file and the categories),
any number of other ``*.yaml`` rule files, and perhaps a ``glossary/`` of ``*.yaml`` files,
one a language (:class:`~.schema.GlossaryFile`). Loading happens in three steps: YAML with positions
(:mod:`._yaml`), pydantic validation, then checks across files (unique ids). Every problem in
every file is reported, each at its line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import Problem, RuleFileError
from .schema import GlossaryFile, Location, Rule, RuleFile, RuleSet, Settings

if TYPE_CHECKING:  # the YAML reader loads only when YAML is read: a cold advise never does
    from .yaml_reader import Loc, YamlDocument

SETTINGS_FILE = "categories.yaml"
GLOSSARY_DIR = "glossary"
M = TypeVar("M", bound=BaseModel)
_CONDITION_KINDS = ("keyword", "phrase", "regex")


def rule_files(directory: Path) -> list[Path]:
    """Return the rule files of a knowledge directory, sorted by name."""
    found = [*directory.glob("*.yaml"), *directory.glob("*.yml")]
    return sorted(p for p in found if p.name != SETTINGS_FILE and p.is_file())


def glossary_files(directory: Path) -> list[Path]:
    """Return the glossary files of a knowledge directory (``glossary/*.yaml``), sorted."""
    folder = directory / GLOSSARY_DIR
    found = [*folder.glob("*.yaml"), *folder.glob("*.yml")]
    return sorted(p for p in found if p.is_file())


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


def load_settings(directory: Path) -> Settings | None:
    """The directory's ``categories.yaml``, validated; None when it is missing or invalid."""
    return _validate(directory / SETTINGS_FILE, Settings, [])[1]


def _read(directory: Path) -> tuple[RuleSet | None, list[Problem]]:
    if not directory.is_dir():
        return None, [Problem(str(directory), code="not-a-directory", message="not a directory")]
    problems: list[Problem] = []
    _, settings = _validate(directory / SETTINGS_FILE, Settings, problems)
    files = rule_files(directory)
    if not files:
        message = "no rule files (*.yaml besides categories.yaml) in this directory"
        problems.append(Problem(str(directory), code="no-rules", message=message))
    rules: list[Rule] = []
    first_seen: dict[str, Location] = {}
    declared = settings.ids if settings is not None else None
    for path in files:
        document, rule_file = _validate(path, RuleFile, problems)
        if document is not None:  # checked on the file's data, valid rules or not
            problems.extend(_across_files(document, first_seen, declared))
        if rule_file is not None:
            rules.extend(rule_file.rules)
    glossary = [
        g for p in glossary_files(directory) if (g := _validate(p, GlossaryFile, problems)[1])
    ]
    if settings is None or any(p.level == "error" for p in problems):
        return None, sorted(problems)
    ruleset = RuleSet(
        settings=settings,
        rules=tuple(sorted(rules, key=lambda r: r.id)),
        locations=first_seen,
        glossary=tuple(sorted(glossary, key=lambda g: g.language)),
    )
    return ruleset, sorted(problems)


def _across_files(
    document: YamlDocument, first_seen: dict[str, Location], declared: Sequence[str] | None
) -> Iterable[Problem]:
    """Duplicate rule ids, and categories that ``categories.yaml`` does not declare."""
    rules = document.data.get("rules") if isinstance(document.data, dict) else None
    path = str(document.path)
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            continue
        found_id = rule.get("id")
        rule_id = found_id if isinstance(found_id, str) else ""
        if rule_id:
            line, column = document.position_of(("rules", index, "id"))
            where = Location(path=path, line=line)
            first = first_seen.setdefault(rule_id, where)
            if first is not where:
                message = f"duplicate rule id; first defined at {first.path}:{first.line}"
                yield Problem(path, line, column, rule_id, "duplicate-rule-id", message=message)
        category = rule.get("category")
        if declared is not None and isinstance(category, str) and category not in declared:
            line, column = document.position_of(("rules", index, "category"))
            message = (
                f"category: {category!r} is not declared in {SETTINGS_FILE} "
                f"(declared: {', '.join(declared)})"
            )
            yield Problem(path, line, column, rule_id, "unknown-category", message=message)


def _validate(
    path: Path, model: type[M], problems: list[Problem]
) -> tuple[YamlDocument | None, M | None]:
    """The file's YAML (None if unreadable) and its validated model (None if invalid)."""
    from .yaml_reader import load_yaml

    document, found = load_yaml(path)
    if document is None:
        problems.extend(found)
        return None, None
    # The file could be read despite these (a duplicate key, say): name their rule, and go on
    # validating so that every other mistake in the file is reported too.
    problems.extend(_with_rule_id(document, p) for p in found)
    try:
        validated = model.model_validate(document.data)
    except ValidationError as err:
        problems.extend(_problems_from(document, err))
        return document, None
    return document, None if found else validated


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
        line, column = document.position_of(loc)
        yield Problem(
            str(document.path),
            line,
            column,
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
        if part == "[key]":  # pydantic's mark of a mapping's key, after the key
            text += " (the key)"
        elif isinstance(part, int) or not part:
            text += f"[{part!r}]"
        else:
            text += f".{part}" if text else part
    return text
