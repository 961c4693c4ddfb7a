"""An article's facts written by hand in RDF (Turtle or JSON-LD), normalised to what the build publishes.

A contributor writes the facts in the published vocabulary and, for each fact, an `eco:Claim` (a blank node or
any IRI) with `rdf:subject`, `rdf:predicate`, `rdf:object`, `eco:quote` and `prov:wasQuotedFrom` the article. The
normaliser finds the article's text by the article's IRI (seeds/<stem>.yaml gives its slug), locates each quote in
it, and states every claimed fact through the mapping engine: the claim gets the build's IRI (a hash of graph and
triple) and its `eco:quoteLine`, and the article's metadata is added from seeds/<stem>.yaml — the same graph a
YAML mapping of the same facts gives. `mappings/<stem>.ttl` or `mappings/<stem>.jsonld` is such a contribution for
the article seeds/<stem>.txt, built like a YAML mapping.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from ..errors import Code, InputError, Location
from ..findings import Finding
from ..namespaces import DCTERMS, PROV, SKOS, Compactor, dump_prefixes
from ..namespaces import RDF as RDF_NS
from ..namespaces import XSD as XSD_NS
from ..ontology import Vocabulary
from ..project import Project
from ..shapefacts import shape_facts
from ..userfile import parser_message
from ..yamlfile import Map, load_yaml
from .mapping import ArticleGraph, MappingEngine, Policy, map_article, mapping_problems, open_seed

RDF_MAPPING_FORMATS = {".ttl": RdfFormat.TURTLE, ".jsonld": RdfFormat.JSON_LD}
RDF_TYPE = NamedNode(RDF_NS + "type")
RDF_SUBJECT = NamedNode(RDF_NS + "subject")
RDF_PREDICATE = NamedNode(RDF_NS + "predicate")
RDF_OBJECT = NamedNode(RDF_NS + "object")
QUOTED_FROM = NamedNode(PROV + "wasQuotedFrom")
NUMBER_TYPES = {XSD_NS + t for t in ("integer", "decimal", "double", "float", "nonNegativeInteger", "int", "long")}
ARTICLE_FILE_FACTS = ("seedFile", "sha256")  # what the build states about the article's file, not a claim

Term = NamedNode | BlankNode | Literal
Fact = tuple[NamedNode, NamedNode, Term]


@dataclass
class HandClaim:
    """One claim as the contributor wrote it: the fact it names, its quote and its article (None when absent)."""

    node: NamedNode | BlankNode
    fact: Fact | None
    quote: str | None
    article: NamedNode | None


@dataclass
class Statements:
    """A hand-written contribution split into facts and claims, with the line each subject is first written on."""

    path: Path
    facts: list[Fact] = field(default_factory=list)
    claims: list[HandClaim] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    blank_subjects: list[BlankNode] = field(default_factory=list)

    def at(self, node: object, field_name: str = "") -> Location:
        return Location(self.path, self.lines.get(str(node.value) if hasattr(node, "value") else ""), field_name)


def split(path: Path, triples: Iterable[Triple], text: str, vocab: str) -> Statements:
    """The facts and claims of the triples (of the file `path`, whose text locates the subjects)."""
    triples = list(triples)
    claim_class = NamedNode(vocab + "Claim")
    claim_nodes = dict.fromkeys(  # in the order of the file: blank node labels differ from parse to parse
        t.subject
        for t in triples
        if t.predicate == RDF_SUBJECT or (t.predicate == RDF_TYPE and t.object == claim_class)
    )
    by_claim: dict[object, dict[NamedNode, list[Term]]] = defaultdict(lambda: defaultdict(list))
    statements = Statements(path)
    for t in triples:
        if isinstance(t.object, Triple):
            continue  # RDF-star quoted triples are no part of the vocabulary
        if t.subject in claim_nodes:
            by_claim[t.subject][t.predicate].append(t.object)
        elif isinstance(t.subject, BlankNode):
            statements.blank_subjects.append(t.subject)
        elif not _file_fact(t, vocab) and isinstance(t.subject, NamedNode):
            statements.facts.append((t.subject, t.predicate, t.object))
    for node in claim_nodes:
        statements.claims.append(_hand_claim(node, by_claim[node], vocab))
    statements.lines = subject_lines(text, {str(s.value) for s, _, _ in statements.facts})
    return statements


def _file_fact(t: Triple, vocab: str) -> bool:
    """A triple the build itself states about the article's file or the named graph (never claimed)."""
    predicate = t.predicate.value
    return (
        predicate == vocab + "sourceArticle"
        or any(predicate == vocab + name for name in ARTICLE_FILE_FACTS)
        or (predicate == DCTERMS + "language" and "/id/article/" in str(t.subject))
        or (t.predicate == RDF_TYPE and t.object == NamedNode(vocab + "Article"))
    )


def _hand_claim(node: object, values: dict[NamedNode, list[Term]], vocab: str) -> HandClaim:
    def one(predicate: NamedNode) -> Term | None:
        found = values.get(predicate, [])
        return found[0] if len(found) == 1 else None

    subject, predicate, obj = one(RDF_SUBJECT), one(RDF_PREDICATE), one(RDF_OBJECT)
    fact: Fact | None = None
    if isinstance(subject, NamedNode) and isinstance(predicate, NamedNode) and obj is not None:
        fact = (subject, predicate, obj)
    quote = one(NamedNode(vocab + "quote"))
    article = one(QUOTED_FROM)
    assert isinstance(node, NamedNode | BlankNode)
    return HandClaim(
        node,
        fact,
        quote.value if isinstance(quote, Literal) else None,
        article if isinstance(article, NamedNode) else None,
    )


# where a subject is written -------------------------------------------------------------------------------

_WRITTEN_NAME = re.compile(r"<(?P<iri>[^<>\s]*)>|\"(?P<quoted>[^\"\s]+)\"|:(?P<local>[\w.%-]+)")
_SUBJECT_POSITION = re.compile(r"^\s*(?:<[^<>\s]*>|[\w-]*:[\w.%-]+)|\"@id\"\s*:\s*\"[^\"]*\"")


def subject_lines(text: str, subjects: set[str]) -> dict[str, int]:
    """The line where each subject IRI is written as a subject (first on its line in Turtle, the value of "@id"
    in JSON-LD), else first written at all: in full (in <> or quotes), or by its last segment as a prefixed or
    compact name."""
    lines = text.splitlines()
    found = _first_lines([m.group() for m in _SUBJECT_POSITION.finditer(line)] for line in lines)
    anywhere = _first_lines([m.group() for m in _WRITTEN_NAME.finditer(line)] for line in lines)
    return {s: line for s in subjects if (line := _line_of(s, found) or _line_of(s, anywhere))}


def _first_lines(pieces_by_line: Iterable[list[str]]) -> dict[str, int]:
    """Each IRI or local name written in the pieces, and the first line it is written on."""
    first: dict[str, int] = {}
    for number, pieces in enumerate(pieces_by_line, start=1):
        for piece in pieces:
            for match in _WRITTEN_NAME.finditer(piece):
                name = match.group("iri") or match.group("quoted") or match.group("local").rstrip(".")
                first.setdefault(name, number)
                if ":" in name and "://" not in name:  # a compact IRI in JSON-LD, "organisation:acme"
                    first.setdefault(name.split(":", 1)[1], number)
    return first


def _line_of(subject: str, first: dict[str, int]) -> int | None:
    return first.get(subject) or first.get(re.split(r"[/#]", subject)[-1])


# the seed an article IRI names ----------------------------------------------------------------------------


def article_stems(project: Project) -> dict[str, str]:
    """Each article IRI the seeds describe (seeds/<stem>.yaml, `slug:`) and its stem."""
    stems: dict[str, str] = {}
    for path in sorted(project.seeds_dir.glob("*.yaml")):
        try:
            meta = load_yaml(path)
        except InputError:
            continue  # mapping that article names the problem
        slug = meta.get("slug") if isinstance(meta, Map) else None
        if isinstance(slug, str) and project.seed_text(path.stem).is_file():
            stems.setdefault(project.article_iri(slug), path.stem)
    return stems


# the engine -----------------------------------------------------------------------------------------------


class RdfMapping(MappingEngine):
    """The mapping engine fed with hand-written facts and claims instead of a YAML mapping's entities."""

    def state(self, statements: Statements) -> ArticleGraph:
        """State every claim of this article whose fact the contribution states, then the article's metadata."""
        for subject, _, _ in statements.facts:
            entity_id = self._entity_id(subject)
            if entity_id:
                self.declared.setdefault(entity_id, subject)
                self.result.entity_lines.setdefault(entity_id, statements.lines.get(subject.value, 0) or 1)
        stated = set(statements.facts)
        for claim in statements.claims:
            if claim.article == self.result.article and claim.fact in stated:
                assert claim.fact is not None
                self._guarded(str(claim.fact[0].value), self._claim, claim, statements)
        self._guarded("", self._add_article_metadata)
        return self.result

    def _entity_id(self, subject: NamedNode) -> str | None:
        prefix = self.project.entity_iri("")
        return subject.value[len(prefix) :] if subject.value.startswith(prefix) else None

    def _claim(self, claim: HandClaim, statements: Statements) -> None:
        assert claim.fact is not None
        subject, predicate, obj = claim.fact
        quote = self.text.locate(claim.quote, statements.at(subject, _curie(self, predicate)))
        obj = normal_value(self.vocabulary, predicate, obj)
        assert not isinstance(obj, BlankNode)
        self._fact(subject, predicate, obj, quote)
        if predicate == RDF_TYPE and isinstance(obj, NamedNode) and obj.value in self.schemes:
            self._fact(subject, NamedNode(SKOS + "inScheme"), NamedNode(self.schemes[obj.value]), quote)


def _curie(engine: MappingEngine, term: Term) -> str:
    """A term as the contributor would write it: a CURIE of the published prefixes, or a literal's text."""
    if not isinstance(term, NamedNode):
        return term.value if len(term.value) <= 60 else term.value[:59] + "…"
    prefixes = dump_prefixes(engine.project.base, shape_facts(engine.project).kinds)
    return Compactor(prefixes).iri(term.value)


def normal_value(vocabulary: Vocabulary, predicate: NamedNode, obj: Term) -> Term:
    """A number written for a decimal property (Turtle writes 2000000 as an xsd:integer) as the build writes it."""
    if _range(vocabulary, predicate) != XSD_NS + "decimal" or not isinstance(obj, Literal):
        return obj
    if obj.datatype.value not in NUMBER_TYPES:
        return obj
    try:
        number = Decimal(obj.value)
    except InvalidOperation:
        return obj
    if not number.is_finite():
        return obj
    return Literal(format(number.normalize(), "f"), datatype=NamedNode(XSD_NS + "decimal"))


# what the build requires of a hand-written article ---------------------------------------------------------


def completeness_problems(statements: Statements, engine: MappingEngine) -> list[InputError]:
    """Every fact claimed, every claim complete and about this article, every entity an IRI."""
    problems: list[InputError] = []
    article = engine.result.article
    claimed = {c.fact for c in statements.claims if c.fact is not None}
    for s, p, o in statements.facts:
        if (s, p, o) not in claimed and not (s == article and p.value.startswith(DCTERMS)):
            problems.append(
                InputError(
                    statements.at(s, _curie(engine, p)),
                    f"the fact {_curie(engine, p)} {_curie(engine, o)} has no claim (quote and source article)",
                    "add a claim: [] a eco:Claim ; rdf:subject …; rdf:predicate …; rdf:object …; "
                    f'eco:quote "the article\'s words" ; prov:wasQuotedFrom <{article.value}>',
                    code=Code.MISSING_QUOTE,
                )
            )
    stated = set(statements.facts)
    for claim in statements.claims:
        problems.extend(_claim_problems(claim, statements, engine, stated))
    problems.extend(_term_problems(statements, engine))
    for node in dict.fromkeys(statements.blank_subjects):
        problems.append(
            InputError(
                Location(statements.path, None, str(node)),
                "an entity is a blank node",
                "give every entity an IRI <base>id/<kind>/<slug>, e.g. organisation:acme",
                code=Code.INVALID_ID,
            )
        )
    return problems


def _claim_problems(
    claim: HandClaim, statements: Statements, engine: MappingEngine, stated: set[Fact]
) -> list[InputError]:
    subject = claim.fact[0] if claim.fact else None
    where = statements.at(subject, "claim") if subject else Location(statements.path, None, "claim")
    article = engine.result.article.value
    if claim.fact is None:
        return [_claim_error(where, "a claim lacks rdf:subject, rdf:predicate or rdf:object (one of each)")]
    if claim.quote is None:
        return [_claim_error(where, "a claim has no eco:quote (one text)", "add eco:quote with the article's words")]
    if claim.article is None or claim.article.value != article:
        return [
            _claim_error(
                where,
                f"a claim is quoted from {claim.article.value if claim.article else 'no article'}, "
                f"not from this file's article {article}",
                f"write prov:wasQuotedFrom <{article}> (one file per article: {statements.path.name} is the "
                f"facts of seeds/{engine.result.stem}.txt)",
            )
        ]
    if claim.fact not in stated:
        return [
            _claim_error(
                where,
                "a claim names a fact the file does not state: "
                f"{_curie(engine, claim.fact[1])} {_curie(engine, claim.fact[2])}",
                "state the fact itself too, or delete the claim",
            )
        ]
    return []


def _term_problems(statements: Statements, engine: MappingEngine) -> list[InputError]:
    """Properties and classes in the ontology's namespace that it does not define, and amounts that are not
    numbers (as a YAML mapping is checked)."""
    vocab, vocabulary = engine.project.vocab, engine.vocabulary
    problems = []
    for s, p, o in statements.facts:
        where = statements.at(s, _curie(engine, p))
        if _not_a_number(vocabulary, p, o):
            problems.append(
                InputError(
                    where,
                    f"'{o.value}' is not a number",
                    "write the amount in digits without currency or words, e.g. eco:amount 8710000",
                    code=Code.INVALID_VALUE,
                    value=o.value,
                )
            )
        if p.value.startswith(vocab) and p.value not in _property_iris(vocabulary):
            try:
                vocabulary.property_named(p.value[len(vocab) :], where)
            except InputError as error:
                problems.append(error)
        if p == RDF_TYPE and isinstance(o, NamedNode) and o.value.startswith(vocab):
            try:
                vocabulary.class_named(o.value[len(vocab) :], where)
            except InputError as error:
                problems.append(error)
    return problems


def _not_a_number(vocabulary: Vocabulary, predicate: NamedNode, obj: Term) -> bool:
    if not isinstance(obj, Literal) or _range(vocabulary, predicate) != XSD_NS + "decimal":
        return False
    try:
        return not Decimal(obj.value).is_finite()
    except InvalidOperation:
        return True


def _range(vocabulary: Vocabulary, predicate: NamedNode) -> str | None:
    prop = next((p for p in vocabulary.properties.values() if str(p.iri) == predicate.value), None)
    return str(prop.range) if prop is not None else None


def _property_iris(vocabulary: Vocabulary) -> set[str]:
    return {str(p.iri) for p in vocabulary.properties.values()}


def _claim_error(where: Location, problem: str, hint: str = "write one of each") -> InputError:
    return InputError(where, problem, hint, code=Code.MISSING_QUOTE)


# mappings/<stem>.ttl and .jsonld in the build -----------------------------------------------------------------


def read_statements(project: Project, path: Path) -> Statements:
    """Parse one hand-written article file; InputError with the line of a syntax error."""
    fmt = RDF_MAPPING_FORMATS[path.suffix.lower()]
    try:
        raw = path.read_bytes()
        triples = [q.triple for q in parse(raw, format=fmt, base_iri=project.base)]
        text = raw.decode("utf-8")
    except SyntaxError as error:
        problem = parser_message(re.sub(r" \(line \d+\)$", "", str(error)))
        raise InputError(
            Location(path, error.lineno), f"{fmt.name} syntax error: {problem}", "fix the syntax at that line"
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(Location(path), f"cannot read the file: {error}", "save it as UTF-8 text") from error
    return split(path, triples, text, project.vocab)


def _engine(project: Project, vocabulary: Vocabulary, path: Path, policy: Policy) -> tuple[RdfMapping, Statements]:
    text, metadata = open_seed(project, path.stem, Location(path, 1))
    statements = read_statements(project, path)
    return RdfMapping(project, vocabulary, path, text, metadata, policy), statements


def map_rdf_article(project: Project, vocabulary: Vocabulary, path: Path) -> ArticleGraph:
    """The article graph of mappings/<stem>.ttl (or .jsonld); InputError on its first problem."""
    engine, statements = _engine(project, vocabulary, path, Policy.STOP)
    for problem in completeness_problems(statements, engine):
        raise problem
    return engine.state(statements)


def rdf_mapping_problems(project: Project, vocabulary: Vocabulary, path: Path) -> list[Finding]:
    """Every problem of mappings/<stem>.ttl (or .jsonld), in the order of the file."""
    try:
        engine, statements = _engine(project, vocabulary, path, Policy.COLLECT)
    except InputError as error:
        return [Finding.from_error(error)]
    found = [Finding.from_error(problem) for problem in completeness_problems(statements, engine)]
    engine.state(statements)
    return found + engine.findings


def map_file(project: Project, vocabulary: Vocabulary, path: Path) -> ArticleGraph:
    """One article file of mappings/, YAML or hand-written RDF."""
    if path.suffix.lower() in RDF_MAPPING_FORMATS:
        return map_rdf_article(project, vocabulary, path)
    return map_article(project, vocabulary, path)


def file_problems(project: Project, vocabulary: Vocabulary, path: Path) -> list[Finding]:
    """Every problem of one article file of mappings/, YAML or hand-written RDF."""
    if path.suffix.lower() in RDF_MAPPING_FORMATS:
        return rdf_mapping_problems(project, vocabulary, path)
    return mapping_problems(project, vocabulary, path)
