"""What the SPARQL editor's page hands to its script (static/editor.js): the base IRI (so the data's IRIs link to
this server's pages), the served prefixes, the ontology's classes and properties for completion (from the served
dist/ontology.ttl, so completion works offline), and the stored queries, one tab each."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ...namespaces import OWL, RDF, RDFS
from .storedqueries import StoredQuery
from .vocab import Vocabulary

CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
PROPERTY_TYPES = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty", RDF + "Property"}


def editor_config(ontology: Path, vocab: Vocabulary, queries: Iterable[StoredQuery]) -> dict[str, Any]:
    """The JSON the editor page embeds (see the module docstring)."""
    classes, properties = ontology_terms(ontology)
    return {
        "base": vocab.base,
        "prefixes": vocab.prefixes,
        "classes": [_term(iri, vocab) for iri in classes],
        "properties": [_term(iri, vocab) for iri in properties],
        "queries": [{"name": q.name, "summary": q.summary or q.name, "query": q.text} for q in queries],
    }


def ontology_terms(ontology: Path) -> tuple[list[str], list[str]]:
    """The IRIs of the classes and of the properties the ontology declares, each sorted (none without the file)."""
    classes: set[str] = set()
    properties: set[str] = set()
    if ontology.is_file():
        for triple in ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE):
            if triple.predicate.value != RDF + "type" or not isinstance(triple.subject, ox.NamedNode):
                continue
            if triple.object.value in CLASS_TYPES:
                classes.add(triple.subject.value)
            elif triple.object.value in PROPERTY_TYPES:
                properties.add(triple.subject.value)
    return sorted(classes), sorted(properties)


def _term(iri: str, vocab: Vocabulary) -> dict[str, str]:
    return {"iri": iri, "label": vocab.label(iri)}
