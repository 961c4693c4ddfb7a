"""`ecograph validate` from the command line: exit codes, the three report formats, and bad input.

Bad input never gives a traceback or a hang: an unreadable file exits 2 with the file, line and column and what
to do; a file that reads but is wrong gives a report (exit 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from contribution_helpers import scratch_project
from rdflib import SH, Graph

from ecograph.cli import main
from ecograph.project import Project
from ecograph.validate.report import to_text
from ecograph.validate.run import validate

pytest_plugins = ["contribution_fixtures"]  # published_dist

CORPUS = Path(__file__).parent / "contributions"
PREFIXES = """@prefix eco: <https://w3id.org/ecograph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix organisation: <https://w3id.org/ecograph/id/organisation/> .
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return scratch_project(
        tmp_path / "project", [CORPUS / "good-mapping" / "case.txt", CORPUS / "good-mapping" / "case.yaml"]
    )


def run(project: Project, dist: Path, *args: object) -> Result:
    command = ["--project", str(project.root), "validate", "--no-reasoner", "--against", str(dist), *map(str, args)]
    return CliRunner().invoke(main, command, catch_exceptions=False)


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# exit codes and formats -----------------------------------------------------------------------------------


def test_help_documents_the_exit_codes() -> None:
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    for line in ("0  the contribution conforms", "1  it has violations", "2  a file cannot be read"):
        assert line in result.output


def test_a_good_mapping_exits_0(project: Project, published_dist: Path) -> None:
    result = run(project, published_dist, CORPUS / "good-mapping" / "mapping.yaml")
    assert result.exit_code == 0, result.output
    assert ": conforms" in result.output


def test_text_report_names_entities_by_label_with_file_and_line(project: Project, published_dist: Path) -> None:
    result = run(project, published_dist, CORPUS / "wrong-datatype-mapping" / "mapping.yaml")
    assert result.exit_code == 1
    assert 'funding/case-grant "€2 million from the Twente Board" (funding)' in result.output
    assert "mapping.yaml:8: entities[0].facts[0].amount" in result.output
    assert "✗ Violation [the mapping] amount = 2 million" in result.output
    assert "fix: " in result.output


def test_json_report_has_the_same_structure(project: Project, published_dist: Path) -> None:
    result = run(project, published_dist, CORPUS / "duplicate-spelling" / "contribution.ttl", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["conforms"] is False and data["exit_code"] == 1
    entity = next(e for e in data["entities"] if e["id"] == "organisation/micronit-microtechnologies")
    assert entity["label"] == "Micronit Microtechnologies B.V."
    duplicate = next(f for f in entity["findings"] if f["check"] == "duplicate")
    assert duplicate["related"] == ["https://w3id.org/ecograph/id/organisation/micronit"]
    assert {"severity", "property", "value", "message", "hint", "location"} <= set(duplicate)


def test_turtle_report_is_a_shacl_validation_report(project: Project, published_dist: Path) -> None:
    result = run(project, published_dist, CORPUS / "two-values-amount" / "contribution.ttl", "--format", "turtle")
    assert result.exit_code == 1
    report = Graph().parse(data=result.output, format="turtle")
    root = next(report.subjects(None, SH.ValidationReport))
    assert report.value(root, SH.conforms).toPython() is False
    results = list(report.objects(root, SH.result))
    assert results
    for node in results:
        for predicate in (SH.focusNode, SH.resultSeverity, SH.resultMessage, SH.sourceConstraintComponent):
            assert report.value(node, predicate) is not None


def test_json_errors_have_one_shape(project: Project, published_dist: Path, tmp_path: Path) -> None:
    result = run(project, published_dist, write(tmp_path / "empty.ttl", ""), "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.output) == {"ok": False, "exit_code": 2, "error": json.loads(result.output)["error"]}
    assert "empty" in json.loads(result.output)["error"]


def test_missing_published_graph_says_how_to_build(project: Project, tmp_path: Path) -> None:
    result = run(project, tmp_path / "nowhere", CORPUS / "good-mapping" / "mapping.yaml")
    assert result.exit_code == 2
    assert "ecograph build" in result.output


def test_only_the_contributions_own_nodes_are_reported(project: Project, published_dist: Path) -> None:
    """The published Micronit gets only its type and labels as context; its other shapes are not checked."""
    result = run(project, published_dist, CORPUS / "good-turtle" / "contribution.ttl", "--format", "json")
    assert result.exit_code == 0, result.output
    ids = {e["id"] for e in json.loads(result.output)["entities"]}
    assert "organisation/twente-board" not in ids


# bad input ------------------------------------------------------------------------------------------------


def unreadable(result: Result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output


def test_malformed_turtle_names_file_line_and_column(project: Project, published_dist: Path, tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bad.ttl",
        PREFIXES + 'organisation:x a eco:Company ;\n    rdfs:label "X"@en\norganisation:y a eco:Company .\n',
    )
    unreadable(run(project, published_dist, bad), "bad.ttl:6:1", "syntax error")


def test_empty_file(project: Project, published_dist: Path, tmp_path: Path) -> None:
    unreadable(run(project, published_dist, write(tmp_path / "empty.ttl", "  \n")), "the file is empty")


def test_binary_file(project: Project, published_dist: Path, tmp_path: Path) -> None:
    unreadable(run(project, published_dist, write(tmp_path / "image.ttl", bytes(range(256)) * 10)), "binary file")


def test_wrongly_encoded_file(project: Project, published_dist: Path, tmp_path: Path) -> None:
    latin1 = (PREFIXES + 'organisation:x rdfs:label "Universit\xe9"@fr .\n').encode("latin-1")
    unreadable(run(project, published_dist, write(tmp_path / "latin1.ttl", latin1)), "latin1.ttl:4:", "UTF-8")


def test_a_50_mb_file_is_refused_without_reading_it(project: Project, published_dist: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    with big.open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    unreadable(run(project, published_dist, big), "is 52,428,800 bytes", "split it per article")


def test_a_file_of_100000_triples_is_refused(project: Project, published_dist: Path, tmp_path: Path) -> None:
    lines = [PREFIXES] + [f'organisation:o{i} rdfs:label "o{i}"@en .' for i in range(100_000)]
    many = write(tmp_path / "many.ttl", "\n".join(lines))
    assert many.stat().st_size < 10_000_000  # refused for its triples, not its size
    unreadable(run(project, published_dist, many), "more than 20,000 triples")


def test_yaml_bomb_is_refused(project: Project, published_dist: Path, tmp_path: Path) -> None:
    bomb = ["article: case", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    bomb += [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]" for i in range(8)
    ]
    unreadable(
        run(project, published_dist, write(tmp_path / "bomb.yaml", "\n".join(bomb))), "aliases (*name) are not allowed"
    )


def test_iri_with_a_space_in_turtle(project: Project, published_dist: Path, tmp_path: Path) -> None:
    spaced = write(
        tmp_path / "space.ttl",
        PREFIXES + '<https://w3id.org/ecograph/id/organisation/my org> rdfs:label "My org"@en .\n',
    )
    unreadable(run(project, published_dist, spaced), "space.ttl:4:", "spaces")


def test_id_with_a_space_in_a_mapping_is_reported(project: Project, published_dist: Path, tmp_path: Path) -> None:
    mapping = (CORPUS / "good-mapping" / "mapping.yaml").read_text(encoding="utf-8")
    spaced = write(tmp_path / "space.yaml", mapping.replace("id: place/enschede", "id: place/en schede"))
    result = run(project, published_dist, spaced)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "'place/en schede' is not a valid id" in result.output


def test_a_name_where_an_id_belongs_suggests_the_ids_of_that_name(
    project: Project, published_dist: Path, tmp_path: Path
) -> None:
    mapping = (CORPUS / "good-mapping" / "mapping.yaml").read_text(encoding="utf-8")
    named = write(tmp_path / "named.yaml", mapping.replace("- locatedIn: place/enschede", "- locatedIn: Enschede", 1))
    result = run(project, published_dist, named)
    assert result.exit_code == 1
    assert "'Enschede' is a name; write the id of what it names: place/enschede" in result.output


def test_a_name_of_the_wrong_class_is_not_suggested(project: Project, published_dist: Path, tmp_path: Path) -> None:
    """locatedIn wants a place: the company Micronit is no answer."""
    mapping = (CORPUS / "good-mapping" / "mapping.yaml").read_text(encoding="utf-8")
    named = write(tmp_path / "named.yaml", mapping.replace("- locatedIn: place/enschede", "- locatedIn: Micronit", 1))
    result = run(project, published_dist, named)
    assert result.exit_code == 1 and "organisation/micronit" not in result.output.split("located in")[1]


def test_a_quote_with_straight_quotes_or_dashes_gets_the_near_miss_hint(
    project: Project, published_dist: Path, tmp_path: Path
) -> None:
    write(project.seeds_dir / "case.txt", "Micronit opens a new clean room\n\nIt’s “new” – really, says Micronit.\n")
    mapping = (CORPUS / "good-mapping" / "mapping.yaml").read_text(encoding="utf-8")
    straight = mapping.replace(
        'quote: "Micronit opens a new clean room"', "quote: 'It''s \"new\" - really, says Micronit.'"
    )
    result = run(project, published_dist, write(tmp_path / "straight.yaml", straight))
    for pair in ("’ where the quote has '", '“ where the quote has "', "– where the quote has -"):
        assert pair in result.output


def test_unknown_file_type(project: Project, published_dist: Path, tmp_path: Path) -> None:
    unreadable(run(project, published_dist, write(tmp_path / "notes.docx", "x")), ".ttl", ".yaml")


def test_missing_file(project: Project, published_dist: Path, tmp_path: Path) -> None:
    unreadable(run(project, published_dist, tmp_path / "absent.ttl"), "cannot read the file")


def test_broken_yaml_names_the_line(project: Project, published_dist: Path, tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.yaml", "article: case\nentities:\n  - id: [unclosed\n")
    unreadable(run(project, published_dist, broken), "broken.yaml:")


def test_the_library_returns_a_report_and_prints_nothing(
    project: Project, published_dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecograph.validate.run import validate

    report = validate(
        [CORPUS / "dangling-reference" / "contribution.ttl"], published_dist, project=project, reasoner=False
    )
    assert capsys.readouterr().out == ""
    assert report.exit_code == 1 and not report.conforms
    assert any(f.check == "reference" for f in report.findings)


def test_a_folder_is_not_a_contribution(project: Project, published_dist: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    unreadable(run(project, published_dist, folder), "this is a folder")


SEED_MAPPINGS = sorted((Path(__file__).resolve().parents[1] / "mappings").glob("*.yaml"))


@pytest.mark.parametrize("mapping", SEED_MAPPINGS, ids=lambda p: p.stem)
def test_every_published_mapping_passes_validate(mapping: Path, built_dist: Path, seed_project) -> None:
    """validate and build agree: what the build publishes, validate does not call a violation."""
    report = validate([mapping], built_dist, project=seed_project, reasoner=False)
    assert report.count("Violation") == 0, to_text(report)
