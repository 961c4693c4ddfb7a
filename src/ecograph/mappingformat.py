"""The mapping format, described from the mapping engine's own rules and the ontology.

`mapping_schema` is a JSON Schema (draft 2020-12) of a mapping file, for editors and CI; `mapping_reference` is
the same as Markdown for contributors: every key, its value, how many, an example, its English and Dutch names,
and for each type of entity the fact keys its properties' domains allow. Keys, patterns and value kinds come from
`build/mapping.py` (ENTITY_KEYS, ID_PATTERN, LANG_PATTERN, INTEGER_RANGES, WEB_ADDRESS, how `_values` reads a
value), the id kinds from the shapes, the classes, properties, names and definitions from the ontology. So a
change of the engine or the ontology shows in both when they are generated again: `ecograph schema` prints the
schema (`--reference` the Markdown), and the build writes the schema into dist/. `names_schema` is the JSON
Schema of the curated names file, from the names reader's rules (build/names.py: KINDS, ENTRY_KEYS); the build
writes it into dist/ too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS

from .build import names
from .build.mapping import ENTITY_KEYS, ID_PATTERN, INTEGER_RANGES, LANG_PATTERN, WEB_ADDRESS
from .namespaces import REUSED_LABELS
from .ontology import LANG_STRING, Property, Vocabulary
from .project import Project
from .shapefacts import ENGINE_KINDS, shape_facts

# Classes whose instances only the build writes: a mapping never states their properties.
BUILD_RECORDS = ("Claim", "Article", "CuratedName", "Inference")
SCHEMA_FILE = "mapping.schema.json"  # in dist/ and beside the mappings
NAMES_SCHEMA_FILE = "names.schema.json"  # in dist/ and beside mappings/names.yaml
DRAFT = "https://json-schema.org/draft/2020-12/schema"
# With id, what an entry that declares an entity states (the engine requires each when it maps the entity).
DECLARING_KEYS = ("type", "quote")
ENTITY_KEY_DOCS = {
    "id": "the entity's id, kind/slug: the kind names the type of entity, the slug the entity (lowercase a-z, 0-9, -)",
    "type": "the entity's class in the ontology, or a list of classes",
    "label": "its name per language, as the quote gives it (names the article does not give go in mappings/names.yaml)",
    "alt": "other names the article uses, per language (a text or a list)",
    "quote": "the article's words that mention the entity, verbatim: the quote of its type, labels and of every "
    "fact that gives no quote of its own",
    "facts": "what the article states about the entity: a list of one-key maps, each with an optional quote",
}


@dataclass(frozen=True)
class ValueKind:
    """How a mapping writes the value of one kind of property (as the mapping engine reads it)."""

    name: str
    schema: dict[str, Any]
    example: Any
    write: str


TEXT = {
    "anyOf": [
        {"type": "string", "pattern": "\\S"},
        {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": LANG_PATTERN.pattern},
            "additionalProperties": {"type": "string", "pattern": "\\S"},
        },
    ]
}
TEXTS = {
    "anyOf": [
        {"type": "string", "pattern": "\\S"},
        {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "\\S"}},
        {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": LANG_PATTERN.pattern},
            "additionalProperties": {
                "anyOf": [
                    {"type": "string", "pattern": "\\S"},
                    {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "\\S"}},
                ]
            },
        },
    ]
}
ID = {"type": "string", "pattern": ID_PATTERN.pattern}
KINDS = {
    "entity id": ValueKind(
        "entity id",
        {"anyOf": [{"$ref": "#/$defs/id"}, {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/id"}}]},
        "organisation/example",
        "the id of an entity of this mapping, or a list of ids",
    ),
    "text": ValueKind("text", {"$ref": "#/$defs/text"}, {"en": "…", "nl": "…"}, "a text, or {language: text}"),
    "number": ValueKind(
        "number",
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": "^[+-]?[0-9][0-9_]*(\\.[0-9]+)?$"}]},
        8710000,
        "digits, without currency or words",
    ),
    "whole number": ValueKind("whole number", {"type": "integer", "minimum": 0}, 13, "a count in digits"),
    "web address": ValueKind(
        "web address", {"type": "string", "pattern": WEB_ADDRESS.pattern}, "https://example.org/", "https://…"
    ),
    "plain text": ValueKind("plain text", {"type": "string"}, "EUR", "a text without language"),
    "date": ValueKind(
        "date",
        {
            "anyOf": [
                {"type": "string", "pattern": "^([0-9]{4}(-(0[1-9]|1[0-2])(-[0-9]{2})?)?|--[0-9]{2}-[0-9]{2})$"},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ]
        },
        "2023-12-19",
        'YYYY-MM-DD, "YYYY-MM", YYYY, or "--MM-DD" when the text gives no year',
    ),
}


def value_kind(prop: Property) -> ValueKind:
    """The kind of a property's values, in the order the mapping engine decides it (`_values`, `_typed_literal`)."""
    if prop.is_object:
        return KINDS["entity id"]
    if prop.range == LANG_STRING:
        return KINDS["text"]
    if prop.range == URIRef("http://www.w3.org/2001/XMLSchema#decimal"):
        return KINDS["number"]
    if prop.range in INTEGER_RANGES:
        return KINDS["whole number"]
    if prop.range == URIRef("http://www.w3.org/2001/XMLSchema#anyURI"):
        return KINDS["web address"]
    if prop.range == URIRef("http://www.w3.org/2001/XMLSchema#string"):
        return KINDS["plain text"]
    return KINDS["date"]


# what the ontology says --------------------------------------------------------------------------------------


class Terms:
    """The ontology's names, definitions, domains and kinds of id, as the format's description needs them."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.vocabulary = Vocabulary.of(project)
        self.graph: Graph = self.vocabulary.graph
        self.kinds = {k: v for k, v in shape_facts(project).kinds.items() if k not in ENGINE_KINDS}

    def name(self, iri: URIRef, lang: str) -> str:
        if str(iri) in REUSED_LABELS:
            return REUSED_LABELS[str(iri)][lang]
        found = [o for o in self.graph.objects(iri, RDFS.label) if isinstance(o, Literal) and o.language == lang]
        return str(found[0]) if found else ""

    def definition(self, iri: URIRef) -> str:
        for predicate in (SKOS.definition, RDFS.comment):
            found = [o for o in self.graph.objects(iri, predicate) if isinstance(o, Literal) and o.language == "en"]
            if found:
                return str(found[0])
        return ""

    def superclasses(self, cls: URIRef) -> set[URIRef]:
        return {c for c in self.graph.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}

    def domain(self, prop: Property) -> set[URIRef] | None:
        """The classes of the property's domain (a union read as its members); None: any entity."""
        domain = self.graph.value(prop.iri, RDFS.domain)
        if domain is None:
            return None
        union = self.graph.value(domain, OWL.unionOf)
        members = Collection(self.graph, union) if union is not None else [domain]
        return {m for m in members if isinstance(m, URIRef)}

    def keys_of(self, cls: URIRef) -> list[str]:
        """The fact keys whose domain admits instances of the class."""
        up = self.superclasses(cls)
        return sorted(key for key, prop in self.properties.items() if (d := self.domain(prop)) is None or d & up)

    @property
    def properties(self) -> dict[str, Property]:
        """The properties a mapping states: not those of the records the build makes (claims, articles, …)."""
        records = {URIRef(self.vocabulary.namespace + name) for name in BUILD_RECORDS}
        return {
            key: prop
            for key, prop in sorted(self.vocabulary.properties.items())
            if not ((domain := self.domain(prop)) and domain <= records)
        }

    @property
    def classes(self) -> dict[str, URIRef]:
        return dict(sorted(self.vocabulary.classes.items()))

    def kind_of(self, cls: URIRef) -> str | None:
        """The kind of id (organisation, person, …) of the class's entities, by the shapes."""
        up = self.superclasses(cls)
        return next((k for k, classes in self.kinds.items() if {URIRef(c) for c in classes} & up), None)

    def example_id(self, prop: Property) -> str:
        """An id of the kind of entity the property links to."""
        target = self.graph.value(prop.iri, RDFS.range)
        union = self.graph.value(target, OWL.unionOf) if target is not None else None
        candidates = list(Collection(self.graph, union)) if union is not None else [target]
        for candidate in candidates:
            below = [
                c for c in self.classes.values() if isinstance(candidate, URIRef) and candidate in self.superclasses(c)
            ]
            kind = next((k for c in below if (k := self.kind_of(c))), None)
            if kind:
                return f"{kind}/example"
        return "organisation/example"

    def how_many(self, prop: Property) -> str:
        if (prop.iri, RDF.type, OWL.FunctionalProperty) in self.graph:
            return "one"
        return "one or more (a list for ids)" if prop.is_object else "one or more (a fact each)"

    def example(self, key: str, prop: Property) -> Any:
        return self.example_id(prop) if prop.is_object else value_kind(prop).example


# the JSON Schema ---------------------------------------------------------------------------------------------


def mapping_schema(project: Project) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a mapping file (mappings/<stem>.yaml)."""
    terms = Terms(project)
    kinds = ", ".join(terms.kinds)
    return {
        "$schema": DRAFT,
        "$id": f"{project.base}dumps/{SCHEMA_FILE}",
        "title": f"{project.facts.title} article mapping",
        "description": "One article's facts, each with the article's words as its quote (mappings/<stem>.yaml). "
        "Generated from the ontology and the mapping engine by `ecograph schema`.",
        "type": "object",
        "required": ["article", "entities"],
        "additionalProperties": False,
        "properties": {
            "article": {
                "type": "string",
                "description": "the article's file stem: seeds/<article>.txt, its metadata in seeds/<article>.yaml",
            },
            "entities": {"type": "array", "items": {"$ref": "#/$defs/entity"}},
            "todo": {
                "type": "array",
                "description": "the scaffold's open items (`ecograph new`): turn each into a fact or drop it, then "
                "delete the section (a mapping with a todo: section does not build)",
            },
        },
        "$defs": {
            "id": {**ID, "description": f"kind/slug; the kinds: {kinds}"},
            "text": {**TEXT, "description": "a text in the article's first language, or {language code: text}"},
            "texts": TEXTS,
            "quote": {"type": "string", "pattern": "\\S", "description": "the article's words, verbatim"},
            "entity": _entity_schema(terms),
            "fact": _fact_schema(terms),
        },
    }


def _entity_schema(terms: Terms) -> dict[str, Any]:
    classes = list(terms.classes)
    shapes: dict[str, Any] = {
        "id": {"$ref": "#/$defs/id"},
        "type": {
            "anyOf": [
                {"enum": classes},
                {"type": "array", "minItems": 1, "items": {"enum": classes}},
            ]
        },
        "label": {"$ref": "#/$defs/text"},
        "alt": {"$ref": "#/$defs/texts"},
        "quote": {"$ref": "#/$defs/quote"},
        "facts": {"type": "array", "items": {"$ref": "#/$defs/fact"}},
    }
    return {
        "type": "object",
        "required": ["id"],
        "dependentRequired": {key: [k for k in DECLARING_KEYS if k != key] for key in DECLARING_KEYS},
        "additionalProperties": False,
        "properties": {key: {**shapes[key], "description": ENTITY_KEY_DOCS[key]} for key in sorted(ENTITY_KEYS)},
    }


def _fact_schema(terms: Terms) -> dict[str, Any]:
    properties: dict[str, Any] = {"quote": {"$ref": "#/$defs/quote"}}
    for key, prop in terms.properties.items():
        kind = value_kind(prop)
        properties[key] = {
            **kind.schema,
            "title": f"{terms.name(prop.iri, 'en')} ({terms.name(prop.iri, 'nl')})",
            "description": terms.definition(prop.iri) or kind.write,
            "examples": [terms.example(key, prop)],
        }
    return {
        "type": "object",
        "description": "one property and its value, with an optional quote of its own",
        "additionalProperties": False,
        "properties": properties,
        "anyOf": [
            {"required": ["quote"], "minProperties": 2, "maxProperties": 2},
            {"not": {"required": ["quote"]}, "minProperties": 1, "maxProperties": 1},
        ],
    }


def schema_text(project: Project) -> str:
    """The schema as the file mapping.schema.json holds it."""
    return json.dumps(mapping_schema(project), indent=2, ensure_ascii=False) + "\n"


# the names file ----------------------------------------------------------------------------------------------

NAME_KEY_DOCS = {
    "id": "the id of an entity a mapping declares, kind/slug",
    "kind": "what kind of name it is",
    "label": "the entity's name, one per language",
    "alt": "other names, per language (a text or a list)",
    "who": "who curated the names",
    "why": "why the entity has this name",
    "source": "where the name comes from (optional)",
}
NAME_KEY_EXAMPLES = {
    "id": "organisation/university-of-twente",
    "kind": "translation",
    "label": "{nl: Universiteit Twente}",
    "alt": "{en: [UT]}",
    "who": "Ecosystem Graph editors",
    "why": "Dutch name of an entity the English articles name",
    "source": "https://www.utwente.nl/",
}
NAME_TEXT = {"type": "string", "pattern": "\\S"}


def names_schema(project: Project) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the curated names file (mappings/names.yaml), from the names reader's rules."""
    by_language = {"type": "object", "minProperties": 1, "propertyNames": {"pattern": LANG_PATTERN.pattern}}
    shapes: dict[str, Any] = {
        "id": ID,
        "kind": {"enum": list(names.KINDS)},
        "label": {**by_language, "additionalProperties": NAME_TEXT},
        "alt": {
            **by_language,
            "additionalProperties": {"anyOf": [NAME_TEXT, {"type": "array", "minItems": 1, "items": NAME_TEXT}]},
        },
        "who": NAME_TEXT,
        "why": NAME_TEXT,
        "source": {"type": "string", "pattern": WEB_ADDRESS.pattern},
    }
    entry = {
        "type": "object",
        "required": ["id", "kind", "who", "why"],
        "anyOf": [{"required": ["label"]}, {"required": ["alt"]}],
        "additionalProperties": False,
        "properties": {key: {**shapes[key], "description": NAME_KEY_DOCS[key]} for key in sorted(names.ENTRY_KEYS)},
    }
    return {
        "$schema": DRAFT,
        "$id": f"{project.base}dumps/{NAMES_SCHEMA_FILE}",
        "title": f"{project.facts.title} curated names",
        "description": "Names no article states — translations, official names, abbreviations, display labels — "
        "each with who curated it and why (mappings/names.yaml). Generated from the names reader's rules "
        "with the mapping schema.",
        "type": "object",
        "required": ["names"],
        "additionalProperties": False,
        "properties": {"names": {"type": "array", "items": {"$ref": "#/$defs/name"}}},
        "$defs": {"name": entry},
    }


def names_schema_text(project: Project) -> str:
    """The names schema as the file names.schema.json holds it."""
    return json.dumps(names_schema(project), indent=2, ensure_ascii=False) + "\n"


# the reference -----------------------------------------------------------------------------------------------

REFERENCE_NOTE = (
    "<!-- Generated from the ontology and the mapping engine: do not edit. Regenerate with\n"
    "     ecograph schema --reference > mappings/README.md && ecograph schema > mappings/mapping.schema.json\n"
    f"     (or ECOGRAPH_UPDATE_SCHEMA=1 pytest tests/test_mapping_schema.py, which writes {NAMES_SCHEMA_FILE} too). -->"
)


def mapping_reference(project: Project) -> str:
    """The mapping format as Markdown: the file, an entity, a fact, the value kinds, the keys, and the keys of
    each type of entity."""
    terms = Terms(project)
    parts = [
        "# The mapping format",
        REFERENCE_NOTE,
        "One YAML file per article, `mappings/<stem>.yaml`, states the facts of `seeds/<stem>.txt`, each with the "
        "article's words as its quote. Editors that read `# yaml-language-server: $schema=mapping.schema.json` "
        f"(the first line `ecograph new` writes) check a mapping against [{SCHEMA_FILE}]({SCHEMA_FILE}) as you "
        "type; `ecograph validate` checks everything else.",
        _file_section(),
        _entity_section(terms),
        _kinds_section(),
        _keys_section(terms),
        _types_section(terms),
        _names_section(),
    ]
    return "\n\n".join(parts) + "\n"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _file_section() -> str:
    return "## A mapping file\n\n" + _table(
        ["key", "value", "how many"],
        [
            ["`article`", "the article's file stem (seeds/`<stem>`.txt)", "one, required"],
            ["`entities`", "a list of [entities](#an-entity)", "one, required"],
        ],
    )


def _entity_section(terms: Terms) -> str:
    examples = {
        "id": "`organisation/acme`",
        "type": "`Company`",
        "label": "`{en: Acme, nl: Acme}`",
        "alt": "`{en: [Acme B.V.]}`",
        "quote": '`"The Enschede-based company Acme"`',
        "facts": "`- locatedIn: place/enschede`",
    }
    required = {"id": "one, required", **{k: "one, required to declare the entity" for k in DECLARING_KEYS}}
    rows = [[f"`{k}`", ENTITY_KEY_DOCS[k], required.get(k, "optional"), examples[k]] for k in _entity_key_order()]
    kinds = ", ".join(f"`{k}`" for k in terms.kinds)
    return (
        "## An entity\n\n"
        + _table(["key", "value", "how many", "example"], rows)
        + f"\n\nKinds of id: {kinds}. A fact is a one-key map `- key: value`, with an optional `quote:` of its own "
        "(else the entity's quote supports it); the [keys](#fact-keys) follow."
    )


def _entity_key_order() -> list[str]:
    first = ["id", "type", "label", "alt", "quote", "facts"]
    return [k for k in first if k in ENTITY_KEYS] + sorted(ENTITY_KEYS - set(first))


def _kinds_section() -> str:
    rows = [[k.name, k.write, f"`{json.dumps(k.example, ensure_ascii=False)}`"] for k in KINDS.values()]
    return "## Kinds of value\n\n" + _table(["kind", "write", "example"], rows)


def _keys_section(terms: Terms) -> str:
    rows = [
        [
            f"`{key}`",
            terms.name(prop.iri, "en"),
            terms.name(prop.iri, "nl"),
            value_kind(prop).name,
            terms.how_many(prop),
            f"`{key}: {_yaml(terms.example(key, prop))}`",
            terms.definition(prop.iri),
        ]
        for key, prop in terms.properties.items()
    ]
    return "## Fact keys\n\n" + _table(["key", "English", "Dutch", "value", "how many", "example", "meaning"], rows)


def _yaml(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)


def _types_section(terms: Terms) -> str:
    sections = ["## Fact keys by type of entity"]
    for name, cls in terms.classes.items():
        kind = terms.kind_of(cls)
        if kind is None:
            continue  # not an entity a mapping declares (an article, a claim)
        keys = ", ".join(f"`{k}`" for k in terms.keys_of(cls))
        sections.append(
            f"### {name} ({terms.name(cls, 'en')}; {terms.name(cls, 'nl')})\n\n"
            f"{terms.definition(cls)} Ids: `{kind}/<slug>`.\n\nFact keys: {keys}."
        )
    return "\n\n".join(sections)


def _names_section() -> str:
    how_many = {"label": "label, alt or both", "alt": "label, alt or both", "source": "optional"}
    rows = [
        [f"`{key}`", NAME_KEY_DOCS[key], how_many.get(key, "one, required"), f"`{NAME_KEY_EXAMPLES[key]}`"]
        for key in sorted(names.ENTRY_KEYS, key=list(NAME_KEY_DOCS).index)
    ]
    kinds = ", ".join(f"`{kind}`" for kind in names.KINDS)
    return (
        "## The names file\n\n"
        "`mappings/names.yaml` holds the names no article states — a translation, an official name, an "
        "abbreviation, a display label composed for a Funding, Position or Figure — each with who curated it and "
        "why; the build publishes them in their own graph, `<base>graph/names`. One key, `names:`, a list of "
        f"entries; editors that read its first line check it against [{NAMES_SCHEMA_FILE}]({NAMES_SCHEMA_FILE}).\n\n"
        + _table(["key", "value", "how many", "example"], rows)
        + f"\n\nKinds of name: {kinds}. An entry gives `label:`, `alt:` or both; an entity has one label per "
        "language in the file."
    )
