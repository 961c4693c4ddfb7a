"""What the ontology's property axioms imply, published as one more named graph: `<base>graph/inferred`.

The ontology declares some properties inverse of each other (owl:inverseOf), symmetric
(owl:SymmetricProperty) or transitive (owl:TransitiveProperty); the articles state each fact one way. So that
every dump and the endpoint answer both ways, the build adds each implied statement that no article states,
with a record of why: an `eco:Inference` (rdf:subject, rdf:predicate, rdf:object) that names the axiom it
follows from (`eco:axiom`, an `owl:Axiom` with owl:annotatedSource, owl:annotatedProperty and
owl:annotatedTarget) and the claims it rests on (`prov:wasDerivedFrom`; for a chain through a transitive
property, the claims of every link). The axioms are read from the ontology, never listed here.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from pyoxigraph import NamedNode, Quad
from rdflib import OWL, RDF, Graph, URIRef

from ..namespaces import PROV
from ..namespaces import RDF as RDF_NS
from ..project import Project
from .mapping import ArticleGraph

INFERRED_GRAPH = "graph/inferred"  # under the project's base

Key = tuple[str, str, str]  # subject, predicate and object IRIs


@dataclass(frozen=True)
class Rule:
    """One property axiom of the ontology, read as: a statement with `reads` implies one with `writes`."""

    axiom: Key  # the axiom as the ontology states it: (source, owl property, target)
    reads: str
    writes: str
    transitive: bool = False


def rules_of(ontology: Graph) -> list[Rule]:
    """Every inverse, symmetric and transitive property axiom of the ontology, in a stable order."""
    rules: list[Rule] = []
    for first, second in ontology.subject_objects(OWL.inverseOf):
        if isinstance(first, URIRef) and isinstance(second, URIRef):
            axiom = (str(first), str(OWL.inverseOf), str(second))
            rules += [Rule(axiom, str(first), str(second)), Rule(axiom, str(second), str(first))]
    for kind, transitive in ((OWL.SymmetricProperty, False), (OWL.TransitiveProperty, True)):
        for prop in ontology.subjects(RDF.type, kind):
            if isinstance(prop, URIRef):
                rules.append(Rule((str(prop), str(RDF.type), str(kind)), str(prop), str(prop), transitive))
    return sorted(set(rules), key=lambda r: (r.axiom, r.reads))


@dataclass(frozen=True)
class Inference:
    statement: Key
    rule: Rule
    claims: frozenset[str]  # the claims of the stated facts it rests on


class InferredGraph:
    """The implied statements and their records, as quads of the inferred graph, sorted like an article's."""

    def __init__(self, project: Project, inferences: list[Inference]) -> None:
        self.project = project
        self.graph = NamedNode(project.base + INFERRED_GRAPH)
        self.inferences = inferences

    @cached_property
    def quads(self) -> list[Quad]:
        return [quad for inference in self.inferences for quad in self.quads_of(inference)]

    @cached_property
    def sorted_quads(self) -> list[tuple[str, Quad]]:
        """Each quad with its N-Quads text, sorted by that text and without repeats (axioms are shared)."""
        return sorted({str(q): q for q in self.quads}.items(), key=itemgetter(0))

    def record_iri(self, inference: Inference) -> str:
        """The IRI of the eco:Inference that records why the statement holds."""
        return self.project.entity_iri("inference/" + _hash(inference.statement))

    def quads_of(self, inference: Inference) -> Iterator[Quad]:
        """The implied statement, its record and the record's axiom."""
        vocab, graph = self.project.vocab, self.graph
        subject, predicate, obj = (NamedNode(iri) for iri in inference.statement)
        record = NamedNode(self.record_iri(inference))
        axiom = NamedNode(self.project.entity_iri("axiom/" + _hash(inference.rule.axiom)))
        yield Quad(subject, predicate, obj, graph)
        yield Quad(record, NamedNode(RDF_NS + "type"), NamedNode(vocab + "Inference"), graph)
        yield Quad(record, NamedNode(RDF_NS + "subject"), subject, graph)
        yield Quad(record, NamedNode(RDF_NS + "predicate"), predicate, graph)
        yield Quad(record, NamedNode(RDF_NS + "object"), obj, graph)
        yield Quad(record, NamedNode(vocab + "axiom"), axiom, graph)
        for claim in sorted(inference.claims):
            yield Quad(record, NamedNode(PROV + "wasDerivedFrom"), NamedNode(claim), graph)
        source, owl_property, target = (NamedNode(iri) for iri in inference.rule.axiom)
        yield Quad(axiom, NamedNode(RDF_NS + "type"), NamedNode(str(OWL.Axiom)), graph)
        yield Quad(axiom, NamedNode(str(OWL.annotatedSource)), source, graph)
        yield Quad(axiom, NamedNode(str(OWL.annotatedProperty)), owl_property, graph)
        yield Quad(axiom, NamedNode(str(OWL.annotatedTarget)), target, graph)


def infer(project: Project, ontology: Graph, articles: list[ArticleGraph]) -> InferredGraph:
    """The statements the ontology's property axioms imply from the articles' facts and no article states."""
    rules = rules_of(ontology)
    read = {rule.reads for rule in rules}
    stated = _stated_claims(articles, read)
    return InferredGraph(project, _Closure(rules, stated).run())


def _stated_claims(articles: list[ArticleGraph], properties: set[str]) -> dict[Key, frozenset[str]]:
    """Every stated fact with one of the properties, with the claims (of every article) that state it."""
    parts: dict[str, dict[str, str]] = defaultdict(dict)  # claim -> rdf:subject/predicate/object -> IRI
    wanted = {RDF_NS + name for name in ("subject", "predicate", "object")}
    for article in articles:
        for quad in article.quads:
            node, value = quad.subject, quad.object
            if quad.predicate.value in wanted and isinstance(node, NamedNode) and isinstance(value, NamedNode):
                parts[node.value][quad.predicate.value] = value.value
    claims: dict[Key, set[str]] = defaultdict(set)
    for claim, part in parts.items():
        if part.get(RDF_NS + "predicate") in properties and len(part) == 3:
            claims[(part[RDF_NS + "subject"], part[RDF_NS + "predicate"], part[RDF_NS + "object"])].add(claim)
    return {key: frozenset(found) for key, found in claims.items()}


class _Closure:
    """Apply the rules until nothing new follows; each statement keeps its first (shortest) derivation."""

    def __init__(self, rules: list[Rule], stated: dict[Key, frozenset[str]]) -> None:
        self.rules: dict[str, list[Rule]] = defaultdict(list)
        for rule in rules:
            self.rules[rule.reads].append(rule)
        self.claims: dict[Key, frozenset[str]] = dict(stated)
        self.outgoing: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.incoming: dict[tuple[str, str], set[str]] = defaultdict(set)
        for key in stated:
            self._index(key)

    def run(self) -> list[Inference]:
        found: list[Inference] = []
        frontier = sorted(self.claims)
        while frontier:
            new: dict[Key, Inference] = {}
            for key in frontier:
                for statement, rule, premises in self._conclusions(key):
                    if statement not in self.claims and statement not in new:
                        claims = frozenset().union(*(self.claims[p] for p in premises))
                        new[statement] = Inference(statement, rule, claims)
            for statement, inference in new.items():
                self.claims[statement] = inference.claims
                self._index(statement)
            found += new.values()
            frontier = sorted(new)
        return sorted(found, key=lambda i: i.statement)

    def _index(self, key: Key) -> None:
        subject, predicate, obj = key
        self.outgoing[(predicate, subject)].add(obj)
        self.incoming[(predicate, obj)].add(subject)

    def _conclusions(self, key: Key) -> Iterable[tuple[Key, Rule, tuple[Key, ...]]]:
        subject, predicate, obj = key
        for rule in self.rules.get(predicate, []):
            if not rule.transitive:
                yield (obj, rule.writes, subject), rule, (key,)
                continue
            for after in sorted(self.outgoing[(predicate, obj)]):
                if after != subject:
                    yield (subject, predicate, after), rule, (key, (obj, predicate, after))
            for before in sorted(self.incoming[(predicate, subject)]):
                if before != obj:
                    yield (before, predicate, obj), rule, ((before, predicate, subject), key)


def _hash(key: Key) -> str:
    return hashlib.sha256(" ".join(key).encode()).hexdigest()[:16]
