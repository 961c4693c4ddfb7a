"""The validation report: findings grouped by entity, and its three forms (text, JSON, SHACL Turtle).

A `Finding` is one problem in plain terms: which check found it, how bad it is, the entity and property it is
about, the offending value, what is wrong, and how to fix it. The `Report` holds the findings together with what
a person needs to read them: each entity's label and types, and each property's label. Formatting never decides
anything; it only shows the report.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, SH, XSD, BNode, Graph, Literal, URIRef
from rdflib.util import from_n3

from ..errors import Location
from ..findings import CHECK_NAMESPACE, CHECKS, SEVERITIES, Finding, Severity, location_dict
from ..userfile import visible


@dataclass
class Entity:
    """What the report says about an entity it names: its label, its types (by label) and where it is written."""

    iri: str
    label: str | None = None
    types: list[str] = field(default_factory=list)
    location: Location | None = None


@dataclass
class Report:
    """Everything `ecograph validate` found, ready to be shown in any form."""

    findings: list[Finding]
    inputs: list[str]
    against: str | None = None
    base: str = "https://w3id.org/ecograph/"
    entities: dict[str, Entity] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)  # property/class IRI -> label
    notes: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 0 if self.conforms else 1

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def groups(self) -> list[tuple[str, list[Finding]]]:
        """Findings grouped by entity (file-level findings first), most severe first within each group."""
        groups: dict[str, list[Finding]] = {}
        for finding in sorted(self.findings, key=_order):
            groups.setdefault(finding.focus, []).append(finding)
        return sorted(groups.items(), key=lambda item: (item[0] != "", _first_line(item[1]), item[0]))

    def entity_name(self, iri: str) -> str:
        """An entity as a person reads it: `organisation/acme "Acme"`."""
        short = self.short(iri)
        entity = self.entities.get(iri)
        return f'{short} "{entity.label}"' if entity and entity.label else short

    def short(self, iri: str) -> str:
        prefix = f"{self.base}id/"
        return iri[len(prefix) :] if iri.startswith(prefix) else iri

    def term(self, iri: str | None) -> str:
        if not iri:
            return ""
        return self.terms.get(iri) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _order(finding: Finding) -> tuple:
    line = finding.location.line if finding.location and finding.location.line else 0
    return (finding.focus, SEVERITIES.index(finding.severity), line, finding.check, finding.path or "", finding.message)


def _first_line(findings: list[Finding]) -> int:
    return min((f.location.line or 0 for f in findings if f.location), default=0)


# text -------------------------------------------------------------------------------------------------------

MARKS = {Severity.VIOLATION: "✗", Severity.WARNING: "!", Severity.INFO: "i"}


def to_text(report: Report, *, infos: bool = False) -> str:
    """The report for a person: one block per entity, named by its label; one paragraph per problem.

    Info findings (suggestions) are counted but shown only when `infos` is true.
    """
    lines = [_summary(report)]
    lines.extend(f"note: {note}" for note in report.notes)
    hidden = 0 if infos else report.count(Severity.INFO)
    if hidden:
        lines.append(f"note: {hidden} suggestion(s) (Info) not shown; --infos shows them")
    for focus, findings in report.groups():
        shown = [f for f in findings if infos or f.severity != "Info"]
        if not shown:
            continue
        lines.append("")
        lines.append(_entity_heading(report, focus))
        for finding in shown:
            lines.extend(_finding_lines(report, finding))
    return "\n".join(visible(line) for line in lines) + "\n"  # a value's control characters stay on the page


def _summary(report: Report) -> str:
    counts = ", ".join(
        f"{report.count(s)} {s.lower()}{'s' if report.count(s) != 1 else ''}" for s in SEVERITIES if report.count(s)
    )
    verdict = "conforms" if report.conforms else "does not conform"
    against = f" (checked against {report.against})" if report.against else ""
    return f"{', '.join(report.inputs)}: {verdict}{against}" + (f" — {counts}" if counts else "")


def _entity_heading(report: Report, focus: str) -> str:
    if not focus:
        return "The contribution as a whole"
    entity = report.entities.get(focus)
    heading = report.entity_name(focus)
    if entity and entity.types:
        heading += f" ({', '.join(entity.types)})"
    if entity and entity.location:
        heading += f" — {entity.location}"
    return heading


def _finding_lines(report: Report, finding: Finding) -> list[str]:
    head = f"  {MARKS[finding.severity]} {finding.severity} [{CHECKS[finding.check]}]"
    if finding.path:
        head += f" {report.term(finding.path)}"
    if finding.value is not None:
        head += f" = {_shown_value(report, finding.value)}"
    lines = [head, f"      {finding.message}"]
    if finding.hint:
        lines.append(f"      fix: {finding.hint}")
    entity = report.entities.get(finding.focus)
    if finding.location and finding.location.line and (not entity or entity.location != finding.location):
        lines.append(f"      at: {finding.location}")
    return lines


def _shown_value(report: Report, value: str) -> str:
    if value.startswith(("http://", "https://")):
        return report.entity_name(value) if value.startswith(report.base) else f"<{value}>"
    return value


# JSON -------------------------------------------------------------------------------------------------------


def to_json(report: Report) -> str:
    """The same report as structured data (for CI bots): entities with their findings, and a summary."""
    data = {
        "ok": True,
        "conforms": report.conforms,
        "exit_code": report.exit_code,
        "inputs": report.inputs,
        "against": report.against,
        "summary": {s.lower() + "s": report.count(s) for s in SEVERITIES},
        "checks": report.checks,
        "notes": report.notes,
        "entities": [_entity_json(report, focus, findings) for focus, findings in report.groups()],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _entity_json(report: Report, focus: str, findings: list[Finding]) -> dict[str, object]:
    entity = report.entities.get(focus) or Entity(focus)
    return {
        "iri": focus or None,
        "id": report.short(focus) if focus else None,
        "label": entity.label,
        "types": entity.types,
        "location": location_dict(entity.location) if entity.location else None,
        "findings": [{**f.as_dict(), "property": report.term(f.path) or None} for f in findings],
    }


# Turtle -----------------------------------------------------------------------------------------------------


def to_graph(report: Report) -> Graph:
    """The standard SHACL validation report (sh:ValidationReport), one sh:ValidationResult per finding."""
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("check", CHECK_NAMESPACE)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    for finding in sorted(report.findings, key=_order):
        graph.add((root, SH.result, _result(graph, finding)))
    return graph


def to_turtle(report: Report) -> str:
    return to_graph(report).serialize(format="turtle")


def _result(graph: Graph, finding: Finding) -> BNode:
    node = BNode()
    component = finding.component or f"{CHECK_NAMESPACE}{finding.check}"
    triples: list[tuple[URIRef, URIRef | Literal]] = [
        (RDF.type, SH.ValidationResult),
        (SH.resultSeverity, SH[finding.severity]),
        (SH.focusNode, _focus_node(finding)),
        (SH.resultMessage, Literal(finding.message + (f" Fix: {finding.hint}" if finding.hint else ""))),
        (SH.sourceConstraintComponent, URIRef(component)),
    ]
    if finding.path and finding.path.startswith(("http://", "https://")):
        triples.append((SH.resultPath, URIRef(finding.path)))
    if finding.value is not None:
        triples.append((SH.value, _node(finding.value)))
    if finding.shape and finding.shape.startswith(("http://", "https://")):
        triples.append((SH.sourceShape, URIRef(finding.shape)))
    for predicate, obj in triples:
        graph.add((node, predicate, obj))
    return node


def _focus_node(finding: Finding) -> URIRef | Literal:
    if not finding.focus and finding.location:
        return URIRef(Path(finding.location.path).resolve().as_uri())
    return _node(finding.focus)


def _node(text: str) -> URIRef | Literal:
    if text.startswith(("http://", "https://")) and " " not in text:
        return URIRef(text)
    if text.startswith('"'):
        with contextlib.suppress(Exception):
            term = from_n3(text, nsm=_XSD_ONLY.namespace_manager)
            if isinstance(term, Literal):
                return term
    return Literal(text)


_XSD_ONLY = Graph(bind_namespaces="none")
_XSD_ONLY.bind("xsd", XSD)


def value_text(term: object) -> str:
    """A term as the report shows it: an IRI as is, a literal as "text"@lang or "text"^^xsd:type."""
    if isinstance(term, Literal):
        lexical = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{lexical}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            datatype = str(term.datatype)
            short = "xsd:" + datatype[len(str(XSD)) :] if datatype.startswith(str(XSD)) else f"<{datatype}>"
            return f"{lexical}^^{short}"
        return lexical
    return str(term)
