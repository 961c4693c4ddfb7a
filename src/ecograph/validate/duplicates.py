"""Likely duplicates: a new entity whose label or alias names an entity that is already published.

Names are compared after normalising what does not tell two organisations apart: case, accents, punctuation,
legal forms (B.V., N.V., GmbH …), a leading article (the, de, het), and the forms of the same word in other
languages ("Universiteit Leiden" = "Leiden University", "centrum" = "centre" = "center"): the words of each
language are in NAME_WORDS, a general table keyed by language. An exact match after normalising is a likely
duplicate; a new name that begins with a whole published name ("Acme Microsystems" after "Acme") is a possible
one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NameWords:
    """The words of one language that do not tell two organisations apart, and forms that mean the same."""

    legal_forms: frozenset[str] = frozenset()  # B.V., GmbH … (written without dots: bv, gmbh)
    articles: frozenset[str] = frozenset()  # a leading article: the, de …
    fillers: frozenset[str] = frozenset()  # of, van, and …
    variants: Mapping[str, str] = field(default_factory=dict)  # a word -> the (English) form it is compared in


# A general table keyed by ISO 639-1 code; names are compared with the words of every language in it.
NAME_WORDS = {
    "en": NameWords(
        legal_forms=frozenset({"ltd", "limited", "inc", "llc", "plc", "holding", "co", "corp", "corporation"}),
        articles=frozenset({"the", "a", "an"}),
        fillers=frozenset({"of", "for", "and", "in", "the"}),
        variants={"univ": "university", "center": "centre", "technologies": "technology", "labs": "lab"},
    ),
    "nl": NameWords(
        legal_forms=frozenset({"bv", "nv", "vof", "cv", "bvba"}),
        articles=frozenset({"de", "het", "een"}),
        fillers=frozenset({"van", "voor", "en", "in", "de", "het"}),
        variants={
            "universiteit": "university",
            "hogeschool": "university-of-applied-sciences",
            "centrum": "centre",
            "provincie": "province",
            "gemeente": "municipality",
            "ministerie": "ministry",
            "stichting": "foundation",
            "instituut": "institute",
            "ziekenhuis": "hospital",
            "medisch": "medical",
            "universitair": "university",
            "europese": "european",
            "commissie": "commission",
            "nederland": "netherlands",
            "economische": "economic",
            "zaken": "affairs",
            "klimaat": "climate",
            "technologie": "technology",
            "laboratorium": "lab",
        },
    ),
    "de": NameWords(legal_forms=frozenset({"gmbh", "ag"})),
    "fr": NameWords(legal_forms=frozenset({"sa", "sarl"})),
}
LEGAL_FORMS = frozenset().union(*(words.legal_forms for words in NAME_WORDS.values()))
LEADING_ARTICLES = frozenset().union(*(words.articles for words in NAME_WORDS.values()))
FILLERS = frozenset().union(*(words.fillers for words in NAME_WORDS.values()))
WORD_VARIANTS = {word: form for words in NAME_WORDS.values() for word, form in words.variants.items()}


@dataclass(frozen=True)
class Match:
    """A new name that matches a published entity's name."""

    new_iri: str
    new_name: str
    existing_iri: str
    existing_name: str
    exact: bool


def normalise(name: str) -> str:
    """A name reduced to what tells entities apart: 'Universiteit Leiden' -> 'leiden university'."""
    words = _words(name)
    while words and words[0] in LEADING_ARTICLES and len(words) > 1:
        words = words[1:]
    words = [WORD_VARIANTS.get(w, w) for w in words if w not in LEGAL_FORMS]
    core = [w for w in words if w not in FILLERS]
    return " ".join(sorted(core)) if core else " ".join(words)


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace("+", " plus ")
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)  # b.v. -> bv.
    text = re.sub(r"(?<=\b[a-z])\.(?=\s|$)", "", text)
    return re.findall(r"[a-z0-9]+", text)


def _prefix_words(name: str) -> list[str]:
    return [w for w in _words(name) if w not in LEGAL_FORMS]


@dataclass
class NameIndex:
    """Published names by their normalised form (exact matches) and by their first word (prefix matches)."""

    exact: Mapping[str, list[tuple[str, str]]]  # a dict, or a look-up in an on-disk index
    firsts: Mapping[str, list[tuple[str, str, list[str]]]]


def name_keys(name: str) -> tuple[str, list[str] | None]:
    """How a published name is indexed: its normalised form (for exact matches), and its words when a longer
    new name may begin with them (for prefix matches; None when the name is too short for that)."""
    words = _prefix_words(name)
    return normalise(name), (words if words and len("".join(words)) >= 4 else None)


def index_names(existing: Iterable[tuple[str, str]]) -> NameIndex:
    """Index (IRI, name) pairs of published entities once; `find_duplicates` then looks names up in it."""
    index: dict[str, list[tuple[str, str]]] = {}
    firsts: dict[str, list[tuple[str, str, list[str]]]] = {}
    for iri, name in existing:
        key, words = name_keys(name)
        if key:
            index.setdefault(key, []).append((iri, name))
        if words:
            firsts.setdefault(words[0], []).append((iri, name, words))
    return NameIndex(index, firsts)


def find_duplicates(
    new: dict[str, list[str]], existing: Iterable[tuple[str, str]] | NameIndex, compatible: object = None
) -> list[Match]:
    """Matches between new entities' names and published names.

    `new` maps a new entity's IRI to its labels and aliases; `existing` gives (IRI, name) pairs of published
    entities (or their `index_names`); `compatible(new_iri, existing_iri)` says whether the two could be the
    same kind of thing.
    """
    names = existing if isinstance(existing, NameIndex) else index_names(existing)
    index, firsts = names.exact, names.firsts
    matches: dict[tuple[str, str], Match] = {}
    for new_iri, names_of_new in new.items():
        for name in names_of_new:
            for match in _matches(new_iri, name, index, firsts):
                if callable(compatible) and not compatible(new_iri, match.existing_iri):
                    continue
                key = (new_iri, match.existing_iri)
                if key not in matches or (match.exact and not matches[key].exact):
                    matches[key] = match
    return sorted(matches.values(), key=lambda m: (m.new_iri, not m.exact, m.existing_iri))


def _matches(
    new_iri: str,
    name: str,
    index: Mapping[str, list[tuple[str, str]]],
    firsts: Mapping[str, list[tuple[str, str, list[str]]]],
) -> list[Match]:
    found = [
        Match(new_iri, name, iri, existing, True) for iri, existing in index.get(normalise(name), []) if iri != new_iri
    ]
    words = _prefix_words(name)
    for iri, existing, existing_words in firsts.get(words[0] if words else "", []):
        if iri != new_iri and len(words) > len(existing_words) and words[: len(existing_words)] == existing_words:
            found.append(Match(new_iri, name, iri, existing, False))
    return found
