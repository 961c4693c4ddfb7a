"""Stored queries (dist/queries/*.rq) and their metadata, as the API and the editor use them.

A query file describes itself in comment lines at its top (the grlc convention):

    #+ summary: Funding an organisation received, with funder and amount
    #+ tags: funding, organisations
    #+ param: org (iri, optional, example=organisation/micronit) The recipient; all recipients when left out

`#+ param: NAME (TYPE[, optional][, example=VALUE]) DESCRIPTION` declares a parameter: the query variable
?NAME, given as the URL parameter NAME (`/api/queries/funding-received?org=organisation/micronit`).
TYPE is one of iri, string, integer, decimal, date, boolean. An iri value may be a full IRI or an entity id
relative to `<base>id/` (`organisation/micronit`). Values are bound as RDF terms by the engine's
substitution (SEP-0007), never spliced into the query text, so ?NAME must be listed in the SELECT clause
(a CONSTRUCT/DESCRIBE query may use it anywhere). A required parameter that is missing is a 400 error;
an optional one that is missing leaves ?NAME unbound (no filter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import EcographError

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = {
    "iri": None,
    "string": None,
    "integer": XSD + "integer",
    "decimal": XSD + "decimal",
    "date": XSD + "date",
    "boolean": XSD + "boolean",
}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_META = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^(\w+)\s*\(([^)]*)\)\s*(.*)$")
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)
_LEXICAL = {
    "integer": re.compile(r"^[+-]?\d+$"),
    "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "boolean": re.compile(r"^(true|false)$"),
}


class ParameterError(EcographError):
    """A parameter value of an API call is missing or not of its declared type (HTTP 400)."""

    status = 400


class StoredQueryError(EcographError):
    """A stored query file's metadata is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "iri"
    required: bool = True
    example: str | None = None
    description: str = ""


@dataclass(frozen=True)
class StoredQuery:
    name: str
    text: str
    summary: str = ""
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    form: str = "SELECT"
    description: str = field(default="", compare=False)

    @property
    def example_args(self) -> dict[str, str]:
        return {p.name: p.example for p in self.params if p.example is not None}


def load_queries(folder: Path) -> dict[str, StoredQuery]:
    """All *.rq files of `folder` by name (file stem), sorted; an empty dict when the folder is missing."""
    if not folder.is_dir():
        return {}
    return {path.stem: parse_query(path.stem, path.read_text(encoding="utf-8"), str(path))
            for path in sorted(folder.glob("*.rq"))}


def parse_query(name: str, text: str, origin: str = "<query>") -> StoredQuery:
    """Read the `#+ key: value` lines of a query file."""
    meta: dict[str, str] = {}
    params: list[Param] = []
    comments: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _META.match(line.strip())
        if match and match[1] == "param":
            params.append(_parse_param(match[2], f"{origin}:{number}"))
        elif match:
            meta[match[1]] = match[2]
        elif line.startswith("#") and not line.startswith("#+"):
            comments.append(line.lstrip("#").strip())
    form = _FORM.search(_strip_comments(text))
    query = StoredQuery(
        name=name, text=text, summary=meta.get("summary", ""),
        tags=tuple(t.strip() for t in meta.get("tags", "").split(",") if t.strip()),
        params=tuple(params), form=form[1].upper() if form else "SELECT",
        description=meta.get("description", " ".join(c for c in comments if c)),
    )
    _check_projection(query, origin)
    return query


def _parse_param(spec: str, where: str) -> Param:
    match = _PARAM.match(spec)
    if not match or not _NAME.match(match[1]):
        raise StoredQueryError(f"{where}: write '#+ param: NAME (TYPE[, optional][, example=VALUE]) "
                               f"DESCRIPTION', e.g. '#+ param: org (iri) The organisation'; got {spec!r}")
    options = [o.strip() for o in match[2].split(",") if o.strip()]
    kind = options[0].lower() if options else "iri"
    if kind not in PARAM_TYPES:
        raise StoredQueryError(f"{where}: parameter type {kind!r} is not one of {', '.join(PARAM_TYPES)}")
    example = next((o.split("=", 1)[1].strip() for o in options[1:] if o.startswith("example=")), None)
    return Param(name=match[1], type=kind, required="optional" not in options[1:], example=example,
                 description=match[3])


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _check_projection(query: StoredQuery, origin: str) -> None:
    """Substitution binds only variables of the SELECT clause: say so at load time, not at the first call."""
    if query.form != "SELECT" or not query.params:
        return
    body = _strip_comments(query.text)
    start = re.search(r"\bSELECT\b", body, re.IGNORECASE)
    clause = body[start.end(): body.find("{", start.end())] if start else ""
    for param in query.params:
        if not re.search(rf"[?$]{param.name}\b", clause):
            raise StoredQueryError(f"{origin}: parameter {param.name!r} must be listed in the SELECT clause "
                                   f"(SELECT ?{param.name} ...) so that it can be bound by substitution")


def bind_arguments(query: StoredQuery, args: dict[str, str], base: str) -> dict[str, ox.NamedNode | ox.Literal]:
    """The terms to bind for the given URL arguments (raises ParameterError for missing or bad values)."""
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for param in query.params:
        raw = args.get(param.name)
        if raw is None or raw == "":
            if param.required:
                raise ParameterError(f"parameter {param.name!r} ({param.type}) is required: "
                                     f"add ?{param.name}={param.example or '...'} to the URL")
            continue
        bindings[param.name] = to_term(param, raw, base)
    return bindings


def to_term(param: Param, raw: str, base: str) -> ox.NamedNode | ox.Literal:
    """One URL argument as an RDF term of the parameter's type."""
    if param.type == "iri":
        return _iri(param, raw, base)
    if param.type == "string":
        return ox.Literal(raw)
    if not _LEXICAL[param.type].match(raw.strip()):
        raise ParameterError(f"parameter {param.name!r} must be an xsd:{param.type}, not {raw!r}")
    return ox.Literal(raw.strip(), datatype=ox.NamedNode(PARAM_TYPES[param.type] or ""))


def _iri(param: Param, raw: str, base: str) -> ox.NamedNode:
    value = raw.strip()
    if ":" not in value:
        value = f"{base}id/{value.lstrip('/')}"
    try:
        return ox.NamedNode(value)
    except ValueError as error:
        raise ParameterError(f"parameter {param.name!r} must be an IRI or an entity id such as "
                             f"organisation/micronit, not {raw!r} ({error})") from error
