"""What every command shares: the error handling, the common options and the rendering of a
report as text or JSON."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel

from .. import _paths
from ..errors import AdvisorError
from ..quality import DEFAULT_FOLDS
from ..signals import Signalled

R = TypeVar("R", bound=BaseModel)

_RULES_HELP = (
    "A knowledge directory of your own (rules, examples, notes) instead of the shipped one."
)


class Group(click.Group):
    """Turns the library's expected errors into a one-line ``Error:`` and exit code 1, and an
    interruption into one line and the shell's convention: 130 for Ctrl-C, 128 + N for a
    signal N (SIGTERM 143, SIGHUP 129)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AdvisorError as err:
            raise click.ClickException(str(err)) from err
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            raise click.exceptions.Exit(128 + signal.SIGINT) from None
        except Signalled as stopped:
            click.echo(f"Error: stopped by {signal.Signals(stopped.signum).name}", err=True)
            raise click.exceptions.Exit(128 + stopped.signum) from None


def rules_option(function: Any) -> Any:
    return click.option(
        "--rules",
        "rules_path",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="MODEL_ADVISOR_RULES",
        help=_RULES_HELP,
    )(function)


def knowledge_dir(directory: Path | None) -> Path:
    return directory or _paths.default_knowledge_dir()


def directory_argument(function: Any) -> Any:
    return click.argument(
        "directory", required=False, type=click.Path(file_okay=False, path_type=Path)
    )(function)


def folds_option(help_text: str) -> Callable[[Any], Any]:
    return click.option(
        "--folds",
        type=click.IntRange(min=2),
        default=DEFAULT_FOLDS,
        show_default=True,
        help=help_text,
    )


def json_option(function: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")(
        function
    )


def emit(report: R, as_json: bool, render: Callable[[R], str]) -> None:
    click.echo(report.model_dump_json(indent=2) if as_json else render(report))
