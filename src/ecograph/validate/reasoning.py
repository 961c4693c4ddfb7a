"""OWL reasoning: is the ontology plus some data consistent (HermiT, through owlready2), and if not, why.

HermiT answers only "inconsistent". To say *why* in terms a contributor can act on, `disjoint_clashes` checks
the data directly: each individual's types — asserted, and implied by the domains and ranges of the properties
it is used with — are closed under rdfs:subClassOf, and any two that fall under a pair of disjoint classes
(owl:AllDisjointClasses or owl:disjointWith) are reported with both reasons and the axiom.

owlready2 does not read Turtle, so HermiT gets N-Triples. Unsupported datatypes (xsd:date, xsd:gYear …) are
ignored by HermiT (`ignore_unsupported_datatypes=True`); ill-typed literals are left out of its input (the
ontology rules report them).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

EVERYTHING = {str(OWL.Thing), "http://www.w3.org/2000/01/rdf-schema#Resource"}


@dataclass(frozen=True)
class TypeReason:
    """Why an individual has a type: asserted, or implied by a property's domain or range."""

    cls: str
    because: str  # "asserted" | "domain" | "range"
    prop: str | None = None
    other: str | None = None  # the other end of the triple

    def describe(self, name: Callable[[Any], str]) -> str:
        if self.because == "asserted":
            return f"it is typed {name(self.cls)}"
        if self.because == "domain":
            return f"it has {name(self.prop)}, whose domain is {name(self.cls)}"
        return f"{name(self.other)} links to it with {name(self.prop)}, whose range is {name(self.cls)}"


@dataclass(frozen=True)
class Clash:
    """An individual with two types the ontology declares disjoint."""

    node: str
    first: TypeReason
    second: TypeReason
    disjoint: tuple[str, str]
    axiom: str  # e.g. "owl:AllDisjointClasses (Organisation, Person, …)"


class Axioms:
    """What the checks need from the ontology: class hierarchy, domains, ranges, functional and disjoint."""

    def __init__(self, ontology: Graph) -> None:
        self.graph = ontology

    @cached_property
    def parents(self) -> dict[str, set[str]]:
        # the ontology restates the few axioms of the reused vocabularies that its ranges rely on
        parents: dict[str, set[str]] = {}
        for child, parent in self.graph.subject_objects(RDFS.subClassOf):
            if isinstance(child, URIRef) and isinstance(parent, URIRef):
                parents.setdefault(str(child), set()).add(str(parent))
        return parents

    def ancestors(self, cls: str) -> set[str]:
        """The class and all its superclasses."""
        seen, todo = {cls}, [cls]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def is_a(self, types: Iterable[str], wanted: Iterable[str]) -> bool:
        wanted = set(wanted)
        if wanted & EVERYTHING:  # a range of owl:Thing or rdfs:Resource admits every node
            return True
        return any(self.ancestors(t) & wanted for t in types)

    def classes_of(self, node: object) -> list[str]:
        """A named class, or the members of an owl:unionOf."""
        if isinstance(node, URIRef):
            return [str(node)]
        union = self.graph.value(node, OWL.unionOf) if isinstance(node, BNode) else None
        return [str(c) for c in Collection(self.graph, union) if isinstance(c, URIRef)] if union else []

    @cached_property
    def domains(self) -> dict[str, list[str]]:
        return {str(p): self.classes_of(d) for p, d in self.graph.subject_objects(RDFS.domain)}

    @cached_property
    def ranges(self) -> dict[str, list[str]]:
        return {str(p): self.classes_of(r) for p, r in self.graph.subject_objects(RDFS.range)}

    @cached_property
    def functional(self) -> set[str]:
        return {str(p) for p in self.graph.subjects(RDF.type, OWL.FunctionalProperty)}

    @cached_property
    def object_properties(self) -> set[str]:
        return {str(p) for p in self.graph.subjects(RDF.type, OWL.ObjectProperty)}

    @cached_property
    def datatype_properties(self) -> set[str]:
        return {str(p) for p in self.graph.subjects(RDF.type, OWL.DatatypeProperty)}

    @cached_property
    def disjoint_pairs(self) -> dict[frozenset[str], str]:
        """Each pair of disjoint classes, with a description of the axiom that says so."""
        pairs: dict[frozenset[str], str] = {}
        for group in self.graph.subjects(RDF.type, OWL.AllDisjointClasses):
            members = [str(m) for m in Collection(self.graph, self.graph.value(group, OWL.members) or RDF.nil)]
            axiom = "owl:AllDisjointClasses (" + ", ".join(_local(m) for m in members) + ")"
            for i, first in enumerate(members):
                for second in members[i + 1 :]:
                    pairs.setdefault(frozenset((first, second)), axiom)
        for one, other in self.graph.subject_objects(OWL.disjointWith):
            pairs.setdefault(
                frozenset((str(one), str(other))), f"{_local(str(one))} owl:disjointWith {_local(str(other))}"
            )
        return pairs


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# the direct check -------------------------------------------------------------------------------------------


def type_reasons(axioms: Axioms, data: Graph, node: URIRef) -> list[TypeReason]:
    """Every class the node belongs to by assertion or by the domains/ranges of its properties."""
    reasons = [
        TypeReason(str(c), "asserted") for c in sorted(data.objects(node, RDF.type), key=str) if isinstance(c, URIRef)
    ]
    for prop, value in sorted(data.predicate_objects(node)):
        for cls in _single(axioms.domains.get(str(prop), [])):
            reasons.append(TypeReason(cls, "domain", str(prop), str(value)))
    for subject, prop in sorted(data.subject_predicates(node)):
        for cls in _single(axioms.ranges.get(str(prop), [])):
            reasons.append(TypeReason(cls, "range", str(prop), str(subject)))
    return reasons


def _single(classes: list[str]) -> list[str]:
    """A union range (A or B) implies no single class."""
    return classes if len(classes) == 1 else []


def disjoint_clashes(axioms: Axioms, data: Graph, nodes: Iterable[URIRef]) -> list[Clash]:
    """The individuals among `nodes` that belong to two disjoint classes, with the reasons for each."""
    clashes = []
    for node in sorted(set(nodes)):
        clashes.extend(_clashes_of(axioms, data, node))
    return clashes


def _clashes_of(axioms: Axioms, data: Graph, node: URIRef) -> list[Clash]:
    reasons = type_reasons(axioms, data, node)
    found: dict[frozenset[str], Clash] = {}
    for i, first in enumerate(reasons):
        for second in reasons[i + 1 :]:
            for a in axioms.ancestors(first.cls):
                for b in axioms.ancestors(second.cls):
                    pair = frozenset((a, b))
                    if pair in axioms.disjoint_pairs and pair not in found:
                        found[pair] = Clash(str(node), first, second, (a, b), axioms.disjoint_pairs[pair])
    return _most_specific(list(found.values()))


def _most_specific(clashes: list[Clash]) -> list[Clash]:
    """One clash per pair of reasons: the disjoint pair closest to the asserted classes."""
    best: dict[tuple[TypeReason, TypeReason], Clash] = {}
    for clash in clashes:
        key = (clash.first, clash.second)
        if key not in best or _distance(clash) < _distance(best[key]):
            best[key] = clash
    return list(best.values())


def _distance(clash: Clash) -> int:
    return int(clash.disjoint[0] != clash.first.cls) + int(clash.disjoint[1] != clash.second.cls)


# HermiT -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonerOutcome:
    """HermiT's answer: consistent True/False, or None with the error when it could not run."""

    consistent: bool | None
    seconds: float
    error: str | None = None


def reasoner_input(ontology: Graph, data: Graph) -> bytes:
    """N-Triples for owlready2: the ontology and the data, without ill-typed literals."""
    combined = Graph()
    for triple in ontology:
        combined.add(triple)
    for triple in data:
        obj = triple[2]
        if isinstance(obj, Literal) and getattr(obj, "ill_typed", False):
            continue
        combined.add(triple)
    return combined.serialize(format="nt", encoding="utf-8")


def check_consistency(ntriples: bytes) -> ReasonerOutcome:
    """Run HermiT (owlready2's sync_reasoner) on N-Triples; never raises."""
    import owlready2

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ecograph-owl-") as folder:
        path = Path(folder) / "input.nt"
        path.write_bytes(ntriples)
        try:
            world = owlready2.World()
            ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
            with ontology, _HERMIT, _quick_jvm(), _owlready_temp_files_in(Path(folder)):
                owlready2.sync_reasoner_hermit(
                    world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
                )
        except owlready2.OwlReadyInconsistentOntologyError:
            return ReasonerOutcome(False, time.perf_counter() - started)
        except Exception as error:  # a missing Java, a Java error, an owlready2 parse error: all say "cannot"
            return ReasonerOutcome(None, time.perf_counter() - started, _first_line(error))
        finally:
            if "world" in locals():
                world.close()
    return ReasonerOutcome(True, time.perf_counter() - started)


# A short-lived JVM starts faster with the C1 compiler only, the serial collector and class-data sharing: about
# 40% less CPU for HermiT on a contribution. owlready2 offers no way to pass JVM options, so they go through the
# launcher's JDK_JAVA_OPTIONS for the duration of the call (unless the user has set it).
QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
_HERMIT = threading.Lock()  # one HermiT run at a time: the two patches below are process-wide


@contextlib.contextmanager
def _quick_jvm() -> Iterator[None]:
    if "JDK_JAVA_OPTIONS" in os.environ:
        yield
        return
    os.environ["JDK_JAVA_OPTIONS"] = QUICK_JVM
    try:
        yield
    finally:
        os.environ.pop("JDK_JAVA_OPTIONS", None)


class _TempFilesIn:
    """The tempfile module, but with temporary files made in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def NamedTemporaryFile(self, *args: object, **kwargs: object) -> object:  # noqa: N802 (tempfile's name)
        return tempfile.NamedTemporaryFile(*args, dir=self.folder, **kwargs)  # type: ignore[call-overload]

    def __getattr__(self, name: str) -> object:
        return getattr(tempfile, name)


@contextlib.contextmanager
def _owlready_temp_files_in(folder: Path) -> Iterator[None]:
    """owlready2 leaves HermiT's input file behind when the data is inconsistent; keep it in our folder."""
    import owlready2.reasoning

    saved = owlready2.reasoning.tempfile
    owlready2.reasoning.tempfile = _TempFilesIn(folder)
    try:
        yield
    finally:
        owlready2.reasoning.tempfile = saved


def start_consistency_check(ntriples: bytes) -> Future[ReasonerOutcome]:
    """Run HermiT in a background thread (its JVM runs while Python does the other checks)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hermit")
    future = pool.submit(check_consistency, ntriples)
    pool.shutdown(wait=False)
    return future


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    lines = [line for line in text.splitlines() if line.strip()]
    return " ".join(lines[:3])[:300]
