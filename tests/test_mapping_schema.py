"""The mapping format as a JSON Schema and a reference, generated from the ontology and the mapping engine; the
curated names file's JSON Schema, generated from the names reader's rules.

mappings/mapping.schema.json, mappings/names.schema.json and mappings/README.md are committed; after a deliberate
change of the engine or the ontology, regenerate them with ECOGRAPH_UPDATE_SCHEMA=1 pytest tests/test_mapping_schema.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from contribution_helpers import REPO, scratch_project
from jsonschema import Draft202012Validator

from ecograph.cli import main
from ecograph.mappingformat import mapping_reference, mapping_schema, names_schema_text, schema_text
from ecograph.project import Project
from ecograph.scaffold import scaffold

SCHEMA = REPO / "mappings" / "mapping.schema.json"
REFERENCE = REPO / "mappings" / "README.md"
NAMES_SCHEMA = REPO / "mappings" / "names.schema.json"
UPDATE = os.environ.get("ECOGRAPH_UPDATE_SCHEMA") == "1"


def as_an_editor_reads_it(path: Path) -> Any:
    """The YAML as JSON values: dates as the text they are written as (as editors check them)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


YAML_MAPPINGS = [p for p in Project.open(REPO).mapping_files() if p.suffix == ".yaml"]


@pytest.mark.parametrize("mapping", YAML_MAPPINGS, ids=lambda p: p.name)
def test_every_mapping_validates_against_the_schema(mapping: Path, validator: Draft202012Validator) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(as_an_editor_reads_it(mapping))]
    assert errors == []


GOOD = """\
article: 900_acme
entities:
  - id: organisation/acme
    type: Company
    label: {en: Acme}
    quote: "Acme opens a clean room"
    facts:
      - foundingDate: 2019
      - homepage: https://acme.example/
"""


def errors_of(validator: Draft202012Validator, text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return [e.message for e in validator.iter_errors(as_an_editor_reads_it(path))]


def test_a_correct_mapping_passes(validator: Draft202012Validator, tmp_path: Path) -> None:
    assert errors_of(validator, GOOD, tmp_path) == []


@pytest.mark.parametrize(
    "wrong",
    [
        ("    label: {en: Acme}", "    lable: {en: Acme}"),  # an unknown entity key
        ("      - homepage: https://acme.example/", "      - homepgae: https://acme.example/"),  # unknown fact key
        ("    type: Company", "    type: Compnay"),  # not a class
        ("      - foundingDate: 2019", "      - foundingDate: last year"),  # not a date
        ("      - foundingDate: 2019", "      - amount: 2 million"),  # not a number
        ("  - id: organisation/acme", "  - id: Acme"),  # not kind/slug
        ("      - homepage: https://acme.example/", "      - homepage: https://acme.example/\n        about: x/y"),
    ],
    ids=["entity-key", "fact-key", "class", "date", "number", "id", "two-keys-in-one-fact"],
)
def test_a_wrong_key_or_value_fails_the_schema(
    wrong: tuple[str, str], validator: Draft202012Validator, tmp_path: Path
) -> None:
    old, new = wrong
    assert old in GOOD
    assert errors_of(validator, GOOD.replace(old, new), tmp_path) != []


def test_the_committed_schema_and_reference_are_current(seed_project: Project) -> None:
    generated = {
        SCHEMA: schema_text(seed_project),
        NAMES_SCHEMA: names_schema_text(seed_project),
        REFERENCE: mapping_reference(seed_project),
    }
    if UPDATE:
        for path, text in generated.items():
            path.write_text(text, encoding="utf-8")
    for path, text in generated.items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: ECOGRAPH_UPDATE_SCHEMA=1 regenerates it"


def test_the_reference_lists_every_key_with_its_english_and_dutch_name(seed_project: Project) -> None:
    reference = mapping_reference(seed_project)
    assert "| `funder` | funder | financier | entity id |" in reference
    assert "| `amount` | amount | bedrag | number | one | `amount: 8710000` |" in reference
    assert "### Funding (funding; financiering)" in reference
    assert "Fact keys: `amount`, `currency`," in reference


def test_the_properties_only_the_build_writes_are_no_fact_keys(seed_project: Project) -> None:
    schema = mapping_schema(seed_project)
    reference = mapping_reference(seed_project)
    for key in ("quoteLine", "sha256", "nameKind", "axiom"):  # of claims, articles, curated names, inferences
        assert f"`{key}`" not in reference
        assert key not in json.dumps(schema)


def test_ecograph_schema_prints_the_schema_and_the_reference(seed_project: Project) -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["--project", str(seed_project.root), "schema"])
    assert printed.exit_code == 0 and json.loads(printed.output) == mapping_schema(seed_project)
    reference = runner.invoke(main, ["--project", str(seed_project.root), "schema", "--reference"])
    assert reference.exit_code == 0 and reference.output == mapping_reference(seed_project)


def test_the_build_writes_the_schemas_into_dist(built_dist: Path, seed_project: Project) -> None:
    assert (built_dist / "mapping.schema.json").read_text(encoding="utf-8") == schema_text(seed_project)
    assert (built_dist / "names.schema.json").read_text(encoding="utf-8") == names_schema_text(seed_project)


def test_a_scaffold_names_the_schema_beside_it(built_dist: Path, tmp_path: Path) -> None:
    project = scratch_project(tmp_path / "project")
    article = tmp_path / "cleanroom.txt"
    article.write_text("Micronit opens a new clean room in Enschede.\n", encoding="utf-8")
    result = scaffold(project, article, stem="900_cleanroom", against=built_dist)
    first = (project.root / result.mapping).read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=mapping.schema.json"
    assert (SCHEMA.parent / first.rsplit("=", 1)[1]).is_file()  # resolved beside the mapping, as editors do


# the names file ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def names_validator() -> Draft202012Validator:
    schema = json.loads(NAMES_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_names_file_validates_against_its_schema(names_validator: Draft202012Validator) -> None:
    names = Project.open(REPO).names_file
    assert names.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=names.schema.json"
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in names_validator.iter_errors(as_an_editor_reads_it(names))
    ]
    assert errors == []


NAME = """\
names:
  - id: organisation/university-of-twente
    kind: translation
    label: {nl: Universiteit Twente}
    who: Ecosystem Graph editors
    why: Dutch name of an entity the English articles name
"""


@pytest.mark.parametrize(
    "wrong",
    [
        ("kind: translation", "kind: nickname"),  # not a kind of name
        ("    who: Ecosystem Graph editors\n", ""),  # who is missing
        ("label: {nl: Universiteit Twente}", "label: Universiteit Twente"),  # a name without its language
        ("label: {nl: Universiteit Twente}", "lable: {nl: Universiteit Twente}"),  # an unknown key
        ("id: organisation/university-of-twente", "id: University of Twente"),  # not kind/slug
    ],
    ids=["kind", "who", "language", "key", "id"],
)
def test_a_wrong_names_entry_fails_the_names_schema(
    wrong: tuple[str, str], names_validator: Draft202012Validator, tmp_path: Path
) -> None:
    old, new = wrong
    assert errors_of(names_validator, NAME, tmp_path) == []
    assert errors_of(names_validator, NAME.replace(old, new), tmp_path) != []


def test_the_reference_documents_the_names_file(seed_project: Project) -> None:
    reference = mapping_reference(seed_project)
    assert "## The names file" in reference and "[names.schema.json](names.schema.json)" in reference
    assert "Kinds of name: `translation`, `official-name`, `abbreviation`, `display-label`, `other-name`." in reference
