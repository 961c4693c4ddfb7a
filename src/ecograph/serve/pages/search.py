"""Label search: resources whose label or alternative label contains a text (case-insensitive).

The text is bound to the query as a literal (engine substitution), never written into the query text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .describe import Linker, SiteLike
from .vocab import pick_label

MAX_RESULTS = 100
SEARCH = """SELECT ?q ?s ?matched ?name ?type WHERE {
  ?s <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#altLabel> ?matched .
  FILTER(CONTAINS(LCASE(STR(?matched)), LCASE(STR(?q))))
  OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?name }
  OPTIONAL { ?s a ?type }
} LIMIT 5000"""


@dataclass
class Result:
    iri: str
    href: str
    label: str
    matched: str
    types: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"iri": self.iri, "href": self.href, "label": self.label, "matched": self.matched, "types": self.types}


async def search_labels(site: SiteLike, text: str, linker: Linker) -> tuple[list[Result], bool]:
    """The resources matching `text`, best first (exact, then prefix, then by label); and whether cut."""
    outcome = await site.query(SEARCH, bindings={"q": ox.Literal(text)})
    names: dict[str, dict[str, str]] = defaultdict(dict)
    matched: dict[str, str] = {}
    types: dict[str, set[str]] = defaultdict(set)
    for _q, subject, label, name, kind in outcome.rows:
        if not isinstance(subject, ox.NamedNode):
            continue
        iri = subject.value
        matched.setdefault(iri, label.value)
        if name is not None:
            names[iri].setdefault(name.language or "", name.value)
        if isinstance(kind, ox.NamedNode):
            types[iri].add(linker.vocab.label(kind.value))
    results = [
        Result(
            iri=iri,
            href=linker.href(iri),
            label=pick_label(names[iri]) or matched[iri],
            matched=matched[iri],
            types=sorted(types[iri]),
        )
        for iri in matched
    ]
    results.sort(key=lambda r: _rank(r, text.lower()))
    return results[:MAX_RESULTS], len(results) > MAX_RESULTS or outcome.truncated


def _rank(result: Result, text: str) -> tuple[int, str]:
    label = result.label.lower()
    return (0 if label == text else 1 if label.startswith(text) else 2, label)
