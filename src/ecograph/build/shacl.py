"""SHACL validation of the graph with pySHACL: per article, in parallel, cached by content.

Each article graph is validated on its own, together with the ontology's class hierarchy so that shapes aimed
at a superclass reach instances of its subclasses, and with the names the names graph and the other articles
give its entities and the types of the entities it uses without declaring them (entries with only an id): so
an entity's label may come from the names file or another article, and a link to another article's entity has
its class. An
entity the article only links to is checked in the article that declares it. The names graph is validated on
its own (its curated-name records; the entities are checked with their articles), and so is the inferred graph,
with the types of the entities and claims it mentions (its statements and their records: a finding names the
ontology's axiom). A result
is cached in the project's cache folder (Project.cache_dir) by the hash of the article's triples, the shapes and the
ontology, so an unchanged article is not validated again. Entries carry the SHA-256 of their content
(cachefile.py): an entry that was damaged or edited is validated afresh, never trusted.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pyshacl
import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, serialize
from rdflib import RDFS, SH, Graph, URIRef

from ..cachefile import read_entry, write_entry
from ..errors import BuildError, Location
from ..findings import Check, Finding, Severity
from ..namespaces import RDF as RDF_NS
from ..namespaces import RDFS as RDFS_NS
from ..namespaces import SKOS as SKOS_NS
from ..ontology import Vocabulary, read_turtle
from ..project import Project
from .inference import INFERRED_GRAPH, Inference, InferredGraph
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


def validate_articles(
    project: Project,
    vocabulary: Vocabulary,
    articles: list[ArticleGraph],
    names: ArticleGraph | None = None,
    inferred: InferredGraph | None = None,
) -> list[Finding]:
    """Raise ShapesViolated listing every violation; return the warnings and infos (they do not stop a build),
    each located at the mapping entry it is about (a curated name's at its line of the names file, an inferred
    statement's at the ontology's axiom it follows from).

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
    implied = _Inferred(project, inferred) if inferred else None
    parts = implied.parts if implied else []
    inferred_slugs = {part.slug for part in parts}
    graphs = [*articles, *([names] if names else []), *parts]
    data = _with_context(project, articles, names, parts)
    known = {a.slug: _cached(cache / _key(data[a.slug], context_key)) for a in graphs}
    todo = [a for a in graphs if known[a.slug] is None]
    if todo:  # parse the shapes only when something is left to validate
        shapes = load_shapes(project)
        if not len(shapes):
            return []
        payloads = [data[a.slug] for a in todo]
        for article, problems in zip(todo, _run(payloads, shapes, class_hierarchy(vocabulary.graph)), strict=True):
            known[article.slug] = problems
            if not any(p.severity is Severity.VIOLATION for p in problems):
                _store(cache / _key(data[article.slug], context_key), problems)
    curated = _curated_name_lines(project, names)
    found = [
        replace(
            p, location=implied.where(p) if implied and a.slug in inferred_slugs else _where(project, a, p, curated)
        )
        for a in graphs
        for p in known[a.slug] or []
        if (implied.reported(p) if implied and a.slug in inferred_slugs else _reported(project, a, p, names))
    ]
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


NAME_PREDICATES = (RDFS_NS + "label", SKOS_NS + "altLabel")


def _with_context(
    project: Project, articles: list[ArticleGraph], names: ArticleGraph | None, inferred: list[ArticleGraph]
) -> dict[str, list[Triple]]:
    """Each graph's triples, sorted, with what it is validated in the context of: the names the names graph and
    the other articles give the entities an article mentions, and the types of the entities it uses without
    declaring them; for each part of the inferred graph, the types of every entity and claim it mentions."""
    names_of: dict[str, list[Triple]] = {}  # every entity's names, in the names graph and in every article
    for quad in names.quads if names else []:
        if quad.predicate.value in NAME_PREDICATES:
            names_of.setdefault(_iri(quad.subject), []).append(quad.triple)
    types: dict[str, list[Triple]] = {}
    for article in articles:
        for quad in article.quads:
            if quad.predicate.value in NAME_PREDICATES:
                names_of.setdefault(_iri(quad.subject), []).append(quad.triple)
            elif quad.predicate.value == RDF_NS + "type":
                types.setdefault(_iri(quad.subject), []).append(quad.triple)
    data = {names.slug: sorted({q.triple for q in names.quads}, key=str)} if names else {}
    for article in articles:
        triples = {q.triple for q in article.quads}
        for node in _entities(project, article.quads):
            triples.update(names_of.get(node, ()))
        for entity_id in article.borrowed:
            triples.update(types.get(project.entity_iri(entity_id), ()))
        data[article.slug] = sorted(triples, key=str)
    for part in inferred:
        triples = {q.triple for q in part.quads}
        for node in _entities(project, part.quads):
            triples.update(types.get(node, ()))
        data[part.slug] = sorted(triples, key=str)
    return data


def _iri(term: object) -> str:
    return term.value if isinstance(term, NamedNode) else ""


def _entities(project: Project, quads: list[Quad]) -> set[str]:
    prefix = f"{project.base}id/"
    found = set()
    for quad in quads:
        for term in (quad.subject, quad.object):
            if isinstance(term, NamedNode) and term.value.startswith(prefix):
                found.add(term.value)
    return found


def _reported(project: Project, graph: ArticleGraph, problem: Finding, names: ArticleGraph | None) -> bool:
    """Whether a finding is this graph's to report: not about an entity the article only links to (it is checked
    where it is declared), and in the names graph only about its curated-name records."""
    if graph is names:
        return problem.focus.startswith(project.entity_iri("name/"))
    linked_only = {project.entity_iri(i) for i in graph.borrowed} - {_iri(q.subject) for q in graph.quads}
    return problem.focus not in linked_only


def _key(triples: list[Triple], context_key: str) -> str:
    digest = hashlib.sha256(context_key.encode())
    for triple in triples:
        digest.update(str(triple).encode())
    return digest.hexdigest()


def _run(data: list[list[Triple]], shapes: Graph, hierarchy: Graph) -> list[list[Finding]]:
    payloads = [serialize(triples, format=RdfFormat.N_TRIPLES) or b"" for triples in data]
    if len(data) < PARALLEL_FROM:
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


def _where(
    project: Project, article: ArticleGraph, problem: Finding, curated: dict[tuple[str, str], Location]
) -> Location:
    """The mapping entry responsible for a focus node: the entity it describes, or the file; for a finding about
    an entity's names, also where the names file names it."""
    prefix = f"{project.base}id/"
    entity_id = problem.focus[len(prefix) :] if problem.focus.startswith(prefix) else None
    path_label = _local(problem.path) if problem.path else None
    lines = {**article.borrowed, **article.entity_lines}
    if entity_id in lines:
        also = curated.get((problem.focus, problem.path or ""))
        return Location(
            article.mapping_path,
            lines[entity_id],
            f"{entity_id}"
            + (f".{path_label}" if path_label else "")
            + (f" (and the curated name at {also})" if also else ""),
        )
    if problem.focus == str(article.article):
        return Location(project.seed_metadata(article.stem), None, path_label)
    return Location(article.mapping_path, None, problem.focus)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _curated_name_lines(project: Project, names: ArticleGraph | None) -> dict[tuple[str, str], Location]:
    """For each entity and naming property the names file gives it, the line of the (first) entry."""
    if names is None:
        return {}
    parts: dict[str, dict[str, str]] = {}  # record -> rdf:subject/rdf:predicate -> IRI
    for quad in names.quads:
        if quad.predicate.value in (RDF_NS + "subject", RDF_NS + "predicate"):
            parts.setdefault(_iri(quad.subject), {})[quad.predicate.value] = _iri(quad.object)
    prefix = project.entity_iri("")
    found: dict[tuple[str, str], Location] = {}
    for record, part in sorted(parts.items(), key=lambda item: names.entity_lines.get(item[0][len(prefix) :], 0)):
        line = names.entity_lines.get(record[len(prefix) :])
        key = (part.get(RDF_NS + "subject", ""), part.get(RDF_NS + "predicate", ""))
        found.setdefault(key, Location(names.mapping_path, line))
    return found


INFERENCES_PER_PART = 500  # the inferred graph is validated in parts: in parallel, and cached part by part


class _Inferred:
    """The inferred graph as the shapes see it, and how its findings are told apart and located: at the line of
    the ontology that states the axiom an invalid statement follows from.

    It is validated in parts, each the statements about some subjects (all of a subject's in one part) with
    their records: a change to one article re-validates only the parts its inferences are in.
    """

    def __init__(self, project: Project, inferred: InferredGraph) -> None:
        self.project = project
        count = -(-len(inferred.inferences) // INFERENCES_PER_PART)
        quads: list[list[Quad]] = [[] for _ in range(count)]
        for inference in inferred.inferences:
            part = int(hashlib.sha256(inference.statement[0].encode()).hexdigest()[:8], 16) % count
            quads[part].extend(inferred.quads_of(inference))
        ontology = project.ontology_files()[0] if project.ontology_files() else project.ontology_dir
        slug = INFERRED_GRAPH.rsplit("/", 1)[-1]
        self.parts = [
            ArticleGraph(f"{slug}/{n}", f"{slug}/{n}", ontology, inferred.graph, inferred.graph, part)
            for n, part in enumerate(quads)
        ]
        self.by_statement = {(i.statement[0], i.statement[1]): i for i in inferred.inferences}
        self.by_triple = {i.statement: i for i in inferred.inferences}
        self.by_record = {inferred.record_iri(i): i for i in inferred.inferences}

    def _about(self, problem: Finding) -> Inference | None:
        """The inference a finding is about: its record, or the statement it adds (subject and property, and
        the object when the finding names a value)."""
        if problem.focus in self.by_record:
            return self.by_record[problem.focus]
        if problem.value is not None:
            return self.by_triple.get((problem.focus, problem.path or "", problem.value))
        return self.by_statement.get((problem.focus, problem.path or ""))

    def reported(self, problem: Finding) -> bool:
        """Only findings about what the build inferred: the entities themselves are checked with their articles."""
        return self._about(problem) is not None

    def where(self, problem: Finding) -> Location:
        inference = self._about(problem)
        assert inference is not None  # only reported findings are located
        source, owl_property, target = inference.rule.axiom
        path, line = _axiom_line(
            self.project, source, _local(target if owl_property == RDF_NS + "type" else owl_property)
        )
        subject, predicate, obj = (self._short(iri) for iri in inference.statement)
        return Location(path, line, f"the axiom of {self._short(source)}, which implies {subject} {predicate} {obj}")

    def _short(self, iri: str) -> str:
        for prefix in (self.project.entity_iri(""), self.project.vocab):
            if iri.startswith(prefix):
                return iri[len(prefix) :]
        return iri


def _axiom_line(project: Project, source: str, keyword: str) -> tuple[Path, int | None]:
    """The ontology file and line that state an axiom: the line with `keyword` (inverseOf, SymmetricProperty…)
    in the description of the property `source` (found by its local name), else that description's first line."""
    start = re.compile(r"^\S*[:#/]" + re.escape(_local(source)) + r">?\s")
    for path in project.ontology_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, text in enumerate(lines, 1):
            if start.match(text):
                block = itertools.takewhile(lambda item: item[1].strip(), enumerate(lines[number - 1 :], number))
                return path, next((n for n, line in block if keyword in line), number)
    return project.ontology_dir, None
