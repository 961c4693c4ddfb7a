"""Turn one article's mapping (YAML) into RDF: its facts, each reified as a claim with its verbatim quote.

A mapping states facts about entities; every triple it asserts gets an `eco:Claim` that names the subject,
predicate and object, the quote that supports it, the line of the article where the quote stands, and the
article (`prov:wasQuotedFrom`). All triples of an article go into the article's own named graph.

One engine, `MappingEngine`, does the mapping under one of two policies: `Policy.STOP` raises the first problem
as an InputError (`map_article`), `Policy.COLLECT` notes every problem as a Finding and goes on with the next
entity or fact (`mapping_problems`, and `ecograph validate` reading a contribution).

A claim says only what its quote says: a `label:` or `alt:` name must occur in the entry's quote (compared as
`text.name_in_quote` folds them); a name no sentence says belongs in the project's curated names file. An entry
with only `id:` (and `facts:`, each with its own quote) uses an entity that another mapping declares: it is
recorded in `ArticleGraph.borrowed`, and the build checks that some mapping declares it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad
from rdflib import XSD

from ..errors import Code, InputError, Location
from ..findings import Finding
from ..namespaces import DCTERMS, PROV, SKOS
from ..namespaces import RDF as RDF_NS
from ..namespaces import XSD as XSD_NS
from ..ontology import ALT_LABEL, LABEL, LANG_STRING, Property, Vocabulary
from ..project import NAMES_FILE, Project
from ..projectfacts import LANGUAGES
from ..shapefacts import shape_facts
from ..text import ArticleText, Quote, name_in_quote
from ..yamlfile import Map, Seq, load_yaml

LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"

RDF_TYPE = NamedNode(RDF_NS + "type")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*/[a-z0-9][a-z0-9-]*$")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANG_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
ENTITY_KEYS = {"id", "type", "label", "alt", "quote", "facts"}
BORROWING_KEYS = {"id", "facts"}  # an entry that only uses an entity another mapping declares
METADATA_KEYS = {"slug", "title", "languages", "published", "publisher", "author"}
INTEGER_RANGES = (XSD.nonNegativeInteger, XSD.positiveInteger, XSD.integer)  # counts: whole numbers, not negative
WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@dataclass
class ArticleGraph:
    """The RDF of one article: its named graph and quads, ready to validate and publish."""

    stem: str
    slug: str
    mapping_path: Path
    graph: NamedNode
    article: NamedNode
    quads: list[Quad] = field(default_factory=list)
    entity_lines: dict[str, int] = field(default_factory=dict)
    borrowed: dict[str, int] = field(default_factory=dict)  # ids declared by another mapping, and their entry's line

    @cached_property
    def sorted_quads(self) -> list[tuple[str, Quad]]:
        """Each quad with its N-Quads text, sorted by that text: the order of every dump, computed once."""
        return sorted(((str(q), q) for q in self.quads), key=itemgetter(0))


class Policy(StrEnum):
    """What the mapping engine does with a problem: stop at the first one, or collect them all."""

    STOP = "stop"
    COLLECT = "collect"


def map_article(project: Project, vocabulary: Vocabulary, mapping_path: Path) -> ArticleGraph:
    """Read one mapping file and its seed; raise InputError naming file, line and field on the first problem."""
    text, metadata, entities = open_article(project, mapping_path, _document(mapping_path))
    return MappingEngine(project, vocabulary, mapping_path, text, metadata).run(entities)


def mapping_problems(project: Project, vocabulary: Vocabulary, mapping_path: Path) -> list[Finding]:
    """Every problem of one mapping file, in the order of the file (none when it maps)."""
    try:
        text, metadata, entities = open_article(project, mapping_path, _document(mapping_path))
    except InputError as error:  # without its article, metadata or entities nothing else can be checked
        return [Finding.from_error(error)]
    engine = MappingEngine(project, vocabulary, mapping_path, text, metadata, Policy.COLLECT)
    engine.run(entities)
    return engine.findings


def _document(mapping_path: Path) -> Map:
    document = load_yaml(mapping_path)
    if not isinstance(document, Map):
        raise InputError(
            Location(mapping_path, 1),
            "a mapping is a YAML mapping with 'article' and 'entities'",
            "see mappings/ for an example",
        )
    if "todo" in document:
        raise InputError(
            Location(mapping_path, document.key_lines["todo"], "todo"),
            "the scaffold's to-do list is still in the mapping",
            "turn each item into a fact (or drop it), delete the todo: section, and check the file "
            "with `ecograph validate`",
        )
    return document


def open_article(project: Project, mapping_path: Path, document: Map) -> tuple[ArticleText, Map, Any]:
    """The parts a mapping document points at: its article's text, the article's metadata, its entities."""
    _only_keys(document, {"article", "entities"}, mapping_path, "")
    stem = _required(document, "article", mapping_path, "")
    if not isinstance(stem, str) or not project.seed_text(stem).is_file():
        raise InputError(
            Location(mapping_path, document.key_lines.get("article"), "article"),
            f"no seed article '{stem}' in {project.seeds_dir}",
            "give the name of a seeds/*.txt file without .txt",
        )
    text = ArticleText.read(project.seed_text(stem))
    metadata = _read_metadata(project, stem)
    return text, metadata, _required(document, "entities", mapping_path, "")


def open_seed(project: Project, stem: str, where: Location) -> tuple[ArticleText, Map]:
    """The text and metadata of the article seeds/<stem>.txt, which the file at `where` maps."""
    if not project.seed_text(stem).is_file():
        raise InputError(
            where,
            f"no seed article '{stem}' in {project.seeds_dir}",
            f"name the file after its article: seeds/{stem}.txt with its metadata in seeds/{stem}.yaml",
        )
    return ArticleText.read(project.seed_text(stem)), _read_metadata(project, stem)


class MappingEngine:
    """Maps one article's entities and metadata to RDF, under a policy for its problems.

    With `Policy.STOP` the first problem is raised as an InputError. With `Policy.COLLECT` each problem becomes a
    Finding in `findings` (its focus the entity it concerns) and the engine goes on with the next entity or fact;
    an entity whose entry is faulty is still declared, so that references to it add no more problems, and
    `result` holds the triples of everything that mapped.
    """

    def __init__(
        self,
        project: Project,
        vocabulary: Vocabulary,
        path: Path,
        text: ArticleText,
        metadata: Map,
        policy: Policy = Policy.STOP,
        known: Callable[[str], bool] | None = None,
    ) -> None:
        self.project = project
        self.vocabulary = vocabulary
        self.path = path
        self.text = text
        self.metadata = metadata
        self.metadata_path = project.seed_metadata(text.path.stem)
        slug = metadata["slug"]
        self.languages: list[str] = list(metadata["languages"])
        self.result = ArticleGraph(
            stem=text.path.stem,
            slug=slug,
            mapping_path=path,
            graph=NamedNode(project.graph_iri(slug)),
            article=NamedNode(project.article_iri(slug)),
        )
        self.declared: dict[str, NamedNode] = {}
        self.schemes = shape_facts(project).schemes  # class IRI -> the concept scheme its instances are in
        self.seen: set[tuple[str, str, str]] = set()
        self.policy = policy
        self.findings: list[Finding] = []
        self.broken: set[str] = set()  # ids of entities whose entry is faulty
        self.focus = ""  # the IRI of the entity being mapped
        self.known = known  # which ids other mappings declare; None: the build checks the borrowed ids itself

    def run(self, entities: Any) -> ArticleGraph:
        """Map the entities, then the article's metadata; the article's graph (partial if problems were collected)."""
        self._guarded("", self._add_entities, entities)
        self._guarded("", self._add_article_metadata)
        return self.result

    def _guarded(self, focus: str, step: Any, *args: Any) -> bool:
        """Run one step; under Policy.COLLECT a problem is noted and False returned, under Policy.STOP raised."""
        try:
            step(*args)
        except InputError as error:
            if self.policy is Policy.STOP:
                raise
            self.findings.append(Finding.from_error(error, focus))
            return False
        return True

    # entities ------------------------------------------------------------------------------------

    def _add_entities(self, entities: Any) -> None:
        where = Location(self.path, getattr(entities, "line", None), "entities")
        if not isinstance(entities, Seq):
            raise InputError(where, "'entities' must be a list", "start each entity with '- id: kind/slug'")
        for index, entity in enumerate(entities):
            if not self._guarded(
                self._iri_of(entity), self._declare, entity, f"entities[{index}]", entities.item_lines[index]
            ):
                self._declare_anyway(entity)
        for index, entity in enumerate(entities):
            entity_id = entity.get("id") if isinstance(entity, Map) else None
            if isinstance(entity_id, str) and entity_id in self.declared and entity_id not in self.broken:
                self.focus = self._iri_of(entity)
                self._guarded(self.focus, self._entity, entity, f"entities[{index}]")

    def _declare_anyway(self, entity: Any) -> None:
        """Declare an entity whose entry is faulty, so that references to it do not add more problems."""
        entity_id = entity.get("id") if isinstance(entity, Map) else None
        if isinstance(entity_id, str) and ID_PATTERN.match(entity_id) and entity_id not in self.declared:
            self.declared[entity_id] = NamedNode(self.project.entity_iri(entity_id))
            self.result.entity_lines[entity_id] = entity.line
            self.broken.add(entity_id)

    def _iri_of(self, entity: Any) -> str:
        entity_id = entity.get("id") if isinstance(entity, Map) else None
        if isinstance(entity_id, str) and ID_PATTERN.match(entity_id):
            return self.project.entity_iri(entity_id)
        return ""

    def _declare(self, entity: Any, field_path: str, line: int) -> None:
        if not isinstance(entity, Map):
            raise InputError(
                Location(self.path, line, field_path),
                "an entity must be a mapping",
                "write 'id:', 'type:', 'label:' and 'quote:' keys",
            )
        _only_keys(entity, ENTITY_KEYS, self.path, field_path)
        entity_id = _required(entity, "id", self.path, field_path)
        where = self._at(entity, "id", field_path)
        if not isinstance(entity_id, str) or not ID_PATTERN.match(entity_id):
            raise InputError(
                where,
                f"'{entity_id}' is not a valid id",
                "write kind/slug in lowercase letters, digits and '-', e.g. organisation/acme",
                code=Code.INVALID_ID,
                value=entity_id,
            )
        if entity_id in self.declared:
            first = self.result.entity_lines.get(entity_id) or self.result.borrowed[entity_id]
            raise InputError(
                where,
                f"the id '{entity_id}' is declared twice (first on line {first})",
                "merge the two entries into one",
                code=Code.DUPLICATE_ID,
            )
        if set(entity) <= BORROWING_KEYS:
            if self.known is not None and not self.known(entity_id):
                raise undeclared_entity(Location(self.path, entity.line, f"{field_path}.type"), entity_id)
            self.result.borrowed[entity_id] = entity.line
        else:
            self.result.entity_lines[entity_id] = entity.line
        self.declared[entity_id] = NamedNode(self.project.entity_iri(entity_id))

    def _entity(self, entity: Map, field_path: str) -> None:
        subject = self.declared[entity["id"]]
        if entity["id"] in self.result.borrowed:
            self._facts(subject, entity, field_path, None)
            return
        quote = self._quote(entity, field_path, required=True)
        assert quote is not None  # required=True raises instead of returning None
        types = _required(entity, "type", self.path, field_path)
        types = types if isinstance(types, Seq) else [types]
        for kind in types:
            self._fact(
                subject,
                RDF_TYPE,
                NamedNode(str(self.vocabulary.class_named(kind, self._at(entity, "type", field_path)))),
                quote,
            )
        self._labels(subject, entity, field_path, quote)
        for kind in types:
            scheme = self.schemes.get(str(self.vocabulary.classes.get(str(kind), "")))
            if scheme:
                self._fact(subject, NamedNode(SKOS + "inScheme"), NamedNode(scheme), quote)
        self._facts(subject, entity, field_path, quote)

    def _facts(self, subject: NamedNode, entity: Map, field_path: str, quote: Quote | None) -> None:
        facts = entity.get("facts", Seq())
        if not isinstance(facts, Seq):
            raise InputError(
                self._at(entity, "facts", field_path),
                "'facts' must be a list",
                "start each fact with '- property: value'",
            )
        for index, fact in enumerate(facts):
            self._guarded(
                self.focus,
                self._statement,
                subject,
                fact,
                f"{field_path}.facts[{index}]",
                facts.item_lines[index],
                quote,
            )

    def _labels(self, subject: NamedNode, entity: Map, field_path: str, quote: Quote) -> None:
        """The names the quote says; a label is optional (an entity the quote names not at all has its label in
        the curated names file)."""
        for key, predicate in (("label", LABEL), ("alt", ALT_LABEL)):
            if key not in entity:
                continue
            where = self._at(entity, key, field_path)
            for value in self._lang_values(entity[key], where, many=key == "alt"):
                self._guarded(self.focus, self._name, subject, NamedNode(str(predicate)), value, quote, where)

    def _name(self, subject: NamedNode, predicate: NamedNode, value: Literal, quote: Quote, where: Location) -> None:
        if not name_in_quote(value.value, quote.text):
            kind = "label" if predicate.value == str(LABEL) else "other name (alt)"
            names = f"{self.project.mappings_dir.name}/{NAMES_FILE}"
            raise InputError(
                Location(where.path, where.line, f"{where.field}.{value.language}"),
                f'the {value.language} {kind} "{value.value}" is not in the entity\'s quote ("{_short(quote.text)}"): '
                "a name claim says only what its quote says",
                "quote a sentence of the article that contains the name; or, when no sentence does (a translation, "
                f"an official name, an abbreviation, a display label), move the name to {names} with who: and why:",
                code=Code.NAME_NOT_IN_QUOTE,
                value=value.value,
            )
        self._fact(subject, predicate, value, quote)

    def _statement(self, subject: NamedNode, fact: Any, field_path: str, line: int, default: Quote | None) -> None:
        if not isinstance(fact, Map):
            raise InputError(
                Location(self.path, line, field_path),
                "a fact must be a mapping",
                "write '- property: value' with an optional 'quote:'",
            )
        keys = [k for k in fact if k != "quote"]
        if len(keys) != 1:
            raise InputError(
                Location(self.path, line, field_path),
                f"a fact states one property; found {len(keys)}: {', '.join(keys) or 'none'}",
                "split it into one list item per property, each with its quote",
            )
        key = keys[0]
        where = Location(self.path, fact.key_lines[key], f"{field_path}.{key}")
        prop = self.vocabulary.property_named(key, where)
        quote = self._quote(fact, field_path, required=default is None) or default
        assert quote is not None  # required when there is no default
        values = fact[key] if isinstance(fact[key], Seq) and prop.is_object else [fact[key]]
        for value in values:
            for term in self._values(prop, value, where):
                self._fact(subject, NamedNode(str(prop.iri)), term, quote)

    # values --------------------------------------------------------------------------------------

    def _values(self, prop: Property, value: Any, where: Location) -> Sequence[NamedNode | Literal]:
        if prop.is_object:
            return [self._reference(value, where)]
        if prop.range == LANG_STRING:
            return self._lang_values(value, where, many=False)
        return [_typed_literal(prop, value, where)]

    def _reference(self, value: Any, where: Location) -> NamedNode:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            raise InputError(
                where,
                f"{value!r} is not an entity id",
                "write the id of an entity declared in this file, e.g. organisation/acme",
                code=Code.INVALID_VALUE,
                value=value,
            )
        if value not in self.declared:
            raise InputError(
                where,
                f"'{value}' is not declared in this mapping",
                f"add an entity with 'id: {value}', its type, label and quote to 'entities'",
                code=Code.UNDEFINED_REFERENCE,
                value=value,
            )
        return self.declared[value]

    def _lang_values(self, value: Any, where: Location, many: bool) -> list[Literal]:
        if isinstance(value, str | Seq) and not isinstance(value, Map):
            value = {self.languages[0]: value}
        if not isinstance(value, dict) or not value:
            raise InputError(
                where,
                "expected text with a language, e.g. {en: ..., nl: ...}",
                "write a map from language code to text",
            )
        literals = []
        for lang, text in value.items():
            if not LANG_PATTERN.match(str(lang)):
                raise InputError(
                    where, f"'{lang}' is not a language code", "use en, nl, ...", code=Code.INVALID_VALUE, value=lang
                )
            texts = text if many and isinstance(text, list) else [text]
            for item in texts:
                if not isinstance(item, str) or not item.strip():
                    raise InputError(
                        where,
                        f"the {lang} text must be a non-empty string, not {item!r}",
                        "quote the text if YAML reads it as something else",
                    )
                literals.append(Literal(item.strip(), language=str(lang)))
        return literals

    # quotes and claims ---------------------------------------------------------------------------

    def _quote(self, node: Map, field_path: str, required: bool) -> Quote | None:
        if "quote" not in node:
            if required:
                raise InputError(
                    Location(self.path, node.line, field_path),
                    "no quote",
                    "add 'quote:' with the article's words that mention this entity",
                    code=Code.MISSING_QUOTE,
                )
            return None
        where = self._at(node, "quote", field_path)
        return self.text.locate(node["quote"], where)

    def _fact(self, subject: NamedNode, predicate: NamedNode, obj: NamedNode | Literal, quote: Quote) -> None:
        key = (str(subject), str(predicate), str(obj))
        if key in self.seen:
            return
        self.seen.add(key)
        graph = self.result.graph
        self.result.quads.append(Quad(subject, predicate, obj, graph))
        claim = NamedNode(self.project.entity_iri("claim/" + _claim_hash(graph, subject, predicate, obj)))
        quads = self.result.quads
        quads.append(Quad(claim, RDF_TYPE, NamedNode(self.project.vocab + "Claim"), graph))
        quads.append(Quad(claim, NamedNode(RDF_NS + "subject"), subject, graph))
        quads.append(Quad(claim, NamedNode(RDF_NS + "predicate"), predicate, graph))
        quads.append(Quad(claim, NamedNode(RDF_NS + "object"), obj, graph))
        quads.append(Quad(claim, NamedNode(self.project.vocab + "quote"), Literal(quote.text), graph))
        quads.append(
            Quad(
                claim,
                NamedNode(self.project.vocab + "quoteLine"),
                Literal(str(quote.line), datatype=NamedNode(XSD_NS + "integer")),
                graph,
            )
        )
        quads.append(Quad(claim, NamedNode(PROV + "wasQuotedFrom"), self.result.article, graph))

    # article metadata ----------------------------------------------------------------------------

    def _add_article_metadata(self) -> None:
        article, graph, meta = self.result.article, self.result.graph, self.metadata
        self._plain(graph, NamedNode(self.project.vocab + "sourceArticle"), article)
        self._plain(article, RDF_TYPE, NamedNode(self.project.vocab + "Article"))
        self._plain(article, NamedNode(self.project.vocab + "seedFile"), Literal(self.text.path.name))
        self._plain(article, NamedNode(self.project.vocab + "sha256"), Literal(self.text.sha256))
        for lang in self.languages:
            self._plain(
                article,
                NamedNode(DCTERMS + "language"),
                NamedNode(LANGUAGE_AUTHORITY + LANGUAGES.get(lang, (lang.upper(),))[0]),
            )
        where = Location(self.metadata_path, meta.key_lines["title"], "title")
        title = self.text.locate(meta["title"], where)
        self._fact(article, NamedNode(DCTERMS + "title"), Literal(title.text, language=self.languages[0]), title)
        if "published" in meta:
            self._published(meta["published"], Location(self.metadata_path, meta.key_lines["published"], "published"))
        for key, predicate in (("publisher", "publisher"), ("author", "creator")):
            if key in meta:
                self._agent(key, meta[key], NamedNode(DCTERMS + predicate))

    def _published(self, value: Any, where: Location) -> None:
        if not isinstance(value, Map) or set(value) != {"date", "quote"}:
            raise InputError(
                where,
                'write published as {date: YYYY-MM-DD, quote: "..."}',
                "the quote is where the text gives the date",
            )
        date = _date_literal(value["date"], where)
        quote = self.text.locate(value["quote"], where)
        self._fact(self.result.article, NamedNode(DCTERMS + "issued"), date, quote)

    def _agent(self, key: str, value: Any, predicate: NamedNode) -> None:
        where = Location(self.metadata_path, self.metadata.key_lines[key], key)
        if not isinstance(value, Map) or set(value) != {"id", "quote"}:
            raise InputError(
                where,
                f'write {key} as {{id: organisation/..., quote: "..."}}',
                f"the id must be declared in {self.path.name}",
            )
        agent = self._reference(value["id"], where)
        self._fact(self.result.article, predicate, agent, self.text.locate(value["quote"], where))

    def _plain(self, subject: NamedNode, predicate: NamedNode, obj: NamedNode | Literal) -> None:
        """A structural triple about the article or its graph (not a claim of the article)."""
        self.result.quads.append(Quad(subject, predicate, obj, self.result.graph))

    def _at(self, node: Map, key: str, field_path: str) -> Location:
        return Location(self.path, node.key_lines.get(key, node.line), f"{field_path}.{key}".lstrip("."))


# helpers ---------------------------------------------------------------------------------------------


def _read_metadata(project: Project, stem: str) -> Map:
    path = project.seed_metadata(stem)
    if not path.is_file():
        raise InputError(
            Location(path),
            "the article has no metadata file",
            f"create {path.name} with slug, title and languages (see seeds/ for examples)",
        )
    meta = load_yaml(path)
    if not isinstance(meta, Map):
        raise InputError(Location(path, 1), "metadata must be a YAML mapping", "write slug:, title:, languages: keys")
    _only_keys(meta, METADATA_KEYS, path, "")
    slug = _required(meta, "slug", path, "")
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        raise InputError(
            Location(path, meta.key_lines["slug"], "slug"),
            f"'{slug}' is not a valid slug",
            "use lowercase letters, digits and '-'",
            code=Code.INVALID_VALUE,
            value=slug,
        )
    _required(meta, "title", path, "")
    languages = _required(meta, "languages", path, "")
    if (
        not isinstance(languages, Seq)
        or not languages
        or not all(isinstance(lang, str) and LANG_PATTERN.match(lang) for lang in languages)
    ):
        raise InputError(
            Location(path, meta.key_lines["languages"], "languages"),
            "languages must be a non-empty list of language codes",
            "e.g. [en, nl]",
        )
    return meta


def undeclared_entity(where: Location, entity_id: str) -> InputError:
    """An entry with only `id:` for an entity that no other mapping declares."""
    return InputError(
        where,
        "the field 'type' is missing",
        f"no other mapping declares '{entity_id}': give its type:, label: and quote: here, or use the id of an "
        "entity another mapping declares",
        code=Code.MISSING_FIELD,
    )


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _only_keys(node: Map, allowed: set[str], path: Path, field_path: str) -> None:
    for key in node:
        if key not in allowed:
            close = [k for k in allowed if k.startswith(key[:3])]
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise InputError(
                Location(path, node.key_lines[key], f"{field_path}.{key}".lstrip(".")),
                f"unknown field '{key}'",
                hint + "allowed here: " + ", ".join(sorted(allowed)),
                code=Code.UNKNOWN_FIELD,
            )


def _required(node: Map, key: str, path: Path, field_path: str) -> Any:
    if key not in node or node[key] is None:
        raise InputError(
            Location(path, node.line, f"{field_path}.{key}".lstrip(".")),
            f"the field '{key}' is missing",
            f"add '{key}:'",
            code=Code.MISSING_FIELD,
        )
    return node[key]


def _claim_hash(graph: NamedNode, subject: NamedNode, predicate: NamedNode, obj: object) -> str:
    return hashlib.sha256(f"{graph} {subject} {predicate} {obj}".encode()).hexdigest()[:16]


def _typed_literal(prop: Property, value: Any, where: Location) -> NamedNode | Literal:
    kind = prop.range
    if kind == XSD.decimal:
        return Literal(_decimal(value, where), datatype=NamedNode(XSD_NS + "decimal"))
    if kind in INTEGER_RANGES:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(
                where,
                f"{value!r} is not a whole number",
                "write the count in digits, e.g. 13",
                code=Code.INVALID_VALUE,
                value=value,
            )
        return Literal(str(value), datatype=NamedNode(str(kind)))
    if kind == XSD.anyURI:
        if not isinstance(value, str) or not WEB_ADDRESS.match(value):
            raise InputError(
                where,
                f"{value!r} is not a web address",
                "write it as https://...",
                code=Code.INVALID_VALUE,
                value=value,
            )
        return NamedNode(value)
    if kind == XSD.string:
        if not isinstance(value, str):
            raise InputError(where, f"{value!r} is not text", "quote the value", code=Code.INVALID_VALUE, value=value)
        return Literal(value)
    return _date_literal(value, where)


def _decimal(value: Any, where: Location) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(
            where,
            f"{value!r} is not a number",
            "write the amount in digits, e.g. 8710000",
            code=Code.INVALID_VALUE,
            value=value,
        )
    try:
        number = Decimal(str(value).replace("_", ""))
    except InvalidOperation:
        raise InputError(
            where,
            f"'{value}' is not a number",
            "write the amount in digits without currency or words, e.g. 8710000",
            code=Code.INVALID_VALUE,
            value=value,
        ) from None
    if not number.is_finite():
        raise InputError(
            where,
            f"'{value}' is not a finite number",
            "write the amount in digits",
            code=Code.INVALID_VALUE,
            value=value,
        )
    return format(number.normalize(), "f")


def _date_literal(value: Any, where: Location) -> Literal:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=NamedNode(XSD_NS + "date"))
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return Literal(str(value), datatype=NamedNode(XSD_NS + "gYear"))
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}", value):
            return Literal(value, datatype=NamedNode(XSD_NS + "gYear"))
        if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            return Literal(value, datatype=NamedNode(XSD_NS + "gYearMonth"))
        if _month_day(value):
            return Literal(value, datatype=NamedNode(XSD_NS + "gMonthDay"))
        try:
            return Literal(dt.date.fromisoformat(value).isoformat(), datatype=NamedNode(XSD_NS + "date"))
        except ValueError:
            pass
    raise InputError(
        where,
        f"{value!r} is not a date",
        'write YYYY-MM-DD (e.g. 2023-12-19), "YYYY-MM", YYYY, or "--MM-DD" when the text gives '
        "no year, and check the day exists",
        code=Code.INVALID_VALUE,
        value=value,
    )


def _month_day(value: str) -> bool:
    """An xsd:gMonthDay such as --10-09 (a day the text gives without a year), checked against a leap year."""
    if not re.fullmatch(r"--\d{2}-\d{2}", value):
        return False
    try:
        dt.date(2000, int(value[2:4]), int(value[5:7]))
    except ValueError:
        return False
    return True
