"""The pieces behind the pages, without a server: stored-query metadata and parameter binding, the network
layout, and the offline check of the ontology documentation."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.serve.pages.network import Edge, Network, Node, draw, layout
from ecograph.serve.pages.ontodoc import remote_loads
from ecograph.serve.pages.storedqueries import (
    Param,
    ParameterError,
    StoredQueryError,
    bind_arguments,
    load_queries,
    parse_query,
    to_term,
)

REPO = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/ecograph/"

QUERY = """#+ summary: Funding received
#+ tags: funding, organisations
#+ param: org (iri, optional, example=organisation/micronit) — the recipient
#+ param: year (integer) the year
SELECT ?org ?year ?amount WHERE { ?f <x:recipient> ?org ; <x:year> ?year ; <x:amount> ?amount }
"""


def test_metadata_lines() -> None:
    query = parse_query("funding", QUERY)
    assert query.summary == "Funding received"
    assert query.tags == ("funding", "organisations")
    assert query.params == (
        Param("org", "iri", required=False, example="organisation/micronit", description="the recipient"),
        Param("year", "integer", required=True, example=None, description="the year"),
    )
    assert query.form == "SELECT" and query.example_args == {"org": "organisation/micronit"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("#+ param: org iri the recipient", "malformed parameter"),
        ("#+ param: org (uri) the recipient", "parameter type 'uri' is unknown"),
        ("#+ param: 1org (iri) the recipient", "malformed parameter"),
        ("#+ param: p (iri) the property", "'p' is not in the SELECT clause"),
    ],
)
def test_malformed_metadata_names_file_and_line(line: str, message: str) -> None:
    with pytest.raises(StoredQueryError, match=r"q\.rq:3") as error:
        parse_query("q", f"#+ summary: x\n#+ tags: t\n{line}\nSELECT ?org WHERE {{ ?org ?p ?o }}\n", "q.rq")
    assert message in str(error.value)


def test_a_malformed_query_file_does_not_hide_the_others(tmp_path: Path) -> None:
    (tmp_path / "good.rq").write_text("#+ summary: good\n#+ tags: t\nSELECT * WHERE { ?s ?p ?o }\n")
    (tmp_path / "bad.rq").write_text(
        "#+ summary: bad\n#+ tags: t\n#+ param: x (colour) what\nSELECT ?x WHERE { ?x ?p ?o }\n"
    )
    queries = load_queries(tmp_path)
    assert queries["good"].problem == ""
    assert "colour" in queries["bad"].problem


@pytest.mark.parametrize(
    ("param", "raw", "expected"),
    [
        (Param("org"), "organisation/micronit", ox.NamedNode(f"{BASE}id/organisation/micronit")),
        (Param("org"), f"{BASE}id/organisation/micronit", ox.NamedNode(f"{BASE}id/organisation/micronit")),
        (Param("org"), "https://schema.org/Organization", ox.NamedNode("https://schema.org/Organization")),
        (Param("q", "string"), 'a "quoted" } text', ox.Literal('a "quoted" } text')),
        (
            Param("n", "integer"),
            "2023",
            ox.Literal("2023", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ),
        (
            Param("d", "date"),
            "2023-12-19",
            ox.Literal("2023-12-19", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ),
    ],
)
def test_arguments_become_terms(param: Param, raw: str, expected: ox.NamedNode | ox.Literal) -> None:
    assert to_term(param, raw, BASE) == expected


@pytest.mark.parametrize(
    ("param", "raw"),
    [
        (Param("org"), "<x> } UNION { ?s ?p ?o"),
        (Param("org"), "organisation/micronit> . ?s ?p <x"),
        (Param("org"), "http://example.org/a b"),
        (Param("n", "integer"), "1; DROP ALL"),
        (Param("d", "date"), "19 December 2023"),
        (Param("b", "boolean"), "yes"),
    ],
)
def test_bad_arguments_are_refused(param: Param, raw: str) -> None:
    with pytest.raises(ParameterError, match=param.name):
        to_term(param, raw, BASE)


def test_missing_required_argument() -> None:
    query = parse_query("funding", QUERY)
    with pytest.raises(ParameterError, match="year"):
        bind_arguments(query, {"org": "organisation/micronit"}, BASE)
    assert set(bind_arguments(query, {"year": "2023"}, BASE)) == {"year"}  # optional org left out: unbound


def test_every_stored_query_of_the_project_can_be_served() -> None:
    queries = load_queries(REPO / "queries")
    assert queries
    for query in queries.values():
        assert query.problem == "", query.name
        assert query.summary and query.tags, query.name
        for param in query.params:
            if param.example is not None:
                to_term(param, param.example, BASE)


def test_layout_is_deterministic_and_inside_the_picture() -> None:
    def network() -> Network:
        nodes = [
            Node(iri=f"n{i}", label=f"Node {i}", kind="organisation" if i else "ecosystem", degree=1) for i in range(12)
        ]
        edges = [Edge(source="n0", target=f"n{i}", kind="member") for i in range(1, 12)]
        return Network(nodes=nodes, edges=edges)

    first, second = network(), network()
    layout(first)
    layout(second)
    assert [(n.x, n.y) for n in first.nodes] == [(n.x, n.y) for n in second.nodes]
    assert all(0 <= n.x <= first.width and 0 <= n.y <= first.height for n in first.nodes)
    drawn = draw(first)
    assert len(drawn) == 11 and first.nodes[0].show_label


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<script src="https://cdn.example.org/x.js"></script>', ["https://cdn.example.org/x.js"]),
        ('<link rel="stylesheet" href="//fonts.example.org/css">', ["//fonts.example.org/css"]),
        (
            "<style>@import 'https://x.org/a.css'; body { background: url(http://x.org/b.png) }</style>",
            ["https://x.org/a.css", "http://x.org/b.png"],
        ),
        ('<img src="data:image/png;base64,AAAA"><link rel="icon" href="/static/x.png"><script src="/a.js">', []),
        ('<a href="https://w3id.org/ecograph/def#Company">links are not loads</a>', []),
    ],
)
def test_remote_loads(html: str, found: list[str]) -> None:
    assert remote_loads(html) == found
