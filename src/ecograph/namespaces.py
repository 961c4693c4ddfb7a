"""The vocabularies the data reuses: their namespaces, the one prefix table, CURIEs, and labels for their terms.

The dumps are the reference: `dump_prefixes` is the table the build writes into every Turtle, TriG and JSON-LD
file, and the endpoint's answers, the pages' downloads and `ecograph query` use the same table (plus `id:` and
the vocabularies of the dataset description), so a prefix means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"

#: The properties that name an entity: a claim of one says only a name its quote contains.
NAMING_PROPERTIES = frozenset(
    {
        RDFS + "label",
        SKOS + "prefLabel",
        SKOS + "altLabel",
        SKOS + "hiddenLabel",
        FOAF + "name",
        SCHEMA + "name",
        SCHEMA + "alternateName",
    }
)

#: The standard vocabularies, as the dumps declare them (in this order).
STANDARD_PREFIXES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "foaf": FOAF,
    "org": ORG,
    "schema": SCHEMA,
}
#: The vocabularies of the dataset description (void.ttl), which the endpoint and pages also show.
DESCRIPTION_PREFIXES = {"void": VOID, "dcat": DCAT, "spdx": SPDX}

#: Labels for the terms of other vocabularies that the data uses (the ontology labels only its own terms).
REUSED_LABELS = {
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


def dump_prefixes(base: str, kinds: Iterable[str] = ()) -> dict[str, str]:
    """The dumps' prefixes: eco:, the standard vocabularies, one per kind of entity (organisation: …), graph:."""
    table = {"eco": f"{base}def#", **STANDARD_PREFIXES}
    for kind in sorted(set(kinds)):
        if kind not in table:
            table[kind] = f"{base}id/{kind}/"
    table["graph"] = f"{base}graph/"
    return table


def served_prefixes(base: str) -> dict[str, str]:
    """The dumps' prefixes (without the kinds of entity), id: for every entity, and the description's vocabularies."""
    return {**dump_prefixes(base), "id": f"{base}id/", **DESCRIPTION_PREFIXES}


class Compactor:
    """IRIs as CURIEs (prefix:local) with a prefix table, remembered since the same IRIs recur.

    The longest matching namespace wins, so organisation: beats a shorter id:; an IRI whose local part would be
    empty or hold a "#" is not compacted."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.table = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.compacted: dict[str, str | None] = {}

    def curie(self, iri: str) -> str | None:
        """`iri` as prefix:local, or None when no namespace of the table fits it."""
        if iri not in self.compacted:
            self.compacted[iri] = self._compact(iri)
        return self.compacted[iri]

    def iri(self, iri: str) -> str:
        """`iri` as prefix:local when it can be compacted, else unchanged."""
        return self.curie(iri) or iri

    def _compact(self, iri: str) -> str | None:
        for prefix, namespace in self.table:
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and local and "#" not in local:
                return f"{prefix}:{local}"
        return None
