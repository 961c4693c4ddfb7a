"""SERVICE in every position and spelling SPARQL 1.1 allows, generated from a small grammar: never admitted,
never a connection. pyoxigraph itself, run unguarded in this process, shows which of them would connect."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from loopback import Listener, listening

from ecograph.serve.endpoint.guard import refusal

URL = "http://127.0.0.1:{port}/"
SEPARATORS = [" ", "\n", "\t", "\r\n", "  # SERVICE <x> {} in a comment\n", "#\n"]


@st.composite
def spelled(draw: st.DrawFn, word: str) -> str:
    """`word` in any case; in half the cases, any of its letters possibly written as a \\u or \\U escape
    (SPARQL decodes them before reading the query; pyoxigraph does not, so those never run there)."""
    escapes = [None, "\\u{:04X}", "\\u{:04x}", "\\U{:08X}"] if draw(st.booleans()) else [None]
    letters = []
    for letter in word:
        letter = draw(st.sampled_from([letter.lower(), letter.upper()]))
        escape = draw(st.sampled_from(escapes))
        letters.append(escape.format(ord(letter)) if escape else letter)
    return "".join(letters)


def separator(glue: bool = False) -> st.SearchStrategy[str]:
    return st.sampled_from(SEPARATORS + ([""] if glue else []))


@st.composite
def endpoints(draw: st.DrawFn) -> tuple[str, str, str]:
    """(prologue, what follows SERVICE, a VALUES/BIND that must come before the clause)."""
    kind = draw(st.sampled_from(["iri", "escaped-iri", "prefixed", "empty-prefix", "relative", "values", "bind"]))
    if kind == "iri":
        return "", "<URLx>", ""
    if kind == "escaped-iri":
        return "", "<http\\u003A//127.0.0.1:PORT/x>", ""
    if kind == "prefixed":
        return "PREFIX p: <URL>\n", "p:x", ""
    if kind == "empty-prefix":
        return "PREFIX : <URL>\n", ":x", ""
    if kind == "relative":
        return "BASE <URL>\n", "<x>", ""
    if kind == "values":
        return "", "?e", "VALUES ?e { <URLx> }"
    return "", "?e", "BIND(<URLx> AS ?e)"


@st.composite
def service_clauses(draw: st.DrawFn) -> tuple[str, str]:
    """(prologue, a group graph pattern's content holding one SERVICE clause)."""
    prologue, endpoint, binding = draw(endpoints())
    gluable = endpoint[0] in "<:?"  # a prefixed name p:x glued to the keyword would be another name
    keyword = draw(spelled("SERVICE"))
    silent = draw(st.sampled_from(["", draw(separator()) + draw(spelled("SILENT"))]))
    between = draw(separator(glue=gluable))
    pattern = draw(st.sampled_from(["{}", "{ ?s ?p ?o }", "{?s ?p ?o}"]))
    before = draw(
        st.sampled_from(["", "?a ?b ?c .", "?a ?b 1", "?a ?b true", "?a ?b 1e0", "?a ?b 'x'", "FILTER(true)"])
    )
    glue_before = draw(separator(glue=before != "" and before[-1] in ".1e0')"))
    clause = f"{before}{glue_before}{keyword}{silent}{between}{endpoint}{draw(separator(glue=True))}{pattern}"
    return prologue, f"{binding} {clause}" if binding else clause


WRAPPERS = [
    "{{ {} }}",
    "OPTIONAL {{ {} }}",
    "MINUS {{ {} }}",
    "GRAPH ?g {{ {} }}",
    "{{ {} }} UNION {{ }}",
    "{{ }} UNION {{ {} }}",
    "{{ SELECT * WHERE {{ {} }} }}",
    "FILTER EXISTS {{ {} }}",
    "FILTER NOT EXISTS {{ {} }}",
    "?s ?p ?o . {}",
]
FORMS = [
    "SELECT * WHERE {{ {} }}",
    "SELECT ?s {{ {} }} LIMIT 1",
    "ASK {{ {} }}",
    "ASK WHERE {{{}}}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {} }}",
    "DESCRIBE ?s WHERE {{ {} }}",
]


@st.composite
def service_queries(draw: st.DrawFn) -> str:
    """A query holding SERVICE to the placeholder URL/PORT, at a random depth of groups."""
    prologue, body = draw(service_clauses())
    for wrapper in draw(st.lists(st.sampled_from(WRAPPERS), max_size=3)):
        body = wrapper.format(body)
    comment = draw(st.sampled_from(["", "# a query\n"]))
    return comment + prologue + draw(st.sampled_from(FORMS)).format(body)


def aimed_at(query: str, listener: Listener) -> str:
    return query.replace("URL", listener.url()).replace("PORT", str(listener.port))


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as each:
        yield each


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=service_queries())
def test_no_service_query_is_admitted(listener: Listener, query: str) -> None:
    assert refusal(aimed_at(query, listener)) is not None


@settings(
    max_examples=1, deadline=None, phases=[Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries=st.lists(service_queries(), min_size=40, max_size=40))
def test_the_grammar_makes_queries_pyoxigraph_would_send(listener: Listener, queries: list[str]) -> None:
    """Generated queries really connect when pyoxigraph runs them unguarded (not all: pyoxigraph reads no
    escaped keyword, evaluates no SERVICE ?e bound in the same group, and skips what an empty store makes
    unnecessary): the fuzz test is about live attacks, not garbage."""
    connected = 0
    for query in queries:
        before = listener.connections()
        with contextlib.suppress(Exception):  # what SERVICE ends with here: refused, reset, unbound, syntax
            result = ox.Store().query(aimed_at(query, listener))
            if not isinstance(result, ox.QueryBoolean):
                list(result)
        connected += listener.connections() > before
    assert connected > 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=service_queries())
def test_no_service_query_reaches_out_from_the_server(live_server: str, listener: Listener, query: str) -> None:
    response = httpx.get(f"{live_server}/sparql", params={"query": aimed_at(query, listener)}, timeout=30)
    assert response.status_code in (400, 403), response.text
    assert listener.connections() == 0
