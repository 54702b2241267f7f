"""The exceptions model-advisor raises for problems a user can fix.

Every one of them derives from :class:`AdvisorError`, so a caller can catch that one type::

    AdvisorError
    ├── RuleFileError       a rules or categories YAML file is unreadable or invalid
    ├── ExampleDataError    the example-tasks CSV is unreadable or invalid
    ├── KnowledgeBaseError  the notes are missing or lack a declared section, or a new
    │                       knowledge directory cannot be written
    ├── ModelFileError      a saved model is missing, corrupt, stale or from another version
    ├── InvalidTaskError    a task text that cannot be advised on (for example, empty)
    ├── TableError          a table of tasks (examples, labelled tasks, batch input) unreadable
    │   └── BatchError      a batch that cannot run: bad input or output, or a bad row (strict)
    └── ReportError         the HTML report cannot be written (matplotlib missing, say)

This module imports nothing from the package, so every other module can import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a file, located by path, line and column (sorts by position).

    Rendered as ``path:line:col: level: message (rule-id)``, the one shape of every problem,
    in ``rules check`` and in the ``Error:`` of any other command (a line or column of 0:
    the whole file or line).
    """

    path: str
    line: int = 0
    column: int = 0
    rule_id: str = ""
    code: str = ""
    level: Level = field(default="error", compare=False)
    message: str = field(default="", compare=False)

    def __str__(self) -> str:
        rule = f" ({self.rule_id})" if self.rule_id else ""
        return f"{self.path}:{self.line}:{self.column}: {self.level}: {self.message}{rule}"

    def parsable(self) -> str:
        """The one-line form (as ``str``): ``file:line:col: level: message (rule-id)``."""
        return str(self)


class AdvisorError(Exception):
    """Root of the expected failures: a user sees their message, without a traceback."""

    def __reduce__(self) -> str | tuple[object, ...]:
        # Rebuilt from the fields its __init__ takes, so that an error raised in a worker
        # process crosses back to the parent whole (the default would pass the message only).
        fields = getattr(self, "_fields", None)
        if fields is None:
            return super().__reduce__()
        return (type(self), tuple(getattr(self, name) for name in fields))


class ProblemsError(AdvisorError):
    """An error holding every problem found in one or more files, not just the first."""

    _fields = ("problems",)

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class RuleFileError(ProblemsError):
    """A rules or categories file failed to load; ``problems`` lists every mistake found."""


class ExampleDataError(ProblemsError):
    """The example-tasks CSV failed to load; ``problems`` lists every bad row."""


class KnowledgeBaseError(AdvisorError):
    """The notes file is missing, unreadable, or lacks a section the categories declare; or a
    knowledge directory cannot be created (``init``)."""

    _fields = ("path", "message", "line")

    def __init__(self, path: str, message: str, line: int = 0) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ModelFileError(AdvisorError):
    """A saved model cannot be used: missing, corrupt, stale or written by another version.

    ``code`` says which: ``missing``, ``unreadable``, ``corrupt``, ``version``, ``stale`` or
    ``untrained``.
    """

    _fields = ("path", "message", "code")

    def __init__(self, path: str, message: str, code: str = "corrupt") -> None:
        self.path, self.message, self.code = path, message, code
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidTaskError(AdvisorError):
    """A task text the advisor cannot work with, such as an empty or blank string."""


class TableError(AdvisorError):
    """A table of tasks that cannot be read: not a table, undecodable, or lacking a column.

    The one table reader (examples, labelled files, batch input) raises it; ``code`` is a
    stable kebab-case name of what is wrong.
    """

    _fields = ("path", "message", "line", "code")

    def __init__(self, path: str, message: str, line: int = 0, code: str = "bad-table") -> None:
        self.path, self.line, self.message, self.code = path, line, message, code
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    def problem(self) -> Problem:
        """The same error as a :class:`Problem`, for errors that hold a list of them."""
        return Problem(self.path, self.line, code=self.code, message=self.message)


class BatchError(TableError):
    """A batch input that cannot be read as a table of tasks, an output that cannot be
    written, or a bad row under ``strict``."""


class ReportError(AdvisorError):
    """The HTML report cannot be written: matplotlib is missing, or the directory is not
    writable."""
