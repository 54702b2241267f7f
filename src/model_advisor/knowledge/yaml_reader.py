"""Load YAML into plain data plus the line of every key and item (private).

PyYAML's safe loader keeps the last of two duplicate keys and expands aliases without limit;
here duplicate keys, anchors/aliases, over-deep nesting and oversized files are errors, and
every value's position is kept so a validation error can name its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

Loc = tuple[str | int, ...]
MAX_YAML_BYTES = 1_000_000
MAX_DEPTH = 32

_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")
)

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlDocument:
    """Plain data from one YAML file, plus the 1-based line and column where each location
    starts (a mapping entry's: where its key stands)."""

    def __init__(
        self, path: Path, data: Any, lines: dict[Loc, int], columns: dict[Loc, int] | None = None
    ) -> None:
        self.path = path
        self.data = data
        self.lines = lines
        self.columns = columns or {}

    def line_of(self, loc: Loc) -> int:
        """Return the line of the longest prefix of ``loc`` present in the file (1 if none)."""
        return self.position_of(loc)[0]

    def position_of(self, loc: Loc) -> tuple[int, int]:
        """The line and column of the longest prefix of ``loc`` present in the file."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line, self.columns.get(loc[:end], 0)
        return 1, 0


def load_yaml(path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Read ``path`` as one YAML document.

    Returns:
        The document (``None`` when it could not be read) and the problems found.
    """
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            message = f"file is {size} bytes; the limit is {MAX_YAML_BYTES}"
            return None, [Problem(shown, code="file-too-large", message=message)]
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [Problem(shown, code="not-utf8", message=f"not UTF-8 text: {err.reason}")]
    except OSError as err:
        return None, [Problem(shown, code="unreadable", message=f"cannot read: {err.strerror}")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = f"invalid YAML: {err.problem or err.context}"
        return None, [Problem(shown, line, column, code="invalid-yaml", message=message)]
    except yaml.YAMLError as err:
        return None, [Problem(shown, code="invalid-yaml", message=f"invalid YAML: {err}")]
    except RecursionError:  # only the pure-Python parser recurses; libyaml reports depth itself
        message = f"invalid YAML: nested too deeply (limit {MAX_DEPTH})"
        return None, [Problem(shown, code="too-deep", message=message)]
    if node is None:
        return None, [Problem(shown, 1, code="empty-file", message="file is empty")]
    builder = _Builder(shown)
    data = builder.build(node, (), 0)
    return YamlDocument(path, data, builder.lines, builder.columns), builder.problems


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[Loc, int] = {}
        self.columns: dict[Loc, int] = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()
        self._scalars = yaml.SafeLoader("")

    def _problem(self, node: yaml.Node, code: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.path, mark.line + 1, mark.column + 1, "", code, "error", message)
        )

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.lines[loc] = node.start_mark.line + 1
        self.columns[loc] = node.start_mark.column + 1
        if id(node) in self._seen:
            self._problem(node, "yaml-alias", "anchors and aliases are not allowed in rule files")
            return None
        self._seen.add(id(node))
        if depth > MAX_DEPTH:
            self._problem(node, "too-deep", f"nesting deeper than {MAX_DEPTH} levels")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag not in _PLAIN_TAGS:
            self._problem(node, "bad-tag", f"unsupported tag {node.tag!r}; use plain values")
            return None
        try:
            return self._scalars.construct_object(node)
        except yaml.YAMLError as err:
            self._problem(node, "bad-value", f"cannot read this value: {err}")
            return None

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                self._problem(key_node, "bad-key", "keys must be plain scalars (no merge keys)")
                continue
            key = self._scalar(key_node)
            if not isinstance(key, (str, int, float, bool)):
                self._problem(key_node, "bad-key", "keys must be plain scalars")
                continue
            if key in result:
                self._problem(key_node, "duplicate-key", f"duplicate key {key!r}")
                continue
            result[key] = self.build(value_node, (*loc, str(key)), depth + 1)
            self.lines[(*loc, str(key))] = key_node.start_mark.line + 1
            self.columns[(*loc, str(key))] = key_node.start_mark.column + 1
        return result
