"""Search by name: the build's index (searchindex.py, dist/search.sqlite), read in a thread, as page rows.

Best first: a name or alias equal to the text, then names that start with it, then names holding its words;
one row per entity with its type and a snippet, and the types of everything found as facets.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ...searchindex import INDEX_FILE, Answer, Hit, search
from .describe import Linker
from .vocab import pick_label

MAX_RESULTS = 100
SNIPPET_CHARS = 160


@dataclass
class Result:
    iri: str
    href: str
    label: str
    matched: str
    type: str  # the most specific type's IRI ("" when it has none)
    type_label: str
    snippet: str
    score: float

    def as_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "label": self.label,
            "type": self.type,
            "typeLabel": self.type_label,
            "score": self.score,
            "href": self.href,
            "matched": self.matched,
            "snippet": self.snippet,
        }


@dataclass
class Facet:
    type: str
    label: str
    count: int
    href: str
    chosen: bool

    def as_json(self) -> dict[str, Any]:
        return {"type": self.type, "label": self.label, "count": self.count, "href": self.href}


@dataclass
class Found:
    results: list[Result]
    facets: list[Facet]
    total: int
    truncated: bool


async def find(dist: Path, text: str, kind: str | None, lang: str, linker: Linker) -> Found:
    """The entities of the build in `dist` named like `text` (of type `kind` when given), labels in `lang`.
    Raises DistError when the build has no index."""
    answer: Answer = await asyncio.to_thread(search, dist / INDEX_FILE, text, kind=kind, limit=MAX_RESULTS)
    results = [_result(hit, lang, linker) for hit in answer.hits]
    facets = [
        Facet(
            type=iri,
            label=linker.vocab.label(iri, lang),
            count=count,
            href="/search?" + urlencode({"q": text, "type": iri, **({"lang": lang} if lang != "en" else {})}),
            chosen=iri == kind,
        )
        for iri, count in answer.facets
    ]
    return Found(results, facets, answer.total, answer.truncated or answer.total > len(results))


def _result(hit: Hit, lang: str, linker: Linker) -> Result:
    kind = _most_specific(hit.types, linker)
    snippet = pick_label(hit.snippets, lang) or ""
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[: SNIPPET_CHARS - 1].rstrip() + "…"
    return Result(
        iri=hit.iri,
        href=linker.href(hit.iri),
        label=pick_label(hit.labels, lang) or hit.matched,
        matched=hit.matched,
        type=kind,
        type_label=linker.vocab.label(kind, lang) if kind else "",
        snippet=snippet,
        score=hit.score,
    )


def _most_specific(types: list[str], linker: Linker) -> str:
    """The type that no other of `types` is a subclass of (the first by IRI when several)."""
    for kind in types:
        if not any(other != kind and other in linker.vocab.subclasses(kind) for other in types):
            return kind
    return types[0] if types else ""
