"""A project describes its own dataset: `[tool.ecograph]` in its pyproject.toml, not facts in the engine."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from conftest import REPO, running_server
from rdflib import DCAT, DCTERMS, Graph, Namespace, URIRef

from ecograph import Project, ProjectError, build
from ecograph.bench import generate_corpus
from ecograph.cli import main
from ecograph.project import DEFAULT_TITLE
from ecograph.scaffold import guess_languages
from ecograph.shapefacts import shape_facts

VOID = Namespace("http://rdfs.org/ns/void#")
OURS = ("MedTech", "Netherlands", "Twente", "Micronit", "micronit", "Ecosystem Graph project")


@pytest.fixture(scope="module")
def other_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second corpus (three synthetic articles) with its own facts, built."""
    root = tmp_path_factory.mktemp("other") / "corpus"
    generate_corpus(root, 3, seed=7, template=REPO)
    example = _an_organisation(Project.open(root))
    facts = (root / "pyproject.toml").read_text(encoding="utf-8")
    facts = facts.replace('title = "Synthetic ecosystem corpus"', 'title = "Alpine Health Atlas"')
    facts = facts.replace('keywords = ["synthetic data", "benchmark"]', 'keywords = ["alpine health", "atlas"]')
    facts = facts.replace("[tool.ecograph]\n", f'[tool.ecograph]\nexamples = ["{example}"]\n', 1)
    (root / "pyproject.toml").write_text(facts, encoding="utf-8")
    for query in (root / "queries").glob("*.rq"):  # the stored queries are the corpus's too: their examples
        query.write_text(query.read_text(encoding="utf-8").replace("organisation/micronit", example), encoding="utf-8")
    build(Project.open(root), root / "dist")
    return root / "dist"


def _an_organisation(project: Project) -> str:
    text = project.mapping_files()[0].read_text(encoding="utf-8")
    return next(line.split("id:", 1)[1].strip() for line in text.splitlines() if "id: organisation/" in line)


def test_void_describes_the_other_corpus_with_its_own_facts(other_dist: Path) -> None:
    void = Graph().parse(other_dist / "void.ttl", format="turtle")
    dataset = URIRef("https://w3id.org/ecograph/dataset")
    assert str(void.value(dataset, DCTERMS.title)) == "Alpine Health Atlas"
    assert {str(k) for k in void.objects(dataset, DCAT.keyword)} == {"alpine health", "atlas"}
    assert [str(lang) for lang in void.objects(dataset, DCTERMS.language)] == [
        "http://publications.europa.eu/resource/authority/language/ENG"
    ]
    assert void.value(dataset, DCTERMS.license) is None  # the corpus states no licence, so none is claimed
    assert str(void.value(dataset, VOID.exampleResource)).startswith("https://w3id.org/ecograph/id/organisation/")
    text = (other_dist / "void.ttl").read_text(encoding="utf-8")
    assert not [word for word in OURS if word in text]


def test_the_landing_and_search_pages_show_the_other_corpus(other_dist: Path, tmp_path: Path) -> None:
    with running_server(other_dist, tmp_path / "server.log") as url:
        landing = httpx.get(f"{url}/", headers={"Accept": "text/html"}).text
        search = httpx.get(f"{url}/search", headers={"Accept": "text/html"}).text
    assert "<h1>Alpine Health Atlas</h1>" in landing and "<title>Alpine Health Atlas</title>" in landing
    assert '"keywords": [\n    "alpine health",\n    "atlas"\n  ]' in landing
    assert '"inLanguage": [\n    "en"\n  ]' in landing
    for page in (landing, search):
        assert not [word for word in OURS if word in page]
    assert 'placeholder="e.g. ' in search  # the label of the corpus's example organisation


def test_the_seed_project_states_its_facts_in_pyproject(seed_project: Project) -> None:
    facts = seed_project.facts
    assert facts.title == "Ecosystem Graph" and facts.languages == ("en", "nl")
    assert facts.language_codes == ("ENG", "NLD") and facts.examples == ("organisation/micronit",)


def test_a_project_without_facts_names_no_corpus(tmp_path: Path) -> None:
    for folder in ("seeds", "ontology", "mappings", "shapes", "queries"):
        (tmp_path / folder).mkdir()
    facts = Project.open(tmp_path).facts
    assert facts.title == DEFAULT_TITLE and facts.publisher == DEFAULT_TITLE
    assert facts.keywords == () and facts.license == "" and facts.examples == ()


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ('keywords = "health"', "keywords = 'health' is not a list of texts. Write it as keywords = ["),
        (
            'languages = ["en", "dutch"]',
            "languages = ['en', 'dutch'] holds 'dutch', which is not a two-letter language code",
        ),
        ('license = "CC-BY-4.0"', "license = 'CC-BY-4.0' is not an http(s) IRI. Write it as license = \"http"),
        ('examples = ["Micro Nit"]', "holds 'Micro Nit', which is not an entity id such as organisation/acme"),
        ("title = 3", "title = 3 is not text"),
        ('titel = "x"', "titel = 'x' is not a setting ecograph knows. did you mean title?"),
    ],
)
def test_a_bad_setting_names_the_file_the_key_and_the_fix(tmp_path: Path, setting: str, expected: str) -> None:
    for folder in ("seeds", "ontology", "mappings", "shapes", "queries"):
        (tmp_path / folder).mkdir()
    (tmp_path / "pyproject.toml").write_text(f"[tool.ecograph]\n{setting}\n", encoding="utf-8")
    with pytest.raises(ProjectError) as error:
        Project.open(tmp_path).facts  # noqa: B018  (reading the facts is what fails)
    assert str(error.value).startswith(f"{tmp_path / 'pyproject.toml'}: [tool.ecograph] ")
    assert expected in str(error.value)


# facts about the vocabulary come from the shapes ----------------------------------------------------------------

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix eco: <https://w3id.org/ecograph/def#> .
@prefix ex: <https://example.org/shapes#> .

ex:LabId a sh:NodeShape ; sh:targetClass eco:Lab ; sh:pattern "^https://w3id.org/ecograph/id/lab/" .
ex:Crop a sh:NodeShape ; sh:targetClass eco:Crop ;
    sh:property [ sh:path skos:inScheme ; sh:hasValue <https://w3id.org/ecograph/id/scheme/crops> ] .
ex:Yield a sh:NodeShape ; sh:targetSubjectsOf eco:tonnes ; sh:property [ sh:path eco:tonnes ; sh:minInclusive 0 ] .
ex:Change a sh:NodeShape ; sh:targetSubjectsOf eco:change ; sh:property [ sh:path eco:change ; sh:minInclusive -5 ] .
"""


def test_id_kinds_concept_schemes_and_non_negative_properties_are_read_from_the_shapes(tmp_path: Path) -> None:
    for folder in ("seeds", "ontology", "mappings", "shapes", "queries"):
        (tmp_path / folder).mkdir()
    (tmp_path / "shapes" / "crops.ttl").write_text(SHAPES, encoding="utf-8")
    facts = shape_facts(Project.open(tmp_path, base="https://example.org/farm/"))
    eco = "https://example.org/farm/def#"
    assert facts.kinds == {"lab": (eco + "Lab",), "article": (eco + "Article",), "claim": (eco + "Claim",)}
    assert facts.schemes == {eco + "Crop": "https://example.org/farm/id/scheme/crops"}
    assert facts.scheme_kinds == {"scheme"}
    assert facts.non_negative == {eco + "tonnes"}


def test_the_seed_shapes_name_the_kinds_of_ids(seed_project: Project) -> None:
    facts = shape_facts(seed_project)
    eco = seed_project.vocab
    assert facts.kinds["organisation"] == (eco + "Organisation",)
    assert facts.kinds["programme"] == (eco + "Programme", eco + "EducationProgramme")
    assert facts.schemes == {
        eco + "TechnologyDomain": seed_project.entity_iri("scheme/technology-domains"),
        eco + "ApplicationArea": seed_project.entity_iri("scheme/application-areas"),
    }
    assert {eco + "amount", eco + "budget", eco + "horizonYears"} <= facts.non_negative


def test_a_new_article_is_given_the_project_languages_it_is_written_in() -> None:
    german = "Die Firma ist mit der Universität verbunden, und das Labor ist auch für die Region offen."
    assert guess_languages(german, ("de", "en")) == ["de"]
    assert guess_languages("The lab and the university work with the region.", ("nl", "en")) == ["en"]
    mixed = "Het lab en de universiteit werken voor de regio. The lab is in the region."
    assert guess_languages(mixed, ("en", "nl")) == ["nl", "en"]


def test_every_command_stops_at_a_bad_setting_with_exit_code_2(tmp_path: Path) -> None:
    for folder in ("seeds", "ontology", "mappings", "shapes", "queries"):
        (tmp_path / folder).mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.ecograph]\nlanguages = ["english"]\n', encoding="utf-8")
    for command in (["build"], ["validate", str(tmp_path / "mappings")]):
        result = CliRunner().invoke(main, ["--project", str(tmp_path), *command])
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert "[tool.ecograph] languages = ['english'] holds 'english', which is not a two-letter" in result.output
