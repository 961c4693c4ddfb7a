"""The contribution corpus: every folder under tests/contributions/ is validated against the seed build and
must produce the report entries its expected.json lists (see tests/contributions/README.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from contribution_helpers import scratch_project

from ecograph.validate.report import Report, to_json, to_text
from ecograph.validate.run import validate

pytest_plugins = ["contribution_fixtures"]  # published_dist

CORPUS = Path(__file__).parent / "contributions"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expected.json").is_file())


def case_inputs(case: Path) -> list[Path]:
    return sorted(
        p for p in case.iterdir() if p.stem in ("contribution", "mapping") or p.name.startswith("contribution.")
    )


def run_case(case: Path, root: Path, built_dist: Path, reasoner: bool) -> Report:
    project = scratch_project(root, [*case.glob("*.txt"), *case.glob("case.yaml")])
    return validate(case_inputs(case), built_dist, project=project, reasoner=reasoner)


def entries(report: Report) -> list[dict]:
    data = json.loads(to_json(report))
    return [{**finding, "id": entity["id"]} for entity in data["entities"] for finding in entity["findings"]]


def matches(entry: dict, wanted: dict) -> bool:
    checks = wanted.get("check")
    if checks and entry["check"] not in ([checks] if isinstance(checks, str) else checks):
        return False
    simple = {"severity": "severity", "focus": "id", "property": "property"}
    if any(key in wanted and wanted[key] != entry[field] for key, field in simple.items()):
        return False
    for key in ("value", "message", "hint"):
        if key in wanted and wanted[key] not in (entry[key] or ""):
            return False
    return "related" not in wanted or any(r.endswith("/id/" + wanted["related"]) for r in entry["related"])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_contribution_case(case: Path, tmp_path: Path, published_dist: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    report = run_case(case, tmp_path / "project", published_dist, expected.get("reasoner", False))
    found = entries(report)
    shown = to_text(report, infos=True)
    assert report.exit_code == expected["exit_code"], shown
    for wanted in expected["findings"]:
        assert any(matches(entry, wanted) for entry in found), f"missing {wanted}\n{shown}"
    for unwanted in expected.get("absent", []):
        assert not any(matches(entry, unwanted) for entry in found), f"unexpected {unwanted}\n{shown}"


def test_corpus_covers_every_kind_of_problem() -> None:
    """The issue's list of problems each has a case."""
    names = {case.name for case in CASES}
    for needed in (
        "missing-required",
        "wrong-datatype",
        "wrong-class",
        "dangling-reference",
        "two-values",
        "label-without-language",
        "negative-amount",
        "non-numeric-amount",
        "impossible-date",
        "disjoint-types",
        "duplicate-spelling",
        "quote-not-in-article",
        "unknown-property",
    ):
        assert any(name.startswith(needed) for name in names), needed


def test_good_turtle_is_the_good_mapping_as_built(tmp_path: Path) -> None:
    """The RDF form of a good contribution is what the mapping engine makes of good-mapping; after a change to
    the engine, regenerate it with ECOGRAPH_REGENERATE=1 pytest -k good_turtle."""
    from pyoxigraph import RdfFormat, serialize
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from ecograph.build.graph import entity_kinds
    from ecograph.build.mapping import map_article
    from ecograph.namespaces import dump_prefixes
    from ecograph.ontology import Vocabulary

    case = CORPUS / "good-mapping"
    project = scratch_project(tmp_path / "project", [case / "case.txt", case / "case.yaml"])
    article = map_article(project, Vocabulary.of(project), case / "mapping.yaml")
    triples = sorted({q.triple for q in article.quads}, key=str)
    kinds = entity_kinds((q.subject.value for q in article.quads), project)
    turtle = serialize(triples, format=RdfFormat.TURTLE, prefixes=dump_prefixes(project.base, kinds))
    target = CORPUS / "good-turtle" / "contribution.ttl"
    if os.environ.get("ECOGRAPH_REGENERATE"):
        target.write_bytes(b"# The good mapping's triples as the build writes them (claims included).\n" + turtle)
    built = Graph().parse(data=turtle.decode("utf-8"), format="turtle")
    assert isomorphic(built, Graph().parse(target, format="turtle")), "regenerate: ECOGRAPH_REGENERATE=1"
