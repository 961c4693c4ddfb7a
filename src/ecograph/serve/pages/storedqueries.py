"""Stored queries (dist/queries/*.rq) as the API and the editor use them.

The `#+` header format, the parameter convention, parsing and binding live in `ecograph.queries` (shared with
the build, the CLI and the tests); this module keeps the server's lenient loading: a malformed query file is
kept with its problem, so that the other queries are still served.
"""

from __future__ import annotations

from pathlib import Path

from ...queries import (
    PARAM_TYPES,
    Param,
    ParameterError,
    StoredQuery,
    StoredQueryError,
    bind_arguments,
    parse_query,
    to_term,
)

__all__ = [
    "PARAM_TYPES",
    "Param",
    "ParameterError",
    "StoredQuery",
    "StoredQueryError",
    "bind_arguments",
    "load_queries",
    "parse_query",
    "to_term",
]


def load_queries(folder: Path) -> dict[str, StoredQuery]:
    """All *.rq files of `folder` by name (file stem), sorted; an empty dict when the folder is missing."""
    if not folder.is_dir():
        return {}
    return {path.stem: _load(path) for path in sorted(folder.glob("*.rq"))}


def _load(path: Path) -> StoredQuery:
    """One query file; a malformed one is kept with its problem, so the others are still served."""
    text = path.read_text(encoding="utf-8")
    try:
        return parse_query(path.stem, text, path)
    except StoredQueryError as error:
        return StoredQuery(name=path.stem, text=text, summary=path.stem, path=path, problem=str(error))
