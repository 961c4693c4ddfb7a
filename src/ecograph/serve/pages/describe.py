"""What a resource page shows: an entity's facts in both directions with the quotes that support them, an
article's named graph, and the RDF of either in any of our formats.

Every IRI is bound to the queries as a term (engine substitution), never written into the query text.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from ...namespaces import DCTERMS, DESCRIPTION_PREFIXES, OWL, RDF, RDFS, dump_prefixes
from ..endpoint import conneg
from ..endpoint.results import write_rdf_xml
from .present import literal, word
from .vocab import Vocabulary, pick_label

LABELS = f"<{RDFS}label>|<{DCTERMS}title>"
PROV_QUOTED = "http://www.w3.org/ns/prov#wasQuotedFrom"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
SKOS_NOTE = "http://www.w3.org/2004/02/skos/core#editorialNote"
PREFIXES = f"""PREFIX rdf: <{RDF}>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

OUTGOING = (
    PREFIXES
    + """SELECT ?e ?p ?o ?label ?g WHERE {
  GRAPH ?g { ?e ?p ?o }
  OPTIONAL { ?o LABELS ?label }
} LIMIT 5000"""
)

INCOMING = (
    PREFIXES
    + """SELECT ?e ?x ?p ?label ?g WHERE {
  GRAPH ?g { ?x ?p ?e }
  FILTER NOT EXISTS { ?x a ECO_CLAIM }
  FILTER(?p != rdf:subject && ?p != rdf:object)  # records about a statement (curated names, inferences)
  OPTIONAL { ?x LABELS ?label }
} LIMIT 5000"""
)

CLAIMS = (
    PREFIXES
    + """SELECT ?e ?s ?p ?o ?quote ?article ?title ?line WHERE {
  { ?c rdf:subject ?e ; rdf:predicate ?p ; rdf:object ?o . BIND(?e AS ?s) }
  UNION { ?c rdf:object ?e ; rdf:subject ?s ; rdf:predicate ?p . BIND(?e AS ?o) }
  ?c ECO_QUOTE ?quote ; prov:wasQuotedFrom ?article .
  OPTIONAL { ?c ECO_LINE ?line }
  OPTIONAL { ?article <http://purl.org/dc/terms/title> ?title }
} LIMIT 5000"""
)

POSITIONS = (
    PREFIXES
    + """SELECT ?e ?position ?title ?org ?orgLabel WHERE {
  ?position ECO_HELD_BY ?e .
  OPTIONAL { ?position ECO_JOB_TITLE ?title }
  OPTIONAL { ?position ECO_AT ?org OPTIONAL { ?org LABELS ?orgLabel } }
} LIMIT 500"""
)

QUOTED = (
    PREFIXES
    + """SELECT ?e ?s ?p ?o ?quote ?sLabel ?oLabel WHERE {
  ?c prov:wasQuotedFrom ?e ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ECO_QUOTE ?quote .
  OPTIONAL { ?s LABELS ?sLabel }
  OPTIONAL { ?o LABELS ?oLabel }
} LIMIT 5000"""
)

CURATED = (
    PREFIXES
    + """SELECT ?e ?s ?p ?o ?kind ?creator ?note WHERE {
  ?r a ECO_CURATED ; rdf:subject ?e ; rdf:predicate ?p ; rdf:object ?o .
  BIND(?e AS ?s)
  OPTIONAL { ?r ECO_KIND ?kind }
  OPTIONAL { ?r <http://purl.org/dc/terms/creator> ?creator }
  OPTIONAL { ?r <http://www.w3.org/2004/02/skos/core#editorialNote> ?note }
} LIMIT 5000"""
)

DERIVED = (
    PREFIXES
    + """SELECT ?e ?s ?p ?o ?axiom ?source ?kind ?target ?claim ?quote ?article ?title ?line WHERE {
  { ?r rdf:subject ?e ; rdf:object ?o . BIND(?e AS ?s) } UNION { ?r rdf:object ?e ; rdf:subject ?s . BIND(?e AS ?o) }
  ?r a ECO_INFERENCE ; rdf:predicate ?p ; ECO_AXIOM ?axiom .
  OPTIONAL { ?axiom OWL_SOURCE ?source ; OWL_PROPERTY ?kind ; OWL_TARGET ?target }
  OPTIONAL {
    ?r prov:wasDerivedFrom ?claim .
    OPTIONAL { ?claim ECO_QUOTE ?quote ; prov:wasQuotedFrom ?article
               OPTIONAL { ?article <http://purl.org/dc/terms/title> ?title } }
    OPTIONAL { ?claim ECO_LINE ?line }
  }
} LIMIT 5000"""
)

GRAPH = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


if TYPE_CHECKING:
    from ..engine.engine import QueryEngine
    from ..model import Limits


class SiteLike(Protocol):
    """What the pages need of a Site (serve/site.py): its base IRI, limits, engine, queries and descriptions."""

    base: str
    limits: Limits
    engine: QueryEngine

    @property
    def prefixes(self) -> dict[str, str]: ...

    async def query(self, sparql: str, *, timeout: float | None = None, bindings: Any = None) -> Any: ...

    async def describe(self, iri: str, *, page: int = 1, per_page: int = 100) -> Any: ...


# ------------------------------------------------------------------------------------------ view model --


@dataclass
class Link:
    """A node as a page shows it: its IRI, a local href when it is ours, and its label."""

    iri: str
    href: str
    label: str
    local: bool


@dataclass
class Value:
    """One value of a property: a link (IRI) or a literal's text with its language or datatype; `before` is
    text shown before the link ("CEO of " Novel-T)."""

    link: Link | None = None
    text: str = ""
    lang: str = ""
    datatype: str = ""
    before: str = ""
    raw: str = ""  # a literal's lexical form, before numbers and dates are written as words


@dataclass
class Support:
    """A quote and the article (and line) it is from; `claim` links the claim when a page shows it."""

    quote: str
    article: Link
    line: str = ""
    claim: Link | None = None


@dataclass
class Curation:
    """Why a name no article states is in the data: its kind ("translation"), who curated it, and why."""

    kind: str
    creator: str
    note: str


@dataclass
class Derivation:
    """Why the build inferred a statement: the axiom (and how it reads), and the claims it rests on."""

    axiom: Link
    reads: str
    grounds: list[Support] = field(default_factory=list)


@dataclass
class Fact:
    """Values stated by the same quotes (a name in two languages is one fact), and those quotes; `inferred`
    when the build derived it (the inferred graph) rather than an article stating it."""

    values: list[Value]
    supports: list[Support] = field(default_factory=list)
    inferred: bool = False
    curations: list[Curation] = field(default_factory=list)
    derivations: list[Derivation] = field(default_factory=list)


@dataclass
class PropertyGroup:
    predicate: Link
    facts: list[Fact]


@dataclass
class InfoRow:
    """A line of the infobox: a heading and its values; `groups` are joined by an arrow (funder → recipient)."""

    label: str
    groups: list[list[Value]]


@dataclass
class QuotedPassage:
    """A quoted passage of an article (its number on the page) and the facts it supports."""

    number: int
    quote: str
    facts: list[tuple[Link, Link, Value]]
    mark: int = 0  # the number of the marked piece that shows it (an earlier passage's when they overlap)


@dataclass
class ArticleText:
    """An article's text in pieces: (text, the number of the quoted passage it belongs to, or 0)."""

    pieces: list[tuple[str, int]]
    passages: list[QuotedPassage]
    unplaced: int = 0  # quotes not found in the text
    lang: str = ""  # the text's language, when it has one


@dataclass
class EntityView:
    iri: str
    labels: dict[str, list[str]]
    types: list[Link]
    outgoing: list[PropertyGroup]
    incoming: list[PropertyGroup]
    title: str
    graphs: list[Link] = field(default_factory=list)
    infobox: list[InfoRow] = field(default_factory=list)
    article: ArticleText | None = None
    lang: str = "en"


@dataclass
class GraphView:
    """A page of a named graph's records: an article graph's claims (with their quotes), the names graph's
    curated names (kind, who, why) or the inferred graph's inferences (axiom, claims); `kind` says which."""

    iri: str
    article: Link | None
    entities: list[Link]
    facts: list[tuple[Link, Link, Value, Fact]]
    triples: int
    page: int = 1
    pages: int = 1
    total: int = 0
    per_page: int = 100
    kind: str = "claims"


class Linker:
    """Makes links: local paths for our IRIs (so browsing stays on this server), labels from data or ontology,
    in the page's language (`lang`) where there is one."""

    def __init__(self, base: str, vocab: Vocabulary, lang: str = "en") -> None:
        self.base = base
        self.vocab = vocab
        self.lang = lang

    def href(self, iri: str) -> str:
        return "/" + iri[len(self.base) :] if iri.startswith(self.base) else iri

    def link(self, iri: str, labels: dict[str, str] | None = None) -> Link:
        label = pick_label(labels or {}, self.lang) or self.vocab.label(iri, self.lang)
        return Link(iri=iri, href=self.href(iri), label=label, local=iri.startswith(self.base))

    def value(self, term: Any, labels: dict[str, str] | None = None) -> Value:
        if isinstance(term, ox.NamedNode):
            return Value(link=self.link(term.value, labels))
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            words = literal(term.value, datatype, self.lang)
            if words is not None:
                return Value(text=words, raw=term.value)
            shown = "" if term.language or datatype.endswith(("#string", "#langString")) else datatype
            return Value(text=term.value, lang=term.language or "", datatype=self.vocab.curie(shown) if shown else "")
        return Value(text=str(term))


# ------------------------------------------------------------------------------------------- queries --


def _sparql(template: str, base: str) -> str:
    eco = f"{base}def#"
    return (
        template.replace("LABELS", LABELS)
        .replace("ECO_CLAIM", f"<{eco}Claim>")
        .replace("ECO_QUOTE", f"<{eco}quote>")
        .replace("ECO_LINE", f"<{eco}quoteLine>")
        .replace("ECO_HELD_BY", f"<{eco}heldBy>")
        .replace("ECO_JOB_TITLE", f"<{eco}jobTitle>")
        .replace("ECO_AT", f"<{eco}atOrganisation>")
        .replace("ECO_CURATED", f"<{eco}CuratedName>")
        .replace("ECO_KIND", f"<{eco}nameKind>")
        .replace("ECO_INFERENCE", f"<{eco}Inference>")
        .replace("ECO_AXIOM", f"<{eco}axiom>")
        .replace("OWL_SOURCE", f"<{OWL}annotatedSource>")
        .replace("OWL_PROPERTY", f"<{OWL}annotatedProperty>")
        .replace("OWL_TARGET", f"<{OWL}annotatedTarget>")
    )


def _key(term: Any) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


#: Facts per page of an article graph's page.
GRAPH_PAGE = 100

#: Incoming links, and claims about the entity's own facts, per page of an RDF description.
PER_PAGE = 100


async def entity_triples(site: SiteLike, iri: str, page: int = 1) -> tuple[list[ox.Triple], bool]:
    """The entity's bounded description for the RDF formats, and whether a next page exists:

    its own triples (page 1), the claims whose rdf:subject it is (the quotes behind its own facts), and its
    incoming links (claims excepted), PER_PAGE of each per page in a stable order. Popular entities have
    thousands of incoming links; later pages (`?page=2`, …) carry the rest. Empty when the IRI occurs nowhere.
    """
    description = await site.describe(iri, page=page, per_page=PER_PAGE)
    if not description.found:
        return [], False
    return description.triples, description.more


async def graph_triples(site: SiteLike, iri: str, dist: Path) -> list[ox.Triple]:
    """An article's named graph: from its dump dist/articles/<slug>.ttl (the same triples, read in this process,
    5-10x faster than through a query worker for a large article), else from the store."""
    slug = iri.removeprefix(f"{site.base}graph/")
    dump = dist / "articles" / f"{slug}.ttl"
    if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,200}", slug) and dump.is_file():
        return await asyncio.to_thread(_read_turtle, dump)
    outcome = await site.query(GRAPH, bindings={"g": ox.NamedNode(iri)})
    return [ox.Triple(s, p, o) for _g, s, p, o in outcome.rows]


def _read_turtle(path: Path) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


RECORDS = {"Claim": "claims", "CuratedName": "names", "Inference": "inferences"}

GROUNDS = (
    PREFIXES
    + """SELECT ?g ?claim ?quote ?article ?title ?line WHERE {
  GRAPH ?g { ?r prov:wasDerivedFrom ?claim }
  ?claim ECO_QUOTE ?quote ; prov:wasQuotedFrom ?article .
  OPTIONAL { ?article <http://purl.org/dc/terms/title> ?title }
  OPTIONAL { ?claim ECO_LINE ?line }
} LIMIT 100000"""
)


NAMED = (
    PREFIXES
    + """SELECT ?g ?x ?label WHERE {
  GRAPH ?g { ?r rdf:subject|rdf:object ?x }
  ?x LABELS ?label
} LIMIT 100000"""
)


@dataclass
class GraphContext:
    """What a graph's page needs from the other graphs: the quotes of the claims its inferences rest on (by
    claim IRI), and the labels of the resources its records are about (a graph of inferences holds none)."""

    grounds: dict[str, Support] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


async def graph_context(site: SiteLike, iri: str, linker: Linker) -> GraphContext:
    """The GraphContext of graph `iri`, from the whole dataset."""
    graph = {"g": ox.NamedNode(iri)}
    derived, named = await asyncio.gather(
        site.query(_sparql(GROUNDS, site.base), bindings=graph), site.query(_sparql(NAMED, site.base), bindings=graph)
    )
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for _g, node, label in named.rows:
        labels[_key(node)].setdefault(label.language or "", label.value)
    return GraphContext(_grounds(derived.rows, linker), labels)


def _grounds(rows: Iterable[tuple[Any, ...]], linker: Linker) -> dict[str, Support]:
    grounds = {}
    for _g, claim, quote, article, title, line in rows:
        titles = {title.language or "": title.value} if title is not None else {}
        grounds[claim.value] = Support(
            quote=quote.value,
            article=linker.link(article.value, titles),
            line=line.value if line is not None else "",
            claim=linker.link(claim.value),
        )
    return grounds


def graph_view(
    iri: str, triples: list[ox.Triple], linker: Linker, page: int = 1, context: GraphContext | None = None
) -> GraphView | None:
    """A named graph's page: its article, the entities it declares, and page `page` of its records (GRAPH_PAGE
    a page) with why each is there; None past the last page. `context` gives what the graph lacks: the quotes
    of the claims its inferences rest on and the labels of what it is about (graph_context)."""
    context = context or GraphContext()
    eco = f"{linker.base}def#"
    by_subject: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by_subject[_key(t.subject)][t.predicate.value].append(t.object)
    labels = {
        s: {o.language or "": o.value for p in (RDFS + "label", DCTERMS + "title") for o in props.get(p, [])}
        for s, props in by_subject.items()
    }
    for node, more in context.labels.items():
        labels[node] = {**more, **labels.get(node, {})}
    kinds = {s: _record_kind(props, eco) for s, props in by_subject.items()}
    records = {s for s, kind in kinds.items() if kind}
    axioms = {s for s, props in by_subject.items() if any(_key(o) == OWL + "Axiom" for o in props[RDF + "type"])}
    pages = max(1, -(-len(records) // GRAPH_PAGE))
    if page > pages:
        return None
    article = next((_key(o[0]) for o in [by_subject[iri].get(eco + "sourceArticle", [])] if o), None)
    rows = _RecordContext(by_subject, labels, eco, linker, context.grounds)
    facts = [rows.fact(r) for r in records]
    facts.sort(key=lambda f: (f[0].label.lower(), f[1].label.lower(), _shown_value(f[2]).lower()))
    entities = sorted(
        (linker.link(s, labels.get(s)) for s in by_subject if s not in records | axioms and s != iri),
        key=lambda link: link.label.lower(),
    )
    found = {kinds[r] for r in records}
    return GraphView(
        iri=iri,
        article=linker.link(article, labels.get(article)) if article else None,
        entities=entities,
        facts=facts[(page - 1) * GRAPH_PAGE : page * GRAPH_PAGE],
        triples=len(triples),
        page=page,
        pages=pages,
        total=len(facts),
        per_page=GRAPH_PAGE,
        kind=found.pop() if len(found) == 1 else "claims",
    )


def _record_kind(props: dict[str, list[Any]], eco: str) -> str:
    """ "claims", "names" or "inferences" for a record about a statement, "" for anything else."""
    return next((RECORDS[t] for o in props.get(RDF + "type", []) if (t := _key(o).removeprefix(eco)) in RECORDS), "")


def _shown_value(value: Value) -> str:
    return value.link.label if value.link else value.text


@dataclass
class _RecordContext:
    """What turning a record of a graph into a row needs: the graph by subject, labels, and claim quotes."""

    by_subject: dict[str, dict[str, list[Any]]]
    labels: dict[str, dict[str, str]]
    eco: str
    linker: Linker
    grounds: dict[str, Support]

    def fact(self, record: str) -> tuple[Link, Link, Value, Fact]:
        """The statement a record is about, and why it is there: its quote, its curation or its derivation."""
        props, linker = self.by_subject[record], self.linker
        subject, predicate, obj = (props[RDF + k][0] for k in ("subject", "predicate", "object"))
        value = linker.value(obj, self.labels.get(_key(obj)))
        why = Fact(
            values=[value],
            supports=self._supports(props),
            inferred=bool(props.get(self.eco + "axiom")),
            curations=self._curations(props),
            derivations=[self._derivation(props, _key(a)) for a in props.get(self.eco + "axiom", [])],
        )
        return linker.link(_key(subject), self.labels.get(_key(subject))), linker.link(predicate.value), value, why

    def _curations(self, props: dict[str, list[Any]]) -> list[Curation]:
        if _record_kind(props, self.eco) != "names":
            return []
        text = [
            props[p][0].value if props.get(p) else "" for p in (self.eco + "nameKind", DCTERMS + "creator", SKOS_NOTE)
        ]
        return [Curation(*text)]

    def _supports(self, props: dict[str, list[Any]]) -> list[Support]:
        if not props.get(self.eco + "quote"):
            return []
        article = _key(props[PROV_QUOTED][0])
        line = props.get(self.eco + "quoteLine", [None])[0]
        return [
            Support(
                quote=props[self.eco + "quote"][0].value,
                article=self.linker.link(article, self.labels.get(article)),
                line=line.value if line is not None else "",
            )
        ]

    def _derivation(self, props: dict[str, list[Any]], axiom: str) -> Derivation:
        about = self.by_subject.get(axiom, {})
        source, kind, target = (
            about.get(OWL + k, [None])[0] for k in ("annotatedSource", "annotatedProperty", "annotatedTarget")
        )
        claims = sorted(_key(c) for c in props.get(PROV_DERIVED, []))
        return Derivation(
            axiom=self.linker.link(axiom),
            reads=axiom_words(source, kind, target, self.linker),
            grounds=[
                self.grounds.get(c) or Support(quote="", article=self.linker.link(c), claim=self.linker.link(c))
                for c in claims
            ],
        )


def axiom_words(source: Any, kind: Any, target: Any, linker: Linker) -> str:
    """An owl:Axiom as words: "member of is the inverse of has member", "located in is transitive"."""
    if source is None or kind is None or target is None:
        return ""
    name = linker.vocab.label(source.value, linker.lang)
    if kind.value == OWL + "inverseOf":
        return word("axiom inverse", linker.lang).format(name, linker.vocab.label(target.value, linker.lang))
    characteristic = {OWL + "TransitiveProperty": "axiom transitive", OWL + "SymmetricProperty": "axiom symmetric"}
    if kind.value == RDF + "type" and target.value in characteristic:
        return word(characteristic[target.value], linker.lang).format(name)
    return ""


# ------------------------------------------------------------------------------------- serialisation --

RDF_FORMATS = {
    conneg.TURTLE: ox.RdfFormat.TURTLE,
    conneg.JSON_LD: ox.RdfFormat.JSON_LD,
    conneg.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    conneg.RDF_XML: ox.RdfFormat.RDF_XML,
}


def serialize(triples: Iterable[ox.Triple], media_type: str, base: str) -> bytes:
    """Triples in one of our RDF media types, with the dumps' prefixes (one per kind of entity)."""
    triples = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    kinds = {kind for kind in (_kind(t.subject, base) for t in triples) if kind is not None}
    table = {**dump_prefixes(base, kinds), **DESCRIPTION_PREFIXES}
    if media_type == conneg.RDF_XML:
        return write_rdf_xml(triples, prefixes=table)
    return ox.serialize(triples, format=RDF_FORMATS[media_type], prefixes=table) or b""


def _kind(term: Any, base: str) -> str | None:
    start = f"{base}id/"
    if isinstance(term, ox.NamedNode) and term.value.startswith(start):
        kind = term.value[len(start) :].split("/", 1)[0]
        return kind if kind.isidentifier() else None
    return None
