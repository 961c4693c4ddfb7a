"""An entity's page: an infobox first (type, names, key facts: a person's positions, a funding's funder →
recipient and amount as money, a place and operator, dates as dates), then every fact in order of importance
with its quotes, then the links pointing here named the inverse way; an article's page adds its text with the
quoted passages marked.

Links that only the inferred graph holds and that restate a link of the other direction (the inverse of a
stated one) are shown once, as the stated link.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ...namespaces import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS
from ...projectfacts import LANGUAGES
from .describe import (
    CLAIMS,
    CURATED,
    DERIVED,
    INCOMING,
    OUTGOING,
    POSITIONS,
    QUOTED,
    ArticleText,
    Curation,
    Derivation,
    EntityView,
    Fact,
    InfoRow,
    Link,
    Linker,
    PropertyGroup,
    QuotedPassage,
    SiteLike,
    Support,
    Value,
    _key,
    _sparql,
    axiom_words,
)
from .present import money, word
from .vocab import pick_label

INFERRED_GRAPH = "graph/inferred"  # under the base: what the build derived from the ontology's axioms
NAMES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", DCTERMS + "title", FOAF + "name")
KEY = [
    "funder",
    "recipient",
    "amount",
    "minimumAmount",
    "currency",
    "instrument",
    "fundedFacility",
    "purpose",
    "heldBy",
    "jobTitle",
    "atOrganisation",
    "locatedIn",
    "region",
    "operatedBy",
    "managedBy",
    "memberOf",
    "hasMember",
    "subOrganisationOf",
    "spinOffOf",
    "developedBy",
    "partOfProgramme",
    "initiatedBy",
    "ledBy",
    "organisedBy",
    "date",
    "startDate",
    "endDate",
    "foundingDate",
    "budget",
    "annualTurnover",
    "value",
    "measure",
    "qualifier",
    "expectedAvailability",
    "hasFocus",
]
INFOBOX = [
    "locatedIn",
    "region",
    "operatedBy",
    "managedBy",
    "atOrganisation",
    "heldBy",
    "jobTitle",
    "memberOf",
    "subOrganisationOf",
    "spinOffOf",
    "developedBy",
    "partOfProgramme",
    "instrument",
    "fundedFacility",
    "purpose",
    "date",
    "startDate",
    "endDate",
    "foundingDate",
    "expectedAvailability",
    "value",
]
MONEY = ("amount", "minimumAmount", "budget", "annualTurnover")
PROVENANCE = {"sourceArticle", "seedFile", "sha256", "quote", "quoteLine"}
Row = tuple[Any, Any, Any, Any]  # (predicate, node, label of node, graph)
EU_CODES = {eu: code for code, (eu, _name) in LANGUAGES.items()}  # ENG -> en, the EU authority's codes
FactKey = tuple[str, str, str]  # (subject, predicate, object) as _key gives them


@dataclass
class Provenance:
    """Why each fact is in the data: the quotes that state it, the curation of a name no article states, or
    the axiom and claims it was inferred from."""

    supports: dict[FactKey, list[Support]]
    curations: dict[FactKey, list[Curation]] = field(default_factory=dict)
    derivations: dict[FactKey, list[Derivation]] = field(default_factory=dict)


async def entity_view(site: SiteLike, iri: str, linker: Linker, dist: Path) -> EntityView | None:
    """The entity page's content in the linker's language, or None when the IRI occurs nowhere in the data."""
    node = {"e": ox.NamedNode(iri)}
    outgoing, incoming, claims, positions, curated, derived = await asyncio.gather(
        *(
            site.query(_sparql(q, site.base), bindings=node)
            for q in (OUTGOING, INCOMING, CLAIMS, POSITIONS, CURATED, DERIVED)
        )
    )
    if not outgoing.rows and not incoming.rows:
        return None
    out_rows = [(r[1], r[2], r[3], r[4]) for r in outgoing.rows]
    in_rows = [(r[2], r[1], r[3], r[4]) for r in incoming.rows]
    out_rows, in_rows = _without_restated(out_rows, in_rows, site.base, linker)
    why = Provenance(_supports(claims.rows, linker), _curations(curated.rows), _derivations(derived.rows, linker))
    eco = f"{site.base}def#"
    out = _group(out_rows, why, linker, lambda p, v: (iri, p, v))
    inc = _group(in_rows, why, linker, lambda p, v: (v, p, iri), incoming=True)
    _as_money(out, eco, linker.lang)
    labels = _own_labels(out_rows)
    types = [v.link for g in out if g.predicate.iri == RDF + "type" for f in g.facts for v in f.values if v.link]
    title = pick_label({k: v[0] for k, v in labels.items()}, linker.lang) or linker.vocab.label(iri, linker.lang)
    graphs = [
        v.link for g in inc if g.predicate.iri == eco + "sourceArticle" for f in g.facts for v in f.values if v.link
    ]
    is_article = any(t.iri == eco + "Article" for t in types)
    return EntityView(
        iri=iri,
        labels=labels,
        types=types,
        title=title,
        graphs=graphs,
        outgoing=[g for g in out if g.predicate.iri != RDF + "type"],
        incoming=inc,
        infobox=_infobox(out, labels, types, positions.rows, eco, linker),
        article=await _article_text(site, iri, out_rows, eco, dist, linker) if is_article else None,
        lang=linker.lang,
    )


# ------------------------------------------------------------------------------------------ the facts --


def _without_restated(
    out_rows: list[Row], in_rows: list[Row], base: str, linker: Linker
) -> tuple[list[Row], list[Row]]:
    """Drop the links that only the inferred graph holds when the other direction states the same link."""
    inferred = base + INFERRED_GRAPH

    def stated(rows: list[Row]) -> set[tuple[str, str]]:
        return {(p.value, _key(n)) for p, n, _l, g in rows if _key(g) != inferred}

    out_stated, in_stated = stated(out_rows), stated(in_rows)

    def restated(p: Any, n: Any, other: set[tuple[str, str]]) -> bool:
        reverse = {p.value, linker.vocab.inverse(p.value)}  # the inverse, or the same (symmetric) property
        return any((q, _key(n)) in other for q in reverse if q)

    def keep(rows: list[Row], mine: set[tuple[str, str]], other: set[tuple[str, str]]) -> list[Row]:
        return [r for r in rows if (r[0].value, _key(r[1])) in mine or not restated(r[0], r[1], other)]

    return keep(out_rows, out_stated, in_stated), keep(in_rows, in_stated, out_stated)


def _supports(rows: Sequence[tuple[Any, ...]], linker: Linker) -> dict[tuple[str, str, str], list[Support]]:
    """Quotes by fact (subject, predicate, object), one per claim, with the article that gives them."""
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        if row[6] is not None:
            titles[row[5].value][row[6].language or ""] = row[6].value
    found: dict[tuple[str, str, str], list[Support]] = defaultdict(list)
    seen = set()
    for _e, s, p, o, quote, article, _title, line in rows:
        key = (_key(s), _key(p), _key(o))
        if (key, quote.value, article.value) in seen:
            continue
        seen.add((key, quote.value, article.value))
        found[key].append(
            Support(
                quote=quote.value,
                article=linker.link(article.value, titles[article.value]),
                line=line.value if line is not None else "",
            )
        )
    for items in found.values():
        items.sort(key=lambda s: (s.article.label, int(s.line) if s.line.isdigit() else 0, s.quote))
    return found


def _curations(rows: Sequence[tuple[Any, ...]]) -> dict[FactKey, list[Curation]]:
    """The curation records of names (kind, who, why) by fact."""
    found: dict[FactKey, list[Curation]] = defaultdict(list)
    for _e, s, p, o, kind, creator, note in rows:
        found[(_key(s), _key(p), _key(o))].append(
            Curation(*(term.value if term is not None else "" for term in (kind, creator, note)))
        )
    return found


def _derivations(rows: Sequence[tuple[Any, ...]], linker: Linker) -> dict[FactKey, list[Derivation]]:
    """The inference records by fact: the axiom, as words, and the claims (with their quotes) it rests on."""
    found: dict[FactKey, dict[str, Derivation]] = defaultdict(dict)
    for _e, s, p, o, axiom, source, kind, target, claim, quote, article, title, line in rows:
        derivation = found[(_key(s), _key(p), _key(o))].setdefault(
            axiom.value, Derivation(axiom=linker.link(axiom.value), reads=axiom_words(source, kind, target, linker))
        )
        if claim is not None and claim.value not in {g.claim.iri for g in derivation.grounds if g.claim}:
            titles = {title.language or "": title.value} if title is not None else {}
            derivation.grounds.append(
                Support(
                    quote=quote.value if quote is not None else "",
                    article=linker.link(article.value, titles) if article is not None else linker.link(claim.value),
                    line=line.value if line is not None else "",
                    claim=linker.link(claim.value),
                )
            )
    return {key: list(by_axiom.values()) for key, by_axiom in found.items()}


def _group(
    rows: Iterable[Row],
    why: Provenance,
    linker: Linker,
    fact_key: Any,
    *,
    incoming: bool = False,
) -> list[PropertyGroup]:
    """Rows of (predicate, node, label of node, graph) → one group per predicate in order of importance,
    one fact per node, and nodes stated by the very same quotes joined into one fact."""
    labels: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    nodes: dict[str, dict[str, Any]] = defaultdict(dict)
    graphs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for predicate, node, label, graph in rows:
        nodes[predicate.value].setdefault(_key(node), node)
        graphs[(predicate.value, _key(node))].add(_key(graph))
        if label is not None:
            labels[(predicate.value, _key(node))].setdefault(label.language or "", label.value)
    inferred = linker.base + INFERRED_GRAPH
    groups = []
    for predicate in sorted(nodes, key=lambda p: _importance(p, linker)):
        facts = [
            Fact(
                values=[linker.value(node, labels.get((predicate, key)))],
                supports=why.supports.get(fact_key(predicate, key), []),
                inferred=graphs[(predicate, key)] == {inferred},
                curations=why.curations.get(fact_key(predicate, key), []),
                derivations=why.derivations.get(fact_key(predicate, key), []),
            )
            for key, node in nodes[predicate].items()
        ]
        facts.sort(key=lambda f: _shown(f.values[0]).lower())
        name = linker.link(predicate)
        if incoming:
            name.label = linker.vocab.inverse_label(predicate, linker.lang)
        groups.append(PropertyGroup(predicate=name, facts=_join_same_quotes(facts)))
    return groups


def _importance(predicate: str, linker: Linker) -> tuple[int, int, str]:
    """Types and names first, then the key relations (in KEY's order), then the rest, then provenance."""
    local = predicate.rsplit("#", 1)[-1] if predicate.startswith(linker.base) else ""
    label = linker.vocab.label(predicate, linker.lang).lower()
    if predicate == RDF + "type":
        return (0, 0, "")
    if predicate in NAMES:
        return (1, NAMES.index(predicate), label)
    if local in KEY:
        return (2, KEY.index(local), label)
    if local in PROVENANCE or predicate.startswith(PROV):
        return (4, 0, label)
    return (3, 0, label)


def _shown(value: Value) -> str:
    return value.link.label if value.link else value.text


def _join_same_quotes(facts: list[Fact]) -> list[Fact]:
    """Facts with the same quotes (and some) as one fact: the quote is shown once."""
    joined: list[Fact] = []
    by_quotes: dict[tuple[tuple[str, str], ...], Fact] = {}
    for fact in facts:
        quotes = tuple((s.quote, s.article.iri) for s in fact.supports)
        if quotes and quotes in by_quotes and by_quotes[quotes].inferred == fact.inferred:
            by_quotes[quotes].values.extend(fact.values)
            continue
        joined.append(fact)
        if quotes:
            by_quotes[quotes] = fact
    return joined


def _as_money(groups: list[PropertyGroup], eco: str, lang: str) -> None:
    """Amounts, budgets and turnovers as money, in the currency the entity states."""
    currency = next(
        (v.text for g in groups if g.predicate.iri == eco + "currency" for f in g.facts for v in f.values), None
    )
    for group in groups:
        local = group.predicate.iri.removeprefix(eco)
        if local in MONEY:
            for fact in group.facts:
                for value in fact.values:
                    value.text = money(value.raw or value.text, currency, lang, minimum=local == "minimumAmount")
                    value.datatype = ""


def _own_labels(rows: Sequence[Row]) -> dict[str, list[str]]:
    labels: dict[str, list[str]] = defaultdict(list)
    for predicate, obj, _label, _graph in rows:
        if (
            predicate.value in (RDFS + "label", SKOS + "prefLabel", DCTERMS + "title")
            and isinstance(obj, ox.Literal)
            and obj.value not in labels[obj.language or ""]
        ):
            labels[obj.language or ""].append(obj.value)
    return dict(sorted(labels.items(), key=lambda kv: (kv[0] != "en", kv[0] == "", kv[0])))


# ------------------------------------------------------------------------------------------ the infobox --


def _infobox(
    groups: list[PropertyGroup],
    labels: dict[str, list[str]],
    types: list[Link],
    positions: Sequence[tuple[Any, ...]],
    eco: str,
    linker: Linker,
) -> list[InfoRow]:
    lang = linker.lang
    by_local = {g.predicate.iri.removeprefix(eco): g for g in groups if g.predicate.iri.startswith(eco)}
    rows = [InfoRow(word("type", lang), [[Value(link=t) for t in types]])] if types else []
    names = _names(labels)
    aliases = [v for g in groups if g.predicate.iri == SKOS + "altLabel" for f in g.facts for v in f.values]
    if names:
        rows.append(InfoRow(word("names", lang), [names]))
    if aliases:
        rows.append(InfoRow(word("also known as", lang), [aliases]))
    if positions:
        rows.append(InfoRow(word("positions", lang), [_positions(positions, linker)]))
    rows += _funding_flow(by_local, lang)
    for local in MONEY:
        if local in by_local:
            label = word("amount", lang) if local in ("amount", "minimumAmount") else _title(by_local[local].predicate)
            rows.append(InfoRow(label, [[v for f in by_local[local].facts for v in f.values]]))
    for local in INFOBOX:
        if local in by_local:
            group = by_local[local]
            rows.append(InfoRow(_title(group.predicate), [[v for f in group.facts for v in f.values]]))
    return rows


def _funding_flow(by_local: dict[str, PropertyGroup], lang: str) -> list[InfoRow]:
    """Funder → recipient on one line when the funding names both; else the one it names."""
    sides = [by_local[k] for k in ("funder", "recipient") if k in by_local]
    values = [[v for f in side.facts for v in f.values] for side in sides]
    if len(sides) == 2:
        return [InfoRow(f"{_title(sides[0].predicate)} → {sides[1].predicate.label}", values)]
    return [InfoRow(_title(side.predicate), [group]) for side, group in zip(sides, values, strict=True)]


def _names(labels: dict[str, list[str]]) -> list[Value]:
    """Each name once, with the languages it is given in ("en, nl")."""
    codes: dict[str, list[str]] = defaultdict(list)
    for code, names in labels.items():
        for name in names:
            codes[name].append(code)
    return [Value(text=name, lang=", ".join(c for c in langs if c)) for name, langs in codes.items()]


def _title(link: Link) -> str:
    return link.label[:1].upper() + link.label[1:]


def _positions(rows: Sequence[tuple[Any, ...]], linker: Linker) -> list[Value]:
    """A person's positions as "CEO of Novel-T" (the job title in the page's language where there is one)."""
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    orgs: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for _e, position, title, org, org_label in rows:
        if title is not None:
            titles[position.value].setdefault(title.language or "", title.value)
        if org is not None:
            orgs[position.value][org.value]
            if org_label is not None:
                orgs[position.value][org.value].setdefault(org_label.language or "", org_label.value)
    values = []
    for position in sorted({r[1].value for r in rows}):
        title = pick_label(titles[position], linker.lang)
        places = sorted(orgs[position].items())
        if not places:
            values.append(Value(link=linker.link(position), before="") if title is None else Value(text=title))
            continue
        for org, org_labels in places:
            before = f"{title} {word('of', linker.lang)} " if title else ""
            values.append(Value(link=linker.link(org, org_labels), before=before))
    return values


# ------------------------------------------------------------------------------------- the article text --


async def _article_text(
    site: SiteLike, iri: str, rows: Sequence[Row], eco: str, dist: Path, linker: Linker
) -> ArticleText | None:
    """The article's text (dist/texts/<seed file>) with every quoted passage marked, and what each says."""
    seed = next((n.value for p, n, _l, _g in rows if p.value == eco + "seedFile" and isinstance(n, ox.Literal)), "")
    path = dist / "texts" / seed
    if not re.fullmatch(r"[\w.-]{1,200}\.txt", seed) or not path.is_file():
        return None
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    quoted = await site.query(_sparql(QUOTED, site.base), bindings={"e": ox.NamedNode(iri)})
    article = mark_quotes(text, _passages(quoted.rows, linker))
    codes = {EU_CODES.get(n.value.rsplit("/", 1)[-1], "") for p, n, _l, _g in rows if p.value == DCTERMS + "language"}
    article.lang = codes.pop() if len(codes) == 1 else ""  # a text in two languages gets no lang attribute
    return article


def _passages(rows: Sequence[tuple[Any, ...]], linker: Linker) -> list[QuotedPassage]:
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for _e, s, _p, o, _q, s_label, o_label in rows:
        for node, label in ((s, s_label), (o, o_label)):
            if label is not None:
                labels[_key(node)].setdefault(label.language or "", label.value)
    facts: dict[str, dict[tuple[str, str, str], tuple[Link, Link, Value]]] = defaultdict(dict)
    for _e, s, p, o, quote, _sl, _ol in rows:
        facts[quote.value][(_key(s), p.value, _key(o))] = (
            linker.link(_key(s), labels.get(_key(s))),
            linker.link(p.value),
            linker.value(o, labels.get(_key(o))),
        )
    return [QuotedPassage(0, quote, [facts[quote][k] for k in sorted(facts[quote])]) for quote in sorted(facts)]


def mark_quotes(text: str, passages: list[QuotedPassage]) -> ArticleText:
    """Split `text` into pieces, each marked with the passage it belongs to (white space in a quote matches any
    run of white space, as the build compares them); passages are numbered in the order of the text. Where
    passages overlap, the piece belongs to the one that starts first."""
    placed: list[tuple[int, int, QuotedPassage]] = []
    unplaced = 0
    for passage in passages:
        pattern = r"\s+".join(re.escape(part) for part in passage.quote.split())
        found = re.search(pattern, text) if pattern else None
        if found is None:
            unplaced += 1
            continue
        placed.append((found.start(), found.end(), passage))
    placed.sort(key=lambda p: (p[0], -p[1]))
    pieces: list[tuple[str, int]] = []
    at = 0
    for number, (start, end, passage) in enumerate(placed, start=1):
        passage.number = passage.mark = number
        if end <= at:  # inside the passage marked before it
            passage.mark = pieces[-1][1]
            continue
        if start > at:
            pieces.append((text[at:start], 0))
        pieces.append((text[max(start, at) : end], number))
        at = end
    if at < len(text):
        pieces.append((text[at:], 0))
    shown = [passage for _s, _e, passage in placed]
    return ArticleText(pieces=pieces, passages=shown, unplaced=unplaced)
