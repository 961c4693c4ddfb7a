"""The search index: every entity's names, folded for matching, in one SQLite file made at build time.

`write_index(triples, path)` writes dist/search.sqlite; `search(path, text)` answers from it, read-only.
Names are folded (`fold`): case, accents, apostrophes and punctuation do not count, so "d'hondt" finds
"D’Hondt" and "TechMed-Centrum" finds "TechMed Centrum". A name equal to the query ranks first, then names
that start with it, then names holding its words (FTS5, `unicode61 remove_diacritics 2`, the last word as a
prefix). One result per entity, by its best-matching name.

The file is byte-for-byte the same for the same triples: rows go in sorted order, with a fixed page size and
no journal, and the file is vacuumed at the end.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import DistError
from .namespaces import DCTERMS, FOAF, RDF, RDFS, SKOS

INDEX_FILE = "search.sqlite"
LAYOUT = "ecograph-search-1"
NAME_PREDICATES = {
    RDFS + "label": 0,
    SKOS + "prefLabel": 0,
    DCTERMS + "title": 0,
    FOAF + "name": 0,
    SKOS + "altLabel": 1,  # an alias
}
SNIPPET_PREDICATES = (DCTERMS + "description", SKOS + "definition")
EXACT, PREFIX, WORDS = 3.0, 2.0, 1.0
CANDIDATES = 1000  # names read per kind of match: bounds the work of a query on a large graph
MAX_QUERY = 200
_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
_NOT_WORD = re.compile(r"[\W_]+")

SCHEMA = """
PRAGMA page_size = 4096;
PRAGMA journal_mode = OFF;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entity (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, labels TEXT NOT NULL, snippets TEXT NOT NULL,
                     types TEXT NOT NULL, sortkey TEXT NOT NULL);
CREATE TABLE name (id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, name TEXT NOT NULL, lang TEXT NOT NULL,
                   alias INTEGER NOT NULL, folded TEXT NOT NULL);
CREATE INDEX name_folded ON name (folded);
CREATE VIRTUAL TABLE name_words USING fts5 (folded, content='name', content_rowid='id',
                                            tokenize="unicode61 remove_diacritics 2");
"""


def fold(text: str) -> str:
    """The text as names are compared: lower case, without accents or apostrophes, punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", bare)).split())


# ---------------------------------------------------------------------------------------------- writing --


@dataclass
class _Entity:
    names: set[tuple[str, str, int]] = field(default_factory=set)  # (name, language, alias)
    types: set[str] = field(default_factory=set)
    snippets: dict[str, str] = field(default_factory=dict)


def write_index(triples: Iterable[ox.Triple], path: Path) -> None:
    """Write the index of every named entity among `triples` to `path` (replaced when it exists)."""
    entities = _collect(triples)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    connection = sqlite3.connect(tmp, isolation_level=None)
    try:
        connection.executescript(SCHEMA)
        connection.execute("BEGIN")
        connection.execute("INSERT INTO meta VALUES ('layout', ?)", (LAYOUT,))
        _insert(connection, entities)
        connection.execute("INSERT INTO name_words (name_words) VALUES ('rebuild')")
        connection.execute("INSERT INTO name_words (name_words) VALUES ('optimize')")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()
    os.replace(tmp, path)


def _collect(triples: Iterable[ox.Triple]) -> dict[str, _Entity]:
    entities: dict[str, _Entity] = defaultdict(_Entity)
    types: dict[str, set[str]] = defaultdict(set)
    snippets: dict[str, dict[str, str]] = defaultdict(dict)
    for triple in triples:
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if predicate in NAME_PREDICATES and isinstance(obj, ox.Literal) and fold(obj.value):
            entities[subject.value].names.add((obj.value, obj.language or "", NAME_PREDICATES[predicate]))
        elif predicate == RDF + "type" and isinstance(obj, ox.NamedNode):
            types[subject.value].add(obj.value)
        elif predicate in SNIPPET_PREDICATES and isinstance(obj, ox.Literal):
            known = snippets[subject.value].get(obj.language or "")
            if known is None or obj.value < known:  # the same snippet whatever the order of the triples
                snippets[subject.value][obj.language or ""] = obj.value
    for iri, entity in entities.items():
        entity.types = types.get(iri, set())
        entity.snippets = snippets.get(iri, {})
    return entities


def _insert(connection: sqlite3.Connection, entities: dict[str, _Entity]) -> None:
    name_id = 0
    for number, iri in enumerate(sorted(entities), start=1):
        entity = entities[iri]
        labels: dict[str, str] = {}
        for name, lang, alias in sorted(entity.names, key=lambda n: (n[2], n[1], n[0])):
            if not alias:
                labels.setdefault(lang, name)
        sortkey = fold(labels.get("en") or next(iter(labels.values()), "") or min(entity.names)[0])
        types = " ".join(sorted(entity.types))
        connection.execute(
            "INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?)",
            (number, iri, _json(labels), _json(entity.snippets), types, sortkey),
        )
        for name, lang, alias in sorted(entity.names):
            name_id += 1
            connection.execute(
                "INSERT INTO name VALUES (?, ?, ?, ?, ?, ?)", (name_id, number, name, lang, alias, fold(name))
            )


def _json(value: dict[str, str]) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------- reading --


@dataclass
class Hit:
    """One entity found: its IRI, labels and snippets by language, types, the name that matched, and the score
    (3 and more: a name equals the query; 2: a name starts with it; 1: a name holds its words)."""

    iri: str
    labels: dict[str, str]
    snippets: dict[str, str]
    types: list[str]
    matched: str
    score: float


@dataclass
class Answer:
    hits: list[Hit]
    facets: list[tuple[str, int]]  # (type IRI, entities found of that type), most first
    total: int  # entities found (of the chosen type), at most about CANDIDATES per kind of match
    truncated: bool  # more matched than were read


def search(path: Path, text: str, *, kind: str | None = None, limit: int = 100) -> Answer:
    """The entities whose names match `text`, best first, `limit` at most; only those of type `kind` when
    given. Opens the index read-only; raises DistError when the build has none."""
    query = fold(text[:MAX_QUERY])
    if not query:
        return Answer([], [], 0, False)
    if not path.is_file():
        raise DistError(f"{path} is missing: this build has no search index; build again (ecograph build)")
    connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        scores, truncated = _scores(connection, query)
        return _answer(connection, scores, kind, limit, truncated)
    finally:
        connection.close()


Scores = dict[int, tuple[float, int, str, str]]  # entity → (score, name id, types, sort key)
FOUND = "SELECT name.entity, name.id, name.alias, name.folded, entity.types, entity.sortkey FROM "


def _scores(connection: sqlite3.Connection, query: str) -> tuple[Scores, bool]:
    """The best score of every entity found, with the name that gave it, its types and sort key."""
    exact = connection.execute(
        FOUND + "name JOIN entity ON entity.id = name.entity WHERE folded = ? LIMIT ?", (query, CANDIDATES)
    )
    prefix = connection.execute(
        FOUND + "name JOIN entity ON entity.id = name.entity WHERE folded > ? AND folded < ? ORDER BY folded LIMIT ?",
        (query, query + "\U0010ffff", CANDIDATES),
    )
    words = connection.execute(
        FOUND + "name_words JOIN name ON name.id = name_words.rowid JOIN entity ON entity.id = name.entity"
        " WHERE name_words MATCH ? LIMIT ?",
        (_match_expression(query), CANDIDATES),
    )
    best: Scores = {}
    truncated = False
    for tier, rows in ((EXACT, exact.fetchall()), (PREFIX, prefix.fetchall()), (WORDS, words.fetchall())):
        truncated = truncated or len(rows) == CANDIDATES
        for entity, name_id, alias, folded, types, sortkey in rows:
            score = round(tier + 0.5 * len(query) / max(len(folded), len(query)) + (0 if alias else 0.01), 3)
            if entity not in best or score > best[entity][0]:
                best[entity] = (score, name_id, types, sortkey)
    return best, truncated


def _match_expression(query: str) -> str:
    """An FTS5 query: every word of the folded query, the last one as a prefix."""
    words = [f'"{word}"' for word in query.split()]
    return " ".join(words) + "*"


def _answer(connection: sqlite3.Connection, best: Scores, kind: str | None, limit: int, truncated: bool) -> Answer:
    facets = Counter(t for _score, _name, types, _key in best.values() for t in types.split())
    chosen = [entity for entity, found in best.items() if kind is None or kind in found[2].split()]
    chosen.sort(key=lambda entity: (-best[entity][0], best[entity][3], entity))
    shown = chosen[:limit]
    marks = ",".join("?" * len(shown))
    entities = {
        row[0]: row[1:]
        for row in connection.execute(f"SELECT id, iri, labels, snippets FROM entity WHERE id IN ({marks})", shown)
    }
    names = dict(
        connection.execute(f"SELECT id, name FROM name WHERE id IN ({marks})", [best[e][1] for e in shown]).fetchall()
    )
    hits = [
        Hit(
            iri=entities[e][0],
            labels=json.loads(entities[e][1]),
            snippets=json.loads(entities[e][2]),
            types=best[e][2].split(),
            matched=names[best[e][1]],
            score=best[e][0],
        )
        for e in shown
    ]
    return Answer(hits, sorted(facets.items(), key=lambda f: (-f[1], f[0])), len(chosen), truncated)
