"""The `ecograph` command: thin click commands over the library.

Each command parses its arguments, calls one library function, prints, and exits.
Every command keeps one exit-code contract (_Group): library errors (EcographError) are printed without a
traceback and end with their code, and a crash ends with 3 and a log file instead of a traceback.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import click

from .errors import EcographError
from .project import CACHE_ENV, Project

WARNINGS_SHOWN = 10
INTERRUPTED = 130  # the exit code for Ctrl-C (128 + SIGINT), as shells report it


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
    """Keeps the exit-code contract: 0 done, 1 violations, 2 bad input or environment, 3 internal error,
    130 interrupted (Ctrl-C).

    A typed error prints its message and exits with its code; an OSError (a file or folder that cannot be
    read or written, a full disk) is an environment problem (2); anything else is a bug (3). Both of the
    latter write their traceback to a log file and print one line saying where: never a traceback on the
    terminal.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EcographError as error:
            click.secho(f"error: {error}", fg="red", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:  # Ctrl-C: 130 as shells report SIGINT, not click's 1 (which means violations)
            click.secho(f"interrupted: `{_command(ctx)}` stopped", fg="red", err=True)
            sys.exit(INTERRUPTED)
        except (
            click.exceptions.ClickException,
            click.exceptions.Exit,
            click.exceptions.Abort,
            SystemExit,
            GeneratorExit,
        ):
            raise
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            click.secho(
                f"error: {error.strerror or error}{where} while running `{_command(ctx)}`: check that the "
                "path exists, that you may read and write it, and that the disk has space"
                f"{_details(error)}",
                fg="red",
                err=True,
            )
            sys.exit(2)
        except BaseException as error:  # a bug, MemoryError, or a panic in native code (not an Exception)
            problem = (
                "ran out of memory"
                if isinstance(error, MemoryError)
                else f"failed with {type(error).__name__}: {_first_line(error)}"
            )
            click.secho(f"internal error: `{_command(ctx)}` {problem}{_details(error)}", fg="red", err=True)
            sys.exit(3)


def _command(ctx: click.Context) -> str:
    return f"ecograph {ctx.invoked_subcommand}" if ctx.invoked_subcommand else "ecograph"


def _first_line(error: BaseException, limit: int = 160) -> str:
    text = (str(error).splitlines() or [""])[0]
    return text if len(text) <= limit else text[:limit] + "…"


def _details(error: BaseException) -> str:
    """'; details in LOG' after writing the traceback to a new file in the system temp dir ('' if it cannot)."""
    from . import __version__  # read from the package metadata on first use

    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    log = Path(tempfile.gettempdir()) / f"ecograph-crash-{stamp}-{os.getpid()}.log"
    try:
        with log.open("x", encoding="utf-8") as stream:
            stream.write(
                f"ecograph {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
                f"command line: {' '.join(sys.argv)}\n\n"
            )
            stream.write("".join(traceback.format_exception(error)))
    except OSError:
        return ""
    return f"; details in {log}"


@click.group(cls=_Group)
@click.version_option(package_name="ecograph", prog_name="ecograph")
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The data project folder (with seeds/, ontology/, mappings/, shapes/, queries/).",
)
@click.option("--base", default=None, help="Base IRI for all terms and data (default https://w3id.org/ecograph/).")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the caches live (default: $ECOGRAPH_CACHE_DIR, else [tool.ecograph] cache-dir, else "
    ".ecograph-cache/ in the project).",
)
@click.pass_context
def main(ctx: click.Context, project_dir: Path, base: str | None, cache_dir: Path | None) -> None:
    """Publish a knowledge graph of innovation ecosystems as linked open data.

    Run it in a data project (seeds/, ontology/, mappings/, shapes/, queries/) or pass --project DIR;
    `ecograph COMMAND --help` describes each command.

    \b
    Exit codes (every command):
      0  done
      1  the data has violations (each with file, line and what to fix)
      2  bad input or environment (the message says what to do)
      3  internal error (one line; the details are in the log file it names)
    130  interrupted (Ctrl-C)

    \b
    Examples:
      ecograph build
      ecograph --project ../my-ecosystems --base https://example.org/kg/ build --out public/
    """
    if cache_dir is not None:  # for the query store and the processes the command starts, too
        ctx.with_resource(_environment(CACHE_ENV, str(cache_dir.resolve())))
    ctx.obj = lambda: Project.open(project_dir, base, cache_dir)


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """The environment variable set while the command runs (restored after: the CLI may run in-process)."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _project(ctx: click.Context) -> Project:
    return ctx.obj()


class ByteSize(click.ParamType):
    """A number of bytes: 1073741824, or with a unit, 512K, 100M, 1G, 1.5GB (K, M, G, T: powers of 1024)."""

    name = "SIZE"
    UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", str(value), re.IGNORECASE)
        size = int(float(match[1]) * self.UNITS[match[2].lower()]) if match else 0
        if size < 1:
            self.fail(f"{value!r} is not a size: give bytes, or a number with K, M or G (e.g. 512M, 1G)", param, ctx)
        return size


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the dumps (default: dist/ in the project).",
)
@click.pass_context
def build(ctx: click.Context, out: Path | None) -> None:
    """Map every article, validate the graph, and write the dumps atomically.

    Reads mappings/*.yaml (and hand-written *.ttl, *.jsonld) with their seeds, checks them and the stored queries,
    validates the graph with the SHACL shapes, and writes the dumps (TriG, Turtle, N-Triples, JSON-LD,
    VoID/DCAT) and the mapping format's JSON Schema into --out. A failing
    or interrupted build leaves the previous output as it was: the output is a link to a complete build,
    replaced in one step.

    \b
    Exit codes:
      0  the dumps were published
      1  the mappings or the shapes report violations (listed with file and line)
      2  bad input or environment: the project, an option, an unwritable --out (says what to do)
      3  internal error (one line; the details are in the log file it names)
    130  interrupted (Ctrl-C)

    \b
    Examples:
      ecograph build
      ecograph build --out /tmp/preview
    """
    from .build.dumps import build_dist
    from .findings import Severity

    project = _project(ctx)
    result = build_dist(project, out or project.default_dist, progress=TerminalProgress())
    click.echo(f"built {result.triples} triples from {result.articles} articles into {result.out}")
    warnings = [f for f in result.warnings if f.severity is Severity.WARNING]
    if warnings:
        click.secho(f"{len(warnings)} warning(s) from the shapes (the graph was published anyway):", fg="yellow")
        for finding in warnings[:WARNINGS_SHOWN]:
            click.echo(f"  {finding.location}: {finding.severity}: {finding.message}")
        if len(warnings) > WARNINGS_SHOWN:
            click.echo(f"  … and {len(warnings) - WARNINGS_SHOWN} more: `ecograph validate MAPPING` lists them all")
    if len(result.warnings) > len(warnings):
        click.echo(
            f"{len(result.warnings) - len(warnings)} suggestion(s) (e.g. labels in more languages): "
            "`ecograph validate MAPPING` lists them"
        )


@main.command()
@click.option(
    "--dist",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The built dumps to serve (default: dist/ in the project; built first when missing).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Results per answer; longer answers are cut and say so.",
)
@click.option(
    "--client-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a client may take to send a request (headers and body); slower clients are disconnected.",
)
@click.option(
    "--max-memory",
    default="1G",
    show_default=True,
    type=ByteSize(),
    help="Memory a query may add to its worker process (e.g. 512M, 2G); past it the query is stopped "
    "with 422 and its worker replaced.",
)
@click.option(
    "--max-response",
    default="100M",
    show_default=True,
    type=ByteSize(),
    help="Bytes of one answer (e.g. 10M); a larger answer is refused with 422.",
)
@click.option(
    "--allow-network-in-queries",
    is_flag=True,
    help="UNSAFE on a public endpoint: serve even where the query workers cannot be cut off from the "
    "network (no user namespaces). SERVICE is still refused, but nothing else stops a query "
    "from reaching other servers.",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    help="Query worker processes for slow queries (default: one per core, at least 2).",
)
@click.option(
    "--fast-workers",
    default=None,
    type=click.IntRange(min=1),
    help="Query worker processes kept for cheap queries (default: one per core, at least 2); a query "
    "that uses more than 0.25 s of CPU there moves to the workers for slow queries.",
)
@click.option(
    "--forwarded-allow-ips",
    default=None,
    metavar="IPS",
    help="Behind a reverse proxy: the proxies' addresses (comma-separated; networks and * allowed) "
    "whose X-Forwarded-For gives the client's address, which fair sharing of the workers counts "
    "by. Default: none (the connecting address counts).",
)
@click.option(
    "--store",
    type=click.Choice(["auto", "memory", "disk"]),
    default="auto",
    show_default=True,
    help="Hold the data in memory (fast) or in the on-disk store (large data); auto: memory up to "
    "a 16 MB TriG (about 280k triples).",
)
@click.option(
    "--no-access-log",
    is_flag=True,
    help="Do not write the access log (one line per request on stderr: method, path, status, milliseconds).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    dist: Path | None,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    client_timeout: float,
    max_memory: int,
    max_response: int,
    allow_network_in_queries: bool,
    workers: int | None,
    fast_workers: int | None,
    forwarded_allow_ips: str | None,
    store: str,
    no_access_log: bool,
) -> None:
    """Serve the SPARQL endpoint, dumps and pages of a built dist/.

    While it runs, each new `ecograph build` of dist/ is loaded and served in its place: requests under way
    finish on the build they started on, and no answer mixes two builds.

    The query workers run without any network (a Linux user + network namespace); where that is not
    possible, serve says why and exits with 2 unless --allow-network-in-queries is given.

    \b
    Exit codes:
      2  bad input or environment: no build, a port in use, a wrong option (says what to do)
      3  internal error (one line; the details are in the log file it names)
    130  stopped with Ctrl-C, once the requests under way are answered (SIGTERM stops it the same
         way and ends it as that signal does: 143)

    \b
    Examples:
      ecograph serve
      ecograph serve --port 8081 --timeout 30 --dist /tmp/preview
    """
    from .serve.model import Limits
    from .serve.server import listen, prepare_server

    limits = Limits(
        timeout=timeout,
        max_rows=max_rows,
        client_timeout=client_timeout,
        max_memory=max_memory,
        max_response=max_response,
    )
    listener = listen(host, port)  # a port in use is said at once, before any building or loading
    dist = dist or _project(ctx).default_dist
    try:
        _build_when_missing(ctx, dist)
    except BaseException:
        listener.close()
        raise
    server = prepare_server(
        dist,
        listener,
        host=host,
        port=port,
        limits=limits,
        workers=workers,
        fast_workers=fast_workers,
        store=store,
        forwarded_allow_ips=forwarded_allow_ips,
        allow_network=allow_network_in_queries,
        access_log=not no_access_log,
    )
    for name, url in server.urls.items():
        click.echo(f"{name:>7}: {url}")
    click.echo(f"queries: {server.isolation_summary}")
    server.run()


def _build_when_missing(ctx: click.Context, dist: Path) -> None:
    """Build the project into `dist` when it holds no ecograph.trig yet (serve then serves what was built)."""
    from .build.dumps import build_dist
    from .store import TRIG

    if not (dist / TRIG).is_file():
        build_dist(_project(ctx), dist)


def _http_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.lower().startswith(("http://", "https://")):
        raise click.BadParameter(
            f"{value!r} is not an http:// or https:// URL; give the endpoint's full URL, "
            "e.g. http://localhost:3030/ecograph/sparql"
        )
    return value


def _key_values(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, equals, text = value.partition("=")
        if not equals or not key:
            raise click.BadParameter(f"{value!r} is not KEY=VALUE; write e.g. --param q=twente")
        pairs[key] = text
    return pairs


@main.command(name="query")
@click.argument("source")
@click.option(
    "--endpoint",
    default=None,
    callback=_http_url,
    help="A SPARQL endpoint URL, http:// or https:// (default: the local build).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option(
    "--dist",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The build to query (default: dist/ in the project).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    callback=_key_values,
    metavar="KEY=VALUE",
    help="Bind a parameter the query declares (#+ param:), e.g. --param funder=organisation/twente-board.",
)
@click.pass_context
def query_command(
    ctx: click.Context, source: str, endpoint: str | None, fmt: str, dist: Path | None, params: dict[str, str]
) -> None:
    """Run a stored query (NAME, from queries/) or a query FILE and print the answer.

    By default the query runs on the local build (dist/); --endpoint runs it on any SPARQL endpoint.

    \b
    Exit codes:
      0  answered
      2  bad input or environment: an unknown query, a syntax error, no build, an endpoint that fails
      3  internal error (one line; the details are in the log file it names)
    130  interrupted (Ctrl-C)

    \b
    Examples:
      ecograph query funding-by-funder
      ecograph query my-query.rq --format csv
      ecograph query articles --endpoint http://localhost:3030/ecograph/sparql
      ecograph query label-search --param q=twente
    """
    from .query import render, run_query

    outcome = run_query(source, dist=dist, endpoint=endpoint, project=lambda: _project(ctx), params=params)
    click.echo(render(outcome, fmt))


VALIDATE_HELP = """Check a contribution before it is merged, and say what to fix.

PATH is one or more files of one contribution: Turtle (.ttl), TriG (.trig), N-Triples (.nt), N-Quads (.nq),
JSON-LD (.jsonld), RDF/XML (.rdf) or an article mapping (.yaml, mapped first). It is checked in the context of
the published graph (DIST/ecograph.trig; build it with `ecograph build`): links to published entities resolve
and their types count, but only the contribution's own entities are reported.

\b
Checks: SHACL shapes, ontology rules, disjoint types, references,
provenance (claims and quotes), naming, and likely duplicates; with
--reasoner, also OWL consistency with HermiT (needs Java, about 1.5 s more).

A large published graph is not parsed: validate opens the on-disk store
that `ecograph serve` keeps in the cache folder (--cache-dir, else
DIST/../.ecograph-cache/; built once, on first use) and an index of its
names beside it.

\b
Exit codes:
  0  the contribution conforms (warnings allowed)
  1  it has violations (the report says what to fix)
  2  a file cannot be read (syntax, encoding, size, not a regular file,
     XML entity declarations) or the command is wrong
  3  internal error (one line; the details are in the log file it names)
130  interrupted (Ctrl-C)

\b
Examples:
  ecograph validate mappings/005_new-article.yaml
  ecograph validate contribution.ttl --format json --against dist/
"""


@main.command(help=VALIDATE_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people, json for CI bots, turtle for the standard sh:ValidationReport.",
)
@click.option(
    "--against",
    type=click.Path(path_type=Path),
    default=None,
    help="The published dist/ folder (or its ecograph.trig) to check against (default: the project's dist/).",
)
@click.option(
    "--reasoner/--no-reasoner",
    default=False,
    show_default=True,
    help="Also run the OWL reasoner HermiT (needs Java). Off by default: its JVM alone takes about "
    "1.6 s of wall time and more than a core, which would double validate's time on two cores. "
    "Disjoint types (the inconsistency HermiT finds in this ontology) are checked directly "
    "either way.",
)
@click.option("--infos", is_flag=True, help="Show Info findings (suggestions) in the text report too.")
@click.pass_context
def validate(
    ctx: click.Context, paths: tuple[Path, ...], fmt: str, against: Path | None, reasoner: bool, infos: bool
) -> None:
    from .validate.report import to_json, to_text, to_turtle
    from .validate.run import validate as run_validation

    logging.getLogger("rdflib.term").setLevel(logging.ERROR)  # ill-typed literals are reported, not logged
    try:
        report = run_validation(list(paths), against, project=_project(ctx), reasoner=reasoner)
    except EcographError as error:
        if fmt != "json":
            raise
        click.echo(json.dumps({"ok": False, "exit_code": error.exit_code, "error": str(error)}, indent=2))
        sys.exit(error.exit_code)
    shown = to_text(report, infos=infos) if fmt == "text" else (to_json if fmt == "json" else to_turtle)(report)
    click.echo(shown, nl=False)
    sys.exit(report.exit_code)


@main.command()
@click.option("--reference", is_flag=True, help="Print the reference of the mapping format as Markdown instead.")
@click.pass_context
def schema(ctx: click.Context, reference: bool) -> None:
    """Print the mapping format: the JSON Schema of a mapping file, or its reference.

    The JSON Schema (draft 2020-12) and the Markdown reference are made from the ontology and the mapping
    engine's rules. Editors check mappings against the schema as you type (mappings/mapping.schema.json,
    named by the first line of a scaffold); the build writes it into dist/ too.

    \b
    Exit codes:
      0  printed
      2  bad input or environment: the project, its ontology or shapes (says what to do)
      3  internal error (one line; the details are in the log file it names)

    \b
    Examples:
      ecograph schema > mappings/mapping.schema.json
      ecograph schema --reference > mappings/README.md
    """
    from .mappingformat import mapping_reference, schema_text

    project = _project(ctx)
    click.echo(mapping_reference(project) if reference else schema_text(project), nl=False)


@main.command()
@click.argument("article", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--id",
    "stem",
    default=None,
    help="The article's file stem (seeds/<ID>.txt, mappings/<ID>.yaml); default: the file's own stem "
    "when it is in seeds/, else the next number and the text's checksum.",
)
@click.option(
    "--against",
    type=click.Path(path_type=Path),
    default=None,
    help="The published dist/ to find known entities in (default: the project's dist/, else its mappings).",
)
@click.pass_context
def new(ctx: click.Context, article: Path, stem: str | None, against: Path | None) -> None:
    """Scaffold a mapping for a new article: seed, metadata, known entities and to-dos.

    Copies ARTICLE (a UTF-8 text file) to seeds/ if it is not there, and writes seeds/<ID>.yaml (metadata to
    check) and mappings/<ID>.yaml: the ids of the published entities the text mentions (looked up in dist/,
    else in the project's mappings), draft facts the text seems to state, each with its sentence and marked
    '# DRAFT' (confirm one by deleting the mark, or delete it), and a `todo:` list of every amount, date,
    count and percentage the text states. Then fill it in and run `ecograph validate mappings/<ID>.yaml`.
    It never overwrites a file.

    \b
    Exit codes:
      0  written
      2  bad input or environment: an unreadable article, a wrong --against (says what to do)
      3  internal error (one line; the details are in the log file it names)
    130  interrupted (Ctrl-C)

    \b
    Examples:
      ecograph new ~/Downloads/cleanroom.txt --id 900_acme-clean-room
      ecograph new seeds/005_7171e9f63f44d515.txt
    """
    from .scaffold import scaffold, todo_items

    result = scaffold(_project(ctx), article, stem=stem, against=against)
    for note in result.notes:
        click.secho(f"note: {note}", fg="yellow", err=True)
    for path in result.written:
        click.echo(f"wrote {path}")
    click.echo(
        f"{len(result.entities)} known entities, {sum(len(d.facts) for d in result.drafts)} draft facts, "
        f"{len(todo_items(result))} to-dos; next: edit "
        f"{result.mapping}, then run: ecograph validate {result.mapping}"
    )


@main.group()
def bench() -> None:
    """Scale: generate a synthetic corpus, and benchmark build, endpoint, validate and serve on it.

    \b
    Exit codes:
      0  done
      2  bad input or environment (the message says what to do)
      3  internal error (one line; the details are in the log file it names)
    130  interrupted (Ctrl-C)
    """


@bench.command(name="drafts")
@click.option(
    "--articles",
    "folder",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("tests/fixtures/drafts"),
    show_default=True,
    help="A folder of NAME.txt articles, each with the finished mapping NAME.yaml (held-out.list: held out).",
)
@click.pass_context
def bench_drafts_command(ctx: click.Context, folder: Path) -> None:
    """How many of the finished mappings' facts `ecograph new` drafts, and how many drafts are deleted.

    Prints a Markdown table (the one in BENCHMARKS.md): per article the finished facts, the drafted facts,
    those in both, recall (correct / finished) and the share of drafts a person deletes; the project's own
    articles too, each drafted against what the other mappings publish.
    """
    from .bench.drafts import bench_drafts, bench_seed_drafts, format_scores

    project = _project(ctx)
    click.echo(format_scores(bench_drafts(project, folder) + bench_seed_drafts(project)))


@bench.command(name="generate")
@click.option("--articles", "count", type=click.IntRange(min=1), required=True, help="How many articles.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder of the new data project (a corpus written there before is replaced).",
)
@click.option("--seed", default=1, show_default=True, help="The same seed and size give the same bytes.")
@click.pass_context
def bench_generate(ctx: click.Context, count: int, out: Path, seed: int) -> None:
    """Write a synthetic data project (seeds, mappings; ontology, shapes, queries copied from the project)."""
    from .bench.synthetic import generate_corpus

    summary = generate_corpus(out, count, seed=seed, template=_project(ctx).root)
    click.echo(
        f"wrote {summary.articles} articles ({summary.entities} entities, {summary.text_bytes:,} bytes of "
        f"text) into {summary.out}"
    )


@bench.command(name="run")
@click.option("--sizes", default="50,500,5000", show_default=True, help="Corpus sizes, in articles.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("BENCHMARKS.md"),
    show_default=True,
    help="The Markdown file whose measured section is rewritten.",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the corpora, builds and stores go (default: a folder in the system temp dir).",
)
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--duration",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Seconds of load per endpoint cell.",
)
@click.option("--connections", default=8, show_default=True, type=click.IntRange(min=1))
@click.option("--endpoint/--no-endpoint", default=True, show_default=True, help="Run the endpoint comparison.")
@click.option(
    "--rdflib-max-articles",
    default=500,
    show_default=True,
    type=click.IntRange(min=0),
    help="Skip rdflib-endpoint above this size (it is slow to load and holds everything in memory).",
)
@click.option(
    "--verify/--no-verify",
    default=True,
    show_default=True,
    help="Compare the incremental build byte for byte with a full build of the changed corpus.",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the raw measurements as JSON.",
)
@click.pass_context
def bench_run(
    ctx: click.Context,
    sizes: str,
    out: Path,
    workdir: Path | None,
    seed: int,
    duration: float,
    connections: int,
    endpoint: bool,
    rdflib_max_articles: int,
    verify: bool,
    json_out: Path | None,
) -> None:
    """Measure build, incremental build, endpoint load, validate and serve start-up; write the table."""
    from .bench.run import BenchConfig, BenchReport, render_markdown, report_json, run_benchmark, write_report

    try:
        counts = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError as error:
        raise click.BadParameter(
            "write sizes as numbers separated by commas, e.g. 50,500", param_hint="--sizes"
        ) from error
    config = BenchConfig(
        sizes=counts,
        template=_project(ctx).root,
        seed=seed,
        duration=duration,
        connections=connections,
        endpoint=endpoint,
        rdflib_max_articles=rdflib_max_articles,
        verify_identical=verify,
        log=lambda message: click.echo(message, err=True),
    )
    if workdir is not None:
        config.workdir = workdir.resolve()

    def save(report: BenchReport) -> None:  # after each size, so a long run keeps what it measured
        write_report(out, render_markdown(report))
        if json_out is not None:
            json_out.write_text(report_json(report), encoding="utf-8")

    report = run_benchmark(config, command=" ".join(["ecograph", *sys.argv[1:]]), on_size=save)
    click.echo(render_markdown(report))


@bench.command(name="load")
@click.option(
    "--dist",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The build to serve (default: dist/ in the project; run `ecograph build` first).",
)
@click.option("--duration", default=20.0, show_default=True, type=click.FloatRange(min=1), help="Seconds of load.")
@click.option(
    "--connections",
    default=64,
    show_default=True,
    type=click.IntRange(min=1),
    help="Connections looping the stored queries (/api/queries/NAME, each in turn).",
)
@click.option(
    "--heavy",
    default=4,
    show_default=True,
    type=click.IntRange(min=0),
    help="Connections looping a query that runs to the time limit (a cartesian COUNT).",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="The server's time limit per query (serve --timeout).",
)
@click.pass_context
def bench_load(
    ctx: click.Context, dist: Path | None, duration: float, connections: int, heavy: int, timeout: float
) -> None:
    """Measure the endpoint under mixed load: stored queries while heavy queries loop; print the table.

    Serves the build on 127.0.0.1 and runs two wrk processes at once (apt-get install wrk), one per class of
    request; the table gives per class the requests, the share answered 200 and the latency percentiles.

    \b
    Examples:
      ecograph bench load
      ecograph bench load --duration 60 --connections 128 --heavy 2
    """
    from .bench.load import LoadConfig, measure_under_load, render_table

    project = _project(ctx)
    config = LoadConfig(
        dist=(dist or project.default_dist).resolve(),
        project=project.root,
        duration=duration,
        connections=connections,
        heavy_connections=heavy,
        timeout=timeout,
    )
    click.echo(render_table(measure_under_load(config)), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
