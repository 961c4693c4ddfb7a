"""The ontology: loading it, and knowing which classes and properties a mapping may use."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pyoxigraph import RdfFormat, parse
from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from .errors import Code, InputError, Location, ProjectError
from .project import Project

LANG_STRING = RDF.langString

# Properties of reused vocabularies that mappings may use by a short key: (IRI, value kind).
REUSED_PROPERTIES: dict[str, tuple[URIRef, URIRef]] = {
    "description": (DCTERMS.description, LANG_STRING),
    "homepage": (FOAF.homepage, XSD.anyURI),
}
LABEL = RDFS.label
ALT_LABEL = SKOS.altLabel


@dataclass(frozen=True)
class Property:
    """A property a mapping can use: its IRI, whether its values are entities, and its value datatype."""

    key: str
    iri: URIRef
    is_object: bool
    range: URIRef | None


def load_ontology(project: Project) -> Graph:
    """All Turtle files in ontology/, rebased to the project's base IRI."""
    files = project.ontology_files()
    if not files:
        raise ProjectError(f"{project.ontology_dir} holds no .ttl file: put the ontology there.")
    return read_turtle(project, files, "the ontology")


def read_turtle(project: Project, files: list[Path], what: str) -> Graph:
    """Parse the project's Turtle files (ontology, shapes) into one graph, rebased to the project's base."""
    graph = Graph()
    for path in files:
        try:
            text = project.rebase(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(Location(path), f"cannot read {what}: {error}", "save it as UTF-8 Turtle") from error
        try:
            graph.parse(data=text, format="turtle")
        except Exception as error:  # rdflib raises many kinds; all mean the same to the user
            line, problem = _syntax_error(text, error)
            raise InputError(
                Location(path, line), f"Turtle syntax error in {what}: {problem}", "fix the Turtle syntax at that line"
            ) from error
    return graph


def _syntax_error(text: str, error: Exception) -> tuple[int | None, str]:
    """The line and a one-line description of a Turtle syntax error (rdflib's message quotes the whole file)."""
    try:
        for _ in parse(text.encode("utf-8"), format=RdfFormat.TURTLE):
            pass
    except SyntaxError as oxigraph_error:  # "Parser error at line 2 column 8: Unexpected end"
        message = str(oxigraph_error)
        found = re.search(r"line (\d+)", message)
        return (int(found[1]) if found else None), message.split(" (", 1)[0]
    message = str(error)
    found = re.search(r"at line (\d+)", message)
    reason = re.search(r"Bad syntax \(([^)]*)\)", message)
    return (int(found[1]) if found else None), (reason[1] if reason else message.splitlines()[0][:200])


class Vocabulary:
    """The classes and properties of the ontology, looked up by the local names mappings use."""

    def __init__(self, ontology: Graph, namespace: str) -> None:
        self.graph = ontology
        self.namespace = namespace

    @classmethod
    def of(cls, project: Project) -> Vocabulary:
        return cls(load_ontology(project), project.vocab)

    @cached_property
    def classes(self) -> dict[str, URIRef]:
        return {
            self._local(c): c
            for c in self.graph.subjects(RDF.type, OWL.Class)
            if isinstance(c, URIRef) and c.startswith(self.namespace)
        }

    @cached_property
    def properties(self) -> dict[str, Property]:
        found: dict[str, Property] = {}
        for kind, is_object in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
            for prop in self.graph.subjects(RDF.type, kind):
                if isinstance(prop, URIRef) and prop.startswith(self.namespace):
                    key = self._local(prop)
                    value_range = self.graph.value(prop, RDFS.range)
                    found[key] = Property(
                        key, prop, is_object, value_range if isinstance(value_range, URIRef) else None
                    )
        for key, (iri, value_range) in REUSED_PROPERTIES.items():
            found[key] = Property(key, iri, False, value_range)
        return found

    def class_named(self, name: object, where: Location) -> URIRef:
        if isinstance(name, str) and name in self.classes:
            return self.classes[name]
        raise InputError(
            where,
            f"'{name}' is not a class of the ontology",
            _did_you_mean(str(name), self.classes) or "use one of: " + ", ".join(sorted(self.classes)),
            code=Code.UNKNOWN_CLASS,
            value=name,
        )

    def property_named(self, key: str, where: Location) -> Property:
        if key in self.properties:
            return self.properties[key]
        raise InputError(
            where,
            f"'{key}' is not a property the ontology knows",
            _did_you_mean(key, self.properties)
            or "see ontology/ecograph.ttl for the properties, or add the term there",
            code=Code.UNKNOWN_PROPERTY,
            value=key,
        )

    def _local(self, iri: URIRef) -> str:
        return str(iri)[len(self.namespace) :]


def _did_you_mean(word: str, known: dict) -> str:
    close = difflib.get_close_matches(word, list(known), n=3, cutoff=0.6)
    if not close:
        lowered = {k.lower(): k for k in known}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
