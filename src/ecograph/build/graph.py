"""The published graph: all article graphs together, in a stable order, and its serialisations."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path
from typing import Protocol

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from ..namespaces import RDF, XSD, Compactor
from ..project import Project
from .inference import InferredGraph
from .mapping import ArticleGraph

XSD_STRING = XSD + "string"


class NamedGraph(Protocol):
    """A graph of the dataset: an article's, or the inferred one."""

    @property
    def graph(self) -> NamedNode: ...

    @property
    def sorted_quads(self) -> list[tuple[str, Quad]]: ...


def entity_kinds(subjects: Iterable[str], project: Project) -> set[str]:
    """The kinds of entity (the first path segment after id/) among the subjects' IRIs."""
    start = f"{project.base}id/"
    return {iri[len(start) :].split("/", 1)[0] for iri in subjects if iri.startswith(start)}


class Dataset:
    """All article graphs, the curated names and the inferred graph, quads sorted so every serialisation is
    byte-for-byte repeatable.

    The order is that of the N-Quads text: graph, subject, predicate, object. Every quad of an article is in
    the article's own graph, so the dataset's quads are the graphs' sorted quads, graph after graph in
    the order of their names; each term's text is computed once, per graph (`ArticleGraph.sorted_quads`).
    """

    def __init__(
        self, articles: list[ArticleGraph], names: ArticleGraph | None = None, inferred: InferredGraph | None = None
    ) -> None:
        self.articles = sorted(articles, key=lambda a: str(a.graph))
        self.inferred = inferred
        graphs: list[NamedGraph] = [*self.articles, *([names] if names else []), *([inferred] if inferred else [])]
        self.graphs = sorted(graphs, key=lambda g: str(g.graph))
        # each article's distinct triples, keyed and sorted by their N-Triples text
        self.article_triples = {a.slug: _distinct_triples(a) for a in self.articles}
        # the curated names' graph (not an article's): published with the articles, described on its own
        self.names_triples = _distinct_triples(names) if names else []
        self.inferred_triples = _distinct_triples(inferred) if inferred else []

    def quads(self) -> list[Quad]:
        return [quad for graph in self.graphs for _, quad in graph.sorted_quads]

    def triples(self) -> list[Triple]:
        """The union of the article graphs, the names graph and the inferred graph: each distinct triple once."""
        unique: dict[str, Triple] = {}
        for triples in [*self.article_triples.values(), self.names_triples, self.inferred_triples]:
            for key, triple in triples:
                unique.setdefault(key, triple)
        return [unique[key] for key in sorted(unique)]

    def subjects(self) -> set[str]:
        """The IRIs of every subject."""
        return {
            key[1 : key.index(">")]
            for triples in [*self.article_triples.values(), self.names_triples, self.inferred_triples]
            for key, _ in triples
            if key.startswith("<")
        }


def _distinct_triples(article: NamedGraph) -> list[tuple[str, Triple]]:
    """The graph's triples, each once, with their N-Triples text, in the order of that text.

    A quad's text is its triple's text followed by " <graph>", and " " sorts before any character that can end
    a term, so the sorted quads are also the sorted triples.
    """
    cut = len(str(article.graph)) + 1
    triples: list[tuple[str, Triple]] = []
    for text, quad in article.sorted_quads:
        key = text[:-cut]
        if not triples or triples[-1][0] != key:
            triples.append((key, quad.triple))
    return triples


def write_rdf(items: list[Quad] | list[Triple], path: Path, fmt: RdfFormat, table: dict[str, str]) -> None:
    with path.open("wb") as out:
        serialize(items, out, fmt, prefixes=table)


def write_ntriples_gzip(triples: list[Triple], path: Path) -> None:
    """N-Triples, gzipped with a zero timestamp and no file name so the bytes never change.

    Level 6 (zlib's default) compresses the 1M-triple dump to the same size as level 9 in half the time.
    """
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out:
        serialize(triples, out, RdfFormat.N_TRIPLES)  # type: ignore[arg-type]  # a GzipFile is a binary file


def write_jsonld(quads: list[Quad], path: Path, table: dict[str, str]) -> None:
    """Compact JSON-LD: one object per named graph, nodes with prefixed names, the context inline.

    pyoxigraph only writes expanded JSON-LD; this writes the compact form from the sorted quads in one pass,
    so it stays fast and repeatable on a million triples. The context is inline so that reading the file never
    needs a download; the same context is published as context.jsonld for reuse.
    """
    compact = _Compactor(table)
    with path.open("w", encoding="utf-8") as out:
        context = json.dumps(jsonld_context(table)["@context"], sort_keys=True)
        out.write('{\n  "@context": ' + context + ',\n  "@graph": [')
        for index, (graph, graph_quads) in enumerate(groupby(quads, key=lambda q: q.graph_name)):
            out.write("," if index else "")
            out.write('\n    {"@id": ' + json.dumps(compact.iri(graph.value)) + ', "@graph": [')
            for n, node in enumerate(_nodes(graph_quads, compact)):
                out.write(("," if n else "") + "\n      " + json.dumps(node, ensure_ascii=False, sort_keys=True))
            out.write("\n    ]}")
        out.write("\n  ]\n}\n")


def jsonld_context(table: dict[str, str]) -> dict:
    return {"@context": dict(sorted(table.items()))}


def _nodes(quads: Iterable[Quad], compact: _Compactor) -> Iterator[dict]:
    for subject, group in groupby(quads, key=lambda q: q.subject):
        node: dict[str, object] = {"@id": compact.iri(subject.value)}
        for predicate, values in groupby(group, key=lambda q: q.predicate):
            objects = [compact.value(q.object) for q in values]
            if predicate.value == RDF + "type" and all("@id" in o for o in objects):
                node["@type"] = [o["@id"] for o in objects]
            else:
                node[compact.iri(predicate.value)] = objects
        yield node


class _Compactor(Compactor):
    """JSON-LD values with compacted IRIs."""

    def value(self, term: object) -> dict[str, str]:
        if isinstance(term, NamedNode):
            return {"@id": self.iri(term.value)}
        assert isinstance(term, Literal)
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": self.iri(term.datatype.value)}
