"""The ``model-advisor`` command: a thin layer over the library.

Each command parses its options, calls one library function and renders the result. Expected
failures (:class:`AdvisorError`) become ``Error: ...`` on stderr and exit code 1, in one place:
:class:`~model_advisor.cli.common.Group`.

The commands live by family: :mod:`.advise` (advise, init, schema, serve), :mod:`.batch`
(batch) and :mod:`.quality` (train, evaluate, and rules check, test and stats); this module
gathers them under :func:`cli`.
"""

from __future__ import annotations

import os

import click

from .._version import __version__
from . import advise, batch, quality
from .common import Group

__all__ = ["cli"]

# Pydantic looks for plugins (the entry points of every installed distribution) the first time
# it builds a validator, which no command does on import: about 15 ms of each command's start,
# for plugins no command uses. A user who wants them sets the variable to an empty string.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="model-advisor")
def cli() -> None:
    """Tell which kind of AI fits a task (discriminative, generative or AGI), and why."""


cli.add_command(advise.advise)
cli.add_command(batch.batch)
cli.add_command(quality.train)
cli.add_command(quality.evaluate)
cli.add_command(advise.init)
cli.add_command(advise.schema)
cli.add_command(advise.serve)
cli.add_command(quality.rules)
