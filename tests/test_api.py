"""The library API: `from ecograph import Project, build, validate`, typed errors, one version, quiet library."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from rdflib import OWL, Graph, URIRef

import ecograph
from ecograph import BuildError, EcographError, InputError, Project, ProjectError, build, validate

REPO = Path(__file__).resolve().parents[1]


def test_build_and_validate_from_the_package(
    seed_project: Project, built_dist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = build(seed_project, tmp_path / "dist")
    assert result.articles == len(seed_project.mapping_files()) and result.triples > 0
    report = validate([seed_project.mapping_files()[0]], built_dist, project=seed_project)
    assert report.conforms, [f.message for f in report.findings if f.severity == "Violation"]
    assert capsys.readouterr() == ("", "")  # the library never prints


def test_errors_are_typed_and_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="is not an ecograph project.*--project DIR") as error:
        Project.open(tmp_path)
    assert isinstance(error.value, EcographError) and error.value.exit_code == 2
    assert issubclass(InputError, EcographError) and issubclass(BuildError, EcographError)


def test_build_and_validate_stay_the_functions_when_their_packages_are_imported() -> None:
    import ecograph.build.dumps  # noqa: F401  (binds the subpackages on the package)
    import ecograph.validate.run  # noqa: F401

    assert ecograph.build is build and callable(ecograph.build)
    assert ecograph.validate is validate and callable(ecograph.validate)


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    code = (
        "import sys, ecograph, ecograph.cli; heavy = ('rdflib', 'pyshacl', 'owlready2', 'starlette', "
        "'uvicorn', 'jinja2', 'importlib.metadata'); print(sorted(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_version_is_written_once_in_pyproject() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert ecograph.__version__ == version("ecograph") == declared
    ontology = Graph().parse(REPO / "ontology" / "ecograph.ttl", format="turtle")
    ontology_iri = URIRef("https://w3id.org/ecograph/def")
    assert str(ontology.value(ontology_iri, OWL.versionInfo)) == declared
    assert str(ontology.value(ontology_iri, OWL.versionIRI)) == f"{ontology_iri}/{declared}"


def test_the_package_declares_its_type_hints() -> None:
    assert (Path(ecograph.__file__).parent / "py.typed").is_file()
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "py.typed" in package_data["package-data"]["ecograph"]
