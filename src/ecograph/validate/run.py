"""`ecograph validate`: check a contribution in the context of the published graph, and say what to fix.

    report = validate([Path("mappings/005_new.yaml")], Path("dist"), project=project)
    print(to_text(report)); sys.exit(report.exit_code)

The contribution (RDF files or article mappings) is joined with the published types and labels of every
entity it mentions, so links to published entities resolve and their classes count. The checks — SHACL
shapes, ontology rules, disjoint types (and, with reasoner=True, OWL consistency with HermiT), references,
provenance, naming and duplicates — report only about the contribution's own nodes. Nothing here prints or exits.

Start-up is what a one-article validation costs, so nothing is parsed that a cache can give: the published graph
comes from an on-disk store when it is large (published.py), the ontology and shapes from N-Triples keyed by
their content, and pySHACL is imported only when there are shapes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import NamedNode, RdfFormat, parse
from rdflib import RDF, RDFS, SH, Graph, Literal, URIRef
from rdflib.term import Node

from ..build.names import read_names
from ..cachefile import read_entry, write_entry
from ..findings import Check, Finding, Severity
from ..namespaces import REUSED_LABELS
from ..ontology import Vocabulary, load_ontology, read_turtle
from ..project import Project
from .checks import (
    Context,
    clash_finding,
    duplicates,
    naming,
    ontology_rules,
    provenance,
    references,
    unchecked_articles,
)
from .contribution import Contribution, read_contribution, to_rdflib_term
from .published import DUMP, Published
from .reasoning import Axioms, Clash, ReasonerOutcome, disjoint_clashes, reasoner_input, start_consistency_check
from .report import Entity, Report, value_text

CHECK_ORDER = (
    "input",
    "mapping",
    "todo",
    "shapes",
    "consistency",
    "ontology",
    "reference",
    "provenance",
    "naming",
    "duplicate",
)


def validate(
    paths: Sequence[Path], against: Path | None = None, *, project: Project | None = None, reasoner: bool = False
) -> Report:
    """Validate the files of one contribution; raise an EcographError only for input that cannot be read."""
    project = project or Project.open(Path.cwd())
    notes: list[str] = []
    published = _published(project, against, paths, notes)
    vocabulary = Vocabulary(_ontology(project), project.vocab)
    contribution = read_contribution(list(paths), project, vocabulary, published)
    ctx = Context(project, vocabulary, Axioms(vocabulary.graph), published, contribution)
    ctx.data = _with_context(contribution, published, project)
    if published.built_store is not None:
        notes.append(
            f"the on-disk store of {published.source} was built once, in {published.built_store:.0f} s; "
            "later runs reuse it"
        )
    pending = _start_reasoner(ctx, reasoner, notes)
    findings = list(contribution.findings)
    for check in (ontology_rules, references, provenance, naming, duplicates):
        findings += check(ctx)
    clashes = _clashes(ctx)
    findings += _shape_findings(ctx, notes)  # last: pySHACL adds the class hierarchy to ctx.data
    findings += _consistency_findings(ctx, clashes, pending, findings, notes)
    notes += contribution.project.notes
    notes += [
        f"the quotes of {a} were not checked: its text is not in {project.seeds_dir}" for a in unchecked_articles(ctx)
    ]
    return _report(ctx, _own_and_unique(ctx, findings), paths, published, notes)


def _published(project: Project, against: Path | None, paths: Sequence[Path], notes: list[str]) -> Published:
    """`against`, else the project's build, else (in a fresh clone) the project's other mappings mapped now."""
    if against is None and not (project.default_dist / DUMP).is_file():
        from ..scaffold import published_from_mappings  # the scaffold's look-up, imported only without a build

        notes.append(
            f"no published graph in {project.default_dist}: checked against the project's other mappings, "
            "mapped now (`ecograph build` writes it)"
        )
        return published_from_mappings(project, notes, leaving_out=paths)
    return Published.load(against or project.default_dist)


def _with_context(contribution: Contribution, published: Published, project: Project) -> Graph:
    """The contribution plus the published types and labels of every IRI it uses, those that the project's other
    mappings give the IRIs not published yet, and the names the project's names file gives them (its own
    problems are reported when it is validated itself)."""
    data = Graph()
    own = contribution.normalised or contribution.graph
    for triple in own:
        data.add(triple)
    iris = {str(t) for triple in own for t in triple if isinstance(t, URIRef)}
    typed = {str(s) for s in own.subjects(RDF.type)}
    described = {str(s) for s in own.subjects() if isinstance(s, URIRef)} - typed  # id-only entries with facts
    context = _context(iris, typed, described, contribution, published, project)
    linked = {o.value for _, _, o in context if isinstance(o, NamedNode)} - iris  # by the facts brought along
    context |= _context(linked, typed, set(), contribution, published, project)
    for s, p, o in context:
        data.add((to_rdflib_term(s), to_rdflib_term(p), to_rdflib_term(o)))
    for name in read_names(project, lambda _: True, collect=True).names:
        if (iri := project.entity_iri(name.entity_id)) in iris:
            data.add((URIRef(iri), URIRef(name.predicate), Literal(name.text, lang=name.language)))
    return data


def _context(
    iris: set[str],
    typed: set[str],
    described: set[str],
    contribution: Contribution,
    published: Published,
    project: Project,
) -> set[tuple[Any, Any, Any]]:
    """What the published graph says of these IRIs (published.context), and the project's other mappings of those
    it lacks, when the contribution does not declare all of them itself (`typed`)."""
    context = published.context(iris, described)
    unpublished = {iri for iri in iris if iri.startswith(f"{project.base}id/") and not published.knows(iri)}
    if unpublished - typed:
        context.update((q.subject, q.predicate, q.object) for q in contribution.project.context(unpublished, described))
    return context


# the ontology and the shapes, parsed once per content -----------------------------------------------------

GRAPH_CACHE = "validate"  # <Project.cache_dir>/validate/<what>-<sha256>.nt (a cachefile entry)


def _ontology(project: Project) -> Graph:
    files = project.ontology_files()
    return _cached_turtle(project, files, "the ontology") if files else load_ontology(project)


def _cached_turtle(project: Project, files: list[Path], what: str) -> Graph:
    """`read_turtle(project, files, what)`, but kept as N-Triples keyed by the files' rebased text: pyoxigraph
    reads them back in half the time of rdflib's Turtle parser, and reading data cannot run code (a pickle in
    a writable folder could). The entry is used only when its content hash matches (cachefile)."""
    try:
        texts = [project.rebase(path.read_text(encoding="utf-8")) for path in files]
    except (OSError, UnicodeDecodeError):
        return read_turtle(project, files, what)  # which says what is wrong
    digest = hashlib.sha256(f"{GRAPH_CACHE}\0{rdflib.__version__}\0{what}".encode())
    for text in texts:
        digest.update(b"\0" + text.encode("utf-8"))
    kind = what.rsplit(" ", 1)[-1]
    folder = project.cache_dir / GRAPH_CACHE
    entry = folder / f"{kind}-{digest.hexdigest()}.nt"
    payload = read_entry(entry)
    if payload is not None:
        with contextlib.suppress(ValueError, SyntaxError):
            return _graph_from_entry(payload)
    graph = read_turtle(project, files, what)
    with contextlib.suppress(OSError):
        for old in folder.glob(f"{kind}-*"):  # earlier versions of the files, and pickles of earlier releases
            old.unlink(missing_ok=True)
    write_entry(entry, _entry_of(graph))
    return graph


def _entry_of(graph: Graph) -> bytes:
    """The graph's prefixes as one line of JSON, then its triples as N-Triples."""
    prefixes = json.dumps({prefix: str(namespace) for prefix, namespace in graph.namespaces()})
    return prefixes.encode() + b"\n" + graph.serialize(format="nt", encoding="utf-8")


def _graph_from_entry(payload: bytes) -> Graph:
    """The graph _entry_of wrote; ValueError or SyntaxError when `payload` is not such an entry."""
    head, _, triples = payload.partition(b"\n")
    prefixes = json.loads(head)
    if not isinstance(prefixes, dict) or not all(isinstance(v, str) for v in prefixes.values()):
        raise ValueError("the first line of a graph cache entry is its prefixes as a JSON object")
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace)
    terms: dict[Any, Node] = {}  # each term converted once: most recur (predicates, shapes, lists)

    def term(ox_term: Any) -> Node:
        found = terms.get(ox_term)
        if found is None:
            found = terms[ox_term] = to_rdflib_term(ox_term)
        return found

    graph.addN(
        (term(t.subject), term(t.predicate), term(t.object), graph) for t in parse(triples, format=RdfFormat.N_TRIPLES)
    )
    return graph


# SHACL ------------------------------------------------------------------------------------------------------


def _shape_findings(ctx: Context, notes: list[str]) -> list[Finding]:
    shapes = _cached_turtle(ctx.project, ctx.project.shape_files(), "the shapes")
    if not len(shapes):
        notes.append(f"no SHACL shapes in {ctx.project.shapes_dir}: only the other checks ran")
        return []
    import pyshacl  # imported here: 0.3 s of start-up

    from ..build.shacl import class_hierarchy

    _, report, _ = pyshacl.validate(
        ctx.data,
        shacl_graph=shapes,
        ont_graph=class_hierarchy(ctx.vocabulary.graph),
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,
    )
    return [_shape_finding(ctx, report, result) for result in report.objects(None, SH.result)]


def _shape_finding(ctx: Context, report: Graph, result: Node) -> Finding:
    def get(predicate: URIRef) -> Node | None:
        return report.value(result, predicate)

    focus = get(SH.focusNode)
    if focus in ctx.claims:
        focus = ctx.data.value(focus, RDF.subject) or focus
    path = get(SH.resultPath)
    value = get(SH.value) if get(SH.value) != get(SH.focusNode) else None
    severity = Severity(str(get(SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1])
    message = str(get(SH.resultMessage) or "does not conform to the shapes")
    return Finding(
        check=Check.SHAPES,
        severity=severity,
        focus=str(focus),
        message=message,
        hint=_shape_hint(ctx, str(get(SH.sourceConstraintComponent) or ""), path, message),
        path=str(path) if isinstance(path, URIRef) else None,
        value=value_text(value) if value is not None else None,
        location=ctx.where(focus),
        shape=str(get(SH.sourceShape) or "") or None,
        component=str(get(SH.sourceConstraintComponent) or "") or None,
    )


SHAPE_HINTS = {
    "MinCountConstraintComponent": "add the missing {prop}",
    "MaxCountConstraintComponent": "keep only one {prop}; make a second entity for a second value",
    "DatatypeConstraintComponent": "write the {prop} with the datatype the shape asks for",
    "ClassConstraintComponent": "link the {prop} to an entity of the class the shape asks for",
    "NodeKindConstraintComponent": "the {prop} must be a link (IRI) or a literal as the shape says",
    "MinInclusiveConstraintComponent": "the {prop} is too small: write the value the article gives",
    "MinExclusiveConstraintComponent": "the {prop} is too small: write the value the article gives",
    "PatternConstraintComponent": "write the {prop} in the form the shape's pattern asks for",
    "LanguageInConstraintComponent": "tag the {prop} with one of the allowed languages",
    "UniqueLangConstraintComponent": "give one {prop} per language",
    "InConstraintComponent": "use one of the values the shape allows for the {prop}",
}


def _shape_hint(ctx: Context, component: str, path: object, message: str) -> str:
    """A fix for a shape's result: by its kind of constraint, else the instruction after the message's colon."""
    name = component.rsplit("#", 1)[-1]
    prop = _term_label(ctx, str(path)) if isinstance(path, URIRef) else "value"
    if name in SHAPE_HINTS:
        return SHAPE_HINTS[name].format(prop=prop)
    if ": " in message:
        return message.split(": ", 1)[1]
    return "change the data so that it meets the rule the message states"


# OWL consistency --------------------------------------------------------------------------------------------


def _start_reasoner(ctx: Context, wanted: bool, notes: list[str]) -> Future[ReasonerOutcome] | None:
    """Start HermiT in the background when asked and when the contribution states any types or links."""
    if not wanted:
        notes.append(
            "OWL consistency was not checked with HermiT (it runs with --reasoner); disjoint types "
            "were checked directly"
        )
        return None
    if not any(p == RDF.type or str(p) in ctx.axioms.object_properties for _, p, _ in ctx.facts()):
        notes.append("HermiT was not started: the contribution states no types or links to reason about")
        return None
    return start_consistency_check(reasoner_input(ctx.vocabulary.graph, _facts_graph(ctx)))


def _facts_graph(ctx: Context) -> Graph:
    """The data HermiT needs: the contribution's facts (no claims) and the published context."""
    graph = Graph()
    claims = ctx.claims
    for triple in ctx.data:
        if triple[0] not in claims:
            graph.add(triple)
    return graph


def _clashes(ctx: Context) -> list[Clash]:
    """Individuals of two disjoint classes, found directly (HermiT only says "inconsistent")."""
    nodes = {
        t for triple in ctx.data if triple[0] not in ctx.claims for t in (triple[0], triple[2]) if isinstance(t, URIRef)
    }
    return disjoint_clashes(ctx.axioms, ctx.data, nodes)


def _consistency_findings(
    ctx: Context, clashes: list[Clash], pending: Future[ReasonerOutcome] | None, found: list[Finding], notes: list[str]
) -> list[Finding]:
    outcome = pending.result() if pending else None
    confirmed = outcome.consistent is False if outcome else None
    findings = [clash_finding(ctx, clash, confirmed) for clash in clashes]
    if outcome and outcome.consistent is None:
        notes.append(
            f"HermiT could not run ({outcome.error}); disjoint types were checked directly. Install "
            "Java 17, or leave out --reasoner"
        )
    elif outcome and outcome.consistent is False and not findings:
        findings.append(_unexplained(ctx, found))
    return findings


def _unexplained(ctx: Context, found: list[Finding]) -> Finding:
    explained = [f for f in found if f.check in (Check.ONTOLOGY, Check.SHAPES) and f.severity is Severity.VIOLATION]
    hint = (
        (
            "the likely causes are the ontology-rule problems listed with their entities (two values for a "
            "property that allows one, or a value of the wrong datatype)"
        )
        if explained
        else "look for an entity with two kinds of type, or a link whose range contradicts the linked entity's type"
    )
    return Finding(
        Check.CONSISTENCY, Severity.VIOLATION, "", "HermiT finds the contribution inconsistent with the ontology", hint
    )


# the report -------------------------------------------------------------------------------------------------


def _own_and_unique(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """Findings about the contribution's own nodes (or the files), each problem once, by check order."""
    own = {str(n) for n in ctx.own}
    kept: dict[tuple, Finding] = {}
    for finding in sorted(findings, key=_precedence):
        if (
            finding.focus
            and finding.focus not in own
            and finding.check not in ("mapping", "todo", "reference", "naming", "provenance")
        ):
            continue
        key = (
            (finding.focus, finding.path, finding.value)
            if finding.check in (Check.SHAPES, Check.ONTOLOGY)
            else (finding.check, finding.focus, finding.path, finding.value, finding.message)
        )
        if key not in kept:
            kept[key] = finding
    return list(kept.values())


def _precedence(finding: Finding) -> tuple[int, bool]:
    """By check order; of two shape results for one value, a wrong datatype first (not "too small" for "2 million")."""
    return CHECK_ORDER.index(finding.check), not (finding.component or "").endswith("#DatatypeConstraintComponent")


def _report(
    ctx: Context, findings: list[Finding], paths: Sequence[Path], published: Published, notes: list[str]
) -> Report:
    terms = {iri: _term_label(ctx, iri) for f in findings for iri in (f.path,) if iri}
    entities = {focus: _entity(ctx, focus) for focus in {f.focus for f in findings if f.focus}}
    checks = ["shapes", "ontology", "reference", "provenance", "naming", "duplicate", "consistency"]
    return Report(
        findings=findings,
        inputs=[str(p) for p in paths],
        against=str(published.source) if published.source else None,
        base=ctx.project.base,
        entities=entities,
        terms=terms,
        notes=notes,
        checks=checks,
    )


def _entity(ctx: Context, iri: str) -> Entity:
    node = URIRef(iri)
    labels = {lit.language: str(lit) for lit in ctx.data.objects(node, RDFS.label) if isinstance(lit, Literal)}
    label = labels.get("en") or labels.get("nl") or next(iter(labels.values()), None)
    types = sorted(_term_label(ctx, str(t)) for t in ctx.data.objects(node, RDF.type))
    return Entity(iri, label, types, ctx.where(node))


def _term_label(ctx: Context, iri: str) -> str:
    if iri in REUSED_LABELS:
        return REUSED_LABELS[iri]["en"]
    labels = {
        lit.language: str(lit)
        for lit in ctx.vocabulary.graph.objects(URIRef(iri), RDFS.label)
        if isinstance(lit, Literal)
    }
    return labels.get("en") or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
