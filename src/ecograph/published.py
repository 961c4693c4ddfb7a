"""The published graph (dist/ecograph.trig) as the context a contribution is checked in.

A contribution may refer to entities that are already published; their types and labels then count when it is
validated, and new entities are compared with the published ones to catch duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, Store

from .errors import EcographError

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT_LABEL = NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
CLAIM_TYPE_SUFFIX = "def#Claim"
DUMP = "ecograph.trig"


class PublishedGraphMissing(EcographError):
    """There is no published graph to check a contribution against."""


@dataclass(frozen=True)
class Name:
    """A label or alias of a published entity."""

    iri: str
    text: str
    language: str
    is_alias: bool


class Published:
    """The published dataset in an in-memory store; read-only look-ups by IRI."""

    def __init__(self, store: Store, source: Path | None) -> None:
        self.store = store
        self.source = source

    @classmethod
    def empty(cls) -> Published:
        return cls(Store(), None)

    @classmethod
    def load(cls, against: Path) -> Published:
        """Read DIST/ecograph.trig (or a TriG/N-Quads file given directly)."""
        dump = against / DUMP if against.is_dir() else against
        if not dump.is_file():
            raise PublishedGraphMissing(
                f"no published graph at {dump}: build it with `ecograph build` (it writes dist/{DUMP}), "
                "or point --against at a folder that holds ecograph.trig")
        store = Store()
        fmt = RdfFormat.N_QUADS if dump.suffix == ".nq" else RdfFormat.TRIG
        try:
            store.bulk_load(path=str(dump), format=fmt)
        except (SyntaxError, OSError, ValueError) as error:
            raise PublishedGraphMissing(f"cannot read the published graph {dump}: {error}. "
                                        "Rebuild it with `ecograph build`.") from error
        return cls(store, dump)

    def knows(self, iri: str) -> bool:
        return next(iter(self.store.quads_for_pattern(NamedNode(iri), None, None)), None) is not None

    def types(self, iri: str) -> set[str]:
        return {q.object.value for q in self.store.quads_for_pattern(NamedNode(iri), RDF_TYPE, None)}

    def values(self, iri: str, predicate: NamedNode) -> set[NamedNode | Literal]:
        return {q.object for q in self.store.quads_for_pattern(NamedNode(iri), predicate, None)}

    def context(self, iris: set[str]) -> set[tuple[NamedNode, NamedNode, NamedNode | Literal]]:
        """The published types and labels of these IRIs: what a contribution's references need."""
        found = set()
        for iri in iris:
            for predicate in (RDF_TYPE, LABEL, ALT_LABEL):
                for quad in self.store.quads_for_pattern(NamedNode(iri), predicate, None):
                    found.add((quad.subject, quad.predicate, quad.object))
        return found

    def label(self, iri: str, languages: tuple[str, ...] = ("en", "nl")) -> str | None:
        labels = {lit.language: lit.value for lit in self.values(iri, LABEL) if isinstance(lit, Literal)}
        for language in languages:
            if language in labels:
                return labels[language]
        return next(iter(labels.values()), None)

    @cached_property
    def names(self) -> list[Name]:
        """Every label and alias of every published entity (claims and articles left out)."""
        names = []
        for predicate, is_alias in ((LABEL, False), (ALT_LABEL, True)):
            for quad in self.store.quads_for_pattern(None, predicate, None):
                if isinstance(quad.object, Literal) and isinstance(quad.subject, NamedNode):
                    names.append(Name(quad.subject.value, quad.object.value, quad.object.language or "",
                                      is_alias))
        return sorted(set(names), key=lambda n: (n.iri, n.is_alias, n.language, n.text))

    @cached_property
    def entity_ids(self) -> set[str]:
        """The IRIs of all typed entities."""
        return {q.subject.value for q in self.store.quads_for_pattern(None, RDF_TYPE, None)
                if isinstance(q.subject, NamedNode) and not q.object.value.endswith(CLAIM_TYPE_SUFFIX)}
