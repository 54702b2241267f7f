"""Keep the docs honest: every command documented, the public API and error table up to date."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import click
import pytest

import model_advisor
from model_advisor import errors
from model_advisor.cli import cli

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix}{name} "))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(cli))
def test_docs_every_command_has_help_and_is_in_the_readme(
    name: str, command: click.Command
) -> None:
    assert command.help, f"`{name}` has no help text"
    if not isinstance(command, click.Group):
        assert "Example:" in command.help, f"`{name}` help has no Example: block"
    assert f"model-advisor {name}" in README, f"`model-advisor {name}` is not in the README"


def test_docs_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name in dir(model_advisor)
        if not name.startswith("_")
        and not inspect.ismodule(getattr(model_advisor, name))
        and name not in ("annotations", "importlib")
    }
    assert set(model_advisor.__all__) == public | {"__version__"}


def test_docs_readme_error_table_matches_errors_module() -> None:
    documented = set(re.findall(r"^\| `(\w+Error)` \|", README, flags=re.MULTILINE))
    defined = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value)
        and issubclass(value, errors.AdvisorError)
        and name != "ProblemsError"
    }
    assert documented == defined


def test_docs_readme_test_command_is_what_ci_runs() -> None:
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in README
    assert "<!-- test-command -->" in ci
    command = README.split("<!-- test-command -->", 1)[1].split("```sh\n", 1)[1].split("\n", 1)[0]
    assert "pytest" in command and "pip install" in command
