"""`ecograph build`: the dumps it writes, that they all hold the same graph, and that builds repeat exactly."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from ecograph.build.dumps import build_dist
from ecograph.build.graph import write_jsonld
from ecograph.project import Project

EXPECTED_FILES = {
    "ecograph.trig",
    "ecograph.ttl",
    "ecograph.nt.gz",
    "ecograph.jsonld",
    "context.jsonld",
    "ontology.ttl",
    "shapes.ttl",
    "void.ttl",
}


def union_of_trig(dist: Path) -> Graph:
    dataset = Dataset()
    dataset.parse(dist / "ecograph.trig", format="trig")
    union = Graph()
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        union.add((subject, predicate, obj))
    return union


def assert_same_graph(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        missing = sorted(only_expected.serialize(format="nt").splitlines())[:10]
        extra = sorted(only_actual.serialize(format="nt").splitlines())[:10]
        pytest.fail("graphs differ\nmissing:\n" + "\n".join(missing) + "\nextra:\n" + "\n".join(extra))


def test_build_writes_every_dump(built_dist: Path) -> None:
    names = {p.name for p in built_dist.iterdir()}
    assert names >= EXPECTED_FILES
    assert len(list((built_dist / "articles").glob("*.ttl"))) == 5
    assert (built_dist / "queries").is_dir()


def test_trig_has_one_named_graph_per_article_one_of_curated_names_and_one_of_inferred_statements(
    built_dist: Path, seed_project: Project
) -> None:
    dataset = Dataset()
    dataset.parse(built_dist / "ecograph.trig", format="trig")
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert {name for name in graphs if name.startswith(seed_project.base + "graph/")} == graphs
    assert len(graphs) == 5 + 2
    assert seed_project.graph_iri("names") in graphs
    assert seed_project.base + "graph/inferred" in graphs


@pytest.mark.parametrize("name,fmt", [("ecograph.ttl", "turtle"), ("ecograph.nt.gz", "nt")])
def test_whole_graph_dumps_hold_the_union_of_the_article_graphs(built_dist: Path, name: str, fmt: str) -> None:
    data = built_dist / name
    text = gzip.decompress(data.read_bytes()).decode() if name.endswith(".gz") else data.read_text()
    assert_same_graph(union_of_trig(built_dist), Graph().parse(data=text, format=fmt))


def test_jsonld_dump_holds_the_same_quads_as_trig(built_dist: Path) -> None:
    from_jsonld = Dataset()
    from_jsonld.parse(built_dist / "ecograph.jsonld", format="json-ld")
    from_trig = Dataset()
    from_trig.parse(built_dist / "ecograph.trig", format="trig")
    for graph in from_trig.graphs():
        if len(graph):
            assert_same_graph(graph, from_jsonld.graph(graph.identifier))


def test_article_files_hold_their_named_graph(built_dist: Path, seed_project: Project) -> None:
    dataset = Dataset()
    dataset.parse(built_dist / "ecograph.trig", format="trig")
    for path in (built_dist / "articles").glob("*.ttl"):
        named = dataset.graph(seed_project.graph_iri(path.stem))
        assert_same_graph(named, Graph().parse(path, format="turtle"))


def test_a_cold_build_and_a_warm_one_are_byte_identical(
    seed_project: Project, tmp_path: Path, built_dist: Path
) -> None:
    """A build with an empty cache folder, then one that reads what it cached: the same bytes (and the same as
    the session's build)."""
    project = Project.open(seed_project.root, cache_dir=tmp_path / "cache")
    cold = build_dist(project, tmp_path / "cold").out
    assert {p.name for p in project.cache_dir.iterdir()} >= {"mapping", "shacl", "articles"}
    warm = build_dist(project, tmp_path / "warm").out

    def digests(folder: Path) -> dict[str, str]:
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    assert digests(warm) == digests(cold) == digests(built_dist)


def test_one_query_finds_the_article_and_sentence_behind_any_fact(built_dist: Path, seed_project: Project) -> None:
    store = pyoxigraph.Store()
    store.bulk_load(path=built_dist / "ecograph.trig", format=pyoxigraph.RdfFormat.TRIG)
    query = """
        PREFIX eco: <https://w3id.org/ecograph/def#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?title ?quote ?line WHERE {
          ?claim rdf:subject ?funding ; rdf:predicate eco:amount ; rdf:object ?amount ;
                 eco:quote ?quote ; eco:quoteLine ?line ; prov:wasQuotedFrom ?article .
          ?funding eco:recipient <https://w3id.org/ecograph/id/organisation/mylife-technologies> .
          ?article dcterms:title ?title .
        }"""
    rows = list(store.query(query, use_default_graph_as_union=True))
    assert rows, "the €3.5 million raised by MyLife Technologies has a claim"
    assert all("3.5 million" in row["quote"].value for row in rows)


def test_every_fact_about_an_entity_has_a_claim(built_dist: Path, seed_project: Project) -> None:
    """A claim for every stated fact, an inference record (which has the same shape) for every inferred one."""
    store = pyoxigraph.Store()
    store.bulk_load(path=built_dist / "ecograph.trig", format=pyoxigraph.RdfFormat.TRIG)
    query = f"""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?s ?p ?o WHERE {{
          GRAPH ?g {{ ?s ?p ?o
            FILTER(STRSTARTS(STR(?s), "{seed_project.base}id/") && !STRSTARTS(STR(?s), "{seed_project.base}id/claim/")
                   && !STRSTARTS(STR(?s), "{seed_project.base}id/article/")
                   && !STRSTARTS(STR(?s), "{seed_project.base}id/name/")
                   && !STRSTARTS(STR(?s), "{seed_project.base}id/inference/")
                   && !STRSTARTS(STR(?s), "{seed_project.base}id/axiom/"))
            FILTER NOT EXISTS {{ ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }} }}
        }}"""
    assert list(store.query(query)) == []


# Property-based round trip of the JSON-LD writer, the one serialiser we write ourselves ---------------------

iris = st.sampled_from(
    [
        "https://w3id.org/ecograph/id/organisation/a",
        "https://w3id.org/ecograph/id/place/b",
        "https://w3id.org/ecograph/def#Company",
        "http://example.org/x#y",
        "urn:x:z",
    ]
)
literals = st.one_of(
    st.builds(lambda t: pyoxigraph.Literal(t), st.text(max_size=20)),
    st.builds(
        lambda t, lang: pyoxigraph.Literal(t, language=lang), st.text(max_size=20), st.sampled_from(["en", "nl"])
    ),
    st.builds(
        lambda n: pyoxigraph.Literal(str(n), datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        st.integers(0, 10**9),
    ),
)
quads = st.lists(
    st.builds(
        lambda s, p, o, g: pyoxigraph.Quad(
            pyoxigraph.NamedNode(s), pyoxigraph.NamedNode(p), o, pyoxigraph.NamedNode(g)
        ),
        iris,
        st.sampled_from(
            [
                "https://w3id.org/ecograph/def#locatedIn",
                "http://www.w3.org/2000/01/rdf-schema#label",
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            ]
        ),
        st.one_of(iris.map(pyoxigraph.NamedNode), literals),
        st.sampled_from(["https://w3id.org/ecograph/graph/one", "https://w3id.org/ecograph/graph/two"]),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(quads)
def test_jsonld_writer_round_trips(tmp_path_factory: pytest.TempPathFactory, generated: list) -> None:
    table = {
        "eco": "https://w3id.org/ecograph/def#",
        "organisation": "https://w3id.org/ecograph/id/organisation/",
        "graph": "https://w3id.org/ecograph/graph/",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    }
    unique = sorted(set(generated), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    path = tmp_path_factory.mktemp("jsonld") / "out.jsonld"
    write_jsonld(unique, path, table)
    parsed = pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.JSON_LD)
    assert set(parsed) == set(unique)
