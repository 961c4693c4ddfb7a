"""Writing query answers: SPARQL results (JSON, XML, CSV, TSV) and RDF graphs (via pyoxigraph).

Graphs (Turtle, N-Triples, JSON-LD, RDF/XML) are written by pyoxigraph's serializer. Solutions and booleans are
written here, by hand, because pyoxigraph cannot write what the endpoint must send (checked with pyoxigraph 0.5):

- the row cap: `QueryResults.serialize` writes a live result whole, from where its iterator stands, and a
  QuerySolutions cannot be made from rows (no constructor), so the capped rows cannot be handed back to it; the
  truncation note (JSON's "ecograph" member, XML's comment) has no place in its output either;
- XML: it writes a carriage return raw, which an XML parser reads back as a line feed (here: `&#13;`), and it
  writes characters XML 1.0 cannot carry into a document no parser reads (here: NotXml, 406);
- ASK as CSV/TSV, which the standard leaves undefined: it writes a bare `true`; here, as Jena, a `_askResult`
  column.

XML 1.0 cannot carry most C0 control characters, U+FFFE or U+FFFF, not even as character references. An answer
holding one is refused in its XML forms (SPARQL XML, RDF/XML) with NotXml (406), which names where the character
is and the forms that carry it unchanged, rather than altered or written as a document no XML parser reads.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..model import QueryRejected, Term
from .formats import Format

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TRUNCATED_NOTE = "truncated: the answer has more than {limit} results; only the first {limit} are given"

Row = tuple[Term | None, ...]

NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# An RDF/XML property element is named by splitting its IRI into a namespace and a local name (an NCName).
XML_LOCAL_NAME = re.compile(r"[^\W\d][\w.-]*\Z")
SOLUTIONS_INSTEAD = "JSON, CSV or TSV (Accept: application/sparql-results+json, or format=json)"
GRAPH_INSTEAD = "Turtle, N-Triples or JSON-LD (Accept: text/turtle, or format=turtle)"


class NotXml(QueryRejected):
    """The answer cannot be written as XML: a value holds a character XML 1.0 cannot carry, or (RDF/XML) a
    predicate IRI does not end in a name an XML element can have. Answered with 406."""

    def __init__(self, form: str, problem: str, instead: str) -> None:
        super().__init__(
            f"This answer cannot be given as {form}: {problem}. Ask for {instead}, which carry it unchanged.", 406
        )


def not_xml_char(text: str) -> str | None:
    """The first character of `text` that XML 1.0 cannot carry (e.g. U+0001, U+000B, U+FFFE), else None."""
    found = NOT_XML_CHAR.search(text)
    return found.group() if found else None


def _char_problem(what: str, char: str) -> str:
    return f"{what} holds the character U+{ord(char):04X}, which XML 1.0 cannot carry"


def _term_char(term: Term) -> str | None:
    """A character XML cannot carry in the term's literal values (IRIs and language tags cannot hold one)."""
    if isinstance(term, ox.Literal):
        return not_xml_char(term.value)
    if isinstance(term, ox.Triple):
        return next(filter(None, map(_term_char, (term.subject, term.predicate, term.object))), None)
    return None


def write_solutions(
    fmt: Format, variables: Sequence[str], rows: Sequence[Row], *, truncated: bool, limit: int
) -> bytes:
    return _SOLUTION_WRITERS[fmt.name](variables, rows, truncated, limit)


def write_boolean(fmt: Format, value: bool) -> bytes:
    """ASK answers; CSV and TSV (undefined by the standard) follow Jena: a `_askResult` column."""
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt.name == "xml":
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n"
        ).encode()
    return f"_askResult\r\n{str(value).lower()}\r\n".encode()


def write_graph(
    fmt: Format, triples: Sequence[ox.Triple], *, prefixes: dict[str, str], truncated: bool, limit: int
) -> bytes:
    assert fmt.rdf is not None
    if fmt.rdf == ox.RdfFormat.RDF_XML:
        return write_rdf_xml(triples, prefixes=prefixes)
    body = (
        ox.serialize(
            triples,
            format=fmt.rdf,
            prefixes=prefixes if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None,
        )
        or b""
    )
    if truncated and fmt.name in ("turtle", "ntriples"):
        body = f"# {TRUNCATED_NOTE.format(limit=limit)}\n".encode() + body
    return body


def write_rdf_xml(triples: Sequence[ox.Triple], *, prefixes: dict[str, str]) -> bytes:
    """The triples as RDF/XML that any XML parser reads back unchanged; NotXml when RDF/XML cannot express them.

    Carriage returns are written as `&#13;`: written raw (as pyoxigraph does), a parser reads them as line feeds.
    """
    for triple in triples:
        if (problem := _rdf_xml_problem(triple)) is not None:
            raise NotXml("RDF/XML", problem, GRAPH_INSTEAD)
    return (ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b"").replace(b"\r", b"&#13;")


def _rdf_xml_problem(triple: ox.Triple) -> str | None:
    predicate, value = triple.predicate.value, triple.object
    if not XML_LOCAL_NAME.search(predicate):
        return f"the predicate <{predicate}> does not end in a name (such as 'label'), so no XML element can have it"
    if isinstance(value, ox.Triple):
        return _rdf_xml_problem(value)
    if isinstance(value, ox.Literal) and (char := not_xml_char(value.value)) is not None:
        return _char_problem(f"the value of <{predicate}> of {triple.subject}", char)
    return None


# JSON ----------------------------------------------------------------------------------------------


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _write_json(variables: Sequence[str], rows: Sequence[Row], truncated: bool, limit: int) -> bytes:
    bindings = [
        {name: _json_term(term) for name, term in zip(variables, row, strict=True) if term is not None} for row in rows
    ]
    answer: dict[str, object] = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    if truncated:
        answer["ecograph"] = {"truncated": True, "limit": limit}
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()


# XML -----------------------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    """Text content; a carriage return as `&#13;`, which (unlike a raw one) a parser does not turn into \\n."""
    return escape(text, {"\r": "&#13;"})


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
        f"</predicate><object>{_xml_term(term.object)}</object></triple>"
    )


def _write_xml(variables: Sequence[str], rows: Sequence[Row], truncated: bool, limit: int) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if truncated:
        out.append(f"<!-- {TRUNCATED_NOTE.format(limit=limit)} -->")
    out.append("<head>")
    out.extend(f"<variable name={quoteattr(name)}/>" for name in variables)
    out.append("</head><results>")
    for number, row in enumerate(rows, 1):
        _check_xml_row(variables, row, number)
        out.append("<result>")
        out.extend(
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(variables, row, strict=True)
            if term is not None
        )
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


def _check_xml_row(variables: Sequence[str], row: Row, number: int) -> None:
    for name, term in zip(variables, row, strict=True):
        if term is not None and (char := _term_char(term)) is not None:
            raise NotXml(
                "SPARQL XML", _char_problem(f"the value of ?{name} in result {number}", char), SOLUTIONS_INSTEAD
            )


# CSV and TSV ---------------------------------------------------------------------------------------


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _write_csv(variables: Sequence[str], rows: Sequence[Row], truncated: bool, limit: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_value(term) for term in row] for row in rows)
    return buffer.getvalue().encode()


def _tsv_value(term: Term | None) -> str:
    """The term in Turtle/N-Triples syntax; tabs and newlines escaped so a value never breaks a line."""
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _write_tsv(variables: Sequence[str], rows: Sequence[Row], truncated: bool, limit: int) -> bytes:
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines.extend("\t".join(_tsv_value(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()


_SOLUTION_WRITERS = {"json": _write_json, "xml": _write_xml, "csv": _write_csv, "tsv": _write_tsv}
