"""Which query texts a worker runs: read-only queries without SERVICE, decided on the parsed query.

The endpoint never makes outbound requests. Deciding that on words fails: pyoxigraph's lexer reads
`SERVICE:x`, `1SERVICE` and `trueSERVICE` as the keyword, and every lexer of ours would disagree with it
somewhere. So the decision is taken on a real parse: rdflib's SPARQL 1.1 parser and algebra, where SERVICE is
a node (`ServiceGraphPattern`) whatever its spelling (prefixed names, BASE-relative IRIs, `\\u` escapes,
variables). A text that rdflib cannot read is refused with its line and column, so a text on which the two
parsers could disagree fails closed. Updates cannot run at all: the workers call `Store.query`, which parses
queries only; a text that parses as an update is answered with 403 like the web process's early refusal.

Parsing costs 1-35 ms, too much for every request, and the keyword needs its letters: a text that, once its
escapes are decoded (SPARQL decodes them before anything else), does not contain "service" in any case cannot
hold a SERVICE clause and is admitted without a parse. Verdicts on other texts are cached by text.

This is the first of two layers: the workers also run without any network (sandbox.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .analysis import decode_codepoints

READ_ONLY = "This endpoint is read-only: SPARQL Update is not accepted. Download the dumps (/dumps/) to change a copy."
NO_SERVICE = (
    "SERVICE (federated query) is disabled on this endpoint: it never sends requests to other "
    "servers. Query the other endpoint yourself and combine the answers, or use VALUES."
)
CACHED_LENGTH = 8192  # characters: longer texts are checked every time (the cache holds at most 2048 texts)


@dataclass(frozen=True)
class Refusal:
    """Why a query text is not run, and the HTTP status to answer with."""

    message: str
    status: int


def refusal(sparql: str) -> Refusal | None:
    """Why the worker must not run `sparql` (an update, SERVICE, or a text the checking parser cannot read),
    or None when it may run it."""
    if "service" not in _decoded(sparql).casefold():
        return None
    return _parsed_refusal_cached(sparql) if len(sparql) <= CACHED_LENGTH else _parsed_refusal(sparql)


def _decoded(sparql: str) -> str:
    """The text with its \\u escapes decoded, again and again: one pass is what SPARQL does, more only widen
    what is checked."""
    while (decoded := decode_codepoints(sparql)) != sparql:
        sparql = decoded
    return sparql


def _parsed_refusal(sparql: str) -> Refusal | None:
    try:
        parsed = parseQuery(sparql)
        nodes = set(_names(parsed))  # before translateQuery, which rewrites the parse tree (and drops a
        nodes.update(_names(translateQuery(parsed).algebra))  # SERVICE inside nested EXISTS from the algebra)
    except ParseBaseException as error:
        return _unreadable(
            sparql,
            f" at {error.lineno}:{error.col} (line {error.lineno}, column {error.col}): "
            f"{error.msg}, found {error.line[error.col - 1 : error.col + 19]!r}",
        )
    except RecursionError:
        return _unreadable(sparql, ": it nests too deeply for the checking parser")
    except Exception as error:  # noqa: BLE001 - rdflib raises plain Exception, e.g. for an unknown prefix
        return _unreadable(sparql, f": {error}")
    if "ServiceGraphPattern" in nodes:
        return Refusal(NO_SERVICE, 400)
    return None


_parsed_refusal_cached = lru_cache(maxsize=2048)(_parsed_refusal)


def _unreadable(sparql: str, problem: str) -> Refusal:
    if _is_update(sparql):
        return Refusal(READ_ONLY, 403)
    return Refusal(
        f"SPARQL syntax error{problem}. Queries that mention SERVICE are checked with a strict "
        "SPARQL 1.1 parser before they run; write the query in standard SPARQL 1.1.",
        400,
    )


def _is_update(sparql: str) -> bool:
    try:
        parseUpdate(sparql)
    except Exception:  # noqa: BLE001 - anything that is not an update
        return False
    return True


def _names(node: Any) -> Iterator[str]:
    """The names of every node in an rdflib parse tree or algebra (SERVICE is "ServiceGraphPattern")."""
    stack, seen = [node], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            yield item.name
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
