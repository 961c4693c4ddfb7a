"""Statements the ontology's property axioms imply are published: every dump and the endpoint answer both ways.

The axioms are read from the ontology (every owl:inverseOf, owl:SymmetricProperty and owl:TransitiveProperty),
so a property added to the ontology is tested without changing this file.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, Quad
from rdflib import OWL, RDF, Dataset, Graph, Namespace, URIRef
from test_mapping_errors import write_one_article_project

from ecograph.build.dumps import build_dist
from ecograph.build.inference import INFERRED_GRAPH, Rule, infer, rules_of
from ecograph.build.mapping import ArticleGraph
from ecograph.build.shacl import class_hierarchy, load_shapes, problems_in
from ecograph.cli import main
from ecograph.errors import BuildError
from ecograph.findings import Severity
from ecograph.ontology import load_ontology
from ecograph.project import Project

REPO = Path(__file__).resolve().parents[1]
ECO = Namespace("https://w3id.org/ecograph/def#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ONTOLOGY = load_ontology(Project.open(REPO))
RULES = rules_of(ONTOLOGY)
AXIOMS = sorted(
    [(str(p), str(OWL.inverseOf), str(q)) for p, q in ONTOLOGY.subject_objects(OWL.inverseOf)]
    + [
        (str(p), str(RDF.type), str(k))
        for k in (OWL.SymmetricProperty, OWL.TransitiveProperty)
        for p in ONTOLOGY.subjects(RDF.type, k)
    ]
)


def short(rule: Rule) -> str:
    return f"{rule.reads.rsplit('#', 1)[-1]}->{rule.writes.rsplit('#', 1)[-1]}"


# ---- the rules come from the ontology ------------------------------------------------------------------------


def test_the_ontology_declares_inverse_symmetric_and_transitive_properties() -> None:
    kinds = {axiom[2] if axiom[1] == str(RDF.type) else axiom[1] for axiom in AXIOMS}
    assert kinds == {str(OWL.inverseOf), str(OWL.SymmetricProperty), str(OWL.TransitiveProperty)}


def test_every_property_axiom_of_the_ontology_becomes_a_rule_both_ways_round() -> None:
    assert {rule.axiom for rule in RULES} == set(AXIOMS)
    for source, kind, target in AXIOMS:
        if kind == str(OWL.inverseOf):
            assert {(r.reads, r.writes) for r in RULES if r.axiom == (source, kind, target)} == {
                (source, target),
                (target, source),
            }


# ---- what follows from which claims (small article graphs written here) --------------------------------------

BASE = "https://w3id.org/ecograph/"


def article(project: Project, slug: str, facts: list[tuple[str, str, str]]) -> ArticleGraph:
    """An article graph stating the facts, each with its claim, as the mapping engine writes them."""
    graph = NamedNode(project.graph_iri(slug))
    result = ArticleGraph(slug, slug, Path(f"{slug}.yaml"), graph, NamedNode(project.article_iri(slug)))
    for n, (s, p, o) in enumerate(facts):
        subject, predicate, obj = NamedNode(BASE + "id/" + s), NamedNode(p), NamedNode(BASE + "id/" + o)
        claim = NamedNode(f"{BASE}id/claim/{slug}-{n}")
        result.quads += [
            Quad(subject, predicate, obj, graph),
            Quad(claim, NamedNode(str(RDF.type)), NamedNode(str(ECO.Claim)), graph),
            Quad(claim, NamedNode(str(RDF.subject)), subject, graph),
            Quad(claim, NamedNode(str(RDF.predicate)), predicate, graph),
            Quad(claim, NamedNode(str(RDF.object)), obj, graph),
            Quad(claim, NamedNode(str(ECO.quote)), Literal("the article's words"), graph),
        ]
    return result


def inferred_graph(facts: list[tuple[str, str, str]]) -> Graph:
    project = Project.open(REPO)
    graph = Graph()
    for quad in infer(project, ONTOLOGY, [article(project, "one", facts)]).quads:
        graph.add(tuple(URIRef(t.value) if isinstance(t, NamedNode) else t.value for t in quad.triple))  # type: ignore[arg-type]
    return graph


def records_of(graph: Graph, s: str, p: str, o: str) -> list[URIRef]:
    subject, obj = URIRef(BASE + "id/" + s), URIRef(BASE + "id/" + o)
    return [
        r
        for r in graph.subjects(RDF.subject, subject)
        if (r, RDF.predicate, URIRef(p)) in graph and (r, RDF.object, obj) in graph
    ]


def axiom_of(graph: Graph, record: URIRef) -> tuple[str, str, str]:
    axiom = graph.value(record, ECO.axiom)
    assert (axiom, RDF.type, OWL.Axiom) in graph
    parts = (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget)
    return tuple(str(graph.value(axiom, part)) for part in parts)  # type: ignore[return-value]


@pytest.mark.parametrize("rule", [r for r in RULES if not r.transitive], ids=short)
def test_a_stated_fact_implies_the_other_direction_with_its_axiom_and_claim(rule: Rule) -> None:
    graph = inferred_graph([("a/x", rule.reads, "b/y")])
    assert (URIRef(BASE + "id/b/y"), URIRef(rule.writes), URIRef(BASE + "id/a/x")) in graph
    [record] = records_of(graph, "b/y", rule.writes, "a/x")
    assert (record, RDF.type, ECO.Inference) in graph
    assert axiom_of(graph, record) == rule.axiom
    assert set(graph.objects(record, PROV.wasDerivedFrom)) == {URIRef(BASE + "id/claim/one-0")}


@pytest.mark.parametrize("rule", [r for r in RULES if r.transitive], ids=short)
def test_a_chain_of_a_transitive_property_is_closed_with_the_claims_of_every_link(rule: Rule) -> None:
    p = rule.reads
    graph = inferred_graph([("a/x", p, "b/y"), ("b/y", p, "c/z"), ("c/z", p, "d/w")])
    [record] = records_of(graph, "a/x", p, "d/w")
    assert axiom_of(graph, record) == rule.axiom
    assert set(graph.objects(record, PROV.wasDerivedFrom)) == {URIRef(f"{BASE}id/claim/one-{n}") for n in range(3)}
    assert not records_of(graph, "a/x", p, "b/y")  # stated: never inferred again


def test_a_statement_an_article_makes_is_not_inferred_again() -> None:
    graph = inferred_graph([("a/x", str(ECO.memberOf), "b/y"), ("b/y", str(ECO.hasMember), "a/x")])
    assert not records_of(graph, "b/y", str(ECO.hasMember), "a/x")
    assert not records_of(graph, "a/x", str(ECO.memberOf), "b/y")


def test_the_inferred_graph_does_not_depend_on_the_order_of_the_articles() -> None:
    project = Project.open(REPO)
    first = article(project, "one", [("a/x", str(ECO.locatedIn), "b/y"), ("c/z", str(ECO.collaboratesWith), "a/x")])
    second = article(project, "two", [("b/y", str(ECO.locatedIn), "d/w"), ("a/x", str(ECO.memberOf), "e/v")])
    forward = infer(project, ONTOLOGY, [first, second]).sorted_quads
    assert forward == infer(project, ONTOLOGY, [second, first]).sorted_quads
    assert all(quad.graph_name.value == BASE + INFERRED_GRAPH for _, quad in forward)


def test_an_article_may_not_take_the_slug_of_the_inferred_graph(tmp_path: Path) -> None:
    root = write_one_article_project(tmp_path / "project", queries=False)
    metadata = root / "seeds" / "100_test.yaml"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace("slug: micronit-clean-room", "slug: inferred"))
    with pytest.raises(BuildError, match="slug 'inferred'.*another slug"):
        build_dist(Project.open(root, cache_dir=tmp_path / "cache"), tmp_path / "dist")


def test_the_build_refuses_an_axiom_that_implies_an_invalid_statement(tmp_path: Path) -> None:
    root = write_one_article_project(tmp_path / "project", queries=False)
    ontology = root / "ontology" / "ecograph.ttl"
    transitive = "eco:locatedIn a owl:ObjectProperty , owl:TransitiveProperty ;"
    line = ontology.read_text().splitlines().index(transitive) + 1
    # symmetric by mistake: "Micronit is in Enschede" would imply "Enschede is in Micronit", a company
    ontology.write_text(ontology.read_text().replace(transitive, transitive.replace("Transitive", "Symmetric")))
    result = CliRunner().invoke(main, ["--project", str(root), "build"])
    assert result.exit_code == 1
    assert (
        f"ontology/ecograph.ttl:{line}: the axiom of locatedIn, which implies place/enschede locatedIn "
        "organisation/micronit: Violation: A place lies in another place"
    ) in result.output
    assert not (root / "dist").exists()


# ---- the seed build: every dump and the endpoint answer both ways ---------------------------------------------


def stated(dist: Path, rule: Rule) -> set[tuple[URIRef, URIRef, URIRef]]:
    """The facts with the rule's property that the articles state (the claims' statements)."""
    dataset = Dataset(default_union=True)
    dataset.parse(dist / "ecograph.trig", format="trig")
    facts = set()
    for claim in dataset.subjects(RDF.type, ECO.Claim):
        if dataset.value(claim, RDF.predicate) == URIRef(rule.reads):
            facts.add((dataset.value(claim, RDF.subject), URIRef(rule.reads), dataset.value(claim, RDF.object)))
    return facts  # type: ignore[return-value]


def implied(dist: Path, rule: Rule) -> set[tuple[URIRef, URIRef, URIRef]]:
    facts = stated(dist, rule)
    if rule.transitive:
        return {(s, p, o2) for s, p, o in facts for s2, _, o2 in facts if s2 == o and o2 != s}
    return {(o, URIRef(rule.writes), s) for s, _, o in facts}


def whole_graph(dist: Path, name: str) -> Graph:
    if name == "ecograph.nt.gz":
        return Graph().parse(data=gzip.decompress((dist / name).read_bytes()).decode(), format="nt")
    if name in ("ecograph.trig", "ecograph.jsonld"):
        dataset = Dataset()
        dataset.parse(dist / name, format="trig" if name.endswith("trig") else "json-ld")
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return Graph().parse(dist / name, format="turtle")


def test_the_seed_articles_state_facts_for_every_rule(built_dist: Path) -> None:
    """So that the tests below are not vacuous: each axiom applies to some fact (one way round is enough)."""
    for axiom in AXIOMS:
        assert any(stated(built_dist, rule) for rule in RULES if rule.axiom == axiom), axiom


@pytest.mark.parametrize("name", ["ecograph.trig", "ecograph.ttl", "ecograph.nt.gz", "ecograph.jsonld"])
@pytest.mark.parametrize("rule", RULES, ids=short)
def test_every_dump_answers_both_ways(built_dist: Path, rule: Rule, name: str) -> None:
    graph = whole_graph(built_dist, name)
    missing = [t for t in implied(built_dist, rule) if t not in graph]
    assert not missing, missing[:5]


@pytest.mark.parametrize("rule", RULES, ids=short)
def test_the_endpoint_answers_both_ways(live_server: str, live_dist: Path, rule: Rule) -> None:
    wanted = implied(live_dist, rule)
    values = " ".join(f"(<{s}> <{p}> <{o}>)" for s, p, o in sorted(wanted))
    query = f"SELECT (COUNT(*) AS ?found) WHERE {{ VALUES (?s ?p ?o) {{ {values} }} ?s ?p ?o }}"
    response = httpx.post(f"{live_server}/sparql", data={"query": query}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert int(response.json()["results"]["bindings"][0]["found"]["value"]) == len(wanted)


def test_every_inferred_statement_has_one_record_with_its_axiom_and_claims(built_dist: Path) -> None:
    dataset = Dataset(default_union=True)
    dataset.parse(built_dist / "ecograph.trig", format="trig")
    inferred = dataset.graph(URIRef(BASE + INFERRED_GRAPH))
    claims = set(dataset.subjects(RDF.type, ECO.Claim))
    axioms = {rule.axiom for rule in RULES}
    statements = [t for t in inferred if not str(t[0]).startswith((BASE + "id/inference/", BASE + "id/axiom/"))]
    assert statements
    for s, p, o in statements:
        [record] = [
            r
            for r in inferred.subjects(RDF.subject, s)
            if (r, RDF.predicate, p) in inferred and (r, RDF.object, o) in inferred
        ]
        assert axiom_of(inferred, record) in axioms
        sources = set(inferred.objects(record, PROV.wasDerivedFrom))
        assert sources and sources <= claims, (s, p, o)


def test_void_counts_the_inferred_graph(built_dist: Path) -> None:
    void = Graph().parse(built_dist / "void.ttl", format="turtle")
    dataset = Dataset()
    dataset.parse(built_dist / "ecograph.trig", format="trig")
    [subset] = void.subjects(
        URIRef("http://www.w3.org/ns/sparql-service-description#name"), URIRef(BASE + INFERRED_GRAPH)
    )
    count = int(void.value(subset, URIRef("http://rdfs.org/ns/void#triples")))
    assert count == len(dataset.graph(URIRef(BASE + INFERRED_GRAPH))) > 0


def inferred_and_claims(dist: Path) -> Graph:
    """The inferred graph with the types of the claims it points at (what the shapes for its records need)."""
    dataset = Dataset(default_union=True)
    dataset.parse(dist / "ecograph.trig", format="trig")
    data = Graph()
    for triple in dataset.graph(URIRef(BASE + INFERRED_GRAPH)):
        data.add(triple)
    for claim in dataset.subjects(RDF.type, ECO.Claim):
        data.add((claim, RDF.type, ECO.Claim))
    return data


def test_the_inference_records_conform_to_the_shapes(built_dist: Path) -> None:
    project = Project.open(REPO)
    problems = problems_in(inferred_and_claims(built_dist), load_shapes(project), class_hierarchy(ONTOLOGY))
    records = BASE + "id/inference/"
    assert [p for p in problems if p.focus.startswith(records) and p.severity is Severity.VIOLATION] == []


def test_an_inference_record_without_its_claims_is_a_violation(built_dist: Path) -> None:
    project = Project.open(REPO)
    data = inferred_and_claims(built_dist)
    record = next(data.subjects(RDF.type, ECO.Inference))
    data.remove((record, PROV.wasDerivedFrom, None))
    [problem] = [
        p for p in problems_in(data, load_shapes(project), class_hierarchy(ONTOLOGY)) if p.focus == str(record)
    ]
    assert problem.path == str(PROV.wasDerivedFrom)
    assert problem.message.startswith("An inferred statement rests on claims that articles make")
