"""Stored SPARQL queries (queries/*.rq): their `#+` headers, parameters, and a small helper to run them.

Header (grlc convention): a query file opens with comment lines; the `#+ key: value` lines among them describe
the query. `summary` and `tags` are required.

    #+ summary: Funding per funder, with totals per currency
    #+ tags: funding, organisations
    #+ param: funder (iri, optional, example=organisation/twente-board) — the funder; default: every funder
    #
    # Free comment lines explain the query.
    PREFIX eco: <https://w3id.org/ecograph/def#>
    SELECT ?funder ...

`#+ param: NAME (TYPE[, optional][, example=VALUE]) DESCRIPTION` declares the query variable ?NAME as a
parameter (the URL parameter NAME of /api/queries/<query>). TYPE is iri, string, integer, decimal, date or
boolean; an iri value may be a full IRI or an entity id relative to `<base>id/` (organisation/acme).

Parameter convention (every stored query follows it):
- A parameter is bound as an RDF term by the engine (pyoxigraph substitutions, SEP-0007), never spliced into
  the query text. Oxigraph only substitutes variables of the SELECT clause, so ?NAME is projected.
- Every parameter of the stored queries is declared `optional` (without it, the API answers 400 when the
  parameter is missing), and its default is "unbound": the query text run as is
  (in the SPARQL editor, on Fuseki, by the Jena tests) answers for all values; a bound parameter narrows the
  answer. There are no default values in the text (a VALUES default would make a bound value match nothing).
- So ?NAME appears only where binding it narrows the answer correctly: in a triple pattern that every
  solution must match (never only inside OPTIONAL or one UNION branch: Oxigraph projects the bound value
  even on rows where that branch did not match), or in a filter written `FILTER(COALESCE(test(?NAME), true))`
  (an unbound ?NAME makes the test an error, COALESCE turns it into true). Never `BOUND(?NAME)`: under
  Oxigraph's substitution BOUND of a substituted variable is false.

Other conventions of the stored queries:
- The default graph is the union of the article graphs, with set semantics (the server's store and Jena's
  unionDefaultGraph; see open_store). pyoxigraph's own `use_default_graph_as_union` repeats a triple once per
  article that states it, so the queries still use DISTINCT, COUNT(DISTINCT ...) and sums over a DISTINCT
  subquery: their answers are the same on either.
- Labels prefer English: `OPTIONAL { ?x rdfs:label ?xLabel FILTER(LANGMATCHES(LANG(?xLabel), "en")) }`
  followed by `OPTIONAL { ?x rdfs:label ?xLabel }`, which only adds a label when there is no English one.
  When ?x itself comes from an OPTIONAL, its label patterns go inside that OPTIONAL (outside, an unbound ?x
  would match the label of everything).
- ORDER BY is total and portable: it sorts on LCASE(STR(label)) and STR(iri), so Oxigraph and Jena give the
  same order, also for dates of mixed types (xsd:gYear "2023" and xsd:date "2023-11-22").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import EcographError, InputError, Location
from .namespaces import XSD
from .project import Project

PARAM_TYPES: dict[str, str | None] = {
    "iri": None,
    "string": XSD + "string",
    "integer": XSD + "integer",
    "decimal": XSD + "decimal",
    "date": XSD + "date",
    "boolean": XSD + "boolean",
}
# grlc's other decorators are accepted (and ignored) so that grlc-style files load unchanged
KNOWN_KEYS = {
    "summary",
    "tags",
    "param",
    "description",
    "endpoint",
    "method",
    "pagination",
    "enumerate",
    "defaults",
    "transform",
    "endpoint_in_url",
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
PARAM_SYNTAX = "#+ param: NAME (TYPE[, optional][, example=VALUE]) DESCRIPTION"


class StoredQueryError(InputError):
    """A query file's `#+` header is missing or malformed; names the file and line."""


class ParameterError(EcographError):
    """A parameter value is missing or not of its declared type (an HTTP 400 for the query API)."""

    status = 400


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
    path: Path | None = field(default=None, compare=False)
    problem: str = ""  # why the query cannot be served (the server keeps malformed ones, see serve/storedqueries)

    @property
    def example_args(self) -> dict[str, str]:
        """The parameters' example values, by name (for documentation and tests)."""
        return {p.name: p.example for p in self.params if p.example is not None}


def load_queries(source: Project | Path | str) -> list[StoredQuery]:
    """The stored queries of a project (its queries/ folder) or of a folder, sorted by name.

    A missing folder has no queries. Raises StoredQueryError (file and line) for a malformed header.
    """
    folder = source.queries_dir if isinstance(source, Project) else Path(source)
    if not folder.is_dir():
        return []
    return [parse_query(path.stem, read_query_text(path), path) for path in sorted(folder.glob("*.rq"))]


def read_query_text(path: Path) -> str:
    """A query file's text; StoredQueryError (file, line) when it cannot be read or is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise StoredQueryError(
            Location(path), f"cannot read the query file ({error.strerror})", "check the file's permissions"
        ) from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StoredQueryError(
            Location(path, raw[: error.start].count(b"\n") + 1),
            f"the query file is not UTF-8 text (byte 0x{raw[error.start]:02x})",
            "save it as UTF-8",
        ) from error


def parse_query(name: str, text: str, path: Path | str | None = None) -> StoredQuery:
    """Read a query's `#+` header (the leading comment lines); raise StoredQueryError when it is malformed."""
    origin = Path(path) if path is not None else Path(f"{name}.rq")
    meta: dict[str, str] = {}
    params: list[Param] = []
    comments: list[str] = []
    in_header = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = Location(origin, number)
        if in_header and line and not line.startswith("#"):
            in_header = False
        if not line.startswith("#+"):
            if in_header and line.startswith("#"):
                comments.append(line.lstrip("#").strip())
            continue
        if not in_header:
            raise StoredQueryError(
                where,
                "a '#+' line after the query text starts",
                "move the '#+' lines to the top of the file, before PREFIX and SELECT",
            )
        match = _META.match(line)
        if not match:
            raise StoredQueryError(
                where,
                f"malformed header line {line!r}",
                "write '#+ key: value', e.g. '#+ summary: Members of each ecosystem'",
            )
        key, value = match[1], match[2]
        if key not in KNOWN_KEYS:
            raise StoredQueryError(where, f"unknown header key {key!r}", "use summary, tags, param or description")
        if key == "param":
            param = _parse_param(value, where)
            if any(p.name == param.name for p in params):
                raise StoredQueryError(where, f"parameter {param.name!r} is declared twice", "keep one")
            params.append(param)
        elif key in meta:
            raise StoredQueryError(where, f"'#+ {key}:' is given twice", "keep one line")
        else:
            meta[key] = value
    for key in ("summary", "tags"):
        if not meta.get(key):
            raise StoredQueryError(
                Location(origin, 1),
                f"the query has no '#+ {key}:' line",
                "open the file with '#+ summary: what the query answers' and '#+ tags: a, b' lines",
            )
    body = _strip_comments(text)
    form = _FORM.search(body)
    query = StoredQuery(
        name=name,
        text=text,
        summary=meta["summary"],
        tags=tuple(t.strip() for t in meta["tags"].split(",") if t.strip()),
        params=tuple(params),
        form=form[1].upper() if form else "SELECT",
        description=meta.get("description", " ".join(c for c in comments if c)),
        path=origin if path else None,
    )
    _check_params(query, body, origin)
    return query


def _parse_param(spec: str, where: Location) -> Param:
    match = _PARAM.match(spec)
    if not match or not _NAME.match(match[1]):
        raise StoredQueryError(
            where,
            f"malformed parameter {spec!r}",
            f"write '{PARAM_SYNTAX}', e.g. '#+ param: org (iri, optional) the organisation'",
        )
    options = [o.strip() for o in match[2].split(",") if o.strip()]
    kind = options[0].lower() if options else "iri"
    if kind not in PARAM_TYPES:
        raise StoredQueryError(where, f"parameter type {kind!r} is unknown", f"use one of {', '.join(PARAM_TYPES)}")
    for option in options[1:]:
        if option != "optional" and not option.startswith("example="):
            raise StoredQueryError(
                where,
                f"unknown parameter option {option!r}",
                "the options after the type are 'optional' and 'example=VALUE'",
            )
    example = next((o.split("=", 1)[1].strip() for o in options[1:] if o.startswith("example=")), None)
    description = re.sub(r"^[-–—:]\s*", "", match[3].strip())  # "— the funder" reads as "the funder"
    return Param(
        name=match[1], type=kind, required="optional" not in options[1:], example=example, description=description
    )


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _check_params(query: StoredQuery, body: str, origin: Path) -> None:
    """Each parameter is used, and (for SELECT) projected, since substitution binds projected variables only."""
    select = re.search(r"\bSELECT\b", body, re.IGNORECASE)
    clause = body[select.end() : body.find("{", select.end())] if select else ""
    for param in query.params:
        line = _line_of(query.text, param.name)
        if not re.search(rf"[?$]{param.name}\b", body):
            raise StoredQueryError(
                Location(origin, line),
                f"parameter {param.name!r} is not used in the query",
                f"use the variable ?{param.name} or remove the '#+ param:' line",
            )
        if query.form == "SELECT" and not re.search(rf"[?$]{param.name}\b", clause):
            raise StoredQueryError(
                Location(origin, line),
                f"parameter {param.name!r} is not in the SELECT clause",
                f"list ?{param.name} after SELECT so that it can be bound by substitution",
            )


def _line_of(text: str, name: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^#\+\s*param\s*:\s*{name}\b", line.strip()):
            return number
    return 1


# binding ---------------------------------------------------------------------------------------------


def bind_arguments(query: StoredQuery, args: Mapping[str, str], base: str) -> dict[str, ox.NamedNode | ox.Literal]:
    """The terms to bind for the given arguments (raises ParameterError for missing or ill-typed values)."""
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for param in query.params:
        raw = args.get(param.name)
        if raw is None or raw == "":
            if param.required:
                raise ParameterError(
                    f"parameter {param.name!r} ({param.type}) is required: "
                    f"add {param.name}={param.example or '...'} to the request"
                )
            continue
        bindings[param.name] = to_term(param, raw, base)
    return bindings


def to_term(param: Param, raw: str, base: str) -> ox.NamedNode | ox.Literal:
    """One argument as an RDF term of the parameter's type."""
    if param.type == "iri":
        value = raw.strip()
        if ":" not in value:
            value = f"{base}id/{value.lstrip('/')}"
        try:
            return ox.NamedNode(value)
        except ValueError as error:
            raise ParameterError(
                f"parameter {param.name!r} must be an IRI or an entity id such as "
                f"organisation/acme, not {raw!r} ({error})"
            ) from error
    if param.type == "string":
        return ox.Literal(raw)
    if not _LEXICAL[param.type].match(raw.strip()):
        raise ParameterError(f"parameter {param.name!r} must be an xsd:{param.type}, not {raw!r}")
    return ox.Literal(raw.strip(), datatype=ox.NamedNode(PARAM_TYPES[param.type] or ""))


# running (tests, CLI) ----------------------------------------------------------------------------------


def open_store(dist: Path | str) -> ox.Store:
    """An in-memory store holding dist/ecograph.trig as the server holds it: each article's named graph, and
    as default graph their merge (set semantics: a fact stated by two articles is one triple, as in Jena)."""
    store = ox.Store()
    quads = ox.parse(path=str(Path(dist) / "ecograph.trig"), format=ox.RdfFormat.TRIG)
    store.bulk_extend(item for quad in quads for item in (quad, ox.Quad(quad.subject, quad.predicate, quad.object)))
    return store


def run_query(
    store_or_dist: ox.Store | Path | str, text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None
) -> tuple[list[str], list[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]]:
    """Run a SELECT query on a store from open_store() (or on a dist/ folder's TriG) with `bindings`
    substituted; returns (variable names, rows of terms or None)."""
    store = store_or_dist if isinstance(store_or_dist, ox.Store) else open_store(store_or_dist)
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): term for name, term in (bindings or {}).items()
    }
    solutions = store.query(text, substitutions=substitutions)
    if not isinstance(solutions, ox.QuerySolutions):
        raise EcographError("run_query answers SELECT queries only")
    variables = [variable.value for variable in solutions.variables]
    return variables, [tuple(solution[name] for name in variables) for solution in solutions]
