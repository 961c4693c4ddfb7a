"""Writing query answers: SPARQL results (JSON, XML, CSV, TSV) and RDF graphs (via pyoxigraph).

Solutions are written here rather than by pyoxigraph's serializer because the answer is capped at the row
limit: pyoxigraph serializes a whole result or nothing, and a capped answer must say that it was cut.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .formats import Format
from .model import Term

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TRUNCATED_NOTE = "truncated: the answer has more than {limit} results; only the first {limit} are given"

Row = tuple[Term | None, ...]


def write_solutions(fmt: Format, variables: Sequence[str], rows: Sequence[Row], *,
                    truncated: bool, limit: int) -> bytes:
    return _SOLUTION_WRITERS[fmt.name](variables, rows, truncated, limit)


def write_boolean(fmt: Format, value: bool) -> bytes:
    """ASK answers; CSV and TSV (undefined by the standard) follow Jena: a `_askResult` column."""
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt.name == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n").encode()
    return f"_askResult\r\n{str(value).lower()}\r\n".encode()


def write_graph(fmt: Format, triples: Sequence[ox.Triple], *, prefixes: dict[str, str],
                truncated: bool, limit: int) -> bytes:
    assert fmt.rdf is not None
    body = ox.serialize(triples, format=fmt.rdf,
                        prefixes=prefixes if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None)
    if truncated and fmt.name in ("turtle", "ntriples"):
        body = f"# {TRUNCATED_NOTE.format(limit=limit)}\n".encode() + body
    return body


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
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _write_json(variables: Sequence[str], rows: Sequence[Row], truncated: bool, limit: int) -> bytes:
    bindings = [
        {name: _json_term(term) for name, term in zip(variables, row, strict=True) if term is not None}
        for row in rows
    ]
    answer: dict[str, object] = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    if truncated:
        answer["ecograph"] = {"truncated": True, "limit": limit}
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()


# XML -----------------------------------------------------------------------------------------------

def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>")


def _write_xml(variables: Sequence[str], rows: Sequence[Row], truncated: bool, limit: int) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if truncated:
        out.append(f"<!-- {TRUNCATED_NOTE.format(limit=limit)} -->")
    out.append("<head>")
    out.extend(f"<variable name={quoteattr(name)}/>" for name in variables)
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out.extend(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                   for name, term in zip(variables, row, strict=True) if term is not None)
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


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
