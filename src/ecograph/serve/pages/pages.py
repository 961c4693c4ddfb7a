"""Pages and APIs of the server: the landing page, resource pages for every IRI (with content negotiation),
label search, the SPARQL editor, the ontology documentation, and the stored queries as a web API.

`routes(site, pages)` gives the Starlette routes; app.py mounts them next to /sparql and /dumps, and renders every
error for browsers with `Pages.error_page`.
Handlers are thin: they negotiate, call describe/landing/network/storedqueries, and render a template
(Jinja2 with autoescaping, so text from the data is always HTML-escaped).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from functools import cached_property
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from cachetools import LRUCache
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ...errors import EcographError
from ...projectfacts import LANGUAGES
from ...searchindex import MAX_QUERY, fold
from ..endpoint import conneg
from ..errors import error_for, error_response
from . import api
from .describe import Linker, SiteLike, entity_triples, graph_context, graph_triples, graph_view, serialize
from .editor import editor_config
from .entitypage import entity_view
from .landing import dataset_title, landing, query_cards, search_example
from .language import choose
from .network import draw, ecosystem_network
from .ontodoc import make_html
from .present import WORDS, word
from .search import Found, find
from .storedqueries import ParameterError, StoredQuery, bind_arguments, load_queries
from .vocab import Vocabulary

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
YASGUI = HERE / "web" / "node_modules" / "@zazuko" / "yasgui" / "build"
VENDOR_FILES = {"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"}
LANGUAGE_NAMES = {**{code: name for code, (_eu, name) in LANGUAGES.items()}, "": "no language"}
FORMAT_NAMES = {
    conneg.HTML: "HTML",
    conneg.TURTLE: "Turtle",
    conneg.JSON_LD: "JSON-LD",
    conneg.N_TRIPLES: "N-Triples",
    conneg.RDF_XML: "RDF/XML",
}
EXTENSION_OF = {media: ext for ext, media in conneg.EXTENSIONS.items()}
OWL_VERSION_IRI = "http://www.w3.org/2002/07/owl#versionIRI"
DESCRIPTION_CACHE_BYTES = 64 << 20  # recent serialized entity descriptions kept by the web process
MAX_PAGE = 1_000_000
LICENCES = {"http://creativecommons.org/licenses/by/4.0/": "CC BY 4.0"}


def routes(site: SiteLike, pages: Pages | None = None) -> list[BaseRoute]:
    """The Starlette routes for the pages and APIs of `site`, answered by `pages` (made here when not given)."""
    pages = pages or Pages(site)
    return [
        Route("/", pages.landing, name="landing"),
        Route("/search", pages.search, name="search"),
        Route("/sparql/editor", pages.editor, name="editor"),
        Route("/id/{path:path}", pages.entity, name="entity"),
        Route("/graph/{slug:path}", pages.graph, name="graph"),
        Route("/def", pages.ontology, name="ontology"),
        Route("/def.{ext}", pages.ontology),
        Route("/def/{version:path}", pages.ontology),
        Route("/api/queries", pages.query_list, name="queries"),
        Route("/api/queries/{name}", pages.stored_query, name="query"),
        Route("/api/openapi.json", pages.openapi, name="openapi"),
        Route("/static/vendor/yasgui/{file}", pages.vendor),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]


class Pages:
    """The handlers, with what they share: templates, the ontology's labels, stored queries, caches."""

    def __init__(self, site: SiteLike) -> None:
        self.site = site
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html", "svg"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._cache: dict[str, Any] = {}
        self._described: LRUCache[tuple[str, str, int], tuple[bytes, bool]] = LRUCache(
            DESCRIPTION_CACHE_BYTES, getsizeof=lambda made: len(made[0])
        )
        self._locks: dict[str, asyncio.Lock] = {}

    @property
    def dist(self) -> Path:
        return Path(self.site.dist)  # type: ignore[attr-defined]

    @cached_property
    def vocab(self) -> Vocabulary:
        return Vocabulary.load(self.dist / "ontology.ttl", self.site.base)

    @cached_property
    def title(self) -> str:
        """The dataset's title (dist/void.ttl), shown in every page's header and title."""
        return dataset_title(self.dist, self.site.base)

    @cached_property
    def linker(self) -> Linker:
        return Linker(self.site.base, self.vocab)

    @cached_property
    def queries(self) -> dict[str, StoredQuery]:
        return load_queries(self.dist / "queries")

    async def cached(self, key: str, make: Callable[[], Awaitable[Any]]) -> Any:
        """The value made once per server (the data does not change while it serves)."""
        if key not in self._cache:
            async with self._locks.setdefault(key, asyncio.Lock()):
                if key not in self._cache:
                    self._cache[key] = await make()
        return self._cache[key]

    def render(
        self, template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
    ) -> Response:
        body = self.env.get_template(template).render(
            language_names=LANGUAGE_NAMES, site_title=self.title, words=WORDS, **context
        )
        return Response(body, status_code=status, media_type="text/html; charset=utf-8", headers=headers)

    def language(self, request: Request) -> str:
        """The page's language: ?lang=, else Accept-Language, else English."""
        return choose(request.query_params.get("lang"), request.headers.get("accept-language"))

    # ---------------------------------------------------------------------------------------- errors --

    def error(
        self, request: Request, status: int, message: str, offered: tuple[str, ...] = (), chosen: str | None = None
    ) -> Response:
        """An error by Accept (errors.error_response): for pages HTML (the default) or text; for APIs
        (`offered`) JSON (the default), HTML for browsers, or text."""
        return error_response(request, status, message, offered=offered, chosen=chosen, page=self.error_page)

    def error_page(self, status: int, message: str, headers: dict[str, str]) -> Response:
        """The error as a page in the site's style (the message HTML-escaped)."""
        return self.render(
            "error.html", status=status, headers=headers, code=status, reason=HTTPStatus(status).phrase, message=message
        )

    def not_acceptable(self, request: Request, offered: tuple[str, ...]) -> Response:
        """406 as a page for a client that accepts HTML, else as text: what it accepts is not among `offered`."""
        message = "this resource is available as " + ", ".join(offered)
        return error_response(request, 406, message, offered=(), page=self.error_page)

    def failed(self, request: Request, error: EcographError, offered: tuple[str, ...] = ()) -> Response:
        """A library error (query rejected or timed out, engine busy, no ontology) with the status it carries."""
        return error_for(request, error, offered=offered, page=self.error_page)

    # --------------------------------------------------------------------------------- the landing page --

    async def landing(self, request: Request) -> Response:
        try:
            page, network, edges = await self.cached("landing", self._landing)
        except EcographError as error:  # a query failed or timed out: say so, keep serving
            return self.failed(request, error)
        cards = [self._card(card) for card in query_cards(self.queries)]
        return self.render(
            "landing.html",
            active="/",
            page=page,
            net=network,
            edges=edges,
            queries=cards,
            entity_total=sum(n for _l, n in page.classes),
            example_href=self.linker.href(page.example) if page.example else "",
        )

    async def _landing(self) -> tuple[Any, Any, Any]:
        page = await landing(self.site, self.linker, self.dist)
        page.license_name = LICENCES.get(page.license, page.license)
        network = await ecosystem_network(self.site, self.linker)
        edges = draw(network)
        return page, network, edges

    def _card(self, card: dict[str, Any]) -> dict[str, Any]:
        example = card["example"]
        return {
            **card,
            "example_query": f"?{urlencode(example)}" if example else "",
            "example_query_csv": f"?{urlencode({**example, 'format': 'csv'})}",
        }

    # ------------------------------------------------------------------------------ resources (IRIs) --

    async def entity(self, request: Request) -> Response:
        path, extension = conneg.split_extension(request.path_params["path"])
        page = _page(request.query_params.get("page"))
        if page is None:
            return self.error(request, 404, "There is no such page: ?page= takes a whole number from 1 on.")
        return await self._resource(request, f"id/{path}", extension, self._entity_html, self._entity_rdf, page)

    async def graph(self, request: Request) -> Response:
        slug, extension = conneg.split_extension(request.path_params["slug"])
        page = _page(request.query_params.get("page"))
        if page is None:
            return self.error(request, 404, "There is no such page: ?page= takes a whole number from 1 on.")
        return await self._resource(request, f"graph/{slug}", extension, self._graph_html, self._graph_rdf, page)

    async def _resource(
        self,
        request: Request,
        local: str,
        extension: str | None,
        html: Callable[[Request, str, dict[str, str], int], Awaitable[Response | None]],
        rdf: Callable[[str, str, int], Awaitable[tuple[bytes, bool] | None]],
        page: int = 1,
    ) -> Response:
        decision = conneg.negotiate(
            request.headers.get("accept"), conneg.RESOURCE_TYPES, extension or request.query_params.get("_format")
        )
        if decision.media_type is None:
            return self.not_acceptable(request, conneg.RESOURCE_TYPES)
        iri = self.site.base + local
        headers = {"Vary": "Accept", "Link": _alternates("/" + local)}
        try:
            ox.NamedNode(iri)
        except ValueError:
            return self.error(request, 404, f"There is no resource <{iri}>.")
        try:
            if decision.media_type == conneg.HTML:
                headers["Vary"] = "Accept, Accept-Language"
                response = await html(request, iri, headers, page)
            else:
                described = await rdf(iri, decision.media_type, page)
                response = None
                if described is not None:
                    body, more = described
                    if more:
                        headers["Link"] += f', </{local}?page={page + 1}>; rel="next"'
                    response = self._rdf_body(body, decision.media_type, headers)
        except EcographError as error:  # query errors: the status they carry (timeout 503, ...)
            return self.failed(request, error)
        missing = (
            f"There is no page {page} of <{iri}>: its description has fewer pages (start at /{local})."
            if page > 1
            else f"There is no resource <{iri}> in this dataset."
        )
        return response or self.error(request, 404, missing, chosen=decision.media_type)

    def _rdf_response(self, triples: list[ox.Triple], media_type: str, headers: dict[str, str]) -> Response:
        return self._rdf_body(serialize(triples, media_type, self.site.base), media_type, headers)

    def _rdf_body(self, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
        charset = "" if media_type == conneg.RDF_XML else "; charset=utf-8"
        return Response(body, media_type=media_type + charset, headers=headers)

    async def _entity_html(self, request: Request, iri: str, headers: dict[str, str], page: int) -> Response | None:
        """The entity's page, which shows its whole description: the same for every ?page= that the RDF
        description has, and None (404) past its last page."""
        if page > 1 and not (await entity_triples(self.site, iri, page))[0]:
            return None
        lang = self.language(request)
        view = await entity_view(self.site, iri, Linker(self.site.base, self.vocab, lang), self.dist)
        if view is None:
            return None
        return self.render(
            "entity.html", headers=headers, view=view, lang=lang, alternates=_alternate_links(self.linker.href(iri))
        )

    async def _entity_rdf(self, iri: str, media_type: str, page: int) -> tuple[bytes, bool] | None:
        """The serialized description (and whether a next page exists), from the cache of recent ones (the data
        does not change while the server runs), else made by a worker; None for an unknown IRI."""
        key = (iri, media_type, page)
        if (hit := self._described.get(key)) is not None:
            return hit
        triples, more = await entity_triples(self.site, iri, page)
        if not triples:
            return None
        made = (serialize(triples, media_type, self.site.base), more)
        with contextlib.suppress(ValueError):  # larger than the whole cache: not kept
            self._described[key] = made
        return made

    async def _graph_html(self, request: Request, iri: str, headers: dict[str, str], page: int) -> Response | None:
        """A page of the article graph's facts (GRAPH_PAGE a page); None (404) past the last page."""
        triples = await graph_triples(self.site, iri, self.dist)
        if not triples:
            return None
        linker = Linker(self.site.base, self.vocab, self.language(request))
        view = graph_view(iri, triples, linker, page, await graph_context(self.site, iri, linker))
        if view is None:
            return None
        return self.render(
            "graph.html",
            headers=headers,
            view=view,
            lang=linker.lang,
            alternates=_alternate_links(self.linker.href(iri)),
        )

    async def _graph_rdf(self, iri: str, media_type: str, page: int) -> tuple[bytes, bool] | None:
        triples = await graph_triples(self.site, iri, self.dist)
        return (serialize(triples, media_type, self.site.base), False) if triples else None

    # ------------------------------------------------------------------------------------- ontology --

    async def ontology(self, request: Request) -> Response:
        version, extension = request.path_params.get("version"), request.path_params.get("ext")
        if version is not None and not await self._is_version(version.strip("/")):
            return self.error(request, 404, f"There is no ontology version {version!r}; see /def.")
        if extension is not None and conneg.EXTENSIONS.get(extension) not in conneg.RESOURCE_TYPES:
            return self.error(request, 404, "No such file; try /def.ttl, /def.jsonld, /def.nt or /def.rdf.")
        decision = conneg.negotiate(
            request.headers.get("accept"), conneg.RESOURCE_TYPES, extension or request.query_params.get("_format")
        )
        if decision.media_type is None:
            return self.not_acceptable(request, conneg.RESOURCE_TYPES)
        headers = {"Vary": "Accept", "Link": _alternates("/def")}
        try:
            if decision.media_type == conneg.HTML:
                html = await self.cached("ontology-html", self._ontology_html)
                return Response(html, media_type="text/html; charset=utf-8", headers=headers)
            triples = await self.cached("ontology-triples", self._ontology_triples)
        except EcographError as error:
            return self.failed(request, error)
        if not triples:
            return self.error(request, 404, "This build has no ontology (dist/ontology.ttl).")
        return self._rdf_response(triples, decision.media_type, headers)

    async def _ontology_html(self) -> str:
        header = self.env.get_template("header.html").render(site_title=self.title, active="/def", words=WORDS)
        return await asyncio.to_thread(make_html, self.dist / "ontology.ttl", self.site.base, header)

    async def _ontology_triples(self) -> list[ox.Triple]:
        path = self.dist / "ontology.ttl"
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)) if path.is_file() else []

    async def _is_version(self, version: str) -> bool:
        """True for the version IRI's last segment (/def/0.1.0 is the ontology's owl:versionIRI)."""
        triples = await self.cached("ontology-triples", self._ontology_triples)
        iri = f"{self.site.base}def/{version}"
        return any(t.predicate.value == OWL_VERSION_IRI and t.object.value == iri for t in triples)

    # --------------------------------------------------------------------------------------- search --

    async def search(self, request: Request) -> Response:
        text = " ".join(request.query_params.get("q", "").split())
        kind = request.query_params.get("type") or None
        lang = self.language(request)
        hint = request.query_params.get("format") or request.query_params.get("_format")
        decision = conneg.negotiate(request.headers.get("accept"), (conneg.HTML, conneg.JSON), hint)
        if decision.media_type is None:
            return self.not_acceptable(request, (conneg.HTML, conneg.JSON))
        problem = _search_problem(text, lang)
        try:
            found = await find(self.dist, text, kind, lang, self.linker) if not problem else None
        except EcographError as error:
            return self.failed(request, error, (conneg.JSON,))
        headers = {"Vary": "Accept, Accept-Language"}
        if decision.media_type == conneg.JSON:
            return JSONResponse(_search_json(text, kind, found, problem), headers=headers)
        example = await self.cached("search-example", lambda: search_example(self.site, self.dist))
        return self.render(
            "search.html",
            headers=headers,
            active="/search",
            query=text,
            kind=kind,
            lang=lang,
            found=found,
            problem=problem,
            example=example,
            all_href=_search_href(text, lang=lang),
            json_href=_search_href(text, kind=kind, format="json"),
        )

    # --------------------------------------------------------------------------------------- editor --

    @cached_property
    def editor_config(self) -> dict[str, Any]:
        return editor_config(self.dist / "ontology.ttl", self.vocab, self.queries.values())

    async def editor(self, request: Request) -> Response:
        return self.render(
            "editor.html",
            active="/sparql/editor",
            wide=True,
            config=self.editor_config,
            installed=(YASGUI / "yasgui.min.js").is_file(),
        )

    async def vendor(self, request: Request) -> Response:
        name = request.path_params["file"]
        path = YASGUI / name
        if name not in VENDOR_FILES or not path.is_file():
            return self.error(request, 404, "Not installed: run `npm ci --prefix src/ecograph/serve/pages/web`.")
        return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})

    # ---------------------------------------------------------------------------------- queries API --

    async def query_list(self, request: Request) -> Response:
        return JSONResponse([api.query_summary(q) for q in self.queries.values()])

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(api.document(self.queries, self.site.base, self.site.limits.max_rows))

    async def stored_query(self, request: Request) -> Response:
        query = self.queries.get(request.path_params["name"])
        offered = conneg.API_TYPES
        if query is None:
            return self.error(
                request, 404, f"There is no stored query {request.path_params['name']!r}; see /api/queries.", offered
            )
        if query.problem:
            return self.error(request, 500, f"The stored query cannot be served: {query.problem}", offered)
        hint = request.query_params.get("format")
        decision = conneg.negotiate(request.headers.get("accept"), offered, hint)
        if decision.media_type is None:
            return self.not_acceptable(request, offered)
        args = {k: v for k, v in request.query_params.items() if k not in api.RESERVED}
        repeated = sorted(
            {k for k, _ in request.query_params.multi_items() if len(request.query_params.getlist(k)) > 1}
        )
        if repeated:
            return self.error(
                request, 400, f"The parameter {repeated[0]!r} is given more than once; give it once.", offered
            )
        try:
            page = api.paging(request.query_params, self.site.limits.max_rows)
            api.check_arguments(query, args)
            bindings = bind_arguments(query, args, self.site.base)
            return await api.run(self.site, query, bindings, decision.media_type, page)
        except ParameterError as error:
            return self.error(request, 400, str(error), offered)
        except EcographError as error:
            return self.failed(request, error, offered)


def _search_problem(text: str, lang: str) -> str:
    """Why the text cannot be searched for ("" when it can), in the page's language."""
    if not text:
        return word("problem empty", lang)
    if len(text) > MAX_QUERY:
        return word("problem long", lang).format(len(text), MAX_QUERY)
    if not fold(text):
        return word("problem no letters", lang)
    return ""


def _search_href(text: str, *, lang: str = "en", **more: str | None) -> str:
    params = {"q": text, **({"lang": lang} if lang != "en" else {}), **{k: v for k, v in more.items() if v}}
    return "/search?" + urlencode(params)


def _search_json(text: str, kind: str | None, found: Found | None, problem: str) -> dict[str, Any]:
    return {
        "query": text,
        "type": kind,
        "results": [r.as_json() for r in found.results] if found else [],
        "facets": [f.as_json() for f in found.facets] if found else [],
        "total": found.total if found else 0,
        "truncated": found.truncated if found else False,
        **({"problem": problem} if problem else {}),
    }


def _page(value: str | None) -> int | None:
    """?page=N (1 when absent), or None when it is not a whole number from 1 to MAX_PAGE."""
    if value is None:
        return 1
    if not (value.isascii() and value.isdigit() and len(value) <= 7):
        return None
    return int(value) if 1 <= int(value) <= MAX_PAGE else None


def _alternate_links(href: str) -> list[dict[str, str]]:
    return [
        {"href": f"{href}.{EXTENSION_OF[media]}", "type": media, "name": FORMAT_NAMES[media]}
        for media in conneg.RESOURCE_TYPES
        if media != conneg.HTML
    ]


def _alternates(href: str) -> str:
    links = [f'<{href}>; rel="alternate"; type="{conneg.HTML}"']
    links += [f'<{link["href"]}>; rel="alternate"; type="{link["type"]}"' for link in _alternate_links(href)]
    return ", ".join(links)
