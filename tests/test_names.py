"""Honest names: a name claim says only what its quote says; names no article states are curated in
mappings/names.yaml, with who and why, and published in their own graph; a mapping may use an entity another
mapping declares by its id alone."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from test_mapping_errors import GOOD_MAPPING, NAMES, write_one_article_project

from ecograph.build.dumps import MappingErrors, build_dist
from ecograph.cli import main
from ecograph.errors import Code
from ecograph.project import Project
from ecograph.serve.app import create_app
from ecograph.serve.site import Site
from ecograph.validate.published import Published
from ecograph.validate.run import validate

pytest_plugins = ["contribution_fixtures"]  # published_dist

ECO = "https://w3id.org/ecograph/def#"
NAME_CLAIMS = """
    PREFIX eco: <https://w3id.org/ecograph/def#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?name ?quote WHERE { GRAPH ?g {
        ?claim a eco:Claim ; rdf:predicate ?p ; rdf:object ?name ; eco:quote ?quote
        FILTER(?p IN (rdfs:label, skos:altLabel)) } }"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project.open(write_one_article_project(tmp_path / "project"))


def mapping(project: Project) -> Path:
    return project.mappings_dir / "100_test.yaml"


def store_of(dist: Path) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.bulk_load(path=dist / "ecograph.trig", format=pyoxigraph.RdfFormat.TRIG)
    return store


# a name claim says only what its quote says ----------------------------------------------------------------


def test_the_build_refuses_a_label_its_quote_lacks(project: Project) -> None:
    mapping(project).write_text(
        GOOD_MAPPING.replace("label: {en: Twente Board}", "label: {en: Twente Board, nl: Twente Board Nederland}")
    )
    with pytest.raises(MappingErrors) as caught:
        build_dist(project, project.default_dist)
    [problem] = caught.value.findings
    assert problem.code is Code.NAME_NOT_IN_QUOTE
    assert str(problem.location).endswith("100_test.yaml:15: entities[2].label.nl")
    assert '"Twente Board Nederland" is not in the entity\'s quote ("from the Twente Board")' in problem.message
    assert "quote a sentence of the article that contains the name" in problem.hint
    assert "mappings/names.yaml with who: and why:" in problem.hint


def test_names_are_compared_regardless_of_case_and_quotation_marks(project: Project) -> None:
    mapping(project).write_text(GOOD_MAPPING.replace("label: {en: Twente Board}", "label: {en: twente board}"))
    assert build_dist(project, project.default_dist).articles == 1


def test_validate_refuses_a_label_its_quote_lacks(project: Project, published_dist: Path) -> None:
    mapping(project).write_text(GOOD_MAPPING.replace("label: {en: Enschede}", "label: {en: Enschede, nl: Enschedé}"))
    report = validate([mapping(project)], published_dist, project=project)
    [problem] = [f for f in report.findings if f.code is Code.NAME_NOT_IN_QUOTE]
    assert str(problem.location).endswith("100_test.yaml:11: entities[1].label.nl")
    assert report.exit_code == 1


# the seed build ----------------------------------------------------------------------------------------------


def test_no_name_claim_of_the_seed_build_quotes_a_sentence_that_lacks_the_name(built_dist: Path) -> None:
    claims = list(store_of(built_dist).query(NAME_CLAIMS))
    lacking = [(c["name"].value, c["quote"].value) for c in claims if not_in(c["name"].value, c["quote"].value)]
    assert claims and lacking == [], f"{len(lacking)} of {len(claims)}: {lacking[:5]}"


def not_in(name: str, quote: str) -> bool:
    fold = " ".join(quote.replace("’", "'").split()).casefold()
    return " ".join(name.replace("’", "'").split()).casefold() not in fold


def test_the_names_graph_says_who_curated_each_name_and_why(built_dist: Path, seed_project: Project) -> None:
    graph = seed_project.graph_iri("names")
    answers = list(
        store_of(built_dist).query(f"""
        PREFIX eco: <{ECO}>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?entity ?name ?kind ?who ?why WHERE {{ GRAPH <{graph}> {{
            ?record a eco:CuratedName ; rdf:subject ?entity ; rdf:predicate ?p ; rdf:object ?name ;
                    eco:nameKind ?kind ; dcterms:creator ?who ; skos:editorialNote ?why .
            ?entity ?p ?name }} }}""")
    )
    names = {(a["entity"].value.rsplit("/id/", 1)[1], a["name"].value): a for a in answers}
    dutch = names["domain/3d-design", "3D-ontwerp"]
    assert dutch["kind"].value == "translation" and dutch["who"].value == "Ecosystem Graph editors"
    assert "Dutch name" in dutch["why"].value
    assert names["position/jaap-beernink-novel-t", "Jaap Beernink, CEO van Novel-T"]["kind"].value == "display-label"


def test_no_claim_is_in_the_names_graph(built_dist: Path, seed_project: Project) -> None:
    ask = f"ASK {{ GRAPH <{seed_project.graph_iri('names')}> {{ ?c a <{ECO}Claim> }} }}"
    assert not store_of(built_dist).query(ask)


def test_the_dataset_description_tells_the_names_graph_apart(built_dist: Path, seed_project: Project) -> None:
    void = pyoxigraph.Store()
    void.load(path=built_dist / "void.ttl", format=pyoxigraph.RdfFormat.TURTLE)
    [answer] = void.query(f"""
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        SELECT ?title ?description ?creator WHERE {{
            ?subset sd:name <{seed_project.graph_iri("names")}> ; dcterms:title ?title ;
                    dcterms:description ?description ; dcterms:creator ?creator }}""")
    assert answer["title"].value == "Curated names"
    assert "no article states" in answer["description"].value


def test_pages_and_search_show_curated_names_in_both_languages(built_dist: Path) -> None:
    with TestClient(create_app(Site.open(built_dist)), base_url="http://127.0.0.1:8080") as http:
        page = http.get("/id/position/jaap-beernink-novel-t", headers={"Accept": "text/html"}).text
        found = http.get("/api/queries/label-search", params={"q": "ontwerp"}).json()["results"]["bindings"]
    assert "Jaap Beernink, CEO of Novel-T" in page and "Jaap Beernink, CEO van Novel-T" in page
    assert "domain/3d-design" in {b["entity"]["value"].rsplit("/id/", 1)[1] for b in found}  # by "3D-ontwerp"


# the names file ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change,line,field,message",
    [
        ("id: funding/twente-board-micronit", 2, "names[0].id", "no mapping declares the entity 'funding/nope'"),
        ("who: Ecosystem Graph editors", 5, "names[0].who", "'who' must be non-empty text"),
        ("label: {en: Twente Board funding for Micronit}", 4, "names[0].label.EN", "'EN' is not a language code"),
    ],
)
def test_a_names_file_error_names_file_line_and_field(
    project: Project, change: str, line: int, field: str, message: str
) -> None:
    wrong = {
        "id: funding/twente-board-micronit": "id: funding/nope",
        "who: Ecosystem Graph editors": 'who: ""',
        "label: {en: Twente Board funding for Micronit}": "label: {EN: Twente Board funding for Micronit}",
    }[change]
    project.names_file.write_text(NAMES.replace(change, wrong))
    result = CliRunner().invoke(main, ["--project", str(project.root), "build"])
    assert result.exit_code == 1
    assert f"names.yaml:{line}: {field}: {message}" in result.output


def test_validate_checks_the_names_file(project: Project, published_dist: Path) -> None:
    project.names_file.write_text(NAMES.replace("kind: display-label", "kind: nickname"))
    report = validate([project.names_file], published_dist, project=project)
    [problem] = report.findings
    assert str(problem.location).endswith("names.yaml:3: names[0].kind")
    assert "'nickname' is not a kind of name" in problem.message
    assert report.exit_code == 1


def test_the_names_file_is_not_an_article_mapping(project: Project) -> None:
    assert project.names_file not in project.mapping_files()


# an entity another mapping declares, used by its id ----------------------------------------------------------

USES_MICRONIT = """article: 101_test
entities:
  - id: organisation/micronit
    facts:
      - locatedIn: place/enschede
        quote: "The Enschede-based company Micronit"
  - id: place/enschede
"""


def second_article(project: Project, mapping_text: str = USES_MICRONIT) -> Path:
    for suffix in ("txt", "yaml"):
        text = (project.seeds_dir / f"100_test.{suffix}").read_text()
        (project.seeds_dir / f"101_test.{suffix}").write_text(text.replace("micronit-clean-room", "micronit-again"))
    path = project.mappings_dir / "101_test.yaml"
    path.write_text(mapping_text)
    return path


def test_an_id_only_entry_uses_an_entity_another_mapping_declares(project: Project) -> None:
    second_article(project)
    dist = build_dist(project, project.default_dist).out
    located = f"""ASK {{ GRAPH <{project.graph_iri("micronit-again")}> {{
        <{project.entity_iri("organisation/micronit")}> <{ECO}locatedIn> <{project.entity_iri("place/enschede")}> ;
        }} }}"""
    assert store_of(dist).query(located)


def test_validate_accepts_an_id_only_entry_for_an_entity_of_the_project(project: Project, published_dist: Path) -> None:
    report = validate([second_article(project)], published_dist, project=project)
    assert report.exit_code == 0, [str(f) for f in report.findings]


def test_validate_uses_the_type_and_label_of_an_entity_another_unpublished_mapping_declares(
    project: Project, published_dist: Path
) -> None:
    unpublished = "organisation/micronit-enschede"  # declared by 100_test.yaml, which the published graph lacks
    mapping(project).write_text(GOOD_MAPPING.replace("organisation/micronit", unpublished))
    assert not Published.load(published_dist).knows(project.entity_iri(unpublished))
    report = validate(
        [second_article(project, USES_MICRONIT.replace("organisation/micronit", unpublished))],
        published_dist,
        project=project,
    )
    assert report.exit_code == 0, [str(f) for f in report.findings]


def test_an_id_only_entry_for_an_unknown_id_gets_the_missing_type_error(project: Project) -> None:
    second_article(project, USES_MICRONIT.replace("place/enschede", "place/hengelo"))
    with pytest.raises(MappingErrors) as caught:
        build_dist(project, project.default_dist)
    [problem] = caught.value.findings
    assert str(problem.location).endswith("101_test.yaml:7: place/hengelo")
    assert "the field 'type' is missing" in problem.message and "no other mapping declares" in problem.hint


def test_the_build_refuses_a_curated_name_that_makes_an_entity_invalid_and_names_its_line(project: Project) -> None:
    second_label = """  - id: organisation/micronit
    kind: official-name
    label: {en: Micronit Microtechnologies}
    who: Ecosystem Graph editors
    why: the company's official name
"""
    project.names_file.write_text(NAMES + second_label)  # the mapping already gives Micronit an English label
    result = CliRunner().invoke(main, ["--project", str(project.root), "build"])
    assert result.exit_code == 1
    curated_name = f"(and the curated name at {project.names_file}:9)"
    assert f"mappings/100_test.yaml:3: organisation/micronit.label {curated_name}" in result.output
    assert "An entity has one label per language" in result.output


def test_validate_in_a_fresh_clone_checks_against_the_projects_other_mappings(project: Project) -> None:
    assert not project.default_dist.exists()
    report = validate([second_article(project)], project=project)
    assert report.exit_code == 0, [str(f) for f in report.findings]
    assert any("no published graph" in note and "other mappings" in note for note in report.notes)


ADDS_TO_A_FUNDING = """article: 101_test
entities:
  - id: FUNDING
    facts:
      - currency: EUR
        quote: "received €2 million from the Twente Board"
"""


@pytest.mark.parametrize(
    "funding",
    ["funding/twente-board-micronit", "funding/twente-board-medtech-factory"],  # declared by 100_test; published
)
def test_an_id_only_entry_adding_a_fact_to_a_funding_keeps_what_the_funding_already_states(
    funding: str, project: Project, published_dist: Path
) -> None:
    report = validate(
        [second_article(project, ADDS_TO_A_FUNDING.replace("FUNDING", funding))], published_dist, project=project
    )
    assert report.exit_code == 0, [str(f) for f in report.findings]  # not "a funding must say who gives the money"
