"""Pages and APIs of the server (developer C): landing, entity pages, editor, ontology docs, query API."""

from __future__ import annotations

from typing import Any


def routes(site: Any) -> list[Any]:
    """The Starlette routes for pages and APIs; filled in as the pages land."""
    return []
