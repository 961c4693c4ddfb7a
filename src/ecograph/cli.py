"""The `ecograph` command: thin click commands over the library.

Each command parses its arguments, calls one library function, prints, and exits.
Library errors (EcographError) are printed without a traceback and end with their exit code.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click

from . import __version__
from .errors import EcographError
from .project import Project


class TerminalProgress:
    """Shows each build step and its duration on stderr (when stderr is a terminal, with a live line)."""

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        live = sys.stderr.isatty()
        if live:
            click.echo(f"  … {name}", err=True, nl=False)
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
        click.echo(("\r" if live else "") + f"  ✓ {name} ({elapsed:.1f} s)", err=True)


class _Group(click.Group):
    """Turns the library's typed errors into a clear message and exit code, never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except EcographError as error:
            click.secho(f"error: {error}", fg="red", err=True)
            sys.exit(error.exit_code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="ecograph")
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The data project folder (with seeds/, ontology/, mappings/, shapes/, queries/).",
)
@click.option("--base", default=None, help="Base IRI for all terms and data (default https://w3id.org/ecograph/).")
@click.pass_context
def main(ctx: click.Context, project_dir: Path, base: str | None) -> None:
    """Publish a knowledge graph of innovation ecosystems as linked open data."""
    ctx.obj = lambda: Project.open(project_dir, base)


def _project(ctx: click.Context) -> Project:
    return ctx.obj()


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the dumps (default: dist/ in the project).")
@click.pass_context
def build(ctx: click.Context, out: Path | None) -> None:
    """Map every article, validate the graph, and write the dumps atomically."""
    from .dumps import build_dist

    project = _project(ctx)
    result = build_dist(project, out or project.default_dist, progress=TerminalProgress())
    click.echo(f"built {result.triples} triples from {result.articles} articles into {result.out}")


if __name__ == "__main__":  # pragma: no cover
    main()
