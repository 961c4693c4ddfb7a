"""Values as people read them, in English or Dutch: amounts of money with their currency and qualifier
("over €11 million", "€2,000,000"), dates ("22 February 2021", "22 februari 2021") and whole numbers
("1,500" / "1.500"); and the words the entity pages use."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from ...namespaces import XSD

CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£"}
MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
}
MILLION = {"en": "million", "nl": "miljoen"}
OVER = {"en": "over", "nl": "meer dan"}
NUMBERS = {XSD + name for name in ("decimal", "integer", "nonNegativeInteger", "positiveInteger", "int", "long")}
DATES = {XSD + name for name in ("date", "gYearMonth", "gYear", "gMonthDay", "dateTime")}

WORDS = {
    "en": {
        "type": "Type",
        "key facts": "Key facts",
        "also as": "Also as:",
        "names": "Names",
        "also known as": "Also known as",
        "positions": "Positions",
        "amount": "Amount",
        "facts": "Facts",
        "referred to by": "Referred to by",
        "no facts": "No facts have this resource as their subject.",
        "no links": "No other resource refers to this one.",
        "property": "Property",
        "value and quote": "Value and the quote that supports it",
        "incoming property": "Relation (from the resource on the right)",
        "resource and quote": "Resource and the quote that supports it",
        "graph link": "Every fact this article states, with its quote:",
        "graph link text": "the article's named graph",
        "article text": "The article, with every quoted passage marked",
        "quoted facts": "What each passage says",
        "of": "of",
        "inferred": "inferred",
        "no text": "The text of this article is not part of this build.",
        "curated name": "curated name",
        "kind translation": "translation",
        "kind official-name": "official name",
        "kind abbreviation": "abbreviation",
        "kind display-label": "display label",
        "kind other-name": "other name",
        "inferred from": "inferred from",
        "resting on": "which follows from",
        "axiom inverse": "{} is the inverse of {}",
        "axiom transitive": "{} is transitive",
        "axiom symmetric": "{} is symmetric",
        "line": "line",
        "named graph": "named graph",
        "graph of": "Graph of",
        "title names": "Curated names",
        "title inferences": "Inferred statements",
        "about claims": "{} triples: {} facts, each with its quote, about {} resources.",
        "about names": "{} triples: {} names that no article states, each with its kind, who curated it and why, "
        "of {} resources.",
        "about inferences": "{} triples: {} statements that the ontology's axioms imply, each with its axiom and "
        "the claims it follows from, about {} resources.",
        "whole graph": "The RDF forms give the whole graph at once; ?page= pages this page only.",
        "resources": "Resources",
        "heading claims": "Facts {}–{} of {}",
        "heading names": "Names {}–{} of {}",
        "heading inferences": "Statements {}–{} of {}",
        "subject": "Subject",
        "value and why": "Value, and why it is in the data",
        "previous": "← previous",
        "next": "next →",
        "page of": "page {} of {}",
        "pages": "Pages",
        "skip": "Skip to content",
        "main nav": "Main",
        "nav search": "Search",
        "nav editor": "SPARQL editor",
        "nav ontology": "Ontology",
        "nav downloads": "Downloads",
        "search labels": "Search labels…",
        "footer": "— a knowledge graph of innovation ecosystems, every fact with the quote that supports it.",
        "data": "Data:",
        "endpoint": "SPARQL endpoint",
        "ontology": "ontology",
        "search": "Search",
        "name": "Name",
        "example": "e.g. {}",
        "search hint": "a name, or part of one",
        "search rules": "Names and aliases equal to it come first, then names that start with it, then names holding "
        "its words; case, accents and punctuation do not count.",
        "filter by type": "Filter by type",
        "all types": "all types",
        "results": "{} results",
        "result": "1 result",
        "for": "for",
        "best shown": "(the best {} shown)",
        "known as": "also known as {}",
        "nothing found": "Nothing found for",
        "of this type": "of this type",
        "as json": "As JSON:",
        "more quotes": "{} more quotes",
        "more quote": "1 more quote",
        "problem empty": "Type a name, or part of one.",
        "problem long": "That is {} characters long; names are shorter. Search for at most {} characters.",
        "problem no letters": "That holds no letters or digits to look for; type a name, or part of one.",
    },
    "nl": {
        "type": "Soort",
        "key facts": "Kerngegevens",
        "also as": "Ook als:",
        "names": "Namen",
        "also known as": "Ook bekend als",
        "positions": "Functies",
        "amount": "Bedrag",
        "facts": "Feiten",
        "referred to by": "Verwezen door",
        "no facts": "Geen feiten hebben dit als onderwerp.",
        "no links": "Geen andere bron verwijst hiernaar.",
        "property": "Eigenschap",
        "value and quote": "Waarde en het citaat dat haar steunt",
        "incoming property": "Relatie (vanuit de bron rechts)",
        "resource and quote": "Bron en het citaat dat haar steunt",
        "graph link": "Elk feit dat dit artikel noemt, met zijn citaat:",
        "graph link text": "de benoemde graaf van het artikel",
        "article text": "Het artikel, met elke geciteerde passage gemarkeerd",
        "quoted facts": "Wat elke passage zegt",
        "of": "bij",
        "inferred": "afgeleid",
        "no text": "De tekst van dit artikel is geen deel van deze build.",
        "curated name": "redactionele naam",
        "kind translation": "vertaling",
        "kind official-name": "officiële naam",
        "kind abbreviation": "afkorting",
        "kind display-label": "weergavenaam",
        "kind other-name": "andere naam",
        "inferred from": "afgeleid uit",
        "resting on": "dat volgt uit",
        "axiom inverse": "{} is het omgekeerde van {}",
        "axiom transitive": "{} is transitief",
        "axiom symmetric": "{} is symmetrisch",
        "line": "regel",
        "named graph": "benoemde graaf",
        "graph of": "Graaf van",
        "title names": "Redactionele namen",
        "title inferences": "Afgeleide uitspraken",
        "about claims": "{} triples: {} feiten, elk met zijn citaat, over {} bronnen.",
        "about names": "{} triples: {} namen die geen artikel noemt, elk met de soort, wie hem koos en waarom, "
        "van {} bronnen.",
        "about inferences": "{} triples: {} uitspraken die de axioma's van de ontologie inhouden, elk met zijn "
        "axioma en de claims waaruit hij volgt, over {} bronnen.",
        "whole graph": "De RDF-vormen geven de hele graaf in één keer; ?page= verdeelt alleen deze pagina.",
        "resources": "Bronnen",
        "heading claims": "Feiten {}–{} van {}",
        "heading names": "Namen {}–{} van {}",
        "heading inferences": "Uitspraken {}–{} van {}",
        "subject": "Onderwerp",
        "value and why": "Waarde, en waarom die in de data staat",
        "previous": "← vorige",
        "next": "volgende →",
        "page of": "pagina {} van {}",
        "pages": "Pagina's",
        "skip": "Naar de inhoud",
        "main nav": "Hoofdmenu",
        "nav search": "Zoeken",
        "nav editor": "SPARQL-editor",
        "nav ontology": "Ontologie",
        "nav downloads": "Downloads",
        "search labels": "Zoek namen…",
        "footer": "— een kennisgraaf van innovatie-ecosystemen, elk feit met het citaat dat het steunt.",
        "data": "Data:",
        "endpoint": "SPARQL-endpoint",
        "ontology": "ontologie",
        "search": "Zoeken",
        "name": "Naam",
        "example": "bijv. {}",
        "search hint": "een naam, of een deel ervan",
        "search rules": "Namen en aliassen die er gelijk aan zijn komen eerst, dan namen die ermee beginnen, dan namen "
        "met de woorden ervan; hoofdletters, accenten en leestekens tellen niet.",
        "filter by type": "Filter op soort",
        "all types": "alle soorten",
        "results": "{} resultaten",
        "result": "1 resultaat",
        "for": "voor",
        "best shown": "(de beste {} getoond)",
        "known as": "ook bekend als {}",
        "nothing found": "Niets gevonden voor",
        "of this type": "van deze soort",
        "as json": "Als JSON:",
        "more quotes": "nog {} citaten",
        "more quote": "nog 1 citaat",
        "problem empty": "Typ een naam, of een deel ervan.",
        "problem long": "Dat is {} tekens lang; namen zijn korter. Zoek naar hoogstens {} tekens.",
        "problem no letters": "Daarin staan geen letters of cijfers om te zoeken; typ een naam, of een deel ervan.",
    },
}


def word(key: str, lang: str) -> str:
    return WORDS.get(lang, WORDS["en"]).get(key, WORDS["en"][key])


def number(text: str, lang: str) -> str:
    """A number with thousands grouped ("2,000,000" / "2.000.000"), as written when it is not one."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    shown = f"{int(value):,}" if value == value.to_integral_value() else f"{value.normalize():,f}"
    return shown.translate(str.maketrans(",.", ".,")) if lang == "nl" else shown


def money(amount: str, currency: str | None, lang: str, *, minimum: bool = False) -> str:
    """An amount as money: "€2,000,000", "over €11 million" (whole millions from ten million up), with the
    currency's sign (or its code) when the data gives one."""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return amount
    if value >= 10_000_000 and value % 1_000_000 == 0:
        shown = f"{number(str(value / 1_000_000), lang)} {MILLION.get(lang, MILLION['en'])}"
    else:
        shown = number(amount, lang)
    if currency:
        sign = CURRENCY_SIGNS.get(currency)
        shown = f"{sign}{shown}" if sign else f"{currency} {shown}"
    return f"{OVER.get(lang, OVER['en'])} {shown}" if minimum else shown


def date(text: str, datatype: str, lang: str) -> str:
    """An xsd:date ("22 February 2021"), gYearMonth ("February 2021") or gMonthDay ("22 February") as words."""
    months = MONTHS.get(lang, MONTHS["en"])
    try:
        if datatype in (XSD + "date", XSD + "dateTime"):
            day = dt.date.fromisoformat(text[:10])
            return f"{day.day} {months[day.month - 1]} {day.year}"
        if datatype == XSD + "gYearMonth" and re.fullmatch(r"\d{4}-\d{2}", text):
            return f"{months[int(text[5:7]) - 1]} {text[:4]}"
        if datatype == XSD + "gMonthDay" and re.fullmatch(r"--\d{2}-\d{2}", text):
            return f"{int(text[5:7])} {months[int(text[2:4]) - 1]}"
    except (ValueError, IndexError):
        return text
    return text


def literal(text: str, datatype: str, lang: str) -> str | None:
    """A number or date as words, or None for other literals (shown as written)."""
    if datatype in NUMBERS:
        return number(text, lang)
    if datatype in DATES:
        return date(text, datatype, lang)
    return None
