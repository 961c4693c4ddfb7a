"""OWL reasoning with owlready2 + HermiT: the ontology and the seed data are consistent; a disjointness clash is
not, and the direct check names the individual, both reasons and the axiom."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

from ecograph.project import Project
from ecograph.validate.reasoning import Axioms, check_consistency, disjoint_clashes, reasoner_input

pytest_plugins = ["contribution_fixtures"]  # published_dist

REPO = Path(__file__).resolve().parents[1]
ECO = "https://w3id.org/ecograph/def#"
ID = "https://w3id.org/ecograph/id/"

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    project = Project.open(REPO)
    graph = Graph()
    for path in project.ontology_files():
        graph.parse(path, format="turtle")
    return graph


def data(turtle: str) -> Graph:
    """Turtle with eco: terms and id:kind/slug entity names."""
    expanded = re.sub(r"\bid:([\w/-]+)", lambda m: f"<{ID}{m.group(1)}>", turtle)
    return Graph().parse(data=f"@prefix eco: <{ECO}> .\n" + expanded, format="turtle")


@needs_java
def test_ontology_and_full_seed_data_are_consistent(ontology: Graph, published_dist: Path) -> None:
    published = Dataset()
    published.parse(published_dist / "ecograph.trig", format="trig")
    seed = Graph()
    for s, p, o, _ in published.quads():
        seed.add((s, p, o))
    assert len(seed) > 1000
    outcome = check_consistency(reasoner_input(ontology, seed))
    assert outcome.error is None
    assert outcome.consistent is True


@needs_java
def test_an_organisation_of_two_disjoint_kinds_is_inconsistent(ontology: Graph) -> None:
    clash = data("<https://w3id.org/ecograph/id/organisation/x> a eco:Company , eco:University .")
    outcome = check_consistency(reasoner_input(ontology, clash))
    assert outcome.consistent is False


def test_the_direct_check_explains_a_disjointness_clash(ontology: Graph) -> None:
    clash = data("id:organisation/x a eco:StartUp , eco:University .")
    [found] = disjoint_clashes(Axioms(ontology), clash, [URIRef(ID + "organisation/x")])
    assert found.node == ID + "organisation/x"
    assert {found.first.cls, found.second.cls} == {ECO + "StartUp", ECO + "University"}
    assert set(found.disjoint) == {ECO + "Company", ECO + "University"}  # StartUp is a Company
    assert found.axiom.startswith("owl:AllDisjointClasses (Company, University")


def test_the_direct_check_follows_ranges(ontology: Graph) -> None:
    """An organisation as the holder of a position: heldBy's range is Person, disjoint with Organisation."""
    clash = data("id:position/p a eco:Position ; eco:heldBy id:organisation/x . id:organisation/x a eco:Company .")
    [found] = disjoint_clashes(Axioms(ontology), clash, [URIRef(ID + "organisation/x")])
    reasons = {found.first.because, found.second.because}
    assert reasons == {"asserted", "range"}
    ranged = found.first if found.first.because == "range" else found.second
    assert ranged.prop == ECO + "heldBy" and ranged.other == ID + "position/p"


def test_consistent_data_has_no_clash(ontology: Graph) -> None:
    fine = data("id:organisation/x a eco:StartUp ; eco:locatedIn id:place/enschede . id:place/enschede a eco:City .")
    nodes = [URIRef(ID + "organisation/x"), URIRef(ID + "place/enschede")]
    assert disjoint_clashes(Axioms(ontology), fine, nodes) == []


def test_a_missing_java_is_an_outcome_not_an_exception(ontology: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    outcome = check_consistency(reasoner_input(ontology, data("id:organisation/x a eco:Company .")))
    assert outcome.consistent is None and outcome.error
