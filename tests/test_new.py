"""`ecograph new`: a scaffold with the published entities the text names, and to-dos for its numbers and dates;
`ecograph validate` on the untouched scaffold explains what is left to do."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from contribution_helpers import REPO, scratch_project

from ecograph.cli import main
from ecograph.errors import ProjectError
from ecograph.project import Project
from ecograph.scaffold import amount_value, date_value, find_candidates, scaffold

pytest_plugins = ["contribution_fixtures"]  # published_dist

ARTICLE = """Micronit opens a clean room with the University of Twente

19 December 2023

The Enschede-based company Micronit received €11 million from the Twente Board.
The programme has a budget of 8.71 MLN EUR.
Earlier, Micronit raised 3.5 million; 25% of the money goes to 13 partners.
Researchers of the UT work in the UTTechMed building, says Universiteit Twente.
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return scratch_project(tmp_path / "project")


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "clean-room.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def cli(project: Project, *args: object) -> Result:
    return CliRunner().invoke(main, ["--project", str(project.root), *map(str, args)], catch_exceptions=False)


def test_scaffold_lists_the_published_entities_the_text_names(
    project: Project, article: Path, published_dist: Path
) -> None:
    result = scaffold(project, article, stem="900_clean-room", against=published_dist)
    assert {
        "organisation/micronit",
        "organisation/twente-board",
        "organisation/university-of-twente",
        "place/enschede",
    } <= {m.entity_id for m in result.entities}
    text = result.mapping.read_text(encoding="utf-8")
    assert "#   organisation/micronit" in text and '"Micronit", line 1' in text


def test_scaffold_refers_to_published_entities_by_id_and_copies_none_of_their_names(
    project: Project, article: Path, published_dist: Path
) -> None:
    """A published alias the article never says ('Micronit Microtechnologies') must not become its claim."""
    result = scaffold(project, article, stem="900_clean-room", against=published_dist)
    text = result.mapping.read_text(encoding="utf-8")
    assert "Micronit Microtechnologies" not in text
    published = {m.entity_id for m in result.entities}
    entries = [e for e in yaml.safe_load(text)["entities"] if e["id"] in published]
    assert entries and all(set(entry) <= {"id", "facts"} for entry in entries)


def test_new_in_a_fresh_clone_finds_what_it_finds_after_a_build(
    tmp_path: Path, article: Path, built_dist: Path
) -> None:
    """Without dist/ the project's own mappings are looked up: the same scaffold as against the build."""
    outputs = []
    for name, against in (("fresh", None), ("built", built_dist)):
        clone = scratch_project(tmp_path / name)
        for mapping in (REPO / "mappings").glob("*.yaml"):
            shutil.copy(mapping, clone.mappings_dir / mapping.name)
        result = scaffold(clone, article, stem="900_clean-room", against=against)
        assert result.notes == []
        outputs.append(result.mapping.read_text(encoding="utf-8"))
    assert len(re.findall(r"^  #   \w+/", outputs[0], re.M)) >= 4
    assert outputs[0] == outputs[1]


def test_a_place_inside_an_organisations_name_is_not_a_mention(project: Project, published_dist: Path) -> None:
    seed = project.seeds_dir / "902_hospital.txt"
    seed.write_text("Medisch Spectrum Twente buys a scanner.\nThe hospital in Enschede is busy.\n", encoding="utf-8")
    result = scaffold(project, seed, against=published_dist)
    assert [m.entity_id for m in result.entities] == ["place/enschede"]


def test_new_says_how_many_to_dos_it_wrote(project: Project, article: Path, published_dist: Path) -> None:
    made = cli(project, "new", article, "--id", "900_clean-room", "--against", published_dist)
    written = yaml.safe_load((project.mappings_dir / "900_clean-room.yaml").read_text(encoding="utf-8"))["todo"]
    assert f"{len(written)} to-dos" in made.output


def test_a_long_title_gives_a_slug_cut_between_words(project: Project, tmp_path: Path, published_dist: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(
        "Medical technology secures the future of healthcare in the Eastern Netherlands\n", encoding="utf-8"
    )
    result = scaffold(project, path, stem="903_long", against=published_dist)
    slug = yaml.safe_load(result.metadata.read_text(encoding="utf-8"))["slug"]
    assert slug == "medical-technology-secures-the-future-of-healthcare-in-the"


def test_names_match_on_word_boundaries_only(project: Project, article: Path, published_dist: Path) -> None:
    """'UT' is found as a word, not inside 'UTTechMed'; the quote is the sentence with the word."""
    result = scaffold(project, article, stem="900_clean-room", against=published_dist)
    university = next(m for m in result.entities if m.entity_id == "organisation/university-of-twente")
    assert university.line == 1  # "University of Twente" in the title comes first
    assert all(m.name != "UTTechMed" for m in result.entities)


def test_scaffold_lists_every_amount_date_count_and_percentage(article: Path) -> None:
    todos = {(t.kind, t.text) for t in find_candidates(ARTICLE)}
    assert {
        ("date", "19 December 2023"),
        ("amount", "€11 million"),
        ("amount", "8.71 MLN EUR"),
        ("amount", "3.5 million"),
        ("percentage", "25%"),
        ("count", "13"),
    } <= todos
    assert not any(kind == "count" and text in ("11", "8.71", "3.5", "25") for kind, text in todos)


@pytest.mark.parametrize(
    ("shown", "value"),
    [
        ("€11 million", "11000000"),
        ("8.71 MLN EUR", "8710000"),
        ("3.5 million", "3500000"),
        ("€ 300.000", "300000"),
        ("2,5 miljoen euro", "2500000"),
    ],
)
def test_amounts_are_read_as_numbers(shown: str, value: str) -> None:
    assert amount_value(shown) == value


@pytest.mark.parametrize(
    ("shown", "value"),
    [
        ("19 December 2023", "2023-12-19"),
        ("december 2023", "2023-12"),
        ("9 oktober 2024", "2024-10-09"),
        ("2018", "2018"),
        ("30 February 2023", None),
    ],
)
def test_dates_are_read_as_iso_dates(shown: str, value: str | None) -> None:
    assert date_value(shown) == value


def test_untouched_scaffold_validates_with_exit_1_and_explains_the_todos(
    project: Project, article: Path, published_dist: Path
) -> None:
    made = cli(project, "new", article, "--id", "900_clean-room", "--against", published_dist)
    assert made.exit_code == 0, made.output
    assert "seeds/900_clean-room.txt" in made.output and "mappings/900_clean-room.yaml" in made.output
    checked = cli(
        project, "validate", "--no-reasoner", "--against", published_dist, project.mappings_dir / "900_clean-room.yaml"
    )
    assert checked.exit_code == 1, checked.output
    assert "Traceback" not in checked.output
    assert "[to do]" in checked.output
    assert "open to-do: the article states amount '€11 million'" in checked.output
    assert "amount: 11000000" in checked.output
    assert "check 900_clean-room.yaml: slug, title" in checked.output


def test_scaffold_without_its_drafts_and_todos_is_a_mapping_that_validates(
    project: Project, article: Path, published_dist: Path
) -> None:
    result = scaffold(project, article, stem="900_clean-room", against=published_dist)
    text = result.mapping.read_text(encoding="utf-8")
    result.mapping.write_text(re.sub(r"\n  # Drafts:.*", "\n  []\n", text, flags=re.S), encoding="utf-8")
    checked = cli(project, "validate", "--no-reasoner", "--against", published_dist, result.mapping)
    assert checked.exit_code == 0, checked.output


def test_default_id_is_the_next_number_and_the_text_checksum(
    project: Project, article: Path, published_dist: Path
) -> None:
    result = scaffold(project, article, against=published_dist)
    assert re.fullmatch(r"005_[0-9a-f]{16}", result.stem)
    assert result.seed.read_bytes() == article.read_bytes()


def test_a_seed_already_in_seeds_is_used_in_place(project: Project, published_dist: Path) -> None:
    seed = project.seeds_dir / "901_here.txt"
    seed.write_text(ARTICLE, encoding="utf-8")
    result = scaffold(project, seed, against=published_dist)
    assert result.stem == "901_here" and seed not in result.written


def test_new_refuses_to_overwrite_a_mapping(project: Project, article: Path, published_dist: Path) -> None:
    scaffold(project, article, stem="900_clean-room", against=published_dist)
    with pytest.raises(ProjectError, match="already exists"):
        scaffold(project, article, stem="900_clean-room", against=published_dist)
    again = cli(project, "new", article, "--id", "900_clean-room", "--against", published_dist)
    assert again.exit_code == 2 and "already exists" in again.output


@pytest.mark.parametrize("suffix", ["ttl", "jsonld"])
def test_new_refuses_an_article_whose_facts_are_written_in_rdf(
    project: Project, article: Path, published_dist: Path, suffix: str
) -> None:
    hand_written = project.mappings_dir / f"900_clean-room.{suffix}"
    hand_written.write_text("# the article's facts, written by hand\n", encoding="utf-8")
    refused = cli(project, "new", article, "--id", "900_clean-room", "--against", published_dist)
    assert refused.exit_code == 2
    assert f"{hand_written} already exists" in refused.output and "an article has one mapping file" in refused.output
    assert not (project.mappings_dir / "900_clean-room.yaml").exists()
    assert not project.seed_text("900_clean-room").exists()


def test_new_without_a_published_graph_still_scaffolds(project: Project, article: Path, tmp_path: Path) -> None:
    result = scaffold(project, article, stem="900_clean-room", against=tmp_path / "no-dist")
    assert result.entities == [] and result.todos
    assert "ecograph build" in result.notes[0]
