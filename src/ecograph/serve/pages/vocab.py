"""The ontology as the pages need it: labels by language, definitions, the class hierarchy, and
short names (CURIEs) for the terms of other vocabularies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "foaf": FOAF,
    "org": "http://www.w3.org/ns/org#",
    "schema": SCHEMA,
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "spdx": "http://spdx.org/rdf/terms#",
}
#: Labels for the terms of other vocabularies that the data uses (the ontology labels only its own terms).
KNOWN_LABELS = {
    RDF + "type": {"en": "type", "nl": "type"},
    RDFS + "label": {"en": "label", "nl": "label"},
    SKOS + "altLabel": {"en": "also known as", "nl": "ook bekend als"},
    SKOS + "prefLabel": {"en": "preferred label", "nl": "voorkeurslabel"},
    SKOS + "inScheme": {"en": "in scheme", "nl": "in schema"},
    SKOS + "definition": {"en": "definition", "nl": "definitie"},
    DCTERMS + "title": {"en": "title", "nl": "titel"},
    DCTERMS + "description": {"en": "description", "nl": "beschrijving"},
    DCTERMS + "issued": {"en": "published", "nl": "gepubliceerd"},
    DCTERMS + "publisher": {"en": "publisher", "nl": "uitgever"},
    DCTERMS + "creator": {"en": "author", "nl": "auteur"},
    DCTERMS + "language": {"en": "language", "nl": "taal"},
    FOAF + "homepage": {"en": "homepage", "nl": "website"},
    PROV + "wasQuotedFrom": {"en": "quoted from", "nl": "geciteerd uit"},
    RDF + "subject": {"en": "subject", "nl": "onderwerp"},
    RDF + "predicate": {"en": "property", "nl": "eigenschap"},
    RDF + "object": {"en": "object", "nl": "object"},
}


def prefixes(base: str) -> dict[str, str]:
    """The prefixes of our serialisations: eco:, one per entity path, and the standard vocabularies."""
    return {"eco": f"{base}def#", "id": f"{base}id/", "graph": f"{base}graph/", **PREFIXES}


def pick_label(labels: dict[str, str], lang: str = "en") -> str | None:
    """The label in `lang`, else English, else the first in another language (by code), else one without one."""
    for key in (lang, "en", *sorted(k for k in labels if k), ""):
        if key in labels:
            return labels[key]
    return None


class Vocabulary:
    """Labels and the class hierarchy of dist/ontology.ttl (empty when the file is missing)."""

    def __init__(self, triples: Iterable[ox.Triple], base: str) -> None:
        self.base = base
        self.prefixes = prefixes(base)
        self._labels: dict[str, dict[str, str]] = defaultdict(dict)
        self._parents: dict[str, set[str]] = defaultdict(set)
        for iri, labels in KNOWN_LABELS.items():
            self._labels[iri].update(labels)
        for triple in triples:
            self._add(triple)

    @classmethod
    def load(cls, path: Path, base: str) -> Vocabulary:
        if not path.is_file():
            return cls([], base)
        return cls(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), base)

    def _add(self, triple: ox.Triple) -> None:
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            return
        if predicate == RDFS + "label" and isinstance(obj, ox.Literal):
            self._labels[subject.value].setdefault(obj.language or "", obj.value)
        elif predicate == RDFS + "subClassOf" and isinstance(obj, ox.NamedNode):
            self._parents[subject.value].add(obj.value)

    def labels(self, iri: str) -> dict[str, str]:
        return dict(self._labels.get(iri, {}))

    def label(self, iri: str, lang: str = "en") -> str:
        """The term's label, else its CURIE (e.g. skos:altLabel), else the IRI."""
        return pick_label(self._labels.get(iri, {}), lang) or self.curie(iri)

    def curie(self, iri: str) -> str:
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    def subclasses(self, iri: str) -> set[str]:
        """`iri` and every class below it (transitively)."""
        found = {iri}
        changed = True
        while changed:
            more = {child for child, parents in self._parents.items() if parents & found} - found
            found |= more
            changed = bool(more)
        return found
