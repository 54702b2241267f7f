"""Run the command line: ``python -m model_advisor``."""

from .cli import cli

cli(prog_name="model-advisor")
