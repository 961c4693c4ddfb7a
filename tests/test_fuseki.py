"""deploy/fuseki/config.ttl serves the dumps read-only and answers the stored queries as `ecograph serve` does.

Fuseki itself is not packaged where we can reach it, so the test uses its engine: Jena's tdb2.tdbloader loads
dist/ecograph.trig into a TDB2 database, and Jena's assembler reads the dataset from a copy of the config
(with the database's location), exactly as Fuseki reads it, context settings included. Every queries/*.rq
must then give the same answer as pyoxigraph with the default graph as the union of the named graphs.
"""

from __future__ import annotations

import contextlib
import socket
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest
from jena import BatchAnswer, Jena, JenaFailed
from rdflib import RDF, Graph, Literal, Namespace
from rdflib.plugins.sparql import prepareQuery

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "deploy" / "fuseki" / "config.ttl"
DOCUMENTED_LOCATION = "/var/lib/ecograph/tdb2"
QUERIES = sorted((REPO / "queries").glob("*.rq"))

BASE = "https://w3id.org/ecograph/"
ECO = BASE + "def#"
RDF_SCHEMA = "http://www.w3.org/2000/01/rdf-schema#"
FUSEKI = Namespace("http://jena.apache.org/fuseki#")
JA = Namespace("http://jena.hpl.hp.com/2005/11/Assembler#")
TDB2 = Namespace("http://jena.apache.org/2016/tdb#")
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = str(RDF.langString)
INTEGERS = {
    f"{XSD}{name}"
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
READ_ONLY_OPERATIONS = {FUSEKI["query"], FUSEKI["gsp-r"]}

Term = tuple[str, ...] | None


# The database and the config ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def database(jena: Jena, built_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dumps loaded into TDB2 the way the README tells an operator to."""
    location = tmp_path_factory.mktemp("fuseki") / "tdb2"
    jena.tdbloader(location, [built_dist / "ecograph.trig"])
    return location


@pytest.fixture(scope="module")
def config(database: Path) -> Path:
    """deploy/fuseki/config.ttl, unchanged but for tdb2:location."""
    return config_copy(database, database.parent / "config.ttl")


def config_copy(database: Path, target: Path, timeout: str | None = None) -> Path:
    text = CONFIG.read_text(encoding="utf-8")
    assert text.count(f'"{DOCUMENTED_LOCATION}"') == 1, "the config names the documented database location"
    text = text.replace(f'"{DOCUMENTED_LOCATION}"', f'"{database}"')
    if timeout is not None:
        assert text.count('"10000,60000"') == 1
        text = text.replace('"10000,60000"', f'"{timeout}"')
    target.write_text(text, encoding="utf-8")
    return target


# The stored queries: Jena through the config vs pyoxigraph -------------------------------------------------------


@pytest.fixture(scope="module")
def jena_answers(jena: Jena, config: Path) -> dict[str, BatchAnswer]:
    """Every stored query run through the config in one JVM (one JVM per query costs about 2 s each)."""
    return dict(zip((q.name for q in QUERIES), jena.sparql_batch(config, QUERIES), strict=True))


@pytest.fixture(scope="module")
def oxigraph(built_dist: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=built_dist / "ecograph.trig", format=ox.RdfFormat.TRIG)
    return store


def test_there_are_stored_queries_to_compare() -> None:
    assert len(QUERIES) >= 5


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_stored_query_answers_the_same_through_the_fuseki_config(
    query: Path, jena_answers: dict[str, BatchAnswer], oxigraph: ox.Store
) -> None:
    text = query.read_text(encoding="utf-8")
    answer = jena_answers[query.name]
    assert answer.error is None, f"Jena failed on {query.name}: {answer.error}"
    assert answer.results is not None, "the stored queries are SELECT queries"
    expected = oxigraph.query(text, use_default_graph_as_union=True)
    assert isinstance(expected, ox.QuerySolutions)
    names = [variable.value for variable in expected.variables]
    assert answer.results["head"]["vars"] == names
    expected_rows = [tuple(oxigraph_term(solution[name]) for name in names) for solution in expected]
    jena_rows = [
        tuple(json_term(binding.get(name)) for name in names) for binding in answer.results["results"]["bindings"]
    ]
    assert Counter(jena_rows) == Counter(expected_rows)
    if is_ordered(text):
        assert jena_rows == expected_rows, "ORDER BY must give one order on every engine: sort on more keys"


def test_most_stored_queries_find_something_in_the_seeds(jena_answers: dict[str, BatchAnswer]) -> None:
    """Comparing empty answers would prove little."""
    empty = [
        name
        for name, answer in jena_answers.items()
        if answer.results is not None and not answer.results["results"]["bindings"]
    ]
    assert len(empty) <= len(QUERIES) // 4, f"no answers from {empty}"


def test_the_database_has_every_named_graph_and_a_union_default_graph(
    jena: Jena, config: Path, oxigraph: ox.Store, tmp_path: Path
) -> None:
    query = tmp_path / "counts.rq"
    query.write_text("""SELECT ?graphs ?quads ?triples WHERE {
      { SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(*) AS ?quads) WHERE { GRAPH ?g { ?s ?p ?o } } }
      { SELECT (COUNT(*) AS ?triples) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } }
    }""")
    (counts,) = jena.sparql(config, query)["results"]["bindings"]
    graphs = {quad.graph_name for quad in oxigraph}
    assert int(counts["graphs"]["value"]) == len(graphs) > 1
    assert int(counts["quads"]["value"]) == len(oxigraph)
    assert int(counts["triples"]["value"]) == len({quad.triple for quad in oxigraph})


def ask(jena: Jena, config: Path, tmp_path: Path, query: str) -> bool:
    """An ASK query on the config's dataset, without GRAPH: on its union default graph."""
    (tmp_path / "ask.rq").write_text(query, encoding="utf-8")
    return jena.sparql(config, tmp_path / "ask.rq")["boolean"]


def first(oxigraph: ox.Store, query: str) -> ox.QuerySolution:
    solutions = oxigraph.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return next(iter(solutions))


def test_the_union_default_graph_answers_has_member_both_ways(
    jena: Jena, config: Path, oxigraph: ox.Store, tmp_path: Path
) -> None:
    """An article says "X is a member of Y"; the inferred graph adds "Y has member X"."""
    fact = first(
        oxigraph,
        f"""PREFIX eco: <{ECO}> SELECT ?organisation ?member WHERE {{
            GRAPH <{BASE}graph/inferred> {{ ?organisation eco:hasMember ?member }} }} ORDER BY ?member""",
    )
    organisation, member = fact["organisation"], fact["member"]
    both_ways = f"ASK {{ {organisation} <{ECO}hasMember> {member} . {member} <{ECO}memberOf> {organisation} }}"
    assert ask(jena, config, tmp_path, both_ways)


def test_the_union_default_graph_answers_curated_labels(
    jena: Jena, config: Path, oxigraph: ox.Store, tmp_path: Path
) -> None:
    """A Dutch name no article states is in the names graph, and so in the default graph."""
    fact = first(
        oxigraph,
        f"""PREFIX rdfs: <{RDF_SCHEMA}> SELECT ?entity ?name WHERE {{
            GRAPH <{BASE}graph/names> {{ ?entity rdfs:label ?name FILTER(lang(?name) = "nl") }} }} ORDER BY ?entity""",
    )
    assert ask(jena, config, tmp_path, f"ASK {{ {fact['entity']} <{RDF_SCHEMA}label> {fact['name']} }}")


# What the config refuses -----------------------------------------------------------------------------------------


def test_a_service_query_is_refused_without_contacting_the_service(jena: Jena, config: Path, tmp_path: Path) -> None:
    with listening_socket() as (listener, port):
        query = tmp_path / "service.rq"
        query.write_text(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
        with pytest.raises(JenaFailed, match="SERVICE not allowed"):
            jena.sparql(config, query, timeout=60)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected


def test_the_config_timeout_stops_a_runaway_query(jena: Jena, database: Path, tmp_path: Path) -> None:
    """The config's own arq:queryTimeout context, shortened to keep the test quick."""
    config = config_copy(database, tmp_path / "config.ttl", timeout="500,1000")
    query = tmp_path / "runaway.rq"
    patterns = " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(6))
    query.write_text(f"SELECT (COUNT(*) AS ?n) WHERE {{ {patterns} }}")
    with pytest.raises(JenaFailed, match="Query timed out"):
        jena.sparql(config, query, timeout=60)


def test_the_config_declares_only_read_only_endpoints() -> None:
    graph = Graph().parse(CONFIG)
    operations = set(graph.objects(None, FUSEKI.operation))
    assert operations == READ_ONLY_OPERATIONS
    names = {str(graph.value(endpoint, FUSEKI.name)) for endpoint in graph.objects(None, FUSEKI.endpoint)}
    assert {"sparql", "query", "get"} <= names
    writes = {
        FUSEKI.update,
        FUSEKI.upload,
        FUSEKI["gsp-rw"],
        FUSEKI.patch,
        FUSEKI.serviceUpdate,
        FUSEKI.serviceUpload,
        FUSEKI.serviceReadWriteGraphStore,
    }
    assert not writes & (set(graph.predicates()) | set(graph.objects()))


def test_the_config_serves_a_union_tdb2_dataset_without_service_and_with_a_timeout() -> None:
    graph = Graph().parse(CONFIG)
    (dataset,) = graph.subjects(RDF.type, TDB2.DatasetTDB2)
    assert graph.value(dataset, TDB2.location) == Literal(DOCUMENTED_LOCATION)
    assert graph.value(dataset, TDB2.unionDefaultGraph).toPython() is True
    context = {
        str(graph.value(entry, JA.cxtName)): str(graph.value(entry, JA.cxtValue))
        for entry in graph.objects(dataset, JA.context)
    }
    assert context["arq:httpServiceAllowed"] == "false"
    first, overall = (int(ms) for ms in context["arq:queryTimeout"].split(","))
    assert 0 < first <= overall <= 120_000
    (service,) = graph.subjects(RDF.type, FUSEKI.Service)
    assert graph.value(service, FUSEKI.dataset) == dataset
    assert graph.value(service, FUSEKI.name) == Literal("ecograph")


# Helpers -----------------------------------------------------------------------------------------------------------


def is_ordered(query: str) -> bool:
    """Whether the query's own solution sequence is ordered (ORDER BY at the top, not in a subquery)."""
    node = prepareQuery(query).algebra["p"]
    while node.name in {"Distinct", "Reduced", "Slice", "Project"}:
        node = node["p"]
    return node.name == "OrderBy"


def oxigraph_term(term: object) -> Term:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    assert isinstance(term, ox.Literal), f"unexpected term {term!r}"
    return literal_key(term.value, term.datatype.value, term.language)


def json_term(term: dict[str, str] | None) -> Term:
    """A term of SPARQL JSON results (https://www.w3.org/TR/sparql11-results-json/)."""
    if term is None:
        return None
    if term["type"] == "uri":
        return ("iri", term["value"])
    if term["type"] == "bnode":
        return ("bnode",)
    return literal_key(term["value"], term.get("datatype"), term.get("xml:lang"))


def literal_key(lexical: str, datatype: str | None, language: str | None) -> tuple[str, ...]:
    """Literals compared by value where the engines may write one value differently.

    Oxigraph's store keeps values, not lexical forms: it answers "01"^^xsd:integer as "1", "1.50" as "1.5",
    and it turns the derived integer types (xsd:nonNegativeInteger, xsd:int, ...) into xsd:integer, while Jena
    answers with the datatype the dumps state. Such pairs count as equal here.
    """
    if language:
        return ("literal", lexical, RDF_LANG_STRING, language.lower())
    datatype = datatype or f"{XSD}string"
    if datatype in INTEGERS:
        datatype = f"{XSD}integer"
    return ("literal", canonical(lexical, datatype), datatype)


def canonical(lexical: str, datatype: str) -> str:
    try:
        if datatype == f"{XSD}integer":
            return str(int(lexical))
        if datatype == f"{XSD}decimal":
            return str(Decimal(lexical).normalize())
        if datatype in {f"{XSD}double", f"{XSD}float"}:
            return repr(float(lexical))
    except (ValueError, InvalidOperation):
        pass
    if datatype == f"{XSD}boolean":
        return {"1": "true", "0": "false"}.get(lexical.strip(), lexical.strip())
    return lexical


@contextlib.contextmanager
def listening_socket() -> Iterator[tuple[socket.socket, int]]:
    """A TCP socket listening on a free loopback port; a connection to it would wait in its backlog."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        yield listener, listener.getsockname()[1]
