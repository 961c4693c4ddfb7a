"""The stored queries (queries/*.rq): headers, syntax, conventions, and their answers on the seed data.

Each query's answers are pinned in tests/expected/<name>.json: the rows for the query text run as is (every
parameter unbound, as the SPARQL editor, Fuseki and the Jena test run it) and, when the query declares
parameters with examples, the rows for those examples (bound as substitutions, as /api/queries/<name> binds
them). Rows are lists of terms in N-Triples syntax (null for unbound). After a deliberate change of the
mappings or the queries, regenerate them, then read the diff against the articles:

    ECOGRAPH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_queries.py
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from ecograph.project import DEFAULT_BASE, Project
from ecograph.queries import (
    ParameterError,
    StoredQuery,
    StoredQueryError,
    bind_arguments,
    load_queries,
    open_store,
    parse_query,
    run_query,
)

REPO = Path(__file__).resolve().parents[1]
EXPECTED = REPO / "tests" / "expected"
UPDATE = os.environ.get("ECOGRAPH_UPDATE_GOLDEN") == "1"
QUERY_FILES = sorted((REPO / "queries").glob("*.rq"))
QUERIES = {query.name: query for query in load_queries(Project.open(REPO))}

Row = list[str | None]


@pytest.fixture(scope="module")
def store(built_dist: Path) -> ox.Store:
    """The seed build as the server holds it (named graphs + their merge as the default graph)."""
    return open_store(built_dist)


@pytest.fixture(scope="module")
def union_store(built_dist: Path) -> ox.Store:
    """The seed build with only the named graphs, for pyoxigraph's (duplicating) union default graph."""
    plain = ox.Store()
    plain.bulk_load(path=str(built_dist / "ecograph.trig"), format=ox.RdfFormat.TRIG)
    return plain


def answer(store: ox.Store, query: StoredQuery, args: dict[str, str] | None = None) -> tuple[list[str], list[Row]]:
    variables, rows = run_query(store, query.text, bind_arguments(query, args or {}, DEFAULT_BASE))
    return variables, [[None if term is None else str(term) for term in row] for row in rows]


# headers, syntax and conventions ---------------------------------------------------------------------------------


def test_there_are_at_least_15_stored_queries() -> None:
    assert len(QUERIES) >= 15
    assert list(QUERIES) == sorted(QUERIES)


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_query_has_a_header_and_parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("#+ summary: ") and lines[1].startswith("#+ tags: "), "open with summary and tags"
    query = parse_query(path.stem, text, path)
    assert query.summary and query.tags and query.form == "SELECT"
    ox.Store().query(text)  # a syntax error raises SyntaxError with the position


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_follows_the_conventions(name: str) -> None:
    """See ecograph/queries.py: optional parameters with examples, no BOUND() on them, a total ORDER BY."""
    query = QUERIES[name]
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    assert re.search(r"^ORDER BY ", body, re.MULTILINE), "answers need a deterministic order"
    assert re.search(r"SELECT DISTINCT|GROUP BY", body), "the union default graph may repeat triples"
    for param in query.params:
        assert not param.required, f"{param.name}: the query text must also run with the parameter unbound"
        assert param.example, f"{param.name}: give an example=VALUE (the API docs and these tests use it)"
        assert param.description
        assert not re.search(rf"BOUND\(\s*\?{param.name}\s*\)", body), "BOUND() of a substituted variable is false"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_answers_do_not_depend_on_duplicated_triples(name: str, store: ox.Store, union_store: ox.Store) -> None:
    """pyoxigraph's use_default_graph_as_union repeats a fact once per article; the answers must not change
    (that is also what Jena's set-semantics union gives: see test_fuseki.py)."""
    query = QUERIES[name]
    expected = answer(store, query)
    solutions = union_store.query(query.text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = [[None if term is None else str(term) for term in solution] for solution in solutions]
    assert rows == expected[1]


# pinned answers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_answers_on_the_seed_data_are_pinned(name: str, store: ox.Store) -> None:
    query = QUERIES[name]
    variables, rows = answer(store, query)
    actual: dict[str, Any] = {"query": f"queries/{name}.rq", "variables": variables, "rows": rows}
    if query.example_args:
        example_variables, example_rows = answer(store, query, query.example_args)
        assert example_variables == variables
        actual["example"] = {"args": query.example_args, "rows": example_rows}
    golden = EXPECTED / f"{name}.json"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(dump_golden(actual), encoding="utf-8")
        return
    assert golden.is_file(), f"no golden answers yet: run ECOGRAPH_UPDATE_GOLDEN=1 pytest {Path(__file__).name}"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert variables == expected["variables"]
    assert_same_rows(rows, expected["rows"])
    if query.example_args:
        assert expected.get("example", {}).get("args") == query.example_args, "examples changed: regenerate"
        assert_same_rows(actual["example"]["rows"], expected["example"]["rows"])


def dump_golden(answers: dict[str, Any]) -> str:
    """JSON with one row per line, so that a diff shows which answers changed."""

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    def rows(items: list[Row], indent: str) -> str:
        return "[\n" + ",\n".join(f"{indent} {dumps(row)}" for row in items) + f"\n{indent}]"

    parts = [
        f' "query": {dumps(answers["query"])}',
        f' "variables": {dumps(answers["variables"])}',
        f' "rows": {rows(answers["rows"], " ")}',
    ]
    if "example" in answers:
        args, example_rows = dumps(answers["example"]["args"]), rows(answers["example"]["rows"], "  ")
        parts.append(f' "example": {{\n  "args": {args},\n  "rows": {example_rows}\n }}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def assert_same_rows(actual: list[Row], expected: list[Row]) -> None:
    """Same rows (as a multiset, with the differences shown), then in the same order (every query sorts)."""
    have, want = Counter(map(tuple, actual)), Counter(map(tuple, expected))
    missing, extra = list((want - have).elements()), list((have - want).elements())
    assert not missing and not extra, f"missing rows: {missing[:10]}\nunexpected rows: {extra[:10]}"
    assert actual == expected, "same rows in another order"


@pytest.mark.parametrize("name", sorted(n for n, q in QUERIES.items() if q.params))
def test_a_bound_parameter_narrows_the_answer(name: str, store: ox.Store) -> None:
    """The example's rows are among the unbound rows (but for filter-only parameters, unbound there), all
    carry the bound value, and there are some."""
    query = QUERIES[name]
    variables, everything = answer(store, query)
    bound = bind_arguments(query, query.example_args, DEFAULT_BASE)
    _, some = answer(store, query, query.example_args)
    assert some, "the example finds nothing on the seed data: choose another example"
    columns = {variables.index(name): str(term) for name, term in bound.items()}
    filter_only = {i for i in columns if all(row[i] is None for row in everything)}
    for row in some:
        assert all(row[i] == value for i, value in columns.items())
        assert [None if i in filter_only else v for i, v in enumerate(row)] in everything
    assert len(some) < len(everything)


# the loader -------------------------------------------------------------------------------------------------------

HEADER = "#+ summary: Things\n#+ tags: things\n"
BODY = "SELECT ?thing WHERE { ?thing a ?kind } ORDER BY ?thing\n"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("#+ tags: things\n" + BODY, 1, "no '#+ summary:' line"),
        ("#+ summary: Things\n" + BODY, 1, "no '#+ tags:' line"),
        ("#+summary Things\n#+ tags: x\n" + BODY, 1, "malformed header line"),
        (HEADER + "#+ colour: red\n" + BODY, 3, "unknown header key 'colour'"),
        (HEADER + "#+ param: thing (uri, optional) the thing\n" + BODY, 3, "parameter type 'uri' is unknown"),
        (HEADER + "#+ param: (iri) nameless\n" + BODY, 3, "malformed parameter"),
        (HEADER + "#+ param: thing (iri, optionel) the thing\n" + BODY, 3, "unknown parameter option 'optionel'"),
        (HEADER + "#+ param: kind (iri, optional) the kind\n" + BODY, 3, "'kind' is not in the SELECT clause"),
        (HEADER + "#+ param: other (iri, optional) x\n" + BODY, 3, "'other' is not used in the query"),
        (HEADER + "#+ param: thing (iri, optional) a\n#+ param: thing (iri) b\n" + BODY, 4, "declared twice"),
        (HEADER + BODY + "#+ summary: late\n", 4, "after the query text starts"),
    ],
)
def test_a_malformed_header_is_reported_with_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "things.rq").write_text(text, encoding="utf-8")
    with pytest.raises(StoredQueryError) as raised:
        load_queries(folder)
    assert raised.value.location.line == line
    assert Path(raised.value.location.path).name == "things.rq"
    assert problem in str(raised.value)


def test_a_parameter_line_is_read(tmp_path: Path) -> None:
    text = HEADER + "#+ param: thing (iri, optional, example=organisation/micronit) — the thing\n#\n# Notes.\n" + BODY
    query = parse_query("things", text, tmp_path / "things.rq")
    (param,) = query.params
    assert (param.name, param.type, param.required, param.example) == ("thing", "iri", False, "organisation/micronit")
    assert param.description == "the thing"
    assert query.description == "Notes."
    assert query.tags == ("things",)
    assert bind_arguments(query, {"thing": "organisation/micronit"}, DEFAULT_BASE) == {
        "thing": ox.NamedNode(DEFAULT_BASE + "id/organisation/micronit")
    }
    assert bind_arguments(query, {}, DEFAULT_BASE) == {}


def test_a_required_parameter_or_a_bad_value_is_a_parameter_error() -> None:
    text = (
        HEADER
        + "#+ param: thing (iri) the thing\n#+ param: n (integer, optional) how many\n"
        + "SELECT ?thing ?n WHERE { ?thing ?p ?n } ORDER BY ?thing\n"
    )
    query = parse_query("things", text)
    with pytest.raises(ParameterError, match="'thing' .* is required"):
        bind_arguments(query, {}, DEFAULT_BASE)
    with pytest.raises(ParameterError, match="xsd:integer"):
        bind_arguments(query, {"thing": "organisation/micronit", "n": "many"}, DEFAULT_BASE)


def test_a_missing_queries_folder_has_no_queries(tmp_path: Path) -> None:
    assert load_queries(tmp_path / "queries") == []
