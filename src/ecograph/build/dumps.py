"""`ecograph build`: map every article, validate, and publish the dumps — atomically.

Everything is written into a fresh folder beside the output (`.dist.build-<random>`); when every file is
complete, dist becomes a symbolic link to that folder in one step: a new link is renamed over the old one. So
dist/ is always a whole build, the previous one or the new one, whenever the build stops (an error, Ctrl-C,
SIGKILL, a full disk). Builds into the same output take turns (a lock file beside it, `.dist.lock`), and each
removes what killed builds left behind and the builds that dist no longer points to; the current one is
never removed, nor one that a running server still reads (it pins the folder with a shared flock).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph
from pyoxigraph import RdfFormat, Triple

from ..cachefile import read_entry, write_entry
from ..errors import BuildError, InputError, Location
from ..findings import Finding
from ..mappingformat import NAMES_SCHEMA_FILE, SCHEMA_FILE, names_schema_text, schema_text
from ..namespaces import dump_prefixes
from ..ontology import Vocabulary
from ..project import FOLDERS, Project
from ..queries import load_queries
from ..searchindex import INDEX_FILE, write_index
from .graph import (
    Dataset,
    entity_kinds,
    jsonld_context,
    write_jsonld,
    write_ntriples_gzip,
    write_rdf,
)
from .inference import INFERRED_GRAPH, infer
from .mapcache import map_article_cached
from .mapping import ArticleGraph, undeclared_entity
from .metadata import write_void
from .names import names_graph, read_names
from .rdfmapping import file_problems
from .shacl import validate_articles

TEXTS = "texts"  # the articles' texts, named as their eco:seedFile
BUILD_MARKERS = ("void.ttl", "ecograph.trig")  # files only a build writes: the folder may be replaced


class Progress(Protocol):
    def step(self, name: str) -> contextlib.AbstractContextManager[None]: ...


class NoProgress:
    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        yield


@dataclass
class BuildResult:
    out: Path
    articles: int
    triples: int
    files: list[str] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)  # the shapes' warnings and infos, by mapping entry


class MappingErrors(BuildError):
    """Mappings are wrong; every problem of every file is listed so they can all be fixed in one go."""

    exit_code = 1

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        listing = "\n".join(str(f) for f in findings)
        super().__init__(f"{len(findings)} problem(s) in the mappings; nothing was published:\n{listing}")


def map_all(project: Project, vocabulary: Vocabulary) -> list[ArticleGraph]:
    """Map every mappings/*.yaml (and hand-written *.ttl, *.jsonld); raise MappingErrors listing every problem of
    every file that does not map."""
    articles: list[ArticleGraph] = []
    problems: list[Finding] = []
    for path in project.mapping_files():
        try:
            articles.append(map_article_cached(project, vocabulary, path))
        except InputError:  # map it again collecting its problems: all of them, not only the first
            problems.extend(file_problems(project, vocabulary, path))
    if problems:
        raise MappingErrors(problems)
    if not articles:
        raise BuildError(
            f"{project.mappings_dir} holds no mapping (*.yaml, *.ttl, *.jsonld): add one per article "
            "(ecograph new seeds/ARTICLE.txt writes a first version)"
        )
    _check_unique_slugs(project, articles)
    _check_borrowed(articles)
    return articles


def _check_borrowed(articles: list[ArticleGraph]) -> None:
    """Every entry with only an id uses an entity that another mapping declares."""
    declared = {entity_id for article in articles for entity_id in article.entity_lines}
    problems = [
        Finding.from_error(undeclared_entity(Location(article.mapping_path, line, entity_id), entity_id))
        for article in articles
        for entity_id, line in sorted(article.borrowed.items(), key=lambda item: item[1])
        if entity_id not in declared
    ]
    if problems:
        raise MappingErrors(problems)


def curated_names(project: Project, articles: list[ArticleGraph]) -> ArticleGraph:
    """The names graph of mappings/names.yaml; MappingErrors listing every problem of the file."""
    declared = {entity_id for article in articles for entity_id in article.entity_lines}
    names = read_names(project, declared, collect=True)
    if names.findings:
        raise MappingErrors(names.findings)
    return names_graph(project, names)


def _check_unique_slugs(project: Project, articles: list[ArticleGraph]) -> None:
    seen: dict[str, ArticleGraph] = {}
    reserved = INFERRED_GRAPH.rsplit("/", 1)[-1]
    for article in articles:
        if article.slug == reserved:
            raise BuildError(
                f"the article {article.stem} has the slug '{reserved}' "
                f"({Location(project.seed_metadata(article.stem), field='slug')}), which names the graph of "
                "inferred statements: give the article another slug"
            )
        if article.slug in seen:
            first = seen[article.slug]
            places = " and ".join(str(Location(project.seed_metadata(a.stem), field="slug")) for a in (first, article))
            raise BuildError(
                f"the articles {first.stem} and {article.stem} share the slug '{article.slug}' "
                f"({places}): give each its own slug"
            )
        seen[article.slug] = article


def build_dist(project: Project, out: Path, progress: Progress | None = None) -> BuildResult:
    """Build the dumps into `out`. On any error nothing in `out` changes."""
    progress = progress or NoProgress()
    out = check_out(project, out)
    with progress.step("reading the ontology"):
        vocabulary = Vocabulary.of(project)
    with progress.step("mapping articles"):
        articles = map_all(project, vocabulary)
        names = curated_names(project, articles)
    with progress.step("checking the stored queries"):
        load_queries(project)
    with progress.step("inferring what the ontology's property axioms imply"):
        inferred = infer(project, vocabulary.graph, articles)
    with progress.step("validating with the SHACL shapes"):
        warnings = validate_articles(project, vocabulary, articles, names, inferred)
    staging: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _publishing_lock(out):
            _remove_leftovers(out)
            staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
            dataset = Dataset(articles, names, inferred)
            result = _write_all(project, dataset, staging, progress)
            with progress.step("publishing"):
                _publish(staging, out)
                staging = None
    except BaseException as error:  # also Ctrl-C: never leave a half-written folder behind
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise BuildError(
                f"could not write {out}: {error}. The previous build is unchanged; "
                "free disk space or fix permissions and build again."
            ) from error
        raise
    result.out = out
    result.warnings = warnings
    return result


def check_out(project: Project, out: Path) -> Path:
    """The output folder, resolved; BuildError when publishing there would replace or pollute something else.

    A build replaces the whole folder, so it must be new, empty or an earlier build, and must not be the project,
    hold it, or lie inside one of its input folders. A link that an earlier build made is kept as the output
    (it is what the build replaces); any other symbolic link is followed.
    """
    out = Path(os.path.abspath(out))
    out = out.parent.resolve() / out.name
    if out.is_symlink() and _published_folder(out) is None:
        out = out.resolve()
    root = project.root.resolve()
    inputs = [(root / name).resolve() for name in FOLDERS]
    if out == root or out in root.parents:
        problem = "is the project folder or holds it, and a build replaces its output folder entirely"
    elif any(out == folder or folder in out.parents for folder in inputs):
        problem = "is inside one of the project's input folders (seeds/, ontology/, mappings/, shapes/, queries/)"
    elif out.exists() and not out.is_dir():
        problem = "exists and is not a folder"
    elif out.is_dir() and any(out.iterdir()) and not any((out / name).is_file() for name in BUILD_MARKERS):
        problem = (
            "is a folder that holds other files and no earlier build (no void.ttl), and a build replaces "
            "its output folder entirely"
        )
    else:
        return out
    raise BuildError(
        f"cannot build into {out}: it {problem}. Choose a new or empty folder for --out "
        "(the default is dist/ in the project)."
    )


def _write_all(project: Project, dataset: Dataset, folder: Path, progress: Progress) -> BuildResult:
    quads = dataset.quads()
    triples = dataset.triples()
    table = dump_prefixes(project.base, entity_kinds(dataset.subjects(), project))
    with progress.step("writing per-article Turtle"):
        (folder / "articles").mkdir()
        cache = project.cache_dir / "articles"
        table_text = json.dumps(table, sort_keys=True)
        for slug, article_triples in dataset.article_triples.items():
            _write_article(article_triples, folder / "articles" / f"{slug}.ttl", table, table_text, cache)
    with progress.step("writing TriG"):
        write_rdf(quads, folder / "ecograph.trig", RdfFormat.TRIG, table)
    with progress.step("writing Turtle"):
        write_rdf(triples, folder / "ecograph.ttl", RdfFormat.TURTLE, table)
    with progress.step("writing N-Triples (gzip)"):
        write_ntriples_gzip(triples, folder / "ecograph.nt.gz")
    with progress.step("writing JSON-LD"):
        (folder / "context.jsonld").write_text(_json(jsonld_context(table)), encoding="utf-8")
        write_jsonld(quads, folder / "ecograph.jsonld", table)
    with progress.step("copying ontology, shapes and queries"):
        _concatenate(project, project.ontology_files(), folder / "ontology.ttl")
        _concatenate(project, project.shape_files(), folder / "shapes.ttl")
        (folder / "queries").mkdir()
        for query in project.query_files():
            (folder / "queries" / query.name).write_text(
                project.rebase(query.read_text(encoding="utf-8")), encoding="utf-8"
            )
        (folder / SCHEMA_FILE).write_text(schema_text(project), encoding="utf-8")
        (folder / NAMES_SCHEMA_FILE).write_text(names_schema_text(project), encoding="utf-8")
    with progress.step("writing the search index and the article texts"):
        write_index(triples, folder / INDEX_FILE)
        _copy_texts(project, dataset, folder / TEXTS)
    with progress.step("describing the dataset (VoID, DCAT)"):
        write_void(project, dataset, folder, triple_count=len(triples), quad_count=len(quads))
    return BuildResult(
        out=folder,
        articles=len(dataset.articles),
        triples=len(triples),
        files=sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()),
    )


def _write_article(
    triples: list[tuple[str, Triple]], target: Path, table: dict[str, str], table_text: str, cache: Path
) -> None:
    """Write one article's Turtle, or copy the same bytes written by an earlier build.

    The cache holds each file under the SHA-256 of what decides its bytes: the prefixes, the triples'
    N-Triples text and the version of pyoxigraph, which writes the Turtle; serialising costs far more than
    copying. The bytes are copied, never linked, so that neither the published file nor the cache entry can
    change the other.
    """
    content = "\n".join([f"pyoxigraph {pyoxigraph.__version__}", table_text, *(key for key, _ in triples)])
    entry = cache / hashlib.sha256(content.encode()).hexdigest()
    cached = read_entry(entry)
    if cached is not None:
        target.write_bytes(cached)
        return
    write_rdf([triple for _, triple in triples], target, RdfFormat.TURTLE, table)
    write_entry(entry, target.read_bytes())


def _copy_texts(project: Project, dataset: Dataset, target: Path) -> None:
    """Each article's text as the build read it (texts/<seed file>), for the article pages that show where
    every quote stands."""
    target.mkdir()
    for article in dataset.articles:
        source = project.seed_text(article.stem)
        shutil.copyfile(source, target / source.name)


def _concatenate(project: Project, sources: list[Path], target: Path) -> None:
    """Copy the Turtle files as written (comments and layout kept), rebased to the project's base."""
    parts = [f"# ---- {source.name}\n" + project.rebase(source.read_text(encoding="utf-8")) for source in sources]
    target.write_text("\n".join(parts), encoding="utf-8")


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@contextlib.contextmanager
def _publishing_lock(out: Path) -> Iterator[None]:
    """Hold `.dist.lock` beside the output while writing and publishing: one build at a time per output.

    The kernel releases the lock when its holder dies, so a leftover of a killed build is never mistaken for
    the work of a build that is still running.
    """
    handle = os.open(out.with_name(f".{out.name}.lock"), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _leftover_pattern(out: Path) -> re.Pattern[str]:
    """Names of what builds into `out` leave beside it: build folders and links (and older builds' staging
    `.dist.XXXXXXXX` and retired `.dist.old-<pid>` folders); not the lock."""
    return re.compile(rf"\.{re.escape(out.name)}\.(?:(?:build|link|old)-\w+|[a-z0-9_]{{8}})")


def _published_folder(out: Path) -> str | None:
    """The name of the build folder `out` links to, when `out` is a link a build made."""
    try:
        target = os.readlink(out)
    except OSError:
        return None
    return target if re.fullmatch(rf"\.{re.escape(out.name)}\.build-\w+", target) else None


def _remove_leftovers(out: Path) -> None:
    """Remove killed builds' folders and links, and earlier builds that `out` no longer points to, except those
    a running server still reads (see _remove_unpinned)."""
    current = _published_folder(out)
    pattern = _leftover_pattern(out)
    for entry in out.parent.iterdir():
        if entry.name == current or not pattern.fullmatch(entry.name):
            continue
        if entry.is_dir() and not entry.is_symlink():
            _remove_unpinned(entry)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()


def _remove_unpinned(folder: Path) -> None:
    """Remove `folder` unless a server pins it: `ecograph serve` holds a shared flock on the directory of each
    build it serves (serve/switch.py), so the folder is removed only under an exclusive one, by a later build."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        shutil.rmtree(folder, ignore_errors=True)
    except BlockingIOError:
        return  # a server still answers from it
    finally:
        os.close(handle)


def _publish(staging: Path, out: Path) -> None:
    """Make `out` a link to the finished folder in one rename. The build it replaces stays until the next build
    (a server started on it keeps its files), and an output that is still a real folder is swapped in place."""
    os.chmod(staging, 0o755)
    link = out.with_name(f".{out.name}.link-{staging.name.rsplit('-', 1)[-1]}")
    os.symlink(staging.name, link)
    if out.is_dir() and not out.is_symlink():
        _replace_folder(link, out)
    else:
        os.replace(link, out)


def _replace_folder(link: Path, out: Path) -> None:
    """Put `link` where the folder `out` is, atomically where the kernel can exchange two names."""
    if _exchange(link, out):
        _remove_unpinned(link)  # the name `link` now holds the old folder
        return
    retired = out.with_name(f".{out.name}.old-{os.getpid()}")
    out.rename(retired)
    os.replace(link, out)
    _remove_unpinned(retired)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two names in one step (Linux renameat2 with RENAME_EXCHANGE); False where that is not available."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))
