"""Facts written by hand in Turtle or JSON-LD: validated as written, built and served like a YAML mapping.

The examples are read from CONTRIBUTING.md itself (each fenced block after `<!-- file: PATH -->`), so the
documentation cannot go stale.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import running_server
from contribution_helpers import REPO, scratch_project

from ecograph.cli import main
from ecograph.project import Project

pytest_plugins = ["contribution_fixtures"]  # published_dist

STEM = "900_micronit-clean-room"
FUNDING = "https://w3id.org/ecograph/id/funding/twente-board-micronit-clean-room"


def documented_files() -> dict[str, str]:
    """Each file CONTRIBUTING.md shows in full: its path and its text."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    blocks = re.finditer(r"<!-- file: (?P<path>\S+) -->\n```\w*\n(?P<body>.*?)```\n", text, re.DOTALL)
    return {block["path"]: block["body"] for block in blocks}


def example_project(root: Path, *contributions: str) -> Project:
    """A project with the repository's seeds, the example article and the named contribution files (no mappings)."""
    project = scratch_project(root)
    files = documented_files()
    for path in (f"seeds/{STEM}.txt", f"seeds/{STEM}.yaml", *contributions):
        (root / path).write_text(files[path], encoding="utf-8")
    return project


def ecograph(project: Project, *args: object) -> Result:
    return CliRunner().invoke(main, ["--project", str(project.root), *map(str, args)])


def validate(project: Project, dist: Path, path: Path) -> Result:
    return ecograph(project, "validate", "--no-reasoner", "--against", dist, path)


@pytest.mark.parametrize("suffix", [".ttl", ".jsonld"])
def test_the_documented_example_validates(suffix: str, tmp_path: Path, published_dist: Path) -> None:
    contribution = f"mappings/{STEM}{suffix}"
    project = example_project(tmp_path / "project", contribution)
    result = validate(project, published_dist, project.root / contribution)
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output and "its text is not in" not in result.output


@pytest.mark.parametrize("suffix", [".ttl", ".jsonld"])
def test_the_documented_example_builds(suffix: str, tmp_path: Path) -> None:
    project = example_project(tmp_path / "project", f"mappings/{STEM}{suffix}")
    result = ecograph(project, "build", "--out", tmp_path / "dist")
    assert result.exit_code == 0, result.output
    article = (tmp_path / "dist" / "articles" / "micronit-clean-room.ttl").read_text(encoding="utf-8")
    assert 'eco:amount "2000000"^^xsd:decimal' in article
    assert re.search(r"claim:[0-9a-f]{16} ", article) and "eco:quoteLine 5" in article


def test_a_handwritten_article_is_published_as_its_yaml_mapping_would_be(tmp_path: Path) -> None:
    """The same facts, in Turtle and in YAML, give the same named graph byte for byte."""
    turtle = example_project(tmp_path / "turtle", f"mappings/{STEM}.ttl")
    yaml = example_project(tmp_path / "yaml")
    (yaml.mappings_dir / f"{STEM}.yaml").write_text(YAML_OF_THE_EXAMPLE, encoding="utf-8")
    for project in (turtle, yaml):
        assert ecograph(project, "build", "--out", project.root / "dist").exit_code == 0
    graphs = [(p.root / "dist" / "articles" / "micronit-clean-room.ttl").read_bytes() for p in (turtle, yaml)]
    assert graphs[0] == graphs[1]


YAML_OF_THE_EXAMPLE = f"""\
article: {STEM}
entities:
  - id: organisation/micronit
    type: Company
    label: {{en: Micronit}}
    quote: "The Enschede-based company Micronit Microtechnologies B.V."
  - id: organisation/twente-board
    type: Organisation
    label: {{en: Twente Board}}
    quote: "received €2 million from the Twente Board"
  - id: funding/twente-board-micronit-clean-room
    type: Funding
    label: {{en: "€2 million from the Twente Board"}}
    quote: "received €2 million from the Twente Board for a new clean room."
    facts:
      - funder: organisation/twente-board
      - recipient: organisation/micronit
        quote: "Micronit Microtechnologies B.V. received €2 million"
      - amount: 2000000
        quote: "received €2 million"
      - currency: EUR
        quote: "received €2 million"
"""


def broken(turtle: str) -> str:
    """The documented Turtle with a non-numeric amount, a quote the article lacks and a place as the funder."""
    replacements = {
        "eco:amount 2000000 ;": 'eco:amount "2 million" ;',
        "rdf:predicate eco:amount ; rdf:object 2000000 ;": 'rdf:predicate eco:amount ; rdf:object "2 million" ;',
        "eco:funder organisation:twente-board ;": "eco:funder place:enschede ;",
        "rdf:object organisation:twente-board ;": "rdf:object place:enschede ;",
        'eco:quote "Micronit Microtechnologies B.V. received €2 million" ;': 'eco:quote "Micronit got €3 million" ;',
        "@prefix funding:": "@prefix place: <https://w3id.org/ecograph/id/place/> .\n@prefix funding:",
    }
    for old, new in replacements.items():
        assert old in turtle
        turtle = turtle.replace(old, new)
    return turtle


def test_a_wrong_handwritten_contribution_names_each_problem(tmp_path: Path, published_dist: Path) -> None:
    project = example_project(tmp_path / "project")
    path = project.mappings_dir / f"{STEM}.ttl"
    path.write_text(broken(documented_files()[f"mappings/{STEM}.ttl"]), encoding="utf-8")
    result = ecograph(project, "validate", "--no-reasoner", "--against", published_dist, "--format", "json", path)
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    findings = [f for entity in report["entities"] for f in entity["findings"] if f["severity"] == "Violation"]
    by_property = {(f["property"], f["value"]): f for f in findings}
    assert "number" in by_property[("amount", '"2 million"')]["message"]
    assert "datatype" in by_property[("amount", '"2 million"')]["hint"]
    assert "does not occur" in by_property[("recipient", '"Micronit got €3 million"')]["message"]
    assert "organisation" in by_property[("funder", "https://w3id.org/ecograph/id/place/enschede")]["message"]
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("funding:"))
    assert {f["location"]["line"] for f in findings} == {line}


def test_the_build_names_file_line_and_property_of_a_wrong_handwritten_article(tmp_path: Path) -> None:
    project = example_project(tmp_path / "project")
    path = project.mappings_dir / f"{STEM}.ttl"
    path.write_text(broken(documented_files()[f"mappings/{STEM}.ttl"]), encoding="utf-8")
    result = ecograph(project, "build", "--out", tmp_path / "dist")
    assert result.exit_code == 1, result.output
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("funding:"))
    assert f"{STEM}.ttl:{line}: eco:amount: '2 million' is not a number" in result.output
    assert f"{STEM}.ttl:{line}: eco:recipient: the quote does not occur" in result.output
    assert not (tmp_path / "dist").exists()


def test_a_fact_without_claim_stops_the_build(tmp_path: Path) -> None:
    project = example_project(tmp_path / "project", f"mappings/{STEM}.ttl")
    path = project.mappings_dir / f"{STEM}.ttl"
    unclaimed = path.read_text().replace('rdfs:label "Micronit"@en .', 'rdfs:label "Micronit"@en , "Micronit"@nl .')
    path.write_text(unclaimed)
    result = ecograph(project, "build", "--out", tmp_path / "dist")
    assert result.exit_code == 1, result.output
    assert f"{STEM}.ttl:10: rdfs:label: the fact rdfs:label Micronit has no claim" in result.output
    assert "hint: add a claim: [] a eco:Claim" in result.output


def test_a_handwritten_article_without_a_mapping_is_served(tmp_path: Path) -> None:
    """End to end: the example, the only article of its project, built and answered by a real /sparql."""
    project = example_project(tmp_path / "project", f"mappings/{STEM}.ttl")
    dist = tmp_path / "dist"
    assert ecograph(project, "build", "--out", dist).exit_code == 0
    query = f"""PREFIX eco: <https://w3id.org/ecograph/def#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?amount ?quote ?line WHERE {{
          GRAPH ?g {{ <{FUNDING}> eco:amount ?amount .
            ?claim rdf:subject <{FUNDING}> ; rdf:predicate eco:amount ; eco:quote ?quote ; eco:quoteLine ?line }} }}"""
    with running_server(dist, tmp_path / "serve.log") as url:
        request = urllib.request.Request(
            f"{url}/sparql?{urllib.parse.urlencode({'query': query})}",
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            rows = json.load(answer)["results"]["bindings"]
    assert [(r["amount"]["value"], r["quote"]["value"], r["line"]["value"]) for r in rows] == [
        ("2000000", "received €2 million", "5")
    ]


def test_the_build_names_the_line_of_the_entity_in_json_ld(tmp_path: Path) -> None:
    project = example_project(tmp_path / "project")
    path = project.mappings_dir / f"{STEM}.jsonld"
    path.write_text(documented_files()[f"mappings/{STEM}.jsonld"].replace("2000000", '"2 million"'), encoding="utf-8")
    result = ecograph(project, "build", "--out", tmp_path / "dist")
    assert result.exit_code == 1, result.output
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if '"@id": "funding:' in text)
    assert f"{STEM}.jsonld:{line}: eco:amount: '2 million' is not a number" in result.output


USES_THE_COMPANY = """article: 901_micronit-again
entities:
  - id: organisation/micronit-microtechnologies
    facts:
      - locatedIn: place/enschede
        quote: "The Enschede-based company Micronit Microtechnologies B.V."
  - id: place/enschede
"""


@pytest.mark.parametrize("suffix", [".ttl", ".jsonld"])
def test_a_mapping_uses_by_its_id_an_entity_a_handwritten_article_declares(
    suffix: str, tmp_path: Path, published_dist: Path
) -> None:
    project = example_project(tmp_path / "project", f"mappings/{STEM}{suffix}")
    hand_written = project.mappings_dir / f"{STEM}{suffix}"
    unpublished = "organisation:micronit-microtechnologies"  # the published graph has organisation/micronit
    hand_written.write_text(hand_written.read_text(encoding="utf-8").replace("organisation:micronit", unpublished))
    for kind in ("txt", "yaml"):
        seed = project.seeds_dir / f"{STEM}.{kind}"
        text = seed.read_text(encoding="utf-8").replace("slug: micronit-clean-room", "slug: micronit-again")
        (project.seeds_dir / f"901_micronit-again.{kind}").write_text(text, encoding="utf-8")
    mapping = project.mappings_dir / "901_micronit-again.yaml"
    mapping.write_text(USES_THE_COMPANY, encoding="utf-8")
    result = validate(project, published_dist, mapping)
    assert result.exit_code == 0, result.output
