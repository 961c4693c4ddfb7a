"""A per-article cache of mapped articles, so an unchanged article is not mapped again.

`map_article_cached(project, vocabulary, mapping_path)` returns exactly what `rdfmapping.map_file` returns. Its
result is kept in <cache>/mapping/<key> (Project.cache_dir), where the key is the SHA-256 of everything the
mapping of one article reads: the mapping file, the seed text and metadata, the ontology files, the base IRI,
and the source code of the mapping engine. A changed input gives another key, so a stale entry is never used;
a failing mapping is never cached (its error is raised again on the next build, by the mapping itself).

An entry is one JSON line (stem, slug, graph, article, entity lines) followed by the article's quads as N-Quads,
in their original order, so the cached ArticleGraph is the same, quad for quad, as a fresh one. Entries carry
the SHA-256 of their content (cachefile.py): a damaged or edited entry is mapped afresh, never used.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import pyoxigraph
from pyoxigraph import NamedNode, RdfFormat, parse, serialize

from .. import ontology, projectfacts, shapefacts, text, yamlfile
from .. import project as project_module
from ..cachefile import read_entry, write_entry
from ..ontology import Vocabulary
from ..project import Project
from ..shapefacts import shape_facts
from . import mapping as mapping_module
from . import rdfmapping
from .mapping import ArticleGraph
from .rdfmapping import map_file

FORMAT = b"ecograph-mapcache-2"


def map_article_cached(project: Project, vocabulary: Vocabulary, mapping_path: Path) -> ArticleGraph:
    """`map_file` (YAML or hand-written RDF), answered from the cache when none of the article's inputs changed."""
    folder = project.cache_dir / "mapping"
    try:
        key = _key(project, mapping_path)
    except OSError:  # an input is unreadable: let the mapping say so, with its own error
        return map_file(project, vocabulary, mapping_path)
    cached = _read(folder / key, mapping_path)
    if cached is not None:
        return cached
    article = map_file(project, vocabulary, mapping_path)
    _write(folder / key, article)
    return article


def _key(project: Project, mapping_path: Path) -> str:
    digest = hashlib.sha256(FORMAT)
    digest.update(_context(project))
    raw = mapping_path.read_bytes()
    digest.update(len(raw).to_bytes(8, "big") + raw)
    stem = (_stem(raw) if mapping_path.suffix == ".yaml" else None) or mapping_path.stem  # RDF: <stem>.ttl
    for path in (project.seed_text(stem), project.seed_metadata(stem)):
        data = path.read_bytes() if path.is_file() else b"\0missing"
        digest.update(str(path.name).encode() + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _stem(raw: bytes) -> str | None:
    """The mapping's `article:` value, read without parsing the YAML (the mapping itself checks it)."""
    for line in raw.decode("utf-8", errors="replace").splitlines():
        if line.startswith("article:"):
            return line.split(":", 1)[1].split("#", 1)[0].strip().strip("'\"") or None
    return None


def _context(project: Project) -> bytes:
    """What every article's mapping depends on: the base, the shapes' concept schemes, the ontology, the code
    (the IRI formats in project.py too) and the version of pyoxigraph, which writes and reads the entries."""
    schemes = sorted(shape_facts(project).schemes.items())
    return _context_of(
        f"{project.base} {schemes} pyoxigraph {pyoxigraph.__version__}",
        tuple(project.ontology_files()),
        tuple(p.stat().st_mtime_ns for p in project.ontology_files()),
    )


@cache
def _context_of(settings: str, ontology_files: tuple[Path, ...], _mtimes: tuple[int, ...]) -> bytes:
    digest = hashlib.sha256(settings.encode())
    for path in ontology_files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for module in (mapping_module, rdfmapping, ontology, project_module, projectfacts, shapefacts, text, yamlfile):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.digest()


def _read(entry: Path, mapping_path: Path) -> ArticleGraph | None:
    data = read_entry(entry)
    if data is None:
        return None
    try:
        header, body = data.split(b"\n", 1)
        meta = json.loads(header)
        quads = list(parse(body, format=RdfFormat.N_QUADS))
    except (ValueError, SyntaxError):
        return None  # written by another version of the format: mapped again and rewritten
    return ArticleGraph(
        stem=meta["stem"],
        slug=meta["slug"],
        mapping_path=mapping_path,
        graph=NamedNode(meta["graph"]),
        article=NamedNode(meta["article"]),
        quads=quads,
        entity_lines={k: int(v) for k, v in meta["entity_lines"].items()},
        borrowed={k: int(v) for k, v in meta["borrowed"].items()},
    )


def _write(entry: Path, article: ArticleGraph) -> None:
    header = json.dumps(
        {
            "stem": article.stem,
            "slug": article.slug,
            "graph": article.graph.value,
            "article": article.article.value,
            "entity_lines": article.entity_lines,
            "borrowed": article.borrowed,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    body = serialize(article.quads, format=RdfFormat.N_QUADS) or b""
    write_entry(entry, header.encode() + b"\n" + body)
