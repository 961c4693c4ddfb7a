"""SHACL validation of the graph with pySHACL: per article, in parallel, cached by content.

Each article graph is validated on its own (it declares every entity it mentions), together with the
ontology's class hierarchy so that shapes aimed at a superclass reach instances of its subclasses. A result
is cached in the project's cache folder (Project.cache_dir) by the hash of the article's triples, the shapes and the
ontology, so an unchanged article is not validated again. Entries carry the SHA-256 of their content
(cachefile.py): an entry that was damaged or edited is validated afresh, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pyshacl
import rdflib
from pyoxigraph import RdfFormat, serialize
from rdflib import RDFS, SH, Graph, URIRef

from ..cachefile import read_entry, write_entry
from ..errors import BuildError, Location
from ..findings import Check, Finding, Severity
from ..ontology import Vocabulary, read_turtle
from ..project import Project
from .mapping import ArticleGraph

PARALLEL_FROM = 16  # below this many articles, process start-up costs more than it saves


CACHED_FIELDS = ("severity", "focus", "path", "value", "message", "shape")  # what a cache entry keeps of a finding


class ShapesViolated(BuildError):
    """The graph does not conform to the shapes; each finding points at the mapping entry that caused it."""

    exit_code = 1

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        lines = [
            f"{f.location}: {f.severity}: {f.message}" + (f" (value: {f.value})" if f.value else "") for f in findings
        ]
        super().__init__(f"{len(findings)} SHACL violation(s); nothing was published:\n" + "\n".join(lines))


def load_shapes(project: Project) -> Graph:
    return read_turtle(project, project.shape_files(), "the shapes")


def class_hierarchy(ontology: Graph) -> Graph:
    """Only the rdfs:subClassOf triples: what SHACL's class targets need, and nothing that slows pySHACL."""
    hierarchy = Graph()
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        if isinstance(triple[2], URIRef):
            hierarchy.add(triple)
    return hierarchy


def problems_in(data: Graph, shapes: Graph, hierarchy: Graph) -> list[Finding]:
    """Validate one data graph; the results as findings of the shapes check (empty when it conforms)."""
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=hierarchy, inference="none", advanced=True, allow_warnings=True
    )
    problems = []
    for result in report.objects(None, SH.result):  # top-level results only, not their sh:detail

        def value(predicate: URIRef, result: object = result) -> str | None:
            found = report.value(result, predicate)
            return None if found is None else str(found)

        severity = value(SH.resultSeverity) or str(SH.Violation)
        problems.append(
            Finding(
                check=Check.SHAPES,
                severity=Severity(severity.rsplit("#", 1)[-1]),
                focus=value(SH.focusNode) or "",
                path=value(SH.resultPath),
                value=value(SH.value),
                message=value(SH.resultMessage) or "does not conform to the shapes",
                shape=value(SH.sourceShape),
            )
        )
    return sorted(problems, key=lambda p: (p.focus, p.path or "", p.message, p.value or ""))


def validate_articles(project: Project, vocabulary: Vocabulary, articles: list[ArticleGraph]) -> list[Finding]:
    """Raise ShapesViolated listing every violation; return the warnings and infos (they do not stop a build),
    each located at the mapping entry it is about.

    An article that conforms is cached with its warnings, so an unchanged article is not validated again.
    """
    # the files' bytes, not rdflib's N-Triples: the shapes' blank nodes get new labels in every process; and the
    # code that finds and reports: pySHACL, rdflib and this module
    context_key = hashlib.sha256(
        b"\0".join(
            [
                f"pyshacl {pyshacl.__version__} rdflib {rdflib.__version__}".encode(),
                Path(__file__).read_bytes(),
                *(
                    project.rebase(path.read_text(encoding="utf-8")).encode()
                    for path in [*project.shape_files(), *project.ontology_files()]
                ),
            ]
        )
    ).hexdigest()
    cache = project.cache_dir / "shacl"
    known = {a.slug: _cached(cache / _key(a, context_key)) for a in articles}
    todo = [a for a in articles if known[a.slug] is None]
    if todo:  # parse the shapes only when something is left to validate
        shapes = load_shapes(project)
        if not len(shapes):
            return []
        for article, problems in zip(todo, _run(todo, shapes, class_hierarchy(vocabulary.graph)), strict=True):
            known[article.slug] = problems
            if not any(p.severity is Severity.VIOLATION for p in problems):
                _store(cache / _key(article, context_key), problems)
    found = [replace(p, location=_where(project, a, p)) for a in articles for p in known[a.slug] or []]
    violations = [f for f in found if f.severity is Severity.VIOLATION]
    if violations:
        raise ShapesViolated(violations)
    return found


def _cached(entry: Path) -> list[Finding] | None:
    data = read_entry(entry)
    if data is None:
        return None
    try:
        return [Finding(check=Check.SHAPES, **fields) for fields in json.loads(data)]
    except (ValueError, TypeError):  # written by another version
        return None


def _store(entry: Path, problems: list[Finding]) -> None:
    write_entry(
        entry, json.dumps([{name: getattr(p, name) for name in CACHED_FIELDS} for p in problems]).encode("utf-8")
    )


def _key(article: ArticleGraph, context_key: str) -> str:
    digest = hashlib.sha256(context_key.encode())
    for text, _ in article.sorted_quads:
        digest.update(text.encode())
    return digest.hexdigest()


def _run(articles: list[ArticleGraph], shapes: Graph, hierarchy: Graph) -> list[list[Finding]]:
    payloads = [serialize([q.triple for q in a.quads], format=RdfFormat.N_TRIPLES) or b"" for a in articles]
    if len(articles) < PARALLEL_FROM:
        return [problems_in(_parse(p), shapes, hierarchy) for p in payloads]
    shapes_nt = shapes.serialize(format="nt", encoding="utf-8")
    hierarchy_nt = hierarchy.serialize(format="nt", encoding="utf-8")
    with ProcessPoolExecutor(
        max_workers=os.cpu_count() or 1, initializer=_init_worker, initargs=(shapes_nt, hierarchy_nt)
    ) as pool:
        return list(pool.map(_validate_in_worker, payloads, chunksize=8))


_WORKER: dict[str, Graph] = {}


def _init_worker(shapes_nt: bytes, hierarchy_nt: bytes) -> None:
    _WORKER["shapes"] = _parse(shapes_nt)
    _WORKER["hierarchy"] = _parse(hierarchy_nt)


def _validate_in_worker(payload: bytes) -> list[Finding]:
    return problems_in(_parse(payload), _WORKER["shapes"], _WORKER["hierarchy"])


def _parse(ntriples: bytes) -> Graph:
    graph = Graph()
    graph.parse(data=ntriples, format="nt")
    return graph


def _where(project: Project, article: ArticleGraph, problem: Finding) -> Location:
    """The mapping entry responsible for a focus node: the entity it describes, or the file."""
    prefix = f"{project.base}id/"
    entity_id = problem.focus[len(prefix) :] if problem.focus.startswith(prefix) else None
    path_label = problem.path.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if problem.path else None
    if entity_id in article.entity_lines:
        return Location(
            article.mapping_path,
            article.entity_lines[entity_id],
            f"{entity_id}" + (f".{path_label}" if path_label else ""),
        )
    if problem.focus == str(article.article):
        return Location(project.seed_metadata(article.stem), None, path_label)
    return Location(article.mapping_path, None, problem.focus)
