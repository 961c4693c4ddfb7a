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


@main.command()
@click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The built dumps to serve (default: dist/ in the project; built first when missing).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run before it is stopped.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Results per answer; longer answers are cut and say so.")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Query worker processes (default: one per core, at least 2).")
@click.pass_context
def serve(ctx: click.Context, dist: Path | None, host: str, port: int, timeout: float, max_rows: int,
          workers: int | None) -> None:
    """Serve the SPARQL endpoint, dumps and pages of a built dist/."""
    from .serve.model import Limits
    from .serve.server import prepare_server

    server = prepare_server(dist or _project(ctx).default_dist, project=lambda: _project(ctx), host=host,
                            port=port, limits=Limits(timeout=timeout, max_rows=max_rows), workers=workers)
    for name, url in server.urls.items():
        click.echo(f"{name:>7}: {url}")
    server.run()


if __name__ == "__main__":  # pragma: no cover
    main()
