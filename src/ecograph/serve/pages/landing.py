"""The landing page's content: what the dataset is (from dist/void.ttl), its counts, downloads, articles,
and the schema.org/Dataset description embedded in the page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ...namespaces import DCAT, DCTERMS, SPDX, VOID
from ...projectfacts import LANGUAGES
from .describe import Link, Linker, SiteLike
from .storedqueries import StoredQuery

IANA = "https://www.iana.org/assignments/media-types/"

TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
CLASSES = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"
ARTICLES = """SELECT ?article ?title ?graph WHERE {
  ?article a <ECO#Article> .
  OPTIONAL { ?article <http://purl.org/dc/terms/title> ?title }
  OPTIONAL { ?graph <ECO#sourceArticle> ?article }
} ORDER BY ?title"""
LABEL = """SELECT ?label WHERE { <IRI> <http://www.w3.org/2000/01/rdf-schema#label> ?label }
ORDER BY DESC(LANG(?label) = "en") ?label LIMIT 1"""


@dataclass
class Download:
    name: str
    title: str
    href: str
    media_type: str
    size: int | None
    sha256: str
    format: str = ""  # the EU file type (RDF_TURTLE, JSON_LD, ...) that dct:format names

    @property
    def size_text(self) -> str:
        return human_size(self.size) if self.size is not None else "?"

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.href,
            "title": self.title,
            "format": self.format,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass
class Article:
    link: Link
    graph: Link | None


@dataclass
class Landing:
    title: str = "Ecosystem Graph"
    description: str = ""
    license: str = ""
    modified: str = ""
    version: str = ""
    keywords: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # ISO 639-1 codes
    publisher: str = ""
    example: str = ""
    search_example: str = ""  # the labels of the example resources, to show in the search field
    license_name: str = ""
    triples: int = 0
    classes: list[tuple[Link, int]] = field(default_factory=list)
    claims: int = 0
    articles: list[Article] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    schema_org: str = "{}"

    @property
    def main_downloads(self) -> list[Download]:
        return [d for d in self.downloads if "/" not in d.name]

    @property
    def article_downloads(self) -> list[Download]:
        return [d for d in self.downloads if "/" in d.name]


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"


async def landing(site: SiteLike, linker: Linker, dist: Path) -> Landing:
    page = Landing()
    _describe_dataset(page, _void(dist), site.base, linker)
    eco = f"{site.base}def#"
    triples = await site.query(TRIPLES)
    classes = await site.query(CLASSES)
    articles = await site.query(ARTICLES.replace("ECO#", eco))
    page.triples = int(triples.rows[0][0].value) if triples.rows else 0
    counted = [(row[0].value, int(row[1].value)) for row in classes.rows if isinstance(row[0], ox.NamedNode)]
    page.claims = next((n for iri, n in counted if iri == eco + "Claim"), 0)
    page.classes = sorted(
        ((linker.link(iri), n) for iri, n in counted if iri.startswith(eco) and iri != eco + "Claim"),
        key=lambda item: (-item[1], item[0].label),
    )
    page.articles = _articles(articles.rows, linker)
    page.search_example = await search_example(site, dist)
    page.schema_org = schema_org(page, site.base)
    return page


def downloads(dist: Path, base: str, linker: Linker) -> list[Download]:
    """Every dump that dist/void.ttl describes (the whole graph first, then one file per article)."""
    page = Landing()
    _describe_dataset(page, _void(dist), base, linker)
    return page.downloads


def dataset_title(dist: Path, base: str) -> str:
    """The dct:title of the dataset in dist/void.ttl ("Ecosystem Graph" when it has none)."""
    titles = [
        t.object
        for t in _void(dist)
        if isinstance(t.subject, ox.NamedNode)
        and t.subject.value == f"{base}dataset"
        and t.predicate.value == DCTERMS + "title"
    ]
    return _first_getter({"title": titles})("title") or Landing.title


async def search_example(site: SiteLike, dist: Path) -> str:
    """What to search for, e.g. "Acme, Utrecht": the labels of the dataset's example resources (void.ttl)."""
    examples = sorted(
        {
            t.object.value
            for t in _void(dist)
            if t.predicate.value == VOID + "exampleResource"
            and isinstance(t.subject, ox.NamedNode)
            and t.subject.value == f"{site.base}dataset"
            and isinstance(t.object, ox.NamedNode)
        }
    )
    labels = []
    for iri in examples:
        rows = (await site.query(LABEL.replace("IRI", iri))).rows
        labels += [rows[0][0].value] if rows else []
    return ", ".join(labels)


def _void(dist: Path) -> list[ox.Triple]:
    path = dist / "void.ttl"
    if not path.is_file():
        return []
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def _describe_dataset(page: Landing, triples: list[ox.Triple], base: str, linker: Linker) -> None:
    props: dict[str, dict[str, list[Any]]] = {}
    for t in triples:
        props.setdefault(_value(t.subject), {}).setdefault(t.predicate.value, []).append(t.object)
    root = props.get(f"{base}dataset", {})
    first = _first_getter(root)
    page.title = first(DCTERMS + "title") or page.title
    page.description = first(DCTERMS + "description")
    page.license = first(DCTERMS + "license")
    page.modified = first(DCTERMS + "modified")
    page.version = first(DCAT + "version")
    page.keywords = sorted(_value(k) for k in root.get(DCAT + "keyword", []))
    page.example = first(VOID + "exampleResource")
    page.languages = sorted(_iso_639_1(_value(lang)) for lang in root.get(DCTERMS + "language", []))
    page.publisher = _agent_name(props.get(first(DCTERMS + "publisher"), {}))
    page.downloads = sorted(
        (_download(props.get(_value(d), {}), props, base, linker) for d in root.get(DCAT + "distribution", [])),
        key=lambda d: ("/" in d.name, d.name),
    )


def _agent_name(agent: dict[str, list[Any]]) -> str:
    return _first_getter(agent)("http://xmlns.com/foaf/0.1/name")


def _iso_639_1(authority_iri: str) -> str:
    """http://publications.europa.eu/resource/authority/language/NLD -> nl (the code itself when unknown)."""
    code = authority_iri.rsplit("/", 1)[-1]
    return next((lang for lang, (eu, _name) in LANGUAGES.items() if eu == code), code.lower())


def _first_getter(node: dict[str, list[Any]]) -> Any:
    def first(predicate: str) -> str:
        values = sorted(node.get(predicate, []), key=lambda v: (getattr(v, "language", "") != "en", str(v)))
        return _value(values[0]) if values else ""

    return first


def _download(
    node: dict[str, list[Any]], props: dict[str, dict[str, list[Any]]], base: str, linker: Linker
) -> Download:
    first = _first_getter(node)
    url = first(DCAT + "downloadURL")
    checksum = props.get(first("http://spdx.org/rdf/terms#checksum"), {})
    size = first(DCAT + "byteSize")
    name = url[len(f"{base}dumps/") :] if url.startswith(f"{base}dumps/") else url.rsplit("/", 1)[-1]
    return Download(
        name=name,
        title=first(DCTERMS + "title"),
        href=linker.href(url),
        media_type=first(DCAT + "mediaType").removeprefix(IANA),
        size=int(size) if size.isdigit() else None,
        sha256=_first_getter(checksum)(SPDX + "checksumValue"),
        format=first(DCTERMS + "format").rsplit("/", 1)[-1],
    )


def _value(term: Any) -> str:
    return term.value if hasattr(term, "value") else str(term)


def _articles(rows: list[tuple], linker: Linker) -> list[Article]:
    seen: dict[str, Article] = {}
    for article, title, graph in rows:
        if article.value not in seen:
            labels = {title.language or "": title.value} if title is not None else None
            seen[article.value] = Article(
                link=linker.link(article.value, labels), graph=linker.link(graph.value) if graph is not None else None
            )
    return sorted(seen.values(), key=lambda a: a.link.label.lower())


def schema_org(page: Landing, base: str) -> str:
    """schema.org/Dataset JSON-LD for the page's <script type="application/ld+json">, safe inside <script>."""
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": f"{base}dataset",
        "name": page.title,
        "description": page.description,
        "url": base,
        "license": page.license,
        "keywords": page.keywords,
        "inLanguage": page.languages,
        "dateModified": page.modified,
        "version": page.version,
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": page.publisher} if page.publisher else None,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d.title,
                "contentUrl": f"{base}dumps/{d.name}",
                "encodingFormat": d.media_type,
                "contentSize": d.size_text,
            }
            for d in page.main_downloads
        ],
    }
    data = {k: v for k, v in data.items() if v not in ("", [], None)}
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def query_cards(queries: dict[str, StoredQuery]) -> list[dict[str, Any]]:
    return [
        {"name": q.name, "summary": q.summary or q.name, "tags": q.tags, "params": q.params, "example": q.example_args}
        for q in queries.values()
    ]
