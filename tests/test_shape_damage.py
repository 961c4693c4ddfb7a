"""Shapes that catch damage: a link to an entity of the wrong kind, for every object property whose range the
ontology gives, and a funding with a second currency or a second amount, are violations of the shapes (so the
build, which checks only the shapes, refuses them too), reported by `ecograph validate` on the node and property.

The damaged contributions are the good Turtle contribution (tests/contributions/good-turtle) plus one fact, with
its claim, per kind of damage; the properties and their ranges are read from the ontology.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from contribution_helpers import scratch_project
from rdflib import OWL, RDF, RDFS, SH, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection

from ecograph.cli import main
from ecograph.ontology import load_ontology
from ecograph.project import Project

pytest_plugins = ["contribution_fixtures"]  # published_dist

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "contributions"
ECO = Namespace("https://w3id.org/ecograph/def#")
ID = "https://w3id.org/ecograph/id/"
ONTOLOGY = load_ontology(Project.open(REPO))
SHAPES = Graph().parse(REPO / "shapes" / "ecograph.ttl")
SUBJECT = "facility/micronit-pilot-line"
# entities of the good contribution and the seed build, each of a kind that is outside some ranges
CANDIDATES = {"place/enschede": ECO.City, "organisation/micronit": ECO.Company, "programme/topfit": ECO.Programme}


def classes_of(node: URIRef | BNode) -> set[URIRef]:
    """A range as a set of classes: one class, or the members of an owl:unionOf."""
    union = ONTOLOGY.value(node, OWL.unionOf)
    return set(Collection(ONTOLOGY, union)) if union is not None else {node}  # type: ignore[arg-type]


def supers(cls: URIRef) -> set[URIRef]:
    return set(ONTOLOGY.transitive_objects(cls, RDFS.subClassOf))


RANGES = {
    prop: classes_of(ONTOLOGY.value(prop, RDFS.range))
    for prop in sorted(ONTOLOGY.subjects(RDF.type, OWL.ObjectProperty))
    if isinstance(prop, URIRef) and ONTOLOGY.value(prop, RDFS.range) is not None
}
CHECKED = {prop: classes for prop, classes in RANGES.items() if OWL.Thing not in classes}


def wrong_object(prop: URIRef) -> str:
    """An entity of the good contribution whose kind is not in the property's range."""
    return next(e for e, cls in CANDIDATES.items() if not supers(cls) & CHECKED[prop])


def label(prop: URIRef) -> str:
    return next(str(v) for v in ONTOLOGY.objects(prop, RDFS.label) if v.language == "en")  # type: ignore[attr-defined]


def local(prop: URIRef) -> str:
    return str(prop).rsplit("#", 1)[-1]


def fact(subject: str, prop: str, obj: str, n: int) -> str:
    """A fact and its claim, quoted from the good contribution's article."""
    return f"""
<{ID}{subject}> <{prop}> {obj} .
<{ID}claim/damage-{n}> a eco:Claim ; rdf:subject <{ID}{subject}> ; rdf:predicate <{prop}> ; rdf:object {obj} ;
    eco:quote "Micronit opens a new clean room" ; eco:quoteLine 1 ;
    prov:wasQuotedFrom article:micronit-clean-room-case .
"""


def validate_json(tmp_path: Path, dist: Path, extra: str) -> tuple[int, list[dict]]:
    project = scratch_project(
        tmp_path / "project", [CORPUS / "good-mapping" / "case.txt", CORPUS / "good-mapping" / "case.yaml"]
    )
    contribution = tmp_path / "contribution.ttl"
    contribution.write_text((CORPUS / "good-turtle" / "contribution.ttl").read_text(encoding="utf-8") + extra)
    command = [
        "--project",
        str(project.root),
        "validate",
        "--against",
        str(dist),
        "--format",
        "json",
        str(contribution),
    ]
    result = CliRunner().invoke(main, command, catch_exceptions=False)
    report = json.loads(result.output)
    findings = [{**f, "id": e["id"]} for e in report["entities"] for f in e["findings"]]
    return result.exit_code, findings


def shape_violations(findings: list[dict], node: str, prop: str) -> list[dict]:
    return [
        f
        for f in findings
        if f["id"] == node and f["property"] == prop and f["check"] == "shapes" and f["severity"] == "Violation"
    ]


# ---- the class of what a link points at --------------------------------------------------------------------


def test_the_ranges_left_unchecked_are_only_owl_thing() -> None:
    assert {local(p) for p in RANGES.keys() - CHECKED.keys()} <= {"about"}


@pytest.mark.parametrize("prop", sorted(CHECKED), ids=local)
def test_a_shape_checks_the_class_of_the_object_as_the_ontology_gives_it(prop: URIRef) -> None:
    found = []
    for shape in SHAPES.subjects(SH.path, prop):
        found.append({SHAPES.value(shape, SH["class"])} - {None})
        for alternatives in SHAPES.objects(shape, SH["or"]):
            found.append({SHAPES.value(a, SH["class"]) for a in Collection(SHAPES, alternatives)})
    assert CHECKED[prop] in found, f"no shape with sh:class {sorted(CHECKED[prop])} on {local(prop)}"


@pytest.fixture(scope="module")
def linked_wrongly(tmp_path_factory: pytest.TempPathFactory, published_dist: Path) -> tuple[int, list[dict]]:
    """One contribution in which the facility links with every checked property to an entity of the wrong kind."""
    extra = "".join(fact(SUBJECT, str(p), f"<{ID}{wrong_object(p)}>", n) for n, p in enumerate(CHECKED))
    return validate_json(tmp_path_factory.mktemp("linked-wrongly"), published_dist, extra)


@pytest.mark.parametrize("prop", sorted(CHECKED), ids=local)
def test_a_link_to_an_entity_of_the_wrong_kind_is_a_violation_of_the_shapes(
    prop: URIRef, linked_wrongly: tuple[int, list[dict]]
) -> None:
    exit_code, findings = linked_wrongly
    assert exit_code == 1
    found = shape_violations(findings, SUBJECT, label(prop))
    assert any(f["value"] and wrong_object(prop) in f["value"] for f in found), f"{local(prop)}: {found}"


def test_a_person_where_a_place_belongs_is_named_in_the_message(tmp_path: Path, published_dist: Path) -> None:
    person = """
<https://w3id.org/ecograph/id/person/jan-jansen> a eco:Person ; rdfs:label "Jan Jansen"@en , "Jan Jansen"@nl .
"""
    exit_code, findings = validate_json(
        tmp_path,
        published_dist,
        person + fact("organisation/micronit", str(ECO.originatedIn), f"<{ID}person/jan-jansen>", 0),
    )
    assert exit_code == 1
    [found] = shape_violations(findings, "organisation/micronit", "originated in")
    assert "place or facility" in found["message"]


# ---- a funding: one currency, one amount ---------------------------------------------------------------------

FUNDING = f"""
<{ID}funding/case> a eco:Funding ;
    rdfs:label "Twente Board funding for Micronit"@en , "Twente Board-financiering voor Micronit"@nl ;
    eco:recipient <{ID}organisation/micronit> .
"""
DECIMAL = "<http://www.w3.org/2001/XMLSchema#decimal>"


@pytest.mark.parametrize(
    "facts,prop",
    [
        ([("amount", f'"2000000"^^{DECIMAL}'), ("currency", '"EUR"'), ("currency", '"USD"')], "currency"),
        (
            [("amount", f'"2000000"^^{DECIMAL}'), ("minimumAmount", f'"1000000"^^{DECIMAL}'), ("currency", '"EUR"')],
            "minimum amount",
        ),
        ([("amount", f'"2000000"^^{DECIMAL}'), ("amount", f'"3000000"^^{DECIMAL}'), ("currency", '"EUR"')], "amount"),
    ],
    ids=["second-currency", "amount-and-minimum", "second-amount"],
)
def test_a_funding_with_a_second_currency_or_amount_is_a_violation_on_that_property(
    facts: list[tuple[str, str]], prop: str, tmp_path: Path, published_dist: Path
) -> None:
    extra = FUNDING + "".join(fact("funding/case", str(ECO[key]), value, n) for n, (key, value) in enumerate(facts))
    exit_code, findings = validate_json(tmp_path, published_dist, extra)
    assert exit_code == 1
    assert shape_violations(findings, "funding/case", prop), findings
