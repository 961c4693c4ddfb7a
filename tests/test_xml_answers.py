"""Every XML answer is XML: SPARQL XML results and RDF/XML graphs parse with a real XML parser (expat, through
xml.etree and rdflib) and give back the values they were written from; a value XML 1.0 cannot carry (most
C0 controls, U+FFFE, U+FFFF) makes the XML form a clear refusal instead of a broken or altered document."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import assume, given
from hypothesis import strategies as st

from ecograph.serve.endpoint.formats import BY_NAME
from ecograph.serve.endpoint.results import NotXml, not_xml_char, write_boolean, write_graph, write_solutions
from ecograph.serve.pages.describe import serialize

SPARQL_XML, RDF_XML = BY_NAME["xml"], BY_NAME["rdfxml"]
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
S, P = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/label")
NOT_XML = ["\u0001", "\u000b", "\u0000", "\ufffe", "\uffff"]
# Any Unicode scalar value (pyoxigraph terms cannot hold lone surrogates: they are not Unicode scalars).
VALUES = st.text(st.characters(exclude_categories=["Cs"]))


def _select_xml(*terms: ox.Literal) -> bytes:
    return write_solutions(SPARQL_XML, ["x"], [(term,) for term in terms], truncated=False, limit=10)


def _literals(document: bytes) -> list[str]:
    return [literal.text or "" for literal in ElementTree.fromstring(document).iter(f"{RESULTS}literal")]


def _rdf_xml_values(document: bytes) -> list[str]:
    return [str(value) for value in rdflib.Graph().parse(data=document, format="xml").objects()]


@pytest.mark.parametrize("char", NOT_XML)
def test_a_value_xml_cannot_carry_refuses_sparql_xml_naming_the_variable(char: str) -> None:
    with pytest.raises(NotXml) as refusal:
        _select_xml(ox.Literal("fine"), ox.Literal(f"a{char}b", language="en"))
    assert refusal.value.status == 406
    message = str(refusal.value)
    assert "?x in result 2" in message and f"U+{ord(char):04X}" in message and "JSON" in message


@pytest.mark.parametrize("char", NOT_XML)
def test_a_value_xml_cannot_carry_refuses_rdf_xml_naming_the_triple(char: str) -> None:
    with pytest.raises(NotXml) as refusal:
        write_graph(RDF_XML, [ox.Triple(S, P, ox.Literal(f"a{char}b"))], prefixes={}, truncated=False, limit=10)
    assert refusal.value.status == 406
    assert f"<{P.value}> of <{S.value}>" in str(refusal.value) and "Turtle" in str(refusal.value)


def test_a_value_xml_cannot_carry_inside_a_triple_term_is_refused() -> None:
    quoted = ox.Triple(S, P, ox.Literal("a\u0001b"))
    with pytest.raises(NotXml):
        write_solutions(SPARQL_XML, ["t"], [(quoted,)], truncated=False, limit=10)
    with pytest.raises(NotXml):
        write_graph(RDF_XML, [ox.Triple(S, P, quoted)], prefixes={}, truncated=False, limit=10)


@pytest.mark.parametrize("predicate", ["http://example.org/", "http://example.org/1", "http://example.org/a/"])
def test_a_predicate_no_xml_element_can_name_refuses_rdf_xml(predicate: str) -> None:
    with pytest.raises(NotXml, match="does not end in a name"):
        write_graph(
            RDF_XML, [ox.Triple(S, ox.NamedNode(predicate), ox.Literal("x"))], prefixes={}, truncated=False, limit=10
        )


def test_entity_descriptions_refuse_rdf_xml_but_not_turtle() -> None:
    base = "https://w3id.org/ecograph/"
    triples = [ox.Triple(ox.NamedNode(f"{base}id/organisation/x"), P, ox.Literal("bell\u0007"))]
    with pytest.raises(NotXml, match="U\\+0007"):
        serialize(triples, "application/rdf+xml", base)
    assert "\\u0007" in serialize(triples, "text/turtle", base).decode()


def test_carriage_returns_survive_an_xml_parser() -> None:
    assert _literals(_select_xml(ox.Literal("a\r\nb\rc"))) == ["a\r\nb\rc"]
    rdf_xml = write_graph(RDF_XML, [ox.Triple(S, P, ox.Literal("a\r\nb"))], prefixes={}, truncated=False, limit=9)
    assert _rdf_xml_values(rdf_xml) == ["a\r\nb"]


def test_boolean_and_truncated_answers_are_xml() -> None:
    assert ElementTree.fromstring(write_boolean(SPARQL_XML, True)).find(f"{RESULTS}boolean").text == "true"
    cut = write_solutions(SPARQL_XML, ["x"], [(ox.Literal("a"),)], truncated=True, limit=1)
    assert _literals(cut) == ["a"]


@given(VALUES, st.sampled_from(["", "en", "nl-BE"]))
def test_sparql_xml_round_trips_any_value_or_refuses_it(value: str, language: str) -> None:
    literal = ox.Literal(value, language=language or None)
    try:
        document = _select_xml(literal)
    except NotXml:
        assert not_xml_char(value) is not None
        return
    assert _literals(document) == [value]


@given(VALUES, st.text("abAB01_-./#", min_size=1, max_size=6))
def test_rdf_xml_round_trips_any_value_and_predicate_or_refuses_them(value: str, local: str) -> None:
    try:
        predicate = ox.NamedNode(f"http://example.org/{local}")
    except ValueError:
        assume(False)
    triple = ox.Triple(S, predicate, ox.Literal(value))
    try:
        document = write_graph(RDF_XML, [triple], prefixes={}, truncated=False, limit=10)
    except NotXml as refusal:
        message = str(refusal)
        assert "does not end in a name" in message or (not_xml_char(value) is not None and "U+" in message)
        return
    parsed = list(rdflib.Graph().parse(data=document, format="xml"))
    assert [(str(p), str(o)) for _s, p, o in parsed] == [(predicate.value, value)]
