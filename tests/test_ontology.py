"""The ontology documents itself: every term has English and Dutch labels, a definition, a domain and a range."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS, VANN

from ecograph.ontology import load_ontology
from ecograph.project import Project


@pytest.fixture(scope="module")
def ontology(seed_project: Project) -> Graph:
    return load_ontology(seed_project)


def own_terms(ontology: Graph, seed_project: Project, kind: URIRef) -> list[URIRef]:
    return sorted(
        t for t in ontology.subjects(RDF.type, kind) if isinstance(t, URIRef) and t.startswith(seed_project.vocab)
    )


def all_own_terms(ontology: Graph, seed_project: Project) -> list[URIRef]:
    return [
        t
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in own_terms(ontology, seed_project, kind)
    ]


def test_every_term_has_an_english_and_a_dutch_label(ontology: Graph, seed_project: Project) -> None:
    unlabelled = [
        t
        for t in all_own_terms(ontology, seed_project)
        if {lit.language for lit in ontology.objects(t, RDFS.label)} < {"en", "nl"}
    ]
    assert unlabelled == []


def test_every_term_has_a_definition(ontology: Graph, seed_project: Project) -> None:
    assert [t for t in all_own_terms(ontology, seed_project) if not ontology.value(t, SKOS.definition)] == []


def test_every_property_declares_its_domain_and_range(ontology: Graph, seed_project: Project) -> None:
    properties = [
        p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in own_terms(ontology, seed_project, kind)
    ]
    assert [p for p in properties if ontology.value(p, RDFS.domain) is None] == []
    assert [p for p in properties if ontology.value(p, RDFS.range) is None] == []


def test_every_class_is_aligned_with_a_standard_vocabulary(ontology: Graph, seed_project: Project) -> None:
    def reaches_a_standard_term(cls: URIRef, seen: frozenset = frozenset()) -> bool:
        for parent in ontology.objects(cls, RDFS.subClassOf):
            if isinstance(parent, URIRef) and not parent.startswith(seed_project.vocab):
                return True
            if parent not in seen and reaches_a_standard_term(parent, seen | {cls}):
                return True
        return False

    assert [c for c in own_terms(ontology, seed_project, OWL.Class) if not reaches_a_standard_term(c)] == []


def test_the_ontology_states_version_licence_creator_and_prefix(ontology: Graph, seed_project: Project) -> None:
    iri = URIRef(seed_project.base + "def")
    assert (iri, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(iri, OWL.versionIRI) is not None
    assert ontology.value(iri, DCTERMS.license) is not None
    assert ontology.value(iri, DCTERMS.creator) is not None
    assert str(ontology.value(iri, VANN.preferredNamespacePrefix)) == "eco"


def test_disjointness_is_stated(ontology: Graph) -> None:
    assert len(list(ontology.subjects(RDF.type, OWL.AllDisjointClasses))) >= 3
