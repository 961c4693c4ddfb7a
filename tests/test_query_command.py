"""`ecograph query NAME|FILE`: stored and ad-hoc queries on the local build or on an endpoint (CliRunner)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import free_port

from ecograph.cli import main

LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?thing ?label WHERE { ?thing rdfs:label ?label FILTER(lang(?label) = "en") } ORDER BY ?thing ?label LIMIT 4
"""


@pytest.fixture(scope="module")
def dist(live_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the served dist/ with a stored query queries/demo-labels.rq."""
    copy = tmp_path_factory.mktemp("query-command") / "dist"
    shutil.copytree(live_dist, copy)
    (copy / "queries").mkdir(exist_ok=True)
    (copy / "queries" / "demo-labels.rq").write_text(f"#+ summary: labels\n{LABELS}")
    return copy


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_stored_query_as_a_table(dist: Path) -> None:
    code, output = run("query", "demo-labels", "--dist", str(dist))
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].split("│")[0].strip() == "thing"
    assert lines[1].startswith("─")
    assert lines[-1] == "(4 rows)"
    assert "id:" in output  # IRIs under <base>id/ are shortened


def test_query_file_as_json_and_csv(dist: Path, tmp_path: Path) -> None:
    query = tmp_path / "labels.rq"
    query.write_text(LABELS)
    code, output = run("query", str(query), "--dist", str(dist), "--format", "json")
    assert code == 0
    answer = json.loads(output)
    assert answer["head"]["vars"] == ["thing", "label"]
    assert len(answer["results"]["bindings"]) == 4
    code, output = run("query", str(query), "--dist", str(dist), "--format", "csv")
    rows = list(csv.reader(io.StringIO(output)))
    assert rows[0] == ["thing", "label"] and len(rows) == 5


def test_endpoint_gives_the_same_answer(dist: Path, live_server: str) -> None:
    local = run("query", "demo-labels", "--dist", str(dist))
    remote = run("query", "demo-labels", "--dist", str(dist), "--endpoint", f"{live_server}/sparql")
    assert remote == local


@pytest.mark.parametrize("form", ["ASK { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2"])
def test_ask_and_construct(dist: Path, live_server: str, tmp_path: Path, form: str) -> None:
    query = tmp_path / "q.rq"
    query.write_text(form)
    local = run("query", str(query), "--dist", str(dist))
    remote = run("query", str(query), "--endpoint", f"{live_server}/sparql")
    assert local[0] == 0 and remote[0] == 0
    assert local[1].splitlines()[-1] == remote[1].splitlines()[-1]


def test_unknown_query_lists_the_stored_ones(dist: Path) -> None:
    code, output = run("query", "nope", "--dist", str(dist))
    assert code == 2
    assert "demo-labels" in output


def test_syntax_error(dist: Path, tmp_path: Path) -> None:
    query = tmp_path / "bad.rq"
    query.write_text("SELECT * WHERE {")
    code, output = run("query", str(query), "--dist", str(dist))
    assert code == 2 and "syntax error" in output


def test_unreachable_endpoint(dist: Path) -> None:
    port = free_port()
    code, output = run("query", "demo-labels", "--dist", str(dist), "--endpoint", f"http://127.0.0.1:{port}/sparql")
    assert code == 2 and "did not answer" in output


def test_a_parameter_narrows_a_stored_query(dist: Path) -> None:
    code, output = run("query", "label-search", "--dist", str(dist), "--param", "q=micronit", "--format", "csv")
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert rows and all("micronit" in row["entityLabel"].lower() for row in rows)


def test_an_iri_parameter_takes_an_entity_id(dist: Path) -> None:
    code, output = run(
        "query", "entity-card", "--dist", str(dist), "--param", "entity=organisation/micronit", "--format", "csv"
    )
    assert code == 0, output
    assert {row["entity"] for row in csv.DictReader(io.StringIO(output))} == {
        "https://w3id.org/ecograph/id/organisation/micronit"
    }


def test_an_undeclared_parameter_is_named_with_the_declared_ones(dist: Path) -> None:
    code, output = run("query", "label-search", "--dist", str(dist), "--param", "name=x")
    assert code == 2
    assert "no parameter 'name'" in output and "its parameters: q" in output
    assert "Traceback" not in output


def test_a_parameter_without_a_value_is_a_usage_error(dist: Path) -> None:
    code, output = run("query", "label-search", "--dist", str(dist), "--param", "twente")
    assert code == 2 and "KEY=VALUE" in output
