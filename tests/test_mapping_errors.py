"""Bad mappings: every mistake stops the build with the file, line and field, says what to do, and leaves
dist/ untouched; the build lists every problem of every file."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecograph.build.dumps import MappingErrors, build_dist
from ecograph.cli import main
from ecograph.errors import Code
from ecograph.findings import Finding
from ecograph.project import Project

REPO = Path(__file__).resolve().parents[1]

ARTICLE = """Micronit opens a new clean room

19 December 2023

The Enschede-based company Micronit received €2 million from the Twente Board.
"""

METADATA = """slug: micronit-clean-room
title: Micronit opens a new clean room
languages: [en]
published: {date: 2023-12-19, quote: "19 December 2023"}
"""

GOOD_MAPPING = """article: 100_test
entities:
  - id: organisation/micronit
    type: Company
    label: {en: Micronit}
    quote: "The Enschede-based company Micronit"
    facts:
      - locatedIn: place/enschede
  - id: place/enschede
    type: City
    label: {en: Enschede}
    quote: "The Enschede-based company"
  - id: organisation/twente-board
    type: InnovationIntermediary
    label: {en: Twente Board}
    quote: "from the Twente Board"
  - id: funding/twente-board-micronit
    type: Funding
    quote: "Micronit received €2 million from the Twente Board"
    facts:
      - funder: organisation/twente-board
      - recipient: organisation/micronit
      - amount: 2000000
      - currency: EUR
"""

NAMES = """names:
  - id: funding/twente-board-micronit
    kind: display-label
    label: {en: Twente Board funding for Micronit}
    who: Ecosystem Graph editors
    why: Composed from the funding's facts; the article states the facts, not this name
"""


def write_one_article_project(root: Path, *, queries: bool = True) -> Path:
    """`root` as a project of the one article above, with the real ontology and shapes (and stored queries,
    or an empty queries/)."""
    copied = ("ontology", "shapes", "queries") if queries else ("ontology", "shapes")
    for folder in copied:
        shutil.copytree(REPO / folder, root / folder)
    for folder in ("seeds", "mappings", "queries"):
        (root / folder).mkdir(exist_ok=True)
    (root / "seeds" / "100_test.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "seeds" / "100_test.yaml").write_text(METADATA, encoding="utf-8")
    (root / "mappings" / "100_test.yaml").write_text(GOOD_MAPPING, encoding="utf-8")
    (root / "mappings" / "names.yaml").write_text(NAMES, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A one-article project with the real ontology and shapes."""
    return Project.open(write_one_article_project(tmp_path, queries=False))


def write_mapping(project: Project, text: str) -> None:
    (project.mappings_dir / "100_test.yaml").write_text(text, encoding="utf-8")


def only_error(project: Project) -> Finding:
    with pytest.raises(MappingErrors) as caught:
        build_dist(project, project.default_dist)
    [error] = caught.value.findings
    return error


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_good_mapping_builds(project: Project) -> None:
    result = build_dist(project, project.default_dist)
    assert result.articles == 1
    assert (project.default_dist / "articles" / "micronit-clean-room.ttl").is_file()


def test_yaml_syntax_error_names_the_line(project: Project) -> None:
    write_mapping(project, GOOD_MAPPING.replace("    label: {en: Enschede}", "    label: {en: Enschede"))
    error = only_error(project)
    assert "YAML syntax error" in error.message
    assert error.location.line == 11
    assert "noticed on line 12" in error.message


def test_unknown_field_is_named_with_the_allowed_ones(project: Project) -> None:
    write_mapping(project, GOOD_MAPPING.replace("    label: {en: Micronit}", "    labels: {en: Micronit}"))
    error = only_error(project)
    assert error.location.line == 5
    assert error.location.field == "entities[0].labels"
    assert "unknown field 'labels'" in error.message
    assert "did you mean 'label'" in error.hint


def test_reference_to_an_undefined_entity(project: Project) -> None:
    write_mapping(project, GOOD_MAPPING.replace("- locatedIn: place/enschede", "- locatedIn: place/hengelo"))
    error = only_error(project)
    assert error.location.line == 8
    assert error.location.field == "entities[0].facts[0].locatedIn"
    assert "'place/hengelo' is not declared" in error.message
    assert "id: place/hengelo" in error.hint


def test_amount_that_is_not_a_number(project: Project) -> None:
    write_mapping(project, GOOD_MAPPING.replace("amount: 2000000", "amount: two million"))
    error = only_error(project)
    assert error.location.field == "entities[3].facts[2].amount"
    assert "not a number" in error.message
    assert "digits" in error.hint


def test_date_that_is_not_a_date(tmp_path: Path, project: Project) -> None:
    (project.seeds_dir / "100_test.yaml").write_text(METADATA.replace("2023-12-19", "2023-02-30"))
    error = only_error(project)
    assert error.location.path == project.seeds_dir / "100_test.yaml"
    assert error.location.field == "published"
    assert "is not a date" in error.message


def test_duplicate_id_points_at_both_entries(project: Project) -> None:
    duplicate = (
        GOOD_MAPPING + '  - id: place/enschede\n    type: City\n    label: {en: Enschede}\n    quote: "Enschede"\n'
    )
    write_mapping(project, duplicate)
    error = only_error(project)
    assert "declared twice (first on line 9)" in error.message
    assert error.location.line == GOOD_MAPPING.count("\n") + 1


def test_quote_that_does_not_occur_in_the_article(project: Project) -> None:
    write_mapping(project, GOOD_MAPPING.replace('quote: "from the Twente Board"', 'quote: "from Twente Board"'))
    error = only_error(project)
    assert error.location.field == "entities[2].quote"
    assert "does not occur in 100_test.txt" in error.message


def test_unknown_property_suggests_the_nearest(project: Project) -> None:
    write_mapping(project, GOOD_MAPPING.replace("- locatedIn:", "- locatedAt:"))
    error = only_error(project)
    assert "'locatedAt' is not a property" in error.message
    assert "did you mean 'locatedIn'" in error.hint


def test_yaml_aliases_are_refused(project: Project) -> None:
    write_mapping(project, "a: &x [1, 2]\nb: [*x, *x, *x]\n")
    error = only_error(project)
    assert "aliases" in error.message


def test_a_failed_build_leaves_the_previous_dist_untouched(project: Project) -> None:
    build_dist(project, project.default_dist)
    before = fingerprint(project.default_dist)
    write_mapping(project, GOOD_MAPPING.replace("amount: 2000000", "amount: lots"))
    with pytest.raises(MappingErrors):
        build_dist(project, project.default_dist)
    assert fingerprint(project.default_dist) == before
    published = {project.default_dist.resolve().name, ".dist.lock"}  # the build dist links to, and the lock
    assert {p.name for p in project.root.iterdir() if p.name.startswith(".dist")} == published


def test_the_cli_prints_the_error_without_a_traceback(project: Project) -> None:
    write_mapping(project, GOOD_MAPPING.replace("- locatedIn: place/enschede", "- locatedIn: place/hengelo"))
    result = CliRunner().invoke(main, ["--project", str(project.root), "build"])
    assert result.exit_code == 1
    assert "100_test.yaml:8: entities[0].facts[0].locatedIn" in result.output
    assert "Traceback" not in result.output
    assert not project.default_dist.exists()


def test_the_build_lists_every_problem_of_a_file(project: Project) -> None:
    mapping = (
        GOOD_MAPPING.replace("- locatedIn: place/enschede", "- locatedIn: place/hengelo")
        .replace("amount: 2000000", "amount: two million")
        .replace('quote: "from the Twente Board"', 'quote: "from Twente Board"')
    )
    write_mapping(project, mapping)
    with pytest.raises(MappingErrors) as caught:
        build_dist(project, project.default_dist)
    found = caught.value.findings
    assert [(f.location.line, f.code, f.value) for f in found] == [
        (8, Code.UNDEFINED_REFERENCE, "place/hengelo"),
        (16, Code.QUOTE_NOT_IN_TEXT, None),
        (23, Code.INVALID_VALUE, "two million"),
    ]
    assert str(caught.value).startswith("3 problem(s) in the mappings; nothing was published:\n")
    assert "100_test.yaml:23: entities[3].facts[2].amount: 'two million' is not a number" in str(caught.value)


def test_the_cli_lists_every_problem_and_exits_1(project: Project) -> None:
    write_mapping(
        project,
        GOOD_MAPPING.replace("place/enschede\n", "place/hengelo\n", 1).replace("amount: 2000000", "amount: lots"),
    )
    result = CliRunner().invoke(main, ["--project", str(project.root), "build"])
    assert result.exit_code == 1
    assert "100_test.yaml:8: entities[0].facts[0].locatedIn: 'place/hengelo' is not declared" in result.output
    assert "100_test.yaml:23: entities[3].facts[2].amount: 'lots' is not a number" in result.output


def test_an_id_that_is_a_list_is_one_problem_among_the_others(project: Project) -> None:
    write_mapping(
        project,
        GOOD_MAPPING.replace("id: place/enschede", "id: [place/enschede]").replace("amount: 2000000", "amount: lots"),
    )
    with pytest.raises(MappingErrors) as caught:
        build_dist(project, project.default_dist)
    assert [(f.location.field, f.code) for f in caught.value.findings] == [
        ("entities[1].id", Code.INVALID_ID),
        ("entities[0].facts[0].locatedIn", Code.UNDEFINED_REFERENCE),
        ("entities[3].facts[2].amount", Code.INVALID_VALUE),
    ]
