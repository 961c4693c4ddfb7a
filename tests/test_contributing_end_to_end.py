"""From article to served facts by CONTRIBUTING.md alone: a newcomer saves an article, scaffolds it with
`ecograph new` in a fresh clone (no dist/), confirms the drafts and fills in the rest as CONTRIBUTING says,
validates, builds, and serves; the new facts answer over a real server with their quotes."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner, Result
from conftest import REPO, running_server

from ecograph.cli import main
from ecograph.project import Project

ARTICLE = "\n".join(
    [
        "Sensiq Medical raises €1.5 million for a wearable heart monitor",
        "",
        "12 March 2024",
        "",
        "The Enschede-based start-up Sensiq Medical has raised €1.5 million from Novel-T and a group of private "
        "investors.",
        "Sensiq Medical is a spin-off of the University of Twente and develops a wearable patch that monitors the "
        "heart rhythm of patients at home.",
        '"With this investment we can start our first clinical study at Medisch Spectrum Twente," says Lotte '
        "Hendriks, CEO of Sensiq Medical.",
        "The company was founded in 2021 and now employs 14 people at Kennispark Twente.",
        "The clinical study will include 120 patients with heart failure.",
        "Jaap Beernink, CEO of Novel-T, calls the patch a good example of medical technology from Twente.",
        "Sensiq Medical is a member of the TechMed Centre community.",
        "The company expects to bring the patch to the market in 2026.",
        "",
    ]
)
STEM = "900_sensiq-heart-monitor"
SPIN_OFF_QUOTE = "Sensiq Medical is a spin-off of the University of Twente"

# Step 2: "check every line" of the metadata: a shorter slug, and the date the text gives.
METADATA = """slug: sensiq-heart-monitor
title: "Sensiq Medical raises €1.5 million for a wearable heart monitor"
languages: [en]
published: {date: 2024-03-12, quote: "12 March 2024"}
"""

# Step 3: the facts the drafts missed, with the published University of Twente used by its id alone.
NEW_ENTITIES = """
  - id: organisation/university-of-twente

  - id: innovation/sensiq-heart-patch
    type: Innovation
    label: {en: "wearable patch"}
    quote: "develops a wearable patch that monitors the heart rhythm of patients at home"
    facts:
      - developedBy: organisation/sensiq-medical
        quote: "Sensiq Medical is a spin-off of the University of Twente and develops a wearable patch"
      - expectedAvailability: 2026
        quote: "The company expects to bring the patch to the market in 2026."

  - id: person/lotte-hendriks
    type: Person
    label: {en: "Lotte Hendriks"}
    quote: "says Lotte Hendriks, CEO of Sensiq Medical"

  - id: position/lotte-hendriks-sensiq-medical
    type: Position
    label: {en: "Lotte Hendriks, CEO of Sensiq Medical"}
    quote: "says Lotte Hendriks, CEO of Sensiq Medical"
    facts:
      - heldBy: person/lotte-hendriks
      - atOrganisation: organisation/sensiq-medical
      - jobTitle: {en: CEO}
"""
SPIN_OFF = f"""      - spinOffOf: organisation/university-of-twente
        quote: "{SPIN_OFF_QUOTE}"
"""


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The repository's project files, without dist/."""
    root = tmp_path_factory.mktemp("clone")
    for folder in ("ontology", "shapes", "queries", "seeds", "mappings"):
        shutil.copytree(REPO / folder, root / folder)
    return Project.open(root)


def ecograph(project: Project, *args: object) -> Result:
    return CliRunner().invoke(main, ["--project", str(project.root), *map(str, args)], catch_exceptions=False)


# what a person does to the scaffold, as CONTRIBUTING describes it -------------------------------------------


def entity_block(mapping: str, entity_id: str) -> str:
    """The entry of one entity: from its '- id:' line to the next entry or comment block."""
    found = re.search(rf"\n  - id: {re.escape(entity_id)}\b.*?(?=\n+  - id: |\n+#|\Z)", mapping, re.S)
    assert found, f"the scaffold has no entry for {entity_id}"
    return found.group()


def delete_entity(mapping: str, entity_id: str) -> str:
    return mapping.replace(entity_block(mapping, entity_id), "", 1)


def delete_fact(mapping: str, fact: str) -> str:
    """Delete a draft fact with its quote line."""
    return re.sub(rf"\n +- {re.escape(fact)}  # DRAFT\n +quote: .*", "", mapping, count=1)


def finish(mapping: str) -> str:
    """Confirm the scaffold's drafts as a contributor who checks each against its sentence."""
    assert "#   organisation/novel-t " in mapping and "\n  - id: organisation/novel-t  # published" in mapping
    mapping = delete_entity(mapping, "funding/sensiq-medical-1500000")  # the headline's, a second one
    mapping = delete_entity(mapping, "figure/patients-120")  # the clinical study is no entity: no fact
    mapping = delete_fact(mapping, "memberOf: organisation/techmed-centre")  # "a member of the ... community"
    mapping = mapping.replace("about: facility/kennispark-twente", "about: organisation/sensiq-medical")
    sensiq = entity_block(mapping, "organisation/sensiq-medical")
    confirmed = sensiq.replace("type: Organisation", "type: StartUp") + "\n" + SPIN_OFF.rstrip("\n")
    mapping = mapping.replace(sensiq, confirmed)
    mapping = mapping.replace("  # DRAFT", "")  # each remaining draft checked: its mark deleted
    assert not re.search("# DRAFT$", mapping, re.M)
    before_todo, _, _ = mapping.partition("\n# Open items")  # every to-do done or decided: the section deleted
    return before_todo.rstrip("\n") + "\n" + NEW_ENTITIES


@pytest.fixture(scope="module")
def contributed(fresh_clone: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    article = tmp_path_factory.mktemp("downloads") / "sensiq.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    scaffolded = ecograph(fresh_clone, "new", article, "--id", STEM)
    assert scaffolded.exit_code == 0, scaffolded.output
    assert not fresh_clone.default_dist.exists()
    fresh_clone.seed_metadata(STEM).write_text(METADATA, encoding="utf-8")
    mapping = fresh_clone.mappings_dir / f"{STEM}.yaml"
    mapping.write_text(finish(mapping.read_text(encoding="utf-8")), encoding="utf-8")
    return fresh_clone


@pytest.fixture(scope="module")
def served(contributed: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    validated = ecograph(contributed, "validate", contributed.mappings_dir / f"{STEM}.yaml")
    assert validated.exit_code == 0, validated.output
    built = ecograph(contributed, "build")
    assert built.exit_code == 0, built.output
    log = tmp_path_factory.mktemp("contributed-server") / "server.log"
    with running_server(contributed.default_dist, log) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield http


def test_the_new_fact_answers_over_sparql_with_its_quote(served: httpx.Client, contributed: Project) -> None:
    query = f"""
        PREFIX eco: <{contributed.vocab}>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?quote WHERE {{ GRAPH ?g {{
            <{contributed.entity_iri("organisation/sensiq-medical")}> eco:spinOffOf ?university .
            ?claim rdf:subject <{contributed.entity_iri("organisation/sensiq-medical")}> ;
                   rdf:predicate eco:spinOffOf ; rdf:object ?university ; eco:quote ?quote }} }}"""
    answer = served.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    assert [row["quote"]["value"] for row in answer.json()["results"]["bindings"]] == [SPIN_OFF_QUOTE]


def test_the_new_entitys_page_shows_the_quote(served: httpx.Client) -> None:
    page = served.get("/id/organisation/sensiq-medical", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert SPIN_OFF_QUOTE in page.text and "University of Twente" in page.text


def test_search_finds_the_new_entity(served: httpx.Client) -> None:
    found = served.get("/search", params={"q": "Sensiq"}, headers={"Accept": "text/html"})
    assert found.status_code == 200
    assert "/id/organisation/sensiq-medical" in found.text
