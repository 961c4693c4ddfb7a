"""Content negotiation: the one set of Accept rules for every route (pages, the SPARQL endpoint, dumps, the API).

`negotiate(accept, offered)` follows RFC 9110 §12.5.1: each offered media type gets the q-value of the most
specific Accept range that matches it (`type/subtype` > `type/*` > `*/*`); the highest q wins, then the more
specific match, then the server's order of preference (the order of `offered`). A range with a malformed or
out-of-range q is ignored; no Accept header, or none that is valid, means the first offered type. Nothing
acceptable means 406. A client asking for application/json gets JSON-LD where only RDF is offered. A format
hint (`?_format=ttl` or a file extension such as `/id/organisation/acme.ttl`) overrides the Accept header.
`best` applies the same rules to offers that also answer to other names (formats.py: application/json selects
SPARQL JSON results, but only when named, not through a wildcard).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

HTML = "text/html"
TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
N_TRIPLES = "application/n-triples"
RDF_XML = "application/rdf+xml"
JSON = "application/json"
SPARQL_JSON = "application/sparql-results+json"
CSV = "text/csv"
TEXT = "text/plain"

#: What a resource page (/id/…, /graph/…, /def) offers, in the server's order of preference.
RESOURCE_TYPES = (HTML, TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
#: What the stored-query API offers.
API_TYPES = (JSON, SPARQL_JSON, CSV)

#: File extensions (and `_format` values) → media type.
EXTENSIONS = {
    "html": HTML,
    "ttl": TURTLE,
    "jsonld": JSON_LD,
    "nt": N_TRIPLES,
    "rdf": RDF_XML,
    "json": JSON,
    "srj": SPARQL_JSON,
    "csv": CSV,
}
#: Other names accepted in `_format` / `format`.
FORMAT_ALIASES = {
    "turtle": TURTLE,
    "json-ld": JSON_LD,
    "ntriples": N_TRIPLES,
    "n-triples": N_TRIPLES,
    "rdfxml": RDF_XML,
    "xml": RDF_XML,
}
#: Media types a client may ask for that we answer with another, equivalent one.
ACCEPT_ALIASES = {"application/xhtml+xml": HTML}

Offer = TypeVar("Offer")


@dataclass(frozen=True)
class Decision:
    """The outcome: the media type to send (None with status 406 when nothing offered is acceptable)."""

    media_type: str | None
    status: int = 200


@dataclass(frozen=True)
class _Range:
    kind: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 if this range does not match `media_type`; else 0 (*/*), 1 (type/*) or 2 (exact)."""
        kind, subtype = media_type.split("/", 1)
        if self.kind == "*":
            return 0
        if self.kind != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == subtype else -1


def parse_accept(accept: str) -> list[_Range]:
    """The media ranges of an Accept header; malformed ranges and q-values are skipped."""
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = ACCEPT_ALIASES.get(fields[0].lower(), fields[0].lower())
        if media.count("/") != 1 or media == "/" or (media.startswith("*/") and media != "*/*"):
            continue
        q = _q_value(fields[1:])
        if q is not None:
            kind, subtype = media.split("/")
            ranges.append(_Range(kind, subtype, q))
    return ranges


def _q_value(params: list[str]) -> float | None:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            return q if 0.0 <= q <= 1.0 else None
    return 1.0


def media_type_for_format(hint: str, offered: Sequence[str]) -> str | None:
    """The offered media type named by a format hint (extension, alias or media type), else None."""
    hint = hint.strip().lower()
    media = EXTENSIONS.get(hint) or FORMAT_ALIASES.get(hint) or hint
    if media == JSON and JSON_LD in offered and JSON not in offered:
        media = JSON_LD
    return media if media in offered else None


def negotiate(accept: str | None, offered: Sequence[str] = RESOURCE_TYPES, format_hint: str | None = None) -> Decision:
    """Choose what to send: by format hint if given, else by the Accept header."""
    if format_hint:
        media = media_type_for_format(format_hint, offered)
        return Decision(media) if media else Decision(None, 406)
    aliases = {JSON_LD: (JSON,)} if JSON_LD in offered and JSON not in offered else {}
    chosen = best(accept, offered, lambda media: (media, aliases.get(media, ())))
    return Decision(chosen) if chosen else Decision(None, 406)


def best(
    accept: str | None, offered: Sequence[Offer], names: Callable[[Offer], tuple[str, tuple[str, ...]]]
) -> Offer | None:
    """The offer the client likes best, or None when none is acceptable; `names(offer)` gives its media type
    and the other media types that select it when named exactly. No valid Accept range: the first offer."""
    ranges = parse_accept(accept or "")
    if not ranges:
        return offered[0] if offered else None
    chosen, top = None, None
    for order, offer in enumerate(offered):
        score = _score(ranges, *names(offer))
        if score is not None and (top is None or (*score, -order) > top):
            chosen, top = offer, (*score, -order)
    return chosen


def prefers(accept: str | None, media_type: str, over: str) -> bool:
    """Whether the client accepts `media_type` strictly more than `over` (e.g. text/plain over JSON)."""
    ranges = parse_accept(accept or "")
    return (_score(ranges, media_type) or (0.0,))[0] > (_score(ranges, over) or (0.0,))[0]


def _score(ranges: list[_Range], media: str, aliases: tuple[str, ...] = ()) -> tuple[float, int] | None:
    """(q, specificity) of the most specific range matching `media` (or naming an alias); None if not
    acceptable (q=0 or no match)."""
    matches = [(r.specificity(media), r.q) for r in ranges]
    matches += [(2, r.q) for r in ranges if f"{r.kind}/{r.subtype}" in aliases]
    matches = [m for m in matches if m[0] >= 0]
    if not matches:
        return None
    specificity, q = max(matches)  # the most specific; of equally specific ones, the higher q
    if q <= 0:
        return None
    return q, specificity


def split_extension(path: str, offered: Sequence[str] = RESOURCE_TYPES) -> tuple[str, str | None]:
    """`id/organisation/acme.ttl` → (`id/organisation/acme`, `ttl`) when the extension names an offered type."""
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension and EXTENSIONS.get(extension.lower()) in offered:
        return stem, extension.lower()
    return path, None
