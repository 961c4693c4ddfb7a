"""Reading a contribution: RDF files (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) or article mappings.

Unreadable input (a syntax error, an empty, binary, non-UTF-8 or oversized file) raises `UnreadableInput`, which
names the file, line and column. A mapping whose YAML reads but whose content is wrong does not raise: each
problem becomes a `Finding` with the file and line of the entry, and the rest of the mapping is still checked.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.parsers import expat

from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode, RdfFormat, parse
from rdflib import RDFS, Graph, URIRef
from rdflib.term import Node

from ..build.mapping import MappingEngine, Policy, open_article, open_seed
from ..build.names import read_names
from ..build.rdfmapping import RdfMapping, Statements, article_stems, normal_value, split, subject_lines
from ..errors import Code, InputError, Location
from ..findings import Check, Finding, Severity
from ..namespaces import RDF
from ..ontology import ALT_LABEL, LABEL, Vocabulary
from ..project import Project
from ..text import ArticleText
from ..userfile import excerpt, parser_message, read_user_file
from ..yamlfile import Map, Seq, load_yaml
from .duplicates import normalise
from .projectentities import ProjectEntities
from .published import Published

MAX_BYTES = 10_000_000
MAX_TRIPLES = 20_000
MAX_XML_DEPTH = 128
RDF_FORMATS = {
    ".ttl": RdfFormat.TURTLE,
    ".turtle": RdfFormat.TURTLE,
    ".trig": RdfFormat.TRIG,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".jsonld": RdfFormat.JSON_LD,
    ".json": RdfFormat.JSON_LD,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
}
MAPPING_SUFFIXES = (".yaml", ".yml")
ACCEPTED = ", ".join(sorted({*RDF_FORMATS, *MAPPING_SUFFIXES}))

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class UnreadableInput(InputError):
    """A contribution file cannot be read at all (exit code 2): says where and what to do."""

    def __init__(self, location: Location, problem: str, hint: str = "", column: int | None = None) -> None:
        self.column = column
        super().__init__(location, problem, hint)

    def __str__(self) -> str:
        where = str(self.location)
        if self.column and self.location.line:
            where += f":{self.column}"
        return f"{where}: {self.problem}" + (f"\n  hint: {self.hint}" if self.hint else "")


@dataclass
class Contribution:
    """The triples of a contribution, where each entity is written, and what reading it already found wrong."""

    project: ProjectEntities  # the entities the project's other mappings declare
    graph: Graph = field(default_factory=Graph)
    files: list[Path] = field(default_factory=list)
    locations: dict[str, Location] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    texts: dict[str, ArticleText] = field(default_factory=dict)  # article IRI -> its seed text
    hand_written: list[Statements] = field(default_factory=list)  # the facts and claims of each RDF file
    normalised: Graph | None = None  # the RDF files' triples as the build would publish them (None: no RDF file)


def read_contribution(
    paths: list[Path], project: Project, vocabulary: Vocabulary, published: Published
) -> Contribution:
    """Read every file into one contribution; raise UnreadableInput for a file that cannot be read."""
    if not paths:
        raise UnreadableInput(
            Location("."), "no file to validate", "give one or more files, e.g. ecograph validate mappings/005_new.yaml"
        )
    contribution = Contribution(project=ProjectEntities(project, vocabulary, paths))
    for path in paths:
        contribution.files.append(path)
        if str(path) == "-":
            raise UnreadableInput(
                Location(path),
                "reading a contribution from standard input is not supported",
                f"save it to a file with one of these endings and give its path: {ACCEPTED}",
            )
        if path.is_dir():
            raise UnreadableInput(
                Location(path), "this is a folder", f"give the contribution's files, e.g. {path}/*.yaml or {path}/*.ttl"
            )
        suffix = path.suffix.lower()
        if suffix in MAPPING_SUFFIXES and path.resolve() == project.names_file.resolve():
            _read_names(project, published, contribution)
        elif suffix in MAPPING_SUFFIXES:
            _read_mapping(path, project, vocabulary, published, contribution)
        elif suffix in RDF_FORMATS:
            _read_rdf(path, RDF_FORMATS[suffix], contribution, project)
        else:
            raise UnreadableInput(
                Location(path),
                f"cannot tell the format of '{path.name}' from its name",
                f"name the file with one of these endings: {ACCEPTED}",
            )
    if contribution.hand_written:
        _normalise(contribution, project, vocabulary)
    return contribution


# RDF files ------------------------------------------------------------------------------------------------


def _checked_text(path: Path) -> bytes:
    """The file's bytes if it is a regular, non-empty UTF-8 text file of acceptable size."""
    raw = read_user_file(
        path,
        MAX_BYTES,
        kind="a contribution",
        too_large="a contribution holds one article's facts: split it per article",
    )
    if not raw.strip():
        raise UnreadableInput(Location(path), "the file is empty", "put the contribution's triples in it")
    if b"\x00" in raw[:65536]:
        raise UnreadableInput(
            Location(path), "this is a binary file, not RDF text", f"give a text file in one of: {ACCEPTED}"
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise UnreadableInput(
            Location(path, line),
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x})",
            "save it as UTF-8",
            column,
        ) from error
    return raw


def _read_rdf(path: Path, fmt: RdfFormat, contribution: Contribution, project: Project) -> None:
    raw = _checked_text(path)
    if fmt == RdfFormat.RDF_XML:
        _check_xml(path, raw)
    triples = []
    try:
        for count, quad in enumerate(parse(raw, format=fmt, base_iri=path.absolute().as_uri()), start=1):
            if count > MAX_TRIPLES:
                raise UnreadableInput(
                    Location(path),
                    f"the file holds more than {MAX_TRIPLES:,} triples; a contribution is one article's facts",
                    "split it into one file per article",
                )
            triples.append(quad)
    except SyntaxError as error:
        problem = parser_message(_PARSER_LINE_SUFFIX.sub("", str(error)))
        raise UnreadableInput(
            Location(path, error.lineno), f"{fmt.name} syntax error: {problem}", _syntax_hint(problem), error.offset
        ) from error
    _add(contribution.graph, triples)
    _locate_subjects(path, raw.decode("utf-8"), contribution)
    contribution.hand_written.append(split(path, [q.triple for q in triples], raw.decode("utf-8"), project.vocab))


def _normalise(contribution: Contribution, project: Project, vocabulary: Vocabulary) -> None:
    """The hand-written claims of every article whose text seeds/ holds, as the build writes them (claim IRIs,
    quote lines, the article's metadata). The contributor's own claims are checked in their written form by the
    provenance check; here only the problems of the article's metadata (in seeds/) are added."""
    stems = article_stems(project)
    normalised = Graph()
    for triple in contribution.graph:
        normalised.add(triple)
    for statements in contribution.hand_written:
        for s, p, o in statements.facts:
            if (value := normal_value(vocabulary, p, o)) != o:
                normalised.remove((to_rdflib_term(s), to_rdflib_term(p), to_rdflib_term(o)))
                normalised.add((to_rdflib_term(s), to_rdflib_term(p), to_rdflib_term(value)))
        for article in dict.fromkeys(c.article.value for c in statements.claims if c.article):
            if article in stems:  # else its quotes cannot be checked (validate says so): the claims stay as written
                _normal_claims(contribution, normalised, statements, article, (project, vocabulary, stems[article]))
    contribution.normalised = normalised


def _normal_claims(
    contribution: Contribution,
    normalised: Graph,
    statements: Statements,
    article: str,
    where: tuple[Project, Vocabulary, str],
) -> None:
    """Replace the written claims from `article` with the build's (the mapping engine's) claims."""
    project, vocabulary, stem = where
    try:
        text, metadata = open_seed(project, stem, Location(statements.path))
    except InputError as error:
        contribution.findings.append(Finding.from_error(error))
        return
    for claim in statements.claims:
        if claim.article and claim.article.value == article:
            normalised.remove((to_rdflib_term(claim.node), None, None))
    engine = RdfMapping(project, vocabulary, statements.path, text, metadata, Policy.COLLECT)
    _add(normalised, engine.state(statements).quads)
    contribution.texts[article] = text
    contribution.findings.extend(f for f in engine.findings if _in_seeds(f, statements))


def _in_seeds(finding: Finding, statements: Statements) -> bool:
    return finding.location is not None and finding.location.path != statements.path


def _check_xml(path: Path, raw: bytes) -> None:
    """Refuse RDF/XML that the RDF/XML parser would spend gigabytes or minutes on: entities declared in a DOCTYPE,
    which it expands (a 1 KB file of nested entities, "billion laughs", expands to gigabytes), and elements nested
    deeper than MAX_XML_DEPTH (its time grows with the square of the depth). Expat reads the document once, stops
    at the first problem, and never loads an external DTD."""
    parser = expat.ParserCreate()
    depth = 0

    def here() -> tuple[Location, int]:
        return Location(path, parser.CurrentLineNumber), parser.CurrentColumnNumber + 1

    def declared(name: str, *_: object) -> None:
        where, column = here()
        raise UnreadableInput(
            where,
            f"the DOCTYPE declares the entity '{excerpt(name)}': XML entities are not "
            "accepted (expanding them can take gigabytes)",
            "write the IRIs and texts in full instead of &name; references, and delete the <!DOCTYPE ...> declaration",
            column,
        )

    def opened(*_: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            where, column = here()
            raise UnreadableInput(
                where,
                f"the XML elements are nested more than {MAX_XML_DEPTH} deep",
                "describe nested resources side by side and link them by IRI",
                column,
            )

    def closed(*_: object) -> None:
        nonlocal depth
        depth -= 1

    parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = declared
    parser.StartElementHandler, parser.EndElementHandler = opened, closed
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as error:
        raise UnreadableInput(
            Location(path, error.lineno),
            f"RDF/XML syntax error: {expat.ErrorString(error.code)}",
            "fix the XML at that line and column",
            error.offset + 1,
        ) from None


def _syntax_hint(problem: str) -> str:
    if "IRI" in problem:
        return "an IRI may not contain spaces or <>\"{}|^`\\: write %20 for a space, or use a slug with '-'"
    if "end of file" in problem:
        return "a statement is not finished: check for a missing '.', quote or bracket"
    if "context" in problem.lower():
        return "put the JSON-LD @context in the file itself (see dist/context.jsonld)"
    return "fix the syntax at that line and column"


def _add(graph: Graph, quads: list[Any]) -> None:
    for quad in quads:
        graph.add((to_rdflib_term(quad.subject), to_rdflib_term(quad.predicate), to_rdflib_term(quad.object)))


def to_rdflib_term(term: Any) -> Node:
    """A pyoxigraph term as rdflib's; xsd:string literals become plain literals, which rdflib (unlike RDF 1.1)
    does not consider equal, so that they match the plain strings in the shapes' sh:in lists."""
    from rdflib import BNode
    from rdflib import Literal as RdfLiteral

    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, OxLiteral):
        if term.language:
            return RdfLiteral(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return RdfLiteral(term.value)
        return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))
    return BNode(term.value)


def _locate_subjects(path: Path, text: str, contribution: Contribution) -> None:
    """Where each subject is written as a subject (see `subject_lines`)."""
    unplaced = {str(s) for s in contribution.graph.subjects() if isinstance(s, URIRef)} - contribution.locations.keys()
    for subject, line in subject_lines(text, unplaced).items():
        contribution.locations[subject] = Location(path, line)


_PARSER_LINE_SUFFIX = re.compile(r" \(line \d+\)$")


# mappings -------------------------------------------------------------------------------------------------


def _read_mapping(
    path: Path, project: Project, vocabulary: Vocabulary, published: Published, contribution: Contribution
) -> None:
    _checked_text(path)
    document = load_yaml(path)
    if not isinstance(document, Map):
        raise UnreadableInput(
            Location(path, 1),
            "a mapping is a YAML mapping with 'article' and 'entities'",
            "see mappings/ for an example, or run `ecograph new ARTICLE.txt`",
        )
    todo = document.pop("todo", None)
    found = contribution.findings
    try:
        text, metadata, entities = open_article(project, path, document)
    except InputError as error:
        found.append(Finding.from_error(error))
        found.extend(_todo_findings(path, todo))
        return
    known = _known(project, published, contribution)
    engine = MappingEngine(project, vocabulary, path, text, metadata, Policy.COLLECT, known)
    result = engine.run(entities)
    found.extend(_explained(finding, project, published, engine) for finding in engine.findings)
    found.extend(_todo_findings(path, todo))
    contribution.texts[result.article.value] = text
    _add(contribution.graph, result.quads)
    for entity_id, line in [*result.entity_lines.items(), *result.borrowed.items()]:
        contribution.locations.setdefault(project.entity_iri(entity_id), Location(path, line))
    contribution.locations.setdefault(result.article.value, Location(project.seed_metadata(text.path.stem)))


def _known(project: Project, published: Published, contribution: Contribution) -> Callable[[str], bool]:
    """Whether an id is published or declared by another mapping of the project (mapped only when needed)."""

    def known(entity_id: str) -> bool:
        return published.knows(project.entity_iri(entity_id)) or contribution.project.declares(entity_id)

    return known


def _read_names(project: Project, published: Published, contribution: Contribution) -> None:
    """The curated names file: every problem of it, with file, line and field."""
    _checked_text(project.names_file)
    names = read_names(project, _known(project, published, contribution), collect=True)
    contribution.findings.extend(names.findings)


def _explained(finding: Finding, project: Project, published: Published, engine: MappingEngine) -> Finding:
    """A mapping finding with the property's IRI as its path, and a reference's hint pointing at what is known."""
    prop = engine.vocabulary.properties.get(finding.path or "")
    if prop is not None:
        finding = replace(finding, path=str(prop.iri))
    if finding.code is Code.UNDEFINED_REFERENCE and finding.value:
        finding = replace(finding, hint=_undeclared_hint(finding.value, project, published, engine.declared))
    if finding.code is Code.INVALID_VALUE and prop is not None and prop.is_object and isinstance(finding.value, str):
        named = _ids_named(finding.value, prop.range, project, published, engine)
        if named:
            finding = replace(
                finding,
                hint=f"'{finding.value}' is a name; write the id of what it names: {' or '.join(named)}",
            )
    return finding


def _ids_named(
    name: str, kind: URIRef | None, project: Project, published: Published, engine: MappingEngine
) -> list[str]:
    """The ids of the entities of class `kind` (or a subclass) that have `name` as a label or alias, in this
    mapping or published (names compared as duplicate detection compares them)."""
    key = normalise(name)
    types: dict[str, set[str]] = defaultdict(set)
    names = (str(LABEL), str(ALT_LABEL))
    for quad in engine.result.quads:
        subject, obj = quad.subject, quad.object
        is_name = quad.predicate.value in names and isinstance(obj, OxLiteral) and normalise(obj.value) == key
        if is_name and isinstance(subject, NamedNode):
            types.setdefault(subject.value, set())
    for quad in engine.result.quads:
        subject, obj = quad.subject, quad.object
        if (
            isinstance(subject, NamedNode)
            and isinstance(obj, NamedNode)
            and subject.value in types
            and quad.predicate.value == RDF + "type"
        ):
            types[subject.value].add(obj.value)
    for iri, _ in published.name_index.exact.get(key) or []:
        types[iri] |= published.types(iri)
    wanted = {str(c) for c in engine.vocabulary.graph.transitive_subjects(RDFS.subClassOf, kind)} if kind else None
    prefix = f"{project.base}id/"
    return sorted(
        iri[len(prefix) :]
        for iri, classes in types.items()
        if iri.startswith(prefix) and (wanted is None or classes & wanted)
    )


def _undeclared_hint(value: str, project: Project, published: Published, declared: Iterable[str]) -> str:
    iri = project.entity_iri(value)
    if published.knows(iri):
        kinds = ", ".join(sorted(t.rsplit("#", 1)[-1] for t in published.types(iri)))
        return (
            f"it is published as \"{published.label(iri)}\" ({kinds}): add it to 'entities' with "
            f"'id: {value}', its type, label and the quote where this article mentions it"
        )
    known = [i[len(project.base) + 3 :] for i in published.entity_ids] + list(declared)
    close = difflib.get_close_matches(value, known, n=2, cutoff=0.7)
    guess = f"did you mean {' or '.join(repr(c) for c in close)}? Otherwise " if close else ""
    return guess + f"add an entity with 'id: {value}', its type, label and quote to 'entities'"


def _todo_findings(path: Path, todo: Any) -> list[Finding]:
    if todo is None:
        return []
    if not isinstance(todo, Seq):
        return [
            Finding(
                Check.TODO,
                Severity.VIOLATION,
                "",
                "'todo' must be a list of open items",
                "remove the 'todo:' section once every item is done",
                location=Location(path),
            )
        ]
    return [_todo_finding(path, item, line) for item, line in zip(todo, todo.item_lines, strict=True)]


def _todo_finding(path: Path, item: Any, line: int) -> Finding:
    where = Location(path, line, "todo")
    if not isinstance(item, Map):
        return Finding(
            Check.TODO,
            Severity.VIOLATION,
            "",
            f"open to-do item: {item}",
            "do it, then delete the item from 'todo:'",
            location=where,
        )
    what, text, quote = item.get("kind", "item"), item.get("text", ""), item.get("quote", "")
    message = f"open to-do: the article states {what} {text!r} that the mapping does not use yet"
    if what == "metadata":
        message = f"open to-do: {item.get('text', 'check the article metadata')}"
    hint = str(
        item.get("hint")
        or "add it as a fact with this quote, or decide it is not needed; then delete the item from 'todo:'"
    )
    if quote:
        hint += f' (quote: "{quote}")'
    value = str(text) if text and what != "metadata" else None
    return Finding(Check.TODO, Severity.VIOLATION, "", message, hint, value=value, location=where)
