"""The project's curated names: what the editors call an entity, beside what the articles say.

A name claim of an article (a `label:` or `alt:` of a mapping entry) must occur in the entry's quote. A name no
article states — a translation, an official name, an abbreviation, a display label composed for a Funding or a
Position — is curated instead, in one file per project (`mappings/names.yaml`), each with who curated it and
why. It is published as its own named graph, `<base>graph/names`: every name is a triple there and an
`eco:CuratedName` (rdf:subject/predicate/object, `eco:nameKind` (one of KINDS), `dcterms:creator` who,
`skos:editorialNote` why, optionally `dcterms:source`), so a consumer tells "we call it" from "the article
says" (an `eco:Claim`).

    names:
      - id: organisation/university-of-twente
        kind: translation
        label: {nl: Universiteit Twente}
        who: Ecosystem Graph editors
        why: Dutch name of an entity the English articles name
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from ..errors import Code, InputError, Location
from ..findings import Finding
from ..namespaces import DCTERMS, RDF, RDFS, SKOS
from ..project import Project
from ..yamlfile import Map, Seq, load_yaml
from .mapping import ID_PATTERN, LANG_PATTERN, WEB_ADDRESS, ArticleGraph

NAMES_SLUG = "names"  # the graph <base>graph/names
#: the kinds of curated name (the values of eco:nameKind)
KINDS = ("translation", "official-name", "abbreviation", "display-label", "other-name")
ENTRY_KEYS = {"id", "kind", "label", "alt", "who", "why", "source"}
NAME_PROPERTIES = {"label": RDFS + "label", "alt": SKOS + "altLabel"}


@dataclass(frozen=True)
class CuratedName:
    """One name the editors give an entity, with who gave it and why."""

    entity_id: str
    predicate: str  # rdfs:label or skos:altLabel
    text: str
    language: str
    kind: str
    who: str
    why: str
    source: str | None
    location: Location


@dataclass
class CuratedNames:
    """The names file, read: its names, and (when collecting) every problem found in it."""

    path: Path
    names: list[CuratedName] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def labelled(self) -> dict[str, set[str]]:
        """For each entity id, the languages in which the names file gives its label."""
        found: dict[str, set[str]] = {}
        for name in self.names:
            if name.predicate == RDFS + "label":
                found.setdefault(name.entity_id, set()).add(name.language)
        return found

    def quads(self, project: Project) -> list[Quad]:
        """The named graph <base>graph/names: each name, and the eco:CuratedName that says who gave it and why."""
        graph = NamedNode(project.graph_iri(NAMES_SLUG))
        quads: list[Quad] = []
        for name in self.names:
            entity, predicate = NamedNode(project.entity_iri(name.entity_id)), NamedNode(name.predicate)
            value = Literal(name.text, language=name.language)
            node = NamedNode(project.entity_iri(record_id(project, name)))
            statements: list[tuple[NamedNode, NamedNode | Literal]] = [
                (NamedNode(RDF + "type"), NamedNode(project.vocab + "CuratedName")),
                (NamedNode(RDF + "subject"), entity),
                (NamedNode(RDF + "predicate"), predicate),
                (NamedNode(RDF + "object"), value),
                (NamedNode(project.vocab + "nameKind"), Literal(name.kind)),
                (NamedNode(DCTERMS + "creator"), Literal(name.who)),
                (NamedNode(SKOS + "editorialNote"), Literal(name.why, language="en")),
            ]
            if name.source:
                statements.append((NamedNode(DCTERMS + "source"), NamedNode(name.source)))
            quads.append(Quad(entity, predicate, value, graph))
            quads.extend(Quad(node, p, o, graph) for p, o in statements)
        return quads


def names_graph(project: Project, names: CuratedNames) -> ArticleGraph:
    """The names graph, in the form the dataset takes its article graphs."""
    graph = NamedNode(project.graph_iri(NAMES_SLUG))
    lines = {record_id(project, name): name.location.line or 1 for name in names.names}  # where shape findings point
    return ArticleGraph(NAMES_SLUG, NAMES_SLUG, names.path, graph, graph, names.quads(project), lines)


def record_id(project: Project, name: CuratedName) -> str:
    """The id (under <base>id/) of the eco:CuratedName that records a name."""
    entity = NamedNode(project.entity_iri(name.entity_id))
    return "name/" + _name_hash(entity, NamedNode(name.predicate), Literal(name.text, language=name.language))


def read_names(
    project: Project, known: Callable[[str], bool] | Collection[str], *, collect: bool = False
) -> CuratedNames:
    """Read mappings/names.yaml (no file: no names). `known` says which entity ids the project declares.

    A problem raises InputError naming file, line and field; with collect=True every problem becomes a Finding.
    """
    path = project.names_file
    result = CuratedNames(path)
    if not path.is_file():
        return result
    is_known = known if callable(known) else known.__contains__
    reader = _Reader(path, is_known, result, collect)
    reader.guarded(reader.read, load_yaml, path)
    return result


class _Reader:
    def __init__(self, path: Path, known: Callable[[str], bool], result: CuratedNames, collect: bool) -> None:
        self.path, self.known, self.result, self.collect = path, known, result, collect
        self.labels: dict[tuple[str, str], Location] = {}

    def guarded(self, step: Callable[..., None], *args: Any) -> None:
        try:
            step(*args)
        except InputError as error:
            if not self.collect:
                raise
            self.result.findings.append(Finding.from_error(error))

    def read(self, load: Callable[[Path], Any], path: Path) -> None:
        document = load(path)
        entries = document.get("names") if isinstance(document, Map) and set(document) == {"names"} else None
        if not isinstance(entries, Seq):
            raise InputError(
                Location(path, getattr(document, "line", 1)),
                "the names file is a YAML mapping with one key, 'names:', a list of entries",
                "start each entry with '- id: kind/slug' and give kind:, label: or alt:, who: and why:",
            )
        for index, entry in enumerate(entries):
            self.guarded(self.entry, entry, f"names[{index}]", entries.item_lines[index])

    def entry(self, entry: Any, field_path: str, line: int) -> None:
        if not isinstance(entry, Map):
            raise InputError(Location(self.path, line, field_path), "an entry must be a mapping", "write '- id: ...'")
        for key in entry:
            if key not in ENTRY_KEYS:
                raise InputError(
                    self.at(entry, key, field_path),
                    f"unknown field '{key}'",
                    "allowed here: " + ", ".join(sorted(ENTRY_KEYS)),
                    code=Code.UNKNOWN_FIELD,
                )
        entity_id = self.entity_id(entry, field_path)
        kind = self.text(entry, "kind", field_path, "one of: " + ", ".join(KINDS))
        if kind not in KINDS:
            raise InputError(
                self.at(entry, "kind", field_path),
                f"'{kind}' is not a kind of name",
                "write one of: " + ", ".join(KINDS),
                code=Code.INVALID_VALUE,
                value=kind,
            )
        who = self.text(entry, "who", field_path, "who curated these names, e.g. who: Ecosystem Graph editors")
        why = self.text(entry, "why", field_path, "why the entity has this name, e.g. its official Dutch name")
        source = self.source(entry, field_path)
        if "label" not in entry and "alt" not in entry:
            raise InputError(
                Location(self.path, entry.line, field_path),
                "the entry gives no name",
                "add label: {nl: ...} (the entity's name in that language) or alt: {en: [...]} (other names)",
                code=Code.MISSING_FIELD,
            )
        for key, predicate in NAME_PROPERTIES.items():
            if key in entry:
                where = self.at(entry, key, field_path)
                for language, text in _names(entry[key], where, many=key == "alt"):
                    if key == "label":
                        self.one_label(entity_id, language, where)
                    self.result.names.append(
                        CuratedName(entity_id, predicate, text, language, kind, who, why, source, where)
                    )

    def entity_id(self, entry: Map, field_path: str) -> str:
        entity_id = self.text(entry, "id", field_path, "the id of an entity a mapping declares, e.g. place/enschede")
        if not ID_PATTERN.match(entity_id):
            raise InputError(
                self.at(entry, "id", field_path),
                f"'{entity_id}' is not a valid id",
                "write kind/slug in lowercase letters, digits and '-', e.g. organisation/acme",
                code=Code.INVALID_ID,
                value=entity_id,
            )
        if not self.known(entity_id):
            raise InputError(
                self.at(entry, "id", field_path),
                f"no mapping declares the entity '{entity_id}'",
                "give the id of an entity a mapping in mappings/ declares (names are for entities of the graph)",
                code=Code.UNDEFINED_REFERENCE,
                value=entity_id,
            )
        return entity_id

    def one_label(self, entity_id: str, language: str, where: Location) -> None:
        first = self.labels.setdefault((entity_id, language), where)
        if first is not where:
            raise InputError(
                where,
                f"'{entity_id}' already has a {language} label in this file (line {first.line})",
                "an entity has one label per language: put the other names under alt:",
                code=Code.DUPLICATE_ID,
            )

    def text(self, entry: Map, key: str, field_path: str, hint: str) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputError(
                self.at(entry, key, field_path),
                f"'{key}' must be non-empty text" + ("" if key in entry else f": the field '{key}' is missing"),
                f"write {key}: — {hint}",
                code=Code.MISSING_FIELD if key not in entry else Code.INVALID_VALUE,
            )
        return value.strip()

    def source(self, entry: Map, field_path: str) -> str | None:
        source = entry.get("source")
        if source is not None and (not isinstance(source, str) or not WEB_ADDRESS.match(source)):
            raise InputError(
                self.at(entry, "source", field_path),
                f"{source!r} is not a web address",
                "write the address of the page that gives the name, as https://...",
                code=Code.INVALID_VALUE,
                value=source,
            )
        return source

    def at(self, entry: Map, key: str, field_path: str) -> Location:
        return Location(self.path, entry.key_lines.get(key, entry.line), f"{field_path}.{key}")


def _names(value: Any, where: Location, many: bool) -> list[tuple[str, str]]:
    if not isinstance(value, Map) or not value:
        raise InputError(where, "expected names by language, e.g. {nl: Universiteit Twente}", "write language: name")
    found = []
    for language, texts in value.items():
        if not LANG_PATTERN.match(str(language)):
            raise InputError(
                Location(where.path, value.key_lines.get(language, where.line), f"{where.field}.{language}"),
                f"'{language}' is not a language code",
                "use a lowercase code such as en or nl",
                code=Code.INVALID_VALUE,
                value=language,
            )
        for text in texts if many and isinstance(texts, list) else [texts]:
            if not isinstance(text, str) or not text.strip():
                raise InputError(
                    where, f"the {language} name must be non-empty text, not {text!r}", "quote it if YAML misreads it"
                )
            found.append((str(language), text.strip()))
    return found


def _name_hash(entity: NamedNode, predicate: NamedNode, value: Literal) -> str:
    return hashlib.sha256(f"names {entity} {predicate} {value}".encode()).hexdigest()[:16]
