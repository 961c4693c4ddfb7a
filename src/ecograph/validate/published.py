"""The published graph (dist/ecograph.trig) as the context a contribution is checked in.

A contribution may refer to entities that are already published; their types and labels then count when it is
validated, and new entities are compared with the published ones to catch duplicates.

A small TriG (up to IN_MEMORY_LIMIT bytes, such as the seed's) is read into memory: that takes a few hundredths
of a second. A larger one is not parsed at all: validate opens, read-only, the on-disk Oxigraph store that
`ecograph serve` keeps for the same TriG (see store.py: built once if missing) and looks up only the IRIs the
contribution mentions. What duplicate detection needs from every entity — the normalised labels and aliases — is
indexed once per TriG and kept beside the store (names-v1-<sha256>.sqlite).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store, Triple

from ..errors import EcographError
from ..namespaces import RDF, RDFS, SKOS
from ..store import prepare_store, store_folder
from .duplicates import NameIndex, index_names, name_keys

RDF_TYPE = NamedNode(RDF + "type")
LABEL = NamedNode(RDFS + "label")
ALT_LABEL = NamedNode(SKOS + "altLabel")
CLAIM_TYPE_SUFFIX = "def#Claim"
DUMP = "ecograph.trig"
IN_MEMORY_LIMIT = 2 << 20  # bytes of TriG read into memory; a larger one is looked up in the on-disk store
INDEX_LAYOUT = "names-v1"  # bump when the index's content changes


class PublishedGraphMissing(EcographError):
    """There is no published graph to check a contribution against."""


@dataclass(frozen=True)
class Name:
    """A label or alias of a published entity."""

    iri: str
    text: str
    language: str
    is_alias: bool


class Published:
    """The published dataset in a store (in memory, or on disk read-only); read-only look-ups by IRI."""

    def __init__(
        self, store: Store, source: Path | None, *, merged: bool = False, index_file: Path | None = None
    ) -> None:
        self.store = store
        self.source = source
        # an on-disk store holds the merge of the named graphs as its default graph: look there only
        self._graph = DefaultGraph() if merged else None
        self._index_file = index_file
        self.built_store: float | None = None  # seconds spent building the on-disk store in this run

    @classmethod
    def empty(cls) -> Published:
        return cls(Store(), None)

    @classmethod
    def load(cls, against: Path) -> Published:
        """DIST/ecograph.trig (or a TriG/N-Quads file given directly): a large dist/ecograph.trig through its
        on-disk store, anything else read into memory."""
        dump = against / DUMP if against.is_dir() else against
        if not dump.is_file():
            raise PublishedGraphMissing(
                f"no published graph at {dump}: build it with `ecograph build` (it writes dist/{DUMP}), "
                "or point --against at a folder that holds ecograph.trig"
            )
        if dump.name == DUMP and dump.stat().st_size > IN_MEMORY_LIMIT:
            on_disk = _on_disk(dump)
            if on_disk is not None:
                return on_disk
        return cls._in_memory(dump)

    @classmethod
    def _in_memory(cls, dump: Path) -> Published:
        store = Store()
        fmt = RdfFormat.N_QUADS if dump.suffix == ".nq" else RdfFormat.TRIG
        try:
            store.bulk_load(path=str(dump), format=fmt)
        except (SyntaxError, OSError, ValueError) as error:
            raise PublishedGraphMissing(
                f"cannot read the published graph {dump}: {error}. Rebuild it with `ecograph build`."
            ) from error
        return cls(store, dump)

    def _quads(self, subject: NamedNode | None, predicate: NamedNode | None) -> Iterator[Quad]:
        return self.store.quads_for_pattern(subject, predicate, None, self._graph)

    def knows(self, iri: str) -> bool:
        return next(iter(self._quads(NamedNode(iri), None)), None) is not None

    def types(self, iri: str) -> set[str]:
        return {q.object.value for q in self._quads(NamedNode(iri), RDF_TYPE) if not isinstance(q.object, Triple)}

    def values(self, iri: str, predicate: NamedNode) -> set[NamedNode | BlankNode | Literal | Triple]:
        return {q.object for q in self._quads(NamedNode(iri), predicate)}

    def context(
        self,
        iris: set[str],
        described: AbstractSet[str] = frozenset(),
    ) -> set[tuple[NamedNode | BlankNode | Triple, NamedNode, NamedNode | BlankNode | Literal | Triple]]:
        """The published types and labels of these IRIs: what a contribution's references need; and every published
        fact of the `described` ones, the entities the contribution adds facts to (so a shape that needs one of
        their facts, such as a funding's funder, sees it)."""
        found = set()
        for iri in iris:
            for predicate in (None,) if iri in described else (RDF_TYPE, LABEL, ALT_LABEL):
                for quad in self._quads(NamedNode(iri), predicate):
                    found.add((quad.subject, quad.predicate, quad.object))
        return found

    def label(self, iri: str, languages: tuple[str, ...] = ("en",)) -> str | None:
        """The label in the first of `languages` it has, else in another language (by code), else any."""
        labels = {lit.language: lit.value for lit in self.values(iri, LABEL) if isinstance(lit, Literal)}
        for language in (*languages, *sorted(k for k in labels if k)):
            if language in labels:
                return labels[language]
        return next(iter(labels.values()), None)

    @cached_property
    def names(self) -> list[Name]:
        """Every label and alias of every published entity (claims and articles left out)."""
        if self._index_file is not None:
            rows = self._index.execute("SELECT iri, text, language, is_alias FROM names ORDER BY seq")
            return [Name(iri, text, language, bool(is_alias)) for iri, text, language, is_alias in rows]
        return self._scan_names()

    def _scan_names(self) -> list[Name]:
        names = []
        for predicate, is_alias in ((LABEL, False), (ALT_LABEL, True)):
            for quad in self._quads(None, predicate):
                if isinstance(quad.object, Literal) and isinstance(quad.subject, NamedNode):
                    names.append(Name(quad.subject.value, quad.object.value, quad.object.language or "", is_alias))
        return sorted(set(names), key=lambda n: (n.iri, n.is_alias, n.language, n.text))

    @cached_property
    def entity_ids(self) -> set[str]:
        """The IRIs of all typed entities."""
        if self._index_file is not None:
            return {iri for (iri,) in self._index.execute("SELECT iri FROM entities")}
        return self._scan_entity_ids()

    def _scan_entity_ids(self) -> set[str]:
        return {
            q.subject.value
            for q in self._quads(None, RDF_TYPE)
            if isinstance(q.subject, NamedNode)
            and not isinstance(q.object, Triple)
            and not q.object.value.endswith(CLAIM_TYPE_SUFFIX)
        }

    @cached_property
    def name_index(self) -> NameIndex:
        """The published names indexed for duplicate detection (see duplicates.find_duplicates)."""
        if self._index_file is None:
            return index_names((n.iri, n.text) for n in self.names)
        exact = _Lookup(
            self._index,
            "SELECT n.iri, n.text FROM exact e JOIN names n ON n.seq = e.seq WHERE e.key = ? ORDER BY e.seq",
            lambda row: (row[0], row[1]),
        )
        firsts = _Lookup(
            self._index,
            "SELECT n.iri, n.text, f.words FROM firsts f JOIN names n ON n.seq = f.seq WHERE f.word = ? ORDER BY f.seq",
            lambda row: (row[0], row[1], json.loads(row[2])),
        )
        return NameIndex(exact, firsts)

    @cached_property
    def _index(self) -> sqlite3.Connection:
        """The index of an on-disk store's names (SQLite): opened read-only, or made once per TriG and kept."""
        assert self._index_file is not None
        with contextlib.suppress(sqlite3.Error):
            return _open_index(self._index_file)
        with contextlib.suppress(OSError, sqlite3.Error):
            handle, scratch = tempfile.mkstemp(prefix=f".{self._index_file.name}.", dir=self._index_file.parent)
            os.close(handle)
            try:
                connection = sqlite3.connect(scratch)
                self._fill_index(connection)
                connection.close()
                os.chmod(scratch, 0o644)
                os.replace(scratch, self._index_file)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(scratch)
            return _open_index(self._index_file)
        connection = sqlite3.connect(":memory:")  # cannot keep it: index in memory for this run
        self._fill_index(connection)
        return connection

    def _fill_index(self, connection: sqlite3.Connection) -> None:
        names = self._scan_names()
        connection.executescript(INDEX_SCHEMA)
        connection.executemany(
            "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
            ((seq, n.iri, n.text, n.language, int(n.is_alias)) for seq, n in enumerate(names)),
        )
        exact, firsts = [], []
        for seq, name in enumerate(names):
            key, words = name_keys(name.text)
            if key:
                exact.append((key, seq))
            if words:
                firsts.append((words[0], seq, json.dumps(words)))
        connection.executemany("INSERT INTO exact VALUES (?, ?)", exact)
        connection.executemany("INSERT INTO firsts VALUES (?, ?, ?)", firsts)
        connection.executemany("INSERT INTO entities VALUES (?)", ((iri,) for iri in self._scan_entity_ids()))
        connection.executescript(
            "CREATE INDEX exact_key ON exact (key, seq);CREATE INDEX firsts_word ON firsts (word, seq);"
        )
        connection.commit()


INDEX_SCHEMA = """
CREATE TABLE names (seq INTEGER PRIMARY KEY, iri TEXT, text TEXT, language TEXT, is_alias INTEGER);
CREATE TABLE exact (key TEXT, seq INTEGER);
CREATE TABLE firsts (word TEXT, seq INTEGER, words TEXT);
CREATE TABLE entities (iri TEXT);
"""


def _open_index(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    connection.execute("SELECT 1 FROM names, exact, firsts, entities LIMIT 1").fetchall()  # a complete index
    return connection


class _Lookup(Mapping):
    """A read-only mapping from a key to the rows an SQL query gives for it (what find_duplicates needs)."""

    def __init__(self, connection: sqlite3.Connection, sql: str, row: Callable[[tuple], tuple]) -> None:
        self.connection, self.sql, self.row = connection, sql, row

    def __getitem__(self, key: str) -> list[tuple]:
        rows = [self.row(found) for found in self.connection.execute(self.sql, (key,))]
        if not rows:
            raise KeyError(key)
        return rows

    def get(self, key: str, default: object = None) -> object:
        rows = [self.row(found) for found in self.connection.execute(self.sql, (key,))]
        return rows if rows else default

    def __iter__(self) -> Iterator[str]:
        raise TypeError("an on-disk name index is looked up by key, not listed")

    def __len__(self) -> int:
        raise TypeError("an on-disk name index is looked up by key, not counted")


def _on_disk(dump: Path) -> Published | None:
    """The published graph through the on-disk store `ecograph serve` uses (built now if missing), or None
    when there is no store and it cannot be built (the caller then reads the TriG into memory)."""
    dist = dump.parent
    try:
        target = store_folder(dist)
        started = time.perf_counter()
        built = None
        if not target.is_dir():
            target = prepare_store(dist)
            built = time.perf_counter() - started
        store = Store.read_only(str(target))
    except (EcographError, OSError):
        return None  # read into memory instead (which says what is wrong with a broken TriG)
    digest = target.name.rsplit("-", 1)[-1]
    published = Published(store, dump, merged=True, index_file=target.parent / f"{INDEX_LAYOUT}-{digest}.sqlite")
    published.built_store = built
    return published
