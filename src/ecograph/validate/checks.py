"""The checks of a contribution beyond the SHACL shapes, each returning report findings.

- ontology rules: values fit their property's declared range (datatype, language tag, linked class), at most
  one value for a functional property, amounts and counts not negative, dates that exist, every entity typed
  and labelled;
- references: links to entities that are neither in the contribution nor published;
- provenance: every fact has a claim with its source article and quote, and the quote occurs in the article;
- naming: new IRIs under the project's base as id/<kind>/<slug>, and classes and properties that exist;
- duplicates: new entities that name a published entity.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from pyoxigraph import NamedNode
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS
from rdflib.term import Node

from ..build.mapping import SLUG_PATTERN
from ..errors import Code, InputError, Location
from ..findings import Check, Finding, Severity
from ..namespaces import NAMING_PROPERTIES
from ..ontology import Vocabulary
from ..project import Project
from ..shapefacts import ShapeFacts, shape_facts
from ..text import ArticleText, name_in_quote
from .contribution import Contribution
from .duplicates import Match, find_duplicates
from .published import Published
from .reasoning import Axioms, Clash
from .report import value_text

LANGUAGE_PROPERTIES = (RDFS.label, SKOS.altLabel, DCTERMS.title, DCTERMS.description)
DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear, XSD.gMonthDay}
NUMBER_TYPES = {XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long}
REUSED_NAMESPACES = (
    str(RDF),
    str(RDFS),
    str(OWL),
    str(XSD),
    str(SKOS),
    str(DCTERMS),
    str(PROV),
    str(FOAF),
    "http://www.w3.org/ns/org#",
    "https://schema.org/",
)
ENGINE_TERMS = {
    RDF.type,
    RDF.subject,
    RDF.predicate,
    RDF.object,
    RDF.Statement,
    RDFS.label,
    SKOS.altLabel,
    SKOS.inScheme,
    SKOS.Concept,
    SKOS.ConceptScheme,
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.issued,
    DCTERMS.publisher,
    DCTERMS.creator,
    DCTERMS.language,
    FOAF.homepage,
    PROV.wasQuotedFrom,
}
STRUCTURAL = ("seedFile", "sha256")


@dataclass
class Context:
    """A contribution, the published graph around it, and the ontology: what every check reads."""

    project: Project
    vocabulary: Vocabulary
    axioms: Axioms
    published: Published
    contribution: Contribution
    data: Graph = field(default_factory=Graph)  # the contribution plus published types and labels it refers to

    @property
    def eco(self) -> str:
        return self.project.vocab

    @cached_property
    def shapes(self) -> ShapeFacts:
        """The id kinds, concept schemes and non-negative properties the project's shapes declare."""
        return shape_facts(self.project)

    @property
    def kinds(self) -> dict[str, tuple[str, ...]]:
        """Each kind of entity id (organisation/…) and the classes of the entities it names."""
        return self.shapes.kinds

    @cached_property
    def claims(self) -> set[Node]:
        """The claims as written, and as normalised for the shapes (see Contribution.normalised)."""
        return self.written_claims | _claims_in(self.contribution.normalised or Graph(), self.eco)

    @cached_property
    def written_claims(self) -> set[Node]:
        """The claims as the contributor wrote them (or the mapping engine made them)."""
        return _claims_in(self.contribution.graph, self.eco)

    @cached_property
    def articles(self) -> set[Node]:
        return set(self.data.subjects(RDF.type, URIRef(self.eco + "Article")))

    @cached_property
    def own(self) -> set[URIRef]:
        """The contribution's own nodes: the subjects it describes (its claims are reported by their subject)."""
        return {s for s in self.contribution.graph.subjects() if isinstance(s, URIRef) and s not in self.claims}

    @cached_property
    def entities(self) -> set[URIRef]:
        """Own nodes that are entities (not articles or named graphs)."""
        return {s for s in self.own if s not in self.articles and not self._is_graph(s)}

    def _is_graph(self, node: Node) -> bool:
        return str(node).startswith(f"{self.project.base}graph/")

    def facts(self) -> Iterator[tuple[URIRef, URIRef, Node]]:
        """The contribution's statements that need a claim (not claims, not the article's file facts)."""
        return iter(self._facts)

    @cached_property
    def _facts(self) -> list[tuple[URIRef, URIRef, Node]]:  # read once, after `data` is set: five checks use it
        found = []
        for s, p, o in self.contribution.graph:
            if s in self.claims or not isinstance(s, URIRef) or self._is_graph(s):
                continue
            if s in self.articles and (p in (RDF.type, DCTERMS.language) or _local(p) in STRUCTURAL):
                continue
            found.append((s, p, o))
        return found  # type: ignore[return-value]

    def types(self, node: Node) -> set[str]:
        return {str(t) for t in self.data.objects(node, RDF.type)}

    def where(self, node: Node | None) -> Location | None:
        return self.contribution.locations.get(str(node))

    def prop(self, key: str) -> URIRef:
        return URIRef(self.eco + key)


def _claims_in(graph: Graph, eco: str) -> set[Node]:
    return set(graph.subjects(RDF.type, URIRef(eco + "Claim"))) | set(graph.subjects(RDF.subject, None))


def _local(iri: object) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _finding(
    ctx: Context,
    check: Check,
    severity: Severity,
    node: Node,
    message: str,
    hint: str,
    path: Node | None = None,
    value: Node | None = None,
    **extra: object,
) -> Finding:
    return Finding(
        check=check,
        severity=severity,
        focus=str(node),
        message=message,
        hint=hint,
        path=str(path) if path is not None else None,
        value=value_text(value) if value is not None else None,
        location=ctx.where(node),
        **extra,  # type: ignore[arg-type]  # related=(…) or shape=…, as each caller names them
    )


# ontology rules ---------------------------------------------------------------------------------------------


def ontology_rules(ctx: Context) -> list[Finding]:
    found: list[Finding] = []
    values: dict[tuple[URIRef, URIRef], set[Node]] = defaultdict(set)
    for s, p, o in ctx.facts():
        if s not in ctx.own:
            continue
        values[(s, p)].add(o)
        found.extend(_value_rules(ctx, s, p, o))
    found.extend(_functional(ctx, values))
    found.extend(_required(ctx))
    return found


def _value_rules(ctx: Context, s: URIRef, p: URIRef, o: Node) -> list[Finding]:
    key = str(p)
    if p in LANGUAGE_PROPERTIES:
        return _language_rule(ctx, s, p, o)
    if key in ctx.axioms.object_properties:
        if isinstance(o, Literal):
            return [
                _finding(
                    ctx,
                    Check.ONTOLOGY,
                    Severity.VIOLATION,
                    s,
                    f"{_name(ctx, p)} links to an entity, not to text",
                    "give the IRI of the entity (or its id in a mapping)",
                    p,
                    o,
                )
            ]
        return _range_rule(ctx, s, p, o)
    if key in ctx.axioms.datatype_properties:
        if not isinstance(o, Literal):
            return [
                _finding(
                    ctx,
                    Check.ONTOLOGY,
                    Severity.VIOLATION,
                    s,
                    f"{_name(ctx, p)} takes a value, not a link",
                    "write the value as a literal",
                    p,
                    o,
                )
            ]
        return _datatype_rule(ctx, s, p, o)
    return []


def _language_rule(ctx: Context, s: URIRef, p: URIRef, o: Node) -> list[Finding]:
    if isinstance(o, Literal) and not o.language:
        return [
            _finding(
                ctx,
                Check.ONTOLOGY,
                Severity.VIOLATION,
                s,
                f"the {_name(ctx, p)} has no language tag",
                f'write it as "{o}"@en (or another language\'s tag); in a mapping, {{en: {o}}}',
                p,
                o,
            )
        ]
    return []


def _range_rule(ctx: Context, s: URIRef, p: URIRef, o: Node) -> list[Finding]:
    ranges = ctx.axioms.ranges.get(str(p), [])
    types = ctx.types(o)
    if not ranges or not types or ctx.axioms.is_a(types, ranges):
        return []
    wanted = " or ".join(_name(ctx, r) for r in ranges)
    actual = ", ".join(_name(ctx, t) for t in sorted(types))
    return [
        _finding(
            ctx,
            Check.ONTOLOGY,
            Severity.VIOLATION,
            s,
            f"the {_name(ctx, p)} must be {_a(wanted)}, but {_short(ctx, o)} is {_a(actual)}",
            f"link to {_a(wanted)} instead, or use another property for {_a(actual)}",
            p,
            o,
        )
    ]


def _datatype_rule(ctx: Context, s: URIRef, p: URIRef, o: Literal) -> list[Finding]:
    declared = ctx.axioms.graph.value(p, RDFS.range)
    problem, hint = _literal_problem(declared, o)
    if not problem and str(p) in ctx.shapes.non_negative and (number := _number(o)) is not None and number < 0:
        problem, hint = "is negative", "the shapes allow no negative value: write the number the article gives"
    if not problem:
        return []
    return [
        _finding(ctx, Check.ONTOLOGY, Severity.VIOLATION, s, f"the {_name(ctx, p)} {o!s:.60} {problem}", hint, p, o)
    ]


def _literal_problem(declared: Node | None, o: Literal) -> tuple[str, str]:
    if declared == RDF.langString and not o.language:
        return "has no language tag", f'write "{o}"@en (or another language\'s tag)'
    if declared in NUMBER_TYPES:
        number = _number(o) if o.datatype in NUMBER_TYPES else None
        if number is None:
            return (
                f"is not a number ({_datatype(o)})",
                "write the number in digits as xsd:decimal, e.g. 8710000 for 8.71 million",
            )
        if declared == XSD.nonNegativeInteger and (number < 0 or number != int(number)):
            return "is not a whole number of zero or more", "write the count in digits, e.g. 13"
    if declared == XSD.string and (o.language or o.datatype not in (None, XSD.string)):
        return f"should be plain text, not {_datatype(o)}", f'write "{o}" without a language or datatype'
    if declared == RDFS.Literal:
        return _date_problem(o)
    return "", ""


def _date_problem(o: Literal) -> tuple[str, str]:
    if o.datatype not in DATE_TYPES:
        return (
            f"is not a date ({_datatype(o)})",
            "write an xsd:date (2023-12-19), xsd:gYearMonth (2023-11) or xsd:gYear (2023)",
        )
    if o.datatype == XSD.date:
        try:
            dt.date.fromisoformat(str(o))
        except ValueError:
            return "is not a date that exists", "check the day and month (YYYY-MM-DD)"
    elif getattr(o, "ill_typed", False):
        return f"is not a valid {_datatype(o)}", "write 2023-11 for a month, 2023 for a year"
    return "", ""


def _number(o: Literal) -> Decimal | None:
    try:
        number = Decimal(str(o))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _datatype(o: Literal) -> str:
    if o.language:
        return f"text @{o.language}"
    return "text" if o.datatype in (None, XSD.string) else _local(o.datatype)


def _functional(ctx: Context, values: dict[tuple[URIRef, URIRef], set[Node]]) -> list[Finding]:
    found = []
    for (s, p), objects in sorted(values.items()):
        if str(p) in ctx.axioms.functional and len(objects) > 1:
            shown = ", ".join(sorted(value_text(o) for o in objects))
            found.append(
                _finding(
                    ctx,
                    Check.ONTOLOGY,
                    Severity.VIOLATION,
                    s,
                    f"{_name(ctx, p)} allows one value, but there are {len(objects)}: {shown}",
                    "keep the one value the article states; for a range or a second amount, "
                    "make a second entity (e.g. another Funding or Figure)",
                    p,
                    sorted(objects, key=str)[-1],
                )
            )
    return found


def _required(ctx: Context) -> list[Finding]:
    found = []
    for node in sorted(ctx.entities):
        if not ctx.types(node):
            found.append(
                _finding(
                    ctx,
                    Check.ONTOLOGY,
                    Severity.VIOLATION,
                    node,
                    "the entity has no type (rdf:type)",
                    _type_hint(ctx, node),
                    RDF.type,
                )
            )
        if not any(ctx.data.objects(node, RDFS.label)):
            found.append(
                _finding(
                    ctx,
                    Check.ONTOLOGY,
                    Severity.VIOLATION,
                    node,
                    "the entity has no label (rdfs:label)",
                    'give its name as the article writes it, with a language tag, e.g. rdfs:label "Acme"@en',
                    RDFS.label,
                )
            )
    return found


def _type_hint(ctx: Context, node: Node) -> str:
    kind = _kind(ctx, node)
    if kind in ctx.kinds:
        return f"add a class of the ontology, e.g. a {_curie(ctx, ctx.kinds[kind][0])} (or a subclass of it)"
    return "add `a eco:Class` with a class of the ontology"


def _curie(ctx: Context, iri: str) -> str:
    return "eco:" + iri[len(ctx.eco) :] if iri.startswith(ctx.eco) else f"<{iri}>"


def _kind(ctx: Context, node: Node) -> str | None:
    prefix = f"{ctx.project.base}id/"
    text = str(node)
    return text[len(prefix) :].split("/", 1)[0] if text.startswith(prefix) else None


def _name(ctx: Context, iri: object) -> str:
    label = ctx.vocabulary.graph.value(URIRef(str(iri)), RDFS.label)
    labels = {
        lit.language: str(lit)
        for lit in ctx.vocabulary.graph.objects(URIRef(str(iri)), RDFS.label)
        if isinstance(lit, Literal)
    }
    return labels.get("en") or (str(label) if label else _local(iri))


def _short(ctx: Context, node: Node) -> str:
    prefix = f"{ctx.project.base}id/"
    text = str(node)
    short = text[len(prefix) :] if text.startswith(prefix) else text
    label = ctx.data.value(node, RDFS.label)
    return f'{short} "{label}"' if label else short


# references -------------------------------------------------------------------------------------------------


def references(ctx: Context) -> list[Finding]:
    found = []
    prefix = f"{ctx.project.base}id/"
    for s, p, o in sorted(ctx.facts()):
        if not isinstance(o, URIRef) or not str(o).startswith(prefix) or p == RDF.type:
            continue
        if ctx.types(o) or _kind(ctx, o) in ctx.shapes.scheme_kinds or ctx.published.knows(str(o)):
            continue
        found.append(
            _finding(
                ctx,
                Check.REFERENCE,
                Severity.VIOLATION,
                s,
                f"{_name(ctx, p)} refers to {_short(ctx, o)}, which is neither in the contribution "
                "nor in the published graph",
                _dangling_hint(ctx, str(o)),
                p,
                o,
            )
        )
    return found


def _dangling_hint(ctx: Context, iri: str) -> str:
    known = sorted(ctx.published.entity_ids | {str(e) for e in ctx.entities})
    close = difflib.get_close_matches(iri, known, n=2, cutoff=0.8)
    if close:
        return "did you mean " + " or ".join(f"<{c}>" for c in close) + "? Otherwise describe the entity too"
    return "describe the entity in the contribution (its type, label and quote), or link to a published one"


# provenance -------------------------------------------------------------------------------------------------


def provenance(ctx: Context) -> list[Finding]:
    claims = _claims_by_fact(ctx)
    missing: dict[tuple[URIRef, URIRef], list[Node]] = defaultdict(list)
    for s, p, o in ctx.facts():
        if (s, p, o) not in claims:
            missing[(s, p)].append(o)
    found = [_unclaimed(ctx, s, p, objects) for (s, p), objects in sorted(missing.items())]
    for claim in sorted(ctx.written_claims, key=str):
        found.extend(_claim_problems(ctx, claim))
    return found


def _claims_by_fact(ctx: Context) -> set[tuple[Node | None, Node | None, Node | None]]:
    graph = ctx.contribution.graph
    return {
        (graph.value(c, RDF.subject), graph.value(c, RDF.predicate), graph.value(c, RDF.object))
        for c in ctx.written_claims
    }


def _unclaimed(ctx: Context, s: URIRef, p: URIRef, objects: list[Node]) -> Finding:
    count = f"{len(objects)} facts" if len(objects) > 1 else "the fact"
    return _finding(
        ctx,
        Check.PROVENANCE,
        Severity.VIOLATION,
        s,
        f"{count} with {_name(ctx, p)} {'have' if len(objects) > 1 else 'has'} no claim (source article and quote)",
        "add an eco:Claim with rdf:subject, rdf:predicate, rdf:object, eco:quote (the article's "
        "words) and prov:wasQuotedFrom <article> — or write the facts as a mapping, which does this",
        p,
        sorted(objects, key=str)[0],
    )


def _claim_problems(ctx: Context, claim: Node) -> list[Finding]:
    graph = ctx.contribution.graph
    subject = graph.value(claim, RDF.subject)
    focus = subject if isinstance(subject, URIRef) else claim
    predicate = graph.value(claim, RDF.predicate)
    quote = graph.value(claim, URIRef(ctx.eco + "quote"))
    article = graph.value(claim, PROV.wasQuotedFrom)
    if quote is None or not str(quote).strip():
        return [
            _finding(
                ctx,
                Check.PROVENANCE,
                Severity.VIOLATION,
                focus,
                "a claim has no quote",
                "add eco:quote with the article's words that state the fact",
                predicate,
            )
        ]
    if article is None:
        return [
            _finding(
                ctx,
                Check.PROVENANCE,
                Severity.VIOLATION,
                focus,
                "a claim does not name its source article",
                "add prov:wasQuotedFrom <the article's IRI>",
                predicate,
                quote,
            )
        ]
    return _name_in_quote(ctx, focus, predicate, graph.value(claim, RDF.object), quote) + _quote_in_article(
        ctx, focus, predicate, quote, article
    )


def _name_in_quote(ctx: Context, focus: Node, predicate: Node | None, name: Node | None, quote: Node) -> list[Finding]:
    """A claim of a name (rdfs:label, skos:altLabel, ...) says only a name its quote contains."""
    if str(predicate) not in NAMING_PROPERTIES or not isinstance(name, Literal) or name_in_quote(str(name), str(quote)):
        return []
    names = f"{ctx.project.mappings_dir.name}/{ctx.project.names_file.name}"
    return [
        _finding(
            ctx,
            Check.PROVENANCE,
            Severity.VIOLATION,
            focus,
            f'the claimed name "{name}" is not in its quote ("{quote}"): a name claim says only what its quote says',
            "quote a sentence of the article that contains the name; or, when no sentence does (a translation, an "
            f"official name, an abbreviation, a display label), put the name in {names} with who: and why:",
            predicate,
            name,
            code=Code.NAME_NOT_IN_QUOTE,
        )
    ]


def _quote_in_article(ctx: Context, focus: Node, predicate: Node | None, quote: Node, article: Node) -> list[Finding]:
    text = _article_text(ctx, article)
    if text is None:
        return []
    try:
        text.locate(str(quote), Location(text.path))
    except InputError as error:
        return [
            _finding(
                ctx,
                Check.PROVENANCE,
                Severity.VIOLATION,
                focus,
                f"the quote does not occur in the article {text.path.name}",
                error.hint,
                predicate,
                quote,
            )
        ]
    return []


def _article_text(ctx: Context, article: Node) -> ArticleText | None:
    cache = ctx.contribution.texts
    if str(article) in cache:
        return cache[str(article)]
    seed: object = ctx.contribution.graph.value(article, ctx.prop("seedFile"))
    if seed is None:
        seed = next(iter(ctx.published.values(str(article), _ox(ctx.prop("seedFile")))), None)
    path = ctx.project.seeds_dir / str(seed.value if hasattr(seed, "value") else seed) if seed else None
    text = ArticleText.read(path) if path and path.is_file() else None
    if text:
        cache[str(article)] = text
    return text


def _ox(iri: URIRef) -> NamedNode:
    return NamedNode(str(iri))


def unchecked_articles(ctx: Context) -> list[str]:
    """Source articles whose text is not at hand, so their quotes could not be checked."""
    articles = {ctx.contribution.graph.value(c, PROV.wasQuotedFrom) for c in ctx.written_claims}
    return sorted(str(a) for a in articles if a is not None and _article_text(ctx, a) is None)


# naming -----------------------------------------------------------------------------------------------------


def naming(ctx: Context) -> list[Finding]:
    found = [f for node in sorted(ctx.entities) for f in _iri_rules(ctx, node)]
    found.extend(_unknown_terms(ctx))
    return found


def _iri_rules(ctx: Context, node: URIRef) -> list[Finding]:
    prefix = f"{ctx.project.base}id/"
    text = str(node)
    if ctx.published.knows(text):
        return []
    if not text.startswith(prefix):
        return [
            _finding(
                ctx,
                Check.NAMING,
                Severity.VIOLATION,
                node,
                f"the IRI is not under {prefix}",
                f"name new entities {prefix}<kind>/<slug>, e.g. {_suggested(ctx, node)}",
            )
        ]
    kind, _, slug = text[len(prefix) :].partition("/")
    if ctx.shapes.declares_kinds and kind not in ctx.kinds and kind not in ctx.shapes.scheme_kinds:
        close = difflib.get_close_matches(kind, list(ctx.kinds), n=1, cutoff=0.6)
        guess = f"did you mean '{close[0]}'? " if close else ""
        return [
            _finding(
                ctx,
                Check.NAMING,
                Severity.VIOLATION,
                node,
                f"'{kind}' is not a kind of entity",
                guess + "use one of: " + ", ".join(sorted(ctx.kinds)),
            )
        ]
    if not SLUG_PATTERN.match(slug) or "/" in slug:
        return [
            _finding(
                ctx,
                Check.NAMING,
                Severity.VIOLATION,
                node,
                f"'{slug}' is not a valid slug",
                f"use lowercase a-z, 0-9 and '-', e.g. {_suggested(ctx, node)}",
            )
        ]
    return _kind_matches_type(ctx, node, kind)


def _kind_matches_type(ctx: Context, node: URIRef, kind: str) -> list[Finding]:
    types = {t for t in ctx.types(node) if t in ctx.vocabulary.classes.values()}
    if not types or kind not in ctx.kinds or ctx.axioms.is_a(types, ctx.kinds[kind]):
        return []
    better = [k for k, classes in ctx.kinds.items() if ctx.axioms.is_a(types, classes)]
    hint = f"name it {ctx.project.base}id/{better[0]}/..." if better else "choose the kind that fits its type"
    return [
        _finding(
            ctx,
            Check.NAMING,
            Severity.WARNING,
            node,
            f"the IRI says '{kind}' but the entity is a {', '.join(_name(ctx, t) for t in sorted(types))}",
            hint,
        )
    ]


def _suggested(ctx: Context, node: URIRef) -> str:
    types = {t for t in ctx.types(node)}
    kind = next((k for k, classes in ctx.kinds.items() if ctx.axioms.is_a(types, classes)), "organisation")
    label = ctx.data.value(node, RDFS.label) or _local(node)
    slug = re.sub(r"[^a-z0-9]+", "-", str(label).lower()).strip("-") or "name"
    return f"{ctx.project.base}id/{kind}/{slug}"


def _unknown_terms(ctx: Context) -> list[Finding]:
    found = []
    seen: set[tuple[Node, URIRef]] = set()
    unknown = [
        (s, p, o)
        for s, p, o in ctx.contribution.graph  # sorted below: few triples have unknown terms
        if not _known_term(ctx, p, "property") or (p == RDF.type and not _known_term(ctx, o, "class"))
    ]
    for s, p, o in sorted(unknown):
        focus = (ctx.contribution.graph.value(s, RDF.subject) or s) if s in ctx.claims else s
        for term, role in ((p, "property"), (o if p == RDF.type else None, "class")):
            if isinstance(term, URIRef) and (focus, term) not in seen and not _known_term(ctx, term, role):
                seen.add((focus, term))
                found.append(_unknown(ctx, focus, term, role, o if role == "property" else None))
    return found


@dataclass(frozen=True)
class _Terms:
    properties: frozenset[str]
    classes: frozenset[str]


def _terms(ctx: Context) -> _Terms:
    cached = getattr(ctx, "_term_cache", None)
    if cached:
        return cached
    graph = ctx.vocabulary.graph
    mentioned = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    properties = {str(p.iri) for p in ctx.vocabulary.properties.values()} | {str(t) for t in ENGINE_TERMS}
    properties |= {str(p) for p in graph.subjects(RDFS.subPropertyOf, None)}
    properties |= {str(p) for p in graph.objects(None, RDFS.subPropertyOf)}
    classes = {str(c) for c in ctx.vocabulary.classes.values()} | {str(c) for c in graph.objects(None, RDFS.subClassOf)}
    classes |= {str(t) for t in ENGINE_TERMS}
    terms = _Terms(frozenset(properties | (mentioned - classes)), frozenset(classes))
    ctx._term_cache = terms  # type: ignore[attr-defined]
    return terms


def _known_term(ctx: Context, term: Node, role: str) -> bool:
    terms = _terms(ctx)
    return str(term) in (terms.properties if role == "property" else terms.classes)


def _unknown(ctx: Context, focus: Node, term: URIRef, role: str, value: Node | None) -> Finding:
    terms = _terms(ctx)
    pool = sorted(terms.properties if role == "property" else terms.classes)
    by_local: dict[str, str] = {}
    for known in pool:
        by_local.setdefault(_local(known), known)
    close = difflib.get_close_matches(_local(term), list(by_local), n=2, cutoff=0.6)
    close = close or [k for k in by_local if k.lower() == _local(term).lower()]
    hint = (
        ("did you mean " + " or ".join(f"<{by_local[c]}>" for c in close) + "?")
        if close
        else f"use a {role} of the ontology (ontology/ecograph.ttl) or of the vocabularies it reuses"
    )
    reused = str(term).startswith(REUSED_NAMESPACES) or str(term).startswith(ctx.eco)
    severity = Severity.VIOLATION if reused else Severity.WARNING
    where = "the ontology" if str(term).startswith(ctx.eco) else "the ontology or the vocabularies it reuses"
    return _finding(
        ctx,
        Check.NAMING,
        severity,
        focus,
        f"unknown {role} <{term}>: it is not in {where}",
        hint,
        term if role == "property" else RDF.type,
        value if value is not None else term,
    )


# duplicates -------------------------------------------------------------------------------------------------


def duplicates(ctx: Context) -> list[Finding]:
    graph = ctx.contribution.graph
    new = {
        str(e): [str(n) for p in (RDFS.label, SKOS.altLabel) for n in graph.objects(e, p)]
        for e in ctx.entities
        if not ctx.published.knows(str(e))
    }
    matches = find_duplicates(
        {k: v for k, v in new.items() if v}, ctx.published.name_index, lambda a, b: _compatible(ctx, a, b)
    )
    return [_duplicate_finding(ctx, m) for m in matches]


def _compatible(ctx: Context, new_iri: str, existing_iri: str) -> bool:
    """Could the two be the same thing: do their top-level classes agree (or is one of them untyped)?"""
    new_top = _top_classes(ctx, ctx.types(URIRef(new_iri)))
    old_top = _top_classes(ctx, ctx.published.types(existing_iri))
    return not new_top or not old_top or bool(new_top & old_top)


def _top_classes(ctx: Context, types: set[str]) -> set[str]:
    tops = {cls for classes in ctx.kinds.values() for cls in classes}
    return {a for t in types for a in ctx.axioms.ancestors(t)} & tops


def _duplicate_finding(ctx: Context, match: Match) -> Finding:
    existing, iri = match.existing_iri, URIRef(match.new_iri)
    shown = f"{_short_published(ctx, existing)}"
    if match.exact:
        message = f'"{match.new_name}" names the published {shown} (as "{match.existing_name}")'
        severity = Severity.VIOLATION
    else:
        message = f'"{match.new_name}" may be the published {shown}'
        severity = Severity.WARNING
    hint = (
        f"use the existing IRI <{existing}> instead of <{iri}>; if the article uses this spelling, add it "
        "as an alias (skos:altLabel / alt:). If it really is another entity, give it a distinguishing label"
    )
    return _finding(
        ctx, Check.DUPLICATE, severity, iri, message, hint, RDFS.label, Literal(match.new_name), related=(existing,)
    )


def _short_published(ctx: Context, iri: str) -> str:
    prefix = f"{ctx.project.base}id/"
    short = iri[len(prefix) :] if iri.startswith(prefix) else iri
    label = ctx.published.label(iri)
    return f'{short} "{label}"' if label else short


# consistency ------------------------------------------------------------------------------------------------


def clash_finding(ctx: Context, clash: Clash, confirmed: bool | None) -> Finding:
    node = URIRef(clash.node)
    a, b = (_name(ctx, c) for c in clash.disjoint)
    first = clash.first.describe(lambda x: _name(ctx, x) if str(x).startswith(ctx.eco) else _short(ctx, x))
    second = clash.second.describe(lambda x: _name(ctx, x) if str(x).startswith(ctx.eco) else _short(ctx, x))
    by = "HermiT finds the data inconsistent: " if confirmed else ""
    message = (
        f"{by}{_short(ctx, node)} would be both {_a(a)} and {_a(b)}, which the ontology declares disjoint "
        f"({clash.axiom}): {first}, and {second}"
    )
    hint = _clash_hint(ctx, clash, a, b)
    related = tuple(sorted({*clash.disjoint, clash.first.cls, clash.second.cls}))
    path = URIRef(str(clash.second.prop)) if clash.second.because != "asserted" else RDF.type
    return _finding(
        ctx,
        Check.CONSISTENCY,
        Severity.VIOLATION,
        _clash_focus(ctx, clash),
        message,
        hint,
        path,
        URIRef(clash.second.cls),
        related=related,
    )


def _a(noun: str) -> str:
    vowel = noun[:1].lower() in "aeiou" and not noun.lower().startswith(("uni", "eu", "use"))
    return ("an " if vowel else "a ") + noun


def _clash_focus(ctx: Context, clash: Clash) -> URIRef:
    """Report on the contribution's own node: the typed one, or the one whose link implies the type."""
    node = URIRef(clash.node)
    if node in ctx.own:
        return node
    for reason in (clash.second, clash.first):
        if reason.because == "range" and URIRef(str(reason.other)) in ctx.own:
            return URIRef(str(reason.other))
    return node


def _clash_hint(ctx: Context, clash: Clash, a: str, b: str) -> str:
    if clash.first.because == clash.second.because == "asserted":
        return f"keep one type: an entity is either {_a(a)} or {_a(b)}; if both exist, make two entities"
    linked = clash.second if clash.second.because != "asserted" else clash.first
    return (
        f"the {_name(ctx, linked.prop)} must link to a {_name(ctx, linked.cls)}: link to the right entity, "
        "or correct the type"
    )
