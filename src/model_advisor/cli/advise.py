"""The commands that answer: ``advise`` (tasks given here), ``serve`` (over HTTP), ``schema``
(the shape of the answer) and ``init`` (a knowledge directory of your own to answer from)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import click

from ..advice.advisor import load_long_lived
from ..advice.render import render_advice
from ..types import advice_schema
from .common import rules_option


@click.command()
@click.argument("tasks", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the advice as JSON.")
@rules_option
def advise(tasks: tuple[str, ...], as_json: bool, rules_path: Path | None) -> None:
    """Advise on TASKS: which kind of AI fits each, how sure, and why.

    Give several tasks as several arguments, or `-` to read one task per line from stdin;
    with no TASKS, piped stdin is read the same way. With --json, one task prints a JSON
    object and several print a JSON array.

    Example:

        model-advisor advise "predict weather" "draft a sales email"
    """
    if not tasks:
        if sys.stdin is None or sys.stdin.isatty():  # nothing piped: say how to use it
            click.echo(click.get_current_context().get_help())
            raise click.exceptions.Exit(2)
        tasks = ("-",)
    texts = list(_expand_stdin(tasks))
    if not texts:
        raise click.UsageError("no task given: stdin had no non-blank line")
    advisor = load_long_lived(rules_path)
    advice = [advisor.advise(text) for text in texts]
    if as_json:
        data = [a.model_dump(mode="json") for a in advice]
        click.echo(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False))
    else:
        click.echo("\n\n".join(render_advice(a) for a in advice))


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Write a copy of the shipped knowledge (notes, categories, rules, glossary, examples and
    model) into DIRECTORY, a new or empty directory, to edit and use as your own.

    Example:

        model-advisor init my-knowledge
    """
    from ..knowledge.starter import init_knowledge

    written = init_knowledge(directory)
    # a folder's files as one entry: "glossary/ (21)"
    shown = Counter(p.name if p.parent == directory else f"{p.parent.name}/" for p in written)
    listed = ", ".join(f"{k} ({n})" if k.endswith("/") else k for k, n in shown.items())
    click.echo(f"wrote {len(written)} files to {directory}: {listed}")
    click.echo(
        "next: edit them, then\n"
        f"  model-advisor rules check {directory}\n"
        f"  model-advisor rules test {directory}\n"
        f"  model-advisor train {directory}\n"
        f'  model-advisor advise --rules {directory} "your task"'
    )


@click.command()
def schema() -> None:
    """Print the JSON Schema of the advice that `advise --json` and `batch --full` produce.

    Example:

        model-advisor schema > advice.schema.json
    """
    click.echo(json.dumps(advice_schema(), indent=2))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on.",
)
@rules_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes, each with its own copy of the knowledge.",
)
@click.option(
    "--api-key",
    envvar="MODEL_ADVISOR_API_KEY",
    help="Require `Authorization: Bearer KEY` on every API call.",
)
def serve(host: str, port: int, rules_path: Path | None, workers: int, api_key: str | None) -> None:
    """Serve the advisor over HTTP: a JSON API under /v1, a web page at /, docs at /docs.

    Listens on 127.0.0.1 (this machine only) unless --host says otherwise; without
    --api-key, anyone who can reach the port can use it. Stops on Ctrl-C or SIGTERM.
    Needs the serve extra: pip install 'model-advisor[serve]'.

    Example:

        model-advisor serve --port 8000 --workers 2
    """
    try:
        from ..serve import ServeConfig, binding_warning
        from ..serve import serve as run_server
    except ImportError as err:
        raise click.ClickException(
            f"serve needs FastAPI and uvicorn ({err.name} is missing): "
            "pip install 'model-advisor[serve]'"
        ) from err
    warning = binding_warning(host, api_key)
    if warning:
        click.echo(f"Warning: {warning}", err=True)
    run_server(ServeConfig(host, port, rules_path, workers, api_key))


def _expand_stdin(tasks: Iterable[str]) -> Iterable[str]:
    for task in tasks:
        if task == "-":
            yield from (line.strip() for line in sys.stdin if line.strip())
        else:
            yield task
